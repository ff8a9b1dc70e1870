package bootstrap

import (
	"fmt"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
)

// Well-known users and groups.
const (
	ControllerManagerUser = "system:kube-controller-manager"
	GroupAuthenticated    = "system:authenticated"
	GroupMasters          = "system:masters"
	UserAnonymous         = "system:anonymous"
	serviceAccountPrefix  = "system:serviceaccount:"
)

// Attributes describe one request, as the authorizer sees it. A request is a
// non-resource request when NonResourcePath is set.
type Attributes struct {
	Verb            string `json:"verb"`
	APIGroup        string `json:"apiGroup,omitempty"`
	Resource        string `json:"resource,omitempty"`
	Subresource     string `json:"subresource,omitempty"`
	Name            string `json:"name,omitempty"`
	Namespace       string `json:"namespace,omitempty"`
	NonResourcePath string `json:"nonResourcePath,omitempty"`
}

// String describes the request the way a forbidden error does, e.g.
// `get resource "serviceaccounts" in API group "" in the namespace "kube-system"`
// or `get path "/healthz"`.
func (a Attributes) String() string {
	if a.NonResourcePath != "" {
		return fmt.Sprintf("%s path %q", a.Verb, a.NonResourcePath)
	}
	res := a.Resource
	if a.Subresource != "" {
		res += "/" + a.Subresource
	}
	s := fmt.Sprintf("%s resource %q in API group %q", a.Verb, res, a.APIGroup)
	if a.Name != "" {
		s += fmt.Sprintf(" named %q", a.Name)
	}
	if a.Namespace != "" {
		return s + fmt.Sprintf(" in the namespace %q", a.Namespace)
	}
	return s + " at the cluster scope"
}

// ServiceAccountUser returns the user name of a service account.
func ServiceAccountUser(namespace, name string) string {
	return serviceAccountPrefix + namespace + ":" + name
}

// Allowed evaluates RBAC offline like kube-apiserver's RBAC authorizer: every
// ClusterRoleBinding, then the RoleBindings of the request's namespace, each
// resolved to its role in actual (aggregated ClusterRoles are taken as the
// bundle holds them, already materialized). The groups an authenticator adds
// are implied: system:authenticated for every user but system:anonymous, and
// system:serviceaccounts[:<ns>] for service accounts. Members of
// system:masters are allowed everything, as kube-apiserver does.
//
// The reason mirrors kube-apiserver's: `RBAC: allowed by ClusterRoleBinding
// "x" of ClusterRole "y" to User "z"` when allowed; when denied, `RBAC:
// clusterrole.rbac.authorization.k8s.io "y" not found` (several errors in
// brackets) if a matching binding points at a missing role, else "" (no rule
// matched).
func Allowed(actual Actual, user string, groups []string, attrs Attributes) (bool, string) {
	groups = ImpliedGroups(user, groups)
	for _, g := range groups {
		if g == GroupMasters {
			return true, "member of group " + GroupMasters + " (not subject to authorization)"
		}
	}
	rr := newRoleResolver(actual)
	for _, b := range actual.ClusterRoleBindings {
		s := matchingSubject(b.Subjects, "", user, groups)
		if s == nil {
			continue
		}
		if rules, ok := rr.rulesOf(b.RoleRef, ""); ok && anyRuleAllows(rules, attrs) {
			return true, fmt.Sprintf("RBAC: allowed by ClusterRoleBinding %q of %s %q to %s",
				b.Name, b.RoleRef.Kind, b.RoleRef.Name, describeSubject(*s, ""))
		}
	}
	if attrs.Namespace != "" && attrs.NonResourcePath == "" {
		if ok, why := rr.allowedInNamespace(actual.RoleBindings, user, groups, attrs); ok {
			return true, why
		}
	}
	return false, rr.denied()
}

// roleResolver finds the rules of a binding's role, and records, in
// kube-apiserver's wording, each role a matching binding points at that
// does not exist.
type roleResolver struct {
	actual       Actual
	clusterRoles map[string][]rbacv1.PolicyRule
	exists       map[string]bool
	errs         []string
}

func newRoleResolver(actual Actual) *roleResolver {
	rr := &roleResolver{actual: actual, clusterRoles: map[string][]rbacv1.PolicyRule{}, exists: map[string]bool{}}
	for _, r := range actual.ClusterRoles {
		rr.clusterRoles[r.Name] = r.Rules
		rr.exists[r.Name] = true
	}
	return rr
}

// rulesOf returns the rules of the role ref names (a Role of namespace),
// false if it does not exist.
func (rr *roleResolver) rulesOf(ref rbacv1.RoleRef, namespace string) ([]rbacv1.PolicyRule, bool) {
	switch ref.Kind {
	case KindClusterRole:
		if rr.exists[ref.Name] {
			return rr.clusterRoles[ref.Name], true
		}
		rr.errs = append(rr.errs, fmt.Sprintf("clusterrole.%s %q not found", rbacv1.GroupName, ref.Name))
	case KindRole:
		for _, r := range rr.actual.Roles {
			if r.Namespace == namespace && r.Name == ref.Name {
				return r.Rules, true
			}
		}
		rr.errs = append(rr.errs, fmt.Sprintf("role.%s %q not found", rbacv1.GroupName, ref.Name))
	}
	return nil, false
}

