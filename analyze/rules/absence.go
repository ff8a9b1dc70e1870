package rules

import (
	"strings"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// unproven ends a chain at object what (of namespace ns; "" for an object
// looked for in every namespace) when the bundle's list of res (label,
// e.g. "Service objects") cannot prove it absent: the list is partial, or
// it covers other namespaces only (a cluster-info dump lists kube-system
// and the current namespace unless run with --all-namespaces; a
// must-gather lists the namespaces it gathers). more is added to the
// reason. ok is false when the list proves the absence.
func unproven(s *snapshot.Snapshot, res, ns, what, label, more string) (analyze.Node, bool) {
	if ns != "" && s.CompleteIn(res, ns) {
		return analyze.Node{}, false // also a partial list with a file of ns whole (a must-gather's)
	}
	if !s.Complete(res) {
		return notInPartial(s, res, what, label, more), true
	}
	if ns == "" && s.CompleteAll(res) {
		return analyze.Node{}, false
	}
	scope := "in namespace " + ns
	if ns == "" {
		scope = "in every namespace"
	}
	why := what + " is not in the bundle, but its " + label + " were not listed " + scope +
		": it lists them for namespaces " + strings.Join(s.ListedNamespaces(res), ", ") + " only" + listHint(s) + more
	return missingObject(what, label, why), true
}

// listHint says how the bundle's layout chooses the namespaces it lists.
func listHint(s *snapshot.Snapshot) string {
	switch s.Layout {
	case snapshot.LayoutClusterInfoDump:
		return " (kubectl cluster-info dump covers kube-system and the current namespace unless run with --all-namespaces or --namespaces)"
	case snapshot.LayoutMustGather:
		return " (a must-gather gathers only the namespaces of the components it inspects)"
	case snapshot.LayoutTroubleshoot:
		return " (the troubleshoot spec's clusterResources collector was limited to some namespaces)"
	}
	return ""
}
