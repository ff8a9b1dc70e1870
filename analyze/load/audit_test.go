package load

import (
	"testing"

	"github.com/nsbundle/nsbundle/analyze/audit"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

func TestAuditInBundle(t *testing.T) {
	del := `{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"x","stage":"ResponseComplete","verb":"delete","user":{"username":"dana"},` +
		`"objectRef":{"resource":"clusterroles","name":"r","apiGroup":"rbac.authorization.k8s.io"},"responseStatus":{"code":200},` +
		`"requestReceivedTimestamp":"2026-11-23T04:00:00Z","stageTimestamp":"2026-11-23T04:00:00Z"}`
	tests := []struct {
		name   string
		files  map[string]string
		events int
		isLog  bool
	}{
		{"audit dir", map[string]string{"manifest.json": manifestJSON(t), "logs/audit/audit.log": del + "\n"}, 1, false},
		{"gz-named rotation without .log", map[string]string{"manifest.json": manifestJSON(t), "logs/audit/audit-1.json": del}, 1, false},
		{"a component log is not an audit log", map[string]string{"manifest.json": manifestJSON(t), "logs/files/audit.log": del + "\n"}, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustLoad(t, tt.files)
			n := 0
			if s.Audit != nil {
				n = len(s.Audit.Changes(audit.Ref{APIGroup: "rbac.authorization.k8s.io", Resource: "clusterroles", Name: "r"}))
			}
			if n != tt.events || (len(s.Logs) > 0) != tt.isLog {
				t.Errorf("audit events %d (want %d), logs %d", n, tt.events, len(s.Logs))
			}
			if tt.events > 0 && !s.Collection(snapshot.ResAudit).Collected {
				t.Error("audit not marked collected")
			}
		})
	}
}
