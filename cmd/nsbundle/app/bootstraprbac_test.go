package app

import (
	"archive/tar"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

const samplesDir = "../../../samples/"

// docRefs returns "Kind namespace/name" of each document of a YAML stream,
// and fails on a document that holds what a cluster adds.
func docRefs(t *testing.T, stream string) []string {
	t.Helper()
	if stream == "" {
		return nil
	}
	var out []string
	for _, doc := range strings.Split(strings.TrimPrefix(stream, "---\n"), "\n---\n") {
		var o struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Metadata   map[string]any
		}
		if err := yaml.Unmarshal([]byte(doc), &o); err != nil {
			t.Fatalf("%v\n%s", err, doc)
		}
		if o.APIVersion != "rbac.authorization.k8s.io/v1" {
			t.Errorf("apiVersion %q", o.APIVersion)
		}
		for _, k := range []string{"resourceVersion", "uid", "creationTimestamp", "managedFields"} {
			if _, ok := o.Metadata[k]; ok {
				t.Errorf("%s %v has metadata.%s", o.Kind, o.Metadata["name"], k)
			}
		}
		ref := o.Kind + " "
		if ns, ok := o.Metadata["namespace"].(string); ok {
			ref += ns + "/"
		}
		out = append(out, ref+o.Metadata["name"].(string))
	}
	return out
}

// extract unpacks a sample into a temporary directory and returns the
// bundle's folder, after edit (if not nil) has changed it.
func extract(t *testing.T, sample string, edit func(dir string)) string {
	t.Helper()
	f, err := os.Open(samplesDir + sample + ".tgz")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag != tar.TypeReg || !filepath.IsLocal(h.Name) {
			continue
		}
		p := filepath.Join(dir, h.Name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	root := filepath.Join(dir, sample)
	if edit != nil {
		edit(root)
	}
	return root
}

func rewrite(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s does not hold %q", path, old)
	}
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(string(b), old, new)), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestBootstrapRBAC(t *testing.T) {
	t.Parallel()
	const kcmRole, kcmBinding = "ClusterRole system:kube-controller-manager", "ClusterRoleBinding system:kube-controller-manager"
	noRoleBindings := func(t *testing.T) string {
		return extract(t, "rbac-deleted-binding", func(dir string) {
			if err := os.Remove(filepath.Join(dir, "resources/rbac.authorization.k8s.io/v1/rolebindings.json")); err != nil {
				t.Fatal(err)
			}
		})
	}
	unknownVersion := func(t *testing.T) string {
		return extract(t, "rbac-deleted-binding", func(dir string) {
			rewrite(t, filepath.Join(dir, "manifest.json"), `"v1.37.2"`, `"v1.99.0"`)
			rewrite(t, filepath.Join(dir, "health/version.json"), `"v1.37.2"`, `"v1.99.0"`)
		})
	}
	tests := []struct {
		name   string
		args   []string
		bundle func(t *testing.T) string // replaces "BUNDLE" in args
		code   int
		want   []string // objects printed, in order
		stderr string   // substring of stderr ("" = stderr empty)
	}{
		{name: "objects", args: []string{"--version", "v1.37", "clusterrole/system:kube-controller-manager", "ClusterRoleBinding/system:kube-controller-manager"},
			want: []string{kcmRole, kcmBinding}},
		{name: "version 1.37", args: []string{"--version", "1.37", "clusterrole/system:kube-controller-manager"}, want: []string{kcmRole}},
		{name: "version v1.37.2", args: []string{"--version", "v1.37.2", "clusterrole/system:kube-controller-manager"}, want: []string{kcmRole}},
		{name: "namespaced, inline", args: []string{"--version", "v1.37", "role/kube-system/extension-apiserver-authentication-reader"},
			want: []string{"Role kube-system/extension-apiserver-authentication-reader"}},
		{name: "namespaced, -n", args: []string{"--version", "v1.37", "-n", "kube-system", "rolebinding/system::leader-locking-kube-controller-manager"},
			want: []string{"RoleBinding kube-system/system::leader-locking-kube-controller-manager"}},
		{name: "older version", args: []string{"--version", "v1.24", "clusterrolebinding/system:discovery"}, want: []string{"ClusterRoleBinding system:discovery"}},
		{name: "unknown version", args: []string{"--version", "v1.38", "clusterrole/admin"}, code: ExitUsage,
			stderr: `no bootstrap RBAC policy for Kubernetes "v1.38": the embedded versions are v1.24 to v1.37`},
		{name: "unknown object", args: []string{"--version", "v1.37", "clusterrole/admin", "clusterrole/nope"}, code: ExitUsage,
			stderr: "not in the bootstrap policy of v1.37.2: clusterrole/nope"},
		{name: "role without namespace", args: []string{"--version", "v1.37", "role/extension-apiserver-authentication-reader"}, code: ExitUsage,
			stderr: "needs a namespace"},
		{name: "bad kind", args: []string{"--version", "v1.37", "secret/x"}, code: ExitUsage, stderr: `unknown kind "secret"`},
		{name: "no version", args: []string{"clusterrole/admin"}, code: ExitUsage, stderr: "needs --version"},
		{name: "nothing asked", args: []string{"--version", "v1.37"}, code: ExitUsage, stderr: "needs objects"},
		{name: "objects and --from", args: []string{"--from", "x.tgz", "clusterrole/admin"}, code: ExitUsage, stderr: "not both"},

		{name: "from deleted ClusterRole", args: []string{"--from", samplesDir + "rbac-deleted-clusterrole.tgz"},
			want: []string{kcmRole}, stderr: "1 bootstrap RBAC object missing or reduced"},
		{name: "from deleted binding: the binding, not the role", args: []string{"--from", samplesDir + "rbac-deleted-binding.tgz"},
			want: []string{kcmBinding}, stderr: "pipe it to kubectl auth reconcile -f -"},
		{name: "from deleted discovery bindings", args: []string{"--from", samplesDir + "rbac-deleted-discovery.tgz"},
			want: []string{kcmRole, "ClusterRoleBinding system:discovery", "ClusterRoleBinding system:public-info-viewer"}, stderr: "3 bootstrap RBAC objects"},
		{name: "from healthy", args: []string{"--from", samplesDir + "healthy.tgz"}, stderr: "nothing to restore"},
		{name: "from an older --version", args: []string{"--from", samplesDir + "healthy.tgz", "--version", "v1.36"},
			stderr: "comparing with the policy of v1.36"},
		{name: "from a bundle without RoleBindings", args: []string{"--from", "BUNDLE"}, bundle: noRoleBindings, code: ExitFailure,
			stderr: "RBAC lists are incomplete, so what is missing cannot be told: rolebindings.rbac.authorization.k8s.io (not collected)"},
		{name: "from an unknown version", args: []string{"--from", "BUNDLE"}, bundle: unknownVersion, code: ExitFailure,
			stderr: "cluster version v1.99.0 (embedded: v1.24 to v1.37): give --version"},
		{name: "from an unknown version, --version given", args: []string{"--from", "BUNDLE", "--version", "v1.37"}, bundle: unknownVersion,
			want: []string{kcmBinding}, stderr: "the bundle's cluster is v1.99.0"},
		{name: "from, unknown --version", args: []string{"--from", samplesDir + "healthy.tgz", "--version", "v1.12"}, code: ExitUsage,
			stderr: `"v1.12"`},
		{name: "from a missing file", args: []string{"--from", "/nonexistent/b.tgz"}, code: ExitUnreadable, stderr: "no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{"bootstrap-rbac"}, tt.args...)
			if tt.bundle != nil {
				b := tt.bundle(t)
				for i := range args {
					if args[i] == "BUNDLE" {
						args[i] = b
					}
				}
			}
			code, stdout, stderr := run(t, "nsbundle", args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tt.code, stderr)
			}
			if got := docRefs(t, stdout); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("printed %v, want %v", got, tt.want)
			}
			if tt.stderr == "" && stderr != "" {
				t.Errorf("stderr %q, want nothing", stderr)
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr %q lacks %q", stderr, tt.stderr)
			}
			if tt.code != ExitOK && (strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "Error: ")) {
				t.Errorf("failure is not one Error: line on stderr: %q", stderr)
			}
			if tt.code != ExitOK && stdout != "" {
				t.Errorf("stdout on failure: %q", stdout)
			}
		})
	}
}

