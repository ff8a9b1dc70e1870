package report

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/nsbundle/nsbundle/analyze"
)

// dotToken is a token of the DOT language, as far as our output uses it.
type dotToken struct {
	kind string // "id", "str", or the punctuation itself: { } [ ] = ; , ->
	text string // unescaped for "str"
}

// lexDOT tokenizes DOT: bare IDs and numerals, double-quoted strings (where
// \" is a quote and \\ a backslash), and the punctuation we emit. It fails on
// anything else, on an unterminated string and on a raw newline in a string.
func lexDOT(src string) ([]dotToken, error) {
	var toks []dotToken
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			i++
		case strings.HasPrefix(src[i:], "->"):
			toks = append(toks, dotToken{kind: "->"})
			i += 2
		case strings.ContainsRune("{}[]=;,", rune(c)):
			toks = append(toks, dotToken{kind: string(c)})
			i++
		case c == '"':
			var b strings.Builder
			j := i + 1
			for ; j < len(src) && src[j] != '"'; j++ {
				switch {
				case src[j] == '\n':
					return nil, fmt.Errorf("offset %d: raw newline in a string", j)
				case src[j] == '\\' && j+1 < len(src) && (src[j+1] == '"' || src[j+1] == '\\'):
					j++
					b.WriteByte(src[j])
				default:
					b.WriteByte(src[j])
				}
			}
			if j >= len(src) {
				return nil, fmt.Errorf("offset %d: unterminated string", i)
			}
			toks = append(toks, dotToken{kind: "str", text: b.String()})
			i = j + 1
		case c == '_' || c == '.' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(src) && (src[j] == '_' || src[j] == '.' || src[j] >= '0' && src[j] <= '9' || src[j] >= 'a' && src[j] <= 'z' || src[j] >= 'A' && src[j] <= 'Z') {
				j++
			}
			if j == i {
				return nil, fmt.Errorf("offset %d: unexpected %q", i, c)
			}
			toks = append(toks, dotToken{kind: "id", text: src[i:j]})
			i = j
		default:
			return nil, fmt.Errorf("offset %d: unexpected %q", i, c)
		}
	}
	return toks, nil
}

// dotGraph is what parseDOT understood.
type dotGraph struct {
	nodes     []string                     // declared node IDs, in order
	nodeAttrs map[string]map[string]string // per node
	edges     [][2]string
	edgeAttrs []map[string]string
}

// parseDOT parses the subset of DOT renderDOT writes:
//
//	digraph ID { (graph-attr | attr-stmt | node-stmt | edge-stmt) ; ... }
//
// and checks that every edge joins declared nodes.
func parseDOT(src string) (*dotGraph, error) {
	toks, err := lexDOT(src)
	if err != nil {
		return nil, err
	}
	p := 0
	next := func() dotToken {
		if p >= len(toks) {
			return dotToken{kind: "EOF"}
		}
		p++
		return toks[p-1]
	}
	peek := func() dotToken {
		if p >= len(toks) {
			return dotToken{kind: "EOF"}
		}
		return toks[p]
	}
	isID := func(t dotToken) bool { return t.kind == "id" || t.kind == "str" }
	attrList := func() (map[string]string, error) {
		attrs := map[string]string{}
		if peek().kind != "[" {
			return attrs, nil
		}
		next()
		for peek().kind != "]" {
			k, eq, v := next(), next(), next()
			if !isID(k) || eq.kind != "=" || !isID(v) {
				return nil, fmt.Errorf("token %d: bad attribute %v %v %v", p, k, eq, v)
			}
			attrs[k.text] = v.text
			if peek().kind == "," || peek().kind == ";" {
				next()
			}
		}
		next()
		return attrs, nil
	}
	if t := next(); t.kind != "id" || t.text != "digraph" {
		return nil, fmt.Errorf("want digraph, got %v", t)
	}
	if isID(peek()) {
		next()
	}
	if t := next(); t.kind != "{" {
		return nil, fmt.Errorf("want {, got %v", t)
	}
	g := &dotGraph{nodeAttrs: map[string]map[string]string{}}
	for peek().kind != "}" {
		t := next()
		if !isID(t) {
			return nil, fmt.Errorf("token %d: want a statement, got %v", p, t)
		}
		switch {
		case t.kind == "id" && (t.text == "graph" || t.text == "node" || t.text == "edge"):
			if _, err := attrList(); err != nil {
				return nil, err
			}
		case peek().kind == "=":
			next()
			if v := next(); !isID(v) {
				return nil, fmt.Errorf("token %d: bad graph attribute value %v", p, v)
			}
		case peek().kind == "->":
			ends := []string{t.text}
			for peek().kind == "->" {
				next()
				to := next()
				if !isID(to) {
					return nil, fmt.Errorf("token %d: bad edge end %v", p, to)
				}
				ends = append(ends, to.text)
			}
			attrs, err := attrList()
			if err != nil {
				return nil, err
			}
			for i := 1; i < len(ends); i++ {
				for _, e := range ends[i-1 : i+1] {
					if _, ok := g.nodeAttrs[e]; !ok {
						return nil, fmt.Errorf("edge %q -> %q: node %q not declared", ends[i-1], ends[i], e)
					}
				}
				g.edges = append(g.edges, [2]string{ends[i-1], ends[i]})
				g.edgeAttrs = append(g.edgeAttrs, attrs)
			}
		default:
			attrs, err := attrList()
			if err != nil {
				return nil, err
			}
			if _, dup := g.nodeAttrs[t.text]; dup {
				return nil, fmt.Errorf("node %q declared twice", t.text)
			}
			g.nodes = append(g.nodes, t.text)
			g.nodeAttrs[t.text] = attrs
		}
		if peek().kind == ";" {
			next()
		}
	}
	next()
	if t := peek(); t.kind != "EOF" {
		return nil, fmt.Errorf("token %d: %v after the graph", p, t)
	}
	return g, nil
}

