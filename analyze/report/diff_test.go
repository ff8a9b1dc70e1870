package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/diff"
)

// TestRenderDiffEscapes: values from the bundles can neither drive the
// terminal nor add Markdown markup.
func TestRenderDiffEscapes(t *testing.T) {
	t.Parallel()
	hostile := analyze.Finding{ID: "NSB-NS-001", Summary: "stuck \x1b[31mred\x1b[0m\n# heading",
		Symptom: analyze.Ref{Kind: analyze.KindNamespace, Name: "a`b"}, Fix: "x", Verify: analyze.Verify{Command: "y"},
		Chain: []analyze.Link{{Ref: analyze.Ref{Kind: analyze.KindNamespace, Name: "a`b"}, Rule: "NSB-NS-001",
			Evidence: []analyze.Evidence{{Path: "p.json", Pointer: "/items/0", Value: "v\x1b]0;title\x07"}}}}}
	before := &analyze.Report{Findings: []analyze.Finding{hostile}}
	r := diff.Compare(before, before, "", "")
	for _, f := range DiffFormats() {
		var buf bytes.Buffer
		if err := RenderDiff(&buf, r, f, Options{}); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out := buf.String()
		if strings.ContainsRune(out, '\x1b') || strings.ContainsRune(out, '\x07') {
			t.Errorf("%s: raw control character in %q", f, out)
		}
		if f == FormatMarkdown && strings.Contains(out, "\n# heading") {
			t.Errorf("markdown: a value started a heading: %q", out)
		}
	}
	if err := RenderDiff(&bytes.Buffer{}, r, FormatYAML, Options{}); err == nil || !strings.Contains(err.Error(), "allowed formats are table, json, markdown") {
		t.Errorf("yaml: err %v, want the allowed formats", err)
	}
	var flag DiffFormatFlag
	if err := flag.Set("dot"); err == nil {
		t.Error("DiffFormatFlag accepted dot")
	}
	if err := flag.Set(" Markdown "); err != nil || flag.Format() != FormatMarkdown {
		t.Errorf("Set(Markdown) = %v, %q", err, flag.Format())
	}
}
