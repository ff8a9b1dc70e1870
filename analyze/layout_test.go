package analyze_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/rules"
	"github.com/nsbundle/nsbundle/bundle"
)

const nsList = `{"kind":"NamespaceList","apiVersion":"v1","items":[{"metadata":{"name":"default"},"status":{"phase":"Active"}}]}`

// writeTree writes name -> content under a new directory.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// writeTgz writes name -> content as a .tgz, in name order.
func writeTgz(t *testing.T, files map[string]string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if err := tw.WriteHeader(&tar.Header{Name: n, Mode: 0o600, Size: int64(len(files[n])), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(files[n]))
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	p := filepath.Join(t.TempDir(), "b.tgz")
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAnalyzeTroubleshootClusterResourcesOnly(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"cluster-resources/namespaces.json":   nsList,
		"cluster-resources/pods/default.json": `{"kind":"PodList","apiVersion":"v1","items":[]}`,
	}
	for name, p := range map[string]string{"folder": writeTree(t, files), "tgz": writeTgz(t, files)} {
		t.Run(name, func(t *testing.T) {
			rep, err := analyze.Analyze(p, analyze.Options{Limits: bundle.DefaultLimits(), Rules: rules.All()})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Bundle.Layout != "troubleshoot" {
				t.Errorf("layout %q, want troubleshoot", rep.Bundle.Layout)
			}
			if !strings.Contains(strings.Join(rep.Checked, "; "), "1 namespace") {
				t.Errorf("checked %q, want the namespace read", rep.Checked)
			}
		})
	}
}

// TestAnalyzeClusterInfoDumpUnderFolder: `kubectl cluster-info dump
// --output-directory=cluster-info`, as a folder or tarred, is read as a
// dump (it was "nothing in it could be read as cluster data").
func TestAnalyzeClusterInfoDumpUnderFolder(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"cluster-info/nodes.json":                  `{"kind":"NodeList","apiVersion":"v1","items":[{"metadata":{"name":"node-a"}}]}`,
		"cluster-info/kube-system/pods.json":       `{"kind":"PodList","apiVersion":"v1","items":[{"metadata":{"name":"etcd-a","namespace":"kube-system"}}]}`,
		"cluster-info/kube-system/etcd-a/logs.txt": "started\n",
		"cluster-info/default/services.json":       `{"kind":"ServiceList","apiVersion":"v1","items":[]}`,
	}
	for name, p := range map[string]string{"folder": writeTree(t, files), "tgz": writeTgz(t, files)} {
		t.Run(name, func(t *testing.T) {
			rep, err := analyze.Analyze(p, analyze.Options{Limits: bundle.DefaultLimits(), Rules: rules.All()})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Bundle.Layout != "cluster-info-dump" {
				t.Errorf("layout %q, want cluster-info-dump", rep.Bundle.Layout)
			}
		})
	}
}
