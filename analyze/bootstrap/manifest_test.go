package bootstrap

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"
)

// splitDocs splits a multi-document YAML stream written by WriteYAML.
func splitDocs(t *testing.T, s string) []string {
	t.Helper()
	if s == "" {
		return nil
	}
	if !strings.HasPrefix(s, "---\n") {
		t.Fatalf("stream does not start with ---: %.80q", s)
	}
	return strings.Split(strings.TrimPrefix(s, "---\n"), "\n---\n")
}

// parseManifest decodes one document into the rbacv1 type of its kind.
func parseManifest(t *testing.T, doc string) runtime.Object {
	t.Helper()
	var tm struct{ APIVersion, Kind string }
	if err := yaml.Unmarshal([]byte(doc), &tm); err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	if tm.APIVersion != APIVersion {
		t.Errorf("apiVersion %q, want %q", tm.APIVersion, APIVersion)
	}
	var obj runtime.Object
	switch tm.Kind {
	case KindClusterRole:
		obj = &rbacv1.ClusterRole{}
	case KindClusterRoleBinding:
		obj = &rbacv1.ClusterRoleBinding{}
	case KindRole:
		obj = &rbacv1.Role{}
	case KindRoleBinding:
		obj = &rbacv1.RoleBinding{}
	default:
		t.Fatalf("kind %q\n%s", tm.Kind, doc)
	}
	if err := yaml.UnmarshalStrict([]byte(doc), obj); err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	return obj
}

// TestManifestRoundTrip writes every object of every embedded policy, parses
// the stream back into rbacv1 types and wants the policy's object: same
// kind, metadata, rules, aggregation, roleRef and subjects, and nothing a
// cluster adds (resourceVersion, uid, creationTimestamp, status).
func TestManifestRoundTrip(t *testing.T) {
	t.Parallel()
	for _, minor := range Versions() {
		p, err := load(minor)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(p.GitVersion, func(t *testing.T) {
			t.Parallel()
			var items []Item
			for _, o := range p.Objects {
				items = append(items, Item{Object: o, Comment: "test: " + o.Ref().Describe()})
			}
			var out bytes.Buffer
			if err := WriteYAML(&out, items); err != nil {
				t.Fatal(err)
			}
			for _, bad := range []string{"resourceVersion", "uid:", "creationTimestamp", "status:", "featureGated", "gatedRules", "rulesWithoutGates", "managedFields"} {
				if strings.Contains(out.String(), bad) {
					t.Errorf("output holds %q", bad)
				}
			}
			docs := splitDocs(t, out.String())
			if len(docs) != len(p.Objects) {
				t.Fatalf("%d documents, want %d", len(docs), len(p.Objects))
			}
			for i, doc := range docs {
				o := p.Objects[i]
				if !strings.HasPrefix(doc, "# test: "+o.Ref().Describe()+"\n") {
					t.Errorf("document %d does not start with its comment: %.100q", i, doc)
				}
				got := parseManifest(t, doc)
				if want := o.Manifest(); !reflect.DeepEqual(got, want) {
					t.Errorf("%v: parsed back\n%#v\nwant\n%#v", o.Ref(), got, want)
				}
				checkFields(t, o, got)
			}
		})
	}
}

// checkFields compares a parsed object with the policy object field by
// field, so that a Manifest that dropped something fails too.
func checkFields(t *testing.T, o Object, got runtime.Object) {
	t.Helper()
	type fields struct {
		Kind, Namespace, Name string
		Labels, Annotations   map[string]string
		Rules                 []rbacv1.PolicyRule
		Aggregation           *rbacv1.AggregationRule
		RoleRef               *rbacv1.RoleRef
		Subjects              []rbacv1.Subject
	}
	want := fields{o.Kind, o.Namespace, o.Name, o.Labels, o.Annotations, o.Rules, o.AggregationRule, o.RoleRef, o.Subjects}
	var g fields
	switch x := got.(type) {
	case *rbacv1.ClusterRole:
		g = fields{x.Kind, x.Namespace, x.Name, x.Labels, x.Annotations, x.Rules, x.AggregationRule, nil, nil}
	case *rbacv1.Role:
		g = fields{x.Kind, x.Namespace, x.Name, x.Labels, x.Annotations, x.Rules, nil, nil, nil}
	case *rbacv1.ClusterRoleBinding:
		g = fields{x.Kind, x.Namespace, x.Name, x.Labels, x.Annotations, nil, nil, &x.RoleRef, x.Subjects}
	case *rbacv1.RoleBinding:
		g = fields{x.Kind, x.Namespace, x.Name, x.Labels, x.Annotations, nil, nil, &x.RoleRef, x.Subjects}
	}
	if len(g.Rules) == 0 && len(want.Rules) == 0 {
		g.Rules, want.Rules = nil, nil
	}
	if !reflect.DeepEqual(g, want) {
		t.Errorf("%v: fields\n%+v\nwant\n%+v", o.Ref(), g, want)
	}
}

