package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nsbundle/nsbundle/analyze"
)

var (
	tlNS   = analyze.Ref{Kind: analyze.KindNamespace, Name: "old-project"}
	tlKCM  = analyze.Ref{Kind: analyze.KindComponent, Name: "kube-controller-manager"}
	tlRole = analyze.Ref{Kind: analyze.KindClusterRole, Name: "system:kube-controller-manager"}
)

// linkEvidence is what a document format quotes for a link: its evidence,
// then the audit line of its ChangedBy.
func linkEvidence(l analyze.Link) []analyze.Evidence {
	if l.ChangedBy == nil {
		return l.Evidence
	}
	return append(l.Evidence[:len(l.Evidence):len(l.Evidence)], l.ChangedBy.Evidence)
}

// moment is a dated timeline moment whose evidence is line of the kcm log.
func moment(ts string, r analyze.Ref, what string, line int) analyze.Moment {
	return analyze.Moment{Time: at(ts), Ref: r, What: what, Evidence: &analyze.Evidence{Path: "logs/kcm.log", Line: line, Value: "E1123 ..."}}
}

func TestTimelineEntries(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		tl   []analyze.Moment
		want []string
	}{
		{"dated, one day: the date once", []analyze.Moment{
			moment("2026-11-23T07:57:13Z", tlNS, "deletion requested", 1),
			moment("2026-11-23T07:57:31.05Z", tlKCM, "forbidden", 2),
		}, []string{"2026-11-23 07:57:13 Namespace/old-project: deletion requested", "07:57:31 Component/kube-controller-manager: forbidden"}},
		{"across midnight: the date again", []analyze.Moment{
			moment("2026-11-23T23:59:59Z", tlNS, "a", 1),
			moment("2026-11-24T00:00:01Z", tlNS, "b", 2),
			moment("2026-11-24T00:00:02Z", tlNS, "c", 3),
		}, []string{"2026-11-23 23:59:59 Namespace/old-project: a", "2026-11-24 00:00:01 Namespace/old-project: b", "00:00:02 Namespace/old-project: c"}},
		{"another zone is shown in UTC", []analyze.Moment{
			{Time: func() *time.Time { t := at("2026-11-23T23:30:00Z").In(time.FixedZone("X", 3600)); return &t }(), Ref: tlNS, What: "a", Evidence: &analyze.Evidence{Path: "p"}},
		}, []string{"2026-11-23 23:30:00 Namespace/old-project: a"}},
		{"undated last, without the prefix", []analyze.Moment{
			moment("2026-11-23T07:57:31Z", tlKCM, "forbidden", 2),
			{Ref: tlRole, What: analyze.Undated},
		}, []string{"2026-11-23 07:57:31 Component/kube-controller-manager: forbidden", "undated ClusterRole/system:kube-controller-manager: nothing in the bundle dates it"}},
		{"same time and evidence: one entry, the evidence's own object first", []analyze.Moment{
			moment("2026-11-23T07:57:31Z", tlKCM, "ClusterRole x: forbidden", 2),
			moment("2026-11-23T07:57:31Z", tlRole, "forbidden", 2),
		}, []string{"2026-11-23 07:57:31 ClusterRole/system:kube-controller-manager, Component/kube-controller-manager: forbidden"}},
		{"same time, other evidence: two entries", []analyze.Moment{
			moment("2026-11-23T07:57:31Z", tlKCM, "forbidden", 2),
			moment("2026-11-23T07:57:31Z", tlRole, "forbidden", 3),
		}, []string{"2026-11-23 07:57:31 Component/kube-controller-manager: forbidden", "07:57:31 ClusterRole/system:kube-controller-manager: forbidden"}},
		{"same evidence, other time: two entries", []analyze.Moment{
			moment("2026-11-23T07:57:31Z", tlKCM, "forbidden", 2),
			moment("2026-11-23T07:57:32Z", tlRole, "forbidden", 2),
		}, []string{"2026-11-23 07:57:31 Component/kube-controller-manager: forbidden", "07:57:32 ClusterRole/system:kube-controller-manager: forbidden"}},
		{"undated links are never grouped", []analyze.Moment{
			{Ref: tlKCM, What: analyze.Undated}, {Ref: tlRole, What: analyze.Undated},
		}, []string{"undated Component/kube-controller-manager: nothing in the bundle dates it", "undated ClusterRole/system:kube-controller-manager: nothing in the bundle dates it"}},
		{"no timeline", nil, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, e := range timelineEntries(c.tl) {
				got = append(got, e.plain())
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(c.want, "\n  "))
			}
		})
	}
}

