package rules

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// maxQuote caps quoted evidence values.
const maxQuote = 600

// ev makes evidence at a location.
func ev(loc snapshot.Location, value string) analyze.Evidence {
	return analyze.Evidence{Path: loc.Path, Pointer: loc.Pointer, Value: quote(value)}
}

// evLine makes evidence from a log line.
func evLine(l *snapshot.Log, i int) analyze.Evidence {
	return analyze.Evidence{Path: l.Path, Line: l.FirstLine + i, Value: quote(l.Lines[i])}
}

// evLineMatch makes evidence from a log line whose part match (when found
// in it) is what the rule matched: the quote keeps it even beyond maxQuote.
func evLineMatch(l *snapshot.Log, i int, match string) analyze.Evidence {
	line := l.Lines[i]
	at := strings.Index(line, match)
	if match == "" || at < 0 {
		return evLine(l, i)
	}
	return analyze.Evidence{Path: l.Path, Line: l.FirstLine + i, Value: quoteAround(line, at, at+len(match)), Match: match}
}

// quoteAround caps s at about maxQuote bytes like quote, but keeps the
// matched part s[at:end]: when it ends past the cap, the quote is the start
// of the line (time, source), " … ", then s from shortly before at.
func quoteAround(s string, at, end int) string {
	if len(s) <= maxQuote || end < maxQuote {
		return quote(s)
	}
	from := at - 40
	for from > 0 && !utf8.RuneStart(s[from]) {
		from--
	}
	return runeCut(s, maxQuote/4) + " … " + quote(s[from:])
}

// runeCut is s cut to at most n bytes, never inside a character.
func runeCut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func quote(s string) string {
	if len(s) > maxQuote {
		i := maxQuote
		for i > 0 && !utf8.RuneStart(s[i]) {
			i-- // never cut a character in two
		}
		return s[:i] + "…"
	}
	return s
}

// condEv returns evidence for condition c at index i of an object's
// status.conditions.
func condEv(o *snapshot.Object, c *snapshot.Condition, i int) analyze.Evidence {
	v := c.Type + "=" + c.Status
	if c.Reason != "" {
		v += " (" + c.Reason + ")"
	}
	if c.Message != "" {
		v += ": " + c.Message
	}
	return ev(o.Loc.At("status", "conditions", fmt.Sprint(i)), v)
}

// failingNamespace returns namespace name and its condition typ (with its
// index) when that condition is True; nil otherwise.
func failingNamespace(s *snapshot.Snapshot, name, typ string) (*snapshot.Namespace, *snapshot.Condition, int) {
	ns := s.Namespace(name)
	if ns == nil {
		return nil, nil, -1
	}
	c, i := snapshot.FindCondition(ns.Status.Conditions, typ)
	if c == nil || c.Status != "True" {
		return nil, nil, -1
	}
	return ns, c, i
}

// ref builds an object ref.
func ref(kind analyze.Kind, ns, name string) analyze.Ref {
	return analyze.Ref{Kind: kind, Namespace: ns, Name: name}
}

// age formats how long ago t was, relative to the snapshot's now.
func age(s *snapshot.Snapshot, t *time.Time) string {
	if t == nil || s.Now.IsZero() {
		return ""
	}
	d := s.Now.Sub(*t)
	if d < 0 {
		d = 0
	}
	return human(d)
}

// since returns how long ago t was (0 if unknown).
func since(s *snapshot.Snapshot, t *time.Time) time.Duration {
	if t == nil || s.Now.IsZero() {
		return 0
	}
	return s.Now.Sub(*t)
}

// human prints a duration the way kubectl prints ages.
func human(d time.Duration) string {
	switch {
	case d < 2*time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < 3*time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd%dh", int(d.Hours())/24, int(d.Hours())%24)
}

// missingNode ends a chain where evidence is missing: never a guess.
func missingNode(what, why string) analyze.Node {
	return analyze.Node{
		Ref:     analyze.Ref{Kind: analyze.KindEvidence, Name: what},
		Problem: "evidence missing: " + why,
		Missing: []string{what + ": " + why},
		Root:    true,
		Fix:     "Collect the missing evidence: run `nsbundle collect` against the cluster (it gathers " + what + " and records why anything could not be read), then analyze that bundle.",
		Verify: verifyCmd("nsbundle collect -o after.tgz && nsbundle analyze after.tgz",
			"the new bundle holds "+what+": the chain goes past this point or is gone"),
	}
}

// notCollected says why a resource type is absent from the snapshot.
func notCollected(s *snapshot.Snapshot, res, label string) (analyze.Node, bool) {
	c := s.Collection(res)
	if c.Collected {
		return analyze.Node{}, false
	}
	why := label + " were not collected"
	switch {
	case c.Status != 0 && c.Error != "":
		why = fmt.Sprintf("%s were not collected (%d: %s)", label, c.Status, c.Error)
	case c.Error != "":
		why = fmt.Sprintf("%s were not collected (%s)", label, c.Error)
	case s.Layout != snapshot.LayoutNative:
		why = fmt.Sprintf("%s are not part of a %s bundle", label, s.Layout)
	}
	return missingNode(label, why), true
}

// notInPartial ends a chain at object what, absent from the bundle's list of
// res (label, e.g. "Service objects"), which is partial: its absence proves
// nothing. more is added to the reason.
func notInPartial(s *snapshot.Snapshot, res, what, label, more string) analyze.Node {
	return missingObject(what, label, what+" is not among the bundle's "+label+", which are incomplete ("+s.Collection(res).Error+")"+more)
}

// missingObject ends a chain at object what (e.g. "Service ns/x"), which
// the bundle's list of label (e.g. "Service objects") cannot prove absent:
// why says so, starting with what; the fix collects label.
func missingObject(what, label, why string) analyze.Node {
	nd := missingNode(label, why)
	nd.Ref.Name = what
	nd.Missing = []string{why}
	return nd
}

// kubectlNS renders "-n ns" for verify commands.
func kubectlNS(ns string) string {
	if ns == "" {
		return ""
	}
	return " -n " + ns
}

// containsAny reports whether s contains one of subs.
func containsAny(s string, subs ...string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

func itoa(i int) string { return fmt.Sprint(i) }

func refIn(list []analyze.Ref, r analyze.Ref) bool {
	for _, x := range list {
		if x == r {
			return true
		}
	}
	return false
}

// backendService is the link to the Service behind a webhook (admission or
// CRD conversion): the root cause when it does not exist (problem absent),
// else a node the Service rule explains further (problem silent).
func backendService(s *snapshot.Snapshot, sr *snapshot.ServiceReference, evs []analyze.Evidence, absent, silent, fix string, verify analyze.Verify) analyze.Node {
	if s.CompleteIn(snapshot.ResServices, sr.Namespace) && s.Service(sr.Namespace, sr.Name) == nil {
		return analyze.Node{
			Ref:      ref(analyze.KindService, sr.Namespace, sr.Name),
			Problem:  absent,
			Evidence: evs,
			Root:     true,
			Fix:      fix,
			Verify:   verify,
		}
	}
	return analyze.Node{
		Ref:      ref(analyze.KindService, sr.Namespace, sr.Name),
		Problem:  silent,
		Evidence: evs,
	}
}
