package bootstrap

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"
)

// APIVersion is the apiVersion of every object Manifest returns.
const APIVersion = "rbac.authorization.k8s.io/v1"

// Manifest returns o as the API object to hand kube-apiserver (kubectl auth
// reconcile -f, kubectl apply -f): a *rbacv1.ClusterRole,
// *rbacv1.ClusterRoleBinding, *rbacv1.Role or *rbacv1.RoleBinding with
// apiVersion and kind set and, in its metadata, only the name, namespace,
// labels and annotations of the policy: no resourceVersion, uid, timestamps
// or status. A role without rules (an aggregated ClusterRole, whose rules
// kube-controller-manager fills in) has empty, non-nil Rules. The result
// shares nothing with the policy.
func (o Object) Manifest() runtime.Object {
	meta := objectMeta(o)
	tm := func(kind string) metav1.TypeMeta { return metav1.TypeMeta{APIVersion: APIVersion, Kind: kind} }
	rules := o.Rules
	if rules == nil {
		rules = []rbacv1.PolicyRule{}
	}
	switch o.Kind {
	case KindClusterRole:
		return (&rbacv1.ClusterRole{TypeMeta: tm(o.Kind), ObjectMeta: meta, Rules: rules, AggregationRule: o.AggregationRule}).DeepCopy()
	case KindRole:
		return (&rbacv1.Role{TypeMeta: tm(o.Kind), ObjectMeta: meta, Rules: rules}).DeepCopy()
	case KindClusterRoleBinding:
		return (&rbacv1.ClusterRoleBinding{TypeMeta: tm(o.Kind), ObjectMeta: meta, RoleRef: *o.RoleRef, Subjects: o.Subjects}).DeepCopy()
	case KindRoleBinding:
		return (&rbacv1.RoleBinding{TypeMeta: tm(o.Kind), ObjectMeta: meta, RoleRef: *o.RoleRef, Subjects: o.Subjects}).DeepCopy()
	}
	return nil
}

// Item is one bootstrap object to print, and why.
type Item struct {
	Object Object
	// Comment is the YAML comment line printed above the object (without
	// "# "), e.g. "missing in the bundle: ClusterRole
	// system:kube-controller-manager (bootstrap policy of v1.37.2)".
	Comment string
}

// Skipped is a bootstrap object that differs from the policy but that
// Restorable does not print, and why.
type Skipped struct {
	Ref    Ref
	Reason string
}

// UnknownObjectError lists requested objects the policy does not have.
type UnknownObjectError struct {
	Refs []Ref
	// Policy is the GitVersion of the policy searched.
	Policy string
}

func (e *UnknownObjectError) Error() string {
	var names []string
	for _, r := range e.Refs {
		names = append(names, r.Arg())
	}
	return fmt.Sprintf("not in the bootstrap policy of %s: %s", e.Policy, strings.Join(names, ", "))
}

// Select returns the objects refs name, in the order given and once each,
// or an *UnknownObjectError naming every ref the policy lacks.
func Select(p *Policy, refs []Ref) ([]Item, error) {
	var items []Item
	var unknown []Ref
	seen := map[Ref]bool{}
	for _, r := range refs {
		if seen[r] {
			continue
		}
		seen[r] = true
		o, ok := p.Get(r)
		if !ok {
			unknown = append(unknown, r)
			continue
		}
		items = append(items, Item{Object: o, Comment: comment(p, "requested", r)})
	}
	if len(unknown) > 0 {
		return nil, &UnknownObjectError{Refs: unknown, Policy: p.GitVersion}
	}
	return items, nil
}

// Restorable returns, in policy order, the full bootstrap object of every
// object diffs (Compare(p, ...)) show missing or reduced: kubectl auth
// reconcile creates what is missing and adds back missing rules, subjects
// and selectors, and recreates a binding whose roleRef changed. Objects that
// carry autoupdate "false" (reconcile leaves them alone too) and differences
// that depend only on default-on feature gates are returned as skipped.
func Restorable(p *Policy, diffs []Diff) (items []Item, skipped []Skipped) {
	type entry struct {
		whys             []string
		protected, gated bool
		real             bool // a difference not due to feature gates
	}
	var order []Ref
	byRef := map[Ref]*entry{}
	for _, d := range diffs {
		if d.Kind == AutoupdateDisabled {
			continue
		}
		e := byRef[d.Ref]
		if e == nil {
			e = &entry{}
			byRef[d.Ref] = e
			order = append(order, d.Ref)
		}
		e.whys = append(e.whys, diffWhy(d))
		e.protected = e.protected || d.Protected
		e.gated = e.gated || d.FeatureGated
		e.real = e.real || !d.FeatureGated
	}
	for _, r := range order {
		e := byRef[r]
		o, ok := p.Get(r)
		switch {
		case !ok:
			continue
		case e.protected:
			skipped = append(skipped, Skipped{Ref: r, Reason: strings.Join(e.whys, "; ") + `, but it carries ` + AutoupdateKey + `: "false", which kubectl auth reconcile respects too: set it to "true" first`})
		case !e.real:
			skipped = append(skipped, Skipped{Ref: r, Reason: strings.Join(e.whys, "; ") + ", but only what default-on feature gates add: a cluster that turned them off differs so by design (name it to print it anyway)"})
		default:
			items = append(items, Item{Object: o, Comment: comment(p, strings.Join(e.whys, "; "), r)})
		}
	}
	return items, skipped
}

// diffWhy says in a few words how a bundle's object differs.
func diffWhy(d Diff) string {
	switch d.Kind {
	case Missing:
		return "missing in the bundle"
	case RulesReduced:
		return fmt.Sprintf("rules reduced in the bundle (%d missing)", len(d.MissingRules))
	case AggregationReduced:
		return fmt.Sprintf("aggregation selectors reduced in the bundle (%d missing)", len(d.MissingSelectors))
	case SubjectsChanged:
		return fmt.Sprintf("subjects reduced in the bundle (%d missing)", len(d.MissingSubjects))
	case RoleRefChanged:
		got := ""
		if d.GotRoleRef != nil {
			got = " (now " + d.GotRoleRef.Kind + " " + d.GotRoleRef.Name + "; reconcile recreates the binding)"
		}
		return "roleRef changed in the bundle" + got
	}
	return string(d.Kind)
}

func comment(p *Policy, why string, r Ref) string {
	return fmt.Sprintf("%s: %s (bootstrap policy of %s)", why, r.Describe(), p.GitVersion)
}

// WriteYAML writes items as a multi-document YAML stream, each document a
// comment line (Item.Comment) and the object's Manifest, fields sorted as
// kubectl -o yaml sorts them. Nothing is written for no items.
func WriteYAML(w io.Writer, items []Item) error {
	var b bytes.Buffer
	for _, it := range items {
		y, err := yaml.Marshal(it.Object.Manifest())
		if err != nil {
			return fmt.Errorf("%s: %w", it.Object.Ref().Describe(), err)
		}
		b.WriteString("---\n# ")
		b.WriteString(strings.ReplaceAll(it.Comment, "\n", " "))
		b.WriteByte('\n')
		b.Write(y)
	}
	_, err := w.Write(b.Bytes())
	return err
}
