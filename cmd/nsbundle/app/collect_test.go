package app

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nsbundle/nsbundle/analyze/bootstrap"
	"github.com/nsbundle/nsbundle/bundle"
	"github.com/nsbundle/nsbundle/collect/collecttest"
)

// bootstrapRBAC serves the bootstrap RBAC policy of v1.37.2, the fake's
// version, so a healthy cluster has no RBAC finding.
func bootstrapRBAC(t testing.TB) []collecttest.Option {
	t.Helper()
	p, err := bootstrap.Exact("v1.37.2")
	if err != nil {
		t.Fatal(err)
	}
	resource := map[string]string{bootstrap.KindClusterRole: "clusterroles", bootstrap.KindClusterRoleBinding: "clusterrolebindings",
		bootstrap.KindRole: "roles", bootstrap.KindRoleBinding: "rolebindings"}
	var opts []collecttest.Option
	for _, o := range p.Objects {
		b, err := json.Marshal(o.Manifest())
		if err != nil {
			t.Fatal(err)
		}
		var obj map[string]any
		if err := json.Unmarshal(b, &obj); err != nil {
			t.Fatal(err)
		}
		opts = append(opts, collecttest.Objects("rbac.authorization.k8s.io/v1/"+resource[o.Kind], obj))
	}
	return opts
}

// healthyServer serves a cluster where every request succeeds and the
// analyzer finds nothing.
func healthyServer(t testing.TB, opts ...collecttest.Option) *collecttest.Server {
	t.Helper()
	return collecttest.NewServer(t, append(append(collecttest.HealthyCluster(), bootstrapRBAC(t)...), opts...)...)
}

// progressLine is one line of collect's progress on stderr.
var progressLine = regexp.MustCompile(`^(identity|discovery|resources|terminating|logs|write) \d+/\d+ `)

// checkProgress checks every stderr line is progress, the last one the
// bundle written, and there is no error or warning.
func checkProgress(t *testing.T, stderr, path string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	for _, l := range lines {
		if !progressLine.MatchString(l) {
			t.Errorf("stderr line is not progress: %q", l)
		}
	}
	if last := lines[len(lines)-1]; last != "write 1/1 "+path {
		t.Errorf("last stderr line %q, want the bundle written", last)
	}
}

// checkNothingLeft checks dir holds exactly the names given.
func checkNothingLeft(t *testing.T, dir string, want ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("%s holds %q, want %q", dir, got, want)
	}
}

