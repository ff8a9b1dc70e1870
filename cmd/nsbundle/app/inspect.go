package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/spf13/cobra"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/bundle"
)

func newInspectCommand(streams Streams, name string) *cobra.Command {
	limits := bundle.DefaultLimits()
	var asJSON bool
	c := &cobra.Command{
		Use:   "inspect BUNDLE",
		Short: "Show what a bundle holds: cluster, collector, counts, failed requests, logs",
		Long: `Inspect prints a bundle's manifest: the cluster, who collected it and when, the
requests made (failed ones first), the logs and what was left out. BUNDLE is a bundle
written by "collect", or "-" to read one from standard input.

A bundle of another tool (troubleshoot support bundle, kubectl cluster-info dump,
OpenShift must-gather) has no manifest: inspect then shows what analyze reads from it,
the layout, cluster version, flavor and collection time, and the objects of each
resource type, marking the types it holds only in part.`,
		Example: fmt.Sprintf(`  %[1]s inspect bundle.tgz
  %[1]s inspect bundle.tgz --json | jq '.requests[] | select(.status >= 400)'`, name),
		Args: exactArgs(1, "BUNDLE"),
		RunE: func(c *cobra.Command, args []string) error {
			var m *bundle.Manifest
			var err error
			if args[0] == stdinArg {
				in, serr := stdinBundle(streams)
				if serr != nil {
					return serr
				}
				m, err = bundle.ReadManifestReader(stdinName, in, limits)
			} else {
				m, err = bundle.ReadManifest(args[0], limits)
			}
			if errors.Is(err, bundle.ErrNoManifest) && args[0] != stdinArg {
				// Another tool's bundle: show what analyze reads from it.
				c, cerr := analyze.ReadContents(args[0], limits)
				var nd *analyze.NoClusterDataError
				if errors.As(cerr, &nd) {
					return &ExitError{Code: ExitUnreadable, Err: fmt.Errorf("%s: %w", args[0], cerr)}
				}
				if cerr == nil {
					if asJSON {
						enc := json.NewEncoder(streams.Out)
						enc.SetIndent("", "  ")
						return enc.Encode(c)
					}
					return printContents(streams.Out, c)
				}
			}
			if err != nil {
				return &ExitError{Code: ExitUnreadable, Err: err}
			}
			if asJSON {
				enc := json.NewEncoder(streams.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(m)
			}
			return printManifest(streams.Out, m)
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print the manifest as JSON")
	addLimitFlags(c, &limits)
	return c
}

// printManifest prints a manifest for a person.
func printManifest(w io.Writer, m *bundle.Manifest) error {
	fmt.Fprintf(w, "Format:        %s (written by %s %s)\n", m.FormatVersion, m.Tool.Name, m.Tool.Version)
	fmt.Fprintf(w, "Cluster:       %s %s (context %q)\n", m.Cluster.GitVersion, m.Cluster.Server, m.Cluster.Context)
	who := m.CollectedBy.Username
	if len(m.CollectedBy.Groups) > 0 {
		who += " (groups " + strings.Join(m.CollectedBy.Groups, ", ") + ")"
	}
	if m.CollectedBy.Error != "" {
		who += " [" + m.CollectedBy.Error + "]"
	}
	fmt.Fprintf(w, "Collected by:  %s\n", who)
	fmt.Fprintf(w, "Collected:     %s to %s (%s)\n", m.Start.UTC().Format("2006-01-02 15:04:05Z"), m.End.UTC().Format("15:04:05Z"), m.End.Sub(m.Start).Round(1e6))
	fmt.Fprintf(w, "Requests:      %d (%d failed), %d objects, %d bytes\n\n", m.Totals.Requests, m.Totals.FailedRequests, m.Totals.Objects, m.Totals.Bytes)

	reqs := append([]bundle.Request(nil), m.Requests...)
	sort.SliceStable(reqs, func(i, j int) bool { return reqs[i].Failed() && !reqs[j].Failed() })
	t := tablewriter.NewTable(w)
	t.Header("STATUS", "VERB", "PATH", "OBJECTS", "BYTES", "ERROR")
	for _, r := range reqs {
		if err := t.Append(fmt.Sprint(r.Status), r.Verb, r.Path, fmt.Sprint(r.Count), fmt.Sprint(r.Bytes), cut(r.Error, 80)); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	if len(m.Logs) > 0 {
		fmt.Fprintln(w, "\nLogs:")
		for _, l := range m.Logs {
			line := fmt.Sprintf("  %s  %d bytes", l.Path, l.Bytes)
			if l.Truncated {
				line += " (truncated)"
			}
			if l.Error != "" {
				line += "  error: " + l.Error
			}
			fmt.Fprintln(w, line)
		}
	}
	if len(m.Omissions) > 0 {
		fmt.Fprintln(w, "\nLeft out on purpose:")
		for _, o := range m.Omissions {
			fmt.Fprintf(w, "  %s (%s): %s\n", o.What, o.Scope, o.Why)
		}
	}
	return nil
}
