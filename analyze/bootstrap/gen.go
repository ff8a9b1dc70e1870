//go:build ignore

// Command gen prints the bootstrap RBAC policy of the Kubernetes release it is
// built against, as the JSON that package bootstrap embeds.
//
// It is not built with the project: generate.sh copies it into a scratch
// module that requires k8s.io/kubernetes and runs it there. The objects are
// the ones pkg/registry/rbac/rest/storage_rbac.go reconciles when
// kube-apiserver starts: ClusterRoles() + ControllerRoles(),
// ClusterRoleBindings() + ControllerRoleBindings(), NamespaceRoles() and
// NamespaceRoleBindings().
//
// Usage: go run gen.go <gitVersion>  (JSON on stdout)
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"

	rbacv1 "k8s.io/api/rbac/v1"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/kubernetes/plugin/pkg/auth/authorizer/rbac/bootstrappolicy"
)

// object mirrors bootstrap.Object; the field order is the order in the file.
type object struct {
	Kind            string                  `json:"kind"`
	Namespace       string                  `json:"namespace,omitempty"`
	Name            string                  `json:"name"`
	Labels          map[string]string       `json:"labels,omitempty"`
	Annotations     map[string]string       `json:"annotations,omitempty"`
	AggregationRule *rbacv1.AggregationRule `json:"aggregationRule,omitempty"`
	RoleRef         *rbacv1.RoleRef         `json:"roleRef,omitempty"`
	Subjects        []rbacv1.Subject        `json:"subjects,omitempty"`
	// FeatureGated: absent when every default-on feature gate is off.
	FeatureGated bool `json:"featureGated,omitempty"`
	// GatedRules: some rules depend on feature gates; RulesWithoutGates
	// are the rules when every default-on feature gate is off.
	GatedRules        bool                `json:"gatedRules,omitempty"`
	RulesWithoutGates []rbacv1.PolicyRule `json:"rulesWithoutGates,omitempty"`
	Rules             []rbacv1.PolicyRule `json:"rules,omitempty"`
}

var kindOrder = map[string]int{"ClusterRole": 0, "ClusterRoleBinding": 1, "Role": 2, "RoleBinding": 3}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run gen.go <gitVersion>")
		os.Exit(2)
	}
	objs := collect()
	// Collect again with every default-on feature gate that can be turned
	// off turned off, to mark what depends on gates: a cluster that turns
	// such a gate off lacks these objects or rules for a good reason.
	off := map[string]bool{}
	for f, spec := range utilfeature.DefaultMutableFeatureGate.GetAll() {
		if spec.Default && !spec.LockToDefault {
			off[string(f)] = false
		}
	}
	if err := utilfeature.DefaultMutableFeatureGate.SetFromMap(off); err != nil {
		fmt.Fprintf(os.Stderr, "gen: turning feature gates off: %v\n", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "gen: %d default-on feature gates turned off for the second pass\n", len(off))
	ungated := map[string]object{}
	for _, o := range collect() {
		ungated[o.Kind+"/"+o.Namespace+"/"+o.Name] = o
	}
	for i, o := range objs {
		u, ok := ungated[o.Kind+"/"+o.Namespace+"/"+o.Name]
		switch {
		case !ok:
			objs[i].FeatureGated = true
		case !reflect.DeepEqual(u.Rules, o.Rules):
			objs[i].GatedRules, objs[i].RulesWithoutGates = true, u.Rules
		}
	}
	sort.SliceStable(objs, func(i, j int) bool {
		a, b := objs[i], objs[j]
		if a.Kind != b.Kind {
			return kindOrder[a.Kind] < kindOrder[b.Kind]
		}
		if a.Namespace != b.Namespace {
			return a.Namespace < b.Namespace
		}
		return a.Name < b.Name
	})
	for i := 1; i < len(objs); i++ {
		if objs[i].Kind == objs[i-1].Kind && objs[i].Namespace == objs[i-1].Namespace && objs[i].Name == objs[i-1].Name {
			fmt.Fprintf(os.Stderr, "gen: duplicate %s %s/%s\n", objs[i].Kind, objs[i].Namespace, objs[i].Name)
			os.Exit(1)
		}
	}
	write(objs)
}

// collect returns the bootstrap objects under the current feature gates.
func collect() []object {
	var objs []object
	for _, r := range append(bootstrappolicy.ClusterRoles(), bootstrappolicy.ControllerRoles()...) {
		objs = append(objs, object{Kind: "ClusterRole", Name: r.Name, Labels: r.Labels, Annotations: r.Annotations,
			AggregationRule: r.AggregationRule, Rules: r.Rules})
	}
	for _, b := range append(bootstrappolicy.ClusterRoleBindings(), bootstrappolicy.ControllerRoleBindings()...) {
		ref := b.RoleRef
		objs = append(objs, object{Kind: "ClusterRoleBinding", Name: b.Name, Labels: b.Labels, Annotations: b.Annotations,
			RoleRef: &ref, Subjects: b.Subjects})
	}
	for ns, roles := range bootstrappolicy.NamespaceRoles() {
		for _, r := range roles {
			objs = append(objs, object{Kind: "Role", Namespace: ns, Name: r.Name, Labels: r.Labels, Annotations: r.Annotations,
				Rules: r.Rules})
		}
	}
	for ns, bindings := range bootstrappolicy.NamespaceRoleBindings() {
		for _, b := range bindings {
			ref := b.RoleRef
			objs = append(objs, object{Kind: "RoleBinding", Namespace: ns, Name: b.Name, Labels: b.Labels,
				Annotations: b.Annotations, RoleRef: &ref, Subjects: b.Subjects})
		}
	}
	return objs
}

// write prints objs as JSON on stdout.
func write(objs []object) {
	// One object per line, and one rule per line inside it: valid JSON that
	// diffs well between releases.
	var out bytes.Buffer
	fmt.Fprintf(&out, "{\"gitVersion\":%q,\n\"source\":%q,\n\"objects\":[\n", os.Args[1],
		"k8s.io/kubernetes@"+os.Args[1]+" plugin/pkg/auth/authorizer/rbac/bootstrappolicy")
	for i, o := range objs {
		rules := o.Rules
		o.Rules = nil
		head, err := json.Marshal(o)
		if err != nil {
			fmt.Fprintf(os.Stderr, "gen: %v\n", err)
			os.Exit(1)
		}
		if len(rules) == 0 {
			out.Write(head)
		} else {
			out.Write(head[:len(head)-1])
			out.WriteString(",\"rules\":[")
			for k, r := range rules {
				line, err := json.Marshal(r)
				if err != nil {
					fmt.Fprintf(os.Stderr, "gen: %v\n", err)
					os.Exit(1)
				}
				if k > 0 {
					out.WriteString(",")
				}
				out.WriteString("\n  ")
				out.Write(line)
			}
			out.WriteString("]}")
		}
		if i < len(objs)-1 {
			out.WriteString(",")
		}
		out.WriteString("\n")
	}
	out.WriteString("]}\n")
	if !json.Valid(out.Bytes()) {
		fmt.Fprintln(os.Stderr, "gen: produced invalid JSON")
		os.Exit(1)
	}
	os.Stdout.Write(out.Bytes())
}
