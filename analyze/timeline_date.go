package analyze

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nsbundle/nsbundle/analyze/logtime"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// stamp is one moment the bundle dates for a link: when, what happened
// then, and the evidence (a timestamp field or a log line) that says so.
type stamp struct {
	t    time.Time
	what string
	ev   Evidence
	// onset marks a moment the link's problem shows itself (a condition
	// turning, an error logged, an event, a container exiting), as opposed
	// to one that dates its context (a deletion requested, a container or
	// lease started or renewed). Only onsets are compared for an
	// impossible order.
	onset bool
}

// dater finds the times that the evidence of a link points at. It is the
// one place that knows where objects keep their dates: a condition's
// lastTransitionTime, an event's first and last time and count, a lease's
// acquire and renew times, a container's start and finish, a
// deletionTimestamp, the time at the start of a log line.
type dater struct {
	s *snapshot.Snapshot
	// files holds, by bundle path, the dated objects of that file by
	// pointer; filled on first use, one scan of the lists per path.
	files map[string]map[string]any
	// kinds holds, by kind, the dated objects of that kind by ref; filled
	// on first use.
	kinds map[Kind]map[Ref]any
	logs  map[string]*snapshot.Log
	// alike caches the log lines with the same message (see alikeLines).
	alike map[string][]stamp
}

// newDater returns a dater of s. It indexes nothing up front: a report
// dates a few objects of a bundle that may hold 150,000 pods.
func newDater(s *snapshot.Snapshot) *dater {
	d := &dater{s: s, files: map[string]map[string]any{}, kinds: map[Kind]map[Ref]any{}, logs: map[string]*snapshot.Log{}, alike: map[string][]stamp{}}
	for _, l := range s.Logs {
		d.logs[l.Path] = l
	}
	return d
}

// eachObject calls f with every object a timeline can date, and its
// location.
func eachObject(s *snapshot.Snapshot, f func(o any, loc snapshot.Location)) {
	for _, o := range s.Namespaces {
		f(o, o.Loc)
	}
	for _, o := range s.APIServices {
		f(o, o.Loc)
	}
	for _, o := range s.Pods {
		f(o, o.Loc)
	}
	for _, o := range s.Nodes {
		f(o, o.Loc)
	}
	for _, o := range s.Leases {
		f(o, o.Loc)
	}
	for _, o := range s.Events {
		f(o, o.Loc)
	}
	for _, o := range s.PVCs {
		f(o, o.Loc)
	}
	for _, o := range s.CRDs {
		f(o, o.Loc)
	}
	for _, o := range s.Workloads {
		f(o, o.Loc)
	}
	for _, o := range s.Services {
		f(o, o.Loc)
	}
	for _, o := range s.Webhooks {
		f(o, o.Loc)
	}
}

// at returns the dated object at loc.
func (d *dater) at(loc snapshot.Location) (any, bool) {
	idx, ok := d.files[loc.Path]
	if !ok {
		idx = map[string]any{}
		eachObject(d.s, func(o any, l snapshot.Location) {
			if l.Path == loc.Path {
				idx[l.Pointer] = o
			}
		})
		d.files[loc.Path] = idx
	}
	o, ok := idx[loc.Pointer]
	return o, ok
}

// byRef returns the dated object r names.
func (d *dater) byRef(r Ref) (any, bool) {
	idx, ok := d.kinds[r.Kind]
	if !ok {
		idx = map[Ref]any{}
		eachObject(d.s, func(o any, _ snapshot.Location) {
			if m, kind, _, _ := objectInfo(o); m != nil && ObjectKind(kind) == r.Kind {
				idx[Ref{Kind: r.Kind, Namespace: m.Namespace, Name: m.Name}] = o
			}
		})
		d.kinds[r.Kind] = idx
	}
	o, ok := idx[r]
	return o, ok
}

// ownStamps dates an object by what it says of itself, for a symptom that is
// not a link of the chain (Finding.AlsoAffects): its deletion, its
// containers, and the warning events about it.
func (d *dater) ownStamps(r Ref) []stamp {
	var out []stamp
	if o, ok := d.byRef(r); ok {
		_, _, loc, _ := objectInfo(o)
		out = append(out, d.objectStamps(r, Evidence{Path: loc.Path, Pointer: loc.Pointer})...)
	}
	for _, e := range d.s.EventsFor(r.Kind.String(), r.Namespace, r.Name) {
		if e.Type == "Warning" {
			out = append(out, d.objectStamps(r, Evidence{Path: e.Loc.Path, Pointer: e.Loc.Pointer})...)
		}
	}
	return out
}

// stamps returns every moment the evidence of link l dates.
func (d *dater) stamps(l Link) []stamp {
	var out []stamp
	if c := l.ChangedBy; c != nil {
		out = append(out, stamp{t: c.Time, what: changeWhat(c.Verb, c.User), ev: c.Evidence, onset: true})
	}
	for _, e := range l.Evidence {
		switch {
		case e.Line > 0 && isAuditLine(e.Value):
			out = append(out, auditStamps(e)...)
		case e.Line > 0:
			out = append(out, d.logStamps(e)...)
		case e.Pointer != "" || e.Path != "":
			out = append(out, d.objectStamps(l.Ref, e)...)
		}
	}
	return out
}

