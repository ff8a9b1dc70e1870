package restore_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/bootstrap"
	"github.com/nsbundle/nsbundle/analyze/restore"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
	"github.com/nsbundle/nsbundle/bundle"
)

const samples = "../../samples/"

var (
	kcmRole    = bootstrap.Ref{Kind: bootstrap.KindClusterRole, Name: "system:kube-controller-manager"}
	kcmBinding = bootstrap.Ref{Kind: bootstrap.KindClusterRoleBinding, Name: "system:kube-controller-manager"}
	discovery  = bootstrap.Ref{Kind: bootstrap.KindClusterRoleBinding, Name: "system:discovery"}
	publicInfo = bootstrap.Ref{Kind: bootstrap.KindClusterRoleBinding, Name: "system:public-info-viewer"}
)

// TestSamples: the lab bundles of the deleted-RBAC scenarios give exactly
// the objects each scenario deleted; the healthy one gives nothing.
func TestSamples(t *testing.T) {
	t.Parallel()
	tests := []struct {
		sample string
		want   []bootstrap.Ref
	}{
		{"rbac-deleted-clusterrole", []bootstrap.Ref{kcmRole}},
		{"rbac-deleted-binding", []bootstrap.Ref{kcmBinding}},
		{"rbac-deleted-discovery", []bootstrap.Ref{kcmRole, discovery, publicInfo}},
		{"healthy", nil},
		{"missing-endpoints", nil},
	}
	for _, tt := range tests {
		t.Run(tt.sample, func(t *testing.T) {
			t.Parallel()
			s, err := analyze.Load(samples+tt.sample+".tgz", analyze.Options{Limits: bundle.DefaultLimits()})
			if err != nil {
				t.Fatal(err)
			}
			plan, err := restore.FromSnapshot(s, "")
			if err != nil {
				t.Fatal(err)
			}
			if plan.Policy.GitVersion != "v1.37.2" || plan.GitVersion != "v1.37.2" {
				t.Errorf("policy %s for cluster %s, want v1.37.2 for both", plan.Policy.GitVersion, plan.GitVersion)
			}
			var got []bootstrap.Ref
			for _, it := range plan.Items {
				got = append(got, it.Object.Ref())
				if !strings.HasPrefix(it.Comment, "missing in the bundle: "+it.Object.Ref().Describe()) {
					t.Errorf("comment %q", it.Comment)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("items %v, want %v", got, tt.want)
			}
			if len(plan.Skipped) > 0 {
				t.Errorf("skipped %v, want none", plan.Skipped)
			}
		})
	}
}

// snap builds a snapshot holding the untouched v1.37 policy, with the lists
// marked collected except those failed.
func snap(t *testing.T, gitVersion string, failed map[string]int) *snapshot.Snapshot {
	t.Helper()
	p, err := bootstrap.Exact("v1.37")
	if err != nil {
		t.Fatal(err)
	}
	a := p.AsActual()
	s := &snapshot.Snapshot{GitVersion: gitVersion}
	for _, r := range a.ClusterRoles {
		s.ClusterRoles = append(s.ClusterRoles, snapshot.Located[rbacv1.ClusterRole]{Value: r})
	}
	for _, r := range a.ClusterRoleBindings {
		if r.Name == kcmBinding.Name {
			continue // deleted
		}
		s.ClusterBindings = append(s.ClusterBindings, snapshot.Located[rbacv1.ClusterRoleBinding]{Value: r})
	}
	for _, r := range a.Roles {
		s.Roles = append(s.Roles, snapshot.Located[rbacv1.Role]{Value: r})
	}
	for _, r := range a.RoleBindings {
		s.RoleBindings = append(s.RoleBindings, snapshot.Located[rbacv1.RoleBinding]{Value: r})
	}
	for _, res := range []string{snapshot.ResClusterRoles, snapshot.ResClusterBindings, snapshot.ResRoles, snapshot.ResRoleBindings} {
		switch status, ok := failed[res]; {
		case !ok:
			s.MarkCollected(res)
		case status < 0: // partial
			s.MarkCollected(res)
			s.MarkFailed(res, -status, res+" is forbidden")
		default:
			s.MarkFailed(res, status, res+" is forbidden")
		}
	}
	return s
}

func TestFromSnapshot(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		gitVersion string
		version    string
		failed     map[string]int
		want       []bootstrap.Ref
		err        string
		errType    any
	}{
		{name: "complete lists, deleted binding", gitVersion: "v1.37.2", want: []bootstrap.Ref{kcmBinding}},
		{name: "k3s version string", gitVersion: "v1.37.2+k3s1", want: []bootstrap.Ref{kcmBinding}},
		{name: "RoleBindings forbidden", gitVersion: "v1.37.2", failed: map[string]int{snapshot.ResRoleBindings: 403},
			err: "rolebindings.rbac.authorization.k8s.io (not collected: 403 rolebindings.rbac.authorization.k8s.io is forbidden)", errType: new(*restore.IncompleteError)},
		{name: "one namespace's Roles forbidden", gitVersion: "v1.37.2", failed: map[string]int{snapshot.ResRoles: -403},
			err: "roles.rbac.authorization.k8s.io (collected in part: 403", errType: new(*restore.IncompleteError)},
		{name: "incomplete wins over an unknown version", gitVersion: "", failed: map[string]int{snapshot.ResClusterRoles: 403},
			errType: new(*restore.IncompleteError)},
		{name: "version not recorded", gitVersion: "", err: "does not record the cluster's version: give --version", errType: new(*restore.VersionError)},
		{name: "version not embedded", gitVersion: "v1.38.0", err: "cluster version v1.38.0 (embedded: v1.24 to v1.37): give --version", errType: new(*restore.VersionError)},
		{name: "version not embedded, --version given", gitVersion: "v1.38.0", version: "v1.37", want: []bootstrap.Ref{kcmBinding}},
		{name: "--version given overrides", gitVersion: "v1.37.2", version: "1.36", want: []bootstrap.Ref{kcmBinding}},
		{name: "--version unknown", gitVersion: "v1.37.2", version: "v1.12", err: `"v1.12"`, errType: new(*bootstrap.UnknownVersionError)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			plan, err := restore.FromSnapshot(snap(t, tt.gitVersion, tt.failed), tt.version)
			if tt.errType != nil {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err %v, want one with %q", err, tt.err)
				}
				if !errors.As(err, tt.errType) {
					t.Errorf("err %T, want %T", err, tt.errType)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []bootstrap.Ref
			for _, it := range plan.Items {
				got = append(got, it.Object.Ref())
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("items %v, want %v (skipped %v)", got, tt.want, plan.Skipped)
			}
		})
	}
}

