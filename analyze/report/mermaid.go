package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/nsbundle/nsbundle/analyze"
)

// renderMermaid writes one "flowchart TD" per finding, each preceded by a
// %% comment naming the finding and separated by a blank line.
func renderMermaid(w io.Writer, r *analyze.Report, _ Options) error {
	if len(r.Findings) == 0 {
		fmt.Fprintf(w, "%%%% no blocking chains found in %s\n", clean(bundleName(r.Bundle)))
		fmt.Fprintf(w, "flowchart TD\n  none[\"%s\"]\n", mermaidText("No blocking chains found"))
		return nil
	}
	for i := range r.Findings {
		if i > 0 {
			fmt.Fprintln(w)
		}
		writeMermaidFinding(w, &r.Findings[i])
	}
	return nil
}

// writeMermaidFinding writes the flowchart of one finding's chain.
func writeMermaidFinding(w io.Writer, f *analyze.Finding) {
	g := newGraph([]analyze.Finding{*f})
	when := ""
	if g.when != "" {
		when = " (" + g.when + ")"
	}
	fmt.Fprintf(w, "%%%% [%s] %s: %s%s\n", clean(f.ID), clean(string(f.Severity)), clean(f.Summary), when)
	writeMermaidChart(w, g, "")
}

// writeMermaidChart writes g as a flowchart; indent prefixes every line (for
// embedding).
func writeMermaidChart(w io.Writer, g *graph, indent string) {
	fmt.Fprintf(w, "%sflowchart TD\n", indent)
	var roots, symptoms, missing []string
	for i, n := range g.nodes {
		ls := n.labelLines(3)
		for j := range ls {
			ls[j] = mermaidText(ls[j])
		}
		ls[0] = "<b>" + ls[0] + "</b>"
		fmt.Fprintf(w, "%s  n%d[\"%s\"]\n", indent, i, strings.Join(ls, "<br/>"))
		id := fmt.Sprintf("n%d", i)
		switch {
		case n.root:
			roots = append(roots, id)
		case n.missing:
			missing = append(missing, id)
		case n.symptom:
			symptoms = append(symptoms, id)
		}
	}
	for _, e := range g.edges {
		if e.same {
			fmt.Fprintf(w, "%s  n%d -.->|same root cause| n%d\n", indent, e.from, e.to)
			continue
		}
		fmt.Fprintf(w, "%s  n%d -->|blocked by| n%d\n", indent, e.from, e.to)
	}
	fmt.Fprintf(w, "%s  classDef root fill:%s,stroke:%s,stroke-width:3px\n", indent, rootFill, rootStroke)
	fmt.Fprintf(w, "%s  classDef symptom fill:%s\n", indent, symptomFill)
	fmt.Fprintf(w, "%s  classDef missing stroke:%s,stroke-dasharray:4 3,color:%s\n", indent, missingColor, missingColor)
	for _, c := range []struct {
		class string
		ids   []string
	}{{"root", roots}, {"symptom", symptoms}, {"missing", missing}} {
		if len(c.ids) > 0 {
			fmt.Fprintf(w, "%s  class %s %s\n", indent, strings.Join(c.ids, ","), c.class)
		}
	}
}

// mermaidText escapes clean text for a quoted Mermaid label ["..."]: the
// characters Mermaid, its HTML labels or its Markdown handling would
// interpret become entity codes (#quot; #35; #lt; #gt; #amp; #96; #42; #95;),
// and so does the "." or ")" of a leading "1." that would start a list.
func mermaidText(s string) string {
	var b strings.Builder
	s = clean(s)
	digits := len(s) - len(strings.TrimLeft(s, "0123456789"))
	for i, r := range s {
		if digits > 0 && i == digits && (r == '.' || r == ')') {
			fmt.Fprintf(&b, "#%d;", r)
			continue
		}
		switch r {
		case '*':
			b.WriteString("#42;")
		case '_':
			b.WriteString("#95;")
		case '"':
			b.WriteString("#quot;")
		case '#':
			b.WriteString("#35;")
		case '<':
			b.WriteString("#lt;")
		case '>':
			b.WriteString("#gt;")
		case '&':
			b.WriteString("#amp;")
		case '`':
			b.WriteString("#96;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
