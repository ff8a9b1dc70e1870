//go:build linux

package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nsbundle/nsbundle/collect/collecttest"
)

// openPTY returns a pseudo-terminal's two ends (Linux ioctls); the test skips where none
// can be opened. Everything written to the terminal end is read from the
// other end into the returned function's result, once the terminal end is
// closed.
func openPTY(t *testing.T) (tty *os.File, output func() string) {
	t.Helper()
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skip("no pseudo-terminal:", err)
	}
	t.Cleanup(func() { ptmx.Close() })
	if err := unix.IoctlSetPointerInt(int(ptmx.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Skip("no pseudo-terminal:", err)
	}
	n, err := unix.IoctlGetInt(int(ptmx.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Skip("no pseudo-terminal:", err)
	}
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skip("no pseudo-terminal:", err)
	}
	var got bytes.Buffer
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = io.Copy(&got, ptmx) // ends with EIO once tty is closed
	}()
	return tty, func() string {
		tty.Close()
		<-done
		return strings.ReplaceAll(got.String(), "\r\n", "\n") // the terminal's ONLCR
	}
}

// TestTerminalRefused: -o - to a terminal and BUNDLE - from a terminal are
// bad usage, refused before anything is collected or read.
func TestTerminalRefused(t *testing.T) {
	t.Parallel()
	s := healthyServer(t)
	tty, output := openPTY(t)
	var errOut bytes.Buffer
	code := Run(context.Background(), Streams{In: strings.NewReader(""), Out: tty, ErrOut: &errOut}, "nsbundle",
		[]string{"collect", "--kubeconfig", s.Kubeconfig(t), "-o", "-"})
	if want := "Error: -o - writes the compressed bundle to standard output, which is a terminal: redirect it (-o - > bundle.tgz)\n"; code != ExitUsage || errOut.String() != want {
		t.Errorf("collect -o - to a terminal: exit %d, stderr %q", code, errOut.String())
	}
	if n := len(s.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
	errOut.Reset()
	var out bytes.Buffer
	code = Run(context.Background(), Streams{In: tty, Out: &out, ErrOut: &errOut}, "nsbundle", []string{"analyze", "-"})
	if want := "Error: BUNDLE is - but standard input is a terminal: pipe or redirect a bundle into it\n"; code != ExitUsage || errOut.String() != want || out.Len() != 0 {
		t.Errorf("analyze - from a terminal: exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}
	if got := output(); got != "" {
		t.Errorf("written to the terminal: %q", got)
	}
}

// TestTerminalProgress: on a terminal, collect's progress is one line
// rewritten in place; only failures stay on screen, and the line is
// cleared at the end. Not parallel: it sets TERM.
func TestTerminalProgress(t *testing.T) {
	t.Setenv("TERM", "xterm")
	s := collecttest.NewServer(t, collecttest.BrokenCluster(1)...)
	tty, output := openPTY(t)
	path := filepath.Join(t.TempDir(), "b.tgz")
	var out bytes.Buffer
	code := Run(context.Background(), Streams{In: strings.NewReader(""), Out: &out, ErrOut: tty}, "nsbundle",
		[]string{"collect", "--kubeconfig", s.Kubeconfig(t), "-o", path})
	got := output()
	if code != ExitPartial || out.String() != path+"\n" {
		t.Fatalf("exit %d, stdout %q", code, out.String())
	}
	// Lines that stay on screen end in "\n"; the last one holds the live
	// line's rewrites, its clearing, then the warning.
	lines := strings.Split(got, "\n")
	if len(lines) < 2 || lines[len(lines)-1] != "" {
		t.Fatalf("output does not end with a line: %q", got)
	}
	final, kept := lines[len(lines)-2], lines[:len(lines)-2]
	for _, l := range kept {
		// What stays on a line is its last rewrite: a failure.
		if last := l[strings.LastIndex(l, "\r")+1:]; !strings.Contains(last, ": ") {
			t.Errorf("progress line without a failure stayed on screen: %q", last)
		}
	}
	if len(kept) != 4 { // readyz, metrics discovery, the webhook pod's log, the stuck namespace's widgets
		t.Errorf("%d lines stayed on screen, want the 4 failures:\n%s", len(kept), got)
	}
	q := regexp.QuoteMeta(path)
	if !regexp.MustCompile(`\rwrite 1/1 ` + q + ` *\r {10,}\rWarning: partial bundle ` + q + `: [^\r]*$`).MatchString(final) {
		t.Errorf("the live line is not cleared before the warning: %q", final[max(0, len(final)-400):])
	}
}

// TestTerminalTriageProgress: on a terminal, triage counts the bundles on
// one line and clears it; stdout holds only the result. Not parallel: it
// sets TERM.
func TestTerminalTriageProgress(t *testing.T) {
	t.Setenv("TERM", "xterm")
	tty, output := openPTY(t)
	var out bytes.Buffer
	code := Run(context.Background(), Streams{In: strings.NewReader(""), Out: &out, ErrOut: tty}, "nsbundle",
		[]string{"triage", "--parallel", "1", "../../../samples/healthy.tgz", "../../../samples/kcm-absent.tgz"})
	got := output()
	if code != ExitFindings || !strings.HasPrefix(out.String(), "2 bundles, 2 read, 1 group\n") {
		t.Fatalf("exit %d, stdout %q", code, out.String())
	}
	if want := "\rtriage 1/2 bundles\rtriage 2/2 bundles\r" + strings.Repeat(" ", 18) + "\r"; got != want {
		t.Errorf("terminal got %q, want %q", got, want)
	}
}
