package rules_test

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/nsbundle/nsbundle/analyze"
)

// verifyEvidence checks that every piece of evidence of every finding points
// at something real in the bundle: a file that exists, a JSON pointer that
// resolves in it (in a YAML file, in its JSON form), a log line that exists
// and reads as quoted. Files named in skip are not checked.
func verifyEvidence(t testing.TB, files map[string]string, r *analyze.Report, skip ...string) {
	t.Helper()
	parsed := map[string]any{}
	for _, f := range r.Findings {
		for _, l := range f.Chain {
			for _, e := range l.Evidence {
				if slices.Contains(skip, e.Path) {
					continue
				}
				text, ok := files[e.Path]
				if !ok {
					t.Errorf("%s %s: evidence in missing file %q", f.ID, refString(l.Ref), e.Path)
					continue
				}
				if e.Line > 0 {
					lines := strings.Split(text, "\n")
					if e.Line > len(lines) {
						t.Errorf("%s %s: %s has no line %d", f.ID, refString(l.Ref), e.Path, e.Line)
						continue
					}
					if got := lines[e.Line-1]; !quotes(got, e.Value) {
						t.Errorf("%s %s: %s:%d is %q, evidence quotes %q", f.ID, refString(l.Ref), e.Path, e.Line, got, e.Value)
					}
					continue
				}
				if e.Pointer == "" {
					continue
				}
				doc, ok := parsed[e.Path]
				if !ok {
					if strings.HasSuffix(e.Path, ".yaml") {
						// A must-gather's YAML: pointers are into its
						// JSON form.
						if js, err := yaml.YAMLToJSON([]byte(text)); err == nil {
							text = string(js)
						}
					}
					if err := json.Unmarshal([]byte(text), &doc); err != nil {
						t.Errorf("%s: evidence pointer into unparsable %s: %v", f.ID, e.Path, err)
						continue
					}
					parsed[e.Path] = doc
				}
				if !resolves(doc, e.Pointer) {
					t.Errorf("%s %s: pointer %s#%s does not resolve (value %q)", f.ID, refString(l.Ref), e.Path, e.Pointer, e.Value)
				}
			}
		}
	}
}

// resolves reports whether JSON pointer p names a value in doc.
func resolves(doc any, p string) bool {
	if p == "" {
		return true
	}
	cur := doc
	for _, tok := range strings.Split(p[1:], "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[tok]
			if !ok {
				return false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(v) {
				return false
			}
			cur = v[i]
		default:
			return false
		}
	}
	return true
}

func TestResolves(t *testing.T) {
	t.Parallel()
	var doc any
	if err := json.Unmarshal([]byte(`{"items":[{"metadata":{"annotations":{"a/b":"1","c~d":"2"}},"status":{}}]}`), &doc); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]bool{
		"": true, "/items": true, "/items/0/status": true, "/items/0/metadata/annotations/a~1b": true, "/items/0/metadata/annotations/c~0d": true,
		"/items/1": false, "/items/-1": false, "/items/x": false, "/items/0/status/conditions": false, "/items/0/status/x/y": false,
	} {
		if got := resolves(doc, p); got != want {
			t.Errorf("resolves(%q) = %v, want %v", p, got, want)
		}
	}
}

// quotes reports whether value quotes line: its start, cut with "…" at the
// end, or its start and a later part around " … " (see quoteAround).
func quotes(line, value string) bool {
	parts := strings.Split(strings.TrimSuffix(value, "…"), " … ")
	if !strings.HasPrefix(line, parts[0]) {
		return false
	}
	rest := line[len(parts[0]):]
	for _, p := range parts[1:] {
		i := strings.Index(rest, p)
		if i < 0 {
			return false
		}
		rest = rest[i+len(p):]
	}
	return true
}
