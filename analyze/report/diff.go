package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/diff"
)

// DiffFormats are the formats RenderDiff writes: table, json, markdown.
func DiffFormats() []Format { return []Format{FormatTable, FormatJSON, FormatMarkdown} }

// DiffFormatFlag is a pflag.Value holding one of DiffFormats, so a bad -o is
// rejected when the flags are parsed.
type DiffFormatFlag Format

// String returns the current format name.
func (f *DiffFormatFlag) String() string { return (*FormatFlag)(f).String() }

// Set accepts one of DiffFormats; its error lists them.
func (f *DiffFormatFlag) Set(s string) error {
	p, err := ParseFormat(s)
	for _, d := range DiffFormats() {
		if err == nil && p == d {
			*f = DiffFormatFlag(p)
			return nil
		}
	}
	return fmt.Errorf("unknown output format %q: allowed formats are %s", s, strings.Join(DiffFormatNames(), ", "))
}

// Type names the value in help text.
func (f *DiffFormatFlag) Type() string { return "format" }

// Format returns the flag's value, FormatTable when unset.
func (f *DiffFormatFlag) Format() Format { return Format(f.String()) }

// DiffFormatNames returns the names of DiffFormats, for help text and
// completion.
func DiffFormatNames() []string {
	var out []string
	for _, f := range DiffFormats() {
		out = append(out, string(f))
	}
	return out
}

// RenderDiff writes the comparison r in format f (one of DiffFormats; ""
// is table). Evidence values are shortened unless opts.Verbose; JSON holds
// everything.
func RenderDiff(w io.Writer, r *diff.Result, f Format, opts Options) error {
	if r == nil {
		return errors.New("render diff: nil result")
	}
	var buf bytes.Buffer
	switch f {
	case "", FormatTable:
		renderDiffTable(&buf, r, opts)
	case FormatJSON:
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(normalizedDiff(r)); err != nil {
			return fmt.Errorf("render diff as json: %w", err)
		}
	case FormatMarkdown:
		renderDiffMarkdown(&buf, r, opts)
	default:
		return fmt.Errorf("render diff: unknown output format %q: allowed formats are %s", f, strings.Join(DiffFormatNames(), ", "))
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write %s diff: %w", f, err)
	}
	return nil
}

// normalizedDiff gives every finding its signature and a non-nil chain, as
// normalized does for a report.
func normalizedDiff(r *diff.Result) *diff.Result {
	c := *r
	c.Chains = make([]diff.Chain, len(r.Chains))
	fix := func(f *analyze.Finding) *analyze.Finding {
		if f == nil {
			return nil
		}
		n := normalized(&analyze.Report{Findings: []analyze.Finding{*f}}).Findings[0]
		return &n
	}
	for i, ch := range r.Chains {
		ch.Before, ch.After = fix(ch.Before), fix(ch.After)
		c.Chains[i] = ch
	}
	return &c
}