// TestManifestIsACopy: changing what Manifest returns leaves the cached
// policy alone.
func TestManifestIsACopy(t *testing.T) {
	t.Parallel()
	p := mustPolicy(t)
	ref := Ref{Kind: KindClusterRole, Name: "system:kube-controller-manager"}
	o, _ := p.Get(ref)
	m := o.Manifest().(*rbacv1.ClusterRole)
	m.Rules[0].Verbs[0] = "changed"
	m.Labels["x"] = "y"
	again, _ := mustPolicy(t).Get(ref)
	if again.Rules[0].Verbs[0] == "changed" || again.Labels["x"] == "y" {
		t.Error("Manifest shares its slices or maps with the policy")
	}
}

func TestParseRef(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, ns string
		want   Ref
		err    string
	}{
		{in: "clusterrole/system:kube-controller-manager", want: Ref{Kind: KindClusterRole, Name: "system:kube-controller-manager"}},
		{in: "ClusterRole/admin", want: Ref{Kind: KindClusterRole, Name: "admin"}},
		{in: "CLUSTERROLEBINDINGS/system:discovery", want: Ref{Kind: KindClusterRoleBinding, Name: "system:discovery"}},
		{in: "clusterrole.rbac.authorization.k8s.io/edit", want: Ref{Kind: KindClusterRole, Name: "edit"}},
		{in: "clusterrole/admin", ns: "kube-system", want: Ref{Kind: KindClusterRole, Name: "admin"}},
		{in: "role/kube-system/extension-apiserver-authentication-reader", want: Ref{Kind: KindRole, Namespace: "kube-system", Name: "extension-apiserver-authentication-reader"}},
		{in: "Role/extension-apiserver-authentication-reader", ns: "kube-system", want: Ref{Kind: KindRole, Namespace: "kube-system", Name: "extension-apiserver-authentication-reader"}},
		{in: "rolebinding/kube-public/system:controller:bootstrap-signer", ns: "kube-system", want: Ref{Kind: KindRoleBinding, Namespace: "kube-public", Name: "system:controller:bootstrap-signer"}},
		{in: "role/extension-apiserver-authentication-reader", err: "needs a namespace"},
		{in: "clusterrole/kube-system/admin", err: "has no namespace"},
		{in: "configmap/x", err: `unknown kind "configmap"`},
		{in: "clusterrole", err: "want KIND/NAME"},
		{in: "system:kube-controller-manager", err: "want KIND/NAME"},
		{in: "role/a/b/c", err: "want KIND/NAME"},
		{in: "clusterrole/", err: "empty"},
		{in: "role//x", err: "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseRef(tt.in, tt.ns)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("ParseRef(%q) = %v, %v; want error with %q", tt.in, got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseRef(%q, %q) = %v, %v; want %v", tt.in, tt.ns, got, err, tt.want)
			}
			if back, err := ParseRef(got.Arg(), ""); err != nil || back != got {
				t.Errorf("ParseRef(%q.Arg() = %q) = %v, %v", tt.in, got.Arg(), back, err)
			}
		})
	}
}

