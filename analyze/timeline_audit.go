package analyze

import (
	"encoding/json"
	"strings"
	"time"
)

// isAuditLine reports whether a quoted log line is a kube-apiserver audit
// event (a JSON object), which carries its time in its fields, not as a
// prefix.
func isAuditLine(v string) bool {
	return strings.HasPrefix(v, "{") && strings.Contains(v, `"auditID"`)
}

// auditStamps dates a quoted audit line by its requestReceivedTimestamp
// (stageTimestamp when absent). A line cut short (quoted up to a limit) is
// not valid JSON and is left undated.
func auditStamps(e Evidence) []stamp {
	var ev struct {
		Verb     string    `json:"verb"`
		Received time.Time `json:"requestReceivedTimestamp"`
		Stage    time.Time `json:"stageTimestamp"`
		User     struct {
			Username string `json:"username"`
		} `json:"user"`
	}
	if json.Unmarshal([]byte(e.Value), &ev) != nil {
		return nil
	}
	t := ev.Received
	if t.IsZero() {
		t = ev.Stage
	}
	if t.IsZero() {
		return nil
	}
	return []stamp{{t: t.UTC(), what: changeWhat(ev.Verb, ev.User.Username), ev: e, onset: true}}
}

// changeWhat says what an audited request did, e.g. "deleted by dana
// (audit log)".
func changeWhat(verb, user string) string {
	done := map[string]string{
		"delete": "deleted", "deletecollection": "deleted (deletecollection)",
		"update": "updated", "patch": "patched", "create": "created",
	}[verb]
	if done == "" {
		done = verb
	}
	return done + " by " + user + " (audit log)"
}
