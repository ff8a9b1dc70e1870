package report

import (
	"bytes"
	"encoding/json"
	"io"

	"sigs.k8s.io/yaml"

	"github.com/nsbundle/nsbundle/analyze"
)

// normalized returns a shallow copy of r whose findings and chains are never
// nil, so JSON shows [] rather than null (scripts index into them). r is not
// modified.
func normalized(r *analyze.Report) *analyze.Report {
	c := *r
	c.Findings = make([]analyze.Finding, len(r.Findings))
	copy(c.Findings, r.Findings)
	for i := range c.Findings {
		if c.Findings[i].Chain == nil {
			c.Findings[i].Chain = []analyze.Link{}
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
	y, err := yaml.JSONToYAML(buf.Bytes())
	if err != nil {
		return err
	}
	_, err = w.Write(y)
	return err
}
