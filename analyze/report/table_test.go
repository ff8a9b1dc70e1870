package report

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/nsbundle/nsbundle/analyze"
)

func TestTableOptions(t *testing.T) {
	t.Parallel()
	longLog := ccmRoutesReport().Findings[0].Chain[7].Evidence[0].Value
	tests := []struct {
		name     string
		opts     Options
		contains []string
		absent   []string
	}{
		{
			name:     "plain",
			opts:     Options{},
			contains: []string{"[NSB-108] critical  Namespace analytics is stuck Terminating", "→ APIService/v1beta1.metrics.k8s.io — ", "… 1 more (verbose output shows all)", "    $ kubectl wait --for=condition=Available apiservice/v1beta1.metrics.k8s.io --timeout=2m", "    Expect: exit status 0 and \"condition met\""},
			absent:   []string{"\x1b", longLog, "[NSB-101]"},
		},
		{
			name:     "color",
			opts:     Options{Color: true},
			contains: []string{ansiBold + "[NSB-108]" + ansiReset, ansiBold + ansiRed + "critical" + ansiReset, ansiBold + "Namespace/analytics" + ansiReset},
		},
		{
			name:     "verbose shows every value in full and the rule of each link",
			opts:     Options{Verbose: true},
			contains: []string{longLog, `"Couldn't reconcile node routes"`, "[NSB-103]"},
			absent:   []string{"more (verbose output shows all)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := Render(&buf, ccmRoutesReport(), FormatTable, tt.opts); err != nil {
				t.Fatal(err)
			}
			for _, s := range tt.contains {
				if !strings.Contains(buf.String(), s) {
					t.Errorf("missing %q in:\n%s", s, buf.String())
				}
			}
			for _, s := range tt.absent {
				if strings.Contains(buf.String(), s) {
					t.Errorf("unexpected %q in:\n%s", s, buf.String())
				}
			}
		})
	}
}

// TestTableWidth: apart from the header line, evidence locations and
// commands (copied whole), nothing is wider than the width asked for.
func TestTableWidth(t *testing.T) {
	t.Parallel()
	for _, width := range []int{60, 80, 120} {
		for _, c := range goldenCases(t) {
			var buf bytes.Buffer
			if err := Render(&buf, c.report, FormatTable, Options{Width: width}); err != nil {
				t.Fatal(err)
			}
			for _, l := range strings.Split(buf.String(), "\n") {
				if strings.HasPrefix(l, "Bundle:") || strings.HasPrefix(l, "    $ ") ||
					strings.HasPrefix(l, "      ") && !strings.HasPrefix(l, "        ") || strings.HasPrefix(l, "  - ") || strings.HasPrefix(l, "No blocking") ||
					strings.HasPrefix(l, "        ") && !strings.HasPrefix(l, "          ") {
					continue // summary, commands, indented fix lines, notes: not wrapped
				}
				if n := utf8.RuneCountInString(l); n > width {
					t.Errorf("%s width %d: line of %d: %q", c.name, width, n, l)
				}
			}
		}
	}
}

// TestTableQuotedAbove: evidence an earlier link of the same chain quoted is
// referenced by its location, not repeated; verbose output repeats it; the
// next finding quotes it again.
func TestTableQuotedAbove(t *testing.T) {
	t.Parallel()
	cond := analyze.Evidence{Path: "resources/apiregistration.k8s.io/v1/apiservices.json", Pointer: "/items/21/status/conditions/0",
		Value: "Available=False (FailedDiscoveryCheck): failing or missing response"}
	other := analyze.Evidence{Path: "resources/core/v1/pods.json", Pointer: "/items/0/status/podIP", Value: "10.244.1.5"}
	f := analyze.Finding{ID: "NSB-T-1", Severity: analyze.SeverityCritical, Summary: "s",
		Chain: []analyze.Link{
			{Ref: analyze.Ref{Kind: analyze.KindAPIService, Name: "v1beta1.metrics.k8s.io"}, Problem: "not available", Evidence: []analyze.Evidence{cond}},
			{Ref: analyze.Ref{Kind: analyze.KindEndpoint, Name: "10.244.1.5:10250"}, Problem: "unreachable", Evidence: []analyze.Evidence{cond, other}},
		}}
	r := &analyze.Report{Findings: []analyze.Finding{f, f}}
	count := func(opts Options) (values, refs int) {
		var buf bytes.Buffer
		if err := Render(&buf, r, FormatTable, opts); err != nil {
			t.Fatal(err)
		}
		return strings.Count(buf.String(), "> "+cond.Value), strings.Count(buf.String(), cond.Path+"#"+cond.Pointer+" (quoted above)")
	}
	if v, q := count(Options{}); v != 2 || q != 2 {
		t.Errorf("default: value quoted %d times, referenced %d times; want 2 and 2 (once each per finding)", v, q)
	}
	if v, q := count(Options{Verbose: true}); v != 4 || q != 0 {
		t.Errorf("verbose: value quoted %d times, referenced %d times; want 4 and 0", v, q)
	}
}

// TestTableNoControlBytes: nothing from the bundle reaches the terminal as a
// control character, with or without color.
func TestTableNoControlBytes(t *testing.T) {
	t.Parallel()
	for _, color := range []bool{false, true} {
		var buf bytes.Buffer
		if err := Render(&buf, hostileReport(), FormatTable, Options{Color: color}); err != nil {
			t.Fatal(err)
		}
		out := stripPainter(buf.String())
		for i, r := range out {
			if r != '\n' && (r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0) {
				t.Fatalf("color=%v: control character %U at %d: %q", color, r, i, out[max(0, i-20):min(len(out), i+20)])
			}
		}
	}
}

// stripPainter removes the styles the painter adds (and nothing else).
func stripPainter(s string) string {
	for _, c := range []string{ansiReset, ansiBold, ansiDim, ansiRed, ansiGreen, ansiYellow, ansiCyan} {
		s = strings.ReplaceAll(s, c, "")
	}
	return s
}

func TestTableEmpty(t *testing.T) {
	t.Parallel()
	r := emptyReport()
	r.Notes = []string{"logs/kube-system: forbidden (403), controller logs not collected"}
	r.Checked = []string{"12 namespaces (0 Terminating)", "APIServices: not in the bundle"}
	var buf bytes.Buffer
	if err := Render(&buf, r, FormatTable, Options{}); err != nil {
		t.Fatal(err)
	}
	want := "Bundle: samples/healthy.tgz (nsbundle layout, cluster v1.37.2, collected 2026-11-23T06:12:44Z)\n\n" +
		"No blocking chains found in samples/healthy.tgz.\n" +
		"Checked: 12 namespaces (0 Terminating); APIServices: not in the bundle.\n\n" +
		"Notes on the bundle (they may hide a chain):\n" +
		"  - logs/kube-system: forbidden (403), controller logs not collected\n"
	if buf.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", buf.String(), want)
	}
}

func TestBreakRef(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		n    int
		want []string
	}{
		{"Namespace/analytics", 30, []string{"Namespace/analytics"}},
		{"Component/kube-system/cloud-controller-manager", 26, []string{"Component/kube-system/", "cloud-controller-manager"}},
		{"Namespace/team-a (+2)", 18, []string{"Namespace/team-a", "(+2)"}},
		{"abcdefghijklmnopqrstuvwxyz", 10, []string{"abcdefghij", "klmnopqrst", "uvwxyz"}},
	}
	for _, tt := range tests {
		got := breakRef(tt.in, tt.n)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("breakRef(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
