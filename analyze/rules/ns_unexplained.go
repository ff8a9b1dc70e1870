package rules

import (
	"strings"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// nsUnexplained (NSB-NS-008): a stuck namespace no other rule explains. It
// says what evidence is missing instead of guessing.
type nsUnexplained struct{}

func (nsUnexplained) ID() string            { return "NSB-NS-008" }
func (nsUnexplained) Title() string         { return "Namespace stuck, cause not in the bundle" }
func (nsUnexplained) Kinds() []analyze.Kind { return []analyze.Kind{analyze.KindNamespace} }
func (nsUnexplained) Fallback()             {}

func (r nsUnexplained) Explain(s *snapshot.Snapshot, n analyze.Node) []analyze.Node {
	var missing []string
	check := []struct{ res, label string }{
		{snapshot.ResNamespaces, "Namespace objects"},
		{snapshot.ResAPIServices, "APIService objects"},
		{snapshot.ResDiscovery, "API discovery results"},
		{snapshot.ResLeases, "Lease objects"},
		{snapshot.ResPods, "Pod objects"},
		{snapshot.ResLogs, "component logs"},
	}
	for _, c := range check {
		if !s.Collected(c.res) {
			missing = append(missing, c.label)
		}
	}
	if len(s.LogsOf(componentKCM)) == 0 {
		missing = append(missing, "kube-controller-manager logs")
	}
	if s.Content[n.Name] == nil {
		missing = append(missing, "the list of content left in "+n.Name)
	}
	why := "the bundle holds nothing that explains it"
	if len(missing) > 0 {
		why += "; not in the bundle: " + strings.Join(missing, ", ")
	}
	nd := missingNode("evidence of what blocks "+n.Name, why)
	// What the namespace controller says is left (which resource, how
	// many) is the best lead there is.
	if ns := s.Namespace(n.Name); ns != nil {
		for _, typ := range []string{condContentRemaining, condFinalizersRemain} {
			if c, i := snapshot.FindCondition(ns.Status.Conditions, typ); c != nil && c.Status == "True" && c.Message != "" {
				nd.Evidence = append(nd.Evidence, condEv(&ns.Object, c, i))
				nd.Problem += "; the namespace controller reports: " + quote(c.Message)
			}
		}
	}
	nd.Fix = "Collect what is missing: run `nsbundle collect` against the cluster (with --log kube-controller-manager=PATH when the controller-manager is not a pod), then analyze that bundle. Meanwhile: kubectl get ns " + n.Name + " -o yaml shows the deletion conditions. Do not strip the namespace's finalizers."
	nd.Missing = missing
	return []analyze.Node{nd}
}
