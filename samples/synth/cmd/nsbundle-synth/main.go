// Command nsbundle-synth writes a synthetic nsbundle bundle (see package
// synth): nsbundle-synth -size large -out /tmp/large.tgz.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/nsbundle/nsbundle/bundle"
	"github.com/nsbundle/nsbundle/samples/synth"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "nsbundle-synth:", err)
		os.Exit(1)
	}
}

// run parses args, generates the bundle and prints its path on stdout.
func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("nsbundle-synth", flag.ContinueOnError)
	fs.SetOutput(stderr)
	size := fs.String("size", "small", "cluster size: tiny, small or large")
	out := fs.String("out", "", "bundle path to write (.tgz, or .tar.zst with -codec zstd)")
	seed := fs.Uint64("seed", 1, "random seed; the same seed gives the same bundle content")
	codec := fs.String("codec", "gzip", "compression: gzip or zstd")
	force := fs.Bool("force", false, "overwrite an existing bundle")
	workers := fs.Int("workers", 2, "goroutines rendering objects")
	keep := fs.Bool("keep-everything", false, "write what collect --keep-everything would: core/v1 Endpoints and events of any age")
	window := fs.Duration("events-window", 0, "keep only events last seen within this window, as collect --events-window (0: collect's default, 2h; negative: all)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("-out is required")
	}
	sz, err := synth.SizeNamed(*size)
	if err != nil {
		return err
	}
	start := time.Now()
	st, err := synth.Generate(*out, synth.Options{Size: sz, Seed: *seed, Codec: bundle.Codec(*codec), Force: *force, Workers: *workers,
		KeepEverything: *keep, EventsWindow: *window})
	if err != nil {
		return err
	}
	fi, err := os.Stat(*out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "%s: %d objects, %.1f MB JSON, %.1f MB compressed, %.1fs\n", sz.Name, st.Objects,
		float64(st.JSONBytes)/1e6, float64(fi.Size())/1e6, time.Since(start).Seconds())
	if len(st.Planted) == 0 {
		fmt.Fprintln(stderr, "planted: nothing (a healthy cluster)")
	}
	for _, p := range st.Planted {
		fmt.Fprintf(stderr, "planted: %s: %s (root %s)\n", p.Cause, p.Signature, p.Root)
	}
	fmt.Fprintln(stdout, *out)
	return nil
}
