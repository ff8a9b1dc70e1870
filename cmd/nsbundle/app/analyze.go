package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/report"
	"github.com/nsbundle/nsbundle/analyze/rules"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
	"github.com/nsbundle/nsbundle/bundle"
)

// analyzeOptions are the analyze command's settings.
type analyzeOptions struct {
	path    string
	format  report.FormatFlag
	verbose bool
	width   int
	limits  bundle.Limits
	audit   []string
}

func newAnalyzeCommand(streams Streams, name string) *cobra.Command {
	o := &analyzeOptions{format: report.FormatFlag(report.FormatTable), limits: bundle.DefaultLimits()}
	c := &cobra.Command{
		Use:   "analyze BUNDLE",
		Short: "Print the blocking chains found in a bundle (offline)",
		Long: `Analyze reads a bundle offline and prints, for every symptom (a namespace stuck
Terminating, kube-controller-manager crash-looping, a PVC Pending...), the chain of
"is blocked by" links with their evidence down to the root cause, the fix, and a
command that verifies it.

BUNDLE is a file written by "collect" (.tgz or .tar.zst), an extracted directory, a
Replicated troubleshoot support bundle, a "kubectl cluster-info dump" output (directory
or tarball), or an OpenShift must-gather (directory; unpack a .tar.xz first); "-" reads
an archive from standard input. The bundle is untrusted input: unsafe entries are refused
and sizes are capped (see the --max-* flags). Nothing is written to disk and no
network connection is opened.

When the root cause is a deleted or changed object (a bootstrap ClusterRole or binding,
an APIService, a Service, a webhook configuration), the kube-apiserver audit log names
who did it: the bundle's own (collect --audit-log) or a file given with --audit-log.
An audit file that cannot be read is exit status 4.

Exit status: 0 no finding, 3 findings, 4 unreadable bundle, 2 bad usage.`,
		Example: fmt.Sprintf(`  %[1]s analyze bundle.tgz
  %[1]s analyze bundle.tgz -o json | jq '.findings[].rootCause'
  %[1]s analyze bundle.tgz -o dot | dot -Tsvg > chains.svg
  %[1]s analyze bundle.tgz --audit-log audit.log
  ssh support-host cat /tickets/4711/bundle.tgz | %[1]s analyze -`, name),
		Args: exactArgs(1, "BUNDLE"),
		RunE: func(c *cobra.Command, args []string) error {
			o.path = args[0]
			return o.run(c, streams)
		},
	}
	f := c.Flags()
	f.VarP(&o.format, "output", "o", "output format: "+joinNames(report.FormatNames()))
	f.BoolVarP(&o.verbose, "verbose", "v", false, "show evidence values in full")
	f.StringArrayVar(&o.audit, "audit-log", nil, "also read this kube-apiserver audit log (JSON lines, .gz read) to name who changed a root cause (repeatable)")
	f.IntVar(&o.width, "width", 0, "wrap the table output at this many columns (default: terminal width or 100)")
	addLimitFlags(c, &o.limits)
	_ = c.RegisterFlagCompletionFunc("output", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return report.FormatNames(), cobra.ShellCompDirectiveNoFileComp
	})
	return c
}

func (o *analyzeOptions) run(c *cobra.Command, streams Streams) error {
	snap, name, err := readBundle(streams, o.path, analyze.Options{Limits: o.limits, Memory: &GCPolicy{}})
	if err != nil {
		return err
	}
	for _, p := range o.audit {
		if err := analyze.AddAuditLog(snap, p); err != nil {
			return &ExitError{Code: ExitUnreadable, Err: err}
		}
	}
	rep, err := analyze.Run(snap, rules.All())
	if err != nil {
		return fmt.Errorf("analyzing %s: %w", name, err)
	}
	rep.Bundle.Path = name
	opts := report.Options{Verbose: o.verbose, Width: o.width, Color: useColor(c, streams)}
	if opts.Width == 0 {
		opts.Width = terminalWidth(streams)
	}
	if err := report.Render(streams.Out, rep, o.format.Format(), opts); err != nil {
		return fmt.Errorf("rendering the report: %w", err)
	}
	if len(rep.Findings) > 0 {
		return &ExitError{Code: ExitFindings}
	}
	return nil
}

// readBundle reads the bundle at path ("-": standard input) into a
// snapshot, as analyze does, and returns the name to show for it. Its
// errors carry their exit code (ExitUnreadable).
func readBundle(streams Streams, path string, opts analyze.Options) (*snapshot.Snapshot, string, error) {
	var snap *snapshot.Snapshot
	var err error
	if path == stdinArg {
		in, serr := stdinBundle(streams)
		if serr != nil {
			return nil, "", serr
		}
		path = stdinName
		snap, err = analyze.LoadReader(stdinName, in, opts)
	} else {
		if _, serr := os.Stat(path); serr != nil {
			if errors.Is(serr, fs.ErrNotExist) {
				return nil, "", &ExitError{Code: ExitUnreadable, Err: fmt.Errorf("%s: no such file or directory", path)}
			}
			return nil, "", &ExitError{Code: ExitUnreadable, Err: serr}
		}
		snap, err = analyze.Load(path, opts)
	}
	if err != nil {
		var be *bundle.Error
		if errors.As(err, &be) {
			return nil, "", &ExitError{Code: ExitUnreadable, Err: err}
		}
		var nd *analyze.NoClusterDataError
		if errors.As(err, &nd) {
			return nil, "", &ExitError{Code: ExitUnreadable, Err: fmt.Errorf("%s: %w", path, err)}
		}
		return nil, "", &ExitError{Code: ExitUnreadable, Err: fmt.Errorf("reading bundle %s: %w", path, err)}
	}
	return snap, path, nil
}

// useColor is true when stdout is a terminal and neither --no-color nor
// NO_COLOR says otherwise.
func useColor(c *cobra.Command, streams Streams) bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	if v, err := c.Flags().GetBool("no-color"); err == nil && v {
		return false
	}
	return terminal(streams.Out) != nil
}

func terminalWidth(streams Streams) int {
	if f := terminal(streams.Out); f != nil {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil {
			return w
		}
	}
	return 0
}

// addLimitFlags lets a user raise the reader's caps for huge clusters.
func addLimitFlags(c *cobra.Command, l *bundle.Limits) {
	f := c.Flags()
	f.IntVar(&l.MaxEntries, "max-entries", l.MaxEntries, "refuse a bundle with more files than this")
	f.Int64Var(&l.MaxEntrySize, "max-entry-size", l.MaxEntrySize, "refuse a bundle file larger than this many bytes (uncompressed)")
	f.Int64Var(&l.MaxTotalSize, "max-total-size", l.MaxTotalSize, "refuse a bundle larger than this many bytes (uncompressed)")
	f.Int64Var(&l.MaxRatio, "max-ratio", l.MaxRatio, "refuse a bundle that decompresses more than this many times its compressed size (a compression bomb)")
}

func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) != n {
			plural := "s"
			if n == 1 {
				plural = ""
			}
			return usage("%s needs exactly %d argument%s (%s), got %d", c.CommandPath(), n, plural, what, len(args))
		}
		return nil
	}
}

func joinNames(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += "|"
		}
		out += n
	}
	return out
}
