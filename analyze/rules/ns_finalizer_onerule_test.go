package rules_test

import (
	"testing"
	"time"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
	"github.com/nsbundle/nsbundle/analyze/snapshot/snapshottest"
)

// TestNamespaceFinalizerRules runs NSB-NS-010 (the Namespace's own
// metadata.finalizers) and NSB-NS-005 (a spec.finalizers entry) alone on
// built snapshots: the finalizer that holds the Namespace, the same
// finalizer where the other rule owns it, and namespaces that only look
// stuck.
func TestNamespaceFinalizerRules(t *testing.T) {
	t.Parallel()
	const nsPath = "resources/core/v1/namespaces.json"
	// done is team-r deleted 20 min ago, the namespace controller finished
	// (spec.finalizers empty), its metadata.finalizers left.
	done := func(b *snapshottest.Builder, finalizers ...string) *snapshot.Namespace {
		b.Namespace("default")
		ns := b.Terminating("team-r", 20*time.Minute, snapshottest.NamespaceConds()...)
		ns.Spec.Finalizers, ns.Finalizers = []string{}, finalizers
		return ns
	}
	tests := []struct {
		name, rule string
		build      func(b *snapshottest.Builder)
		want       []wantNode
	}{
		{"NS-010: Rancher's namespace-auth left behind", "NSB-NS-010", func(b *snapshottest.Builder) {
			done(b, "controller.cattle.io/namespace-auth")
		}, []wantNode{{ref: "Finalizer controller.cattle.io/namespace-auth", root: true,
			problem: "Rancher has not removed it; the bundle does not show why",
			evidence: []wantEv{
				{path: nsPath, pointer: "/items/1/metadata/finalizers/0", value: "controller.cattle.io/namespace-auth"},
				{path: nsPath, pointer: "/items/1/spec", value: "spec.finalizers empty"},
			}}}},
		{"NS-010: two finalizers, each its own index", "NSB-NS-010", func(b *snapshottest.Builder) {
			done(b, "example.com/keep", "kopf.zalando.org/KopfFinalizerMarker")
		}, []wantNode{
			{ref: "Finalizer example.com/keep", root: true, problem: "the controller that added it (example.com, by its prefix)",
				evidence: []wantEv{{path: nsPath, pointer: "/items/1/metadata/finalizers/0", value: "example.com/keep"}}},
			{ref: "Finalizer kopf.zalando.org/KopfFinalizerMarker", root: true, problem: "a kopf-based operator has not removed it",
				evidence: []wantEv{{path: nsPath, pointer: "/items/1/metadata/finalizers/1", value: "kopf.zalando.org/KopfFinalizerMarker"}}},
		}},
		{"NS-010 near miss: the namespace controller is not done", "NSB-NS-010", func(b *snapshottest.Builder) {
			ns := done(b, "controller.cattle.io/namespace-auth")
			ns.Spec.Finalizers = []string{"kubernetes"}
		}, nil},
		{"NS-010 near miss: a spec.finalizers entry holds it, not metadata", "NSB-NS-010", func(b *snapshottest.Builder) {
			ns := done(b)
			ns.Spec.Finalizers = []string{"example.com/cleanup"}
		}, nil},
		{"NS-010 look-alike: no finalizers left at all", "NSB-NS-010", func(b *snapshottest.Builder) { done(b) }, nil},
		{"NS-010 look-alike: namespace not in the bundle", "NSB-NS-010", func(b *snapshottest.Builder) { b.Namespace("default") }, nil},
		{"NS-005: a spec.finalizers entry nobody removes", "NSB-NS-005", func(b *snapshottest.Builder) {
			ns := done(b)
			ns.Spec.Finalizers = []string{"kubernetes", "example.com/cleanup"}
		}, []wantNode{{ref: "Finalizer example.com/cleanup", root: true, problem: "spec.finalizers entry example.com/cleanup is not removed",
			evidence: []wantEv{{path: nsPath, pointer: "/items/1/spec/finalizers/1", value: "example.com/cleanup"}}}}},
		{"NS-005 near miss: the metadata finalizer is NS-010's", "NSB-NS-005", func(b *snapshottest.Builder) {
			done(b, "controller.cattle.io/namespace-auth")
		}, nil},
		{"NS-005 look-alike: only kubernetes, the controller's own", "NSB-NS-005", func(b *snapshottest.Builder) {
			done(b).Spec.Finalizers = []string{"kubernetes"}
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := snapshottest.New()
			tt.build(b)
			checkNodes(t, tt.rule, explain(t, tt.rule, b.Build(), nsNode("team-r")), tt.want)
		})
	}
}
