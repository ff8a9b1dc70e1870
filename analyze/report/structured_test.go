package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/nsbundle/nsbundle/analyze"
)

// TestJSONContract: one object with bundle, findings (never null) and notes,
// exactly the struct's json tags, so decoding gives the report back.
func TestJSONContract(t *testing.T) {
	t.Parallel()
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var js, ys bytes.Buffer
			if err := Render(&js, c.report, FormatJSON, Options{Color: true, Width: 20}); err != nil {
				t.Fatal(err)
			}
			var top map[string]json.RawMessage
			if err := json.Unmarshal(js.Bytes(), &top); err != nil {
				t.Fatalf("not one JSON object: %v", err)
			}
			if f := string(top["findings"]); f == "null" || f == "" {
				t.Errorf(`"findings" is %q, want an array`, f)
			}
			for k := range top {
				if k != "bundle" && k != "findings" && k != "notes" {
					t.Errorf("unexpected key %q", k)
				}
			}
			var back analyze.Report
			if err := json.Unmarshal(js.Bytes(), &back); err != nil {
				t.Fatal(err)
			}
			want := normalized(c.report)
			if !reflect.DeepEqual(&back, want) {
				t.Errorf("JSON does not decode to the report:\n%s", js.String())
			}
			if err := Render(&ys, c.report, FormatYAML, Options{}); err != nil {
				t.Fatal(err)
			}
			fromYAML, err := yaml.YAMLToJSON(ys.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			var backY analyze.Report
			if err := json.Unmarshal(fromYAML, &backY); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(&backY, want) {
				t.Errorf("YAML does not decode to the report:\n%s", ys.String())
			}
		})
	}
}

// TestRenderDoesNotModify: normalizing for JSON must not write into the
// caller's report.
func TestRenderDoesNotModify(t *testing.T) {
	t.Parallel()
	r := &analyze.Report{Findings: []analyze.Finding{{ID: "NSB-1"}}}
	for _, f := range Formats() {
		if err := Render(&bytes.Buffer{}, r, f, Options{}); err != nil {
			t.Fatal(err)
		}
	}
	if r.Findings[0].Chain != nil {
		t.Error("Render set Chain on the caller's finding")
	}
	var buf bytes.Buffer
	if err := Render(&buf, &analyze.Report{}, FormatJSON, Options{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"findings": []`) {
		t.Errorf("empty report: %s", buf.String())
	}
}

// TestJSONKeepsMarkup: values are not HTML-escaped (\u003c) in JSON.
func TestJSONKeepsMarkup(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := Render(&buf, hostileReport(), FormatJSON, Options{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "<script>") || strings.Contains(buf.String(), `\u003c`) {
		t.Error("JSON escapes < as \\u003c")
	}
}
