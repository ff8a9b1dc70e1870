package bootstrap

import (
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
)

func TestAllowed(t *testing.T) {
	p := mustPolicy(t)
	kcmRole := Ref{Kind: KindClusterRole, Name: "system:kube-controller-manager"}
	kcmBinding := Ref{Kind: KindClusterRoleBinding, Name: "system:kube-controller-manager"}
	discovery := Ref{Kind: KindClusterRoleBinding, Name: "system:discovery"}
	publicInfo := Ref{Kind: KindClusterRoleBinding, Name: "system:public-info-viewer"}
	getSA := Attributes{Verb: "get", Resource: "serviceaccounts", Name: "namespace-controller", Namespace: "kube-system"}
	healthz := Attributes{Verb: "get", NonResourcePath: "/healthz"}
	lease := Attributes{Verb: "update", APIGroup: "coordination.k8s.io", Resource: "leases", Name: "kube-controller-manager", Namespace: "kube-system"}
	nsController := ServiceAccountUser("kube-system", "namespace-controller")

	tests := []struct {
		name   string
		mutate []func(*Actual)
		user   string
		groups []string
		attrs  Attributes
		want   bool
		reason string // substring of the reason
	}{
		{name: "kcm gets serviceaccounts", user: ControllerManagerUser, attrs: getSA, want: true,
			reason: `RBAC: allowed by ClusterRoleBinding "system:kube-controller-manager" of ClusterRole "system:kube-controller-manager" to User "system:kube-controller-manager"`},
		{name: "kcm without its ClusterRole", mutate: []func(*Actual){deleteObject(kcmRole)},
			user: ControllerManagerUser, attrs: getSA,
			reason: `RBAC: clusterrole.rbac.authorization.k8s.io "system:kube-controller-manager" not found`},
		{name: "kcm without its ClusterRoleBinding", mutate: []func(*Actual){deleteObject(kcmBinding)},
			user: ControllerManagerUser, attrs: getSA},
		{name: "kcm without its ClusterRole still holds its lease", mutate: []func(*Actual){deleteObject(kcmRole)},
			user: ControllerManagerUser, attrs: lease, want: true, reason: `RoleBinding "system::leader-locking-kube-controller-manager/kube-system"`},
		{name: "kcm without its ClusterRole still gets /healthz", mutate: []func(*Actual){deleteObject(kcmRole)},
			user: ControllerManagerUser, attrs: healthz, want: true, reason: "system:"},
		{name: "kcm without discovery bindings cannot get /healthz",
			mutate: []func(*Actual){deleteObject(kcmRole), deleteObject(discovery), deleteObject(publicInfo)},
			user:   ControllerManagerUser, attrs: healthz,
			reason: `RBAC: clusterrole.rbac.authorization.k8s.io "system:kube-controller-manager" not found`},
		{name: "anonymous gets /healthz", user: UserAnonymous, groups: []string{"system:unauthenticated"}, attrs: healthz, want: true,
			reason: `ClusterRoleBinding "system:public-info-viewer"`},
		{name: "anonymous gets no /api", user: UserAnonymous, groups: []string{"system:unauthenticated"},
			attrs: Attributes{Verb: "get", NonResourcePath: "/api"}},
		{name: "service account uses its controller role", user: nsController,
			attrs: Attributes{Verb: "delete", Resource: "namespaces", Name: "x"}, want: true,
			reason: `to ServiceAccount "namespace-controller/kube-system"`},
		{name: "service account finalizes namespaces (subresource)", user: nsController,
			attrs: Attributes{Verb: "update", Resource: "namespaces", Subresource: "finalize", Name: "x"}, want: true},
		{name: "service account cannot patch namespaces", user: nsController,
			attrs: Attributes{Verb: "patch", Resource: "namespaces", Name: "x"}},
		{name: "implicit system:serviceaccounts group", user: ServiceAccountUser("default", "x"),
			mutate: []func(*Actual){bind("sa-view", "view", rbacv1.Subject{Kind: rbacv1.GroupKind, Name: "system:serviceaccounts:default"})},
			attrs:  Attributes{Verb: "list", Resource: "pods", Namespace: "default"}, want: true},
		{name: "masters bypass", user: "admin", groups: []string{GroupMasters},
			mutate: []func(*Actual){deleteObject(Ref{Kind: KindClusterRole, Name: "cluster-admin"})},
			attrs:  Attributes{Verb: "delete", Resource: "nodes", Name: "n1"}, want: true},
		{name: "resourceNames restrict", user: ControllerManagerUser,
			mutate: []func(*Actual){deleteObject(Ref{Kind: KindRoleBinding, Namespace: "kube-system", Name: "system::leader-locking-kube-controller-manager"})},
			attrs:  Attributes{Verb: "update", APIGroup: "coordination.k8s.io", Resource: "leases", Name: "other", Namespace: "kube-system"}},
		{name: "wildcard resource and subresource", user: "u",
			mutate: []func(*Actual){addRole("scaler", rbacv1.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{"*"}, Resources: []string{"*/scale"}}),
				bind("scaler", "scaler", rbacv1.Subject{Kind: rbacv1.UserKind, Name: "u"})},
			attrs: Attributes{Verb: "get", APIGroup: "apps", Resource: "deployments", Subresource: "scale", Namespace: "ns"}, want: true},
		{name: "wildcard subresource does not grant the resource", user: "u",
			mutate: []func(*Actual){addRole("scaler", rbacv1.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{"*"}, Resources: []string{"*/scale"}}),
				bind("scaler", "scaler", rbacv1.Subject{Kind: rbacv1.UserKind, Name: "u"})},
			attrs: Attributes{Verb: "get", APIGroup: "apps", Resource: "deployments", Namespace: "ns"}},
		{name: "nonResourceURL prefix", user: "u",
			mutate: []func(*Actual){addRole("h", rbacv1.PolicyRule{Verbs: []string{"get"}, NonResourceURLs: []string{"/debug/*"}}),
				deleteObject(discovery), deleteObject(publicInfo),
				bind("h", "h", rbacv1.Subject{Kind: rbacv1.UserKind, Name: "u"})},
			attrs: Attributes{Verb: "get", NonResourcePath: "/debug/pprof"}, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, reason := Allowed(mutate(p, tt.mutate...), tt.user, tt.groups, tt.attrs)
			if ok != tt.want {
				t.Errorf("Allowed(%s, %s) = %v (%q), want %v", tt.user, tt.attrs, ok, reason, tt.want)
			}
			if !strings.Contains(reason, tt.reason) || (tt.reason == "" && !tt.want && reason != "") {
				t.Errorf("reason = %q, want %q", reason, tt.reason)
			}
		})
	}
}

