package analyze

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// ClockSkew is how much earlier than its cause a link may be dated before
// the timeline calls the order impossible: the clocks of nodes and of the
// control plane differ a little, and klog lines carry no zone.
const ClockSkew = time.Minute

// Moment is one entry of a finding's timeline: a time the bundle shows for a
// link's object (or for one of the further symptoms the finding affects),
// what happened then and the evidence that dates it. A link the bundle
// dates nowhere has one Moment without Time (undated): a time is never
// guessed.
type Moment struct {
	// Time is when it happened, in UTC; nil for an undated link.
	Time *time.Time `json:"time,omitempty"`
	// Ref is the link (or affected symptom) the moment belongs to.
	Ref
	// What says what happened then, e.g. "became Available=False
	// (MissingEndpoints)" or "first of 3 like lines in
	// kube-controller-manager's log: ...".
	What string `json:"what"`
	// Evidence is the timestamp field or log line that dates it (nil when
	// undated).
	Evidence *Evidence `json:"evidence,omitempty"`
}

// Undated is the What of a link the bundle shows no time for.
const Undated = "undated: nothing in the bundle dates it"

// Timelines gives each finding its timeline (Finding.Timeline, Began,
// Sequence, OrderWarnings) from the dates in the snapshot that its chain's
// evidence points at.
func Timelines(s *snapshot.Snapshot, fs []Finding) {
	d := newDater(s)
	for i := range fs {
		fs[i].setTimeline(d)
	}
}

// span is the earliest and latest moment of one link (nil if undated),
// and its earliest onset (nil if none).
type span struct {
	first, last, onset *stamp
}

func (f *Finding) setTimeline(d *dater) {
	f.Timeline, f.Began, f.Sequence, f.OrderWarnings = nil, nil, "", nil
	spans := make([]span, len(f.Chain))
	for i, l := range f.Chain {
		st := d.stamps(l)
		if len(st) == 0 {
			continue
		}
		sortStamps(st)
		first, last := st[0], st[len(st)-1]
		spans[i] = span{first: &first}
		if last.t.After(first.t) {
			spans[i].last = &last
		}
		for j := range st {
			if st[j].onset {
				spans[i].onset = &st[j]
				break
			}
		}
	}
	var dated, undated []entry
	for i := len(f.Chain) - 1; i >= 0; i-- { // root first: a cause sorts before its effect at the same time
		ref := f.Chain[i].Ref
		sp := spans[i]
		if sp.first == nil {
			undated = append(undated, entry{m: Moment{Ref: ref, What: Undated}, link: i})
			continue
		}
		dated = append(dated, entry{m: sp.first.moment(ref), link: i})
		if o := sp.onset; o != nil && o.t.After(sp.first.t) && (sp.last == nil || o.t.Before(sp.last.t)) {
			dated = append(dated, entry{m: o.moment(ref), link: i})
		}
		if sp.last != nil {
			dated = append(dated, entry{m: sp.last.moment(ref), link: i, late: true})
		}
	}
	for _, a := range f.AlsoAffects {
		st := d.ownStamps(a)
		if len(st) == 0 {
			continue
		}
		sortStamps(st)
		dated = append(dated, entry{m: st[0].moment(a), link: -1})
		if last := st[len(st)-1]; last.t.After(st[0].t) {
			dated = append(dated, entry{m: last.moment(a), link: -1, late: true})
		}
	}
	// Object timestamps have whole seconds, log lines microseconds: within
	// one second the order is not known, and causes are listed first.
	sort.SliceStable(dated, func(a, b int) bool {
		return dated[a].m.Time.Truncate(time.Second).Before(dated[b].m.Time.Truncate(time.Second))
	})
	subSecondOrder(dated)
	for _, e := range append(dated, undated...) {
		f.Timeline = append(f.Timeline, e.m)
	}
	root := len(f.Chain) - 1
	if root >= 0 && spans[root].first != nil {
		t := spans[root].first.t
		f.Began = &t
	}
	f.Sequence = sequence(f.Chain, spans)
	f.OrderWarnings = orderWarnings(f.Chain, spans)
}

