package app

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/nsbundle/nsbundle/analyze/report"
	"github.com/nsbundle/nsbundle/bundle"
)

func newDiagnoseCommand(streams Streams, name string) *cobra.Command {
	co := newCollectOptions()
	ao := &analyzeOptions{format: report.FormatFlag(report.FormatTable), limits: bundle.DefaultLimits()}
	var keep string
	c := &cobra.Command{
		Use:   "diagnose",
		Short: "Collect from the current cluster and analyze at once (for an engineer with cluster access)",
		Long: `Diagnose collects a bundle, read-only, into a private temporary directory, analyzes it with
the same rules as "analyze", prints the findings and removes the bundle, unless --keep
names a file to keep it in (attach that file to the ticket).

Exit status: as "analyze" (0 no finding, 3 findings); 1 when nothing could be collected,
or --keep names a file that exists (checked before collecting).`,
		Example: fmt.Sprintf(`  %[1]s diagnose
  %[1]s diagnose --context prod --keep prod.tgz -o markdown`, name),
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			dir, err := os.MkdirTemp("", "nsbundle-diagnose-")
			if err != nil {
				return fmt.Errorf("creating a temporary directory: %w", err)
			}
			defer os.RemoveAll(dir)
			co.opts.Output = filepath.Join(dir, "bundle.tgz")
			if err := co.complete(); err != nil {
				return err
			}
			if err := checkKeep(keep); err != nil {
				return err
			}
			res, err := co.collect(c, streams)
			if err != nil {
				return err
			}
			ao.path = res.Path
			if keep != "" {
				if err := copyFile(res.Path, keep); err != nil {
					return fmt.Errorf("keeping the bundle: %w", err)
				}
				fmt.Fprintf(streams.ErrOut, "bundle kept in %s\n", keep)
				ao.path = keep
			}
			if !res.Complete {
				where := "(not kept; --keep FILE keeps it)"
				if keep != "" {
					where = keep
				}
				fmt.Fprintf(streams.ErrOut, "Warning: %v\n", partialError(res, where, keep != ""))
			}
			return ao.run(c, streams)
		},
	}
	c.Flags().StringVar(&keep, "keep", "", "also keep the collected bundle in this file (never overwritten)")
	f := c.Flags()
	f.VarP(&ao.format, "output", "o", "output format: "+joinNames(report.FormatNames()))
	f.BoolVarP(&ao.verbose, "verbose", "v", false, "show evidence values in full")
	co.addFlags(c, false)
	return c
}

// checkKeep refuses, before anything is collected, a --keep file that
// exists (it is never overwritten).
func checkKeep(keep string) error {
	if keep == "" {
		return nil
	}
	if _, err := os.Lstat(keep); err == nil {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("--keep %s: already exists (never overwritten; nothing collected)", keep)}
	}
	return nil
}

// copyFile copies src to a new file dst (mode 0600); dst must not exist.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := out.ReadFrom(in); err != nil {
		out.Close()
		os.Remove(dst)
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		os.Remove(dst)
		return err
	}
	return out.Close()
}
