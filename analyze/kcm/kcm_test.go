package kcm

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// v1.37 lines of one run that lost its ClusterRole (the lab's
// rbac-deleted-clusterrole sample), and of a healthy run.
const (
	lFlag      = `I1123 07:57:54.851367   %s flags.go:64] FLAG: --allocate-node-cidrs="false"`
	lStarting  = `I1123 07:57:54.858167   %s controllermanager.go:204] "Starting" version="v1.37.2"`
	lAttempt   = `I1123 07:57:54.861213   %s leaderelection.go:258] "Attempting to acquire leader lease..." lock="kube-system/kube-controller-manager"`
	lAcquired  = `I1123 07:58:12.064458   %s leaderelection.go:272] "Successfully acquired lease" lock="kube-system/kube-controller-manager"`
	lLeader    = `I1123 07:58:12.065144   %s event.go:395] "Event occurred" object="kube-system/kube-controller-manager" fieldPath="" kind="Lease" apiVersion="coordination.k8s.io/v1" type="Normal" reason="LeaderElection" message="vm_c93cabe2-cd7e-410f-8144-13bb1f3a5329 became leader"`
	lInitFail  = `E1123 07:58:12.071101   %s controllermanager.go:637] "Error initializing a controller" err="failed to create Kubernetes client for \"endpoint-controller\": serviceaccounts \"endpoint-controller\" is forbidden: User \"system:kube-controller-manager\" cannot get resource \"serviceaccounts\" in API group \"\" in the namespace \"kube-system\": rbac: RBAC: clusterrole.rbac.authorization.k8s.io \"system:kube-controller-manager\" not found" controller="endpoint-controller"`
	lBuildFail = `E1123 07:58:12.071117   %s controllermanager.go:278] "Error building controllers" err="failed to create Kubernetes client for \"endpoint-controller\": forbidden"`
	lLost      = `E1123 07:58:12.071191   %s controllermanager.go:413] "leaderelection lost/stopped"`
	lStarted   = `I1123 07:58:13.000000   %s controllermanager.go:800] "Started controller" controller="namespace-controller"`
)

// run renders lines with pid.
func run(pid string, lines ...string) []string {
	var out []string
	for _, l := range lines {
		out = append(out, fmt.Sprintf(l, pid))
	}
	return out
}

func logOf(lines ...[]string) *snapshot.Log {
	l := &snapshot.Log{Path: "logs/files/kube-controller-manager.log", Component: Component, FirstLine: 1}
	for _, ls := range lines {
		l.Lines = append(l.Lines, ls...)
	}
	return l
}

