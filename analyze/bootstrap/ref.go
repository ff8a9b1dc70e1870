package bootstrap

import (
	"fmt"
	"strings"
)

// Arg renders the ref as ParseRef reads it and as nsbundle bootstrap-rbac
// takes it: "clusterrole/system:kube-controller-manager",
// "rolebinding/kube-system/system::leader-locking-kube-controller-manager".
func (r Ref) Arg() string {
	s := resourceOf(r.Kind) + "/"
	if r.Namespace != "" {
		s += r.Namespace + "/"
	}
	return s + r.Name
}

// Describe renders the ref for a person: "ClusterRole system:discovery",
// "Role kube-system/extension-apiserver-authentication-reader".
func (r Ref) Describe() string {
	if r.Namespace != "" {
		return r.Kind + " " + r.Namespace + "/" + r.Name
	}
	return r.Kind + " " + r.Name
}

// kindNames maps what a user may type for a kind, lower-cased, to the kind.
var kindNames = map[string]string{
	"clusterrole": KindClusterRole, "clusterroles": KindClusterRole,
	"clusterrolebinding": KindClusterRoleBinding, "clusterrolebindings": KindClusterRoleBinding,
	"role": KindRole, "roles": KindRole,
	"rolebinding": KindRoleBinding, "rolebindings": KindRoleBinding,
}

// ParseRef reads "KIND/NAME" or, for Role and RoleBinding, "KIND/NAMESPACE/NAME"
// ("KIND/NAME" takes namespace). KIND is clusterrole, clusterrolebinding, role
// or rolebinding in any case, singular or plural, optionally with the group
// (clusterrole.rbac.authorization.k8s.io), as kubectl names them.
func ParseRef(s, namespace string) (Ref, error) {
	parts := strings.Split(s, "/")
	if len(parts) < 2 || len(parts) > 3 {
		return Ref{}, fmt.Errorf("%q: want KIND/NAME or KIND/NAMESPACE/NAME (e.g. clusterrole/system:kube-controller-manager, role/kube-system/extension-apiserver-authentication-reader)", s)
	}
	for _, p := range parts {
		if p == "" {
			return Ref{}, fmt.Errorf("%q: empty kind, namespace or name", s)
		}
	}
	k := strings.TrimSuffix(strings.ToLower(parts[0]), ".rbac.authorization.k8s.io")
	kind, ok := kindNames[k]
	if !ok {
		return Ref{}, fmt.Errorf("%q: unknown kind %q (want clusterrole, clusterrolebinding, role or rolebinding)", s, parts[0])
	}
	r := Ref{Kind: kind, Name: parts[len(parts)-1]}
	namespaced := kind == KindRole || kind == KindRoleBinding
	switch {
	case len(parts) == 3 && !namespaced:
		return Ref{}, fmt.Errorf("%q: a %s has no namespace (want %s/NAME)", s, kind, resourceOf(kind))
	case len(parts) == 3:
		r.Namespace = parts[1]
	case namespaced && namespace == "":
		return Ref{}, fmt.Errorf("%q: a %s needs a namespace (%s/NAMESPACE/NAME or -n NAMESPACE)", s, kind, resourceOf(kind))
	case namespaced:
		r.Namespace = namespace
	}
	return r, nil
}
