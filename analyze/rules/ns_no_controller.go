package rules

import (
	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/bootstrap"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// nsNoController (NSB-NS-007): a namespace deleted a while ago with no
// deletion condition at all: the namespace controller (in
// kube-controller-manager) never processed it.
type nsNoController struct{}

func (nsNoController) ID() string            { return "NSB-NS-007" }
func (nsNoController) Title() string         { return "Namespace never processed by the namespace controller" }
func (nsNoController) Kinds() []analyze.Kind { return []analyze.Kind{analyze.KindNamespace} }

func (r nsNoController) Explain(s *snapshot.Snapshot, n analyze.Node) []analyze.Node {
	ns := s.Namespace(n.Name)
	if ns == nil || len(ns.Status.Conditions) > 0 || s.Layout == snapshot.LayoutClusterInfoDump {
		return nil
	}
	if since(s, ns.DeletionTimestamp) < noConditionsAfter {
		return nil
	}
	if m, ok := bootstrap.Minor(s.GitVersion); ok && m < 16 {
		// Before 1.16 the namespace controller wrote no conditions at all.
		return nil
	}
	return []analyze.Node{{
		Ref:     ref(analyze.KindComponent, "", componentKCM),
		Problem: "the namespace controller has not written any deletion condition on " + ns.Name + " in " + age(s, ns.DeletionTimestamp) + ": it has not processed the namespace",
		Evidence: []analyze.Evidence{
			ev(ns.Loc.At("status"), "phase "+ns.Status.Phase+", no conditions"),
		},
	}}
}