func TestExact(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want string // GitVersion prefix; "" for an error
	}{
		{"v1.37", "v1.37."},
		{"1.37", "v1.37."},
		{"v1.37.2", "v1.37."},
		{"v1.37.0", "v1.37."},
		{"v1.24", "v1.24."},
		{"v1.33.5-gke.1080000", "v1.33."},
		{"1.31.2+k3s1", "v1.31."},
		{"v1.38", ""},
		{"v1.23.17", ""},
		{"v1.3", ""},
		{"1.37abc", ""},
		{"v1.37.x", ""},
		{"v2.37", ""},
		{"latest", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := Exact(tt.in)
			if tt.want == "" {
				var ue *UnknownVersionError
				if !errors.As(err, &ue) {
					t.Fatalf("Exact(%q) = %v, %v; want an UnknownVersionError", tt.in, p, err)
				}
				if msg := err.Error(); !strings.Contains(msg, "v1.24 to v1.37") || !strings.Contains(msg, tt.in) {
					t.Errorf("error %q does not name the version and the embedded ones", msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(p.GitVersion, tt.want) || p.Note != "" {
				t.Errorf("Exact(%q) = %q (note %q), want %q...", tt.in, p.GitVersion, p.Note, tt.want)
			}
		})
	}
}

func TestSelect(t *testing.T) {
	t.Parallel()
	p := mustPolicy(t)
	role := Ref{Kind: KindClusterRole, Name: "system:kube-controller-manager"}
	binding := Ref{Kind: KindClusterRoleBinding, Name: "system:kube-controller-manager"}
	reader := Ref{Kind: KindRole, Namespace: "kube-system", Name: "extension-apiserver-authentication-reader"}
	tests := []struct {
		name string
		refs []Ref
		want []Ref
		err  string
	}{
		{name: "in the order given", refs: []Ref{binding, role, reader}, want: []Ref{binding, role, reader}},
		{name: "duplicates once", refs: []Ref{role, role, binding}, want: []Ref{role, binding}},
		{name: "unknown names all", refs: []Ref{role, {Kind: KindClusterRole, Name: "nope"}, {Kind: KindRole, Namespace: "default", Name: "extension-apiserver-authentication-reader"}},
			err: "not in the bootstrap policy of v1.37.2: clusterrole/nope, role/default/extension-apiserver-authentication-reader"},
		{name: "kind matters", refs: []Ref{{Kind: KindClusterRoleBinding, Name: "admin"}}, err: "clusterrolebinding/admin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := Select(p, tt.refs)
			if tt.err != "" {
				var ue *UnknownObjectError
				if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("Select = %v, %v; want UnknownObjectError with %q", items, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := itemRefs(items); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("refs %v, want %v", got, tt.want)
			}
			for _, it := range items {
				if want := "requested: " + it.Object.Ref().Describe() + " (bootstrap policy of v1.37.2)"; it.Comment != want {
					t.Errorf("comment %q, want %q", it.Comment, want)
				}
			}
		})
	}
}

func itemRefs(items []Item) []Ref {
	var out []Ref
	for _, it := range items {
		out = append(out, it.Object.Ref())
	}
	return out
}

func TestRestorable(t *testing.T) {
	t.Parallel()
	p := mustPolicy(t)
	kcmRole := Ref{Kind: KindClusterRole, Name: "system:kube-controller-manager"}
	kcmBinding := Ref{Kind: KindClusterRoleBinding, Name: "system:kube-controller-manager"}
	discovery := Ref{Kind: KindClusterRoleBinding, Name: "system:discovery"}
	leader := Ref{Kind: KindRoleBinding, Namespace: "kube-system", Name: "system::leader-locking-kube-controller-manager"}
	gated := Ref{Kind: KindClusterRole, Name: "system:controller:device-taint-eviction-controller"}
	tests := []struct {
		name     string
		mutate   []func(*Actual)
		want     []Ref
		comments []string // substrings of each item's comment
		skipped  []string // substrings of each skipped reason
	}{
		{name: "untouched"},
		{name: "deleted ClusterRoleBinding gives the binding, not the role", mutate: []func(*Actual){deleteObject(kcmBinding)},
			want: []Ref{kcmBinding}, comments: []string{"missing in the bundle: ClusterRoleBinding system:kube-controller-manager (bootstrap policy of v1.37.2)"}},
		{name: "deleted ClusterRole gives the role", mutate: []func(*Actual){deleteObject(kcmRole)},
			want: []Ref{kcmRole}, comments: []string{"missing in the bundle: ClusterRole system:kube-controller-manager"}},
		{name: "several deleted, policy order", mutate: []func(*Actual){deleteObject(discovery), deleteObject(kcmRole)},
			want: []Ref{kcmRole, discovery}},
		{name: "reduced rules give the full role", mutate: []func(*Actual){dropRule(kcmRole.Name, "serviceaccounts")},
			want: []Ref{kcmRole}, comments: []string{"rules reduced in the bundle ("}},
		{name: "lost subject", mutate: []func(*Actual){func(a *Actual) { clusterRoleBinding(a, discovery.Name).Subjects = nil }},
			want: []Ref{discovery}, comments: []string{"subjects reduced in the bundle (1 missing)"}},
		{name: "roleRef changed", mutate: []func(*Actual){func(a *Actual) {
			for i := range a.RoleBindings {
				if a.RoleBindings[i].Name == leader.Name {
					a.RoleBindings[i].RoleRef.Name = "other"
				}
			}
		}}, want: []Ref{leader}, comments: []string{"roleRef changed in the bundle (now Role other; reconcile recreates the binding)"}},
		{name: "protected and reduced: skipped, reconcile would not touch it",
			mutate:  []func(*Actual){dropRule(kcmRole.Name, "serviceaccounts"), setAnnotation(kcmRole.Name, "false")},
			skipped: []string{`autoupdate: "false"`}},
		{name: "protected but intact: nothing", mutate: []func(*Actual){setAnnotation(kcmRole.Name, "false")}},
		{name: "feature-gated object missing: skipped", mutate: []func(*Actual){deleteObject(gated)},
			skipped: []string{"default-on feature gates"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, skipped := Restorable(p, Compare(p, mutate(p, tt.mutate...)))
			if got := itemRefs(items); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("items %v, want %v (skipped %v)", got, tt.want, skipped)
			}
			for i, c := range tt.comments {
				if !strings.Contains(items[i].Comment, c) {
					t.Errorf("comment %q lacks %q", items[i].Comment, c)
				}
			}
			if len(skipped) != len(tt.skipped) {
				t.Fatalf("skipped %v, want %d", skipped, len(tt.skipped))
			}
			for i, s := range tt.skipped {
				if !strings.Contains(skipped[i].Reason, s) {
					t.Errorf("skipped reason %q lacks %q", skipped[i].Reason, s)
				}
			}
			// The full bootstrap object, not only what is missing.
			for _, it := range items {
				if want, _ := p.Get(it.Object.Ref()); !reflect.DeepEqual(it.Object, want) {
					t.Errorf("%v is not the policy's object", it.Object.Ref())
				}
			}
		})
	}
}

func TestWriteYAMLEmpty(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := WriteYAML(&b, nil); err != nil || b.Len() != 0 {
		t.Errorf("WriteYAML(nil) wrote %q, %v", b.String(), err)
	}
}
