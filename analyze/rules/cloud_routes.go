package rules

import (
	"strings"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// cloudRoutes (NSB-CCM-001): the cloud-controller-manager's route
// controller fails because the cloud API refuses it.
type cloudRoutes struct{}

func (cloudRoutes) ID() string            { return "NSB-CCM-001" }
func (cloudRoutes) Title() string         { return "Route controller denied by the cloud API" }
func (cloudRoutes) Kinds() []analyze.Kind { return []analyze.Kind{analyze.KindComponent} }

// Route controller failures (k8s.io/cloud-provider/controllers/route).
var routeFailures = []string{
	"Could not create route", "Couldn't reconcile node routes", "couldn't reconcile node routes",
	"error listing routes", "Could not delete route", "FailedToCreateRoute",
}

// Cloud permission refusals, per provider.
var permissionDenied = []string{
	"not authorized to perform", "UnauthorizedOperation", "AccessDenied", // AWS
	"AuthorizationFailed", "does not have authorization", // Azure
	"Required '", "PERMISSION_DENIED", "permission denied", "Permission denied", "forbidden", "Forbidden", "403", // GCE and others
}

func (r cloudRoutes) Explain(s *snapshot.Snapshot, n analyze.Node) []analyze.Node {
	if n.Name != componentCCM {
		return nil
	}
	logs := s.LogsOf(componentCCM)
	if len(logs) == 0 {
		nd := missingNode("cloud-controller-manager logs",
			"the route controller's log would say why it creates no route; cloud-controller-manager logs are not in the bundle (collect them with --log cloud-controller-manager=PATH when it does not run as a pod)")
		return []analyze.Node{nd}
	}
	// The route controller retries every sync: quote the newest refusal
	// and count them. Its event broadcaster echoes each event into the log
	// ("Event occurred"); the event itself is quoted from the bundle.
	var denied, failed []analyze.Evidence
	refusals := 0
	for _, l := range logs {
		for i := len(l.Lines) - 1; i >= 0; i-- {
			line := l.Lines[i]
			if !containsAny(line, routeFailures...) || strings.Contains(line, `"Event occurred"`) {
				continue
			}
			if containsAny(line, permissionDenied...) {
				refusals++
				if len(denied) == 0 {
					denied = append(denied, evLineMatch(l, i, firstOf(line, permissionDenied)))
				}
			} else if len(failed) < 2 {
				failed = append(failed, evLine(l, i))
			}
		}
	}
	fixVerify := verifyCondition("nodes", "", "--all", "NetworkUnavailable=False", "5m")
	if len(denied) > 0 {
		return []analyze.Node{{
			Ref:      ref(analyze.KindComponent, "", componentCCM),
			Problem:  "the cloud API denies the route controller permission to manage routes" + refusalCount(refusals),
			Evidence: denied,
			Root:     true,
			Fix: "Restore the cloud permission of the cloud-controller-manager's identity (IAM role / service account / managed identity) so it may list, create and delete routes " +
				"(e.g. AWS ec2:DescribeRouteTables, ec2:CreateRoute, ec2:DeleteRoute; GCE compute.routes.*). Find what changed the policy. " +
				"Then the route controller creates the missing routes at its next sync, NetworkUnavailable clears and the pod becomes reachable. Do not strip namespace finalizers.",
			Verify: fixVerify,
		}}
	}
	if len(failed) > 0 {
		return []analyze.Node{{
			Ref:      ref(analyze.KindComponent, "", componentCCM),
			Problem:  "the route controller fails to manage routes: " + strings.TrimSpace(failed[0].Value),
			Evidence: failed,
			Root:     true,
			Fix:      "Fix the error the route controller reports (cloud quota, route table, credentials), then let it sync.",
			Verify:   fixVerify,
		}}
	}
	return []analyze.Node{{
		Ref:      ref(analyze.KindComponent, "", componentCCM),
		Problem:  "its log shows no route controller error; the route may have been removed outside Kubernetes",
		Evidence: []analyze.Evidence{{Path: logs[0].Path, Value: itoa(len(logs[0].Lines)) + " lines, no route controller failure"}},
		Root:     true,
		Fix:      "Check the cloud route table for the node's pod CIDR; restart the cloud-controller-manager to force a route sync.",
		Verify:   fixVerify,
	}}
}

// refusalCount says how many refusals the log holds when there are several.
func refusalCount(n int) string {
	if n < 2 {
		return ""
	}
	return " (" + itoa(n) + " refusals in its log, the newest quoted)"
}

// firstOf is the first of markers that occurs in line ("" if none).
func firstOf(line string, markers []string) string {
	for _, m := range markers {
		if strings.Contains(line, m) {
			return m
		}
	}
	return ""
}
