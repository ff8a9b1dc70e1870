package rules

import (
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// TestRBACFile: RBAC evidence names the file the bundle's list was read
// from (troubleshoot's cluster-resources/...), not nsbundle's own path.
func TestRBACFile(t *testing.T) {
	ts := &snapshot.Snapshot{
		ClusterRoles: []snapshot.Located[rbacv1.ClusterRole]{{Loc: snapshot.Location{Path: "cluster-resources/clusterroles.json", Pointer: "/items/3"}}},
		RoleBindings: []snapshot.Located[rbacv1.RoleBinding]{{Loc: snapshot.Location{Path: "cluster-resources/rolebindings/kube-system.json"}}},
	}
	tests := []struct {
		s    *snapshot.Snapshot
		kind analyze.Kind
		want string
	}{
		{ts, analyze.KindClusterRole, "cluster-resources/clusterroles.json"},
		{ts, analyze.KindRoleBinding, "cluster-resources/rolebindings/kube-system.json"},
		{ts, analyze.KindClusterRoleBinding, "resources/rbac.authorization.k8s.io/v1/clusterrolebindings.json"},
		{&snapshot.Snapshot{}, analyze.KindRole, "resources/rbac.authorization.k8s.io/v1/roles.json"},
	}
	for _, tt := range tests {
		if got := rbacFile(tt.s, tt.kind); got != tt.want {
			t.Errorf("rbacFile(%v) = %q, want %q", tt.kind, got, tt.want)
		}
	}
}
