package audit

import (
	"strings"
	"time"
)

// Ref names an object as the audit log's objectRef does.
type Ref struct {
	// APIGroup is "" for the core group.
	APIGroup  string
	Resource  string
	Namespace string
	Name      string
}

// String writes the ref as resource[.group] [namespace/]name.
func (r Ref) String() string {
	res := r.Resource
	if r.APIGroup != "" {
		res += "." + r.APIGroup
	}
	n := r.Name
	if r.Namespace != "" {
		n = r.Namespace + "/" + n
	}
	return res + " " + n
}

// Event is one indexed change: a request that deleted, changed or created
// an object.
type Event struct {
	Ref Ref
	// Subresource is the objectRef's subresource ("status"...), if any.
	Subresource string
	// Verb is delete, deletecollection, update, patch or create.
	Verb string
	// Code is the response status code (0 if the event has none).
	Code int
	// Stage is the event's stage, e.g. "ResponseComplete".
	Stage     string
	User      string
	Groups    []string
	UserAgent string
	SourceIPs []string
	// Time is when the request was received (the stage time if absent).
	Time time.Time
	// AuditID is the request's audit ID.
	AuditID string
	// File is the audit file's path (in the bundle) and Line the 1-based
	// line number of the event in it.
	File string
	Line int
	// Quote is the event's line, cut to MaxQuoteBytes.
	Quote string
}

// Succeeded reports whether the request succeeded (a 2xx code).
func (e Event) Succeeded() bool { return e.Code >= 200 && e.Code < 300 }

// MaxQuoteBytes caps the quoted line of an event.
const MaxQuoteBytes = 2048

// indexedVerbs are the verbs that change objects.
var indexedVerbs = map[string]bool{
	"delete": true, "deletecollection": true, "update": true, "patch": true, "create": true,
}

// stageRank orders the stages of one request: a later stage replaces an
// earlier one for the same audit ID.
func stageRank(s string) int {
	switch s {
	case "RequestReceived":
		return 1
	case "ResponseStarted":
		return 2
	case "ResponseComplete":
		return 3
	case "Panic":
		return 4
	}
	return 0
}

// quote cuts line to MaxQuoteBytes, on a rune boundary, marking the cut.
func quote(line string) string {
	if len(line) <= MaxQuoteBytes {
		return line
	}
	cut := MaxQuoteBytes
	for cut > 0 && !validStart(line[cut]) {
		cut--
	}
	return strings.TrimSpace(line[:cut]) + "…"
}

func validStart(b byte) bool { return b&0xC0 != 0x80 }
