package analyze

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nsbundle/nsbundle/analyze/audit"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// auditLine writes one audit event (level Metadata, stage ResponseComplete).
func auditLine(id, user, verb, group, resource, sub, ns, name string, code int, at string) string {
	return fmt.Sprintf(`{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":%q,"stage":"ResponseComplete",`+
		`"requestURI":"/x","verb":%q,"user":{"username":%q,"groups":["dashboard-admins","system:authenticated"]},`+
		`"sourceIPs":["10.0.0.7"],"userAgent":"kubectl/v1.37.2 (linux/amd64) kubernetes/abc1234",`+
		`"objectRef":{"resource":%q,"subresource":%q,"namespace":%q,"name":%q,"apiGroup":%q,"apiVersion":"v1"},`+
		`"responseStatus":{"metadata":{},"code":%d},"requestReceivedTimestamp":%q,"stageTimestamp":%q}`,
		id, verb, user, resource, sub, ns, name, group, code, at, at)
}

const (
	rbacGroup = "rbac.authorization.k8s.io"
	kcmRole   = "system:kube-controller-manager"
)

var (
	delKCMRole  = auditLine("a1", "dana", "delete", rbacGroup, "clusterroles", "", "", kcmRole, 200, "2026-11-23T10:38:07.123456Z")
	delBinding  = auditLine("a2", "dana", "delete", rbacGroup, "clusterrolebindings", "", "", "system:discovery", 200, "2026-11-23T10:38:09Z")
	createRole  = auditLine("a0", "system:apiserver", "create", rbacGroup, "clusterroles", "", "", kcmRole, 201, "2026-11-20T08:00:00Z")
	failedDel   = auditLine("a3", "eve", "delete", rbacGroup, "clusterroles", "", "", kcmRole, 403, "2026-11-23T11:00:00Z")
	statusPatch = auditLine("a4", "system:kube-aggregator", "update", "apiregistration.k8s.io", "apiservices", "status", "", "v1beta1.metrics.k8s.io", 200, "2026-11-23T10:50:00Z")
	nsRole      = auditLine("a5", "dana", "delete", rbacGroup, "roles", "", "kube-system", kcmRole, 200, "2026-11-23T10:39:00Z")
	otherSvc    = auditLine("a6", "dana", "delete", "", "services", "", "default", "metrics-server", 200, "2026-11-23T10:40:00Z")
)

func auditSnapshot(t *testing.T, lines ...string) *snapshot.Snapshot {
	t.Helper()
	s := &snapshot.Snapshot{Now: time.Date(2026, 11, 23, 18, 0, 0, 0, time.UTC)}
	s.Audit = audit.New(audit.Limits{})
	if err := s.Audit.Read("logs/audit/audit.log", strings.NewReader(strings.Join(lines, "\n")+"\n")); err != nil {
		t.Fatal(err)
	}
	s.MarkCollected(snapshot.ResAudit)
	return s
}

func rootFinding(root Ref, covers ...Ref) Finding {
	return Finding{
		ID: "NSB-TEST", Symptom: Ref{Kind: KindNamespace, Name: "old-project"},
		Chain: []Link{
			{Ref: Ref{Kind: KindNamespace, Name: "old-project"}, Problem: "stays Terminating"},
			{Ref: root, Problem: "was deleted"},
		},
		covers: covers,
	}
}

