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

// maxEvidence is how many evidence items per link the table shows unless
// Verbose.
const maxEvidence = 3

// ANSI styles used when Options.Color is set.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

// painter applies ANSI styles only when color is on.
type painter bool

func (p painter) paint(style, s string) string {
	if !p || s == "" {
		return s
	}
	return style + s + ansiReset
}

func (p painter) severity(s analyze.Severity) string {
	text := fmt.Sprintf("%-8s", clean(string(s)))
	switch s {
	case analyze.SeverityCritical:
		return p.paint(ansiBold+ansiRed, text)
	case analyze.SeverityWarning:
		return p.paint(ansiYellow, text)
	}
	return p.paint(ansiCyan, text)
}

// renderTable writes the findings for a person: each chain link by link with
// its evidence, root cause, fix and verify, then a summary table.
func renderTable(w io.Writer, r *analyze.Report, opts Options) error {
	p := painter(opts.Color)
	width := opts.width()
	fmt.Fprintf(w, "Bundle: %s\n\n", bundleLine(r.Bundle))
	if len(r.Findings) == 0 {
		fmt.Fprintf(w, "%s in %s.\n", p.paint(ansiBold+ansiGreen, "No blocking chains found"), clean(bundleName(r.Bundle)))
		if len(r.Checked) > 0 {
			fmt.Fprintf(w, "Checked: %s.\n", clean(strings.Join(r.Checked, "; ")))
		}
		writeNotes(w, r.Notes, p)
		return nil
	}
	for i := range r.Findings {
		writeFinding(w, &r.Findings[i], p, width, opts.Verbose)
		fmt.Fprintln(w)
	}
	if err := writeSummary(w, r.Findings, width); err != nil {
		return err
	}
	writeNotes(w, r.Notes, p)
	return nil
}

// bundleName is the bundle's path, or a placeholder when the report has none.
func bundleName(b analyze.BundleInfo) string {
	if b.Path == "" {
		return "the bundle"
	}
	return b.Path
}

// bundleLine describes the bundle on one line: path (layout, cluster, time).
func bundleLine(b analyze.BundleInfo) string {
	var details []string
	if b.Layout != "" {
		details = append(details, clean(b.Layout)+" layout")
	}
	if b.ClusterVersion != "" {
		details = append(details, "cluster "+clean(b.ClusterVersion))
	}
	if b.Flavor != "" {
		details = append(details, "flavor "+clean(b.Flavor))
	}
	if b.CollectedAt != "" {
		details = append(details, "collected "+clean(b.CollectedAt))
	}
	s := clean(bundleName(b))
	if len(details) > 0 {
		s += " (" + strings.Join(details, ", ") + ")"
	}
	return s
}

func writeFinding(w io.Writer, f *analyze.Finding, p painter, width int, verbose bool) {
	writeHeadline(w, f, p, width)
	if len(f.AlsoAffects) > 0 {
		refs := make([]string, len(f.AlsoAffects))
		for i, a := range f.AlsoAffects {
			refs[i] = clean(refString(a))
		}
		fmt.Fprintf(w, "  Also affects: %s\n", strings.Join(refs, ", "))
	}
	if len(f.Chain) == 0 {
		fmt.Fprintln(w, "    (no chain recorded)")
	}
	// quoted holds the evidence items already shown for an earlier link
	// of this chain: they are referenced, not repeated.
	quoted := map[evidenceKey]bool{}
	for i, l := range f.Chain {
		prefix := "    "
		if i > 0 {
			prefix = "  " + p.paint(ansiCyan, "→") + " "
		}
		head := clean(refString(l.Ref))
		text := head
		if l.Problem != "" {
			text += " — " + clean(l.Problem)
		}
		if verbose && l.Rule != "" {
			text += " [" + clean(l.Rule) + "]"
		}
		for j, line := range wrap(text, width-6) {
			if j == 0 {
				if rest, ok := strings.CutPrefix(line, head); ok {
					line = p.paint(ansiBold, head) + rest
				}
				fmt.Fprintf(w, "%s%s\n", prefix, line)
				continue
			}
			fmt.Fprintf(w, "      %s\n", line)
		}
		writeEvidence(w, l.Evidence, p, width, verbose, quoted)
	}
	rc := clean(refString(f.RootCause.Ref))
	if f.RootCause.Problem != "" {
		rc += " — " + clean(f.RootCause.Problem)
	}
	for j, line := range wrap(rc, width-16) {
		if j == 0 {
			fmt.Fprintf(w, "  %s %s\n", p.paint(ansiBold+ansiRed, "Root cause:"), line)
			continue
		}
		fmt.Fprintf(w, "    %s\n", line)
	}
	fmt.Fprintf(w, "  %s\n", p.paint(ansiBold+ansiGreen, "Fix:"))
	writeBlock(w, lines(f.Fix), "", width)
	fmt.Fprintf(w, "  %s\n", p.paint(ansiBold, "Verify:"))
	writeBlock(w, lines(f.Verify.Command), "$ ", width)
	if f.Verify.Expect != "" {
		writeBlock(w, lines("Expect: "+f.Verify.Expect), "", width)
	}
	if len(f.Missing) > 0 {
		fmt.Fprintf(w, "  %s\n", p.paint(ansiYellow, "Missing evidence:"))
		for _, m := range f.Missing {
			for j, line := range wrap(clean(m), width-6) {
				lead := "    - "
				if j > 0 {
					lead = "      "
				}
				fmt.Fprintf(w, "%s%s\n", lead, line)
			}
		}
	}
}

