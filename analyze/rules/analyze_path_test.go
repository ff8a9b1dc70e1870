package rules_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/rules"
)

// TestAnalyzePath reads the same bundle as a directory and as a .tgz with
// one top folder, through analyze.Analyze, and expects what analyze.Run
// finds on the files in memory.
func TestAnalyzePath(t *testing.T) {
	t.Parallel()
	f := healthy()
	discoveryFails(f, msgStale)
	metricsAvailable(f, "False", "FailedDiscoveryCheck", msgNoRoute)
	noRoute(f)
	f.files[pCCMLog] = lineCCMDenied + "\n"
	files := f.render(t)
	want := analyzeFx(t, f)

	dir := filepath.Join(t.TempDir(), "bundle")
	var names []string
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	sort.Strings(names)
	// manifest.json first, as the collector writes it.
	for i, n := range names {
		if n == "manifest.json" {
			names[0], names[i] = names[i], names[0]
		}
	}
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, n := range names {
		if err := tw.WriteHeader(&tar.Header{Name: "nsbundle-20261123-051000/" + n, Mode: 0o644, Size: int64(len(files[n])), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(files[n])); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	tgz := filepath.Join(t.TempDir(), "bundle.tgz")
	if err := os.WriteFile(tgz, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	for _, path := range []string{dir, tgz} {
		r, err := analyze.Analyze(path, analyze.Options{Rules: rules.All()})
		if err != nil {
			t.Fatalf("Analyze(%s): %v", path, err)
		}
		if r.Bundle.Path != path || r.Bundle.Layout != "nsbundle" {
			t.Errorf("%s: bundle info %+v", path, r.Bundle)
		}
		got, _ := json.Marshal(r.Findings)
		exp, _ := json.Marshal(want.Findings)
		if !bytes.Equal(got, exp) {
			t.Errorf("%s: findings differ from the in-memory run:\n%s\nwant\n%s", path, dumpFindings(r.Findings), dumpFindings(want.Findings))
		}
		if len(r.Findings) != 1 || r.Findings[0].ID != "NSB-CCM-001" {
			t.Errorf("%s: findings\n%s", path, dumpFindings(r.Findings))
		}
	}
	if _, err := analyze.Analyze(filepath.Join(t.TempDir(), "absent.tgz"), analyze.Options{Rules: rules.All()}); err == nil {
		t.Errorf("absent bundle: no error")
	}
}
