package app

import (
	"bytes"
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the README's generated sections")

// run executes the command line in-process and captures its streams.
func run(t *testing.T, bin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Run(context.Background(), Streams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}, bin, args)
	return code, out.String(), errOut.String()
}

const foreign = "../../../../shared/fixtures/foreign/"

func TestExitCodes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.tgz")
	if err := os.WriteFile(garbage, []byte("not a bundle at all"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name      string
		args      []string
		code      int
		stderrHas string
	}{
		{"no args", []string{"analyze"}, ExitUsage, "needs exactly 1 argument"},
		{"bad format", []string{"analyze", "-o", "xml", garbage}, ExitUsage, `unknown output format "xml"`},
		{"unknown flag", []string{"analyze", "--frobnicate", garbage}, ExitUsage, "unknown flag"},
		{"missing file", []string{"analyze", filepath.Join(dir, "nope.tgz")}, ExitUnreadable, "no such file or directory"},
		{"garbage", []string{"analyze", garbage}, ExitUnreadable, "not a bundle"},
		{"collect bad log", []string{"collect", "--log", "nopath"}, ExitUsage, "want NAME=PATH"},
		{"version", []string{"version"}, ExitOK, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := run(t, "nsbundle", tc.args...)
			if code != tc.code {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tc.code, stderr)
			}
			if !strings.Contains(stderr, tc.stderrHas) {
				t.Errorf("stderr %q does not contain %q", stderr, tc.stderrHas)
			}
			if tc.stderrHas != "" && strings.Count(stderr, "Error:") != 1 {
				t.Errorf("error not shown exactly once: %q", stderr)
			}
		})
	}
}

func TestAnalyzeForeignBundles(t *testing.T) {
	t.Parallel()
	ts := foreign + "troubleshoot-support-bundle-missing-endpoints.tar.gz"
	if _, err := os.Stat(ts); err != nil {
		t.Skip("foreign fixtures not present:", err)
	}
	code, out, stderr := run(t, "nsbundle", "analyze", "-o", "json", ts)
	if code != ExitFindings {
		t.Fatalf("troubleshoot bundle: exit %d, want %d; stderr %s", code, ExitFindings, stderr)
	}
	for _, want := range []string{`"layout": "troubleshoot"`, `"name": "analytics"`, `"name": "metrics.k8s.io/v1beta1"`, `"kind": "MissingEvidence"`, "APIService objects are not part of a troubleshoot bundle"} {
		if !strings.Contains(out, want) {
			t.Errorf("troubleshoot analysis lacks %s", want)
		}
	}
	code, out, _ = run(t, "nsbundle", "analyze", "-o", "json", foreign+"cluster-info-dump-missing-endpoints.tgz")
	if code != ExitOK {
		t.Fatalf("cluster-info dump: exit %d, want %d (nothing can be concluded from it)", code, ExitOK)
	}
	for _, want := range []string{`"layout": "cluster-info-dump"`, "holds no Namespace objects", "holds no APIService objects"} {
		if !strings.Contains(out, want) {
			t.Errorf("cluster-info dump analysis lacks %s", want)
		}
	}
}

func TestPluginName(t *testing.T) {
	t.Parallel()
	_, out, _ := run(t, "kubectl-nsbundle", "--help")
	if !strings.Contains(out, "kubectl nsbundle collect") {
		t.Errorf("help as a kubectl plugin does not say \"kubectl nsbundle collect\":\n%s", out)
	}
	if testing.Short() {
		return
	}
	// The real binary, invoked under the plugin name.
	bin := filepath.Join(t.TempDir(), "kubectl-nsbundle")
	if out, err := exec.Command("go", "build", "-o", bin, "..").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	got, err := exec.Command(bin, "analyze", "--help").CombinedOutput()
	if err != nil {
		t.Fatalf("%s analyze --help: %v", bin, err)
	}
	if !strings.Contains(string(got), "kubectl nsbundle analyze bundle.tgz") {
		t.Errorf("plugin binary help does not use the plugin name:\n%s", got)
	}
}
