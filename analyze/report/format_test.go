package report

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/nsbundle/nsbundle/analyze"
)

func TestParseFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Format
		wantErr string
	}{
		{in: "table", want: FormatTable},
		{in: "json", want: FormatJSON},
		{in: "yaml", want: FormatYAML},
		{in: "markdown", want: FormatMarkdown},
		{in: "dot", want: FormatDOT},
		{in: "mermaid", want: FormatMermaid},
		{in: "html", want: FormatHTML},
		{in: " JSON ", want: FormatJSON},
		{in: "xml", wantErr: `unknown output format "xml": allowed formats are table, json, yaml, markdown, dot, mermaid, html`},
		{in: "", wantErr: `unknown output format "": allowed formats are table, json, yaml, markdown, dot, mermaid, html`},
		{in: "md", wantErr: `unknown output format "md"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseFormat(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("ParseFormat(%q) error = %v, want prefix %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseFormat(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestFormatFlag(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args    []string
		want    Format
		wantErr string
	}{
		{args: nil, want: FormatTable},
		{args: []string{"-o", "yaml"}, want: FormatYAML},
		{args: []string{"--output=dot"}, want: FormatDOT},
		{args: []string{"-o", "xml"}, wantErr: `invalid argument "xml" for "-o, --output" flag: unknown output format "xml": allowed formats are table, json, yaml, markdown, dot, mermaid, html`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			var f FormatFlag
			fs := pflag.NewFlagSet("analyze", pflag.ContinueOnError)
			fs.SetOutput(&bytes.Buffer{})
			fs.VarP(&f, "output", "o", "output format")
			err := fs.Parse(tt.args)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("Parse error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || f.Format() != tt.want {
				t.Fatalf("Parse = %q, %v; want %q", f.Format(), err, tt.want)
			}
			if got := fs.Lookup("output").Value.Type(); got != "format" {
				t.Errorf("Type() = %q", got)
			}
		})
	}
}

// TestFormatFlagCobra: cobra refuses a bad -o before the command runs.
func TestFormatFlagCobra(t *testing.T) {
	t.Parallel()
	f := FormatFlag(FormatTable)
	ran := false
	cmd := &cobra.Command{Use: "analyze", SilenceUsage: true, SilenceErrors: true, RunE: func(*cobra.Command, []string) error {
		ran = true
		return nil
	}}
	cmd.Flags().VarP(&f, "output", "o", "output format: "+strings.Join(FormatNames(), "|"))
	cmd.SetArgs([]string{"-o", "pdf"})
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	err := cmd.Execute()
	if err == nil || ran || !strings.Contains(err.Error(), "allowed formats are table, json, yaml, markdown, dot, mermaid, html") {
		t.Fatalf("Execute = %v, ran = %v", err, ran)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestRenderErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		w       func() *bytes.Buffer
		report  *analyze.Report
		format  Format
		wantErr string
	}{
		{name: "unknown format", report: emptyReport(), format: "xml",
			wantErr: `render report: unknown output format "xml": allowed formats are table, json, yaml, markdown, dot, mermaid, html`},
		{name: "nil report", report: nil, format: FormatJSON, wantErr: "render report: nil report"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			err := Render(&buf, tt.report, tt.format, Options{})
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("Render error = %v, want %q", err, tt.wantErr)
			}
			if buf.Len() != 0 {
				t.Errorf("Render wrote %d bytes on error", buf.Len())
			}
		})
	}
	t.Run("write error", func(t *testing.T) {
		t.Parallel()
		err := Render(failWriter{}, emptyReport(), FormatJSON, Options{})
		if err == nil || err.Error() != "write json report: disk full" {
			t.Fatalf("Render error = %v", err)
		}
	})
	t.Run("empty format is table", func(t *testing.T) {
		t.Parallel()
		var a, b bytes.Buffer
		if err := Render(&a, ccmRoutesReport(), "", Options{}); err != nil {
			t.Fatal(err)
		}
		if err := Render(&b, ccmRoutesReport(), FormatTable, Options{}); err != nil {
			t.Fatal(err)
		}
		if a.String() != b.String() {
			t.Error(`Render with "" differs from table`)
		}
	})
}

func TestShorten(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in    string
		limit int
		want  string
	}{
		{"short", 10, "short"},
		{"exactly ten", 11, "exactly ten"},
		{"anything", 0, "anything"},
		{"abcdefghijklmnopqrstuvwxyz", 12, "abc … uvwxyz"},
		{"the first words and then the error at the end", 30, "the first … error at the end"},
	}
	for _, tt := range tests {
		if got := shorten(tt.in, tt.limit); got != tt.want {
			t.Errorf("shorten(%q, %d) = %q, want %q", tt.in, tt.limit, got, tt.want)
		}
	}
}

func TestClean(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"plain — ünïcode", "plain — ünïcode"},
		{"a\nb\tc\rd", `a\nb\tc\rd`},
		{"\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"bad \xff byte", `bad \xff byte`},
		{"c1 \u009b and \u2028", `c1 \x9b and \u2028`},
	}
	for _, tt := range tests {
		if got := clean(tt.in); got != tt.want {
			t.Errorf("clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
