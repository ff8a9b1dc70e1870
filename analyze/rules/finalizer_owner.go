package rules

import (
	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// finalizerOwner (NSB-FIN-001): who should remove a finalizer on objects
// in a deleted namespace. Built-in finalizers point at
// kube-controller-manager; others at the controller that added them.
type finalizerOwner struct{}

func (finalizerOwner) ID() string            { return "NSB-FIN-001" }
func (finalizerOwner) Title() string         { return "Finalizer whose controller is absent" }
func (finalizerOwner) Kinds() []analyze.Kind { return []analyze.Kind{analyze.KindFinalizer} }

// Requires the controller-manager's state (its controllers remove the
// built-in finalizers).
func (finalizerOwner) Requires() []snapshot.AnyView { return []snapshot.AnyView{kcmView} }

// kcmFinalizers are removed by kube-controller-manager's controllers.
var kcmFinalizers = map[string]string{
	"kubernetes.io/pvc-protection":     "pvc-protection",
	"kubernetes.io/pv-protection":      "pv-protection",
	"foregroundDeletion":               "garbage collector",
	"orphan":                           "garbage collector",
	"batch.kubernetes.io/job-tracking": "job",
}

func (r finalizerOwner) Explain(s *snapshot.Snapshot, n analyze.Node) []analyze.Node {
	if n.Namespace == "" {
		return nil // a namespace spec finalizer: NSB-NS-005 already ends there
	}
	if c, ok := kcmFinalizers[n.Name]; ok {
		st := readKCM(s)
		if kcmCrashLooping(st) || !kcmRunning(st) {
			return []analyze.Node{{
				Ref:     ref(analyze.KindComponent, "", componentKCM),
				Problem: "its " + c + " controller removes finalizer " + n.Name + ", and it is not working",
			}}
		}
		return nil
	}
	return []analyze.Node{{
		Ref:      n.Ref,
		Problem:  "no controller removes " + n.Name + ": the controller that added it is absent or failing",
		Evidence: n.Evidence,
		Root:     true,
		Fix: "Find and restore the controller that owns finalizer " + n.Name + " (the part before \"/\", " + finalizerDomain(n.Name) +
			", usually names its project); it finishes its cleanup and removes the finalizer. Only if it is gone for good and its external resources are handled, remove the finalizer from each object: " +
			"kubectl patch <kind> <name> -n " + n.Namespace + " --type=json -p '[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]'. Never strip the namespace's own finalizer.",
		Verify: "kubectl get ns " + n.Namespace + " -o jsonpath='{.status.conditions[?(@.type==\"NamespaceFinalizersRemaining\")].message}'",
	}}
}
