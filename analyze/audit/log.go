package audit

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// Limits bounds what a Log reads.
type Limits struct {
	// MaxLineBytes caps one line; longer lines are skipped and counted.
	MaxLineBytes int
	// MaxTotalBytes caps the bytes read over all files (after gzip);
	// reading stops there and the log says it was cut.
	MaxTotalBytes int64
	// MaxEvents caps the events indexed; further ones are counted only.
	MaxEvents int
}

// Default limits: a Metadata-level event is about 1 KiB, a
// RequestResponse one for a large object some hundreds of KiB.
const (
	DefaultMaxLineBytes        = 1 << 20
	DefaultMaxTotalBytes int64 = 2 << 30
	DefaultMaxEvents           = 1_000_000
)

// DefaultLimits returns the Default* limits.
func DefaultLimits() Limits {
	return Limits{MaxLineBytes: DefaultMaxLineBytes, MaxTotalBytes: DefaultMaxTotalBytes, MaxEvents: DefaultMaxEvents}
}

// File describes one audit file read.
type File struct {
	// Path is the file's name as given to Read.
	Path string
	// Lines is the number of lines read, Events the audit events among them.
	Lines, Events int
	// LongLines, Invalid count skipped lines: over MaxLineBytes, and not an
	// audit event (invalid JSON, another kind, no timestamp).
	LongLines, Invalid int
	// TruncatedLast is true when the last line had no newline and was not
	// a complete event (a log read while being written).
	TruncatedLast bool
	// Cut is true when MaxTotalBytes stopped reading this file.
	Cut bool
	// First and Last are the earliest and latest event times in the file.
	First, Last time.Time
}

// Log is the index of one or more audit files (a log and its rotations).
type Log struct {
	limits Limits
	// Files are the files read, in the order given.
	Files []File
	// Dropped counts events over MaxEvents (read, not indexed).
	Dropped int

	total   int64
	events  int
	first   time.Time
	last    time.Time
	byRef   map[Ref][]*Event
	byAudit map[string]*Event
	sorted  bool
}

// New returns an empty Log; zero fields of limits take their defaults.
func New(limits Limits) *Log {
	d := DefaultLimits()
	if limits.MaxLineBytes <= 0 {
		limits.MaxLineBytes = d.MaxLineBytes
	}
	if limits.MaxTotalBytes <= 0 {
		limits.MaxTotalBytes = d.MaxTotalBytes
	}
	if limits.MaxEvents <= 0 {
		limits.MaxEvents = d.MaxEvents
	}
	return &Log{limits: limits, byRef: map[Ref][]*Event{}, byAudit: map[string]*Event{}}
}

// rawEvent is what is decoded of an audit event line.
type rawEvent struct {
	Kind       string `json:"kind"`
	APIVersion string `json:"apiVersion"`
	AuditID    string `json:"auditID"`
	Stage      string `json:"stage"`
	Verb       string `json:"verb"`
	User       struct {
		Username string   `json:"username"`
		Groups   []string `json:"groups"`
	} `json:"user"`
	ImpersonatedUser *struct {
		Username string   `json:"username"`
		Groups   []string `json:"groups"`
	} `json:"impersonatedUser"`
	SourceIPs []string `json:"sourceIPs"`
	UserAgent string   `json:"userAgent"`
	ObjectRef *struct {
		Resource    string `json:"resource"`
		Namespace   string `json:"namespace"`
		Name        string `json:"name"`
		APIGroup    string `json:"apiGroup"`
		Subresource string `json:"subresource"`
	} `json:"objectRef"`
	ResponseStatus *struct {
		Code int `json:"code"`
	} `json:"responseStatus"`
	RequestReceivedTimestamp time.Time `json:"requestReceivedTimestamp"`
	StageTimestamp           time.Time `json:"stageTimestamp"`
}

// ErrCut is returned by Read when MaxTotalBytes stopped the reading.
var ErrCut = errors.New("audit log cut at the byte limit")

