package analyze

import (
	"fmt"
	"strings"

	"github.com/nsbundle/nsbundle/analyze/bootstrap"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// checked summarises what the rules could look at in a snapshot.
func checked(s *snapshot.Snapshot) []string {
	var out []string
	count := func(res, label string, n int, detail string) {
		if !s.Collected(res) {
			out = append(out, label+": not in the bundle")
			return
		}
		if n == 1 {
			label = strings.TrimSuffix(label, "s") // "1 node", "1 log"
		}
		line := fmt.Sprintf("%d %s", n, label)
		if detail != "" {
			line += " (" + detail + ")"
		}
		out = append(out, line)
	}
	term := 0
	for _, ns := range s.Namespaces {
		if ns.DeletionTimestamp != nil || ns.Status.Phase == "Terminating" {
			term++
		}
	}
	count(snapshot.ResNamespaces, "namespaces", len(s.Namespaces), fmt.Sprintf("%d Terminating", term))
	down := 0
	for _, a := range s.APIServices {
		if c, _ := snapshot.FindCondition(a.Status.Conditions, "Available"); c == nil || c.Status != "True" {
			down++
		}
	}
	count(snapshot.ResAPIServices, "APIServices", len(s.APIServices), fmt.Sprintf("%d not Available", down))
	failing := 0
	for _, d := range s.Discovery {
		if d.Error != "" {
			failing++
		}
	}
	count(snapshot.ResDiscovery, "discovery results", len(s.Discovery)+len(s.DiscoveryErrors), fmt.Sprintf("%d failing", failing+len(s.DiscoveryErrors)))
	count(snapshot.ResPods, "pods", len(s.Pods), "")
	notReady := 0
	for _, n := range s.Nodes {
		if c, _ := snapshot.FindCondition(n.Status.Conditions, "Ready"); c == nil || c.Status != "True" {
			notReady++
		}
	}
	count(snapshot.ResNodes, "nodes", len(s.Nodes), fmt.Sprintf("%d not Ready", notReady))
	count(snapshot.ResLeases, "leases", len(s.Leases), "")
	count(snapshot.ResClusterRoles, "ClusterRoles", len(s.ClusterRoles), policyLimit(s.GitVersion))
	count(snapshot.ResLogs, "logs", len(s.Logs), "")
	return out
}

// policyLimit says how the bootstrap RBAC check was narrowed when the
// cluster's version is unknown or has no embedded policy ("" when the
// version's own policy was used).
func policyLimit(gitVersion string) string {
	p, err := bootstrap.For(gitVersion)
	if err != nil {
		return "no bootstrap RBAC policy to compare with: " + err.Error()
	}
	return p.Note
}
