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
	case st.crashLooping():
		problem = "is crash-looping"
		if st.exits > 0 {
			problem += fmt.Sprintf(": its log shows %d lease acquisitions and %d exits (leaderelection lost)", st.starts, st.exits)
		}
		if st.restarts > 0 {
			problem += fmt.Sprintf(", %d container restarts", st.restarts)
		}
	case st.lease != nil && st.leaseStale && st.unauthorized != nil:
		// Its log shows it alive, retrying: it runs but cannot lead.
		problem = "does not lead: nobody renewed its leader lease for " + human(st.leaseAge) + ", and kube-apiserver answers it 401 Unauthorized"
	case st.lease != nil && st.leaseStale:
		problem = "is not running: nobody renewed its leader lease for " + human(st.leaseAge)
	case st.lease == nil && s.Collected(snapshot.ResLeases) && len(st.pods) == 0 && len(st.logs) == 0 && len(s.Namespaces) > 0:
		problem = "is not running: there is no kube-system/kube-controller-manager lease, pod or log"
	default:
		return nil
	}
	evs = append(evs, st.leaseEvidence()...)
	for _, p := range st.pods {
		evs = append(evs, podStateEv(p))
	}
	if st.buildFailed != nil {
		evs = append(evs, st.buildFailed.evidence())
	}
	return []analyze.Node{{
		Ref:      ref(analyze.KindComponent, "", componentKCM),
		Problem:  problem,
		Evidence: evs,
		Severity: analyze.SeverityCritical,
		Summary:  "kube-controller-manager " + problem + "; no controller (namespace, PV binding, garbage collector...) is working",
	}}
}