// Read adds one audit file, as named by path (a bundle path or a file
// name), read from r; gzip-compressed content is detected and read. Bad
// lines are skipped and counted in the File; the error is ErrCut, an I/O or
// gzip error, with what was read before it kept.
func (l *Log) Read(path string, r io.Reader) error {
	l.sorted = false
	l.Files = append(l.Files, File{Path: path})
	f := &l.Files[len(l.Files)-1]
	br := bufio.NewReaderSize(r, 64<<10)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, 64<<10)
	}
	remaining := l.limits.MaxTotalBytes - l.total
	if remaining <= 0 {
		f.Cut = true
		return fmt.Errorf("%s: %w", path, ErrCut)
	}
	lr := &io.LimitedReader{R: br, N: remaining}
	err := l.lines(f, bufio.NewReaderSize(lr, 64<<10))
	l.total += remaining - lr.N
	if err == nil && lr.N == 0 {
		// The limit was reached: is there more?
		if _, perr := br.Peek(1); perr == nil {
			f.Cut = true
			err = ErrCut
		}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// lines reads r line by line, never holding more than MaxLineBytes of a
// line.
func (l *Log) lines(f *File, r *bufio.Reader) error {
	var buf []byte
	long := false
	for {
		chunk, err := r.ReadSlice('\n')
		if len(chunk) > 0 && !long {
			if len(buf)+len(chunk) > l.limits.MaxLineBytes+1 { // +1: the newline
				long, buf = true, buf[:0]
			} else {
				buf = append(buf, chunk...)
			}
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF:
			if len(chunk) == 0 && len(buf) == 0 && !long {
				return nil
			}
			f.Lines++
			if long {
				f.LongLines++
			} else if !l.line(f, buf, f.Lines) {
				if len(bytes.TrimSpace(buf)) > 0 {
					f.Invalid--
					f.TruncatedLast = true
				}
			}
			return nil
		case err != nil:
			return err
		}
		f.Lines++
		if long {
			f.LongLines++
		} else {
			l.line(f, buf, f.Lines)
		}
		buf, long = buf[:0], false
	}
}

// line decodes one line; false if it is not an audit event (counted in
// f.Invalid, blank lines excepted).
func (l *Log) line(f *File, b []byte, n int) bool {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return false
	}
	ev, t, ok := decodeEvent(b)
	if !ok {
		f.Invalid++
		return false
	}
	f.Events++
	l.cover(f, t)
	if ev.ObjectRef == nil || ev.ObjectRef.Name == "" || !indexedVerbs[ev.Verb] {
		return true
	}
	l.index(newEvent(&ev, t, f.Path, n, b))
	return true
}

// decodeEvent decodes an audit event line and its time (request received,
// else stage); ok is false for anything else, or an event with no time.
func decodeEvent(b []byte) (ev rawEvent, t time.Time, ok bool) {
	if err := json.Unmarshal(b, &ev); err != nil || ev.Kind != "Event" ||
		!strings.HasPrefix(ev.APIVersion, "audit.k8s.io/") {
		return ev, t, false
	}
	t = ev.RequestReceivedTimestamp
	if t.IsZero() {
		t = ev.StageTimestamp
	}
	return ev, t, !t.IsZero()
}

// cover widens the file's and the log's time span to t.
func (l *Log) cover(f *File, t time.Time) {
	if f.First.IsZero() || t.Before(f.First) {
		f.First = t
	}
	if t.After(f.Last) {
		f.Last = t
	}
	if l.first.IsZero() || t.Before(l.first) {
		l.first = t
	}
	if t.After(l.last) {
		l.last = t
	}
}

// newEvent is the indexed form of ev, read at line n of file path (b is
// the line, quoted as evidence).
func newEvent(ev *rawEvent, t time.Time, path string, n int, b []byte) *Event {
	e := &Event{
		Ref:         Ref{APIGroup: ev.ObjectRef.APIGroup, Resource: ev.ObjectRef.Resource, Namespace: ev.ObjectRef.Namespace, Name: ev.ObjectRef.Name},
		Subresource: ev.ObjectRef.Subresource,
		Verb:        ev.Verb, Stage: ev.Stage,
		User: ev.User.Username, Groups: ev.User.Groups,
		UserAgent: ev.UserAgent, SourceIPs: ev.SourceIPs,
		Time: t, AuditID: ev.AuditID,
		File: path, Line: n, Quote: quote(string(b)),
	}
	if ev.ImpersonatedUser != nil && ev.ImpersonatedUser.Username != "" {
		e.User = ev.ImpersonatedUser.Username + " (impersonated by " + ev.User.Username + ")"
		e.Groups = ev.ImpersonatedUser.Groups
	}
	if ev.ResponseStatus != nil {
		e.Code = ev.ResponseStatus.Code
	}
	return e
}

// index adds e, keeping one event per audit ID (its latest stage), up to
// MaxEvents (the rest counted in Dropped).
func (l *Log) index(e *Event) {
	if e.AuditID != "" {
		if prev, ok := l.byAudit[e.AuditID]; ok {
			if stageRank(e.Stage) > stageRank(prev.Stage) {
				*prev = *e
			}
			return
		}
	}
	if l.events >= l.limits.MaxEvents {
		l.Dropped++
		return
	}
	l.events++
	l.byRef[e.Ref] = append(l.byRef[e.Ref], e)
	if e.AuditID != "" {
		l.byAudit[e.AuditID] = e
	}
}

// Covered returns the earliest and latest event time over all files (zero
// times if no event was read).
func (l *Log) Covered() (from, to time.Time) { return l.first, l.last }

// Events returns the number of indexed change events.
func (l *Log) Events() int { return l.events }

// Changes returns the indexed events for ref, oldest first. Resource and
// group are compared as the audit log writes them (lowercase plural, ""
// for the core group).
func (l *Log) Changes(ref Ref) []Event {
	if !l.sorted {
		for _, evs := range l.byRef {
			sort.SliceStable(evs, func(i, j int) bool { return evs[i].Time.Before(evs[j].Time) })
		}
		l.sorted = true
	}
	evs := l.byRef[ref]
	out := make([]Event, len(evs))
	for i, e := range evs {
		out[i] = *e
	}
	return out
}
