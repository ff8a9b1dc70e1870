package bootstrap

import (
	"reflect"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/component-helpers/auth/rbac/validation"
)

// Actual is the RBAC state found in a bundle.
type Actual struct {
	ClusterRoles        []rbacv1.ClusterRole
	ClusterRoleBindings []rbacv1.ClusterRoleBinding
	Roles               []rbacv1.Role
	RoleBindings        []rbacv1.RoleBinding
}

// DiffKind says how an object differs from the bootstrap policy.
type DiffKind string

// Kinds of difference, from worst to mildest.
const (
	// Missing: the object does not exist. kube-apiserver recreates it at
	// its next start, whatever the autoupdate annotation said.
	Missing DiffKind = "Missing"
	// RoleRefChanged: a binding points at another role. The next start
	// recreates it unless autoupdate is "false".
	RoleRefChanged DiffKind = "RoleRefChanged"
	// RulesReduced: a role no longer covers the bootstrap rules
	// (Diff.MissingRules lists what is missing). Extra rules are fine.
	RulesReduced DiffKind = "RulesReduced"
	// AggregationReduced: an aggregated ClusterRole lost label selectors.
	AggregationReduced DiffKind = "AggregationReduced"
	// SubjectsChanged: a binding lost subjects (Diff.MissingSubjects).
	// Extra subjects are fine.
	SubjectsChanged DiffKind = "SubjectsChanged"
	// AutoupdateDisabled: the object carries autoupdate "false", so
	// kube-apiserver never adds back what is missing from it. Reported for
	// every such object, changed or not; the other diffs of the object then
	// have Protected set.
	AutoupdateDisabled DiffKind = "AutoupdateDisabled"
)

// Diff is one difference between a bundle and the bootstrap policy.
type Diff struct {
	Ref  Ref      `json:"ref"`
	Kind DiffKind `json:"kind"`
	// Protected is true when the object has autoupdate "false": a
	// kube-apiserver restart will not repair this diff.
	Protected bool `json:"protected,omitempty"`
	// FeatureGated is true when the whole difference depends on default-on
	// feature gates (the object, or every missing rule): a cluster that
	// turned such a gate off differs this way by design.
	FeatureGated bool `json:"featureGated,omitempty"`
	// MissingRules are the bootstrap rules (broken down to one verb, group,
	// resource and name each) the object no longer grants.
	MissingRules []rbacv1.PolicyRule `json:"missingRules,omitempty"`
	// MissingSelectors are the aggregation selectors the object lost.
	MissingSelectors []metav1.LabelSelector `json:"missingSelectors,omitempty"`
	// MissingSubjects are the bootstrap subjects the binding lost.
	MissingSubjects []rbacv1.Subject `json:"missingSubjects,omitempty"`
	// WantRoleRef and GotRoleRef are set for RoleRefChanged.
	WantRoleRef *rbacv1.RoleRef `json:"wantRoleRef,omitempty"`
	GotRoleRef  *rbacv1.RoleRef `json:"gotRoleRef,omitempty"`
}

// found is an actual object reduced to what Compare needs.
type found struct {
	annotations map[string]string
	rules       []rbacv1.PolicyRule
	aggregation *rbacv1.AggregationRule
	roleRef     rbacv1.RoleRef
	subjects    []rbacv1.Subject
}

func (a Actual) index() map[Ref]found {
	idx := map[Ref]found{}
	for _, r := range a.ClusterRoles {
		idx[Ref{Kind: KindClusterRole, Name: r.Name}] = found{annotations: r.Annotations, rules: r.Rules, aggregation: r.AggregationRule}
	}
	for _, r := range a.Roles {
		idx[Ref{Kind: KindRole, Namespace: r.Namespace, Name: r.Name}] = found{annotations: r.Annotations, rules: r.Rules}
	}
	for _, b := range a.ClusterRoleBindings {
		idx[Ref{Kind: KindClusterRoleBinding, Name: b.Name}] = found{annotations: b.Annotations, roleRef: b.RoleRef, subjects: b.Subjects}
	}
	for _, b := range a.RoleBindings {
		idx[Ref{Kind: KindRoleBinding, Namespace: b.Namespace, Name: b.Name}] = found{annotations: b.Annotations, roleRef: b.RoleRef, subjects: b.Subjects}
	}
	return idx
}

