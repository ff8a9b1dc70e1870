package app

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/diff"
	"github.com/nsbundle/nsbundle/analyze/report"
	"github.com/nsbundle/nsbundle/analyze/rules"
	"github.com/nsbundle/nsbundle/bundle"
)

// diffOptions are the diff command's settings.
type diffOptions struct {
	before, after string
	format        report.DiffFormatFlag
	force         bool
	verbose       bool
	limits        bundle.Limits
}

func newDiffCommand(streams Streams, name string) *cobra.Command {
	o := &diffOptions{format: report.DiffFormatFlag(report.FormatTable), limits: bundle.DefaultLimits()}
	c := &cobra.Command{
		Use:   "diff BEFORE AFTER",
		Short: "Compare two bundles of one cluster: did the fix work? (offline)",
		Long: `Diff analyzes two bundles of one cluster, BEFORE and AFTER a fix, and says what
became of each blocking chain:

  resolved  BEFORE has it, AFTER does not
  persists  same symptom, same root cause, same links (the evidence still there is quoted)
  changed   same symptom with another root cause, or same root cause through other links
  new       AFTER has it, BEFORE does not

A pod its ReplicaSet replaced counts as the same root cause. The bundles must be of one
cluster (same kube-system namespace UID): two clusters are refused (exit 2) unless
--force; when a bundle has no kube-system namespace, stderr says so and they are compared.
Either bundle (not both) may be "-", standard input.

Exit status: 0 every chain of BEFORE is resolved and nothing is new, 3 something
persists, changed or is new, 4 a bundle cannot be read, 2 different clusters (without
--force) or bad usage.`,
		Example: fmt.Sprintf(`  %[1]s diff ticket-4711-before.tgz ticket-4711-after.tgz
  %[1]s diff before.tgz after.tgz -o markdown > reply.md   # the ticket reply
  %[1]s diff before.tgz after.tgz -o json | jq '.chains[] | select(.status != "resolved")'`, name),
		Args: exactArgs(2, "BEFORE AFTER"),
		RunE: func(c *cobra.Command, args []string) error {
			o.before, o.after = args[0], args[1]
			if o.before == stdinArg && o.after == stdinArg {
				return usage("only one of BEFORE and AFTER can be standard input (-)")
			}
			return o.run(c, streams)
		},
	}
	f := c.Flags()
	f.VarP(&o.format, "output", "o", "output format: "+joinNames(report.DiffFormatNames()))
	f.BoolVar(&o.force, "force", false, "compare bundles of different clusters (kube-system namespace UIDs differ)")
	f.BoolVarP(&o.verbose, "verbose", "v", false, "show evidence values in full")
	addLimitFlags(c, &o.limits)
	_ = c.RegisterFlagCompletionFunc("output", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return report.DiffFormatNames(), cobra.ShellCompDirectiveNoFileComp
	})
	return c
}

// analyzed is one bundle's report and cluster identity.
type analyzed struct {
	report *analyze.Report
	uid    string
}

// analyzeBundle reads and analyzes one bundle as analyze does; only the
// report and the cluster's UID are kept, so the snapshot can be freed before
// the other bundle is read.
func analyzeBundle(streams Streams, path string, limits bundle.Limits) (analyzed, error) {
	return analyzeBundleWith(streams, path, analyze.Options{Limits: limits, Memory: &GCPolicy{}})
}

// analyzeBundleWith is analyzeBundle with the reader's options.
func analyzeBundleWith(streams Streams, path string, opts analyze.Options) (analyzed, error) {
	snap, name, err := readBundle(streams, path, opts)
	if err != nil {
		return analyzed{}, err
	}
	rep, err := analyze.Run(snap, rules.All())
	if err != nil {
		return analyzed{}, fmt.Errorf("analyzing %s: %w", name, err)
	}
	rep.Bundle.Path = name
	return analyzed{rep, diff.ClusterUID(snap)}, nil
}

func (o *diffOptions) run(c *cobra.Command, streams Streams) error {
	before, err := analyzeBundle(streams, o.before, o.limits)
	if err != nil {
		return err
	}
	after, err := analyzeBundle(streams, o.after, o.limits)
	if err != nil {
		return err
	}
	res := diff.Compare(before.report, after.report, before.uid, after.uid)
	for _, s := range []diff.Side{res.Before, res.After} {
		if s.ClusterUID == "" {
			fmt.Fprintf(streams.ErrOut, "Warning: %s has no kube-system namespace UID: cannot tell whether both bundles are of one cluster\n", s.Path)
		}
	}
	if err := res.CheckCluster(); err != nil && !o.force {
		return &ExitError{Code: ExitDifferentClusters, Err: err}
	}
	opts := report.Options{Verbose: o.verbose, Color: useColor(c, streams)}
	if err := report.RenderDiff(streams.Out, res, o.format.Format(), opts); err != nil {
		return fmt.Errorf("rendering the comparison: %w", err)
	}
	if !res.Clean() {
		return &ExitError{Code: ExitFindings}
	}
	return nil
}
