package bootstrap

import (
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/component-helpers/auth/rbac/validation"
)

// Need is one permission a component needs, with the bootstrap binding that
// grants it when the policy is untouched.
type Need struct {
	Attributes Attributes `json:"attributes"`
	// Why says what fails without it.
	Why string `json:"why"`
	// Fatal is true when the component exits at start without it.
	Fatal bool `json:"fatal,omitempty"`
	// GrantedBy is the reason Allowed gives on the untouched bootstrap
	// policy, e.g. `RBAC: allowed by ClusterRoleBinding "system:kube-controller-manager" of ...`.
	GrantedBy string `json:"grantedBy"`
}

// controllerManagerStart is what kube-controller-manager (v1.37, with
// --use-service-account-credentials) does with its own identity before and
// while it starts its controllers, in order.
var controllerManagerStart = []Need{
	{Attributes: Attributes{Verb: "get", NonResourcePath: "/healthz"}, Fatal: true,
		Why: "WaitForAPIServer polls /healthz before building the controller context: `failed to wait for apiserver being healthy`"},
	{Attributes: Attributes{Verb: "get", APIGroup: "", Resource: "configmaps", Name: "extension-apiserver-authentication", Namespace: "kube-system"},
		Why: "delegated authentication of its secure port reads the client CA"},
	{Attributes: Attributes{Verb: "get", APIGroup: "coordination.k8s.io", Resource: "leases", Name: "kube-controller-manager", Namespace: "kube-system"}, Fatal: true,
		Why: "leader election reads its lease"},
	{Attributes: Attributes{Verb: "update", APIGroup: "coordination.k8s.io", Resource: "leases", Name: "kube-controller-manager", Namespace: "kube-system"}, Fatal: true,
		Why: "leader election renews its lease: `Failed to renew lease`"},
	{Attributes: Attributes{Verb: "create", APIGroup: "coordination.k8s.io", Resource: "leases", Namespace: "kube-system"},
		Why: "leader election creates its lease when there is none"},
	{Attributes: Attributes{Verb: "get", APIGroup: "", Resource: "serviceaccounts", Name: "namespace-controller", Namespace: "kube-system"}, Fatal: true,
		Why: "building each controller's client gets its service account: `failed to create Kubernetes client ... cannot get resource \"serviceaccounts\"`, then `leaderelection lost/stopped`"},
	{Attributes: Attributes{Verb: "create", APIGroup: "", Resource: "serviceaccounts", Namespace: "kube-system"},
		Why: "building a controller's client creates its service account when it is missing"},
	{Attributes: Attributes{Verb: "create", APIGroup: "", Resource: "serviceaccounts", Subresource: "token", Name: "namespace-controller", Namespace: "kube-system"}, Fatal: true,
		Why: "building each controller's client requests a token for its service account: `get token failed`"},
	{Attributes: Attributes{Verb: "list", APIGroup: "*", Resource: "*"},
		Why: "the shared informers list every resource: `Failed to watch ... forbidden`"},
	{Attributes: Attributes{Verb: "watch", APIGroup: "*", Resource: "*"},
		Why: "the shared informers watch every resource"},
	{Attributes: Attributes{Verb: "create", APIGroup: "", Resource: "events", Namespace: "kube-system"},
		Why: "events are rejected: `Server rejected event (will not retry!)`"},
	{Attributes: Attributes{Verb: "create", APIGroup: "authentication.k8s.io", Resource: "tokenreviews"},
		Why: "delegated authentication of requests to its secure port"},
	{Attributes: Attributes{Verb: "create", APIGroup: "authorization.k8s.io", Resource: "subjectaccessreviews"},
		Why: "delegated authorization of requests to its secure port"},
}

// ControllerManagerNeeds returns what kube-controller-manager needs at start
// with its own identity (user system:kube-controller-manager), each with the
// bootstrap binding of p that grants it. A need p does not grant (a release
// that differs) is left out.
func ControllerManagerNeeds(p *Policy) []Need {
	base := p.AsActual()
	var out []Need
	for _, n := range controllerManagerStart {
		ok, reason := Allowed(base, ControllerManagerUser, nil, n.Attributes)
		if !ok {
			continue
		}
		n.GrantedBy = reason
		out = append(out, n)
	}
	return out
}

// MissingNeeds returns the needs actual no longer grants user (with groups),
// each with the denial reason Allowed gives.
func MissingNeeds(needs []Need, actual Actual, user string, groups []string) []Denied {
	var out []Denied
	for _, n := range needs {
		if ok, reason := Allowed(actual, user, groups, n.Attributes); !ok {
			out = append(out, Denied{Need: n, Reason: reason})
		}
	}
	return out
}

// Denied is a need that is no longer granted.
type Denied struct {
	Need
	// Reason is Allowed's denial reason ("" when no rule matched).
	Reason string `json:"reason,omitempty"`
}