// allowedInNamespace reports whether a RoleBinding of the request's
// namespace allows it, and by which.
func (rr *roleResolver) allowedInNamespace(bindings []rbacv1.RoleBinding, user string, groups []string, attrs Attributes) (bool, string) {
	for _, b := range bindings {
		if b.Namespace != attrs.Namespace {
			continue
		}
		s := matchingSubject(b.Subjects, b.Namespace, user, groups)
		if s == nil {
			continue
		}
		if rules, ok := rr.rulesOf(b.RoleRef, b.Namespace); ok && anyRuleAllows(rules, attrs) {
			return true, fmt.Sprintf("RBAC: allowed by RoleBinding %q of %s %q to %s",
				b.Name+"/"+b.Namespace, b.RoleRef.Kind, b.RoleRef.Name, describeSubject(*s, b.Namespace))
		}
	}
	return false, ""
}

// denied is the reason of a denial: "" when no rule matched, else the
// missing roles' errors (several in brackets).
func (rr *roleResolver) denied() string {
	switch len(rr.errs) {
	case 0:
		return ""
	case 1:
		return "RBAC: " + rr.errs[0]
	}
	return "RBAC: [" + strings.Join(rr.errs, ", ") + "]"
}

// ImpliedGroups returns groups plus the groups kube-apiserver's
// authenticators add: system:authenticated for every user but
// system:anonymous, system:serviceaccounts and system:serviceaccounts:<ns>
// for service accounts.
func ImpliedGroups(user string, groups []string) []string {
	out := append([]string(nil), groups...)
	add := func(g string) {
		for _, have := range out {
			if have == g {
				return
			}
		}
		out = append(out, g)
	}
	if ns, _, ok := strings.Cut(strings.TrimPrefix(user, serviceAccountPrefix), ":"); ok && strings.HasPrefix(user, serviceAccountPrefix) {
		add("system:serviceaccounts")
		add("system:serviceaccounts:" + ns)
	}
	if user != UserAnonymous {
		add(GroupAuthenticated)
	}
	return out
}

func matchingSubject(subjects []rbacv1.Subject, bindingNamespace, user string, groups []string) *rbacv1.Subject {
	for i, s := range subjects {
		switch s.Kind {
		case rbacv1.UserKind:
			if s.Name == user {
				return &subjects[i]
			}
		case rbacv1.GroupKind:
			for _, g := range groups {
				if g == s.Name {
					return &subjects[i]
				}
			}
		case rbacv1.ServiceAccountKind:
			ns := s.Namespace
			if ns == "" {
				ns = bindingNamespace
			}
			if ns != "" && ServiceAccountUser(ns, s.Name) == user {
				return &subjects[i]
			}
		}
	}
	return nil
}

func describeSubject(s rbacv1.Subject, bindingNamespace string) string {
	if s.Kind == rbacv1.ServiceAccountKind {
		ns := s.Namespace
		if ns == "" {
			ns = bindingNamespace
		}
		return fmt.Sprintf("%s %q", s.Kind, s.Name+"/"+ns)
	}
	return fmt.Sprintf("%s %q", s.Kind, s.Name)
}

func anyRuleAllows(rules []rbacv1.PolicyRule, a Attributes) bool {
	for i := range rules {
		if RuleAllows(rules[i], a) {
			return true
		}
	}
	return false
}

// RuleAllows reports whether one policy rule grants the request.
func RuleAllows(r rbacv1.PolicyRule, a Attributes) bool {
	if !has(r.Verbs, a.Verb) {
		return false
	}
	if a.NonResourcePath != "" {
		for _, u := range r.NonResourceURLs {
			if u == rbacv1.NonResourceAll || u == a.NonResourcePath ||
				(strings.HasSuffix(u, "*") && strings.HasPrefix(a.NonResourcePath, strings.TrimSuffix(u, "*"))) {
				return true
			}
		}
		return false
	}
	if !has(r.APIGroups, a.APIGroup) || !resourceMatches(r.Resources, a.Resource, a.Subresource) {
		return false
	}
	if len(r.ResourceNames) == 0 {
		return true
	}
	for _, n := range r.ResourceNames {
		if n == a.Name {
			return true
		}
	}
	return false
}

// has reports whether list holds want or "*".
func has(list []string, want string) bool {
	for _, s := range list {
		if s == want || s == rbacv1.ResourceAll {
			return true
		}
	}
	return false
}

func resourceMatches(list []string, resource, subresource string) bool {
	combined := resource
	if subresource != "" {
		combined += "/" + subresource
	}
	for _, r := range list {
		switch {
		case r == rbacv1.ResourceAll, r == combined:
			return true
		case subresource != "" && r == "*/"+subresource:
			return true
		}
	}
	return false
}
