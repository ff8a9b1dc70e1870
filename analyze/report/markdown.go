package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/nsbundle/nsbundle/analyze"
)

// renderMarkdown writes a ticket-ready summary (CommonMark with a GFM table):
// a heading per finding, its chain as a numbered list with the evidence
// quoted, the fix and the verify command in fenced code blocks, and a mermaid
// block of the chain.
func renderMarkdown(w io.Writer, r *analyze.Report, opts Options) error {
	limit := docValueLimit
	if opts.Verbose {
		limit = 0
	}
	fmt.Fprintf(w, "# nsbundle analysis\n\n%s\n\n", mdBundle(r.Bundle))
	if len(r.Findings) == 0 {
		fmt.Fprintf(w, "**No blocking chains found.**\n")
		if len(r.Checked) > 0 {
			fmt.Fprintf(w, "\nChecked: %s.\n", mdText(strings.Join(r.Checked, "; ")))
		}
		writeMDNotes(w, r.Notes)
		return nil
	}
	fmt.Fprintln(w, "| # | Rule | Severity | Symptom | Root cause |")
	fmt.Fprintln(w, "|---|------|----------|---------|------------|")
	for i, f := range r.Findings {
		fmt.Fprintf(w, "| %d | %s | %s | %s | %s |\n", i+1, mdText(f.ID), mdText(string(f.Severity)),
			mdCode(refString(f.Symptom)), mdCode(refString(f.RootCause.Ref)))
	}
	for i := range r.Findings {
		writeMDFinding(w, i+1, &r.Findings[i], limit)
	}
	writeMDNotes(w, r.Notes)
	return nil
}

func mdBundle(b analyze.BundleInfo) string {
	parts := []string{"**Bundle:** " + mdCode(bundleName(b))}
	if b.Layout != "" {
		parts = append(parts, "layout "+mdText(b.Layout))
	}
	if b.ClusterVersion != "" {
		parts = append(parts, "cluster "+mdCode(b.ClusterVersion))
	}
	if b.Flavor != "" {
		parts = append(parts, "flavor "+mdText(b.Flavor))
	}
	if b.CollectedAt != "" {
		parts = append(parts, "collected "+mdText(b.CollectedAt))
	}
	return strings.Join(parts, " · ")
}

func writeMDFinding(w io.Writer, n int, f *analyze.Finding, limit int) {
	fmt.Fprintf(w, "\n## %d. %s (%s): %s\n\n", n, mdText(f.ID), mdText(string(f.Severity)), mdText(f.Summary))
	fmt.Fprintf(w, "**Symptom:** %s", mdCode(refString(f.Symptom)))
	if len(f.AlsoAffects) > 0 {
		refs := make([]string, len(f.AlsoAffects))
		for i, a := range f.AlsoAffects {
			refs[i] = mdCode(refString(a))
		}
		fmt.Fprintf(w, " (also affects %s)", strings.Join(refs, ", "))
	}
	fmt.Fprint(w, "\n\n")
	writeMDTimeline(w, f)
	fmt.Fprintf(w, "### Blocking chain\n\n")
	for i, l := range f.Chain {
		marker := fmt.Sprintf("%d. ", i+1)
		indent := strings.Repeat(" ", len(marker))
		fmt.Fprintf(w, "%s%s %s", marker, mdBold(l.Kind.String()), mdCode(refName(l.Ref)))
		if l.Problem != "" {
			fmt.Fprintf(w, ": %s", mdText(l.Problem))
		}
		fmt.Fprintln(w)
		evs := l.Evidence
		if c := l.ChangedBy; c != nil {
			fmt.Fprintf(w, "\n%s**Changed by:** %s\n", indent, mdText(changeText(c)))
			evs = append(evs[:len(evs):len(evs)], c.Evidence)
		}
		for _, e := range evs {
			// A quote per item: its location, a hard line break, the value.
			fmt.Fprintf(w, "\n%s> %s\\\n%s> %s\n", indent, mdCode(location(e)), indent, mdCode(shortenAround(clean(e.Value), clean(e.Match), limit)))
		}
		fmt.Fprintln(w)
	}
	if len(f.Chain) == 0 {
		fmt.Fprint(w, "No chain was recorded.\n\n")
	}
	fmt.Fprintf(w, "**Root cause:** %s %s", mdBold(f.RootCause.Kind.String()), mdCode(refName(f.RootCause.Ref)))
	if f.RootCause.Problem != "" {
		fmt.Fprintf(w, ": %s", mdText(f.RootCause.Problem))
	}
	fmt.Fprint(w, "\n\n### Fix\n\n")
	writeMDFix(w, lines(f.Fix))
	fmt.Fprint(w, "\n### Verify\n\n")
	writeFence(w, "sh", lines(f.Verify.Command))
	if f.Verify.Expect != "" {
		fmt.Fprintf(w, "\nExpect: %s\n", mdText(f.Verify.Expect))
	}
	if len(f.Missing) > 0 {
		fmt.Fprint(w, "\n### Missing evidence\n\n")
		for _, m := range f.Missing {
			fmt.Fprintf(w, "- %s\n", mdText(m))
		}
	}
	fmt.Fprint(w, "\n### Chain graph\n\n")
	var chart strings.Builder
	writeMermaidChart(&chart, newGraph([]analyze.Finding{*f}), "")
	writeFence(w, "mermaid", strings.Split(strings.TrimSuffix(chart.String(), "\n"), "\n"))
}

