package rules

import (
	"time"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// pvcPending (NSB-PVC-001): PersistentVolumeClaims stay Pending while
// kube-controller-manager (whose PV controller binds them) is down.
type pvcPending struct{}

func (pvcPending) ID() string    { return "NSB-PVC-001" }
func (pvcPending) Title() string { return "PVC Pending while kube-controller-manager is down" }

// Requires the controller-manager's state.
func (pvcPending) Requires() []snapshot.AnyView { return []snapshot.AnyView{kcmView} }

// pvcPendingAfter is how long a claim may be Pending before it counts.
const pvcPendingAfter = time.Minute

func (r pvcPending) Symptoms(s *snapshot.Snapshot) []analyze.Node {
	st := readKCM(s)
	if !kcmCrashLooping(st) && kcmRunning(st) {
		return nil
	}
	if st.Lease == nil && len(st.Pods) == 0 && len(st.Logs) == 0 && !kcmCrashLooping(st) {
		return nil
	}
	var out []analyze.Node
	for _, c := range s.PVCs {
		if c.Status.Phase != "Pending" || since(s, c.CreationTimestamp) < pvcPendingAfter {
			continue
		}
		out = append(out, analyze.Node{
			Ref:      ref(analyze.KindPVC, c.Namespace, c.Name),
			Problem:  "Pending for " + age(s, c.CreationTimestamp),
			Evidence: []analyze.Evidence{ev(c.Loc.At("status", "phase"), "Pending")},
			Severity: analyze.SeverityCritical,
			Summary:  "PersistentVolumeClaim " + c.Namespace + "/" + c.Name + " is Pending for " + age(s, c.CreationTimestamp),
		})
	}
	return out
}

// pvcToKCM links a Pending claim to the controller-manager that binds claims.
type pvcToKCM struct{}

func (pvcToKCM) ID() string            { return "NSB-PVC-002" }
func (pvcToKCM) Title() string         { return "PVC binding needs kube-controller-manager" }
func (pvcToKCM) Kinds() []analyze.Kind { return []analyze.Kind{analyze.KindPVC} }

func (r pvcToKCM) Explain(s *snapshot.Snapshot, n analyze.Node) []analyze.Node {
	return []analyze.Node{{
		Ref:     ref(analyze.KindComponent, "", componentKCM),
		Problem: "its persistentvolume-binder controller binds claims, and it is not working",
	}}
}
