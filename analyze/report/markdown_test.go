package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
	"golang.org/x/net/html"
)

// TestMarkdownRendersAsIntended parses the markdown with goldmark (CommonMark
// plus GFM tables, as ticket systems render it) and checks the structure:
// a numbered timeline per finding, then its chain as a numbered list with one
// item per link, each piece of evidence
// a quote holding its location and value as code, fix and verify in fenced
// blocks, a mermaid block; and that no value turned into markup.
func TestMarkdownRendersAsIntended(t *testing.T) {
	t.Parallel()
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var md bytes.Buffer
			if err := Render(&md, c.report, FormatMarkdown, Options{}); err != nil {
				t.Fatal(err)
			}
			gm := goldmark.New(goldmark.WithExtensions(extension.Table))
			src := md.Bytes()
			doc := gm.Parser().Parse(text.NewReader(src))
			checkMarkdownAST(t, doc, len(c.report.Findings), len(c.report.Notes) > 0)

			var out bytes.Buffer
			if err := gm.Renderer().Render(&out, src, doc); err != nil {
				t.Fatal(err)
			}
			page := parseHTML(t, out.String())
			fs := c.report.Findings
			if len(fs) == 0 {
				if !strings.Contains(textOf(page), "No blocking chains found") {
					t.Errorf("empty report does not say so:\n%s", md.String())
				}
			} else if tables := findAll(page, "table", ""); len(tables) != 1 || len(findAll(tables[0], "tr", "")) != len(fs)+1 {
				t.Errorf("want one summary table with %d rows", len(fs)+1)
			}
			// Per finding, its timeline (when it has one), then its chain.
			lists := findAll(page, "ol", "")
			var chains [][]*html.Node
			for i, f := range fs {
				es := timelineEntries(f.Timeline)
				if len(es) > 0 {
					if len(lists) == 0 {
						t.Fatalf("finding %d: no timeline list\n%s", i, md.String())
					}
					items := children(lists[0], "li")
					if len(items) != len(es) {
						t.Fatalf("finding %d: %d timeline items, want %d", i, len(items), len(es))
					}
					for j, e := range es {
						if got := textOf(items[j]); !strings.HasPrefix(got, e.when+" ") {
							t.Errorf("finding %d: timeline item %q does not start with %q", i, got, e.when)
						}
					}
					lists = lists[1:]
				}
				if len(lists) == 0 {
					t.Fatalf("finding %d: no chain list\n%s", i, md.String())
				}
				chains, lists = append(chains, children(lists[0], "li")), lists[1:]
			}
			if len(lists) != 0 {
				t.Fatalf("%d numbered lists more than a timeline and a chain per finding\n%s", len(lists), md.String())
			}
			for i, f := range fs {
				items := chains[i]
				if len(items) != len(f.Chain) {
					t.Fatalf("finding %d: %d list items, want %d links", i, len(items), len(f.Chain))
				}
				for j, l := range f.Chain {
					codes := findAll(items[j], "code", "")
					if len(codes) == 0 || textOf(codes[0]) != clean(refName(l.Ref)) {
						t.Errorf("link %d: first code is not the name %q", j, clean(refName(l.Ref)))
					}
					quotes := findAll(items[j], "blockquote", "")
					if len(quotes) != len(linkEvidence(l)) {
						t.Fatalf("link %d: %d quotes, want %d", j, len(quotes), len(linkEvidence(l)))
					}
					for k, e := range linkEvidence(l) {
						qc := findAll(quotes[k], "code", "")
						if len(qc) != 2 || len(findAll(quotes[k], "br", "")) != 1 {
							t.Fatalf("link %d evidence %d: want location<br>value, got %q", j, k, textOf(quotes[k]))
						}
						if got, want := textOf(qc[0]), clean(location(e)); got != want {
							t.Errorf("location %q, want %q", got, want)
						}
						if got, want := textOf(qc[1]), shortenAround(clean(e.Value), clean(e.Match), docValueLimit); got != want {
							t.Errorf("value %q, want %q", got, want)
						}
					}
				}
			}
			blocks := map[string][]string{}
			for _, code := range findAll(page, "code", "") {
				if cls, ok := attr(code, "class"); ok {
					blocks[cls] = append(blocks[cls], textOf(code))
				}
			}
			// Shell blocks: per finding, each run of the fix's indented
			// lines (its commands, unindented), then the verify command.
			var wantSh []string
			for _, f := range fs {
				var run []string
				for _, l := range append(lines(f.Fix), "") {
					if strings.HasPrefix(l, " ") && strings.TrimSpace(l) != "" {
						run = append(run, strings.TrimLeft(l, " "))
					} else if strings.TrimSpace(l) != "" || l == "" {
						if len(run) > 0 {
							wantSh = append(wantSh, strings.Join(run, "\n")+"\n")
						}
						run = nil
					}
				}
				wantSh = append(wantSh, strings.Join(lines(f.Verify.Command), "\n")+"\n")
			}
			if len(blocks["language-text"]) != 0 || len(blocks["language-mermaid"]) != len(fs) {
				t.Fatalf("fenced blocks: %d text, %d mermaid; want 0 and %d", len(blocks["language-text"]), len(blocks["language-mermaid"]), len(fs))
			}
			if got := blocks["language-sh"]; strings.Join(got, "\x00") != strings.Join(wantSh, "\x00") {
				t.Errorf("sh blocks %q, want %q", got, wantSh)
			}
			for i, f := range fs {
				for _, l := range lines(f.Fix) {
					if !strings.HasPrefix(l, " ") && strings.TrimSpace(l) != "" && !strings.Contains(textOf(page), strings.TrimSpace(clean(l))) {
						t.Errorf("finding %d: fix prose %q not shown as text", i, l)
					}
				}
				if !strings.HasPrefix(blocks["language-mermaid"][i], "flowchart TD\n") {
					t.Errorf("mermaid block does not start with flowchart TD")
				}
			}
			if len(findAll(page, "script", "")) > 0 {
				t.Error("a value became a <script> element")
			}
		})
	}
}

