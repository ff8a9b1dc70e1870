package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"unicode/utf8"

	"sigs.k8s.io/yaml"

	"github.com/nsbundle/nsbundle/analyze"
)

// normalized returns a shallow copy of r whose findings, chains and
// timelines are never nil, so JSON shows [] rather than null (scripts index into them), and
// whose findings all carry a signature. r is not modified.
func normalized(r *analyze.Report) *analyze.Report {
	c := *r
	c.Findings = make([]analyze.Finding, len(r.Findings))
	copy(c.Findings, r.Findings)
	for i := range c.Findings {
		if c.Findings[i].Chain == nil {
			c.Findings[i].Chain = []analyze.Link{}
		}
		if c.Findings[i].Timeline == nil {
			c.Findings[i].Timeline = []analyze.Moment{}
		}
		if c.Findings[i].Signature == "" {
			// A report built by hand (or read from an older nsbundle) still
			// carries the signature the engine would have given it.
			c.Findings[i].Signature = analyze.Signature(c.Findings[i].ID, c.Findings[i].RootCause.Ref)
		}
	}
	return &c
}

// renderJSON writes the report exactly as its json tags say, indented by two
// spaces, with <, > and & left as they are (the values are log lines and
// messages, read by people and jq, not embedded in HTML).
func renderJSON(w io.Writer, r *analyze.Report) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(normalized(r))
}

// renderYAML writes the same object as renderJSON, as YAML.
func renderYAML(w io.Writer, r *analyze.Report) error {
	var buf bytes.Buffer
	if err := renderJSON(&buf, r); err != nil {
		return err
	}
	y, err := yaml.JSONToYAML(escapeForYAML(buf.Bytes()))
	if err != nil {
		return err
	}
	_, err = w.Write(y)
	return err
}

// escapeForYAML rewrites, inside JSON text, the characters a YAML reader
// refuses or treats as line breaks (DEL, C1 controls, NEL, BOM, U+FFFE/FFFF,
// U+2028/2029) as \uXXXX escapes. encoding/json leaves most of them raw; the
// value is unchanged, and the YAML emitter writes it double-quoted.
func escapeForYAML(j []byte) []byte {
	var b bytes.Buffer
	b.Grow(len(j))
	for len(j) > 0 {
		r, size := utf8.DecodeRune(j)
		switch {
		case r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0xfeff || r == 0xfffe || r == 0xffff || r == 0x2028 || r == 0x2029:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.Write(j[:size])
		}
		j = j[size:]
	}
	return b.Bytes()
}
