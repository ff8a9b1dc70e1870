package report

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestHTMLPage: the page is self-contained (no script, no external asset),
// every chain is a list of boxes, and values are text, never markup.
func TestHTMLPage(t *testing.T) {
	t.Parallel()
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := Render(&buf, c.report, FormatHTML, Options{}); err != nil {
				t.Fatal(err)
			}
			page := parseHTML(t, buf.String())
			if n := len(findAll(page, "script", "")); n > 0 {
				t.Errorf("%d <script> elements", n)
			}
			for _, tag := range []string{"link", "img", "iframe", "object", "embed"} {
				if n := len(findAll(page, tag, "")); n > 0 {
					t.Errorf("%d <%s> elements", n, tag)
				}
			}
			var walk func(*html.Node)
			walk = func(n *html.Node) {
				for _, a := range n.Attr {
					if a.Key == "src" || (a.Key == "href" && !strings.HasPrefix(a.Val, "#")) || strings.HasPrefix(a.Key, "on") {
						t.Errorf("<%s %s=%q>", n.Data, a.Key, a.Val)
					}
				}
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					walk(c)
				}
			}
			walk(page)
			if strings.Contains(buf.String(), "url(") || strings.Contains(buf.String(), "@import") {
				t.Error("CSS loads something")
			}
			sections := findAll(page, "section", "finding")
			if len(sections) != len(c.report.Findings) {
				t.Fatalf("%d sections, want %d", len(sections), len(c.report.Findings))
			}
			if len(sections) == 0 && !strings.Contains(textOf(page), "No blocking chains found") {
				t.Error("empty report does not say so")
			}
			for i, f := range c.report.Findings {
				chains := findAll(sections[i], "ol", "chain")
				if len(chains) != 1 {
					t.Fatalf("finding %d: %d chains", i, len(chains))
				}
				boxes := children(chains[0], "li")
				if len(boxes) != len(f.Chain) {
					t.Fatalf("finding %d: %d boxes, want %d", i, len(boxes), len(f.Chain))
				}
				if !hasClass(boxes[0], "symptom") || !hasClass(boxes[len(boxes)-1], "root") {
					t.Errorf("finding %d: first box not symptom or last not root", i)
				}
				for j, l := range f.Chain {
					quotes := findAll(boxes[j], "blockquote", "")
					if len(quotes) != len(linkEvidence(l)) {
						t.Fatalf("link %d: %d evidence quotes, want %d", j, len(quotes), len(linkEvidence(l)))
					}
					for k, e := range linkEvidence(l) {
						if got, want := textOf(quotes[k]), shortenAround(clean(e.Value), clean(e.Match), docValueLimit); got != want {
							t.Errorf("evidence %q, want %q", got, want)
						}
					}
				}
				pres := findAll(sections[i], "pre", "")
				if len(pres) != 2 || textOf(pres[0]) != strings.Join(lines(f.Fix), "\n") || textOf(pres[1]) != strings.Join(lines(f.Verify.Command), "\n") {
					t.Errorf("finding %d: fix/verify blocks wrong", i)
				}
			}
		})
	}
}

// TestHTMLRootCauseNotInChain: a root cause that is not the chain's last link
// gets its own highlighted box.
func TestHTMLRootCauseNotInChain(t *testing.T) {
	t.Parallel()
	r := kcmClusterRoleReport()
	r.Findings[0].Chain = r.Findings[0].Chain[:2]
	var buf bytes.Buffer
	if err := Render(&buf, r, FormatHTML, Options{}); err != nil {
		t.Fatal(err)
	}
	boxes := children(findAll(parseHTML(t, buf.String()), "ol", "chain")[0], "li")
	if len(boxes) != 3 || !hasClass(boxes[2], "root") || hasClass(boxes[1], "root") {
		t.Fatalf("want 2 links and a root box, got %d boxes", len(boxes))
	}
}
