package bootstrap

import (
	"strings"
	"testing"
)

func TestControllerManagerNeeds(t *testing.T) {
	p := mustPolicy(t)
	needs := ControllerManagerNeeds(p)
	if len(needs) != len(controllerManagerStart) {
		for _, n := range controllerManagerStart {
			if ok, _ := Allowed(p.AsActual(), ControllerManagerUser, nil, n.Attributes); !ok {
				t.Errorf("bootstrap policy %s does not grant %s", p.GitVersion, n.Attributes)
			}
		}
	}
	kcmRole := Ref{Kind: KindClusterRole, Name: "system:kube-controller-manager"}
	kcmBinding := Ref{Kind: KindClusterRoleBinding, Name: "system:kube-controller-manager"}
	discovery := Ref{Kind: KindClusterRoleBinding, Name: "system:discovery"}
	publicInfo := Ref{Kind: KindClusterRoleBinding, Name: "system:public-info-viewer"}
	leaderRB := Ref{Kind: KindRoleBinding, Namespace: "kube-system", Name: "system::leader-locking-kube-controller-manager"}

	tests := []struct {
		name   string
		mutate []func(*Actual)
		user   string
		want   []string // Attributes.String() of the denied needs, in order
		fatal  string   // first fatal denied need
	}{
		{name: "untouched", user: ControllerManagerUser},
		{name: "deleted ClusterRole", mutate: []func(*Actual){deleteObject(kcmRole)}, user: ControllerManagerUser,
			want: []string{
				`get resource "serviceaccounts" in API group "" named "namespace-controller" in the namespace "kube-system"`,
				`create resource "serviceaccounts" in API group "" in the namespace "kube-system"`,
				`create resource "serviceaccounts/token" in API group "" named "namespace-controller" in the namespace "kube-system"`,
				`list resource "*" in API group "*" at the cluster scope`,
				`watch resource "*" in API group "*" at the cluster scope`,
				`create resource "events" in API group "" in the namespace "kube-system"`,
				`create resource "tokenreviews" in API group "authentication.k8s.io" at the cluster scope`,
				`create resource "subjectaccessreviews" in API group "authorization.k8s.io" at the cluster scope`,
			},
			fatal: `get resource "serviceaccounts"`},
		{name: "deleted ClusterRole and discovery bindings",
			mutate: []func(*Actual){deleteObject(kcmRole), deleteObject(discovery), deleteObject(publicInfo)}, user: ControllerManagerUser,
			fatal: `get path "/healthz"`},
		{name: "deleted binding", mutate: []func(*Actual){deleteObject(kcmBinding)}, user: ControllerManagerUser,
			fatal: `get resource "serviceaccounts"`},
		{name: "deleted leader-locking binding keeps lease via ClusterRole", mutate: []func(*Actual){deleteObject(leaderRB)},
			user: ControllerManagerUser},
		{name: "other credentials", user: "system:serviceaccount:kube-system:some-other",
			fatal: `get resource "leases"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			denied := MissingNeeds(needs, mutate(p, tt.mutate...), tt.user, nil)
			var got []string
			firstFatal := ""
			for _, d := range denied {
				got = append(got, d.Attributes.String())
				if d.Fatal && firstFatal == "" {
					firstFatal = d.Attributes.String()
				}
			}
			if tt.want != nil && strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("denied:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if !strings.HasPrefix(firstFatal, tt.fatal) || (tt.fatal == "" && firstFatal != "") {
				t.Errorf("first fatal = %q, want %q", firstFatal, tt.fatal)
			}
		})
	}
}

func TestLostPermissions(t *testing.T) {
	p := mustPolicy(t)
	tests := []struct {
		name   string
		mutate []func(*Actual)
		want   []string // "<binding> <user>: <first denied>"
	}{
		{name: "untouched"},
		{name: "deleted namespace-controller role",
			mutate: []func(*Actual){deleteObject(Ref{Kind: KindClusterRole, Name: "system:controller:namespace-controller"})},
			want: []string{`clusterrolebinding.rbac.authorization.k8s.io/system:controller:namespace-controller system:serviceaccount:kube-system:namespace-controller: ` +
				`delete resource "namespaces" in API group "" at the cluster scope`}},
		{name: "deleted kcm ClusterRole",
			mutate: []func(*Actual){deleteObject(Ref{Kind: KindClusterRole, Name: "system:kube-controller-manager"})},
			want: []string{`clusterrolebinding.rbac.authorization.k8s.io/system:kube-controller-manager system:kube-controller-manager: ` +
				`create resource "events" in API group "" at the cluster scope`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, l := range LostPermissions(p, mutate(p, tt.mutate...)) {
				got = append(got, l.Binding.String()+" "+l.User+": "+l.Denied[0].String())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("lost:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}
