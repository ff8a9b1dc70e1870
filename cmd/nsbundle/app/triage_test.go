package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