func TestSplitRuns(t *testing.T) {
	t.Parallel()
	crash := []string{lFlag, lStarting, lAttempt, lAcquired, lLeader, lInitFail, lBuildFail, lLost}
	healthy := []string{lFlag, lStarting, lAttempt, lAcquired, lLeader, lStarted}
	tests := []struct {
		name string
		log  *snapshot.Log
		// want: one "start-end exit? error-line identity" per run.
		want []string
	}{
		{"systemd: pids change", logOf(run("30316", crash...), run("30322", crash...), run("30538", healthy...)),
			[]string{"0-8 exit@7 err@6 vm_c93cabe2-cd7e-410f-8144-13bb1f3a5329", "8-16 exit@15 err@14 vm_c93cabe2-cd7e-410f-8144-13bb1f3a5329", "16-22 running vm_c93cabe2-cd7e-410f-8144-13bb1f3a5329"}},
		{"container: every run is pid 1", logOf(run("1", crash...), run("1", crash...)),
			[]string{"0-8 exit@7 err@6 vm_c93cabe2-cd7e-410f-8144-13bb1f3a5329", "8-16 exit@15 err@14 vm_c93cabe2-cd7e-410f-8144-13bb1f3a5329"}},
		{"container without flag dump: the start line opens the run", logOf(run("1", crash[1:]...), run("1", healthy[1:]...)),
			[]string{"0-7 exit@6 err@5 vm_c93cabe2-cd7e-410f-8144-13bb1f3a5329", "7-12 running vm_c93cabe2-cd7e-410f-8144-13bb1f3a5329"}},
		{"one healthy run", logOf(run("7", healthy...)), []string{"0-6 running vm_c93cabe2-cd7e-410f-8144-13bb1f3a5329"}},
		{"not klog at all", logOf([]string{"hello", "world"}), []string{"0-2 running"}},
		{"empty", logOf(), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, r := range splitRuns(tt.log) {
				s := fmt.Sprintf("%d-%d", r.Start, r.End)
				if r.Ended() {
					s += fmt.Sprintf(" exit@%d", r.Exit.Line)
				} else {
					s += " running"
				}
				if r.Error != nil {
					s += fmt.Sprintf(" err@%d", r.Error.Line)
				}
				if r.Identity != "" {
					s += " " + r.Identity
				}
				got = append(got, s)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("runs\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

func TestReadCauses(t *testing.T) {
	t.Parallel()
	s := &snapshot.Snapshot{Logs: []*snapshot.Log{logOf(run("1", lFlag, lStarting, lAcquired, lInitFail, lBuildFail, lLost))}}
	f := Read(s)
	c := f.Causes
	if c.RoleNotFound == nil || c.RoleNotFound.Line != 3 {
		t.Errorf("RoleNotFound %+v, want line 3", c.RoleNotFound)
	}
	if c.BuildFailed == nil || c.BuildFailed.Line != 3 || c.Forbidden == nil || c.OtherUser != nil {
		t.Errorf("BuildFailed %+v Forbidden %+v OtherUser %+v", c.BuildFailed, c.Forbidden, c.OtherUser)
	}
	if f.Starts != 1 || f.Exits != 1 || len(f.Runs) != 1 {
		t.Errorf("starts %d exits %d runs %d", f.Starts, f.Exits, len(f.Runs))
	}
}

func lease(renewedAgo time.Duration, transitions int32, acquiredAgo time.Duration, now time.Time) *snapshot.Lease {
	l := &snapshot.Lease{}
	l.Namespace, l.Name = LeaseNamespace, LeaseName
	holder := "cp_0b1e7c55-4a8e-4c1e-9f0e-3d2c1b0a9f8e"
	renew, acquire := now.Add(-renewedAgo), now.Add(-acquiredAgo)
	dur := int32(15)
	l.Spec.HolderIdentity, l.Spec.RenewTime, l.Spec.AcquireTime = &holder, &renew, &acquire
	l.Spec.LeaseTransitions, l.Spec.LeaseDurationSeconds = &transitions, &dur
	return l
}

func TestReadLease(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name              string
		lease             *snapshot.Lease
		expired, churning bool
	}{
		{"renewed 3s ago", lease(3*time.Second, 0, time.Hour, now), false, false},
		{"renewed 35s ago: within duration + grace", lease(35*time.Second, 0, time.Hour, now), false, false},
		{"renewed 36s ago: expired", lease(36*time.Second, 0, time.Hour, now), true, false},
		{"41 transitions, acquired 40s ago", lease(time.Second, 41, 40*time.Second, now), false, true},
		{"41 transitions, acquired a day ago (a counter)", lease(time.Second, 41, 24*time.Hour, now), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := &snapshot.Snapshot{Now: now, Leases: []*snapshot.Lease{tt.lease}}
			l := readLease(s)
			if l == nil || l.Expired != tt.expired || l.Churning != tt.churning {
				t.Errorf("got %+v, want expired %v churning %v", l, tt.expired, tt.churning)
			}
		})
	}
	if readLease(&snapshot.Snapshot{Now: now}) != nil {
		t.Error("a lease out of nothing")
	}
}

func pod(ns, name, container string, restarts int32, waiting string) *snapshot.Pod {
	p := &snapshot.Pod{}
	p.Namespace, p.Name = ns, name
	p.Spec.Containers = append(p.Spec.Containers, struct {
		Name    string   `json:"name"`
		Image   string   `json:"image,omitempty"`
		Command []string `json:"command,omitempty"`
	}{Name: container})
	cs := snapshot.ContainerStatus{Name: container, RestartCount: restarts}
	if waiting != "" {
		cs.State.Waiting = &struct {
			Reason  string `json:"reason,omitempty"`
			Message string `json:"message,omitempty"`
		}{Reason: waiting}
	}
	p.Status.ContainerStatuses = append(p.Status.ContainerStatuses, cs)
	return p
}

func TestReadPods(t *testing.T) {
	t.Parallel()
	s := &snapshot.Snapshot{Pods: []*snapshot.Pod{
		pod("kube-system", "kube-controller-manager-cp", Component, 21, ""),
		pod("openshift-kube-controller-manager", "kube-controller-manager-master-0", Component, 0, "CrashLoopBackOff"),
		pod("openshift-kube-controller-manager", "kube-controller-manager-guard-master-0", "guard", 0, "CrashLoopBackOff"),
		pod("openshift-kube-controller-manager-operator", "kube-controller-manager-operator-5b7d", "kube-controller-manager-operator", 0, ""),
		pod("default", "kube-controller-manager-fake", Component, 0, ""),
	}}
	f := Read(s)
	var names []string
	for _, p := range f.Pods {
		names = append(names, p.Namespace+"/"+p.Name)
	}
	if got := strings.Join(names, ","); got != "kube-system/kube-controller-manager-cp,openshift-kube-controller-manager/kube-controller-manager-master-0" {
		t.Errorf("pods %s", got)
	}
	if f.Restarts() != 21 || f.WaitingCrashLoop() == nil || f.WaitingCrashLoop().Name != "kube-controller-manager-master-0" {
		t.Errorf("restarts %d, crash-looping %v", f.Restarts(), f.WaitingCrashLoop())
	}
}

// TestForbiddenUserWordings: the RBAC denial names its user in every
// version's wording.
func TestForbiddenUserWordings(t *testing.T) {
	t.Parallel()
	for line, want := range map[string]string{
		`E1203 12:29:29.092237 1 leaderelection.go:347] error retrieving resource lock kube-system/kube-controller-manager: leases.coordination.k8s.io "kube-controller-manager" is forbidden: User "system:kube-controller-manager" cannot get resource "leases"`: User,
		// 1.7 and older: no "forbidden: ".
		`E0601 10:00:00.000000 1 node_controller.go:100] User "system:kube-controller-manager" cannot patch nodes at the cluster scope. (patch nodes n)`: User,
		`E0601 10:00:00.000000 1 x.go:1] is forbidden: User \"system:anonymous\" cannot get path \"/healthz\"`:                                           "system:anonymous",
		`I0601 10:00:00.000000 1 x.go:1] SuperUser "x" cannot be`:                                                                                        "",
		`I0601 10:00:00.000000 1 x.go:1] nothing here`:                                                                                                   "",
	} {
		if got := forbiddenUser(line); got != want {
			t.Errorf("forbiddenUser(%q) = %q, want %q", line, got, want)
		}
	}
}