// Compare reports every bootstrap object of p that is missing from actual
// or no longer grants what the bootstrap policy grants, with the semantics of
// kube-apiserver's reconciler (component-helpers auth/rbac/reconciliation):
// a role is fine when its rules cover the bootstrap rules, a binding when it
// has the same roleRef and at least the bootstrap subjects. Objects not in
// the policy are ignored. Diffs come in policy order. actual must hold every
// object of each kind (a complete list): when the bundle could not list a
// kind, everything of it would come out Missing.
func Compare(p *Policy, actual Actual) []Diff {
	idx := actual.index()
	var diffs []Diff
	for _, want := range p.Objects {
		ref := want.Ref()
		got, ok := idx[ref]
		if !ok {
			diffs = append(diffs, Diff{Ref: ref, Kind: Missing, FeatureGated: want.FeatureGated})
			continue
		}
		protected := got.annotations[AutoupdateKey] == "false"
		var ds []Diff
		switch want.Kind {
		case KindClusterRole, KindRole:
			if ok, missing := validation.Covers(got.rules, want.Rules); !ok {
				ds = append(ds, Diff{Ref: ref, Kind: RulesReduced, MissingRules: missing,
					FeatureGated: want.FeatureGated || (want.GatedRules && noneCovered(want.RulesWithoutGates, missing))})
			}
			if sel := missingSelectors(want.AggregationRule, got.aggregation); len(sel) > 0 {
				ds = append(ds, Diff{Ref: ref, Kind: AggregationReduced, MissingSelectors: sel})
			}
		case KindClusterRoleBinding, KindRoleBinding:
			if got.roleRef != *want.RoleRef {
				w, g := *want.RoleRef, got.roleRef
				ds = append(ds, Diff{Ref: ref, Kind: RoleRefChanged, WantRoleRef: &w, GotRoleRef: &g})
				break
			}
			if missing := missingSubjects(want.Subjects, got.subjects); len(missing) > 0 {
				ds = append(ds, Diff{Ref: ref, Kind: SubjectsChanged, MissingSubjects: missing})
			}
		}
		if protected {
			for i := range ds {
				ds[i].Protected = true
			}
			ds = append(ds, Diff{Ref: ref, Kind: AutoupdateDisabled, Protected: true})
		}
		diffs = append(diffs, ds...)
	}
	return diffs
}

// noneCovered reports whether no rule of missing is covered by rules.
func noneCovered(rules, missing []rbacv1.PolicyRule) bool {
	for _, m := range missing {
		if ok, _ := validation.Covers(rules, []rbacv1.PolicyRule{m}); ok {
			return false
		}
	}
	return true
}

func missingSelectors(want, got *rbacv1.AggregationRule) []metav1.LabelSelector {
	if want == nil {
		return nil
	}
	var out []metav1.LabelSelector
	for _, w := range want.ClusterRoleSelectors {
		found := false
		if got != nil {
			for _, g := range got.ClusterRoleSelectors {
				if reflect.DeepEqual(w, g) {
					found = true
					break
				}
			}
		}
		if !found {
			out = append(out, w)
		}
	}
	return out
}

func missingSubjects(want, got []rbacv1.Subject) []rbacv1.Subject {
	var out []rbacv1.Subject
	for _, w := range want {
		found := false
		for _, g := range got {
			if g == w {
				found = true
				break
			}
		}
		if !found {
			out = append(out, w)
		}
	}
	return out
}

func objectMeta(o Object) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: o.Name, Namespace: o.Namespace, Labels: o.Labels, Annotations: o.Annotations}
}

// materializeAggregation fills the rules of aggregated ClusterRoles that have
// none from the ClusterRoles their selectors match, as the aggregation
// controller of kube-controller-manager does in a cluster. Aggregated roles
// can aggregate each other (edit into admin), so it repeats until nothing
// changes.
func (a *Actual) materializeAggregation() {
	var todo []int
	for i, r := range a.ClusterRoles {
		if r.AggregationRule != nil && len(r.Rules) == 0 {
			todo = append(todo, i)
		}
	}
	for pass := 0; pass < 10; pass++ {
		changed := false
		for _, i := range todo {
			rules := a.aggregate(a.ClusterRoles[i])
			if len(rules) != len(a.ClusterRoles[i].Rules) {
				a.ClusterRoles[i].Rules = rules
				changed = true
			}
		}
		if !changed {
			return
		}
	}
}

func (a *Actual) aggregate(role rbacv1.ClusterRole) []rbacv1.PolicyRule {
	var rules []rbacv1.PolicyRule
	for _, sel := range role.AggregationRule.ClusterRoleSelectors {
		s, err := metav1.LabelSelectorAsSelector(&sel)
		if err != nil {
			continue
		}
		for _, r := range a.ClusterRoles {
			if r.Name == role.Name || !s.Matches(labels.Set(r.Labels)) {
				continue
			}
			for _, rule := range r.Rules {
				if covered, _ := validation.Covers(rules, []rbacv1.PolicyRule{rule}); !covered {
					rules = append(rules, rule)
				}
			}
		}
	}
	return rules
}