func TestAttribute(t *testing.T) {
	role := Ref{Kind: KindClusterRole, Name: kcmRole}
	noLog := &snapshot.Snapshot{}
	failed := &snapshot.Snapshot{}
	failed.MarkFailed(snapshot.ResAudit, 0, "open /var/log/kubernetes/audit.log: permission denied")
	cases := []struct {
		name     string
		s        *snapshot.Snapshot
		f        Finding
		wantUser string // "" for no ChangedBy
		wantVerb string
		missing  string // a part of the one Missing line added; "" for none
		evidence int    // evidence lines the root gains
	}{
		{name: "deleted, named", s: auditSnapshot(t, createRole, delKCMRole), f: rootFinding(role), wantUser: "dana", wantVerb: "delete"},
		{name: "latest change wins: re-created after the delete", s: auditSnapshot(t, delKCMRole, auditLine("a9", "system:apiserver", "create", rbacGroup, "clusterroles", "", "", kcmRole, 201, "2026-11-23T12:00:00Z")), f: rootFinding(role), wantUser: "system:apiserver", wantVerb: "create"},
		{name: "a refused delete is no change", s: auditSnapshot(t, failedDel), f: rootFinding(role), missing: "names no successful change of it"},
		{name: "a status update is not a change of the object", s: auditSnapshot(t, statusPatch), f: rootFinding(Ref{Kind: KindAPIService, Name: "v1beta1.metrics.k8s.io"}), missing: "covers 2026-11-23T10:50:00Z to 2026-11-23T10:50:00Z"},
		{name: "same name, a namespaced Role", s: auditSnapshot(t, nsRole), f: rootFinding(role), missing: "names no successful change"},
		{name: "same Service name, other namespace", s: auditSnapshot(t, otherSvc), f: rootFinding(Ref{Kind: KindService, Namespace: "kube-system", Name: "metrics-server"}), missing: "names no successful change"},
		{name: "no audit log", s: noLog, f: rootFinding(role), missing: "needs the kube-apiserver audit log, which the bundle lacks: `nsbundle collect --audit-log"},
		{name: "audit log failed to collect", s: failed, f: rootFinding(role), missing: "the audit log was not collected (open /var/log/kubernetes/audit.log: permission denied)"},
		{name: "empty audit log", s: auditSnapshot(t), f: rootFinding(role), missing: "the audit log holds no events"},
		{name: "a component root is not attributed", s: noLog, f: rootFinding(Ref{Kind: KindComponent, Name: "kube-controller-manager"})},
		{name: "covered objects get their audit lines", s: auditSnapshot(t, delKCMRole, delBinding), f: rootFinding(role, Ref{Kind: KindClusterRoleBinding, Name: "system:discovery"}, Ref{Kind: KindClusterRole, Name: "system:public-info-viewer"}), wantUser: "dana", wantVerb: "delete", evidence: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := []Finding{c.f}
			Attribute(c.s, fs)
			root := fs[0].Chain[len(fs[0].Chain)-1]
			switch {
			case c.wantUser == "" && root.ChangedBy != nil:
				t.Errorf("ChangedBy = %+v, want none", *root.ChangedBy)
			case c.wantUser != "" && root.ChangedBy == nil:
				t.Fatalf("no ChangedBy, want %s; missing %q", c.wantUser, fs[0].Missing)
			case c.wantUser != "":
				cb := root.ChangedBy
				if cb.User != c.wantUser || cb.Verb != c.wantVerb {
					t.Errorf("ChangedBy = %s %s, want %s %s", cb.User, cb.Verb, c.wantUser, c.wantVerb)
				}
				if cb.Evidence.Path != "logs/audit/audit.log" || cb.Evidence.Line == 0 || !strings.Contains(cb.Evidence.Value, `"auditID"`) {
					t.Errorf("ChangedBy evidence = %+v", cb.Evidence)
				}
				// A quote shortened for display keeps who sent which verb.
				if m := `"verb":"` + c.wantVerb + `","user":{"username":"` + c.wantUser + `"`; cb.Evidence.Match != m {
					t.Errorf("ChangedBy evidence match = %q, want %q", cb.Evidence.Match, m)
				}
			}
			if c.missing == "" && len(fs[0].Missing) > 0 {
				t.Errorf("Missing = %q, want none", fs[0].Missing)
			}
			if c.missing != "" && (len(fs[0].Missing) != 1 || !strings.Contains(fs[0].Missing[0], c.missing)) {
				t.Errorf("Missing = %q, want one line with %q", fs[0].Missing, c.missing)
			}
			if len(root.Evidence) != c.evidence {
				t.Errorf("root gained %d evidence lines, want %d: %+v", len(root.Evidence), c.evidence, root.Evidence)
			}
		})
	}
}

// TestAttributionDatesTheRoot: the change the audit log names dates the
// root, before the first symptom that it caused; the audit line of a
// covered object is dated by its own fields.
func TestAttributionDatesTheRoot(t *testing.T) {
	s := auditSnapshot(t, delKCMRole, delBinding)
	fs := []Finding{rootFinding(Ref{Kind: KindClusterRole, Name: kcmRole}, Ref{Kind: KindClusterRoleBinding, Name: "system:discovery"})}
	Attribute(s, fs)
	Timelines(s, fs)
	f := fs[0]
	if f.Began == nil || !f.Began.Equal(time.Date(2026, 11, 23, 10, 38, 7, 123456000, time.UTC)) {
		t.Fatalf("Began = %v, want the delete at 10:38:07.123456", f.Began)
	}
	var whats []string
	for _, m := range f.Timeline {
		whats = append(whats, m.What)
	}
	want := []string{"deleted by dana (audit log)", "deleted by dana (audit log)"}
	if len(whats) < 2 || whats[0] != want[0] || whats[1] != want[1] {
		t.Errorf("timeline = %q, want first %q", whats, want)
	}
	if !strings.HasPrefix(f.Sequence, "2026-11-23 10:38:07 ClusterRole/"+kcmRole) {
		t.Errorf("Sequence = %q", f.Sequence)
	}
}

func TestChangeSentence(t *testing.T) {
	c := Change{User: "dana", Groups: []string{"dashboard-admins"}, Verb: "delete", Time: time.Date(2026, 11, 23, 10, 38, 7, 0, time.UTC), SourceIPs: []string{"10.0.0.7"}, UserAgent: "kubectl/v1.37.2"}
	want := "dana (groups dashboard-admins) sent delete at 2026-11-23T10:38:07Z from 10.0.0.7 with kubectl/v1.37.2"
	if got := c.Sentence(); got != want {
		t.Errorf("Sentence() = %q, want %q", got, want)
	}
	if got := (Change{User: "bob", Verb: "patch", Time: c.Time}).Sentence(); got != "bob sent patch at 2026-11-23T10:38:07Z" {
		t.Errorf("bare Sentence() = %q", got)
	}
}

func TestChangeMatch(t *testing.T) {
	for _, c := range []struct{ quote, want string }{
		{delKCMRole, `"verb":"delete","user":{"username":"dana"`},
		{`{"user":{"username":"dana","groups":[]},"verb":"delete"}`, `"user":{"username":"dana"`}, // another field order
		{`{"verb":"delete","user":{"username":"eve"}}`, `"verb":"delete"`},
		{`{"auditID":"a1"}`, ""},
	} {
		if got := changeMatch(c.quote, "delete", "dana"); got != c.want {
			t.Errorf("changeMatch(%s) = %q, want %q", c.quote, got, c.want)
		}
	}
}