// tlFinding is a two-link finding (kcm blocked by its ClusterRole) with the
// given timeline.
func tlFinding(tl []analyze.Moment, began *time.Time, warnings ...string) analyze.Finding {
	seq := "undated ClusterRole/system:kube-controller-manager → 07:57:31 Component/kube-controller-manager"
	if began != nil {
		seq = began.Format("2006-01-02 15:04:05") + " ClusterRole/system:kube-controller-manager → 07:57:31 Component/kube-controller-manager"
	}
	return analyze.Finding{
		ID: "NSB-KCM-002", Severity: analyze.SeverityCritical, Symptom: tlKCM, AlsoAffects: []analyze.Ref{tlNS},
		Summary: "kube-controller-manager is crash-looping",
		Chain: []analyze.Link{
			{Ref: tlKCM, Problem: "is crash-looping", Evidence: []analyze.Evidence{{Path: "logs/kcm.log", Line: 2, Value: "E1123 forbidden"}}},
			{Ref: tlRole, Problem: "was deleted", Evidence: []analyze.Evidence{{Path: "logs/kcm.log", Line: 2, Value: "E1123 forbidden"}}},
		},
		RootCause: analyze.RootCause{Ref: tlRole, Problem: "was deleted"},
		Fix:       "restore it", Verify: analyze.Verify{Command: "true", Expect: "exit 0"},
		Timeline: tl, Began: began, Sequence: seq, OrderWarnings: warnings,
	}
}

// many is a timeline of n moments, a minute apart from 07:50:00.
func many(n int) []analyze.Moment {
	var tl []analyze.Moment
	for i := range n {
		tl = append(tl, moment(fmt.Sprintf("2026-11-23T07:%02d:00Z", 50+i), tlKCM, fmt.Sprintf("line %d", i), i+1))
	}
	return tl
}

