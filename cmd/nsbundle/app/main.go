// Package app is the nsbundle command line: it parses flags, calls the
// collect and analyze packages and renders their results. Main is the only
// place that exits.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
)

// Exit codes, documented in the README and in `nsbundle --help`.
const (
	// ExitOK: success; for analyze, no finding; for collect, a complete bundle.
	ExitOK = 0
	// ExitFailure: the command failed; for collect, no bundle was written.
	ExitFailure = 1
	// ExitUsage: bad flags or arguments.
	ExitUsage = 2
	// ExitDifferentClusters: diff's bundles are of different clusters
	// (without --force).
	ExitDifferentClusters = 2
	// ExitFindings: analyze found at least one blocking chain; diff found a
	// chain that persists, changed or is new.
	ExitFindings = 3
	// ExitUnreadable: the bundle cannot be read (unsafe, corrupt, not a bundle,
	// or nothing in it is cluster data).
	ExitUnreadable = 4
	// ExitPartial: collect wrote a bundle, but some requests failed.
	ExitPartial = 5
)

// ExitError carries an exit code with an error; a nil Err means "exit
// silently with Code" (the result was already printed).
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// Streams are the standard streams, passed in so tests capture them.
type Streams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
}

// Main runs the command with the process's arguments and exits.
func Main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Run(ctx, Streams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}, filepath.Base(os.Args[0]), os.Args[1:])
	stop()
	os.Exit(code)
}

// Run executes the command line args as program name and returns the exit
// code. Errors are printed once, here, to streams.ErrOut.
func Run(ctx context.Context, streams Streams, name string, args []string) int {
	root := NewRootCommand(streams, name)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		if ee.Err != nil {
			printError(streams.ErrOut, ee.Err)
		}
		return ee.Code
	}
	printError(streams.ErrOut, err)
	if isUsageError(err) {
		return ExitUsage
	}
	return ExitFailure
}

func printError(w io.Writer, err error) {
	fmt.Fprintf(w, "Error: %s\n", strings.TrimSpace(err.Error()))
}

// isUsageError recognises cobra's flag and argument errors.
func isUsageError(err error) bool {
	var ue *usageError
	if errors.As(err, &ue) {
		return true
	}
	msg := err.Error()
	for _, p := range []string{"unknown flag", "unknown shorthand flag", "unknown command", "invalid argument", "flag needs an argument", "accepts ", "requires at least", "bad flag syntax"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

// usageError marks an error in the user's input.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usage(format string, args ...any) error { return &usageError{fmt.Errorf(format, args...)} }