// verdict is the one-line answer to "did the fix work?".
func verdict(r *diff.Result) string {
	if r.Clean() {
		if r.Count(diff.Resolved) == 0 {
			return "no blocking chain before or after"
		}
		return "the fix worked: every chain of BEFORE is resolved and nothing is new"
	}
	var parts []string
	for _, s := range []diff.Status{diff.Persists, diff.Changed, diff.New} {
		if n := r.Count(s); n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	return "not fixed: " + strings.Join(parts, ", ")
}

func diffCounts(r *diff.Result) string {
	var parts []string
	for _, s := range []diff.Status{diff.Resolved, diff.Persists, diff.Changed, diff.New} {
		parts = append(parts, fmt.Sprintf("%d %s", r.Count(s), s))
	}
	return strings.Join(parts, ", ")
}

func sideLine(s diff.Side) string {
	l := bundleLine(s.BundleInfo)
	if s.ClusterUID != "" {
		l += ", kube-system UID " + clean(s.ClusterUID)
	}
	return l
}

// shown is the finding a chain is described by: AFTER's when there is one.
func shown(c diff.Chain) *analyze.Finding {
	if c.After != nil {
		return c.After
	}
	return c.Before
}

func renderDiffTable(w io.Writer, r *diff.Result, opts Options) {
	p := painter(opts.Color)
	limit := docValueLimit
	if opts.Verbose {
		limit = 0
	}
	fmt.Fprintf(w, "BEFORE  %s\nAFTER   %s\n\n", sideLine(r.Before), sideLine(r.After))
	for _, c := range r.Chains {
		f := shown(c)
		fmt.Fprintf(w, "%s [%s] %s\n", p.status(c.Status), clean(f.ID), clean(f.Summary))
		switch c.Status {
		case diff.Persists:
			fmt.Fprintln(w, "          still there:")
			for _, e := range c.Evidence {
				fmt.Fprintf(w, "            %s: %s\n", clean(location(e)), clean(shortenAround(e.Value, e.Match, limit)))
			}
		case diff.Changed:
			fmt.Fprintf(w, "          was: [%s] %s\n", clean(c.Before.ID), clean(c.Before.Summary))
			fmt.Fprintf(w, "          %s\n", clean(c.Change))
		}
	}
	if len(r.Chains) > 0 {
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%s (%s)\n", verdict(r), diffCounts(r))
}

func (p painter) status(s diff.Status) string {
	text := fmt.Sprintf("%-9s", s)
	switch s {
	case diff.Resolved:
		return p.paint(ansiGreen, text)
	case diff.Persists, diff.New:
		return p.paint(ansiBold+ansiRed, text)
	}
	return p.paint(ansiYellow, text)
}

// renderDiffMarkdown writes a ticket reply: the verdict, a table of the
// chains, then what is still there (with its evidence and fix), what changed,
// what is new and what is resolved.
func renderDiffMarkdown(w io.Writer, r *diff.Result, opts Options) {
	limit := docValueLimit
	if opts.Verbose {
		limit = 0
	}
	fmt.Fprintf(w, "# Did the fix work?\n\n**Before:** %s\n\n**After:** %s\n\n", mdSide(r.Before), mdSide(r.After))
	fmt.Fprintf(w, "**%s** (%s).\n", mdText(strings.ToUpper(verdict(r)[:1])+verdict(r)[1:]), mdText(diffCounts(r)))
	if len(r.Chains) == 0 {
		return
	}
	fmt.Fprintln(w, "\n| Status | Rule | Symptom | Root cause before | Root cause after |")
	fmt.Fprintln(w, "|--------|------|---------|-------------------|------------------|")
	for _, c := range r.Chains {
		f := shown(c)
		before, after := "—", "—"
		if c.Before != nil {
			before = mdCode(refString(c.Before.RootCause.Ref))
		}
		if c.After != nil {
			after = mdCode(refString(c.After.RootCause.Ref))
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", c.Status, mdText(f.ID), mdCode(refString(f.Symptom)), before, after)
	}
	sections := []struct {
		status diff.Status
		title  string
	}{
		{diff.Persists, "Still there"},
		{diff.Changed, "Changed"},
		{diff.New, "New since the first bundle"},
		{diff.Resolved, "Resolved"},
	}
	for _, s := range sections {
		if r.Count(s.status) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n## %s\n", s.title)
		for _, c := range r.Chains {
			if c.Status != s.status {
				continue
			}
			f := shown(c)
			fmt.Fprintf(w, "\n### %s: %s\n", mdText(f.ID), mdText(f.Summary))
			switch c.Status {
			case diff.Persists:
				fmt.Fprint(w, "\nEvidence still in the new bundle:\n\n")
				for _, e := range c.Evidence {
					fmt.Fprintf(w, "- %s: %s\n", mdCode(location(e)), mdCode(shortenAround(e.Value, e.Match, limit)))
				}
			case diff.Changed:
				fmt.Fprintf(w, "\nWas: %s: %s\n\n%s\n", mdText(c.Before.ID), mdText(c.Before.Summary), mdText(c.Change))
			}
			if c.Status != diff.Resolved {
				fmt.Fprint(w, "\nFix:\n\n")
				writeFence(w, "", lines(f.Fix))
				fmt.Fprint(w, "\nVerify:\n\n")
				writeFence(w, "sh", lines(f.Verify.Command))
				if f.Verify.Expect != "" {
					fmt.Fprintf(w, "\nExpect: %s\n", mdText(f.Verify.Expect))
				}
			}
		}
	}
}

func mdSide(s diff.Side) string {
	out := mdBundle(s.BundleInfo)
	out = strings.TrimPrefix(out, "**Bundle:** ")
	if s.ClusterUID != "" {
		out += " · kube-system UID " + mdCode(s.ClusterUID)
	}
	return out
}
