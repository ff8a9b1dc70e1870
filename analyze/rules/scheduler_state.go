package rules

import (
	"time"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/flavor"
	"github.com/nsbundle/nsbundle/analyze/kcm"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

const componentScheduler = "kube-scheduler"

// schedulerState (NSB-SCHED-001): pods stay unscheduled because
// kube-scheduler does not run (its leader lease is stale); with no lease in
// the bundle the chain ends in missing evidence.
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
	fix := "Start kube-scheduler (" + startHow(s, componentScheduler) + ") and read its log."
	verify := verifyLeaseStable("kube-system", componentScheduler)
	l := s.Lease("kube-system", componentScheduler)
	if l == nil {
		return []analyze.Node{noSchedulerLease(s)}
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

// noSchedulerLease ends the chain when the bundle holds no kube-scheduler
// lease: that is no proof that it does not run. A scheduler without leader
// election (single-server k3s, --leader-elect=false) holds none, and a
// managed control plane may hide it.
func noSchedulerLease(s *snapshot.Snapshot) analyze.Node {
	why := "no lease kube-system/kube-scheduler is in the bundle"
	if !s.Complete(snapshot.ResLeases) {
		why += " (its Lease objects are incomplete: " + s.Collection(snapshot.ResLeases).Error + ")"
	}
	why += ", and a kube-scheduler that runs without leader election holds none"
	switch f := flavor.Of(s); {
	case f.Name == flavor.K3s:
		why += " (flavor " + f.String() + ": a single k3s server runs it in its own process)"
	case f.Managed():
		why += " (flavor " + f.String() + ": the provider runs the control plane)"
	}
	nd := missingNode("kube-scheduler's state", why+"; its pod or log would show whether it runs")
	nd.Fix = "Read kube-scheduler's log on a control-plane host (its static pod: crictl logs; or its systemd unit: journalctl -u kube-scheduler), or collect it with `nsbundle collect --log kube-scheduler=PATH`."
	return nd
}
