package report

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nsbundle/nsbundle/analyze"
)

// DefaultWidth is the line width the table format assumes when
// Options.Width is zero (e.g. output is not a terminal).
const DefaultWidth = 100

// minWidth keeps a tiny terminal from squeezing text to nothing.
const minWidth = 60

// Options tune the human-oriented formats (table, markdown, html, dot,
// mermaid). JSON and YAML ignore them: they always hold every value in full.
type Options struct {
	// Color adds ANSI colors to the table format. Set it only when the output
	// is a terminal and NO_COLOR is unset; other formats ignore it.
	Color bool
	// Width is the terminal width in columns; 0 means DefaultWidth.
	Width int
	// Verbose shows evidence values in full instead of shortened.
	Verbose bool
}

func (o Options) width() int {
	switch {
	case o.Width <= 0:
		return DefaultWidth
	case o.Width < minWidth:
		return minWidth
	}
	return o.Width
}

// docValueLimit is how many characters of an evidence value the document
// formats (markdown, html) keep unless Verbose.
const docValueLimit = 400

// Render writes r to w in format f. An empty f means FormatTable. Nothing is
// written when the format is unknown or r is nil.
func Render(w io.Writer, r *analyze.Report, f Format, opts Options) error {
	if r == nil {
		return errors.New("render report: nil report")
	}
	if f == "" {
		f = FormatTable
	}
	var buf bytes.Buffer
	var err error
	switch f {
	case FormatTable:
		err = renderTable(&buf, r, opts)
	case FormatJSON:
		err = renderJSON(&buf, r)
	case FormatYAML:
		err = renderYAML(&buf, r)
	case FormatMarkdown:
		err = renderMarkdown(&buf, r, opts)
	case FormatDOT:
		err = renderDOT(&buf, r, opts)
	case FormatMermaid:
		err = renderMermaid(&buf, r, opts)
	case FormatHTML:
		err = renderHTML(&buf, r, opts)
	default:
		_, err = ParseFormat(string(f))
		return fmt.Errorf("render report: %w", err)
	}
	if err != nil {
		return fmt.Errorf("render report as %s: %w", f, err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write %s report: %w", f, err)
	}
	return nil
}

// refString names a Ref as kind/namespace/name, or kind/name when it has no
// namespace.
func refString(r analyze.Ref) string {
	if r.Namespace == "" {
		return r.Kind.String() + "/" + r.Name
	}
	return r.Kind.String() + "/" + r.Namespace + "/" + r.Name
}

// location says where in the bundle a piece of evidence is:
// path#pointer, path:line or just path.
func location(e analyze.Evidence) string {
	switch {
	case e.Pointer != "":
		return e.Path + "#" + e.Pointer
	case e.Line > 0:
		return fmt.Sprintf("%s:%d", e.Path, e.Line)
	}
	return e.Path
}

// clean makes untrusted text safe to show on one line: control characters
// (newlines, tabs, ANSI escapes, C1 controls) and invalid UTF-8 become
// visible escapes such as \n and \x1b, so a value can neither break the
// layout nor drive the terminal.
func clean(s string) string {
	if !needsClean(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			if r < 0x100 {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func needsClean(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return true
		}
	}
	return false
}

// shorten returns s cut to at most limit runes, keeping its start and its
// end (where log lines carry the error) around " … ". limit <= 0 keeps all.
func shorten(s string, limit int) string {
	n := utf8.RuneCountInString(s)
	if limit <= 0 || n <= limit {
		return s
	}
	const mark = " … "
	keep := limit - utf8.RuneCountInString(mark)
	if keep < 2 {
		keep = 2
	}
	head := keep / 3
	tail := n - (keep - head) // index of the first kept rune at the end
	rs := []rune(s)
	// Cut at spaces when one is near, so words stay whole.
	const slack = 12
	for i := head; i > 0 && i > head-slack; i-- {
		if rs[i] == ' ' || rs[i-1] == ' ' {
			head = i
			break
		}
	}
	for i := tail; i < n && i < tail+slack; i++ {
		if rs[i-1] == ' ' || rs[i] == ' ' {
			tail = i
			break
		}
	}
	return strings.TrimRight(string(rs[:head]), " ") + mark + strings.TrimLeft(string(rs[tail:]), " ")
}

// lines splits multi-line text (fix, verify) into its lines, without a
// trailing empty line, each line cleaned.
func lines(s string) []string {
	s = strings.TrimRight(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	if s == "" {
		return nil
	}
	ls := strings.Split(s, "\n")
	for i, l := range ls {
		ls[i] = clean(l)
	}
	return ls
}

// wrap breaks text into lines of at most width runes at spaces; a word
// longer than width stays whole on its own line.
func wrap(text string, width int) []string {
	words := strings.Fields(text)
	if len(words) == 0 {
		return nil
	}
	var out []string
	cur := words[0]
	for _, w := range words[1:] {
		if utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(w) > width {
			out = append(out, cur)
			cur = w
			continue
		}
		cur += " " + w
	}
	return append(out, cur)
}

// matchContext is how many runes before a matched part a shortened value keeps.
const matchContext = 16

// shortenAround shortens s to at most limit runes as shorten does, unless
// that cuts the part match (what the rule matched, when found in s): then it
// keeps the match and the text after it as far as the limit allows: the start (time, source) up to
// a quarter of the limit, " … ", then s from shortly before the match,
// " …" where it is cut. A match near the start keeps s from its start.
func shortenAround(s, match string, limit int) string {
	n := utf8.RuneCountInString(s)
	at := strings.Index(s, match)
	if limit <= 0 || n <= limit || match == "" || at < 0 {
		return shorten(s, limit)
	}
	if short := shorten(s, limit); strings.Contains(short, match) {
		return short // the start and the end already keep it
	}
	rs := []rune(s)
	mi := utf8.RuneCountInString(s[:at])
	const mark, endMark = " … ", " …"
	head := limit / 4
	from := mi - matchContext
	if from <= head+utf8.RuneCountInString(mark) { // no gap worth marking
		if limit-len(endMark) < 1 {
			return shorten(s, limit)
		}
		end := limit - utf8.RuneCountInString(endMark)
		for i := end; i > end-12 && i > mi+utf8.RuneCountInString(match); i-- {
			if rs[i] == ' ' {
				end = i
				break
			}
		}
		return strings.TrimRight(string(rs[:end]), " ") + endMark
	}
	room := limit - head - utf8.RuneCountInString(mark)
	for i := head; i > head/2; i-- { // end the start at a space, so words stay whole
		if rs[i] == ' ' {
			room += head - i
			head = i
			break
		}
	}
	wordStart := func(i int) int { // the next word's start before the match, if any
		for j := i; j < mi; j++ {
			if rs[j] == ' ' {
				return j + 1
			}
		}
		return i
	}
	if n-room <= mi { // the rest fits from before the match: show all of it
		return strings.TrimRight(string(rs[:head]), " ") + mark + string(rs[wordStart(n-room):])
	}
	room -= utf8.RuneCountInString(endMark)
	from = wordStart(from)
	return strings.TrimRight(string(rs[:head]), " ") + mark + strings.TrimSpace(string(rs[from:min(n, from+room)])) + endMark
}
