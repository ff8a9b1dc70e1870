package report

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var (
	mermaidNode  = regexp.MustCompile(`^  n(\d+)\["([^"]*)"\]$`)
	mermaidEdge  = regexp.MustCompile(`^  n(\d+) (-->\|blocked by\||-\.->\|same root cause\|) n(\d+)$`)
	mermaidClass = regexp.MustCompile(`^  (classDef (root|symptom|missing) [a-z:#0-9,\- ]+|class n\d+(,n\d+)* (root|symptom|missing))$`)
	// Inside a label only our own <b> and <br/> tags may appear; anything
	// else Mermaid interprets is an entity code.
	mermaidLabelTags = regexp.MustCompile(`</?b>|<br/>`)
)

// TestMermaidSyntax checks every line of every chart against the few line
// shapes renderMermaid writes, so an unescaped quote or bracket in a value
// cannot break a chart.
func TestMermaidSyntax(t *testing.T) {
	t.Parallel()
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := Render(&buf, c.report, FormatMermaid, Options{}); err != nil {
				t.Fatal(err)
			}
			charts := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n\n")
			if want := max(1, len(c.report.Findings)); len(charts) != want {
				t.Fatalf("%d charts, want %d", len(charts), want)
			}
			for i, chart := range charts {
				ls := strings.Split(chart, "\n")
				if !strings.HasPrefix(ls[0], "%% ") || strings.HasPrefix(ls[0], "%%{") || ls[1] != "flowchart TD" {
					t.Fatalf("chart %d starts %q, %q", i, ls[0], ls[1])
				}
				if len(c.report.Findings) == 0 {
					continue
				}
				f := c.report.Findings[i]
				nodes := map[int]bool{}
				edges := 0
				for _, l := range ls[2:] {
					if m := mermaidNode.FindStringSubmatch(l); m != nil {
						n, _ := strconv.Atoi(m[1])
						nodes[n] = true
						if rest := mermaidLabelTags.ReplaceAllString(m[2], ""); strings.ContainsAny(rest, "<>\"`") {
							t.Errorf("unescaped markup in label %q", m[2])
						}
						continue
					}
					if m := mermaidEdge.FindStringSubmatch(l); m != nil {
						from, _ := strconv.Atoi(m[1])
						to, _ := strconv.Atoi(m[3])
						if !nodes[from] || !nodes[to] {
							t.Errorf("edge %q before its nodes", l)
						}
						edges++
						continue
					}
					if !mermaidClass.MatchString(l) {
						t.Errorf("unexpected line %q", l)
					}
				}
				if want := len(f.Chain) + len(f.AlsoAffects); len(nodes) != want {
					t.Errorf("%d nodes, want %d", len(nodes), want)
				}
				if want := len(f.Chain) - 1 + len(f.AlsoAffects); edges != want {
					t.Errorf("%d edges, want %d", edges, want)
				}
			}
		})
	}
}

func TestMermaidText(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{`say "hi"`, "say #quot;hi#quot;"},
		{"a#b<c>&d`e", "a#35;b#lt;c#gt;#amp;d#96;e"},
		{"**x** _y_", "#42;#42;x#42;#42; #95;y#95;"},
		{"1. first", "1#46; first"},
		{"12) twelve", "12#41; twelve"},
		{"v1.2", "v1.2"},
		{"line\nbreak", `line\nbreak`},
	}
	for _, tt := range tests {
		if got := mermaidText(tt.in); got != tt.want {
			t.Errorf("mermaidText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
