package audit

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// ev writes one audit event line.
func ev(apiVersion, id, stage, verb, group, resource, ns, name string, code int, at string) string {
	ref := fmt.Sprintf(`{"resource":%q,"namespace":%q,"name":%q,"apiGroup":%q,"apiVersion":"v1"}`, resource, ns, name, group)
	status := ""
	if code != 0 {
		status = fmt.Sprintf(`,"responseStatus":{"metadata":{},"code":%d}`, code)
	}
	return fmt.Sprintf(`{"kind":"Event","apiVersion":%q,"level":"Metadata","auditID":%q,"stage":%q,"requestURI":"/x","verb":%q,`+
		`"user":{"username":"dana","groups":["dashboard-admins","system:authenticated"]},"sourceIPs":["10.0.0.7"],"userAgent":"dashboard/v2",`+
		`"objectRef":%s%s,"requestReceivedTimestamp":%q,"stageTimestamp":%q}`, apiVersion, id, stage, verb, ref, status, at, at)
}

const rbac = "rbac.authorization.k8s.io"

var (
	delRole  = ev("audit.k8s.io/v1", "a1", "ResponseComplete", "delete", rbac, "clusterroles", "", "system:controller:pv-controller", 200, "2026-12-01T10:38:07.123456Z")
	getRole  = ev("audit.k8s.io/v1", "a2", "ResponseComplete", "get", rbac, "clusterroles", "", "system:controller:pv-controller", 200, "2026-12-01T10:30:00Z")
	oldRole  = ev("audit.k8s.io/v1beta1", "a0", "ResponseComplete", "update", rbac, "clusterroles", "", "system:controller:pv-controller", 200, "2026-11-30T09:00:00Z")
	delSvc   = ev("audit.k8s.io/v1", "a3", "ResponseComplete", "delete", "", "services", "kube-system", "metrics-server", 200, "2026-12-01T11:00:00Z")
	recvSvc  = ev("audit.k8s.io/v1", "a3", "RequestReceived", "delete", "", "services", "kube-system", "metrics-server", 0, "2026-12-01T11:00:00Z")
	failDel  = ev("audit.k8s.io/v1", "a4", "ResponseComplete", "delete", rbac, "clusterroles", "", "system:controller:pv-controller", 403, "2026-12-01T10:37:00Z")
	otherOne = ev("audit.k8s.io/v1", "b1", "ResponseComplete", "delete", "", "configmaps", "prod", "web", 200, "2026-12-02T08:00:00Z")
)

var pvRole = Ref{APIGroup: rbac, Resource: "clusterroles", Name: "system:controller:pv-controller"}
var msSvc = Ref{Resource: "services", Namespace: "kube-system", Name: "metrics-server"}

