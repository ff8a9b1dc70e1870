package lab

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
)

// AuditEvent is the part of a kube-apiserver audit event (audit.k8s.io/v1,
// level Metadata) that tests look at.
type AuditEvent struct {
	Stage      string `json:"stage"`
	Verb       string `json:"verb"`
	RequestURI string `json:"requestURI"`
	User       struct {
		Username string   `json:"username"`
		Groups   []string `json:"groups"`
	} `json:"user"`
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
}

// AuditEvents returns the audit events of requests made by user (every user
// when empty), read from the lab's audit log. With a user made by
// KubeconfigFor, a test can prove a client only read (get, list, watch).
func (c *Cluster) AuditEvents(user string) ([]AuditEvent, error) {
	f, err := os.Open(c.Logs.Audit)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []AuditEvent
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1024*1024), 64*1024*1024)
	for n := 1; sc.Scan(); n++ {
		var e AuditEvent
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", c.Logs.Audit, n, err)
		}
		if user == "" || e.User.Username == user {
			out = append(out, e)
		}
	}
	return out, sc.Err()
}