func TestTimelineFormats(t *testing.T) {
	t.Parallel()
	dated := []analyze.Moment{
		moment("2026-11-23T07:57:13Z", tlNS, "deletion requested (deletionTimestamp)", 1),
		moment("2026-11-23T07:57:31Z", tlRole, "first forbidden line", 2),
		moment("2026-11-23T07:57:31Z", tlKCM, "first forbidden line", 2),
	}
	const warning = "impossible order: Component/kube-controller-manager shows its problem at 07:50:00"
	for _, c := range []struct {
		name    string
		f       analyze.Finding
		format  Format
		verbose bool
		// want must appear in this order; absent must not appear.
		want, absent []string
	}{
		{"table: began line before the chain, grouped entries after the root cause", tlFinding(dated, at("2026-11-23T07:57:31Z")), FormatTable, false,
			[]string{"  Began: 2026-11-23 07:57:31 ClusterRole/system:kube-controller-manager → 07:57:31 Component/kube-controller-manager\n",
				"    Component/kube-controller-manager — is crash-looping", "Root cause:", "  Timeline (UTC):\n",
				"    2026-11-23 07:57:13  Namespace/old-project: deletion requested (deletionTimestamp)\n",
				"               07:57:31  ClusterRole/system:kube-controller-manager, Component/kube-controller-manager: first forbidden\n", "Fix:"},
			[]string{"Order warning", "more (verbose"}},
		{"table: order warning right after the began line", tlFinding(dated, at("2026-11-23T07:57:31Z"), warning), FormatTable, false,
			[]string{"Began:", "  Order warning: " + warning + "\n", "    Component/kube-controller-manager — is crash-looping"}, nil},
		{"table: many moments cut", tlFinding(many(8), at("2026-11-23T07:50:00Z")), FormatTable, false,
			[]string{"07:54:00  Component/kube-controller-manager: line 4\n", "    … 3 more (verbose output shows all)\n", "Fix:"},
			[]string{"line 5"}},
		{"table verbose: every moment and its location", tlFinding(many(8), at("2026-11-23T07:50:00Z")), FormatTable, true,
			[]string{"line 7\n", "logs/kcm.log:8\n", "Fix:"}, []string{"more (verbose"}},
		{"table: undated root", tlFinding([]analyze.Moment{moment("2026-11-23T07:57:31Z", tlKCM, "forbidden", 2), {Ref: tlRole, What: analyze.Undated}}, nil), FormatTable, false,
			[]string{"  Began: undated ClusterRole/system:kube-controller-manager → 07:57:31", "               undated  ClusterRole/system:kube-controller-manager: nothing in the bundle dates it\n"}, nil},
		{"table: no timeline, no section", tlFinding(nil, nil), FormatTable, false, nil, []string{"Timeline"}},
		{"markdown: timeline first, warning right after it", tlFinding(dated, at("2026-11-23T07:57:31Z"), warning), FormatMarkdown, false,
			[]string{"**Symptom:**", "### Timeline (UTC)\n\n**Began:** 2026-11-23 07:57:31 UTC, at `ClusterRole/system:kube-controller-manager`\n\n",
				"1. 2026-11-23 07:57:13 `Namespace/old-project`: deletion requested (deletionTimestamp)\n" +
					"2. 07:57:31 `ClusterRole/system:kube-controller-manager`, `Component/kube-controller-manager`: first forbidden line\n\n",
				"> **Order warning:** " + warning + "\n", "### Blocking chain"}, nil},
		{"markdown: undated root, all moments", tlFinding(append(many(8), analyze.Moment{Ref: tlRole, What: analyze.Undated}), nil), FormatMarkdown, false,
			[]string{"**Began:** not dated", "8. 07:57:00 `Component/kube-controller-manager`: line 7\n9. undated `ClusterRole/system:kube-controller-manager`: nothing in the bundle dates it\n"},
			[]string{"Order warning"}},
		{"html: timeline first, times machine-readable, warning", tlFinding(dated, at("2026-11-23T07:57:31Z"), warning), FormatHTML, false,
			[]string{"<h3>Timeline (UTC)</h3>\n<p>Began: 2026-11-23 07:57:31 UTC, at <code>ClusterRole/system:kube-controller-manager</code></p>",
				`<li title="logs/kcm.log:1"><time datetime="2026-11-23T07:57:13Z">2026-11-23 07:57:13</time> <code>Namespace/old-project</code>: deletion requested (deletionTimestamp)</li>`,
				`<time datetime="2026-11-23T07:57:31Z">07:57:31</time> <code>ClusterRole/system:kube-controller-manager</code>, <code>Component/kube-controller-manager</code>: first forbidden line</li>`,
				`<p class="warn"><strong>Order warning:</strong> ` + warning + "</p>", `<ol class="chain">`}, nil},
		{"html: undated", tlFinding([]analyze.Moment{{Ref: tlRole, What: analyze.Undated}}, nil), FormatHTML, false,
			[]string{"Began: not dated", `<li><span class="undated">undated</span> <code>ClusterRole/system:kube-controller-manager</code>: nothing in the bundle dates it</li>`}, []string{"<time"}},
		{"dot: began in the title and comment, first seen on nodes", tlFinding(dated, at("2026-11-23T07:57:31Z")), FormatDOT, false,
			[]string{`(began 2026-11-23 07:57:31 UTC)";`, `comment="[NSB-KCM-002] began 2026-11-23 07:57:31 UTC: 2026-11-23 07:57:31 ClusterRole/`,
				`kube-controller-manager\nis crash-looping\nfirst seen 07:57:31"`, `was deleted\nfirst seen 07:57:31"`, `old-project\nfirst seen 07:57:13"`}, nil},
		{"dot: another day than the beginning is dated", tlFinding([]analyze.Moment{moment("2026-11-22T23:59:00Z", tlNS, "deleted", 1), moment("2026-11-23T00:00:10Z", tlRole, "forbidden", 2)}, at("2026-11-23T00:00:10Z")), FormatDOT, false,
			[]string{`(began 2026-11-23 00:00:10 UTC)`, `was deleted\nfirst seen 00:00:10"`, `old-project\nfirst seen 2026-11-22 23:59:00"`}, []string{`is crash-looping\nfirst seen`}},
		{"dot: no root dated, first seen instead", tlFinding([]analyze.Moment{moment("2026-11-23T07:57:31Z", tlKCM, "forbidden", 2), {Ref: tlRole, What: analyze.Undated}}, nil), FormatDOT, false,
			[]string{`(first seen 2026-11-23 07:57:31 UTC)`}, []string{"comment=", `was deleted\nfirst seen`}},
		{"mermaid: began in the comment, first seen on nodes", tlFinding(dated, at("2026-11-23T07:57:31Z")), FormatMermaid, false,
			[]string{"%% [NSB-KCM-002] critical: kube-controller-manager is crash-looping (began 2026-11-23 07:57:31 UTC)\nflowchart TD\n",
				`is crash-looping<br/>first seen 07:57:31"]`, `old-project<br/>first seen 07:57:13"]`}, nil},
		{"mermaid: no timeline, no time", tlFinding(nil, nil), FormatMermaid, false, []string{"is crash-looping\n"}, []string{"first seen", "began"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := &analyze.Report{Findings: []analyze.Finding{c.f}}
			var buf bytes.Buffer
			if err := Render(&buf, r, c.format, Options{Width: 120, Verbose: c.verbose}); err != nil {
				t.Fatal(err)
			}
			checkInOrder(t, buf.String(), c.want, c.absent)
		})
	}
}

