package analyze

import (
	"fmt"
	"strings"
	"time"

	"github.com/nsbundle/nsbundle/analyze/audit"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// Change is who changed an object, from one kube-apiserver audit event:
// the request that deleted, updated, patched or created it.
type Change struct {
	User string `json:"user"`
	// Groups are the user's groups as the API server authenticated them.
	Groups    []string `json:"groups,omitempty"`
	UserAgent string   `json:"userAgent,omitempty"`
	SourceIPs []string `json:"sourceIPs,omitempty"`
	// Verb is delete, deletecollection, update, patch or create.
	Verb string `json:"verb"`
	// Time is when the API server received the request, in UTC.
	Time time.Time `json:"time"`
	// Evidence quotes the audit line.
	Evidence Evidence `json:"evidence"`
}

// Sentence says who changed ref, e.g. "dana (groups dashboard-admins) sent
// delete at 2026-11-23T07:57:02Z from 10.0.0.7 with kubectl/v1.37.2".
func (c Change) Sentence() string {
	var b strings.Builder
	b.WriteString(c.User)
	if len(c.Groups) > 0 {
		fmt.Fprintf(&b, " (groups %s)", strings.Join(c.Groups, ", "))
	}
	fmt.Fprintf(&b, " sent %s at %s", c.Verb, c.Time.UTC().Format(time.RFC3339))
	if len(c.SourceIPs) > 0 {
		fmt.Fprintf(&b, " from %s", strings.Join(c.SourceIPs, ", "))
	}
	if c.UserAgent != "" {
		fmt.Fprintf(&b, " with %s", c.UserAgent)
	}
	return b.String()
}

// auditRefs maps the kinds whose root cause is a deleted or changed object
// to the resource (and API group) the audit log names them by.
var auditRefs = map[Kind]audit.Ref{
	KindClusterRole:        {APIGroup: "rbac.authorization.k8s.io", Resource: "clusterroles"},
	KindClusterRoleBinding: {APIGroup: "rbac.authorization.k8s.io", Resource: "clusterrolebindings"},
	KindRole:               {APIGroup: "rbac.authorization.k8s.io", Resource: "roles"},
	KindRoleBinding:        {APIGroup: "rbac.authorization.k8s.io", Resource: "rolebindings"},
	KindAPIService:         {APIGroup: "apiregistration.k8s.io", Resource: "apiservices"},
	KindService:            {Resource: "services"},
	KindValidatingWebhook:  {APIGroup: "admissionregistration.k8s.io", Resource: "validatingwebhookconfigurations"},
	KindMutatingWebhook:    {APIGroup: "admissionregistration.k8s.io", Resource: "mutatingwebhookconfigurations"},
}

// AuditHow says how to give nsbundle an audit log.
const AuditHow = "`nsbundle collect --audit-log /var/log/kubernetes/audit.log` (kubeadm's usual path), " +
	"or `nsbundle analyze --audit-log FILE` with a log exported from the provider"

// Attribute names who changed each finding's root object, from the audit
// logs in the snapshot: the root link gains ChangedBy (the latest successful
// change of the object itself, not of a subresource such as status), and
// each further object the root covers that the log names gains an evidence
// line. Where the bundle has no audit log, or the log names no change of
// the root, the finding's Missing says so (and how to add one).
func Attribute(s *snapshot.Snapshot, fs []Finding) {
	for i := range fs {
		f := &fs[i]
		if len(f.Chain) == 0 {
			continue
		}
		root := &f.Chain[len(f.Chain)-1]
		if _, ok := auditRefs[root.Kind]; !ok {
			continue
		}
		if s.Audit == nil {
			f.Missing = append(f.Missing, noAuditLog(s, root.Ref))
			continue
		}
		c, ok := lastChange(s.Audit, root.Ref)
		if !ok {
			f.Missing = append(f.Missing, notInAuditLog(s.Audit, root.Ref))
			continue
		}
		root.ChangedBy = &c
		for _, r := range f.covers {
			if c, ok := lastChange(s.Audit, r); ok {
				root.Evidence = append(root.Evidence, c.Evidence)
			}
		}
	}
}

// lastChange is the latest successful change of r's object (its
// subresources left out) that the audit log names.
func lastChange(l *audit.Log, r Ref) (Change, bool) {
	ar, ok := auditRefs[r.Kind]
	if !ok {
		return Change{}, false
	}
	ar.Namespace, ar.Name = r.Namespace, r.Name
	evs := l.Changes(ar)
	for i := len(evs) - 1; i >= 0; i-- {
		e := evs[i]
		if e.Subresource != "" || !e.Succeeded() {
			continue
		}
		return Change{
			User: e.User, Groups: e.Groups, UserAgent: e.UserAgent, SourceIPs: e.SourceIPs,
			Verb: e.Verb, Time: e.Time.UTC(),
			Evidence: Evidence{Path: e.File, Line: e.Line, Value: e.Quote, Match: changeMatch(e.Quote, e.Verb, e.User)},
		}, true
	}
	return Change{}, false
}

// changeMatch is the part of an audit line that says who sent which verb
// (`"verb":"delete","user":{"username":"dana"`), so that a line shortened
// for display keeps it; "" when the line does not hold it as kube-apiserver
// writes it.
func changeMatch(quote, verb, user string) string {
	v, u := `"verb":"`+verb+`"`, `"user":{"username":"`+user+`"`
	for _, m := range []string{v + "," + u, u, v} {
		if strings.Contains(quote, m) {
			return m
		}
	}
	return ""
}

func noAuditLog(s *snapshot.Snapshot, r Ref) string {
	who := "who deleted or changed " + refName(r) + ", and when"
	if c := s.Collection(snapshot.ResAudit); c.Error != "" {
		return fmt.Sprintf("%s: the audit log was not collected (%s); add it with %s", who, c.Error, AuditHow)
	}
	return fmt.Sprintf("%s: needs the kube-apiserver audit log, which the bundle lacks: %s", who, AuditHow)
}

func notInAuditLog(l *audit.Log, r Ref) string {
	from, to := l.Covered()
	if from.IsZero() {
		return fmt.Sprintf("who deleted or changed %s: the audit log holds no events", refName(r))
	}
	msg := fmt.Sprintf("who deleted or changed %s: the audit log covers %s to %s and names no successful change of it: it changed before the log begins, or the audit policy does not log it",
		refName(r), from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339))
	if cut := auditCut(l); cut != "" {
		msg += "; " + cut
	}
	return msg
}

// auditCut says what of the log was not read or not indexed.
func auditCut(l *audit.Log) string {
	var parts []string
	for _, f := range l.Files {
		if f.Cut {
			parts = append(parts, f.Path+" was cut at the byte limit")
		}
	}
	if l.Dropped > 0 {
		parts = append(parts, fmt.Sprintf("%d events over the event limit were not indexed", l.Dropped))
	}
	return strings.Join(parts, ", ")
}
