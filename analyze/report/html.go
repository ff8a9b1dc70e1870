package report

import (
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/nsbundle/nsbundle/analyze"
)

// htmlPage is the view the template renders; every string is already cleaned
// and html/template escapes it for its context.
type htmlPage struct {
	Title    string
	Bundle   string
	Findings []htmlFinding
	Notes    []string
	Checked  string
}

type htmlFinding struct {
	Num                           int
	Anchor, ID, Severity, Summary string
	Symptom, RootCause            string
	RootProblem                   string
	Also                          []string
	Boxes                         []htmlBox
	Fix, Verify, Expect           string
	Missing                       []string
	// Began is when the chain began at BeganAt, its root ("" if undated).
	Began, BeganAt string
	Timeline       []htmlMoment
	Warnings       []string
}

// htmlMoment is one timeline entry (see timelineEntries); Datetime is its
// RFC 3339 time, "" when undated.
type htmlMoment struct {
	When, Datetime, What, Location string
	Refs                           []string
}

// htmlBox is one link of a chain, drawn as a box.
type htmlBox struct {
	Kind, Name, Problem string
	Class               string
	Evidence            []htmlEvidence
	// Changed says who changed the object (Link.ChangedBy), quoting
	// ChangedEv, the audit line.
	Changed   string
	ChangedEv *htmlEvidence
}

type htmlEvidence struct{ Location, Value string }

// renderHTML writes a self-contained page: no script, no external asset; the
// chains are boxes joined by CSS arrows.
func renderHTML(w io.Writer, r *analyze.Report, opts Options) error {
	t, err := template.New("report").Parse(htmlTemplate)
	if err != nil {
		return err
	}
	limit := docValueLimit
	if opts.Verbose {
		limit = 0
	}
	page := htmlPage{
		Title:  "nsbundle analysis: " + clean(bundleName(r.Bundle)),
		Bundle: bundleLine(r.Bundle),
	}
	if len(r.Checked) > 0 {
		page.Checked = clean(strings.Join(r.Checked, "; "))
	}
	for i := range r.Findings {
		page.Findings = append(page.Findings, newHTMLFinding(i+1, &r.Findings[i], limit))
	}
	for _, n := range r.Notes {
		page.Notes = append(page.Notes, clean(n))
	}
	return t.Execute(w, page)
}

func newHTMLFinding(n int, f *analyze.Finding, limit int) htmlFinding {
	hf := htmlFinding{
		Num:         n,
		Anchor:      fmt.Sprintf("finding-%d", n),
		RootProblem: clean(f.RootCause.Problem),
		ID:          clean(f.ID),
		Severity:    clean(string(f.Severity)),
		Summary:     clean(f.Summary),
		Symptom:     clean(refString(f.Symptom)),
		RootCause:   clean(refString(f.RootCause.Ref)),
		Fix:         strings.Join(lines(f.Fix), "\n"),
		Verify:      strings.Join(lines(f.Verify.Command), "\n"),
		Expect:      clean(f.Verify.Expect),
	}
	for _, a := range f.AlsoAffects {
		hf.Also = append(hf.Also, clean(refString(a)))
	}
	for _, m := range f.Missing {
		hf.Missing = append(hf.Missing, clean(m))
	}
	if hf.Began = beganText(f); hf.Began != "" {
		hf.BeganAt = clean(refString(f.Chain[len(f.Chain)-1].Ref))
	}
	for _, e := range timelineEntries(f.Timeline) {
		m := htmlMoment{When: e.when, What: clean(e.what)}
		if e.time != nil {
			m.Datetime = e.time.UTC().Format(time.RFC3339Nano)
		}
		if e.ev != nil {
			m.Location = clean(location(*e.ev))
		}
		for _, r := range e.refs {
			m.Refs = append(m.Refs, clean(refString(r)))
		}
		hf.Timeline = append(hf.Timeline, m)
	}
	for _, o := range f.OrderWarnings {
		hf.Warnings = append(hf.Warnings, clean(o))
	}
	for i, l := range f.Chain {
		b := htmlBox{Kind: clean(l.Kind.String()), Name: clean(refName(l.Ref)), Problem: clean(l.Problem)}
		var classes []string
		if i == 0 {
			classes = append(classes, "symptom")
		}
		if i == len(f.Chain)-1 && (l.Ref == f.RootCause.Ref || f.RootCause.Ref == analyze.Ref{}) {
			classes = append(classes, "root")
		}
		if l.Kind == analyze.KindEvidence {
			classes = append(classes, "missing")
		}
		b.Class = strings.Join(classes, " ")
		for _, e := range l.Evidence {
			b.Evidence = append(b.Evidence, htmlEvidence{Location: clean(location(e)), Value: shortenAround(clean(e.Value), clean(e.Match), limit)})
		}
		if c := l.ChangedBy; c != nil {
			b.Changed = clean(changeText(c))
			b.ChangedEv = &htmlEvidence{Location: clean(location(c.Evidence)), Value: shortenAround(clean(c.Evidence.Value), clean(c.Evidence.Match), limit)}
		}
		hf.Boxes = append(hf.Boxes, b)
	}
	rc := f.RootCause
	if rc.Ref != (analyze.Ref{}) && (len(f.Chain) == 0 || f.Chain[len(f.Chain)-1].Ref != rc.Ref) {
		hf.Boxes = append(hf.Boxes, htmlBox{Kind: clean(rc.Kind.String()), Name: clean(refName(rc.Ref)), Problem: clean(rc.Problem), Class: "root"})
	}
	return hf
}
