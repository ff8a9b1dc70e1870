package load

import (
	"testing"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// TestCompleteness: only a list that holds every object of the cluster is
// Complete, so that the rules read an object's absence from it as proof;
// a layout of one file per namespace proves absence only in the
// namespaces it has a file for (CompleteIn), and in every namespace only
// with a complete namespace list (CompleteAll).
func TestCompleteness(t *testing.T) {
	t.Parallel()
	pods := oneLine(`{"metadata":{"name":"p","namespace":"kube-system"}}`)
	nodes := oneLine(`{"metadata":{"name":"n"}}`)
	tests := []struct {
		name     string
		files    map[string]string
		res      string
		complete bool
		// inSystem, inOther: CompleteIn(res, "kube-system"), (res, "monitoring").
		inSystem, inOther bool
		all               bool
	}{
		{"nsbundle list", map[string]string{"manifest.json": manifestJSON(t), "resources/core/v1/pods.json": pods}, snapshot.ResPods, true, true, true, true},
		{"troubleshoot, one file per namespace", map[string]string{"cluster-resources/pods/kube-system.json": pods}, snapshot.ResPods, true, true, false, false},
		{"troubleshoot, a file for every namespace listed", map[string]string{"cluster-resources/pods/kube-system.json": pods,
			"cluster-resources/namespaces.json": oneLine(`{"metadata":{"name":"kube-system"}}`)}, snapshot.ResPods, true, true, false, true},
		{"cluster-info dump, one folder per namespace", map[string]string{"kube-system/pods.json": pods, "nodes.json": nodes}, snapshot.ResPods, true, true, false, false},
		{"cluster-info dump nodes", map[string]string{"kube-system/pods.json": pods, "nodes.json": nodes}, snapshot.ResNodes, true, true, true, true},
		{"must-gather", map[string]string{"namespaces/kube-system/core/pods.yaml": "apiVersion: v1\nkind: PodList\nitems:\n- metadata:\n    name: p\n    namespace: kube-system\n"}, snapshot.ResPods, false, true, false, false},
		{"must-gather, one pod's file only", map[string]string{"namespaces/kube-system/pods/p/p.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: kube-system\n"}, snapshot.ResPods, false, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := mustLoad(t, tt.files)
			if s.Count(tt.res) != 1 {
				t.Fatalf("%s: %d objects read, want 1 (notes %q)", tt.res, s.Count(tt.res), s.Notes)
			}
			if got := s.Complete(tt.res); got != tt.complete {
				t.Errorf("Complete(%s) = %v, want %v (%+v)", tt.res, got, tt.complete, s.Collection(tt.res))
			}
			if got := s.CompleteIn(tt.res, "kube-system"); got != tt.inSystem {
				t.Errorf("CompleteIn(%s, kube-system) = %v, want %v", tt.res, got, tt.inSystem)
			}
			if got := s.CompleteIn(tt.res, "monitoring"); got != tt.inOther {
				t.Errorf("CompleteIn(%s, monitoring) = %v, want %v", tt.res, got, tt.inOther)
			}
			if got := s.CompleteAll(tt.res); got != tt.all {
				t.Errorf("CompleteAll(%s) = %v, want %v", tt.res, got, tt.all)
			}
		})
	}
}
