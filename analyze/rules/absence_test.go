package rules_test

import (
	"strings"
	"testing"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
	"github.com/nsbundle/nsbundle/analyze/snapshot/snapshottest"
)

// TestAbsenceNeedsTheNamespaceListed: an object missing from a list proves
// nothing when the bundle lists that resource for other namespaces only,
// as `kubectl cluster-info dump` does without --all-namespaces (it covers
// kube-system and the current namespace). Each case has a look-alike
// where the namespace is listed and the absence is the root cause.
func TestAbsenceNeedsTheNamespaceListed(t *testing.T) {
	t.Parallel()
	svcNode := analyze.Node{Ref: analyze.Ref{Kind: analyze.KindService, Namespace: "monitoring", Name: "metrics"}}
	epNode := analyze.Node{Ref: analyze.Ref{Kind: analyze.KindEndpoint, Name: "10.244.3.7:4443"}}
	dump := func() *snapshottest.Builder { return snapshottest.New().Layout(snapshot.LayoutClusterInfoDump) }
	withSvc := func(b *snapshottest.Builder) *snapshottest.Builder {
		b.Service("monitoring", "metrics", "10.96.0.40", map[string]string{"app": "metrics"})
		return b
	}
	const dumpHint = "kubectl cluster-info dump covers kube-system and the current namespace"
	tests := []struct {
		name string
		id   string
		node analyze.Node
		b    *snapshottest.Builder
		want []wantNode
	}{
		{
			name: "Service of a namespace the dump did not list: evidence missing, not 'does not exist'",
			id:   "NSB-SVC-001", node: svcNode,
			b: dump().ListedIn(snapshot.ResServices, "default", "kube-system"),
			want: []wantNode{{ref: "MissingEvidence Service monitoring/metrics", root: true,
				problem: "its Service objects were not listed in namespace monitoring: it lists them for namespaces default, kube-system only (" + dumpHint}},
		},
		{
			name: "Service of a listed namespace, absent: the root cause",
			id:   "NSB-SVC-001", node: svcNode,
			b:    dump().ListedIn(snapshot.ResServices, "kube-system", "monitoring"),
			want: []wantNode{{ref: "Service monitoring/metrics", problem: "does not exist", root: true}},
		},
		{
			name: "selector matches no pod, but pods were not listed in its namespace",
			id:   "NSB-SVC-001", node: svcNode,
			b: withSvc(dump()).ListedIn(snapshot.ResServices, "monitoring").
				ListedIn(snapshot.ResEndpointSlices, "monitoring").ListedIn(snapshot.ResPods, "kube-system"),
			want: []wantNode{{ref: "MissingEvidence a pod matching app=metrics", root: true,
				problem: "its Pod objects were not listed in namespace monitoring"}},
		},
		{
			name: "selector matches no pod in a listed namespace: the root cause",
			id:   "NSB-SVC-001", node: svcNode,
			b: withSvc(dump()).ListedIn(snapshot.ResServices, "monitoring").
				ListedIn(snapshot.ResEndpointSlices, "monitoring").ListedIn(snapshot.ResPods, "monitoring"),
			want: []wantNode{{ref: "Service monitoring/metrics", problem: "selector app=metrics matches no pod", root: true}},
		},
		{
			name: "selector matches no pod, pod list partial",
			id:   "NSB-SVC-001", node: svcNode,
			b: withSvc(snapshottest.New()).Lists(snapshot.ResEndpointSlices).
				Partial(snapshot.ResPods, "403 forbidden in namespace monitoring"),
			want: []wantNode{{ref: "MissingEvidence a pod matching app=metrics", root: true, problem: "which are incomplete (403 forbidden in namespace monitoring)"}},
		},
		{
			name: "no pod has the endpoint's IP, but the dump lists pods of two namespaces",
			id:   "NSB-EP-001", node: epNode,
			b: dump().ListedIn(snapshot.ResPods, "default", "kube-system"),
			want: []wantNode{{ref: "MissingEvidence a pod with IP 10.244.3.7", root: true,
				problem: "its Pod objects were not listed in every namespace: it lists them for namespaces default, kube-system only"}},
		},
		{
			name: "no pod has the endpoint's IP, pods listed in every namespace the bundle lists",
			id:   "NSB-EP-001", node: epNode,
			b: func() *snapshottest.Builder {
				b := dump()
				b.Namespace("default")
				b.Namespace("kube-system")
				return b.ListedIn(snapshot.ResPods, "default", "kube-system")
			}(),
			want: []wantNode{{ref: "Endpoint 10.244.3.7:4443", problem: "no pod in the bundle has IP 10.244.3.7", root: true}},
		},
		{
			name: "no pod has the endpoint's IP, one list of every namespace (nsbundle)",
			id:   "NSB-EP-001", node: epNode,
			b:    snapshottest.New().Lists(snapshot.ResPods),
			want: []wantNode{{ref: "Endpoint 10.244.3.7:4443", problem: "no pod in the bundle has IP 10.244.3.7", root: true}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := explain(t, tc.id, tc.b.Build(), tc.node)
			checkNodes(t, tc.id, got, tc.want)
			for _, n := range got {
				// The missing line names its object once, and the fix
				// collects lists, not "a pod with IP ...".
				if n.Ref.Kind == analyze.KindEvidence && (len(n.Missing) != 1 || strings.Count(n.Missing[0], n.Ref.Name) != 1 || strings.Contains(n.Fix, n.Ref.Name)) {
					t.Errorf("missing %q, fix %q: want %q named once, in the missing line only", n.Missing, n.Fix, n.Ref.Name)
				}
			}
		})
	}
}