// entry is one moment of a finding's timeline while it is built: the link
// it dates (-1: a symptom of AlsoAffects), and whether it is that link's
// latest.
type entry struct {
	m    Moment
	link int
	late bool
}

// subSecondOrder orders, within each second of dated (sorted by second),
// the moments dated to the sub-second (log lines, audit events, lease
// times) by their time, in the places they hold: between two of them the
// order is known (a lease taken at .167 before a delete at .799), while a
// whole-second object timestamp keeps its place, its order within the
// second being unknown.
func subSecondOrder(dated []entry) {
	for i := 0; i < len(dated); {
		sec := dated[i].m.Time.Truncate(time.Second)
		var at []int
		var precise []entry
		j := i
		for ; j < len(dated) && dated[j].m.Time.Truncate(time.Second).Equal(sec); j++ {
			if dated[j].m.Time.Nanosecond() != 0 {
				at = append(at, j)
				precise = append(precise, dated[j])
			}
		}
		sort.SliceStable(precise, func(a, b int) bool { return precise[a].m.Time.Before(*precise[b].m.Time) })
		for n, k := range at {
			dated[k] = precise[n]
		}
		i = j
	}
}

func (s *stamp) moment(r Ref) Moment {
	t, ev := s.t, s.ev
	return Moment{Time: &t, Ref: r, What: s.what, Evidence: &ev}
}

// sortStamps orders stamps by time; equal times keep their order.
func sortStamps(st []stamp) {
	sort.SliceStable(st, func(i, j int) bool { return st[i].t.Before(st[j].t) })
}

// sequence says, root first, when each link of the chain began:
// "2026-11-23 07:58:12 ClusterRole/x → 07:58:30 Namespace/y → undated Z".
// The date is written when it changes.
func sequence(chain []Link, spans []span) string {
	var parts []string
	day := ""
	for i := len(chain) - 1; i >= 0; i-- {
		name := refName(chain[i].Ref)
		sp := spans[i]
		if sp.first == nil {
			parts = append(parts, "undated "+name)
			continue
		}
		t := sp.first.t
		when := t.Format("15:04:05")
		if d := t.Format("2006-01-02"); d != day {
			when, day = d+" "+when, d
		}
		parts = append(parts, when+" "+name)
	}
	return strings.Join(parts, " → ")
}

// orderWarnings finds links whose problem shows itself before their cause's
// did: each link's earliest onset against the earliest onset of the nearest
// link below it (toward the root) that has one. Beyond ClockSkew that order
// is impossible if the chain is right. Context moments (a deletion
// requested, a lease renewed) are not compared: a namespace deleted at 10:00
// may well be blocked by an APIService that failed at 10:05.
func orderWarnings(chain []Link, spans []span) []string {
	var out []string
	for i := 0; i < len(chain)-1; i++ {
		effect := spans[i].onset
		if effect == nil {
			continue
		}
		j := i + 1
		for j < len(chain) && spans[j].onset == nil {
			j++
		}
		if j == len(chain) {
			break
		}
		cause := spans[j].onset
		if gap := cause.t.Sub(effect.t); gap > ClockSkew {
			out = append(out, fmt.Sprintf("impossible order: %s shows its problem at %s (%s), %s before its supposed cause %s shows its own (%s, %s); the chain may be wrong, or the clocks differ (klog times are read as UTC)",
				refName(chain[i].Ref), effect.t.Format(time.RFC3339), effect.what, roundGap(gap), refName(chain[j].Ref), cause.t.Format(time.RFC3339), cause.what))
		}
	}
	return out
}

func roundGap(d time.Duration) string {
	if d >= time.Minute {
		return d.Round(time.Second).String()
	}
	return d.Round(time.Millisecond).String()
}

// refName names a ref as Kind/namespace/name.
func refName(r Ref) string {
	if r.Namespace != "" {
		return r.Kind.String() + "/" + r.Namespace + "/" + r.Name
	}
	return r.Kind.String() + "/" + r.Name
}
