package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAnalyzeAuditLog: the sample's own audit log (logs/audit/) names who
// deleted the root cause; so does a standalone audit file given with
// --audit-log, for the sample without its log; without one, the finding
// says attribution needs it; a file that cannot be read is exit 4, with one
// line.
func TestAnalyzeAuditLog(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	log := filepath.Join(dir, "audit.log")
	line := `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"7f3c","stage":"ResponseComplete",` +
		`"requestURI":"/apis/rbac.authorization.k8s.io/v1/clusterroles/system:kube-controller-manager","verb":"delete",` +
		`"user":{"username":"dana","groups":["dashboard-admins","system:authenticated"]},"sourceIPs":["10.0.0.7"],` +
		`"userAgent":"dashboard/v2.7.0","objectRef":{"resource":"clusterroles","name":"system:kube-controller-manager",` +
		`"apiGroup":"rbac.authorization.k8s.io","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},` +
		`"requestReceivedTimestamp":"2026-11-23T07:56:40.101010Z","stageTimestamp":"2026-11-23T07:56:40.120000Z"}` + "\n"
	if err := os.WriteFile(log, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	sample := "../../../samples/rbac-deleted-clusterrole.tgz"
	noAudit := extract(t, "rbac-deleted-clusterrole", func(dir string) {
		if err := os.RemoveAll(filepath.Join(dir, "logs", "audit")); err != nil {
			t.Fatal(err)
		}
	})
	root := func(t *testing.T, args ...string) (map[string]any, []any) {
		t.Helper()
		code, out, stderr := run(t, "nsbundle", append([]string{"analyze", "-o", "json"}, args...)...)
		if code != ExitFindings {
			t.Fatalf("exit %d, want %d; stderr %q", code, ExitFindings, stderr)
		}
		var rep struct {
			Findings []struct {
				Chain   []map[string]any `json:"chain"`
				Missing []any            `json:"missing"`
			} `json:"findings"`
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.Findings) == 0 {
			t.Fatalf("JSON: %v, %d findings", err, len(rep.Findings))
		}
		f := rep.Findings[0]
		return f.Chain[len(f.Chain)-1], f.Missing
	}
	t.Run("named by the bundle's audit log", func(t *testing.T) {
		r, _ := root(t, sample)
		cb, _ := r["changedBy"].(map[string]any)
		if cb == nil || cb["user"] != "dana" || cb["verb"] != "delete" || cb["time"] == nil {
			t.Fatalf("changedBy = %v", r["changedBy"])
		}
		if ev, _ := cb["evidence"].(map[string]any); ev["path"] != "logs/audit/audit.log" {
			t.Errorf("changedBy evidence = %v", ev)
		}
	})
	t.Run("named by the audit log", func(t *testing.T) {
		r, _ := root(t, "--audit-log", log, noAudit)
		cb, _ := r["changedBy"].(map[string]any)
		if cb == nil || cb["user"] != "dana" || cb["verb"] != "delete" || cb["time"] != "2026-11-23T07:56:40.10101Z" {
			t.Fatalf("changedBy = %v", r["changedBy"])
		}
		ev, _ := cb["evidence"].(map[string]any)
		if ev["path"] != log || ev["line"] != float64(1) {
			t.Errorf("changedBy evidence = %v", ev)
		}
	})
	t.Run("no audit log: says attribution needs one", func(t *testing.T) {
		r, missing := root(t, noAudit)
		if r["changedBy"] != nil {
			t.Errorf("changedBy = %v without an audit log", r["changedBy"])
		}
		if !strings.Contains(strings.Join(strings.Fields(fmtAll(missing)), " "), "needs the kube-apiserver audit log") {
			t.Errorf("missing = %v", missing)
		}
	})
	t.Run("unreadable audit log", func(t *testing.T) {
		code, out, stderr := run(t, "nsbundle", "analyze", "--audit-log", filepath.Join(dir, "nope.log"), sample)
		if code != ExitUnreadable || out != "" || strings.Count(stderr, "Error:") != 1 || !strings.Contains(stderr, "no such file") {
			t.Errorf("exit %d, stdout %q, stderr %q; want exit %d, no output, one error line", code, out, stderr, ExitUnreadable)
		}
	})
}

func fmtAll(xs []any) string {
	var b strings.Builder
	for _, x := range xs {
		s, _ := x.(string)
		b.WriteString(s + "\n")
	}
	return b.String()
}
