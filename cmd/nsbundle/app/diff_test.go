package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const samples = "../../../samples/"

// The committed samples are each collected from a fresh lab cluster: no two
// share a kube-system namespace UID, so comparing two of them needs --force.

// TestGoldenDiff compares committed samples in every diff format against
// testdata/diff/*.golden (make golden rewrites them).
func TestGoldenDiff(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name          string
		before, after string
		force         bool
		code          int
	}{
		// The fix worked: the discovery chain is gone.
		{"fixed", "failed-discovery-check", "healthy", true, ExitOK},
		// A bundle against itself: everything persists.
		{"same", "failed-discovery-check", "failed-discovery-check", false, ExitFindings},
		// Same symptom, other root cause: the Service came back, its pod is not ready.
		{"changed", "service-not-found", "missing-endpoints", true, ExitFindings},
		// Something new after a healthy state.
		{"new", "healthy", "kcm-absent", true, ExitFindings},
	} {
		for _, format := range []string{"table", "json", "markdown"} {
			t.Run(c.name+"/"+format, func(t *testing.T) {
				t.Parallel()
				args := []string{"diff", "-o", format, samples + c.before + ".tgz", samples + c.after + ".tgz"}
				if c.force {
					args = append(args, "--force")
				}
				code, out, stderr := run(t, "nsbundle", args...)
				if code != c.code {
					t.Fatalf("exit %d, want %d; stderr %q", code, c.code, stderr)
				}
				if stderr != "" {
					t.Errorf("stderr %q, want nothing (both bundles have a kube-system UID)", stderr)
				}
				assertDiffGolden(t, c.name+"."+format, out)
			})
		}
	}
}

func assertDiffGolden(t *testing.T, name, got string) {
	t.Helper()
	assertGoldenFile(t, filepath.Join("testdata", "diff", name+".golden"), got)
}

// assertGoldenFile compares got with the file at path (-update writes it).
func assertGoldenFile(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (make golden writes it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (make golden rewrites it); got:\n%s", path, got)
	}
}

func TestDiffJSONShape(t *testing.T) {
	t.Parallel()
	code, out, _ := run(t, "nsbundle", "diff", "-o", "json", samples+"rbac-deleted-clusterrole.tgz", samples+"rbac-deleted-clusterrole.tgz")
	if code != ExitFindings {
		t.Fatalf("exit %d, want %d", code, ExitFindings)
	}
	var res struct {
		Before struct {
			Path       string `json:"path"`
			ClusterUID string `json:"clusterUID"`
		} `json:"before"`
		After  map[string]any `json:"after"`
		Chains []struct {
			Status   string            `json:"status"`
			Before   map[string]any    `json:"before"`
			After    map[string]any    `json:"after"`
			Evidence []json.RawMessage `json:"evidence"`
		} `json:"chains"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.Before.ClusterUID == "" || res.After == nil || len(res.Chains) == 0 {
		t.Fatalf("want before (with clusterUID), after and chains; got %s", out)
	}
	for _, c := range res.Chains {
		if c.Status != "persists" || c.Before["signature"] == nil || c.After["signature"] == nil || len(c.Evidence) == 0 {
			t.Errorf("chain %+v: want persists with both findings (with signatures) and evidence", c)
		}
	}
}

func TestDiffRefusals(t *testing.T) {
	t.Parallel()
	// A bundle without a kube-system namespace: the identity is unknown.
	nokube := t.TempDir()
	if err := os.MkdirAll(filepath.Join(nokube, "resources/core/v1"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(nokube, "resources/core/v1/namespaces.json"),
		[]byte(`{"kind":"NamespaceList","apiVersion":"v1","items":[`+"\n"+`{"metadata":{"name":"default","uid":"d"},"status":{"phase":"Active"}}`+"\n]}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(t.TempDir(), "garbage.tgz")
	if err := os.WriteFile(garbage, []byte("not a bundle"), 0o600); err != nil {
		t.Fatal(err)
	}
	fdc, healthy := samples+"failed-discovery-check.tgz", samples+"healthy.tgz"
	for _, c := range []struct {
		name      string
		args      []string
		code      int
		stderrHas string
		stdout    bool
	}{
		{"different clusters", []string{"diff", fdc, healthy}, ExitDifferentClusters,
			"Error: the bundles are of different clusters: ../../../samples/failed-discovery-check.tgz has kube-system namespace UID cb900c3b-48f0-43ef-9999-dc0f56ef81d3, ../../../samples/healthy.tgz has abe353fc-6842-4052-bbc1-64b27506c6ef (--force compares them anyway)\n", false},
		{"identity unknown", []string{"diff", nokube, fdc}, ExitFindings,
			"Warning: " + nokube + " has no kube-system namespace UID: cannot tell whether both bundles are of one cluster\n", true},
		{"identity unknown, after", []string{"diff", fdc, nokube}, ExitOK,
			"Warning: " + nokube + " has no kube-system namespace UID", true},
		{"unreadable before", []string{"diff", garbage, fdc}, ExitUnreadable, "not a bundle", false},
		{"unreadable after", []string{"diff", fdc, garbage, "--force"}, ExitUnreadable, "not a bundle", false},
		{"missing", []string{"diff", fdc, filepath.Join(nokube, "nope.tgz")}, ExitUnreadable, "no such file or directory", false},
		{"one argument", []string{"diff", fdc}, ExitUsage, "needs exactly 2 arguments", false},
		{"both stdin", []string{"diff", "-", "-"}, ExitUsage, "only one of BEFORE and AFTER", false},
		{"bad format", []string{"diff", "-o", "yaml", fdc, fdc}, ExitUsage, `unknown output format "yaml": allowed formats are table, json, markdown`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			code, out, stderr := run(t, "nsbundle", c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d; stderr %q", code, c.code, stderr)
			}
			if !strings.Contains(stderr, c.stderrHas) {
				t.Errorf("stderr %q lacks %q", stderr, c.stderrHas)
			}
			if (out != "") != c.stdout {
				t.Errorf("stdout %q, want output=%v", out, c.stdout)
			}
		})
	}
}
