package app

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// TestAnalyzeNeverDials proves analyze needs no network and no kubeconfig:
// every dialer the process could use through the standard library fails the
// test if called, KUBECONFIG and HOME point nowhere, and the analysis still
// succeeds. Not parallel: it swaps process-wide dialers.
func TestAnalyzeNeverDials(t *testing.T) {
	var dials atomic.Int32
	deny := func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		t.Errorf("analyze dialled %s %s", network, addr)
		return nil, errors.New("network denied by test")
	}
	oldTransport, oldResolver := http.DefaultTransport, net.DefaultResolver
	http.DefaultTransport = &http.Transport{DialContext: deny}
	net.DefaultResolver = &net.Resolver{PreferGo: true, Dial: deny}
	t.Cleanup(func() { http.DefaultTransport, net.DefaultResolver = oldTransport, oldResolver })
	t.Setenv("KUBECONFIG", filepath.Join(t.TempDir(), "absent"))
	t.Setenv("HOME", t.TempDir())

	inputs, _ := filepath.Glob("../../../samples/*.tgz")
	inputs = append(inputs, foreign+"troubleshoot-support-bundle-missing-endpoints.tar.gz")
	ran := 0
	for _, in := range inputs {
		code, _, stderr := run(t, "nsbundle", "analyze", "-o", "json", in)
		if code != ExitOK && code != ExitFindings {
			if strings.Contains(stderr, "no such file") {
				continue
			}
			t.Errorf("%s: exit %d: %s", in, code, stderr)
		}
		ran++
	}
	if ran == 0 {
		t.Skip("no bundle to analyze")
	}
	if n := dials.Load(); n != 0 {
		t.Errorf("%d dials", n)
	}
}

// TestAnalyzerImportsNoNetwork keeps the analyzer's own packages free of
// network and cluster-client imports (their dependencies' use of net/http
// for types is checked at run time by TestAnalyzeNeverDials).
func TestAnalyzerImportsNoNetwork(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}: {{join .Imports " "}}`,
		"github.com/nsbundle/nsbundle/analyze/...", "github.com/nsbundle/nsbundle/bundle").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, ": ")
		for _, imp := range strings.Fields(imports) {
			if imp == "net" || imp == "net/http" || imp == "crypto/tls" || strings.HasPrefix(imp, "k8s.io/client-go") || strings.HasPrefix(imp, "k8s.io/cli-runtime") {
				t.Errorf("%s imports %s", pkg, imp)
			}
		}
	}
}