func gz(s string) string {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

type want struct {
	ref      Ref
	verbs    string // verb/code/file:line of Changes(ref), space-separated
	events   int    // audit events over all files
	invalid  int
	long     int
	trunc    bool
	from, to string
}

func TestRead(t *testing.T) {
	small := Limits{MaxLineBytes: 4096}
	tests := []struct {
		name   string
		limits Limits
		files  [][2]string // path, content
		want   want
	}{{
		name:  "one file",
		files: [][2]string{{"audit.log", getRole + "\n" + delRole + "\n"}},
		want: want{ref: pvRole, verbs: "delete/200/audit.log:2", events: 2,
			from: "2026-12-01T10:30:00Z", to: "2026-12-01T10:38:07.123456Z"},
	}, {
		name: "rotated, newest first, gzip rotation, v1beta1",
		files: [][2]string{
			{"audit.log", delRole + "\n"},
			{"audit-2026-12-01T10-00-00.000.log", failDel + "\n"},
			{"audit-2026-11-30T10-00-00.000.log.gz", gz(oldRole + "\n")},
		},
		want: want{ref: pvRole, verbs: "update/200/audit-2026-11-30T10-00-00.000.log.gz:1 delete/403/audit-2026-12-01T10-00-00.000.log:1 delete/200/audit.log:1",
			events: 3, from: "2026-11-30T09:00:00Z", to: "2026-12-01T10:38:07.123456Z"},
	}, {
		name:  "truncated last line is not counted invalid",
		files: [][2]string{{"audit.log", delRole + "\n" + delSvc[:100]}},
		want:  want{ref: pvRole, verbs: "delete/200/audit.log:1", events: 1, trunc: true, from: "2026-12-01T10:38:07.123456Z", to: "2026-12-01T10:38:07.123456Z"},
	}, {
		name:  "complete last line without newline",
		files: [][2]string{{"audit.log", getRole + "\n" + delRole}},
		want:  want{ref: pvRole, verbs: "delete/200/audit.log:2", events: 2, from: "2026-12-01T10:30:00Z", to: "2026-12-01T10:38:07.123456Z"},
	}, {
		name:  "stages of one request: the completed one is kept",
		files: [][2]string{{"audit.log", recvSvc + "\n" + delSvc + "\n"}},
		want:  want{ref: msSvc, verbs: "delete/200/audit.log:2", events: 2, from: "2026-12-01T11:00:00Z", to: "2026-12-01T11:00:00Z"},
	}, {
		name:  "another cluster's log names none of the objects",
		files: [][2]string{{"audit.log", otherOne + "\n"}},
		want:  want{ref: pvRole, verbs: "", events: 1, from: "2026-12-02T08:00:00Z", to: "2026-12-02T08:00:00Z"},
	}, {
		name:   "hostile: huge line, invalid JSON, deep nesting, other kinds, blank lines",
		limits: small,
		files: [][2]string{{"audit.log", strings.Repeat("x", 100000) + "\n" +
			"{not json\n" +
			strings.Repeat("[", 3000) + "\n" +
			`{"kind":"Event","objectRef":` + strings.Repeat(`{"a":`, 600) + "1" + strings.Repeat("}", 600) + "}\n" +
			`{"kind":"Pod","apiVersion":"v1"}` + "\n" +
			`{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"delete"}` + "\n" +
			"\n\n" + delRole + "\n" + strings.Repeat("y", 5000)}},
		want: want{ref: pvRole, verbs: "delete/200/audit.log:9", events: 1, invalid: 5, long: 2,
			from: "2026-12-01T10:38:07.123456Z", to: "2026-12-01T10:38:07.123456Z"},
	}, {
		name:  "empty file",
		files: [][2]string{{"audit.log", ""}},
		want:  want{ref: pvRole},
	}, {
		name:  "near miss: same name in another group or namespace",
		files: [][2]string{{"audit.log", ev("audit.k8s.io/v1", "c1", "ResponseComplete", "delete", "", "clusterroles", "", "system:controller:pv-controller", 200, "2026-12-01T10:00:00Z") + "\n" + ev("audit.k8s.io/v1", "c2", "ResponseComplete", "delete", "", "services", "default", "metrics-server", 200, "2026-12-01T10:00:00Z") + "\n"}},
		want:  want{ref: msSvc, events: 2, from: "2026-12-01T10:00:00Z", to: "2026-12-01T10:00:00Z"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := New(tt.limits)
			for _, f := range tt.files {
				if err := l.Read(f[0], strings.NewReader(f[1])); err != nil {
					t.Fatalf("Read(%s): %v", f[0], err)
				}
			}
			var got []string
			for _, e := range l.Changes(tt.want.ref) {
				got = append(got, fmt.Sprintf("%s/%d/%s:%d", e.Verb, e.Code, e.File, e.Line))
			}
			if g := strings.Join(got, " "); g != tt.want.verbs {
				t.Errorf("changes = %q, want %q", g, tt.want.verbs)
			}
			var events, invalid, long int
			trunc := false
			for _, f := range l.Files {
				events, invalid, long = events+f.Events, invalid+f.Invalid, long+f.LongLines
				trunc = trunc || f.TruncatedLast
			}
			if events != tt.want.events || invalid != tt.want.invalid || long != tt.want.long || trunc != tt.want.trunc {
				t.Errorf("events/invalid/long/truncated = %d/%d/%d/%v, want %d/%d/%d/%v", events, invalid, long, trunc,
					tt.want.events, tt.want.invalid, tt.want.long, tt.want.trunc)
			}
			from, to := l.Covered()
			if f, w := fmtTime(from), tt.want.from; f != w {
				t.Errorf("from = %s, want %s", f, w)
			}
			if f, w := fmtTime(to), tt.want.to; f != w {
				t.Errorf("to = %s, want %s", f, w)
			}
		})
	}
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func TestEventFields(t *testing.T) {
	l := New(Limits{})
	if err := l.Read("logs/audit/audit.log", strings.NewReader(delRole+"\n")); err != nil {
		t.Fatal(err)
	}
	got := l.Changes(pvRole)
	if len(got) != 1 {
		t.Fatalf("changes = %d, want 1", len(got))
	}
	e := got[0]
	if e.User != "dana" || strings.Join(e.Groups, ",") != "dashboard-admins,system:authenticated" || e.UserAgent != "dashboard/v2" ||
		strings.Join(e.SourceIPs, ",") != "10.0.0.7" || !e.Succeeded() || e.Quote != delRole || e.AuditID != "a1" {
		t.Errorf("event = %+v", e)
	}
}

func TestImpersonated(t *testing.T) {
	line := strings.Replace(delRole, `"sourceIPs"`, `"impersonatedUser":{"username":"bob","groups":["ops"]},"sourceIPs"`, 1)
	l := New(Limits{})
	if err := l.Read("audit.log", strings.NewReader(line)); err != nil {
		t.Fatal(err)
	}
	if e := l.Changes(pvRole); len(e) != 1 || e[0].User != "bob (impersonated by dana)" || strings.Join(e[0].Groups, ",") != "ops" {
		t.Errorf("changes = %+v", e)
	}
}

func TestLimits(t *testing.T) {
	t.Run("total bytes", func(t *testing.T) {
		l := New(Limits{MaxTotalBytes: int64(len(delRole) + 1 + 10)})
		err := l.Read("a.log", strings.NewReader(delRole+"\n"+delSvc+"\n"))
		if !errors.Is(err, ErrCut) || !l.Files[0].Cut {
			t.Fatalf("err = %v, cut = %v; want ErrCut", err, l.Files[0].Cut)
		}
		if len(l.Changes(pvRole)) != 1 || len(l.Changes(msSvc)) != 0 {
			t.Errorf("kept what was read before the cut? %d %d", len(l.Changes(pvRole)), len(l.Changes(msSvc)))
		}
		if err := l.Read("b.log", strings.NewReader(delSvc)); !errors.Is(err, ErrCut) {
			t.Errorf("second file err = %v, want ErrCut", err)
		}
	})
	t.Run("exactly at the limit is not cut", func(t *testing.T) {
		l := New(Limits{MaxTotalBytes: int64(len(delRole) + 1)})
		if err := l.Read("a.log", strings.NewReader(delRole+"\n")); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("events", func(t *testing.T) {
		l := New(Limits{MaxEvents: 1})
		if err := l.Read("a.log", strings.NewReader(delRole+"\n"+delSvc+"\n")); err != nil {
			t.Fatal(err)
		}
		if l.Events() != 1 || l.Dropped != 1 {
			t.Errorf("events/dropped = %d/%d, want 1/1", l.Events(), l.Dropped)
		}
	})
	t.Run("bad gzip", func(t *testing.T) {
		l := New(Limits{})
		if err := l.Read("a.log.gz", strings.NewReader("\x1f\x8bnot gzip")); err == nil {
			t.Error("no error for a broken gzip stream")
		}
	})
}

func TestQuote(t *testing.T) {
	long := strings.Repeat("é", MaxQuoteBytes)
	q := quote(long)
	if !strings.HasSuffix(q, "…") || len(q) > MaxQuoteBytes+len("…") || !strings.HasPrefix(long, strings.TrimSuffix(q, "…")) {
		t.Errorf("quote cut wrongly: %d bytes", len(q))
	}
	if quote("short") != "short" {
		t.Error("short line changed")
	}
}
