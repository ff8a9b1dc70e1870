package rules

import (
	"time"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/kcm"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

const (
	componentKCM = kcm.Component
	userKCM      = kcm.User
)

// kcmView holds what the bundle says about kube-controller-manager; the
// rules that depend on it list it in Requires.
var kcmView = kcm.View

// readKCM returns the controller-manager's facts, read once per snapshot.
func readKCM(s *snapshot.Snapshot) *kcm.Facts { return kcmView.Of(s) }

// hitEv quotes a log line the kcm facts point at.
func hitEv(h *kcm.Hit) analyze.Evidence { return evLineMatch(h.Log, h.Line, kcm.Focus(h.Text())) }

// kcmCrashLooping reports whether kube-controller-manager keeps restarting:
// its pod says so, its logs show repeated exits, or its lease keeps
// changing hands (each start has a new identity).
func kcmCrashLooping(st *kcm.Facts) bool {
	if st.WaitingCrashLoop() != nil || (st.Lease != nil && st.Lease.Churning) {
		return true
	}
	// restartCount and the exits in a log that spans restarts are lifetime
	// counters: history, which counts only while nothing shows it working
	// now (a renewed lease, a pod Running and Ready).
	return (st.Restarts() >= 3 || st.Exits >= 2) && !kcmRunning(st) && !kcmPodReady(st)
}

// kcmPodReady reports whether one of its pods is Running and Ready now.
func kcmPodReady(st *kcm.Facts) bool {
	for _, p := range st.Pods {
		if p.Status.Phase == "Running" && p.Ready() {
			return true
		}
	}
	return false
}

// kcmRunning reports whether something renews the lease.
func kcmRunning(st *kcm.Facts) bool { return st.LeaseRenewed() }

// leaseAge is how long before collection the lease was renewed (0 if
// there is no lease or the time is unknown).
func leaseAge(st *kcm.Facts) time.Duration {
	if st.Lease == nil {
		return 0
	}
	return st.Lease.Age
}

// leaseEvidence quotes the lease.
func leaseEvidence(st *kcm.Facts) []analyze.Evidence {
	l := st.Lease
	if l == nil {
		return nil
	}
	var out []analyze.Evidence
	if l.Spec.RenewTime != nil {
		v := "renewTime " + l.Spec.RenewTime.Format(time.RFC3339)
		if l.Age > 0 {
			v += " (" + human(l.Age) + " before collection)"
		}
		out = append(out, ev(l.Loc.At("spec", "renewTime"), v))
	}
	if l.Spec.HolderIdentity != nil {
		out = append(out, ev(l.Loc.At("spec", "holderIdentity"), *l.Spec.HolderIdentity))
	}
	if l.Spec.LeaseTransitions != nil {
		out = append(out, ev(l.Loc.At("spec", "leaseTransitions"), itoa(int(*l.Spec.LeaseTransitions))+" transitions"))
	}
	return out
}