// TestBootstrapRBACStdin: --from - reads the bundle from standard input.
func TestBootstrapRBACStdin(t *testing.T) {
	t.Parallel()
	f, err := os.Open(samplesDir + "rbac-deleted-binding.tgz")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	var out, errOut strings.Builder
	code := Run(t.Context(), Streams{In: f, Out: &out, ErrOut: &errOut}, "nsbundle", []string{"bootstrap-rbac", "--from", "-"})
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if got := docRefs(t, out.String()); !reflect.DeepEqual(got, []string{"ClusterRoleBinding system:kube-controller-manager"}) {
		t.Errorf("printed %v", got)
	}
}

// TestFixCommandMatchesFrom: the bootstrap-rbac command an RBAC finding's
// fix prints, run as written, prints the same objects as --from on the same
// bundle: exactly what the bundle lacks.
func TestFixCommandMatchesFrom(t *testing.T) {
	t.Parallel()
	for _, sample := range []string{"rbac-deleted-clusterrole", "rbac-deleted-binding", "rbac-deleted-discovery"} {
		t.Run(sample, func(t *testing.T) {
			t.Parallel()
			path := samplesDir + sample + ".tgz"
			code, out, stderr := run(t, "nsbundle", "analyze", "-o", "json", path)
			if code != ExitFindings {
				t.Fatalf("analyze: exit %d: %s", code, stderr)
			}
			var rep struct{ Findings []struct{ Fix string } }
			if err := yaml.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatal(err)
			}
			var cmds [][]string
			for _, f := range rep.Findings {
				for _, l := range strings.Split(f.Fix, "\n") {
					if rest, ok := strings.CutPrefix(l, "  nsbundle bootstrap-rbac "); ok {
						args, pipe, _ := strings.Cut(rest, " | ")
						if pipe != "kubectl auth reconcile -f -" {
							t.Errorf("fix command %q is not piped to kubectl auth reconcile -f -", l)
						}
						cmds = append(cmds, strings.Fields(args))
					}
				}
			}
			if len(cmds) != 1 {
				t.Fatalf("%d bootstrap-rbac commands in the fixes, want 1: %+v", len(cmds), rep.Findings)
			}
			code, fixOut, stderr := run(t, "nsbundle", append([]string{"bootstrap-rbac"}, cmds[0]...)...)
			if code != ExitOK {
				t.Fatalf("bootstrap-rbac %v: exit %d: %s", cmds[0], code, stderr)
			}
			_, fromOut, _ := run(t, "nsbundle", "bootstrap-rbac", "--from", path)
			got, want := docRefs(t, fixOut), docRefs(t, fromOut)
			sort.Strings(got)
			sort.Strings(want)
			if len(want) == 0 || !reflect.DeepEqual(got, want) {
				t.Errorf("the fix's command prints %v, --from prints %v", got, want)
			}
		})
	}
}