// evidenceKey identifies an evidence item: where it is and what it quotes.
type evidenceKey struct {
	path, pointer string
	line          int
	value         string
}

// writeHeadline writes the finding's first line, "[ID] severity  summary",
// wrapping the summary to the width under its own start.
func writeHeadline(w io.Writer, f *analyze.Finding, p painter, width int) {
	id := "[" + clean(f.ID) + "]"
	indent := strings.Repeat(" ", utf8.RuneCountInString(id)+1+8+2) // "[ID] " + severity column + two spaces
	n := max(width-len(indent), 20)
	for j, line := range wrap(clean(f.Summary), n) {
		if j == 0 {
			fmt.Fprintf(w, "%s %s  %s\n", p.paint(ansiBold, id), p.severity(f.Severity), p.paint(ansiBold, line))
			continue
		}
		fmt.Fprintf(w, "%s%s\n", indent, p.paint(ansiBold, line))
	}
}

// evidenceLines is how many lines a value may take unless verbose.
const evidenceLines = 3

// writeEvidence writes each item as its location, then the quoted value.
// Unless verbose, the value is wrapped to the width and shortened to
// evidenceLines lines, keeping its start and its end; verbose prints it whole
// on one line, exactly as in the bundle (control characters escaped).
func writeEvidence(w io.Writer, evs []analyze.Evidence, p painter, width int, verbose bool, quoted map[evidenceKey]bool) {
	const lead, more = "          > ", "            "
	n := width - len(lead)
	for i, e := range evs {
		if i == maxEvidence && !verbose {
			fmt.Fprintf(w, "        %s\n", p.paint(ansiDim, fmt.Sprintf("… %d more (verbose output shows all)", len(evs)-i)))
			return
		}
		k := evidenceKey{e.Path, e.Pointer, e.Line, e.Value}
		if quoted[k] && !verbose {
			fmt.Fprintf(w, "        %s %s\n", p.paint(ansiDim, clean(location(e))), p.paint(ansiDim, "(quoted above)"))
			continue
		}
		quoted[k] = true
		fmt.Fprintf(w, "        %s\n", p.paint(ansiDim, clean(location(e))))
		v := clean(e.Value)
		if v == "" {
			v = "(empty)"
		}
		ls := []string{v}
		if !verbose {
			ls = wrapHard(shorten(v, evidenceLines*n-evidenceLines*8), n)
		}
		for j, l := range ls {
			if j == 0 {
				fmt.Fprintf(w, "%s%s\n", lead, l)
				continue
			}
			fmt.Fprintf(w, "%s%s\n", more, l)
		}
	}
}

// wrapHard wraps text at spaces to lines of at most n runes, cutting words
// that are longer than a line.
func wrapHard(text string, n int) []string {
	var out []string
	for _, l := range wrap(text, n) {
		rs := []rune(l)
		for len(rs) > n {
			out = append(out, string(rs[:n]))
			rs = rs[n:]
		}
		out = append(out, string(rs))
	}
	return out
}

// blockIndent indents the lines of Fix and Verify.
const blockIndent = "    "

// writeBlock writes multi-line text (fix, verify) indented under its label,
// keeping its line breaks: lines too long for the width are wrapped, except
// indented ones (YAML, a command) and commands (prompt is set), which are
// copied as they are.
func writeBlock(w io.Writer, text []string, prompt string, width int) {
	if len(text) == 0 {
		fmt.Fprintf(w, "%s(none)\n", blockIndent)
		return
	}
	continued := false // the previous command line ended in a backslash
	for _, l := range text {
		switch {
		case prompt != "" && strings.TrimSpace(l) != "":
			lead := prompt
			if continued {
				lead = strings.Repeat(" ", len(prompt))
			}
			continued = strings.HasSuffix(l, `\`)
			fmt.Fprintf(w, "%s%s%s\n", blockIndent, lead, l)
		case strings.HasPrefix(l, " ") || utf8.RuneCountInString(l) <= width-len(blockIndent):
			fmt.Fprintf(w, "%s%s\n", blockIndent, l)
		default:
			for _, wl := range wrap(l, width-len(blockIndent)) {
				fmt.Fprintf(w, "%s%s\n", blockIndent, wl)
			}
		}
	}
}

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

func writeNotes(w io.Writer, notes []string, p painter) {
	if len(notes) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s\n", p.paint(ansiYellow, "Notes on the bundle (they may hide a chain):"))
	for _, n := range notes {
		fmt.Fprintf(w, "  - %s\n", clean(n))
	}
}