func TestDOTStructure(t *testing.T) {
	t.Parallel()
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := Render(&buf, c.report, FormatDOT, Options{}); err != nil {
				t.Fatal(err)
			}
			g, err := parseDOT(buf.String())
			if err != nil {
				t.Fatalf("invalid DOT: %v\n%s", err, buf.String())
			}
			// Every object of every chain is one node, named kind/namespace/name.
			want := map[string]bool{}
			var roots []string
			for _, f := range c.report.Findings {
				for _, l := range f.Chain {
					want[clean(refString(l.Ref))] = true
				}
				for _, a := range f.AlsoAffects {
					want[clean(refString(a))] = true
				}
				want[clean(refString(f.RootCause.Ref))] = true
				roots = append(roots, clean(refString(f.RootCause.Ref)))
			}
			if len(g.nodes) != len(want) {
				t.Errorf("%d nodes, want %d: %q", len(g.nodes), len(want), g.nodes)
			}
			for _, n := range g.nodes {
				if !want[n] {
					t.Errorf("node %q is no ref of the report", n)
				}
			}
			for _, r := range roots {
				if g.nodeAttrs[r]["fillcolor"] != rootFill {
					t.Errorf("root %q not highlighted: %v", r, g.nodeAttrs[r])
				}
			}
			for i, e := range g.edges {
				if l := g.edgeAttrs[i]["label"]; l != "blocked by" && l != "same root cause" {
					t.Errorf("edge %q: label %q", e, l)
				}
			}
			// A chain of n links has n-1 "blocked by" edges from symptom to root.
			for _, f := range c.report.Findings {
				for i := 1; i < len(f.Chain); i++ {
					want := [2]string{clean(refString(f.Chain[i-1].Ref)), clean(refString(f.Chain[i].Ref))}
					if !hasEdge(g, want) {
						t.Errorf("missing edge %q", want)
					}
				}
			}
		})
	}
}

func hasEdge(g *dotGraph, e [2]string) bool {
	for _, got := range g.edges {
		if got == e {
			return true
		}
	}
	return false
}

func TestParseDOTRejects(t *testing.T) {
	t.Parallel()
	for _, src := range []string{
		`digraph g { "a\" -> b; }`,           // the quote is escaped: unterminated
		"digraph g { \"a\nb\"; }",            // raw newline in a string
		`digraph g { a; a -> c; }`,           // c not declared
		`digraph g { a [label="x" color]; }`, // attribute without value
		`graph g { a; }`,                     // not a digraph
		`digraph g { a; } trailing`,          // junk after the graph
	} {
		if _, err := parseDOT(src); err == nil {
			t.Errorf("parseDOT accepted %q", src)
		}
	}
}

// TestDOTGraphviz runs Graphviz on every case when the dot binary is
// installed (.ci/run installs graphviz); it must accept the file without a
// warning.
func TestDOTGraphviz(t *testing.T) {
	t.Parallel()
	dot, err := exec.LookPath("dot")
	if err != nil {
		t.Skip("graphviz dot not installed")
	}
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var in, out, stderr bytes.Buffer
			if err := Render(&in, c.report, FormatDOT, Options{}); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(dot, "-Tsvg")
			cmd.Stdin, cmd.Stdout, cmd.Stderr = &in, &out, &stderr
			if err := cmd.Run(); err != nil || stderr.Len() > 0 {
				t.Fatalf("dot -Tsvg: %v: %s\n%s", err, stderr.String(), in.String())
			}
			if !strings.Contains(out.String(), "<svg") {
				t.Fatalf("dot -Tsvg wrote no SVG")
			}
			for _, f := range c.report.Findings {
				if n := strings.Count(out.String(), `class="node"`); n < len(f.Chain) {
					t.Errorf("SVG has %d nodes, chain has %d links", n, len(f.Chain))
				}
			}
		})
	}
}

// TestDOTDedup: two chains through the same APIService share its node.
func TestDOTDedup(t *testing.T) {
	t.Parallel()
	r := ccmRoutesReport()
	second := r.Findings[0]
	second.Symptom = analyze.Ref{Kind: analyze.KindNamespace, Name: "billing"}
	second.Chain = append([]analyze.Link{{Ref: second.Symptom, Problem: "Terminating"}}, second.Chain[1:]...)
	r.Findings = append(r.Findings, second)
	var buf bytes.Buffer
	if err := Render(&buf, r, FormatDOT, Options{}); err != nil {
		t.Fatal(err)
	}
	g, err := parseDOT(buf.String())
	if err != nil {
		t.Fatal(err)
	}
	if want := len(r.Findings[0].Chain) + 1; len(g.nodes) != want {
		t.Errorf("%d nodes, want %d", len(g.nodes), want)
	}
	if want := len(r.Findings[0].Chain); len(g.edges) != want {
		t.Errorf("%d edges, want %d", len(g.edges), want)
	}
}
