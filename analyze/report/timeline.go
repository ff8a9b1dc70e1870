package report

import (
	"strings"
	"time"

	"github.com/nsbundle/nsbundle/analyze"
)

// Time layouts of the timeline: the date is written only when it changes.
const (
	tlDay   = "2006-01-02"
	tlClock = "15:04:05"
)

// tlEntry is one line of a finding's timeline as the human formats show it:
// the moments that share a time and the evidence that dates them (the same
// log line often dates two links) are one entry naming every link.
type tlEntry struct {
	// when is "2026-11-23 07:57:13" on the first line and when the day
	// changes, "07:57:31" otherwise, "undated" for an undated link (UTC).
	when string
	// time is the exact time, nil when undated.
	time *time.Time
	refs []analyze.Ref
	// what says what happened (uncleaned), without the "undated: " prefix.
	what string
	ev   *analyze.Evidence
}

// timelineEntries groups a timeline's moments into entries, in the
// timeline's order. A group's what is its shortest (the one of the object
// the evidence belongs to, which names no other object), and that object
// comes first.
func timelineEntries(tl []analyze.Moment) []tlEntry {
	var out []tlEntry
	at := map[tlKey]int{}
	for _, m := range tl {
		if m.Time == nil || m.Evidence == nil {
			out = append(out, tlEntry{when: "undated", refs: []analyze.Ref{m.Ref}, what: strings.TrimPrefix(m.What, "undated: ")})
			continue
		}
		k := tlKey{m.Time.UnixNano(), m.Evidence.Path, m.Evidence.Pointer, m.Evidence.Line}
		if i, ok := at[k]; ok {
			e := &out[i]
			if len(m.What) < len(e.what) {
				e.what = m.What
				e.refs = append([]analyze.Ref{m.Ref}, e.refs...)
			} else {
				e.refs = append(e.refs, m.Ref)
			}
			continue
		}
		at[k] = len(out)
		out = append(out, tlEntry{time: m.Time, refs: []analyze.Ref{m.Ref}, what: m.What, ev: m.Evidence})
	}
	day := ""
	for i := range out {
		if t := out[i].time; t != nil {
			u := t.UTC()
			out[i].when = u.Format(tlClock)
			if d := u.Format(tlDay); d != day {
				out[i].when, day = d+" "+out[i].when, d
			}
		}
	}
	return out
}

// tlKey identifies a moment's time and evidence location.
type tlKey struct {
	t       int64
	path    string
	pointer string
	line    int
}

// refList names refs as "Kind/ns/name, Kind/name" (uncleaned).
func refList(refs []analyze.Ref) string {
	s := make([]string, len(refs))
	for i, r := range refs {
		s[i] = refString(r)
	}
	return strings.Join(s, ", ")
}

// plain is the entry as one line of text: "07:57:31 Kind/name: what",
// cleaned.
func (e tlEntry) plain() string {
	return clean(e.when + " " + refList(e.refs) + ": " + e.what)
}

// beganText is when the finding began at its root, "2026-11-23 07:57:31
// UTC", or "" when the bundle does not date the root.
func beganText(f *analyze.Finding) string {
	if f.Began == nil {
		return ""
	}
	return f.Began.UTC().Format(tlDay+" "+tlClock) + " UTC"
}

// firstSeen is the earliest dated moment of each ref over the findings'
// timelines, for the graph formats.
func firstSeen(fs []analyze.Finding) map[analyze.Ref]time.Time {
	out := map[analyze.Ref]time.Time{}
	for _, f := range fs {
		for _, m := range f.Timeline {
			if m.Time == nil {
				continue
			}
			if t, ok := out[m.Ref]; !ok || m.Time.Before(t) {
				out[m.Ref] = m.Time.UTC()
			}
		}
	}
	return out
}

// graphTime is what a graph of fs says of time: day, the date its node
// labels leave out, and note, e.g. "began 2026-11-23 07:57:31 UTC" (the
// earliest Began; "first began" over several findings; "first seen" when no
// root is dated), "" when nothing is dated.
func graphTime(fs []analyze.Finding, seen map[analyze.Ref]time.Time) (day time.Time, note string) {
	var began time.Time
	for _, f := range fs {
		if f.Began != nil && (began.IsZero() || f.Began.Before(began)) {
			began = f.Began.UTC()
		}
	}
	word := "began "
	if len(fs) > 1 {
		word = "first began "
	}
	if began.IsZero() {
		for _, t := range seen {
			if began.IsZero() || t.Before(began) {
				began = t
			}
		}
		word = "first seen "
	}
	if began.IsZero() {
		return began, ""
	}
	return began, word + began.Format(tlDay+" "+tlClock) + " UTC"
}

// seenLabel is a graph node's time line, "first seen 07:57:31", with the
// date when it is not day's; "" if never seen.
func seenLabel(seen map[analyze.Ref]time.Time, r analyze.Ref, day time.Time) string {
	t, ok := seen[r]
	if !ok {
		return ""
	}
	if t.Format(tlDay) != day.Format(tlDay) {
		return "first seen " + t.Format(tlDay+" "+tlClock)
	}
	return "first seen " + t.Format(tlClock)
}

// changeText says who changed a root object, e.g. "dana (groups
// dashboard-admins) delete at 2026-11-23 10:38:07 UTC from 10.0.0.7 with
// kubectl/v1.37.2" (uncleaned).
func changeText(c *analyze.Change) string {
	var b strings.Builder
	b.WriteString(c.User)
	if len(c.Groups) > 0 {
		b.WriteString(" (groups " + strings.Join(c.Groups, ", ") + ")")
	}
	b.WriteString(" " + c.Verb + " at " + c.Time.UTC().Format(tlDay+" "+tlClock) + " UTC")
	if len(c.SourceIPs) > 0 {
		b.WriteString(" from " + strings.Join(c.SourceIPs, ", "))
	}
	if c.UserAgent != "" {
		b.WriteString(" with " + c.UserAgent)
	}
	return b.String()
}

// changeLabel is a graph node's attribution line, "delete by dana at
// 10:38:07", with the date when it is not day's.
func changeLabel(c *analyze.Change, day time.Time) string {
	t := c.Time.UTC()
	when := t.Format(tlClock)
	if t.Format(tlDay) != day.Format(tlDay) {
		when = t.Format(tlDay + " " + tlClock)
	}
	return c.Verb + " by " + c.User + " at " + when
}