// writeMDTimeline writes the finding's timeline first: when it began at its
// root, one numbered line per entry (see timelineEntries), then the order
// warnings as quotes.
func writeMDTimeline(w io.Writer, f *analyze.Finding) {
	es := timelineEntries(f.Timeline)
	if len(es) == 0 {
		return
	}
	fmt.Fprint(w, "### Timeline (UTC)\n\n")
	if b := beganText(f); b != "" {
		fmt.Fprintf(w, "**Began:** %s, at %s\n\n", b, mdCode(refString(f.Chain[len(f.Chain)-1].Ref)))
	} else {
		fmt.Fprint(w, "**Began:** not dated: the bundle shows no time for the root cause\n\n")
	}
	for i, e := range es {
		refs := make([]string, len(e.refs))
		for j, r := range e.refs {
			refs[j] = mdCode(refString(r))
		}
		fmt.Fprintf(w, "%d. %s %s: %s\n", i+1, e.when, strings.Join(refs, ", "), mdText(e.what))
	}
	fmt.Fprintln(w)
	for _, o := range f.OrderWarnings {
		fmt.Fprintf(w, "> **Order warning:** %s\n\n", mdText(o))
	}
}

// writeMDFix writes a fix as prose paragraphs and, for its indented lines
// (the commands, one per line), shell code blocks without the indent.
func writeMDFix(w io.Writer, ls []string) {
	if len(ls) == 0 {
		fmt.Fprint(w, "*(none)*\n")
		return
	}
	var cmds []string
	first := true
	part := func() { // a blank line between parts
		if !first {
			fmt.Fprintln(w)
		}
		first = false
	}
	flush := func() {
		if len(cmds) > 0 {
			part()
			writeFence(w, "sh", cmds)
			cmds = nil
		}
	}
	for _, l := range ls {
		switch {
		case strings.HasPrefix(l, " ") && strings.TrimSpace(l) != "":
			cmds = append(cmds, strings.TrimLeft(l, " "))
		case strings.TrimSpace(l) == "":
		default:
			flush()
			part()
			fmt.Fprintf(w, "%s\n", mdText(l))
		}
	}
	flush()
}

// refName is the namespace/name part of a ref.
func refName(r analyze.Ref) string {
	if r.Namespace == "" {
		return r.Name
	}
	return r.Namespace + "/" + r.Name
}

func writeMDNotes(w io.Writer, notes []string) {
	if len(notes) == 0 {
		return
	}
	fmt.Fprint(w, "\n## Notes on the bundle\n\n")
	for _, n := range notes {
		fmt.Fprintf(w, "- %s\n", mdText(n))
	}
}

// writeFence writes a fenced code block whose fence is longer than any run
// of backticks in the (already clean) lines.
func writeFence(w io.Writer, info string, ls []string) {
	fence := strings.Repeat("`", max(3, longestRun(strings.Join(ls, "\n"), '`')+1))
	fmt.Fprintf(w, "%s%s\n", fence, info)
	for _, l := range ls {
		fmt.Fprintln(w, l)
	}
	fmt.Fprintln(w, fence)
}

func longestRun(s string, c rune) int {
	best, cur := 0, 0
	for _, r := range s {
		if r == c {
			cur++
			best = max(best, cur)
		} else {
			cur = 0
		}
	}
	return best
}

// mdCode returns s, cleaned, as an inline code span that survives backticks
// in s.
func mdCode(s string) string {
	s = clean(s)
	if s == "" {
		return "*(empty)*"
	}
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") ||
		(strings.HasPrefix(s, " ") && strings.HasSuffix(s, " ") && strings.TrimSpace(s) != "") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// mdBold is s as escaped bold text, or *(none)* when s is empty.
func mdBold(s string) string {
	if t := mdText(s); t != "" {
		return "**" + t + "**"
	}
	return "*(none)*"
}

// mdSpecial are the characters that could start markup anywhere in a line.
const mdSpecial = "\\`*_[]<>|~&"

// mdText escapes cleaned text so Markdown shows it literally, inline: the
// characters in mdSpecial anywhere, and a leading character that would start
// a heading, list, quote or thematic break.
func mdText(s string) string {
	s = strings.TrimSpace(clean(s)) // inline, outer space means nothing
	var b strings.Builder
	for i, r := range s {
		if strings.ContainsRune(mdSpecial, r) || (i == 0 && strings.ContainsRune("#+-=>", r)) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	out := b.String()
	// "1. x" or "1) x" at the start would be an ordered list item.
	if j := strings.IndexFunc(out, func(r rune) bool { return r < '0' || r > '9' }); j > 0 && (out[j] == '.' || out[j] == ')') {
		out = out[:j] + "\\" + out[j:]
	}
	return out
}
