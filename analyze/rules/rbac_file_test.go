package rules

import (
	"reflect"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// TestRBACEvidence: RBAC evidence cites the object where the bundle holds
// it, else the list files the snapshot records it was read from, in every
// layout (never nsbundle's own path in a foreign bundle, never another
// namespace's file), and an absence is known only where such a file was
// read.
func TestRBACEvidence(t *testing.T) {
	t.Parallel()
	type file struct{ res, path, ns string }
	read := func(files ...file) *snapshot.Snapshot {
		s := &snapshot.Snapshot{}
		for _, f := range files {
			s.MarkRead(f.res, snapshot.ListFile{Path: f.path, Namespace: f.ns})
		}
		return s
	}
	const (
		tsCRB     = "cluster-resources/clusterrolebindings.json"
		tsRBKS    = "cluster-resources/rolebindings/kube-system.json"
		tsRBDef   = "cluster-resources/rolebindings/default.json"
		nativeCR  = "resources/rbac.authorization.k8s.io/v1/clusterroles.json"
		mgCRAdmin = "must-gather/cluster-scoped-resources/rbac.authorization.k8s.io/clusterroles/admin.yaml"
	)
	leaderRB := analyze.Ref{Kind: analyze.KindRoleBinding, Namespace: "kube-system", Name: "system::leader-locking-kube-controller-manager"}
	kcmCRB := analyze.Ref{Kind: analyze.KindClusterRoleBinding, Name: "system:kube-controller-manager"}
	kcmCR := analyze.Ref{Kind: analyze.KindClusterRole, Name: "system:kube-controller-manager"}

	// troubleshoot, the list empty: the old fallback cited nsbundle's
	// resources/rbac.authorization.k8s.io/v1/clusterrolebindings.json.
	tsEmpty := read(file{snapshot.ResClusterBindings, tsCRB, ""})
	// troubleshoot, per-namespace files, the first object in default's.
	tsPerNS := read(file{snapshot.ResRoleBindings, tsRBDef, "default"}, file{snapshot.ResRoleBindings, tsRBKS, "kube-system"})
	tsPerNS.RoleBindings = []snapshot.Located[rbacv1.RoleBinding]{{Value: rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "x"}}, Loc: snapshot.Location{Path: tsRBDef, Pointer: "/items/0"}}}
	// troubleshoot, kube-system's file not in the bundle.
	tsNoKS := read(file{snapshot.ResRoleBindings, tsRBDef, "default"})
	// must-gather: one file per object.
	mg := read(file{snapshot.ResClusterRoles, mgCRAdmin, ""})
	mg.ClusterRoles = []snapshot.Located[rbacv1.ClusterRole]{{Value: rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: kcmCR.Name}}, Loc: snapshot.Location{Path: mgCRAdmin, Pointer: ""}}}
	native := read(file{snapshot.ResClusterRoles, nativeCR, ""})
	native.ClusterRoles = []snapshot.Located[rbacv1.ClusterRole]{
		{Value: rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "admin"}}, Loc: snapshot.Location{Path: nativeCR, Pointer: "/items/0"}},
		{Value: rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: kcmCR.Name}}, Loc: snapshot.Location{Path: nativeCR, Pointer: "/items/1"}},
	}
	absentNative := read(file{snapshot.ResClusterRoles, nativeCR, ""})

	tests := []struct {
		name           string
		s              *snapshot.Snapshot
		ref            analyze.Ref
		present, known bool
		want           []analyze.Evidence
	}{
		{"troubleshoot, empty list: its file", tsEmpty, kcmCRB, false, true, []analyze.Evidence{{Path: tsCRB, Value: "v"}}},
		{"troubleshoot per namespace: kube-system's file, not the first object's", tsPerNS, leaderRB, false, true, []analyze.Evidence{{Path: tsRBKS, Value: "v"}}},
		{"troubleshoot without kube-system's file: absence unknown", tsNoKS, leaderRB, false, false, nil},
		{"must-gather: the object's own file", mg, kcmCR, true, true, []analyze.Evidence{{Path: mgCRAdmin, Value: "v"}}},
		{"native, present: the object's pointer", native, kcmCR, true, true, []analyze.Evidence{{Path: nativeCR, Pointer: "/items/1", Value: "v"}}},
		{"native, absent: the list file", absentNative, kcmCR, false, true, []analyze.Evidence{{Path: nativeCR, Value: "v"}}},
		{"nothing read: no file, absence unknown", &snapshot.Snapshot{}, kcmCR, false, false, nil},
		{"ClusterRole list read, binding not: unknown", absentNative, kcmCRB, false, false, nil},
	}
	for _, tt := range tests {
		present, known := hasRBAC(tt.s, tt.ref)
		if present != tt.present || known != tt.known {
			t.Errorf("%s: hasRBAC = %v, %v; want %v, %v", tt.name, present, known, tt.present, tt.known)
		}
		var got []analyze.Evidence
		if present || known {
			got = rbacEvidence(tt.s, tt.ref, "v")
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: evidence %+v, want %+v", tt.name, got, tt.want)
		}
	}
}
