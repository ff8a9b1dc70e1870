package rules

import (
	"time"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/kcm"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

const componentScheduler = "kube-scheduler"

// schedulerState (NSB-SCHED-001): pods stay unscheduled because
// kube-scheduler does not run (its leader lease is absent or stale).
type schedulerState struct{}

func (schedulerState) ID() string            { return "NSB-SCHED-001" }
func (schedulerState) Title() string         { return "kube-scheduler not running" }
func (schedulerState) Kinds() []analyze.Kind { return []analyze.Kind{analyze.KindComponent} }

func (r schedulerState) Explain(s *snapshot.Snapshot, n analyze.Node) []analyze.Node {
	if n.Name != componentScheduler {
		return nil
	}
	if nd, missing := notCollected(s, snapshot.ResLeases, "Lease objects"); missing {
		return []analyze.Node{nd}
	}
	fix := "Start kube-scheduler (static pod manifest in /etc/kubernetes/manifests or its systemd unit on the control-plane hosts) and read its log."
	verify := "kubectl get lease -n kube-system kube-scheduler -o jsonpath='{.spec.renewTime}'   # advances; then: kubectl get pods -A --field-selector spec.nodeName= "
	l := s.Lease("kube-system", componentScheduler)
	if l == nil {
		return []analyze.Node{{
			Ref:      n.Ref,
			Problem:  "is not running: there is no kube-system/kube-scheduler leader lease",
			Evidence: []analyze.Evidence{{Path: "resources/coordination.k8s.io/v1/leases.json", Value: "no Lease kube-system/kube-scheduler"}},
			Root:     true,
			Fix:      fix,
			Verify:   verify,
		}}
	}
	if l.Spec.RenewTime != nil && since(s, l.Spec.RenewTime) > 15*time.Second+kcm.LeaseGrace {
		return []analyze.Node{{
			Ref:      n.Ref,
			Problem:  "is not running: nobody renewed its leader lease for " + age(s, l.Spec.RenewTime),
			Evidence: []analyze.Evidence{ev(l.Loc.At("spec", "renewTime"), l.Spec.RenewTime.Format(time.RFC3339))},
			Root:     true,
			Fix:      fix,
			Verify:   verify,
		}}
	}
	return nil
}
