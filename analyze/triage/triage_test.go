package triage

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/nsbundle/nsbundle/analyze"
)

func pod(name string) analyze.Ref {
	return analyze.Ref{Kind: analyze.KindPod, Namespace: "kube-system", Name: name}
}

func finding(ns string, root analyze.Ref, rule string) analyze.Finding {
	sym := analyze.Ref{Kind: analyze.KindNamespace, Name: ns}
	return analyze.Finding{ID: rule, Signature: analyze.Signature(rule, root), Symptom: sym,
		RootCause: analyze.RootCause{Ref: root},
		Chain:     []analyze.Link{{Ref: sym, Rule: "NSB-NS-001"}, {Ref: root, Rule: rule}}}
}

func TestRunGroups(t *testing.T) {
	t.Parallel()
	reports := map[string]*analyze.Report{
		"a.tgz": {Bundle: analyze.BundleInfo{CollectedAt: "2026-11-23T09:00:00Z"}, Findings: []analyze.Finding{
			finding("analytics", pod("metrics-server-7d9f6c-abcde"), "NSB-POD-001"),
			finding("reporting", pod("metrics-server-7d9f6c-abcde"), "NSB-POD-001"), // same bundle, same cause: counts once
		}},
		"b.tgz": {Bundle: analyze.BundleInfo{CollectedAt: "2026-11-21T09:00:00Z"}, Findings: []analyze.Finding{
			finding("reporting", pod("metrics-server-5b8cd9b74f-5mj9p"), "NSB-POD-001"),
			finding("batch", analyze.Ref{Kind: analyze.KindNode, Name: "ip-10-0-129-220.ec2.internal"}, "NSB-NODE-001"),
		}},
		"c.tgz": {Bundle: analyze.BundleInfo{CollectedAt: "2026-11-22T09:00:00Z"}, Findings: []analyze.Finding{
			finding("jobs", analyze.Ref{Kind: analyze.KindNode, Name: "worker-2"}, "NSB-NODE-001"),
		}},
		"healthy.tgz": {Findings: []analyze.Finding{}},
	}
	uids := map[string]string{"a.tgz": "u1", "b.tgz": "u2", "c.tgz": "u2"}
	an := func(p string) (*analyze.Report, string, error) {
		if r, ok := reports[p]; ok {
			return r, uids[p], nil
		}
		return nil, "", errors.New(p + ": not a bundle")
	}
	res := Run([]string{"a.tgz", "garbage.tgz", "b.tgz", "c.tgz", "healthy.tgz"}, an, Options{Workers: 3})
	want := []Group{
		{Signature: "NSB-NODE-001 Node/<node>", Count: 2, Bundles: []string{"b.tgz", "c.tgz"}, Clusters: []string{"u2"},
			First: "2026-11-21T09:00:00Z", Last: "2026-11-22T09:00:00Z", Chain: []string{"Node/<node>"}},
		{Signature: "NSB-POD-001 Pod/metrics-server-<hash>-<id>", Count: 2, Bundles: []string{"a.tgz", "b.tgz"}, Clusters: []string{"u1", "u2"},
			First: "2026-11-21T09:00:00Z", Last: "2026-11-23T09:00:00Z", Chain: []string{"Pod/kube-system/metrics-server-<hash>-<id>"}},
	}
	// The namespaces differ, so the common chain is the root alone.
	if !reflect.DeepEqual(res.Groups, want) {
		t.Errorf("groups:\n got %+v\nwant %+v", res.Groups, want)
	}
	if w := []Unreadable{{Path: "garbage.tgz", Error: "garbage.tgz: not a bundle"}}; !reflect.DeepEqual(res.Unreadable, w) {
		t.Errorf("unreadable = %+v, want %+v", res.Unreadable, w)
	}
	if len(res.Bundles) != 5 || res.Bundles[1].Path != "garbage.tgz" || len(res.Bundles[0].Findings) != 2 {
		t.Errorf("bundles not in the order given, with their findings: %+v", res.Bundles)
	}
}

