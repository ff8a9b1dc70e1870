package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/nsbundle/nsbundle/analyze/triage"
)

// FormatJSONL is one JSON object per line: triage writes one per bundle.
const FormatJSONL Format = "jsonl"

// TriageFormats are the formats RenderTriage writes.
func TriageFormats() []Format { return []Format{FormatTable, FormatJSON, FormatJSONL} }

// TriageFormatNames returns the names of TriageFormats.
func TriageFormatNames() []string {
	var out []string
	for _, f := range TriageFormats() {
		out = append(out, string(f))
	}
	return out
}

// TriageFormatFlag is a pflag.Value holding one of TriageFormats.
type TriageFormatFlag Format

// String returns the current format name.
func (f *TriageFormatFlag) String() string {
	if f == nil || *f == "" {
		return string(FormatTable)
	}
	return string(*f)
}

// Set accepts one of TriageFormats; its error lists them.
func (f *TriageFormatFlag) Set(s string) error {
	want := strings.ToLower(strings.TrimSpace(s))
	for _, t := range TriageFormats() {
		if string(t) == want {
			*f = TriageFormatFlag(t)
			return nil
		}
	}
	return fmt.Errorf("unknown output format %q: allowed formats are %s", s, strings.Join(TriageFormatNames(), ", "))
}

// Type names the value in help text.
func (f *TriageFormatFlag) Type() string { return "format" }

// Format returns the flag's value, FormatTable when unset.
func (f *TriageFormatFlag) Format() Format { return Format(f.String()) }

// maxListed is how many bundles and clusters a triage table row names.
const maxListed = 5

// RenderTriage writes r in format f (one of TriageFormats; "" is table).
func RenderTriage(w io.Writer, r *triage.Result, f Format) error {
	if r == nil {
		return errors.New("render triage: nil result")
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	switch f {
	case "", FormatTable:
		renderTriageTable(&buf, r)
	case FormatJSON:
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("render triage as json: %w", err)
		}
	case FormatJSONL:
		for _, b := range r.Bundles {
			if err := enc.Encode(b); err != nil {
				return fmt.Errorf("render triage as jsonl: %w", err)
			}
		}
	default:
		return fmt.Errorf("render triage: unknown output format %q: allowed formats are %s", f, strings.Join(TriageFormatNames(), ", "))
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write %s triage: %w", f, err)
	}
	return nil
}

func renderTriageTable(w io.Writer, r *triage.Result) {
	read := len(r.Bundles) - len(r.Unreadable)
	fmt.Fprintf(w, "%s, %d read, %s\n", count(len(r.Bundles), "bundle"), read, count(len(r.Groups), "group"))
	for _, g := range r.Groups {
		fmt.Fprintf(w, "\n%5d  %s\n", g.Count, clean(g.Signature))
		fmt.Fprintf(w, "       clusters: %d   first: %s   last: %s\n", len(g.Clusters), orDash(g.First), orDash(g.Last))
		if len(g.Chain) > 0 {
			fmt.Fprintf(w, "       chain:    %s\n", clean(strings.Join(g.Chain, " > ")))
		}
		fmt.Fprintf(w, "       bundles:  %s\n", clean(listSome(g.Bundles)))
	}
	if len(r.Unreadable) > 0 {
		fmt.Fprintf(w, "\nUnreadable (%d):\n", len(r.Unreadable))
		for _, u := range r.Unreadable {
			fmt.Fprintf(w, "  %s: %s\n", clean(u.Path), clean(u.Error))
		}
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return clean(s)
}

func listSome(xs []string) string {
	if len(xs) <= maxListed {
		return strings.Join(xs, ", ")
	}
	return strings.Join(xs[:maxListed], ", ") + fmt.Sprintf(" and %d more", len(xs)-maxListed)
}

// count is "1 group" or "n groups".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
