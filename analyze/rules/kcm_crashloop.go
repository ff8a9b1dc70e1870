package rules

import (
	"fmt"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// kcmCrashLoop (NSB-KCM-001): kube-controller-manager crash-loops or does
// not run at all, so no controller works: PVCs stay Pending, namespaces
// never finalize, ReplicaSets do not scale.
type kcmCrashLoop struct{}

func (kcmCrashLoop) ID() string    { return "NSB-KCM-001" }
func (kcmCrashLoop) Title() string { return "kube-controller-manager crash-looping or not running" }

// Requires the controller-manager's state.
func (kcmCrashLoop) Requires() []snapshot.AnyView { return []snapshot.AnyView{kcmView} }

func (r kcmCrashLoop) Symptoms(s *snapshot.Snapshot) []analyze.Node {
	st := readKCM(s)
	var problem string
	var evs []analyze.Evidence
	switch {
	case kcmCrashLooping(st):
		problem = "is crash-looping"
		if st.Exits > 0 {
			problem += fmt.Sprintf(": its log shows %s and %s (leaderelection lost)", count(st.Starts, "lease acquisition"), count(st.Exits, "exit"))
		}
		if st.Restarts() > 0 {
			problem += ", " + count(int(st.Restarts()), "container restart")
		}
	case st.LeaseExpired() && st.Causes.Unauthorized != nil:
		// Its log shows it alive, retrying: it runs but cannot lead.
		problem = "does not lead: nobody renewed its leader lease for " + human(leaseAge(st)) + ", and kube-apiserver answers it 401 Unauthorized"
	case st.LeaseExpired() && st.Retrying != nil:
		// Alive (its log is fresh), but it cannot read its own lease.
		r := st.Retrying
		problem = fmt.Sprintf("runs but does not lead: nobody renewed its leader lease for %s, and its current run failed %d times to read the lease, the last %s before collection",
			human(leaseAge(st)), r.Count, human(r.Age))
		evs = append(evs, hitEv(r.Last))
	case st.LeaseExpired():
		problem = "is not running: nobody renewed its leader lease for " + human(leaseAge(st))
	// No lease, pod or log is no evidence that it is down: single-server
	// k3s elects no leader, managed control planes hide it. What asks
	// about it (a namespace without conditions) says what is missing.
	default:
		return nil
	}
	evs = append(evs, leaseEvidence(st)...)
	for _, p := range st.Pods {
		evs = append(evs, podStateEv(p.Pod))
	}
	if st.Causes.BuildFailed != nil {
		evs = append(evs, hitEv(st.Causes.BuildFailed))
	}
	return []analyze.Node{{
		Ref:      ref(analyze.KindComponent, "", componentKCM),
		Problem:  problem,
		Evidence: evs,
		Severity: analyze.SeverityCritical,
		Summary:  "kube-controller-manager " + problem + "; no controller (namespace, PV binding, garbage collector...) is working",
	}}
}

// count is "1 thing" or "n things".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
