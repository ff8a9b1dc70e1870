package collect

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"k8s.io/client-go/rest"

	"github.com/nsbundle/nsbundle/bundle"
	"github.com/nsbundle/nsbundle/collect/collecttest"
)

func TestRunNeverOverwrites(t *testing.T) {
	t.Parallel()
	cfg := brokenServer(t, 1).Config()
	o := testOptions(t)
	if err := os.WriteFile(o.Output, []byte("keep"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), cfg, o, nil); err == nil {
		t.Fatal("overwrote an existing bundle")
	}
	if b, _ := os.ReadFile(o.Output); string(b) != "keep" {
		t.Error("existing file changed")
	}
	o.Force = true
	if _, err := Run(context.Background(), cfg, o, nil); err != nil {
		t.Fatalf("with Force: %v", err)
	}
}

func TestRunCancelledLeavesNothing(t *testing.T) {
	t.Parallel()
	cfg := brokenServer(t, 10, collecttest.Throttle("/api/v1/pods", 100)).Config()
	o := testOptions(t)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, err := Run(ctx, cfg, o, nil); err == nil {
		t.Fatal("no error after cancel")
	}
	ents, _ := os.ReadDir(filepath.Dir(o.Output))
	if len(ents) != 0 {
		t.Errorf("left behind: %v", ents)
	}
}

func TestRunDeadlineWritesPartial(t *testing.T) {
	t.Parallel()
	cfg := brokenServer(t, 10, collecttest.Throttle("/api/v1/pods", 100)).Config()
	o := testOptions(t)
	o.Deadline = 2 * time.Second
	res, err := Run(context.Background(), cfg, o, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Complete || !slices.Contains(res.Missing, "collection: stopped at the 2s deadline") {
		t.Errorf("Missing: %q", res.Missing)
	}
	// The throttled request is recorded with its retries: with its last
	// 429, or, when the deadline fell during an attempt (a loaded machine),
	// with the deadline's error.
	req := findRequest(res.Manifest, "/api/v1/pods?limit=500")
	if req == nil || req.Retries == 0 || (req.Status != 429 && !strings.Contains(req.Error, "context deadline exceeded")) {
		t.Errorf("pods request: %+v", req)
	}
}

func TestRunZstd(t *testing.T) {
	t.Parallel()
	o := testOptions(t)
	o.Codec = bundle.CodecZstd
	o.Output = filepath.Join(t.TempDir(), "b.tar.zst")
	res, err := Run(context.Background(), brokenServer(t, 2).Config(), o, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := os.ReadFile(res.Path)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zstd.NewReader(bytes.NewReader(m))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	tr := tar.NewReader(zr)
	h, err := tr.Next()
	if err != nil || h.Name != "b/manifest.json" {
		t.Fatalf("first entry %v %v", h, err)
	}
}

func TestRunExpiredContinue(t *testing.T) {
	t.Parallel()
	cfg := brokenServer(t, 1200, collecttest.ExpireContinue("v1/pods")).Config()
	res, err := Run(context.Background(), cfg, testOptions(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	req := findRequest(res.Manifest, "/api/v1/pods?limit=500")
	if req == nil || req.Error != "" || req.Count != 1203 || req.Pages != 3 {
		t.Errorf("pods request: %+v", req)
	}
	if !slices.ContainsFunc(res.Manifest.Omissions, func(o bundle.Omission) bool {
		return o.What == "consistent snapshot" && o.Scope == "/api/v1/pods"
	}) {
		t.Errorf("omissions: %+v", res.Manifest.Omissions)
	}
}

// TestRunUnreachableServer: when no request succeeds (refused, or every
// answer 401) and no local log was read, nothing is written and the error
// says why; a --log file read makes it a partial bundle.
func TestRunUnreachableServer(t *testing.T) {
	t.Parallel()
	refused := *brokenServer(t, 0).Config() // a config with a CA, then a dead port
	refused.Host = "https://127.0.0.1:1"
	unauthorized := collecttest.NewServer(t, collecttest.Fail(collecttest.AnyPath, 401, "Unauthorized")).Config()
	logFile := filepath.Join(t.TempDir(), "kcm.log")
	if err := os.WriteFile(logFile, []byte("E1123 lost\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		cfg     *rest.Config
		logs    []LogFileSpec
		first   string // the failure the error quotes; "" when a bundle is written
		missing string
	}{
		{"refused", &refused, nil, `/version: Get "https://127.0.0.1:1/version": dial tcp 127.0.0.1:1: connect: connection refused`, ""},
		{"unauthorized", unauthorized, nil, "/version: unauthorized (401)", ""},
		{"refused with a log file", &refused, []LogFileSpec{{Name: "kube-controller-manager", Path: logFile}}, "",
			`/version: Get "https://127.0.0.1:1/version": dial tcp 127.0.0.1:1: connect: connection refused`},
		{"unreadable log file", &refused, []LogFileSpec{{Name: "kube-controller-manager", Path: logFile + ".gone"}},
			`/version: Get "https://127.0.0.1:1/version": dial tcp 127.0.0.1:1: connect: connection refused`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := testOptions(t)
			o.LogFiles = tc.logs
			t0 := time.Now()
			res, err := Run(context.Background(), tc.cfg, o, nil)
			if d := time.Since(t0); d > 10*time.Second {
				t.Errorf("took %v", d)
			}
			if tc.first == "" {
				if err != nil || res.Complete || !slices.Contains(res.Missing, tc.missing) {
					t.Fatalf("err %v, result %+v; want a partial bundle missing %q", err, res, tc.missing)
				}
				return
			}
			var nc *NothingCollectedError
			if !errors.As(err, &nc) || nc.Server != tc.cfg.Host || nc.First != tc.first || nc.Failed < 30 {
				t.Fatalf("err %v (%#v), want a NothingCollectedError quoting %q", err, nc, tc.first)
			}
			if _, serr := os.Lstat(o.Output); !errors.Is(serr, os.ErrNotExist) {
				t.Errorf("%s written: %v", o.Output, serr)
			}
			if ents, _ := os.ReadDir(filepath.Dir(o.Output)); len(ents) != 0 {
				t.Errorf("left behind: %v", ents)
			}
		})
	}
}

func TestRunTimeoutAndReset(t *testing.T) {
	t.Parallel()
	f := brokenServer(t, 3,
		// Events never answer; the timeout leaves the other requests (nodes:
		// three resets and retries) a wide margin on a loaded machine.
		collecttest.Slow("/api/v1/events", time.Minute),
		// Closed connections: Go's transport retries a GET on a reused
		// connection itself; do retries the rest.
		collecttest.Reset("/api/v1/nodes", 3))
	o := testOptions(t)
	o.Timeout = 2 * time.Second
	res, err := Run(context.Background(), f.Config(), o, nil)
	if err != nil {
		t.Fatal(err)
	}
	ev := findRequest(res.Manifest, "/api/v1/events?limit=500")
	if ev == nil || ev.Status != 0 || ev.Error != `Get "`+f.URL+`/api/v1/events?limit=500": context deadline exceeded` {
		t.Errorf("events request: %+v", ev)
	}
	nodes := findRequest(res.Manifest, "/api/v1/nodes?limit=500")
	if nodes == nil || nodes.Status != 200 || nodes.Error != "" || nodes.Count != 1 {
		t.Errorf("nodes request: %+v", nodes)
	}
	if !slices.ContainsFunc(res.Missing, func(s string) bool { return strings.HasPrefix(s, "events: Get ") }) {
		t.Errorf("Missing: %q", res.Missing)
	}
}