// TestRunLargeAlone: a large bundle never runs beside another; small ones
// run Workers at a time.
func TestRunLargeAlone(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var paths []string
	for i, n := range []int{10, 10, 10, 5000, 10, 10, 5000, 10, 10, 10} {
		p := filepath.Join(dir, string(rune('a'+i))+".tgz")
		if err := os.WriteFile(p, make([]byte, n), 0o600); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	var mu sync.Mutex
	running, maxRunning, largeBeside := 0, 0, false
	large := map[string]bool{paths[3]: true, paths[6]: true}
	largeRunning := false
	an := func(p string) (*analyze.Report, string, error) {
		mu.Lock()
		running++
		maxRunning = max(maxRunning, running)
		if large[p] {
			largeRunning = true
		}
		if largeRunning && running > 1 {
			largeBeside = true
		}
		mu.Unlock()
		time.Sleep(5 * time.Millisecond)
		mu.Lock()
		running--
		if large[p] {
			largeRunning = false
		}
		mu.Unlock()
		return &analyze.Report{}, "", nil
	}
	var calls []int
	Run(paths, an, Options{Workers: 3, LargeBytes: 1000, Progress: func(done, total int) { calls = append(calls, done) }})
	if largeBeside {
		t.Error("a large bundle ran beside another")
	}
	if maxRunning != 3 {
		t.Errorf("at most %d ran at once, want 3", maxRunning)
	}
	if len(calls) != len(paths) || calls[len(calls)-1] != len(paths) {
		t.Errorf("progress calls %v", calls)
	}
}

func TestPaths(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, f := range []string{"t/2/b.tgz", "t/1/a.tar.zst", "t/notes.txt", "x/resources/core/v1/pods.json"} {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// A folder of links: to an archive (followed), to a directory and
	// dangling (not).
	links := filepath.Join(dir, "links")
	if err := os.MkdirAll(links, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{"c.tgz": "../t/2/b.tgz", "d.tgz": "../t", "e.tgz": "../gone.tgz"} {
		if err := os.Symlink(target, filepath.Join(links, name)); err != nil {
			t.Fatal(err)
		}
	}
	got := Paths([]string{filepath.Join(dir, "t"), filepath.Join(dir, "x"), "missing.tgz", links})
	want := []string{filepath.Join(dir, "t/1/a.tar.zst"), filepath.Join(dir, "t/2/b.tgz"), filepath.Join(dir, "x"), "missing.tgz", filepath.Join(links, "c.tgz")}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Paths = %q, want %q", got, want)
	}
}

// TestRunChainNamespaces: a link every chain has, in namespaces that differ
// from cluster to cluster (a webhook's Service), stays in the group's chain
// in <namespace>; the symptom namespaces, other names, drop out.
func TestRunChainNamespaces(t *testing.T) {
	t.Parallel()
	svc := func(ns string) analyze.Ref {
		return analyze.Ref{Kind: analyze.KindService, Namespace: ns, Name: "policy-webhook"}
	}
	reports := map[string]*analyze.Report{
		"a.tgz": {Findings: []analyze.Finding{finding("frontend", svc("webhook-system"), "NSB-WH-001")}},
		"b.tgz": {Findings: []analyze.Finding{finding("cart-qa", svc("security"), "NSB-WH-001")}},
		"c.tgz": {Findings: []analyze.Finding{finding("web-dev", svc("security"), "NSB-WH-001")}},
	}
	an := func(p string) (*analyze.Report, string, error) { return reports[p], "", nil }
	for _, paths := range [][]string{{"a.tgz", "b.tgz", "c.tgz"}, {"b.tgz", "c.tgz"}} {
		want := "Service/<namespace>/policy-webhook"
		if len(paths) == 2 {
			want = "Service/security/policy-webhook"
		}
		res := Run(paths, an, Options{Workers: 1})
		if len(res.Groups) != 1 || !reflect.DeepEqual(res.Groups[0].Chain, []string{want}) {
			t.Errorf("%v: groups %+v, want one with chain [%s]", paths, res.Groups, want)
		}
	}
}
