package collect

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nsbundle/nsbundle/bundle"
)

const (
	auditSecret = `{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"create","objectRef":{"resource":"secrets","namespace":"a","name":"s"},"requestObject":{"data":{"k":"c2VjcmV0"}},"responseObject":{"data":{"k":"c2VjcmV0"}}}`
	auditToken  = `{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"create","objectRef":{"resource":"serviceaccounts","subresource":"token","namespace":"a","name":"sa"},"responseObject":{"status":{"token":"eyJhbGciOi"}}}`
	auditReview = `{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"create","objectRef":{"resource":"tokenreviews"},"requestObject":{"spec":{"token":"eyJhbGciOi"}}}`
	auditRole   = `{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"delete","objectRef":{"resource":"clusterroles","name":"r"},"requestObject":{"kind":"DeleteOptions"}}`
	auditSAMeta = `{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"get","objectRef":{"resource":"serviceaccounts","namespace":"a","name":"sa"},"responseObject":{"metadata":{"name":"sa"}}}`
)

func TestRedactAudit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name              string
		in                string
		redacted, dropped int
		keep              []string // substrings kept
		gone              []string // substrings dropped
	}{
		{"secret bodies", auditSecret + "\n", 1, 0, []string{`"resource":"secrets"`}, []string{"c2VjcmV0", "requestObject", "responseObject"}},
		{"serviceaccount token", auditToken + "\n", 1, 0, []string{`"subresource":"token"`}, []string{"eyJhbGciOi"}},
		{"token review", auditReview, 1, 0, []string{"tokenreviews"}, []string{"eyJhbGciOi"}},
		{"clusterrole kept verbatim", auditRole + "\n", 0, 0, []string{auditRole}, nil},
		{"serviceaccount itself kept", auditSAMeta + "\n", 0, 0, []string{auditSAMeta}, nil},
		{"cut line and garbage dropped", auditRole + "\n\n{not json\n" + auditSecret[:120], 0, 2, []string{auditRole}, []string{"c2VjcmV0", "not json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, red, drop := redactAudit([]byte(tt.in))
			if red != tt.redacted || drop != tt.dropped {
				t.Errorf("redacted/dropped = %d/%d, want %d/%d", red, drop, tt.redacted, tt.dropped)
			}
			for _, s := range tt.keep {
				if !bytes.Contains(out, []byte(s)) {
					t.Errorf("lost %q: %s", s, out)
				}
			}
			for _, s := range tt.gone {
				if bytes.Contains(out, []byte(s)) {
					t.Errorf("kept %q: %s", s, out)
				}
			}
		})
	}
}

func TestAuditNames(t *testing.T) {
	t.Parallel()
	got := auditNames([]string{"/var/log/kubernetes/audit.log", "/m2/audit.log", "/x/audit-2026-12-01T10-00-00.000.log.gz", "/x/a b;c.log", "/x/..", "/x/audit.log"})
	want := []string{"audit.log", "audit-2.log", "audit-2026-12-01T10-00-00.000.log", "a_b_c.log", "audit-3.log", "audit-4.log"}
	if !slices.Equal(got, want) {
		t.Errorf("auditNames = %q, want %q", got, want)
	}
	for _, n := range got {
		if !filepath.IsLocal(n) || strings.Contains(n, "/") {
			t.Errorf("name %q is not a plain file name", n)
		}
	}
}

func TestTailLines(t *testing.T) {
	t.Parallel()
	in := "aaaa\n" + strings.Repeat("L", 50) + "\nbbbb\ncccc"
	got, trunc, err := tailLines(bufio.NewReaderSize(strings.NewReader(in), 16), 12)
	if err != nil || string(got) != "bbbb\ncccc" || !trunc {
		t.Errorf("tailLines = %q %v %v", got, trunc, err)
	}
	got, trunc, err = tailLines(bufio.NewReaderSize(strings.NewReader("a\nb\n"), 16), 100)
	if err != nil || string(got) != "a\nb\n" || trunc {
		t.Errorf("tailLines whole = %q %v %v", got, trunc, err)
	}
}

func TestAuditLogCollected(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	plain := filepath.Join(dir, "audit.log")
	if err := os.WriteFile(plain, []byte(auditRole+"\n"+auditSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(strings.Repeat(auditSAMeta+"\n", 50) + auditRole + "\n"))
	zw.Close()
	rotated := filepath.Join(dir, "audit-2026-12-01T10-00-00.000.log.gz")
	if err := os.WriteFile(rotated, gz.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := brokenServer(t, 1).Config()
	o := testOptions(t)
	o.MaxAuditBytes = 1024
	o.AuditLogs = []string{plain, rotated, filepath.Join(dir, "missing.log")}
	res, err := Run(context.Background(), cfg, o, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _, files := readBundle(t, res.Path)
	if got := string(files["logs/audit/audit.log"]); !strings.HasPrefix(got, auditRole+"\n") || strings.Contains(got, "c2VjcmV0") {
		t.Errorf("audit.log in bundle: %q", got)
	}
	rot := files["logs/audit/audit-2026-12-01T10-00-00.000.log"]
	if len(rot) > 1024 || !bytes.HasSuffix(rot, []byte(auditRole+"\n")) {
		t.Errorf("rotated copy: %d bytes, %q", len(rot), rot)
	}
	var recs []bundle.LogFile
	for _, l := range res.Manifest.Logs {
		if l.Audit {
			recs = append(recs, l)
		}
	}
	if len(recs) != 3 || recs[1].Redacted != 1 || recs[0].Truncated != true || recs[2].Error == "" {
		t.Errorf("manifest audit records: %+v", recs)
	}
	if !slices.ContainsFunc(res.Missing, func(s string) bool { return strings.HasPrefix(s, "audit log "+filepath.Join(dir, "missing.log")) }) {
		t.Errorf("Missing: %q", res.Missing)
	}
}
