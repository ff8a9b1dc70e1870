package rules_test

import (
	"testing"
	"time"
)

// TestNamespaceMetaFinalizer covers a Namespace held by its own
// metadata.finalizers after the namespace controller finished (NSB-NS-010).
func TestNamespaceMetaFinalizer(t *testing.T) {
	t.Parallel()
	// done is a Namespace whose content is gone: conditions all False,
	// spec.finalizers emptied by the namespace controller.
	done := func(f *fx, finalizers ...any) {
		ns := terminating("team-r", 20*time.Minute, nsConds()...)
		set(ns, "spec.finalizers", []any{})
		set(ns, "metadata.finalizers", finalizers)
		f.add(pNamespaces, ns)
	}
	tests := []mutation{
		{
			name:   "Rancher's namespace-auth left behind",
			mutate: func(f *fx) { done(f, "controller.cattle.io/namespace-auth") },
			want: []want{{
				id: "NSB-NS-010", symptom: "Namespace team-r",
				chain:       []string{"Namespace team-r", "Finalizer controller.cattle.io/namespace-auth"},
				root:        "Finalizer controller.cattle.io/namespace-auth",
				rootProblem: "Rancher has not removed it; the bundle does not show why",
				evidence:    []wantEv{{link: 1, path: pNamespaces, pointer: "/items/4/metadata/finalizers/0", value: "controller.cattle.io/namespace-auth"}},
				fix: `  kubectl patch namespace team-r --type=json -p '[{"op":"test","path":"/metadata/finalizers/0","value":"controller.cattle.io/namespace-auth"},` +
					`{"op":"remove","path":"/metadata/finalizers/0"}]'`,
				verify: "kubectl wait --for=delete namespace/team-r --timeout=5m",
			}},
		},
		{
			name:   "kopf's marker second: its own index",
			mutate: func(f *fx) { done(f, "example.com/keep", "kopf.zalando.org/KopfFinalizerMarker") },
			want: []want{{
				id: "NSB-NS-010", symptom: "Namespace team-r",
				chain: []string{"Namespace team-r", "Finalizer example.com/keep"},
				root:  "Finalizer example.com/keep", rootProblem: "the controller that added it (example.com, by its prefix) has not removed it",
			}, {
				id: "NSB-NS-010", symptom: "Namespace team-r",
				chain: []string{"Namespace team-r", "Finalizer kopf.zalando.org/KopfFinalizerMarker"},
				root:  "Finalizer kopf.zalando.org/KopfFinalizerMarker", rootProblem: "a kopf-based operator has not removed it",
				fix: `"path":"/metadata/finalizers/1","value":"kopf.zalando.org/KopfFinalizerMarker"`,
			}},
		},
	}
	runMutations(t, tests)
}

// TestNamespaceMetaFinalizerLookAlikes: the same finalizer where it blocks
// nothing yet, or where the namespace controller is not done.
func TestNamespaceMetaFinalizerLookAlikes(t *testing.T) {
	t.Parallel()
	t.Run("active namespace carrying the finalizer", func(t *testing.T) {
		t.Parallel()
		f := healthy()
		ns := namespace("team-r")
		set(ns, "metadata.finalizers", []any{"controller.cattle.io/namespace-auth"})
		f.add(pNamespaces, ns)
		checkFindings(t, analyzeFx(t, f).Findings, nil)
	})
	t.Run("namespace controller not done: its own chain, not NSB-NS-010", func(t *testing.T) {
		t.Parallel()
		f := healthy()
		stuck(f, "team-r", cond("NamespaceDeletionDiscoveryFailure", "True", "DiscoveryFailed", msgLegacy))
		set(f.find(pNamespaces, "", "team-r"), "metadata.finalizers", []any{"controller.cattle.io/namespace-auth"})
		for _, fd := range analyzeFx(t, f).Findings {
			if fd.ID == "NSB-NS-010" {
				t.Errorf("NSB-NS-010 while spec.finalizers still holds kubernetes: %s", fd.RootCause.Problem)
			}
		}
	})
	t.Run("deleted seconds ago", func(t *testing.T) {
		t.Parallel()
		f := healthy()
		ns := terminating("team-r", 10*time.Second)
		set(ns, "spec.finalizers", []any{})
		set(ns, "metadata.finalizers", []any{"controller.cattle.io/namespace-auth"})
		f.add(pNamespaces, ns)
		checkFindings(t, analyzeFx(t, f).Findings, nil)
	})
}