// checkMarkdownAST: headings are the title, one per finding and one for the
// notes; no value became raw HTML, emphasis, a link or an image.
func checkMarkdownAST(t *testing.T, doc ast.Node, findings int, notes bool) {
	t.Helper()
	h1, h2 := 0, 0
	err := ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			switch n.Level {
			case 1:
				h1++
			case 2:
				h2++
			}
		case *ast.RawHTML, *ast.HTMLBlock, *ast.Link, *ast.Image, *ast.AutoLink:
			t.Errorf("unexpected %s node", n.Kind())
		case *ast.Emphasis:
			// Bold is used only for labels, never inside a value.
			if n.Level != 2 {
				t.Errorf("unexpected emphasis level %d", n.Level)
			}
		}
		return ast.WalkContinue, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := findings
	if notes {
		want++
	}
	if h1 != 1 || h2 != want {
		t.Errorf("%d h1 and %d h2 headings, want 1 and %d", h1, h2, want)
	}
}

func TestMDText(t *testing.T) {
	t.Parallel()
	gm := goldmark.New()
	for _, s := range []string{
		"# heading", "- bullet", "+ bullet", "> quote", "1. item", "12) item", "**bold** _it_", "a <b>tag</b> &amp;",
		"[link](http://x)", "![img](x.png)", "`code`", "a | b", "~~strike~~", `back\slash`, "===", "plain text",
	} {
		var out bytes.Buffer
		if err := gm.Convert([]byte(mdText(s)), &out); err != nil {
			t.Fatal(err)
		}
		got := textOf(parseHTML(t, out.String()))
		if strings.TrimSpace(got) != s {
			t.Errorf("mdText(%q) renders as %q", s, got)
		}
		if p := findAll(parseHTML(t, out.String()), "p", ""); len(p) != 1 {
			t.Errorf("mdText(%q) is not one plain paragraph: %s", s, out.String())
		}
	}
}

func TestMDCode(t *testing.T) {
	t.Parallel()
	gm := goldmark.New()
	for _, s := range []string{"plain", "a`b", "``x``", "`lead", "trail`", " spaced ", "<script>"} {
		var out bytes.Buffer
		if err := gm.Convert([]byte("x "+mdCode(s)), &out); err != nil {
			t.Fatal(err)
		}
		codes := findAll(parseHTML(t, out.String()), "code", "")
		if len(codes) != 1 || textOf(codes[0]) != s {
			t.Errorf("mdCode(%q) renders as %s", s, out.String())
		}
	}
}