// find returns the object holding the evidence's pointer and the rest of the
// pointer below it, split into unescaped tokens.
func (d *dater) find(e Evidence) (any, []string) {
	toks := strings.Split(e.Pointer, "/")
	if e.Pointer == "" || toks[0] != "" {
		o, ok := d.at(snapshot.Location{Path: e.Path, Pointer: e.Pointer})
		if ok {
			return o, nil
		}
		return nil, nil
	}
	toks = toks[1:]
	for k := len(toks); k >= 0; k-- {
		ptr := ""
		if k > 0 {
			ptr = "/" + strings.Join(toks[:k], "/")
		}
		if o, ok := d.at(snapshot.Location{Path: e.Path, Pointer: ptr}); ok {
			sub := make([]string, len(toks)-k)
			for i, t := range toks[k:] {
				sub[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
			}
			return o, sub
		}
	}
	return nil, nil
}

// maxExcerpt caps the part of a log message a timeline entry quotes in its
// what; the evidence holds the line.
const maxExcerpt = 80

// maxLogValue caps a log line quoted as timeline evidence.
const maxLogValue = 600

// logStamps dates a quoted log line, and finds the first and last lines of
// the component's logs (the same file, when its component is not known)
// with the same message: the first and last time the bundle shows it.
func (d *dater) logStamps(e Evidence) []stamp {
	text := e.Value
	l := d.logs[e.Path]
	if l != nil {
		if i := e.Line - l.FirstLine; i >= 0 && i < len(l.Lines) {
			text = l.Lines[i]
		}
	}
	t, ok := logtime.Of(text, d.s.Now)
	if !ok {
		return nil
	}
	quoted := stamp{t: t, onset: true, ev: Evidence{Path: e.Path, Line: e.Line, Value: clipText(text, maxLogValue)}}
	alike := []stamp{quoted}
	if l != nil {
		if a := d.alikeLines(l, logShape(logtime.Message(text))); len(a) > 0 {
			alike = a
		}
	}
	where := fileName(e.Path)
	if l != nil && l.Component != "" {
		where = l.Component + "'s log"
	}
	excerpt := func(s stamp) string { return excerptOf(logtime.Message(s.ev.Value), maxExcerpt) }
	if len(alike) == 1 {
		s := alike[0]
		s.what = "logged in " + where + ": " + excerpt(s)
		return []stamp{s}
	}
	first, last := alike[0], alike[len(alike)-1]
	first.what = fmt.Sprintf("first of %d like lines in %s: %s", len(alike), where, excerpt(first))
	last.what = fmt.Sprintf("last of %d like lines in %s: %s", len(alike), where, excerpt(last))
	return []stamp{first, last}
}

// logShape is a log message with what varies between lines that say the
// same thing masked: digits (pids, counts, addresses) and quoted names
// (tokens without spaces between quotes, escaped or not), so "forbidden for
// \"endpoint-controller\"" and "forbidden for \"ttl-controller\"" are alike.
func logShape(msg string) string {
	var b strings.Builder
	b.Grow(len(msg))
	for i := 0; i < len(msg); i++ {
		c := msg[i]
		switch {
		case c >= '0' && c <= '9':
			for i+1 < len(msg) && msg[i+1] >= '0' && msg[i+1] <= '9' {
				i++
			}
			b.WriteByte('0')
		case c == '"':
			// A quoted token without spaces: keep the quotes, mask the name.
			end := i + 1
			for end < len(msg) && msg[end] != '"' && msg[end] != ' ' {
				end++
			}
			if end < len(msg) && msg[end] == '"' && end > i+1 {
				tok := msg[i+1 : end]
				esc := strings.HasSuffix(tok, `\`)
				b.WriteString(`"*`)
				if esc {
					b.WriteByte('\\')
				}
				b.WriteByte('"')
				i = end
				continue
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// alikeLines returns, oldest first, the dated lines shaped like shape in the
// logs of l's component (l alone when it has none), one per moment: a line
// present in two files (a run's log and the log of all runs) counts once.
func (d *dater) alikeLines(l *snapshot.Log, shape string) []stamp {
	ck := l.Component + "\x00" + l.Path + "\x00" + shape
	if c, ok := d.alike[ck]; ok {
		return c
	}
	logs := []*snapshot.Log{l}
	if l.Component != "" {
		logs = nil
		for _, o := range d.s.Logs {
			if o.Component == l.Component {
				logs = append(logs, o)
			}
		}
	}
	seen := map[time.Time]bool{}
	var out []stamp
	for _, o := range logs {
		for i, line := range o.Lines {
			if len(line) < len(shape)/2 || logShape(logtime.Message(line)) != shape {
				continue
			}
			t, ok := logtime.Of(line, d.s.Now)
			if !ok || seen[t] {
				continue
			}
			seen[t] = true
			out = append(out, stamp{t: t, onset: true, ev: Evidence{Path: o.Path, Line: o.FirstLine + i, Value: clipText(line, maxLogValue)}})
		}
	}
	sortStamps(out)
	d.alike[ck] = out
	return out
}

// excerptOf keeps the start and the end of s (where klog puts the error
// and its keys) within about n bytes.
func excerptOf(s string, n int) string {
	if len(s) <= n {
		return s
	}
	head := strings.TrimSuffix(clipText(s, n/2), "…")
	if i := strings.LastIndexByte(head, ' '); i > len(head)-12 && i > 0 { // keep words whole
		head = head[:i]
	}
	i := len(s) - n/2
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	if j := strings.IndexByte(s[i:], ' '); j >= 0 && j < 12 && i+j+1 < len(s) {
		i += j + 1
	}
	return head + " … " + s[i:]
}

func fileName(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// clipText cuts s to at most n bytes, never inside a character, marking the cut.
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}
