package bootstrap

import (
	"fmt"
	"reflect"
	"sync"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/component-helpers/auth/rbac/validation"
)

// Common returns what the bootstrap policies of every embedded minor version
// share: the objects all of them create, each with only the rules, subjects
// and aggregation selectors that every version gives it, and a binding only
// where every version points it at the same role. Comparing a cluster of an
// unknown version, or of one outside the embedded range, with it reports
// nothing that one of those versions would not. GitVersion is
// "v1.<first>-v1.<last> (common)".
func Common() (*Policy, error) {
	commonOnce.Do(func() { commonPolicy, commonErr = buildCommon() })
	if commonErr != nil {
		return nil, commonErr
	}
	cp := *commonPolicy
	return &cp, nil
}

var (
	commonOnce   sync.Once
	commonPolicy *Policy
	commonErr    error
)

func buildCommon() (*Policy, error) {
	known := Versions()
	if len(known) == 0 {
		return nil, fmt.Errorf("bootstrap policy: no embedded lists")
	}
	var ps []*Policy
	for _, m := range known {
		p, err := load(m)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	newest := ps[len(ps)-1]
	out := &Policy{
		GitVersion: fmt.Sprintf("v1.%d-v1.%d (common)", known[0], known[len(known)-1]),
		Source:     "what the bootstrap policies of " + fmt.Sprintf("v1.%d to v1.%d", known[0], known[len(known)-1]) + " share: " + newest.Source,
	}
	for _, o := range newest.Objects {
		if c, ok := commonObject(o, ps[:len(ps)-1]); ok {
			out.Objects = append(out.Objects, c)
		}
	}
	return out, nil
}

// commonObject narrows o (of the newest policy) to what every older policy
// gives the same object; false when one of them lacks it or, for a binding,
// points it elsewhere.
func commonObject(o Object, older []*Policy) (Object, bool) {
	c := o
	c.Rules = breakdown(o.Rules)
	c.RulesWithoutGates = nil
	if o.GatedRules {
		c.RulesWithoutGates = breakdown(o.RulesWithoutGates)
	}
	for _, p := range older {
		x, ok := p.Get(o.Ref())
		if !ok {
			return Object{}, false
		}
		if o.RoleRef != nil && (x.RoleRef == nil || *x.RoleRef != *o.RoleRef) {
			return Object{}, false
		}
		c.FeatureGated = c.FeatureGated || x.FeatureGated
		c.Rules = coveredBy(c.Rules, x.Rules)
		if x.GatedRules || c.GatedRules {
			base := c.RulesWithoutGates
			if !c.GatedRules {
				base = c.Rules
			}
			without := x.Rules
			if x.GatedRules {
				without = x.RulesWithoutGates
			}
			c.GatedRules, c.RulesWithoutGates = true, coveredBy(base, without)
		}
		c.Subjects = sharedSubjects(c.Subjects, x.Subjects)
		c.AggregationRule = sharedSelectors(c.AggregationRule, x.AggregationRule)
	}
	return c, true
}

// breakdown splits rules into rules of one verb, group, resource and name.
func breakdown(rules []rbacv1.PolicyRule) []rbacv1.PolicyRule {
	var out []rbacv1.PolicyRule
	for _, r := range rules {
		out = append(out, validation.BreakdownRule(r)...)
	}
	return out
}

// coveredBy keeps the rules of atoms that rules cover.
func coveredBy(atoms, rules []rbacv1.PolicyRule) []rbacv1.PolicyRule {
	var out []rbacv1.PolicyRule
	for _, a := range atoms {
		if ok, _ := validation.Covers(rules, []rbacv1.PolicyRule{a}); ok {
			out = append(out, a)
		}
	}
	return out
}

func sharedSubjects(a, b []rbacv1.Subject) []rbacv1.Subject {
	var out []rbacv1.Subject
	for _, s := range a {
		for _, t := range b {
			if s == t {
				out = append(out, s)
				break
			}
		}
	}
	return out
}

func sharedSelectors(a, b *rbacv1.AggregationRule) *rbacv1.AggregationRule {
	if a == nil || b == nil {
		return nil
	}
	var sel []metav1.LabelSelector
	for _, s := range a.ClusterRoleSelectors {
		for _, t := range b.ClusterRoleSelectors {
			if reflect.DeepEqual(s, t) {
				sel = append(sel, s)
				break
			}
		}
	}
	return &rbacv1.AggregationRule{ClusterRoleSelectors: sel}
}
