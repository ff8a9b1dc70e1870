// Package report renders an *analyze.Report in the formats people and tools
// read: a table for a person at a terminal, JSON and YAML for scripts,
// Markdown for a ticket, DOT and Mermaid for a picture of the chains, and a
// single-file HTML page.
//
// Rendering never changes the report and never reads anything but the report:
// every value in it came from an untrusted bundle, so each writer escapes it
// for its own syntax.
package report

import (
	"fmt"
	"strings"
)

// Format is an output format name, as given to -o.
type Format string

// Output formats.
const (
	// FormatTable is the default: findings as text for a person, then a
	// summary table.
	FormatTable Format = "table"
	// FormatJSON is the report as one indented JSON object.
	FormatJSON Format = "json"
	// FormatYAML is the same object as YAML.
	FormatYAML Format = "yaml"
	// FormatMarkdown is a ticket-ready summary.
	FormatMarkdown Format = "markdown"
	// FormatDOT is one Graphviz digraph of every chain.
	FormatDOT Format = "dot"
	// FormatMermaid is one Mermaid flowchart per finding.
	FormatMermaid Format = "mermaid"
	// FormatHTML is a self-contained HTML page.
	FormatHTML Format = "html"
)

// Formats returns every format, in the order help text lists them.
func Formats() []Format {
	return []Format{FormatTable, FormatJSON, FormatYAML, FormatMarkdown, FormatDOT, FormatMermaid, FormatHTML}
}

// FormatNames returns the names of Formats, for help text and completion.
func FormatNames() []string {
	fs := Formats()
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = string(f)
	}
	return names
}

// ParseFormat returns the Format named s (case-insensitive, surrounding
// space ignored). Its error lists the allowed formats.
func ParseFormat(s string) (Format, error) {
	want := strings.ToLower(strings.TrimSpace(s))
	for _, f := range Formats() {
		if string(f) == want {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown output format %q: allowed formats are %s", s, strings.Join(FormatNames(), ", "))
}

// FormatFlag is a pflag.Value holding a Format, so a bad -o is rejected when
// the flags are parsed:
//
//	f := report.FormatTable
//	cmd.Flags().VarP((*report.FormatFlag)(&f), "output", "o", "...")
type FormatFlag Format

// String returns the current format name.
func (f *FormatFlag) String() string {
	if f == nil || *f == "" {
		return string(FormatTable)
	}
	return string(*f)
}

// Set parses s with ParseFormat.
func (f *FormatFlag) Set(s string) error {
	p, err := ParseFormat(s)
	if err != nil {
		return err
	}
	*f = FormatFlag(p)
	return nil
}

// Type names the value in help text.
func (f *FormatFlag) Type() string { return "format" }

// Format returns the flag's value, FormatTable when unset.
func (f *FormatFlag) Format() Format { return Format(f.String()) }
