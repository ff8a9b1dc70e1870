package load

import (
	"strings"
	"testing"
)

// TestHostileContent feeds the loader content a stranger's bundle could
// hold: deep nesting, an item over the size cap, wrong types. Each must end
// as a note, never a crash. JSON nesting is capped at 10,000 levels (the
// encoding/json limit, which also vets items the fast decoder accepts): in a
// one-item-per-line list only the hostile item is skipped; a pretty-printed
// list cannot be resynchronised, so the file is skipped, with a note.
func TestHostileContent(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	header := `{"apiVersion":"v1","kind":"List","metadata":{},"items":[` + "\n"
	ok := `{"metadata":{"name":"fine"},"status":{"phase":"Active"}}`
	cases := []struct {
		name      string
		item      string
		wantNote  string
		wantItems int
		// pretty: the pretty-printed layout loses the whole file.
		prettyLost bool
	}{
		{"nesting 100k deep in an unknown field", `{"metadata":{"name":"deep"},"spec":{"x":` + deep(100000) + `}}`, "exceeded max depth", 1, true},
		{"nesting 1M deep", `{"metadata":{"name":"deeper"},"spec":{"x":` + deep(1000000) + `}}`, "exceeded max depth", 1, true},
		{"nesting in a known field", `{"metadata":{"name":` + deep(50000) + `}}`, "exceeded max depth", 1, true},
		{"nesting under the cap", `{"metadata":{"name":"ok-deep"},"spec":{"x":` + deep(5000) + `}}`, "", 2, false},
		{"item over the cap", `{"metadata":{"name":"big","annotations":{"a":"` + strings.Repeat("x", MaxItemBytes) + `"}}}`, "over the", 1, false},
		{"wrong type", `{"metadata":{"name":"w"},"status":{"conditions":"oops"}}`, "cannot decode Namespace", 1, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, layout := range []string{"line", "pretty"} {
				text := header + tc.item + ",\n" + ok + "\n]}\n"
				if layout == "pretty" {
					text = "{\n \"kind\": \"List\",\n \"items\": [\n" + tc.item + ",\n" + ok + "\n ]\n}\n"
				}
				s := mustLoad(t, map[string]string{"resources/core/v1/namespaces.json": text})
				if tc.wantNote != "" && !strings.Contains(strings.Join(s.Notes, "\n"), tc.wantNote) {
					t.Errorf("%s: notes %q lack %q", layout, s.Notes, tc.wantNote)
				}
				if layout == "pretty" && tc.prettyLost {
					if len(s.Namespaces) != 0 || !strings.Contains(strings.Join(s.Notes, "\n"), "(file skipped)") {
						t.Errorf("pretty: %d namespaces, notes %q; want the file skipped with a note", len(s.Namespaces), s.Notes)
					}
					continue
				}
				if len(s.Namespaces) != tc.wantItems {
					t.Errorf("%s: %d namespaces loaded, want %d (notes %q)", layout, len(s.Namespaces), tc.wantItems, s.Notes)
				}
				if s.Namespace("fine") == nil {
					t.Errorf("%s: the item after the hostile one was lost (notes %q)", layout, s.Notes)
				}
			}
		})
	}
}

func TestHugeLogLine(t *testing.T) {
	line := strings.Repeat("E", 10*MaxLogLineBytes)
	s := mustLoad(t, map[string]string{"logs/files/kube-controller-manager.log": "first\n" + line + "\nlast\n"})
	if len(s.Logs) != 1 {
		t.Fatalf("%d logs", len(s.Logs))
	}
	l := s.Logs[0]
	if l.Lines[0] != "first" || l.Lines[len(l.Lines)-1] != "last" {
		t.Errorf("lines around the huge one lost: first %q last %q", l.Lines[0], l.Lines[len(l.Lines)-1])
	}
	for _, x := range l.Lines {
		if len(x) > MaxLogLineBytes {
			t.Errorf("a line of %d bytes was kept, cap %d", len(x), MaxLogLineBytes)
		}
	}
}
