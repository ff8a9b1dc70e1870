package report

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

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
	writeBegan(w, f, p, width)
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
		writeLink(w, &l, prefix, p, width, verbose, quoted)
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
	writeTimeline(w, f.Timeline, p, width, verbose)
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

// maxMoments is how many timeline entries the table shows unless Verbose.
const maxMoments = 5

// writeBegan writes the chain's sequence, root first ("Began: 2026-11-23
// 07:57:31 ClusterRole/x → 07:57:31 Component/y"), then each order warning,
// so a chain the clocks contradict is flagged before it is read.
func writeBegan(w io.Writer, f *analyze.Finding, p painter, width int) {
	if f.Sequence != "" {
		const label = "Began:"
		n := max(width-len(label)-3, 20)
		var ls []string // whole steps per line, unless one is too long
		for _, step := range strings.Split(clean(f.Sequence), " → ") {
			switch last := len(ls) - 1; {
			case last >= 0 && utf8.RuneCountInString(ls[last]+" → "+step+" →") <= n:
				ls[last] += " → " + step
			case last >= 0:
				ls[last] += " →"
				fallthrough
			default:
				ls = append(ls, step)
			}
		}
		writeLabelled(w, "  ", p.paint(ansiBold, label), label, ls, width)
	}
	for _, o := range f.OrderWarnings {
		const label = "Order warning:"
		writeLabelled(w, "  ", p.paint(ansiBold+ansiYellow, label), label, wrap(clean(o), max(width-len(label)-3, 20)), width)
	}
}

// writeLabelled writes "lead label line", the further lines under the
// first's start, each wrapped again if still too long.
func writeLabelled(w io.Writer, lead, painted, label string, ls []string, width int) {
	indent := strings.Repeat(" ", len(lead)+1+utf8.RuneCountInString(label))
	var out []string
	for _, l := range ls {
		out = append(out, wrap(l, max(width-len(indent), 20))...)
	}
	for j, line := range out {
		if j == 0 {
			fmt.Fprintf(w, "%s%s %s\n", lead, painted, line)
			continue
		}
		fmt.Fprintf(w, "%s%s\n", indent, line)
	}
}

// writeTimeline writes the timeline's entries (see timelineEntries), times
// right-aligned, at most maxMoments of them unless verbose; verbose adds the
// location of the evidence that dates each.
func writeTimeline(w io.Writer, tl []analyze.Moment, p painter, width int, verbose bool) {
	es := timelineEntries(tl)
	if len(es) == 0 {
		return
	}
	shown := es
	if !verbose && len(es) > maxMoments {
		shown = es[:maxMoments]
	}
	col := 0
	for _, e := range shown {
		col = max(col, len(e.when))
	}
	// Times in a column of their own, or, when that leaves too little room
	// for the text, each on its own line above it.
	indent := strings.Repeat(" ", 4+col+2)
	narrow := width-len(indent) < 60
	if narrow {
		indent = "      "
	}
	fmt.Fprintf(w, "  %s\n", p.paint(ansiBold, "Timeline (UTC):"))
	for _, e := range shown {
		text := clean(refList(e.refs) + ": " + e.what)
		if narrow {
			fmt.Fprintf(w, "    %s\n", e.when)
		}
		for j, line := range wrapHard(text, width-len(indent)) {
			if j == 0 && !narrow {
				fmt.Fprintf(w, "    %*s  %s\n", col, e.when, line)
				continue
			}
			fmt.Fprintf(w, "%s%s\n", indent, line)
		}
		if verbose && e.ev != nil {
			fmt.Fprintf(w, "%s%s\n", indent, p.paint(ansiDim, clean(location(*e.ev))))
		}
	}
	if n := len(es) - len(shown); n > 0 {
		fmt.Fprintf(w, "    %s\n", p.paint(ansiDim, fmt.Sprintf("… %d more (verbose output shows all)", n)))
	}
}

// writeLink writes one link of a chain after prefix: its ref and problem,
// its evidence, and who changed its object (Link.ChangedBy) with the audit
// line quoted.
func writeLink(w io.Writer, l *analyze.Link, prefix string, p painter, width int, verbose bool, quoted map[evidenceKey]bool) {
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
	if c := l.ChangedBy; c != nil {
		const label = "Changed by:"
		writeLabelled(w, "      ", p.paint(ansiBold+ansiRed, label), label, []string{clean(changeText(c))}, width)
		writeEvidence(w, []analyze.Evidence{c.Evidence}, p, width, verbose, quoted)
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
			ls = wrapHard(shortenAround(v, clean(e.Match), evidenceLines*n-evidenceLines*8), n)
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

func writeNotes(w io.Writer, notes []string, p painter) {
	if len(notes) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s\n", p.paint(ansiYellow, "Notes on the bundle (they may hide a chain):"))
	for _, n := range notes {
		fmt.Fprintf(w, "  - %s\n", clean(n))
	}
}
