package app

import (
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/report"
	"github.com/nsbundle/nsbundle/analyze/triage"
	"github.com/nsbundle/nsbundle/bundle"
)

// triageOptions are the triage command's settings.
type triageOptions struct {
	args     []string
	format   report.TriageFormatFlag
	parallel int
	large    int64
	limits   bundle.Limits
}

func newTriageCommand(streams Streams, name string) *cobra.Command {
	o := &triageOptions{format: report.TriageFormatFlag(report.FormatTable), parallel: min(runtime.NumCPU(), 4),
		large: triage.DefaultLargeBytes, limits: bundle.DefaultLimits()}
	c := &cobra.Command{
		Use:   "triage DIR|BUNDLE...",
		Short: "Analyze many bundles and group them by root-cause signature (offline)",
		Long: `Triage analyzes many bundles and groups them by root-cause signature (rule ID, root
kind and root name with generated pod suffixes, IPs and node names reduced to a
pattern, as in analyze's "signature" field), so tickets that share one cause are
answered together. Each group shows how many bundles have it, which, how many clusters
(kube-system namespace UIDs), the first and last collection time, and the links every
chain of the group shares (one found in namespaces that differ shows <namespace>).

A DIR is searched, at any depth, for bundle archives (.tgz, .tar.gz, .tar.zst, .tar),
symbolic links to archive files included (links to directories are not followed); a
directory with none is read as an extracted bundle. Bundles run --parallel at a time;
one larger than --large-bytes runs alone, so the memory of one large analysis is never
added to another's. A bundle that cannot be read is listed, not fatal. -o jsonl writes
one line per bundle (path, cluster, collection time, findings with signatures, or the
error) for a desk's own store. Progress is shown on stderr when it is a terminal.

Exit status: 0 no finding in any bundle, 3 at least one group, 4 no bundle could be
read, 2 bad usage.`,
		Example: fmt.Sprintf(`  %[1]s triage /tickets/open/
  %[1]s triage -o json /tickets/open/ | jq '.groups[] | select(.count > 1)'
  %[1]s triage -o jsonl /tickets/open/*.tgz >> desk-store.jsonl`, name),
		Args: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usage("%s needs at least one DIR or BUNDLE", c.CommandPath())
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			o.args = args
			if o.parallel < 1 {
				return usage("--parallel must be at least 1, got %d", o.parallel)
			}
			for _, a := range args {
				if a == stdinArg {
					return usage("triage reads files and directories, not standard input (-)")
				}
			}
			return o.run(streams)
		},
	}
	f := c.Flags()
	f.VarP(&o.format, "output", "o", "output format: "+joinNames(report.TriageFormatNames()))
	f.IntVar(&o.parallel, "parallel", o.parallel, "analyze this many bundles at once")
	f.Int64Var(&o.large, "large-bytes", o.large, "a bundle at least this large on disk runs alone")
	addLimitFlags(c, &o.limits)
	_ = c.RegisterFlagCompletionFunc("output", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return report.TriageFormatNames(), cobra.ShellCompDirectiveNoFileComp
	})
	return c
}

func (o *triageOptions) run(streams Streams) error {
	paths := triage.Paths(o.args)
	gc := &GCPolicy{} // shared: concurrent loads set and restore the settings once
	an := func(p string) (*analyze.Report, string, error) {
		a, err := analyzeBundleWith(streams, p, analyze.Options{Limits: o.limits, Memory: gc})
		return a.report, a.uid, err
	}
	opts := triage.Options{Workers: o.parallel, LargeBytes: o.large}
	// Progress: one line rewritten in place on a terminal, cleared at the end.
	tty := terminal(streams.ErrOut) != nil && os.Getenv("TERM") != "dumb"
	last := 0
	if tty {
		opts.Progress = func(done, total int) {
			line := fmt.Sprintf("triage %d/%d bundles", done, total)
			fmt.Fprintf(streams.ErrOut, "\r%s", line)
			last = len(line)
		}
	}
	res := triage.Run(paths, an, opts)
	if last > 0 {
		fmt.Fprintf(streams.ErrOut, "\r%s\r", strings.Repeat(" ", last))
	}
	if err := report.RenderTriage(streams.Out, res, o.format.Format()); err != nil {
		return fmt.Errorf("rendering the triage: %w", err)
	}
	switch {
	case len(paths) > 0 && len(res.Unreadable) == len(paths):
		return &ExitError{Code: ExitUnreadable, Err: fmt.Errorf("none of the %d bundles could be read", len(paths))}
	case len(res.Groups) > 0:
		return &ExitError{Code: ExitFindings}
	}
	return nil
}