func TestAttributesString(t *testing.T) {
	tests := []struct {
		a    Attributes
		want string
	}{
		{Attributes{Verb: "get", Resource: "serviceaccounts", Namespace: "kube-system"},
			`get resource "serviceaccounts" in API group "" in the namespace "kube-system"`},
		{Attributes{Verb: "get", NonResourcePath: "/healthz"}, `get path "/healthz"`},
		{Attributes{Verb: "list", APIGroup: "*", Resource: "*"}, `list resource "*" in API group "*" at the cluster scope`},
	}
	for _, tt := range tests {
		if got := tt.a.String(); got != tt.want {
			t.Errorf("String() = %s, want %s", got, tt.want)
		}
	}
}

func addRole(name string, rules ...rbacv1.PolicyRule) func(*Actual) {
	return func(a *Actual) {
		r := rbacv1.ClusterRole{Rules: rules}
		r.Name = name
		a.ClusterRoles = append(a.ClusterRoles, r)
	}
}

func bind(name, role string, subjects ...rbacv1.Subject) func(*Actual) {
	return func(a *Actual) {
		b := rbacv1.ClusterRoleBinding{RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: KindClusterRole, Name: role}, Subjects: subjects}
		b.Name = name
		a.ClusterRoleBindings = append(a.ClusterRoleBindings, b)
	}
}
