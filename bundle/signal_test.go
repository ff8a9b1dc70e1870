package bundle

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestWriterInterrupt runs a child process that writes a bundle and aborts
// on SIGINT, as collect does on Ctrl-C, and checks that nothing is left.
func TestWriterInterrupt(t *testing.T) {
	if dir := os.Getenv("NSBUNDLE_INTERRUPT_CHILD"); dir != "" {
		interruptChild(dir)
		return
	}
	t.Parallel()
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestWriterInterrupt$")
	cmd.Env = append(os.Environ(), "NSBUNDLE_INTERRUPT_CHILD="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() && sc.Text() != "writing" {
	}
	time.Sleep(50 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	for sc.Scan() {
		t.Log("child:", sc.Text())
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v", err)
	}
	assertOnly(t, dir)
}

// interruptChild writes list items until interrupted, then aborts.
func interruptChild(dir string) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	w, err := Create(filepath.Join(dir, "b.tgz"), WriterOptions{})
	if err != nil {
		panic(err)
	}
	if err := w.WriteFile("version.json", []byte(`{}`)); err != nil {
		panic(err)
	}
	l, err := w.NewList("resources/core/v1/pods.json", "v1", "List")
	if err != nil {
		panic(err)
	}
	os.Stdout.WriteString("writing\n")
	for i := 0; ctx.Err() == nil; i++ {
		if err := l.Add([]byte(`{"kind":"Pod","metadata":{"name":"p"}}`)); err != nil {
			panic(err)
		}
	}
	if err := w.Abort(); err != nil {
		panic(err)
	}
	os.Stdout.WriteString("aborted\n")
}
