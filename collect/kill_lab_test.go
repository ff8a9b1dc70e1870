package collect

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nsbundle/nsbundle/bundle"
	"github.com/nsbundle/nsbundle/samples/lab"
)

// TestIntegrationCollectKilled runs the real nsbundle binary against the lab
// and interrupts it at many points of its run. Whatever the moment, the
// target path holds either nothing or a complete bundle (the signal came
// after the rename); SIGINT before that leaves nothing in the directory, and
// SIGKILL at most the final archive's temporary file (never a spool file).
func TestIntegrationCollectKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("lab test")
	}
	c := lab.StartT(t, lab.Options{})
	if _, err := c.ScenarioMissingEndpoints(context.Background()); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "nsbundle")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/nsbundle").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// How long a whole run takes here, to spread the interruptions over it.
	full := runCollect(t, bin, c.Kubeconfig, filepath.Join(t.TempDir(), "full.tgz"), 0, 0)
	if full <= 0 {
		t.Fatal("an uninterrupted collect did not finish")
	}
	t.Logf("an uninterrupted collect took %v", full)
	interrupted := 0
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGKILL} {
		for i := 1; i <= 8; i++ {
			after := full * time.Duration(i) / 10
			dir := t.TempDir()
			target := filepath.Join(dir, "bundle.tgz")
			if runCollect(t, bin, c.Kubeconfig, target, sig, after) > 0 {
				continue // finished before the signal: nothing to check
			}
			if _, err := os.Stat(target); err == nil {
				// The rename happened before the signal: it must be whole.
				if err := bundle.Walk(target, bundle.DefaultLimits(), func(e *bundle.Entry) error {
					_, err := e.ReadAll()
					return err
				}); err != nil {
					t.Errorf("%v after %v: the file at the target path is not a complete bundle: %v", sig, after, err)
				}
				continue
			} else if !os.IsNotExist(err) {
				t.Fatal(err)
			}
			interrupted++
			left, _ := os.ReadDir(dir)
			for _, e := range left {
				// SIGKILL during Commit may leave the final archive's temporary
				// file; the body and spool files never have a name (Unix).
				final := strings.HasSuffix(e.Name(), ".tmp") && !strings.HasSuffix(e.Name(), ".spool.tmp") &&
					!strings.HasSuffix(e.Name(), ".body.tmp")
				if sig == syscall.SIGINT || !final {
					t.Errorf("%v after %v left %s in the target directory", sig, after, e.Name())
				}
			}
		}
	}
	if interrupted == 0 {
		t.Fatal("no run was interrupted before its bundle was in place")
	}
	t.Logf("%d of 16 runs interrupted before the bundle was in place", interrupted)

	// -o -: stdout carries the bundle and nothing else.
	out := filepath.Join(t.TempDir(), "stdout.tgz")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "collect", "--kubeconfig", c.Kubeconfig, "-o", "-")
	cmd.Stdout = f
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err = cmd.Run()
	f.Close()
	if code := cmd.ProcessState.ExitCode(); code != 0 && code != 5 {
		t.Fatalf("collect -o -: exit %d (%v)\n%s", code, err, stderr.String())
	}
	m, err := bundle.ReadManifest(out, bundle.DefaultLimits())
	if err != nil || m.Cluster.GitVersion == "" {
		t.Fatalf("collect -o - wrote no readable bundle: %v", err)
	}
	if err := bundle.Walk(out, bundle.DefaultLimits(), func(e *bundle.Entry) error {
		_, err := e.ReadAll()
		return err
	}); err != nil {
		t.Errorf("collect -o -: %v", err)
	}
}

// runCollect runs one collect; with sig set it sends sig after the delay.
// It returns the run time if collect finished by itself, else 0.
func runCollect(t *testing.T, bin, kubeconfig, target string, sig syscall.Signal, after time.Duration) time.Duration {
	t.Helper()
	cmd := exec.Command(bin, "collect", "--quiet", "--kubeconfig", kubeconfig, "-o", target)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	if sig != 0 {
		select {
		case err := <-done:
			if code := cmd.ProcessState.ExitCode(); code != 0 && code != 5 {
				t.Fatalf("collect exited %d before the signal: %v\n%s", code, err, stderr.String())
			}
			return time.Since(start)
		case <-time.After(after):
			_ = cmd.Process.Signal(sig)
			<-done
			return 0
		}
	}
	<-done
	if code := cmd.ProcessState.ExitCode(); code != 0 && code != 5 {
		t.Fatalf("collect exited %d: %s", code, stderr.String())
	}
	return time.Since(start)
}
