package kcm

import (
	"testing"
	"time"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// v1.30.14 lines of a run whose ClusterRole is gone (the lab's v1.30
// rbac-deleted-clusterrole sample) and v1.35+ structured wording.
const (
	lV130Version = `I1203 12:20:01.000000    %s controllermanager.go:189] Version: v1.30.14`
	lV130Attempt = `I1203 12:20:01.200000    %s leaderelection.go:250] attempting to acquire leader lease kube-system/kube-controller-manager...`
	lV130LockErr = `E1203 12:29:29.092237    %s leaderelection.go:347] error retrieving resource lock kube-system/kube-controller-manager: leases.coordination.k8s.io "kube-controller-manager" is forbidden: User "system:kube-controller-manager" cannot get resource "leases" in API group "coordination.k8s.io" in the namespace "kube-system": RBAC: clusterrole.rbac.authorization.k8s.io "system:kube-controller-manager" not found`
	lV137LockErr = `E1203 12:29:29.092237    %s leaderelection.go:448] "Error retrieving lease lock" err="Unauthorized" lock="kube-system/kube-controller-manager"`
	lV130Fatal   = `F1203 12:29:29.500000    %s controllermanager.go:300] error running controllers`
)

func TestRetrying(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 3, 12, 29, 30, 0, time.UTC)
	tests := []struct {
		name  string
		lines []string
		now   time.Time
		count int // 0: not retrying
	}{
		{"v1.30 forbidden its lease, retrying up to collection", run("5222", lV130Version, lV130Attempt, lV130LockErr, lV130LockErr), now, 2},
		{"structured wording (v1.35+)", run("1", lV130Version, lV130Attempt, lV137LockErr), now, 1},
		{"last retry long before collection: not shown alive", run("5222", lV130Version, lV130Attempt, lV130LockErr), now.Add(10 * time.Minute), 0},
		{"run ended in a fatal line", run("5222", lV130Version, lV130Attempt, lV130LockErr, lV130Fatal), now, 0},
		{"run leads", run("1", lStarting, lAttempt, lAcquired, lV137LockErr), now, 0},
		{"no lock errors", run("1", lV130Version, lV130Attempt), now, 0},
		{"collection time unknown", run("5222", lV130Version, lV130Attempt, lV130LockErr), time.Time{}, 0},
		{"new year: a December line before a January collection", run("5222", lV130Version, lV130Attempt, `E1231 23:59:59.000000    7 leaderelection.go:347] error retrieving resource lock kube-system/kube-controller-manager: x`),
			time.Date(2027, 1, 1, 0, 0, 30, 0, time.UTC), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := &Facts{Logs: []*snapshot.Log{logOf(tt.lines)}}
			f.readLogs(tt.now)
			switch {
			case tt.count == 0 && f.Retrying != nil:
				t.Errorf("retrying %+v, want not", *f.Retrying)
			case tt.count > 0 && (f.Retrying == nil || f.Retrying.Count != tt.count):
				t.Errorf("retrying %+v, want %d lock errors", f.Retrying, tt.count)
			}
		})
	}
}
