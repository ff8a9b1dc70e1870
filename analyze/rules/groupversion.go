package rules

import (
	"regexp"
	"strings"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// groupVersion (NSB-GV-001): a failing group-version is served by an
// APIService; follow it.
type groupVersion struct{}

func (groupVersion) ID() string            { return "NSB-GV-001" }
func (groupVersion) Title() string         { return "Failing group-version and its APIService" }
func (groupVersion) Kinds() []analyze.Kind { return []analyze.Kind{analyze.KindGroupVersion} }

func (r groupVersion) Explain(s *snapshot.Snapshot, n analyze.Node) []analyze.Node {
	group, version, ok := strings.Cut(n.Name, "/")
	if !ok {
		return nil
	}
	name := version + "." + group
	if nd, missing := notCollected(s, snapshot.ResAPIServices, "APIService objects"); missing {
		if ag := aggregatorSays(s, name, n.Name, nd.Missing); ag != nil {
			return []analyze.Node{*ag}
		}
		nd.Problem += " (the failing group-version " + n.Name + " is served by APIService " + name + ", whose status would name the cause)"
		return []analyze.Node{nd}
	}
	as := s.APIService(name)
	if as == nil && !s.Complete(snapshot.ResAPIServices) {
		nd := notInPartial(s, snapshot.ResAPIServices, "APIService "+name, "APIService objects", "; its status would name why "+n.Name+" fails")
		if ag := aggregatorSays(s, name, n.Name, nd.Missing); ag != nil {
			return []analyze.Node{*ag}
		}
		return []analyze.Node{nd}
	}
	if as == nil {
		return []analyze.Node{{
			Ref:     ref(analyze.KindAPIService, "", name),
			Problem: "no APIService " + name + " exists, yet discovery of " + n.Name + " failed (it may have been deleted since; the namespace controller retries)",
			Root:    true,
			Fix:     "Run `kubectl api-resources` again: if " + n.Name + " no longer fails, the namespace finishes on the controller's next retry (within minutes).",
			Verify:  verifyDiscovery(n.Name),
		}}
	}
	c, i := snapshot.FindCondition(as.Status.Conditions, "Available")
	if c == nil {
		return []analyze.Node{{
			Ref:      ref(analyze.KindAPIService, "", name),
			Problem:  "has no Available condition: the aggregator has not checked it",
			Evidence: []analyze.Evidence{ev(as.Loc.At("status"), "no conditions")},
			Root:     true,
			Fix:      "Check kube-apiserver's health and logs: the aggregator's availability controller sets Available on every APIService within seconds.",
			Verify:   verifyCondition("apiservice", "", name, "Available", "2m"),
		}}
	}
	if c.Status == "True" {
		return []analyze.Node{{
			Ref:      ref(analyze.KindAPIService, "", name),
			Problem:  "is Available now; the failure the namespace recorded is older (the controller retries with backoff up to a minute)",
			Evidence: []analyze.Evidence{condEv(&as.Object, c, i)},
			Root:     true,
			Fix:      "Nothing to repair if discovery works now: wait a minute and check again. If the namespace stays, re-collect: the failure may be intermittent.",
			Verify:   verifyDiscovery(n.Name),
		}}
	}
	return []analyze.Node{{
		Ref:      ref(analyze.KindAPIService, "", name),
		Problem:  "is not available: " + c.Reason + ": " + c.Message,
		Evidence: []analyze.Evidence{condEv(&as.Object, c, i)},
	}}
}

// verifyDiscovery checks that discovery of group-version gv answers.
func verifyDiscovery(gv string) analyze.Verify {
	return verifyCmd("kubectl get --raw /apis/"+gv+" >/dev/null",
		"exit status 0: discovery of "+gv+" answers (an error such as \"the server is currently unable to handle the request\" before)")
}

// aggregatorSays is APIService name as kube-apiserver's log shows it when
// the bundle lacks the object: the availability controller's newest
// "<name> failed with: <cause>" line (v1.37 inside "Unhandled Error"
// err="...", older bare after available_controller.go's header). nil when
// no kube-apiserver log says so. The object's status, Service and
// endpoints stay missing, and the node says so.
func aggregatorSays(s *snapshot.Snapshot, name, gv string, missing []string) *analyze.Node {
	needle := name + " failed with: "
	var re *regexp.Regexp // compiled at the first line that names the APIService
	for _, l := range s.LogsOf("kube-apiserver") {
		for i := len(l.Lines) - 1; i >= 0; i-- {
			if !strings.Contains(l.Lines[i], needle) {
				continue
			}
			if re == nil {
				re = regexp.MustCompile(`(?:err="|\] )` + regexp.QuoteMeta(needle) + `(.+)`)
			}
			m := re.FindStringSubmatch(l.Lines[i])
			if m == nil {
				continue
			}
			cause := strings.TrimSuffix(strings.TrimSuffix(m[1], `" logger="UnhandledError"`), `"`)
			return &analyze.Node{
				Ref:      ref(analyze.KindAPIService, "", name),
				Problem:  "kube-apiserver's aggregator cannot reach it (" + quote(cause) + "), so discovery of " + gv + " fails; the APIService object is not in the bundle to name its Service",
				Evidence: []analyze.Evidence{evLine(l, i)},
				Root:     true,
				Missing:  missing,
				Fix: "Follow the address in the aggregator's error to the Service and pods behind APIService " + name +
					" (kubectl get apiservice " + name + " -o yaml names the Service) and repair them; collect with `nsbundle collect` to let nsbundle follow the chain. Do not strip the namespace's finalizers.",
				Verify: verifyCondition("apiservice", "", name, "Available", "2m"),
			}
		}
	}
	return nil
}