func TestChangedByFormats(t *testing.T) {
	t.Parallel()
	audit := analyze.Evidence{Path: "logs/audit/audit.log", Line: 42, Value: `{"auditID":"a1","verb":"delete","user":{"username":"dana"}}`}
	change := &analyze.Change{User: "dana", Groups: []string{"dashboard-admins"}, UserAgent: "kubectl/v1.37.2", SourceIPs: []string{"10.0.0.7"},
		Verb: "delete", Time: *at("2026-11-23T10:38:07.25Z"), Evidence: audit}
	const says = "dana (groups dashboard-admins) delete at 2026-11-23 10:38:07 UTC from 10.0.0.7 with kubectl/v1.37.2"
	// A real audit line is long: who sent which verb sits in its middle.
	long := audit
	long.Value = `{"auditID":"a1","requestURI":"/apis/` + strings.Repeat("x", 900) + `","verb":"delete","user":{"username":"dana"},"extra":"` + strings.Repeat("y", 900) + `"}`
	long.Match = `"verb":"delete","user":{"username":"dana"`
	longChange := *change
	longChange.Evidence = long
	attributed := func(c *analyze.Change, began string) analyze.Finding {
		f := tlFinding([]analyze.Moment{moment(began, tlRole, "deleted by dana (audit log)", 42)}, at(began))
		f.Chain[1].ChangedBy = c
		return f
	}
	for _, c := range []struct {
		name   string
		f      analyze.Finding
		format Format
		// want must appear in this order; absent must not appear.
		want, absent []string
	}{
		{"table: on the root link, its audit line quoted", attributed(change, "2026-11-23T10:38:07Z"), FormatTable,
			[]string{"  → ClusterRole/system:kube-controller-manager — was deleted\n", "logs/kcm.log:2 (quoted above)\n",
				"      Changed by: " + says + "\n", "        logs/audit/audit.log:42\n          > {\"auditID\":\"a1\"", "Root cause:"}, nil},
		{"table: only the fields given", attributed(&analyze.Change{User: "system:admin", Verb: "patch", Time: *at("2026-11-23T10:38:07Z"), Evidence: audit}, "2026-11-23T10:38:07Z"), FormatTable,
			[]string{"      Changed by: system:admin patch at 2026-11-23 10:38:07 UTC\n"}, []string{"groups", " from ", " with "}},
		{"table: not attributed, not said", tlFinding(nil, nil), FormatTable, nil, []string{"Changed by"}},
		{"markdown: in the root's item, then its quote", attributed(change, "2026-11-23T10:38:07Z"), FormatMarkdown,
			[]string{"2. **ClusterRole** `system:kube-controller-manager`: was deleted\n", "\n   **Changed by:** " + says + "\n",
				"\n   > `logs/audit/audit.log:42`\\\n   > `{\"auditID\":\"a1\",", "**Root cause:**"}, nil},
		{"html: in the root's box, then its quote", attributed(change, "2026-11-23T10:38:07Z"), FormatHTML,
			[]string{`<li class="root"><span class="kind">ClusterRole</span>`, `<div class="changed"><strong>Changed by:</strong> ` + says + `</div>`,
				`<div class="ev"><code>logs/audit/audit.log:42</code><blockquote>{&#34;auditID&#34;:&#34;a1&#34;`, "</li>\n</ol>"}, nil},
		{"html: a long audit line keeps who sent which verb", attributed(&longChange, "2026-11-23T10:38:07Z"), FormatHTML,
			[]string{`<blockquote>{&#34;auditID&#34;:&#34;a1&#34;`, `&#34;verb&#34;:&#34;delete&#34;,&#34;user&#34;:{&#34;username&#34;:&#34;dana&#34;`}, nil},
		{"table: a long audit line keeps who sent which verb", attributed(&longChange, "2026-11-23T10:38:07Z"), FormatTable,
			[]string{"logs/audit/audit.log:42\n", `"verb":"delete","user":{"username":"dana"`}, nil},
		{"markdown: a long audit line keeps who sent which verb", attributed(&longChange, "2026-11-23T10:38:07Z"), FormatMarkdown,
			[]string{"> `logs/audit/audit.log:42`", `"verb":"delete","user":{"username":"dana"`}, nil},
		{"dot: the change on the root's node", attributed(change, "2026-11-23T10:38:07Z"), FormatDOT,
			[]string{`was deleted\ndelete by dana at 10:38:07"`}, []string{`was deleted\nfirst seen`}},
		{"mermaid: the change on the root's node, dated when another day", attributed(change, "2026-11-24T08:00:00Z"), FormatMermaid,
			[]string{`was deleted<br/>delete by dana at 2026-11-23 10:38:07"]`}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := Render(&buf, &analyze.Report{Findings: []analyze.Finding{c.f}}, c.format, Options{Width: 140}); err != nil {
				t.Fatal(err)
			}
			checkInOrder(t, buf.String(), c.want, c.absent)
		})
	}
}

// checkInOrder fails unless out holds every want, in that order, and no
// absent.
func checkInOrder(t *testing.T, out string, want, absent []string) {
	t.Helper()
	rest := out
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Fatalf("lacks (in this order) %q\n%s", w, out)
		}
		rest = rest[i+len(w):]
	}
	for _, a := range absent {
		if strings.Contains(out, a) {
			t.Errorf("holds %q\n%s", a, out)
		}
	}
}
