package app

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/nsbundle/nsbundle/samples/synth"
)

// TestGoldenTriage triages every committed sample (samples/ and
// samples/v1.30/) in each format against testdata/triage/*.golden.
func TestGoldenTriage(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"table", "json", "jsonl"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			code, out, stderr := run(t, "nsbundle", "triage", "-o", format, "../../../samples")
			if code != ExitFindings {
				t.Fatalf("exit %d, want %d; stderr %q", code, ExitFindings, stderr)
			}
			if stderr != "" {
				t.Errorf("stderr %q, want nothing (not a terminal)", stderr)
			}
			assertGoldenFile(t, filepath.Join("testdata", "triage", "samples."+format+".golden"), out)
		})
	}
}

// TestTriagePlanted: the committed samples plus generated bundles of the
// planted causes under varied names (each seed names its pods, nodes and
// clusters differently) and an unreadable file group into exactly the
// planted causes.
func TestTriagePlanted(t *testing.T) {
	t.Parallel()
	n := 6
	if !testing.Short() {
		n = 24
	}
	dir := t.TempDir()
	for seed := 1; seed <= n; seed++ {
		p := filepath.Join(dir, fmt.Sprintf("synth-%02d.tgz", seed))
		if _, err := synth.Generate(p, synth.Options{Size: synth.Sizes["tiny"], Seed: uint64(seed)}); err != nil {
			t.Fatal(err)
		}
	}
	garbage := filepath.Join(dir, "garbage.tgz")
	if err := os.WriteFile(garbage, []byte("not a bundle"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := run(t, "nsbundle", "triage", "-o", "json", "--parallel", "2", "../../../samples", dir)
	if code != ExitFindings {
		t.Fatalf("exit %d, want %d; stderr %q", code, ExitFindings, stderr)
	}
	var res struct {
		Groups []struct {
			Signature string   `json:"signature"`
			Count     int      `json:"count"`
			Bundles   []string `json:"bundles"`
			Clusters  []string `json:"clusters"`
		} `json:"groups"`
		Unreadable []struct{ Path, Error string } `json:"unreadable"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	pods := map[string]bool{}
	for _, g := range res.Groups {
		got[g.Signature] = g.Count
		if g.Signature == "NSB-POD-001 Pod/metrics-server-<hash>-<id>" && len(g.Clusters) != g.Count {
			t.Errorf("%s: %d clusters for %d bundles, want one each", g.Signature, len(g.Clusters), g.Count)
		}
	}
	// Each seed names the crash-looping metrics-server pod differently.
	for seed := 1; seed <= 2; seed++ {
		_, o, _ := run(t, "nsbundle", "analyze", "-o", "json", filepath.Join(dir, fmt.Sprintf("synth-%02d.tgz", seed)))
		var rep struct {
			Findings []struct{ RootCause struct{ Name string } } `json:"findings"`
		}
		if err := json.Unmarshal([]byte(o), &rep); err != nil {
			t.Fatal(err)
		}
		for _, f := range rep.Findings {
			if strings.HasPrefix(f.RootCause.Name, "metrics-server-") {
				pods[f.RootCause.Name] = true
			}
		}
	}
	if len(pods) != 2 {
		t.Errorf("the generated bundles' root pods are not named differently: %v", pods)
	}
	want := map[string]int{
		// Planted in every generated bundle, and in one sample each.
		"NSB-POD-001 Pod/metrics-server-<hash>-<id>":             1 + n,
		"NSB-KCM-002 ClusterRole/system:kube-controller-manager": 2 + n,
		// The samples' own causes.
		"NSB-KCM-002 Component/kube-controller-manager":                 3,
		"NSB-CCM-001 Component/cloud-controller-manager":                2,
		"NSB-KCM-002 ClusterRoleBinding/system:kube-controller-manager": 2,
		"NSB-NS-005 Finalizer/example.com/cleanup":                      2,
		"NSB-APISVC-001 Service/metrics-server":                         1,
		"NSB-CRD-001 Service/widget-converter":                          1,
		"NSB-FIN-001 Finalizer/example.com/protect":                     1,
		"NSB-KCM-002 ClusterRoleBinding/system:discovery":               1,
		"NSB-NODE-001 Node/<node>":                                      1,
		"NSB-WH-001 Service/policy-webhook":                             1,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("groups:\n got %v\nwant %v", got, want)
	}
	if len(res.Unreadable) != 1 || res.Unreadable[0].Path != garbage || !strings.Contains(res.Unreadable[0].Error, "not a bundle") {
		t.Errorf("unreadable = %+v, want only %s", res.Unreadable, garbage)
	}
}

func TestTriageRefusals(t *testing.T) {
	t.Parallel()
	garbage := filepath.Join(t.TempDir(), "garbage.tgz")
	if err := os.WriteFile(garbage, []byte("not a bundle"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		args      []string
		code      int
		stderrHas string
	}{
		{"healthy", []string{"triage", samples + "healthy.tgz"}, ExitOK, ""},
		{"none readable", []string{"triage", garbage}, ExitUnreadable, "Error: none of the 1 bundles could be read"},
		{"no args", []string{"triage"}, ExitUsage, "needs at least one DIR or BUNDLE"},
		{"stdin", []string{"triage", "-"}, ExitUsage, "not standard input"},
		{"parallel 0", []string{"triage", "--parallel", "0", garbage}, ExitUsage, "--parallel must be at least 1"},
		{"bad format", []string{"triage", "-o", "markdown", garbage}, ExitUsage, "allowed formats are table, json, jsonl"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := run(t, "nsbundle", c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d; stderr %q", code, c.code, stderr)
			}
			if !strings.Contains(stderr, c.stderrHas) {
				t.Errorf("stderr %q lacks %q", stderr, c.stderrHas)
			}
		})
	}
}
