package app

import (
	"cmp"
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"

	"github.com/nsbundle/nsbundle/analyze"
)

// printContents prints what a bundle without a manifest holds.
func printContents(w io.Writer, c *analyze.Contents) error {
	fmt.Fprintf(w, "Layout:        %s (no nsbundle manifest)\n", c.Layout)
	fmt.Fprintf(w, "Cluster:       %s\n", cmp.Or(c.ClusterVersion, "version not in the bundle"))
	fmt.Fprintf(w, "Flavor:        %s\n", c.Flavor)
	fmt.Fprintf(w, "Collected:     %s\n\n", cmp.Or(c.CollectedAt, "time not in the bundle"))
	tw := tablewriter.NewTable(w)
	tw.Header("RESOURCE", "OBJECTS", "READ", "WHY")
	for _, r := range c.Resources {
		read, why := "complete", r.Error
		switch {
		case r.Partial:
			read = "partial"
		case r.Error != "" && r.Objects == 0:
			read = "failed"
		case len(r.Namespaces) > 0:
			read = fmt.Sprintf("in %d namespace(s)", len(r.Namespaces))
			why = cmp.Or(why, "listed in "+strings.Join(r.Namespaces, ", ")+" only")
		}
		if err := tw.Append(r.Resource, fmt.Sprint(r.Objects), read, cut(why, 80)); err != nil {
			return err
		}
	}
	if err := tw.Render(); err != nil {
		return err
	}
	if len(c.Notes) > 0 {
		fmt.Fprintln(w, "\nNotes:")
		for _, n := range c.Notes {
			fmt.Fprintf(w, "  - %s\n", n)
		}
	}
	return nil
}

// cut shortens s to n bytes and an ellipsis.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