// TestActualProtectedSkipped: an object reduced but protected by autoupdate
// "false" is reported as skipped, not printed.
func TestActualProtectedSkipped(t *testing.T) {
	t.Parallel()
	s := snap(t, "v1.37.2", nil)
	for i := range s.ClusterRoles {
		if r := &s.ClusterRoles[i].Value; r.Name == kcmRole.Name {
			r.Rules = r.Rules[1:]
			r.ObjectMeta = metav1.ObjectMeta{Name: r.Name, Annotations: map[string]string{bootstrap.AutoupdateKey: "false"}}
		}
	}
	plan, err := restore.FromSnapshot(s, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Items) != 1 || plan.Items[0].Object.Ref() != kcmBinding {
		t.Errorf("items %v, want the deleted binding only", plan.Items)
	}
	if len(plan.Skipped) != 1 || plan.Skipped[0].Ref != kcmRole {
		t.Errorf("skipped %v, want the protected role", plan.Skipped)
	}
}

// TestActualNoBootstrap: complete RBAC lists without a single bootstrap
// object (the RBAC authorizer off, or lists of something else) are not
// read as every bootstrap object deleted.
func TestActualNoBootstrap(t *testing.T) {
	t.Parallel()
	s := &snapshot.Snapshot{}
	for _, res := range []string{snapshot.ResClusterRoles, snapshot.ResClusterBindings, snapshot.ResRoles, snapshot.ResRoleBindings} {
		s.MarkCollected(res)
	}
	var cr rbacv1.ClusterRole
	cr.Name = "my-operator"
	s.ClusterRoles = append(s.ClusterRoles, snapshot.Located[rbacv1.ClusterRole]{Value: cr})
	_, err := restore.Actual(s)
	var nb *restore.NoBootstrapError
	if !errors.As(err, &nb) || nb.ClusterRoles != 1 || !strings.Contains(err.Error(), "RBAC authorization may be off") {
		t.Fatalf("err %v, want a NoBootstrapError", err)
	}
	cr.Labels = map[string]string{"kubernetes.io/bootstrapping": "rbac-defaults"}
	cr.Name = "admin"
	s.ClusterRoles = append(s.ClusterRoles, snapshot.Located[rbacv1.ClusterRole]{Value: cr})
	if _, err := restore.Actual(s); err != nil {
		t.Errorf("with one bootstrap ClusterRole: %v", err)
	}
}
