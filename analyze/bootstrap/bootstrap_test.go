package bootstrap

import (
	"os"
	"strconv"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
)

func mustPolicy(t *testing.T) *Policy {
	t.Helper()
	p, err := For("v1.37.2")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFor(t *testing.T) {
	tests := []struct {
		gitVersion string
		want       string // GitVersion prefix of the chosen list
		note       bool
		err        bool
	}{
		{gitVersion: "v1.37.2", want: "v1.37."},
		{gitVersion: "v1.37.0-rc.1", want: "v1.37."},
		{gitVersion: "1.37.9+k3s1", want: "v1.37."},
		{gitVersion: "v1.24.17", want: "v1.24."},
		{gitVersion: "v1.31.2+k3s1", want: "v1.31."},
		{gitVersion: "v1.30.14+rke2r1", want: "v1.30."},
		{gitVersion: "v1.29.8-eks-a737599", want: "v1.29."},
		{gitVersion: "v1.33.5-gke.1080000", want: "v1.33."},
		{gitVersion: "v1.38.0", want: "v1.24-v1.37 (common)", note: true},
		{gitVersion: "v1.99.0", want: "v1.24-v1.37 (common)", note: true},
		{gitVersion: "v1.5.0", want: "v1.24-v1.37 (common)", note: true},
		{gitVersion: "nonsense", want: "v1.24-v1.37 (common)", note: true},
		{gitVersion: "", want: "v1.24-v1.37 (common)", note: true},
	}
	for _, tt := range tests {
		t.Run(tt.gitVersion, func(t *testing.T) {
			p, err := For(tt.gitVersion)
			if tt.err {
				if err == nil {
					t.Fatalf("For(%q) = %v, want an error", tt.gitVersion, p.GitVersion)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(p.GitVersion, tt.want) {
				t.Errorf("For(%q).GitVersion = %q, want prefix %q", tt.gitVersion, p.GitVersion, tt.want)
			}
			if (p.Note != "") != tt.note {
				t.Errorf("For(%q).Note = %q, want note: %v", tt.gitVersion, p.Note, tt.note)
			}
		})
	}
}

// TestData checks every embedded list: sorted, labelled, bindings point at
// roles of the same list, small enough, and holding the objects the
// controller-manager analysis relies on.
func TestData(t *testing.T) {
	for _, minor := range Versions() {
		p, err := load(minor)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(p.GitVersion, func(t *testing.T) {
			fi, err := os.Stat("data/v1." + strconv.Itoa(minor) + ".json")
			if err != nil {
				t.Fatal(err)
			}
			if fi.Size() > 300<<10 {
				t.Errorf("data file is %d bytes, want < 300 KiB", fi.Size())
			}
			for i, o := range p.Objects {
				if i > 0 && !refLess(p.Objects[i-1].Ref(), o.Ref()) {
					t.Errorf("objects not sorted or duplicated at %v", o.Ref())
				}
				if o.Labels[BootstrapLabel] != BootstrapLabelValue || o.Annotations[AutoupdateKey] != "true" {
					t.Errorf("%v: labels %v annotations %v", o.Ref(), o.Labels, o.Annotations)
				}
				if o.RoleRef != nil {
					ns := ""
					if o.RoleRef.Kind == KindRole {
						ns = o.Namespace
					}
					if _, ok := p.Get(Ref{Kind: o.RoleRef.Kind, Namespace: ns, Name: o.RoleRef.Name}); !ok {
						t.Errorf("%v points at %s %q, not in the list", o.Ref(), o.RoleRef.Kind, o.RoleRef.Name)
					}
				}
			}
			for _, ref := range []Ref{
				{Kind: KindClusterRole, Name: "system:kube-controller-manager"},
				{Kind: KindClusterRoleBinding, Name: "system:kube-controller-manager"},
				{Kind: KindClusterRoleBinding, Name: "system:discovery"},
				{Kind: KindClusterRoleBinding, Name: "system:public-info-viewer"},
				{Kind: KindClusterRole, Name: "system:controller:namespace-controller"},
				{Kind: KindClusterRoleBinding, Name: "system:controller:namespace-controller"},
				{Kind: KindRole, Namespace: "kube-system", Name: "system::leader-locking-kube-controller-manager"},
				{Kind: KindRoleBinding, Namespace: "kube-system", Name: "system::leader-locking-kube-controller-manager"},
				{Kind: KindRoleBinding, Namespace: "kube-system", Name: "system::extension-apiserver-authentication-reader"},
			} {
				if _, ok := p.Get(ref); !ok {
					t.Errorf("%v missing from the list", ref)
				}
			}
		})
	}
}

// Mutations of a bundle's RBAC used by the tests.

func deleteObject(ref Ref) func(*Actual) {
	return func(a *Actual) {
		switch ref.Kind {
		case KindClusterRole:
			a.ClusterRoles = filter(a.ClusterRoles, func(r rbacv1.ClusterRole) bool { return r.Name != ref.Name })
		case KindClusterRoleBinding:
			a.ClusterRoleBindings = filter(a.ClusterRoleBindings, func(r rbacv1.ClusterRoleBinding) bool { return r.Name != ref.Name })
		case KindRole:
			a.Roles = filter(a.Roles, func(r rbacv1.Role) bool { return r.Name != ref.Name || r.Namespace != ref.Namespace })
		case KindRoleBinding:
			a.RoleBindings = filter(a.RoleBindings, func(r rbacv1.RoleBinding) bool { return r.Name != ref.Name || r.Namespace != ref.Namespace })
		}
	}
}

func filter[T any](in []T, keep func(T) bool) []T {
	var out []T
	for _, x := range in {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}

func clusterRole(a *Actual, name string) *rbacv1.ClusterRole {
	for i := range a.ClusterRoles {
		if a.ClusterRoles[i].Name == name {
			return &a.ClusterRoles[i]
		}
	}
	panic("no clusterrole " + name)
}

func clusterRoleBinding(a *Actual, name string) *rbacv1.ClusterRoleBinding {
	for i := range a.ClusterRoleBindings {
		if a.ClusterRoleBindings[i].Name == name {
			return &a.ClusterRoleBindings[i]
		}
	}
	panic("no clusterrolebinding " + name)
}

// dropRule removes the rules of a ClusterRole that mention resource.
func dropRule(role, resource string) func(*Actual) {
	return func(a *Actual) {
		r := clusterRole(a, role)
		r.Rules = filter(r.Rules, func(p rbacv1.PolicyRule) bool {
			for _, res := range p.Resources {
				if res == resource {
					return false
				}
			}
			return true
		})
	}
}

func setAnnotation(role, value string) func(*Actual) {
	return func(a *Actual) {
		r := clusterRole(a, role)
		r.Annotations = map[string]string{AutoupdateKey: value}
	}
}

func mutate(p *Policy, fns ...func(*Actual)) Actual {
	a := p.AsActual()
	for _, f := range fns {
		f(&a)
	}
	return a
}

// TestCommon checks that the common policy reports nothing on the untouched
// policy of any embedded version (the point of it: no version's own
// objects or rules look deleted), and still reports a deleted ClusterRole
// system:kube-controller-manager, which every version has.
func TestCommon(t *testing.T) {
	c, err := Common()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Objects) < 100 {
		t.Fatalf("common policy has %d objects, want the shared core (>= 100)", len(c.Objects))
	}
	kcm := Ref{Kind: KindClusterRole, Name: "system:kube-controller-manager"}
	for _, minor := range Versions() {
		p, err := load(minor)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(p.GitVersion, func(t *testing.T) {
			for _, d := range Compare(c, p.AsActual()) {
				if d.Kind != AutoupdateDisabled {
					t.Errorf("untouched %s policy differs from the common one: %v %s", p.GitVersion, d.Ref, d.Kind)
				}
			}
			diffs := Compare(c, mutate(p, deleteObject(kcm)))
			if len(diffs) != 1 || diffs[0].Ref != kcm || diffs[0].Kind != Missing {
				t.Errorf("deleted %v on %s: diffs %v, want it Missing only", kcm, p.GitVersion, diffs)
			}
		})
	}
	// A version's list compared with an older one reports what was added
	// since: the reason For never substitutes another version.
	p24, _ := load(24)
	p37, _ := load(37)
	if n := len(Compare(p37, p24.AsActual())); n == 0 {
		t.Errorf("v1.37 policy compared with an untouched v1.24 cluster: no diffs; want some (version skew)")
	}
}

// The note names what is missing: no `""` for a bundle without a version.
func TestForNoteWording(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":         "Kubernetes version not in the bundle: checked only the bootstrap RBAC that ",
		"nonsense": `Kubernetes version "nonsense" not understood: checked only the bootstrap RBAC that `,
	} {
		p, err := For(in)
		if err != nil {
			t.Fatalf("For(%q): %v", in, err)
		}
		if !strings.HasPrefix(p.Note, want) || strings.Contains(p.Note, `""`) {
			t.Errorf("For(%q).Note = %q, want prefix %q", in, p.Note, want)
		}
	}
}
