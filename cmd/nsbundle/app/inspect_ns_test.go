package app

import (
	"strings"
	"testing"
)

// TestInspectNamespaceCoverage: for a layout of one file per namespace,
// inspect says which namespaces a list covers, unless the bundle shows it
// listed in every namespace it has.
func TestInspectNamespaceCoverage(t *testing.T) {
	t.Parallel()
	pods := func(ns string) string {
		return `{"kind":"PodList","apiVersion":"v1","items":[{"metadata":{"name":"p","namespace":"` + ns + `"}}]}`
	}
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"cluster-info dump of two namespaces", map[string]string{
			"default/pods.json": pods("default"), "kube-system/pods.json": pods("kube-system"),
			"nodes.json": `{"kind":"NodeList","apiVersion":"v1","items":[{"metadata":{"name":"n"}}]}`,
		}, "│ pods     │ 2       │ in 2 namespace(s) │ listed in default, kube-system only │"},
		{"troubleshoot, a file for each listed namespace", map[string]string{
			"cluster-resources/namespaces.json":       `{"kind":"NamespaceList","apiVersion":"v1","items":[{"metadata":{"name":"default"}},{"metadata":{"name":"kube-system"}}]}`,
			"cluster-resources/pods/default.json":     pods("default"),
			"cluster-resources/pods/kube-system.json": pods("kube-system"),
		}, "│ pods       │ 2       │ complete │"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeFiles(t, dir, tc.files)
			code, stdout, stderr := run(t, "nsbundle", "inspect", dir)
			if code != ExitOK || !strings.Contains(stdout, tc.want) {
				t.Errorf("exit %d, stderr %q, stdout:\n%s\nwant a line %q", code, stderr, stdout, tc.want)
			}
		})
	}
}
