package collect

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/nsbundle/nsbundle/bundle"
)

// recorder gathers, safely for concurrent use, everything the manifest says
// about the collection, the one-line list of missing evidence, and the
// progress events.
type recorder struct {
	mu        sync.Mutex
	requests  []bundle.Request
	logs      []bundle.LogFile
	omissions map[omissionKey]*bundle.Omission
	order     []omissionKey
	missing   []string
	progress  Progress
	done      map[Phase]int
	total     map[Phase]int
}

type omissionKey struct{ what, scope string }

func newRecorder(p Progress) *recorder {
	return &recorder{
		omissions: map[omissionKey]*bundle.Omission{},
		progress:  p,
		done:      map[Phase]int{},
		total:     map[Phase]int{},
	}
}

// request records one request.
func (r *recorder) request(req bundle.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests = append(r.requests, req)
}

// miss records one piece of missing evidence as a one-line item.
func (r *recorder) miss(label string, status int, errText string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.missing = append(r.missing, missingLine(label, status, errText))
}

// missingLine formats "secrets: forbidden (403)".
func missingLine(label string, status int, errText string) string {
	return label + ": " + missReason(status, errText)
}

// missReason formats why something is missing: "forbidden (403)", or the
// first line of the error text with the status.
func missReason(status int, errText string) string {
	var why string
	switch status {
	case 401:
		why = "unauthorized"
	case 403:
		why = "forbidden"
	case 404:
		why = "not found"
	default:
		why = firstLine(errText, 160)
	}
	if why == "" {
		why = "failed"
	}
	if status > 0 {
		return fmt.Sprintf("%s (%d)", why, status)
	}
	return why
}

// missGrouped records failures of many items of one kind as one line per
// reason: "terminating ns: 3 resource types: forbidden (403): a, b, c".
func (r *recorder) missGrouped(prefix, noun string, labels []string, reasons []string) {
	byReason := map[string][]string{}
	var order []string
	for i, why := range reasons {
		if _, ok := byReason[why]; !ok {
			order = append(order, why)
		}
		byReason[why] = append(byReason[why], labels[i])
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, why := range order {
		ls := byReason[why]
		if len(ls) == 1 {
			r.missing = append(r.missing, prefix+ls[0]+": "+why)
			continue
		}
		names := ls
		if len(names) > 5 {
			names = append(names[:5:5], "…")
		}
		r.missing = append(r.missing, fmt.Sprintf("%s%d %s: %s: %s", prefix, len(ls), noun, why, strings.Join(names, ", ")))
	}
}

// firstLine returns the first line of s, at most n bytes long.
func firstLine(s string, n int) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}

// log records one collected (or failed) log.
func (r *recorder) log(l bundle.LogFile) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logs = append(r.logs, l)
}

// omit records that n items had what left out in scope, on purpose.
func (r *recorder) omit(what, scope, why string, n int) {
	if n <= 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	k := omissionKey{what, scope}
	o := r.omissions[k]
	if o == nil {
		o = &bundle.Omission{What: what, Scope: scope, Why: why}
		r.omissions[k] = o
		r.order = append(r.order, k)
	}
	o.Count += n
}

// omitUncounted records that what was left out in scope, on purpose, with
// no count (the items were never fetched).
func (r *recorder) omitUncounted(what, scope, why string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := omissionKey{what, scope}
	if r.omissions[k] == nil {
		r.omissions[k] = &bundle.Omission{What: what, Scope: scope, Why: why}
		r.order = append(r.order, k)
	}
}

// expect announces n more items in a phase (for Done/Total in events).
func (r *recorder) expect(p Phase, n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.total[p] += n
}

// event reports one finished item of a phase to the progress function.
func (r *recorder) event(e Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.done[e.Phase]++
	if r.done[e.Phase] > r.total[e.Phase] {
		r.total[e.Phase] = r.done[e.Phase]
	}
	e.Done, e.Total = r.done[e.Phase], r.total[e.Phase]
	if r.progress != nil {
		r.progress(e)
	}
}

// fill copies what was recorded into m, in a stable order, and returns the
// sorted missing items.
func (r *recorder) fill(m *bundle.Manifest) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	m.Requests = append([]bundle.Request(nil), r.requests...)
	sort.SliceStable(m.Requests, func(i, j int) bool { return m.Requests[i].Path < m.Requests[j].Path })
	m.Logs = append([]bundle.LogFile(nil), r.logs...)
	sort.Slice(m.Logs, func(i, j int) bool { return m.Logs[i].Path < m.Logs[j].Path })
	m.Omissions = m.Omissions[:0]
	for _, k := range r.order {
		m.Omissions = append(m.Omissions, *r.omissions[k])
	}
	m.Totals = bundle.Totals{Requests: len(m.Requests)}
	for _, q := range m.Requests {
		if q.Failed() {
			m.Totals.FailedRequests++
		}
		m.Totals.Objects += q.Count
		m.Totals.Bytes += q.Bytes
	}
	for _, l := range m.Logs {
		if l.Source != "" {
			m.Totals.Bytes += l.Bytes
		}
	}
	missing := append([]string(nil), r.missing...)
	sort.Strings(missing)
	return missing
}