// Lost is a permission a bootstrap binding grants one of its subjects in the
// untouched policy and that actual no longer grants.
type Lost struct {
	// Binding is the bootstrap binding and Role the role it points at.
	Binding Ref `json:"binding"`
	Role    Ref `json:"role"`
	// Subject is the binding's subject; User and Groups are the identity
	// evaluated for it.
	Subject rbacv1.Subject `json:"subject"`
	User    string         `json:"user,omitempty"`
	Groups  []string       `json:"groups,omitempty"`
	// Denied lists the requests now denied (rules broken down to one verb,
	// group, resource and name each); Reason is the first denial's reason.
	Denied []Attributes `json:"denied"`
	Reason string       `json:"reason,omitempty"`
}

// Grant is one request a bootstrap binding allows one of its subjects in the
// untouched policy.
type Grant struct {
	// Binding is the bootstrap binding and Role the role it points at.
	Binding Ref `json:"binding"`
	Role    Ref `json:"role"`
	// Subject is the binding's subject; User and Groups are the identity
	// that stands for it (groups as a client certificate would carry
	// them, without the implied ones).
	Subject rbacv1.Subject `json:"subject"`
	User    string         `json:"user,omitempty"`
	Groups  []string       `json:"groups,omitempty"`
	// Requests are the bound role's bootstrap rules broken down to one
	// verb, group, resource and name each, scoped to the binding's
	// namespace for RoleBindings.
	Requests []Attributes `json:"requests"`
}

// Grants lists, for every subject of every bootstrap binding of p, the
// requests the bound bootstrap role allows (aggregated roles materialized).
func Grants(p *Policy) []Grant {
	base := p.AsActual()
	rulesOf := func(ref rbacv1.RoleRef, namespace string) []rbacv1.PolicyRule {
		if ref.Kind == KindClusterRole {
			for _, r := range base.ClusterRoles {
				if r.Name == ref.Name {
					return r.Rules
				}
			}
			return nil
		}
		o, _ := p.Get(Ref{Kind: KindRole, Namespace: namespace, Name: ref.Name})
		return o.Rules
	}
	var out []Grant
	for _, b := range p.Objects {
		if b.RoleRef == nil {
			continue
		}
		scope, roleNS := "", ""
		if b.Kind == KindRoleBinding {
			scope = b.Namespace
		}
		if b.RoleRef.Kind == KindRole {
			roleNS = b.Namespace
		}
		var requests []Attributes
		for _, rule := range rulesOf(*b.RoleRef, b.Namespace) {
			for _, sub := range validation.BreakdownRule(rule) {
				requests = append(requests, ruleRequest(sub, scope))
			}
		}
		for _, s := range b.Subjects {
			user, groups := identityOf(s, b.Namespace)
			out = append(out, Grant{Binding: b.Ref(), Role: Ref{Kind: b.RoleRef.Kind, Namespace: roleNS, Name: b.RoleRef.Name},
				Subject: s, User: user, Groups: groups, Requests: requests})
		}
	}
	return out
}

// LostPermissions checks, for every subject of every bootstrap binding,
// that actual still grants each bootstrap rule of the bound role, through any
// binding. It says e.g. that system:serviceaccount:kube-system:namespace-controller
// can no longer delete namespaces, whichever object was deleted or altered.
func LostPermissions(p *Policy, actual Actual) []Lost {
	var out []Lost
	for _, g := range Grants(p) {
		l := Lost{Binding: g.Binding, Role: g.Role, Subject: g.Subject, User: g.User, Groups: g.Groups}
		for _, a := range g.Requests {
			if ok, reason := Allowed(actual, g.User, g.Groups, a); !ok {
				if len(l.Denied) == 0 {
					l.Reason = reason
				}
				l.Denied = append(l.Denied, a)
			}
		}
		if len(l.Denied) > 0 {
			out = append(out, l)
		}
	}
	return out
}

// ruleRequest turns a broken-down rule (one verb, group, resource, name or
// URL) into the request it grants; "*" stays "*", which only a "*" grants.
func ruleRequest(r rbacv1.PolicyRule, namespace string) Attributes {
	a := Attributes{Verb: first(r.Verbs)}
	if len(r.NonResourceURLs) > 0 {
		a.NonResourcePath = r.NonResourceURLs[0]
		return a
	}
	a.APIGroup, a.Name, a.Namespace = first(r.APIGroups), first(r.ResourceNames), namespace
	a.Resource = first(r.Resources)
	if res, sub, ok := strings.Cut(a.Resource, "/"); ok {
		a.Resource, a.Subresource = res, sub
	}
	return a
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// identityOf returns a user and groups that a subject stands for.
func identityOf(s rbacv1.Subject, bindingNamespace string) (string, []string) {
	switch s.Kind {
	case rbacv1.ServiceAccountKind:
		ns := s.Namespace
		if ns == "" {
			ns = bindingNamespace
		}
		return ServiceAccountUser(ns, s.Name), nil
	case rbacv1.GroupKind:
		if s.Name == "system:unauthenticated" {
			return UserAnonymous, []string{s.Name}
		}
		return "", []string{s.Name}
	}
	return s.Name, nil
}
