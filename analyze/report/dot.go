package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/nsbundle/nsbundle/analyze"
)

// Colors shared by the pictures (dot, mermaid, html).
const (
	rootFill     = "#f8d7da"
	rootStroke   = "#b00020"
	symptomFill  = "#fff3cd"
	missingColor = "#6c757d"
)

// renderDOT writes one Graphviz digraph holding every chain: edges go from
// the symptom towards the root cause, labelled "blocked by"; root causes are
// filled red, symptoms yellow, missing evidence dashed grey.
func renderDOT(w io.Writer, r *analyze.Report, _ Options) error {
	g := newGraph(r.Findings)
	fmt.Fprintln(w, "digraph nsbundle {")
	title := "nsbundle: blocking chains in " + bundleName(r.Bundle)
	if len(r.Findings) == 0 {
		title = "nsbundle: no blocking chains found in " + bundleName(r.Bundle)
	}
	if g.when != "" {
		title += " (" + g.when + ")"
	}
	fmt.Fprintf(w, "  label=%s;\n  labelloc=t;\n  rankdir=TB;\n  fontname=\"Helvetica\";\n", dotQuote(clean(title)))
	fmt.Fprintln(w, `  node [shape=box, style="rounded", fontname="Helvetica", fontsize=11];`)
	fmt.Fprintln(w, `  edge [fontname="Helvetica", fontsize=9];`)
	var began []string // the sequence of each dated finding, for tools that read the graph
	for _, f := range r.Findings {
		if b := beganText(&f); b != "" {
			began = append(began, "["+f.ID+"] began "+b+": "+f.Sequence)
		}
	}
	if len(began) > 0 {
		fmt.Fprintf(w, "  comment=%s;\n", dotQuote(strings.Join(began, "; ")))
	}
	ids := dotIDs(g)
	for i, n := range g.nodes {
		attrs := []string{"label=" + dotLabel(n.labelLines(3))}
		switch {
		case n.root:
			attrs = append(attrs, `style="rounded,filled,bold"`, `fillcolor="`+rootFill+`"`, `color="`+rootStroke+`"`, "penwidth=2")
		case n.missing:
			attrs = append(attrs, `style="rounded,dashed"`, `color="`+missingColor+`"`, `fontcolor="`+missingColor+`"`)
		case n.symptom:
			attrs = append(attrs, `style="rounded,filled"`, `fillcolor="`+symptomFill+`"`)
		}
		fmt.Fprintf(w, "  %s [%s];\n", ids[i], strings.Join(attrs, ", "))
	}
	for _, e := range g.edges {
		attr := `label="blocked by"`
		if e.same {
			attr = `label="same root cause", style=dashed`
		}
		fmt.Fprintf(w, "  %s -> %s [%s];\n", ids[e.from], ids[e.to], attr)
	}
	fmt.Fprintln(w, "}")
	return nil
}

// dotIDs gives every node a quoted ID from its kind/namespace/name, made
// unique with a "#n" suffix if two refs print alike.
func dotIDs(g *graph) []string {
	ids := make([]string, len(g.nodes))
	used := map[string]bool{}
	for i, n := range g.nodes {
		base := refString(n.ref)
		id := base
		for k := 2; used[id]; k++ {
			id = fmt.Sprintf("%s#%d", base, k)
		}
		used[id] = true
		ids[i] = dotQuote(id)
	}
	return ids
}

// dotQuote returns s as a DOT double-quoted string. Control characters
// (newlines included) first become visible escapes (see clean), then
// backslashes and quotes are escaped, so the string stays on one line and
// Graphviz shows exactly the cleaned text, also in labels (escString).
func dotQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range clean(s) {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// dotLabel joins already-clean lines with DOT's centered line break \n.
func dotLabel(ls []string) string {
	q := make([]string, len(ls))
	for i, l := range ls {
		q[i] = strings.TrimSuffix(strings.TrimPrefix(dotQuote(l), `"`), `"`)
	}
	return `"` + strings.Join(q, `\n`) + `"`
}
