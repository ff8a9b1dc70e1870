package lab

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
)

// The users whose every request the lab's audit policy logs (auditPolicy);
// other users' requests are logged only when they change RBAC, APIService,
// Service or webhook configuration objects.
const (
	// CollectorUser is the identity collect's lab tests collect as.
	CollectorUser = "nsbundle-collector"
	// ReaderUser is the identity the lab's own audit test reads as.
	ReaderUser = "nsbundle-reader"
)

// AuditedUsers are the users whose every request the audit log shows.
var AuditedUsers = []string{CollectorUser, ReaderUser}

// AuditEvent is the part of a kube-apiserver audit event (audit.k8s.io/v1,
// level Metadata) that tests look at.
type AuditEvent struct {
	Stage      string   `json:"stage"`
	Verb       string   `json:"verb"`
	RequestURI string   `json:"requestURI"`
	UserAgent  string   `json:"userAgent"`
	SourceIPs  []string `json:"sourceIPs"`
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
// when empty), read from the lab's audit log. For one of AuditedUsers (made
// by KubeconfigFor or ConfigFor) the log holds every request, so a test can
// prove a client only read (get, list, watch); for other users it holds
// only their changes of RBAC, APIService, Service and webhook objects.
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
