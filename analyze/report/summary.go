package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/nsbundle/nsbundle/analyze"
)

// writeSummary writes one row per finding, narrowing the symptom and root
// cause columns (breaking refs after a "/") when the table is wider than
// width.
func writeSummary(w io.Writer, fs []analyze.Finding, width int) error {
	header := []string{"ID", "Severity", "Symptom", "Root cause", "Links"}
	rows := make([][]string, len(fs))
	for i, f := range fs {
		symptom := clean(refString(f.Symptom))
		if n := len(f.AlsoAffects); n > 0 {
			symptom += fmt.Sprintf(" (+%d)", n)
		}
		rows[i] = []string{clean(f.ID), clean(string(f.Severity)), symptom, clean(refString(f.RootCause.Ref)), fmt.Sprint(len(f.Chain))}
	}
	fitColumns(rows, header, width, 2, 3)
	t := tablewriter.NewTable(w,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Symbols: tw.NewSymbols(tw.StyleLight),
		})),
		tablewriter.WithConfig(tablewriter.Config{
			Row: tw.CellConfig{
				Formatting: tw.CellFormatting{AutoWrap: tw.WrapNone},
				Alignment:  tw.CellAlignment{Global: tw.AlignLeft},
			},
		}),
	)
	t.Header(header)
	for _, row := range rows {
		if err := t.Append(row); err != nil {
			return fmt.Errorf("summary table: %w", err)
		}
	}
	if err := t.Render(); err != nil {
		return fmt.Errorf("summary table: %w", err)
	}
	return nil
}

// fitColumns breaks the cells of the flexible columns into lines so that a
// bordered table of rows is at most width wide; the other columns keep their
// natural width.
func fitColumns(rows [][]string, header []string, width int, flexible ...int) {
	natural := make([]int, len(header))
	for i, h := range header {
		natural[i] = utf8.RuneCountInString(h)
	}
	for _, row := range rows {
		for i, c := range row {
			natural[i] = max(natural[i], utf8.RuneCountInString(c))
		}
	}
	avail := width - 3*len(header) - 1 // borders and padding
	for i, n := range natural {
		if !slices.Contains(flexible, i) {
			avail -= n
		}
	}
	flexTotal := 0
	for _, i := range flexible {
		flexTotal += natural[i]
	}
	if flexTotal <= avail {
		return
	}
	// Narrow the widest flexible column, one rune at a time, down to minCol.
	const minCol = 12
	widths := map[int]int{}
	for _, i := range flexible {
		widths[i] = natural[i]
	}
	for over := flexTotal - avail; over > 0; over-- {
		widest := flexible[0]
		for _, i := range flexible {
			if widths[i] > widths[widest] {
				widest = i
			}
		}
		if widths[widest] <= minCol {
			break
		}
		widths[widest]--
	}
	for _, row := range rows {
		for _, i := range flexible {
			row[i] = strings.Join(breakRef(row[i], widths[i]), "\n")
		}
	}
}

// breakRef splits s into lines of at most n runes, preferring to break after
// a "/" or at a space, otherwise anywhere.
func breakRef(s string, n int) []string {
	var out []string
	rs := []rune(s)
	for len(rs) > n {
		cut := n
		for i := n; i > n/3; i-- {
			if rs[i-1] == '/' || rs[i] == ' ' {
				cut = i
				break
			}
		}
		out = append(out, strings.TrimRight(string(rs[:cut]), " "))
		rs = []rune(strings.TrimLeft(string(rs[cut:]), " "))
	}
	return append(out, string(rs))
}
