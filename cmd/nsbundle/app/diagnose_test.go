package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nsbundle/nsbundle/bundle"
	"github.com/nsbundle/nsbundle/collect/collecttest"
)

// TestDiagnose runs diagnose against healthy, broken and unreachable fake
// clusters. Not parallel: it points TMPDIR at a directory of its own to
// check diagnose removes its temporary bundle.
func TestDiagnose(t *testing.T) {
	tmp, keepDir := t.TempDir(), t.TempDir()
	untouched := collecttest.NewServer(t, collecttest.BrokenCluster(1)...)
	untouchedConfig := untouched.Kubeconfig(t)
	t.Setenv("TMPDIR", tmp)
	healthy := healthyServer(t).Kubeconfig(t)
	broken := collecttest.NewServer(t, append(collecttest.BrokenCluster(2), bootstrapRBAC(t)...)...).Kubeconfig(t)
	refused := collecttest.WriteKubeconfig(t, collecttest.RefusedURL(t), nil)
	forbidden := collecttest.NewServer(t, append(collecttest.BrokenCluster(2),
		collecttest.Forbidden("secrets", "configmaps", "events", "leases", "roles", "rolebindings"))...).Kubeconfig(t)
	const brokenChain = `[NSB-POD-001] critical  Namespace stuck is stuck Terminating for `
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout []string // substrings
		stderr string   // regexp of the non-progress lines
	}{
		{"healthy", []string{"--kubeconfig", healthy}, ExitOK, []string{"No blocking chains found"}, ``},
		{"healthy json", []string{"--kubeconfig", healthy, "-o", "json"}, ExitOK, []string{`"findings": []`}, ``},
		{"broken", []string{"--kubeconfig", broken}, ExitFindings, []string{
			brokenChain,
			"  → GroupVersion/metrics.k8s.io/v1beta1 — discovery of metrics.k8s.io/v1beta1 fails",
			"  → APIService/v1beta1.metrics.k8s.io — is not available: MissingEndpoints: endpointslices for\n      service/metrics-server",
			"  → Service/kube-system/metrics-server — has no ready endpoints",
			"  Root cause: Pod/kube-system/metrics-server-5f7c9d-abcde",
			"[NSB-NS-003] critical  Namespace stuck is stuck Terminating for ",
		}, `^Warning: partial bundle \(not kept; --keep FILE keeps it\): discovery metrics\.k8s\.io/v1beta1: the server is currently unable to handle the request \(503\); .*\n$`},
		{"many failures", []string{"--kubeconfig", forbidden}, ExitFindings, []string{brokenChain},
			`^Warning: partial bundle \(not kept; --keep FILE keeps it\): ([^;]+; ){5}and \d+ more\n$`},
		{"broken markdown", []string{"--kubeconfig", broken, "-o", "markdown"}, ExitFindings, []string{"```mermaid"}, `^Warning: partial bundle .*\n$`},
		{"refused", []string{"--kubeconfig", refused}, ExitFailure, nil,
			`^Error: collect: nothing could be collected from https://127\.0\.0\.1:\d+: all \d+ requests failed, e\.g\. /version: .*connection refused \(no bundle written\)\n$`},
		{"bad output format", []string{"--kubeconfig", healthy, "-o", "xml"}, ExitUsage, nil, `^Error: invalid argument "xml" for "-o, --output" flag: unknown output format "xml"`},
		{"argument", []string{"--kubeconfig", healthy, "bundle.tgz"}, ExitUsage, nil, `^Error: unknown command "bundle.tgz" for "nsbundle diagnose"\n$`},
		{"bad flag value", []string{"--kubeconfig", healthy, "--concurrency", "0"}, ExitUsage, nil, `^Error: concurrency must be positive, got 0\n$`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := run(t, "nsbundle", append([]string{"diagnose"}, tc.args...)...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr %s", code, tc.code, stderr)
			}
			for _, want := range tc.stdout {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout)
				}
			}
			if tc.stdout == nil && stdout != "" {
				t.Errorf("stdout %.200q, want nothing", stdout)
			}
			var rest strings.Builder
			for _, l := range strings.SplitAfter(stderr, "\n") {
				if l != "" && !progressLine.MatchString(l) {
					rest.WriteString(l)
				}
			}
			if !regexp.MustCompile(tc.stderr).MatchString(rest.String()) || (tc.stderr == "" && rest.Len() > 0) {
				t.Errorf("stderr beyond progress %q\nwant %q", rest.String(), tc.stderr)
			}
			if strings.HasSuffix(tc.name, "json") {
				var v map[string]any
				if err := json.Unmarshal([]byte(stdout), &v); err != nil {
					t.Errorf("-o json: %v", err)
				}
			}
			checkNothingLeft(t, tmp)
		})
	}

	t.Run("quiet", func(t *testing.T) {
		code, stdout, stderr := run(t, "nsbundle", "diagnose", "-q", "--kubeconfig", broken)
		if code != ExitFindings || !strings.Contains(stdout, brokenChain) {
			t.Errorf("exit %d, stdout %.200q", code, stdout)
		}
		if !regexp.MustCompile(`^Warning: partial bundle [^\n]*\n$`).MatchString(stderr) {
			t.Errorf("-q stderr %q, want the warning alone", stderr)
		}
	})

	t.Run("keep", func(t *testing.T) {
		keep := filepath.Join(keepDir, "kept.tgz")
		code, stdout, stderr := run(t, "nsbundle", "diagnose", "-q", "--kubeconfig", broken, "--keep", keep)
		if code != ExitFindings || !strings.Contains(stdout, brokenChain) {
			t.Fatalf("exit %d, stdout %.200q, stderr %s", code, stdout, stderr)
		}
		if !strings.Contains(stderr, "bundle kept in "+keep+"\n") {
			t.Errorf("stderr %q does not name the kept bundle", stderr)
		}
		fi, err := os.Stat(keep)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("kept bundle: %v %v", fi, err)
		}
		code, again, _ := run(t, "nsbundle", "analyze", keep)
		if code != ExitFindings || !strings.Contains(again, brokenChain) {
			t.Errorf("analyze of the kept bundle: exit %d\n%s", code, again)
		}
		if m, err := bundle.ReadManifest(keep, bundle.DefaultLimits()); err != nil || m.Cluster.Context != collecttest.ContextName {
			t.Errorf("kept manifest: %v %+v", err, m)
		}
		if !strings.Contains(stderr, "Warning: partial bundle "+keep+": ") {
			t.Errorf("the warning does not name the kept bundle: %q", stderr)
		}
		if !strings.HasPrefix(stdout, "Bundle: "+keep+" ") {
			t.Errorf("the report does not name the kept bundle: %.200q", stdout)
		}
		checkNothingLeft(t, tmp)
	})

	t.Run("keep exists", func(t *testing.T) {
		keep := filepath.Join(keepDir, "exists.tgz")
		if err := os.WriteFile(keep, []byte("keep"), 0o600); err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := run(t, "nsbundle", "diagnose", "--kubeconfig", untouchedConfig, "--keep", keep)
		if code != ExitFailure || stdout != "" || stderr != "Error: --keep "+keep+": already exists (never overwritten; nothing collected)\n" {
			t.Errorf("exit %d, stdout %.100q, stderr %q", code, stdout, stderr)
		}
		if n := len(untouched.Requests()); n != 0 {
			t.Errorf("%d requests sent before refusing --keep", n)
		}
		if b, _ := os.ReadFile(keep); string(b) != "keep" {
			t.Errorf("%s changed", keep)
		}
		checkNothingLeft(t, tmp)
	})
}
