package rules

import (
	"strings"

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
		Ref: n.Ref,
		Problem: "no controller removes " + n.Name + " from the objects left in " + n.Namespace +
			": the controller that owns it (" + finalizerDomain(n.Name) + ", by its prefix) does not run, does not watch them, or cannot finish its cleanup; the bundle does not show which",
		Evidence: n.Evidence,
		Root:     true,
		Fix:      finalizerFix(s, n.Namespace, n.Name),
		Verify:   verifyNamespaceGone(n.Namespace),
	}}
}

// maxPatches caps the per-object patch commands a fix lists.
const maxPatches = 10

// finalizerFix is the fix for finalizer f left on objects in namespace ns
// (commands on lines of their own, indented, so that reports copy them
// whole):
// restore its controller first; only if it is gone for good, remove that
// one finalizer from each object the bundle names, by index, with a JSON
// patch that tests the index first (so it never removes another
// finalizer if the list changed since the bundle was collected).
func finalizerFix(s *snapshot.Snapshot, ns, f string) string {
	fix := "Find and restore the controller that owns finalizer " + f + " (the part before \"/\", " + finalizerDomain(f) +
		", usually names its project): it finishes its cleanup and removes the finalizer itself. Do not remove the namespace's spec.finalizers. " +
		"Only if that controller is gone for good and the external resources it guards are handled, remove this one finalizer from each object"
	var cmds []string
	more, listed := 0, ""
	if c := s.Content[ns]; c != nil {
		listed = c.Loc.Path
		for _, rc := range c.Value.Resources {
			for _, it := range rc.Items {
				for i, x := range it.Finalizers {
					if x != f {
						continue
					}
					if len(cmds) == maxPatches {
						more++
						continue
					}
					cmds = append(cmds, "  kubectl patch "+resourceName(rc.Resource, rc.Group)+" "+it.Name+kubectlNS(ns)+" --type=json -p "+
						"'[{\"op\":\"test\",\"path\":\"/metadata/finalizers/"+itoa(i)+"\",\"value\":\""+f+"\"},{\"op\":\"remove\",\"path\":\"/metadata/finalizers/"+itoa(i)+"\"}]'")
				}
			}
		}
	}
	if len(cmds) == 0 {
		return fix + " (the bundle does not list them: `kubectl api-resources --verbs=list --namespaced -o name | xargs -n1 kubectl get -n " + ns +
			" --ignore-not-found -o name` finds them), with a JSON patch that tests the finalizer's index and removes only that entry, never the whole list."
	}
	fix += " with a JSON patch that tests the finalizer's index and removes only that entry:\n" + strings.Join(cmds, "\n")
	if more > 0 {
		fix += "\n(and " + itoa(more) + " more objects, listed in the bundle's " + listed + ")"
	}
	return fix
}

// resourceName is the name kubectl takes for a resource of a group:
// "configmaps", "widgets.example.com".
func resourceName(resource, group string) string {
	if group == "" {
		return resource
	}
	return resource + "." + group
}