func TestCollectComplete(t *testing.T) {
	t.Parallel()
	s := healthyServer(t)
	out := filepath.Join(t.TempDir(), "b.tgz")
	code, stdout, stderr := run(t, "nsbundle", "collect", "--kubeconfig", s.Kubeconfig(t), "-o", out)
	if code != ExitOK {
		t.Fatalf("exit %d, want %d; stderr %s", code, ExitOK, stderr)
	}
	if stdout != out+"\n" {
		t.Errorf("stdout %q, want the path alone", stdout)
	}
	checkProgress(t, stderr, out)
	fi, err := os.Stat(out)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("bundle: %v %v", fi, err)
	}
	m, err := bundle.ReadManifest(out, bundle.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if m.Cluster.Context != collecttest.ContextName || m.Cluster.Server != s.URL || m.Cluster.GitVersion != "v1.37.2" ||
		m.Tool.Name != "nsbundle" || m.CollectedBy.Username != "alice" || m.Totals.FailedRequests != 0 || m.Totals.Requests < 30 {
		t.Errorf("manifest: cluster %+v, tool %+v, by %+v, totals %+v", m.Cluster, m.Tool, m.CollectedBy, m.Totals)
	}
	for _, r := range s.Requests() {
		if !strings.HasPrefix(r, "GET ") && r != "POST "+collecttest.SelfSubjectReviewPath {
			t.Errorf("collect sent %s", r)
		}
	}

	// -q: the same, nothing on stderr.
	quiet := filepath.Join(t.TempDir(), "q.tgz")
	code, stdout, stderr = run(t, "nsbundle", "collect", "-q", "--kubeconfig", s.Kubeconfig(t), "-o", quiet)
	if code != ExitOK || stdout != quiet+"\n" || stderr != "" {
		t.Errorf("-q: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// TestCollectDefaultName: without -o the bundle is named for the context
// and the time, in the current directory. Not parallel: it changes
// directory.
func TestCollectDefaultName(t *testing.T) {
	s := healthyServer(t)
	kc := s.Kubeconfig(t)
	dir := t.TempDir()
	t.Chdir(dir)
	code, stdout, stderr := run(t, "nsbundle", "collect", "-q", "--kubeconfig", kc, "--zstd")
	if code != ExitOK {
		t.Fatalf("exit %d; stderr %s", code, stderr)
	}
	name := strings.TrimSuffix(stdout, "\n")
	if !regexp.MustCompile(`^nsbundle-fake-\d{8}T\d{6}Z\.tar\.zst$`).MatchString(name) {
		t.Errorf("stdout %q, want nsbundle-fake-<UTC time>.tar.zst", stdout)
	}
	checkNothingLeft(t, dir, name)
	if _, err := bundle.ReadManifest(filepath.Join(dir, name), bundle.DefaultLimits()); err != nil {
		t.Error(err)
	}
}

// TestCollectToStdout: -o - writes the bundle, and only the bundle, to
// standard output.
func TestCollectToStdout(t *testing.T) {
	t.Parallel()
	s := healthyServer(t)
	code, stdout, stderr := run(t, "nsbundle", "collect", "--kubeconfig", s.Kubeconfig(t), "-o", "-")
	if code != ExitOK {
		t.Fatalf("exit %d; stderr %s", code, stderr)
	}
	if !strings.HasPrefix(stdout, "\x1f\x8b") {
		t.Fatalf("stdout is not a gzip stream: %.20q", stdout)
	}
	m, err := bundle.ReadManifestReader("stdout", strings.NewReader(stdout), bundle.DefaultLimits())
	if err != nil || m.Totals.FailedRequests != 0 {
		t.Fatalf("bundle on stdout: %v %+v", err, m)
	}
	if !strings.Contains(stderr, "write 1/1 -\n") || strings.Contains(stderr, "Error") {
		t.Errorf("stderr %q", stderr)
	}
}

// TestCollectFails: no bundle is written, exit 1, one error line, and
// nothing is left behind.
func TestCollectFails(t *testing.T) {
	t.Parallel()
	s := healthyServer(t)
	kc := s.Kubeconfig(t)
	refused := collecttest.WriteKubeconfig(t, collecttest.RefusedURL(t), s.CA())
	unauthorized := collecttest.NewServer(t, collecttest.Fail(collecttest.AnyPath, 401, "Unauthorized")).Kubeconfig(t)
	cases := []struct {
		name   string
		args   func(dir string) []string
		stderr string // regexp of the one stderr line, after "Error: "
	}{
		{"output exists", func(dir string) []string { return []string{"--kubeconfig", kc, "-o", filepath.Join(dir, "old.tgz")} },
			`collect: create bundle: .*/old.tgz already exists \(use force to overwrite\) \(no bundle written\)`},
		{"output directory is a file", func(dir string) []string {
			return []string{"--kubeconfig", kc, "-o", filepath.Join(dir, "old.tgz", "b.tgz")}
		}, `collect: create bundle: cannot write in [^ ]*/old.tgz: not a directory \(no bundle written\)`},
		{"output directory missing", func(dir string) []string {
			return []string{"--kubeconfig", kc, "-o", filepath.Join(dir, "nope", "b.tgz")}
		}, `collect: create bundle: cannot write in [^ ]*/nope: no such file or directory \(no bundle written\)`},
		{"connection refused", func(dir string) []string { return []string{"--kubeconfig", refused, "-o", filepath.Join(dir, "b.tgz")} },
			`collect: nothing could be collected from https://127\.0\.0\.1:\d+: all \d+ requests failed, e.g. /version: Get "https://127\.0\.0\.1:\d+/version": dial tcp 127\.0\.0\.1:\d+: connect: connection refused \(no bundle written\)`},
		{"unauthorized", func(dir string) []string {
			return []string{"--kubeconfig", unauthorized, "-o", filepath.Join(dir, "b.tgz")}
		},
			`collect: nothing could be collected from https://127\.0\.0\.1:\d+: all \d+ requests failed, e.g. /version: unauthorized \(401\) \(no bundle written\)`},
		{"refused to stdout", func(dir string) []string { return []string{"--kubeconfig", refused, "-o", "-"} },
			`collect: nothing could be collected from .* \(no bundle written\)`},
		{"no kubeconfig", func(dir string) []string { return []string{"--kubeconfig", filepath.Join(dir, "none")} },
			`loading kubeconfig: stat .*/none: no such file or directory`},
		{"unknown context", func(dir string) []string { return []string{"--kubeconfig", kc, "--context", "prod"} },
			`loading kubeconfig: context "prod" does not exist`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "old.tgz"), []byte("keep"), 0o600); err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := run(t, "nsbundle", append([]string{"collect", "-q"}, tc.args(dir)...)...)
			if code != ExitFailure {
				t.Errorf("exit %d, want %d", code, ExitFailure)
			}
			if !regexp.MustCompile(`^Error: ` + tc.stderr + "\n$").MatchString(stderr) {
				t.Errorf("stderr %q\nwant one line matching %q", stderr, tc.stderr)
			}
			if stdout != "" {
				t.Errorf("stdout %.100q, want nothing", stdout)
			}
			checkNothingLeft(t, dir, "old.tgz")
			if b, _ := os.ReadFile(filepath.Join(dir, "old.tgz")); string(b) != "keep" {
				t.Errorf("old.tgz changed: %.20q", b)
			}
		})
	}

	// --force overwrites.
	dir := t.TempDir()
	old := filepath.Join(dir, "old.tgz")
	if err := os.WriteFile(old, []byte("keep"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, "nsbundle", "collect", "-q", "--force", "--kubeconfig", kc, "-o", old); code != ExitOK {
		t.Fatalf("--force: exit %d, stderr %s", code, stderr)
	}
	if _, err := bundle.ReadManifest(old, bundle.DefaultLimits()); err != nil {
		t.Errorf("--force: %v", err)
	}
	checkNothingLeft(t, dir, "old.tgz")
}

// TestCollectUsage: bad flags and arguments exit 2 with one error, before
// any request.
func TestCollectUsage(t *testing.T) {
	t.Parallel()
	s := healthyServer(t)
	kc := s.Kubeconfig(t)
	cases := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"argument", []string{"extra"}, `unknown command "extra" for "nsbundle collect"`},
		{"unknown flag", []string{"--frobnicate"}, "unknown flag: --frobnicate"},
		{"bad duration", []string{"--timeout", "soon"}, `invalid argument "soon" for "--timeout" flag`},
		{"zero timeout", []string{"--timeout", "0s"}, "--timeout must be positive, got 0s"},
		{"negative since", []string{"--since", "-1h"}, "--since must not be negative, got -1h0m0s"},
		{"zero concurrency", []string{"--concurrency", "0"}, "concurrency must be positive, got 0"},
		{"bad page size", []string{"--page-size", "-1"}, "page size must be positive, got -1"},
		{"bad namespace", []string{"--namespaces", "a/b"}, `invalid namespace "a/b"`},
		{"log without path", []string{"--log", "kcm"}, "want NAME=PATH"},
		{"log twice", []string{"--log", "kcm=/a", "--log", "kcm=/b"}, `--log name "kcm" given twice`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			args := append([]string{"collect", "--kubeconfig", kc, "-o", filepath.Join(dir, "b.tgz")}, tc.args...)
			code, stdout, stderr := run(t, "nsbundle", args...)
			if code != ExitUsage {
				t.Errorf("exit %d, want %d", code, ExitUsage)
			}
			if !strings.HasPrefix(stderr, "Error: ") || !strings.Contains(stderr, tc.stderr) || strings.Count(stderr, "Error:") != 1 || stdout != "" {
				t.Errorf("stdout %q, stderr %q; want one error with %q", stdout, stderr, tc.stderr)
			}
			checkNothingLeft(t, dir)
		})
	}
	if n := len(s.Requests()); n != 0 {
		t.Errorf("%d requests sent for bad usage", n)
	}
}

