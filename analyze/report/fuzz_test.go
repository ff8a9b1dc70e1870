package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
	"sigs.k8s.io/yaml"

	"github.com/nsbundle/nsbundle/analyze"
)

// FuzzRenderEscaping puts arbitrary bundle text into every field a rule copies
// from the bundle and checks each format still holds: DOT parses, Mermaid
// lines keep their shape, Markdown has no raw HTML and keeps its list, the
// table has no control character.
func FuzzRenderEscaping(f *testing.F) {
	for _, s := range []string{"plain", "a\"b\\", "x\ny\r\n", "\x1b[2J", "<script>", "`", "```", "1. x", "# h", "\\", "\"", "\xff\xfe", "#quot;", "a]b[c", "-> {", "\u2028", "\x7f\u0085\ufeff", " 0)", ""} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, name, value string) {
		r := &analyze.Report{
			Bundle: analyze.BundleInfo{Path: value},
			Findings: []analyze.Finding{{
				ID: name, Severity: analyze.Severity(value), Symptom: analyze.Ref{Kind: analyze.KindNamespace, Name: name},
				Summary: value,
				Chain: []analyze.Link{
					{Ref: analyze.Ref{Kind: analyze.KindNamespace, Name: name}, Problem: value, Evidence: []analyze.Evidence{{Path: name, Pointer: value, Value: value}}},
					{Ref: analyze.Ref{Kind: analyze.ObjectKind(value), Namespace: value, Name: name + "x"}, Problem: name},
				},
				RootCause: analyze.RootCause{Ref: analyze.Ref{Kind: analyze.ObjectKind(value), Namespace: value, Name: name + "x"}},
				Fix:       value, Verify: analyze.Verify{Command: value, Expect: value}, Missing: []string{value},
			}},
			Notes: []string{value},
		}
		out := map[Format]string{}
		for _, fm := range Formats() {
			var buf bytes.Buffer
			if err := Render(&buf, r, fm, Options{}); err != nil {
				t.Fatalf("%s: %v", fm, err)
			}
			out[fm] = buf.String()
		}
		fromYAML, err := yaml.YAMLToJSON([]byte(out[FormatYAML]))
		if err != nil {
			t.Fatalf("YAML does not parse: %v\n%s", err, out[FormatYAML])
		}
		var viaJSON, viaYAML any
		if err := json.Unmarshal([]byte(out[FormatJSON]), &viaJSON); err != nil {
			t.Fatalf("JSON does not parse: %v", err)
		}
		if err := json.Unmarshal(fromYAML, &viaYAML); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(viaJSON, viaYAML) {
			t.Fatalf("YAML and JSON differ:\n%s\n%s", out[FormatYAML], out[FormatJSON])
		}
		g, err := parseDOT(out[FormatDOT])
		if err != nil {
			t.Fatalf("invalid DOT: %v\n%s", err, out[FormatDOT])
		}
		if len(g.edges) != 1 {
			t.Fatalf("DOT has %d edges, want 1", len(g.edges))
		}
		for _, l := range strings.Split(strings.TrimSuffix(out[FormatMermaid], "\n"), "\n")[2:] {
			if !mermaidNode.MatchString(l) && !mermaidEdge.MatchString(l) && !mermaidClass.MatchString(l) {
				t.Fatalf("mermaid line %q", l)
			}
		}
		for _, c := range stripPainter(out[FormatTable]) {
			if c != '\n' && (c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0) {
				t.Fatalf("control character %U in table", c)
			}
		}
		src := []byte(out[FormatMarkdown])
		doc := goldmark.New().Parser().Parse(text.NewReader(src))
		lists := 0
		err = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if !entering {
				return ast.WalkContinue, nil
			}
			switch n := n.(type) {
			case *ast.RawHTML, *ast.HTMLBlock:
				t.Fatalf("raw HTML in markdown:\n%s", src)
			case *ast.List:
				if n.IsOrdered() {
					lists++
					if n.ChildCount() != 2 {
						t.Fatalf("chain list has %d items:\n%s", n.ChildCount(), src)
					}
				}
			}
			return ast.WalkContinue, nil
		})
		if err != nil || lists != 1 {
			t.Fatalf("%d ordered lists (%v):\n%s", lists, err, src)
		}
		if strings.Contains(strings.ToLower(out[FormatHTML]), "<script") {
			t.Fatal("<script> in HTML")
		}
	})
}