// TestCollectNoSecretValues: the command's bundle holds no Secret or
// ConfigMap value of the broken cluster.
func TestCollectNoSecretValues(t *testing.T) {
	t.Parallel()
	s := collecttest.NewServer(t, collecttest.BrokenCluster(1)...)
	var out bytes.Buffer
	code, stdout, _ := run(t, "nsbundle", "collect", "-q", "--kubeconfig", s.Kubeconfig(t), "-o", "-")
	out.WriteString(stdout)
	if code != ExitPartial {
		t.Fatalf("exit %d, want %d", code, ExitPartial)
	}
	var found []string
	err := bundle.WalkReader("stdout", &out, bundle.DefaultLimits(), func(e *bundle.Entry) error {
		data, err := e.ReadAll()
		if err != nil {
			return err
		}
		for _, v := range []string{collecttest.PlantedSecret, collecttest.PlantedConfig} {
			if bytes.Contains(data, []byte(v)) {
				found = append(found, e.Name)
			}
		}
		return nil
	})
	if err != nil || len(found) > 0 {
		t.Errorf("walk: %v; planted values in %q", err, found)
	}
}

// TestCollectPartial: a bundle with failed requests is written and named on
// stdout, exit 5; stderr warns with what failed, and is no error.
func TestCollectPartial(t *testing.T) {
	t.Parallel()
	s := collecttest.NewServer(t, collecttest.BrokenCluster(1)...)
	const failed = `discovery metrics.k8s.io/v1beta1: the server is currently unable to handle the request (503); ` +
		`logs monitoring/webhook-0/hook: not found (404); terminating stuck: widgets.example.com: conversion webhook for example.com/v1, ` +
		`Kind=Widget failed: Post "https://conv.stuck.svc:443/convert?timeout=30s": service "conv" not found (500)` + "\n"
	out := filepath.Join(t.TempDir(), "b.tgz")
	cases := []struct {
		name, output, stdout, warning string
	}{
		{"file", out, out + "\n", "Warning: partial bundle " + out + ": " + failed},
		{"stdout", "-", "", "Warning: partial bundle (written to standard output): " + failed},
	}
	for _, tc := range cases {
		code, stdout, stderr := run(t, "nsbundle", "collect", "-q", "--kubeconfig", s.Kubeconfig(t), "-o", tc.output)
		if code != ExitPartial {
			t.Errorf("%s: exit %d, want %d", tc.name, code, ExitPartial)
		}
		if stderr != tc.warning {
			t.Errorf("%s: stderr\n%q\nwant\n%q", tc.name, stderr, tc.warning)
		}
		if tc.output == "-" {
			stdout = ""
		}
		if stdout != tc.stdout {
			t.Errorf("%s: stdout %q, want %q", tc.name, stdout, tc.stdout)
		}
	}
	many := collecttest.NewServer(t, append(collecttest.BrokenCluster(1),
		collecttest.Forbidden("secrets", "configmaps", "events", "leases", "roles", "rolebindings"))...)
	code, _, stderr := run(t, "nsbundle", "collect", "-q", "--kubeconfig", many.Kubeconfig(t), "-o", filepath.Join(t.TempDir(), "m.tgz"))
	if !regexp.MustCompile(`^Warning: partial bundle [^:]*/m\.tgz: ([^;]+; ){5}and \d+ more \(see manifest\.json\)\n$`).MatchString(stderr) || code != ExitPartial {
		t.Errorf("many failures: exit %d, stderr %q", code, stderr)
	}
	m, err := bundle.ReadManifest(out, bundle.DefaultLimits())
	if err != nil || m.Totals.FailedRequests != 4 { // and /readyz, whose 500 is evidence
		t.Errorf("partial bundle: %v, totals %+v", err, m.Totals)
	}
}

// TestCollectInterrupted: a cancelled run (Ctrl-C) writes nothing and
// exits 1, for collect and diagnose.
func TestCollectInterrupted(t *testing.T) {
	t.Parallel()
	s := healthyServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, cmd := range []string{"collect", "diagnose"} {
		dir := t.TempDir()
		args := []string{cmd, "-q", "--kubeconfig", s.Kubeconfig(t)}
		if cmd == "collect" {
			args = append(args, "-o", filepath.Join(dir, "b.tgz"))
		}
		var out, errOut bytes.Buffer
		code := Run(ctx, Streams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}, "nsbundle", args)
		if code != ExitFailure || out.Len() != 0 || errOut.String() != "Error: interrupted: no bundle written\n" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", cmd, code, out.String(), errOut.String())
		}
		checkNothingLeft(t, dir)
	}
}
