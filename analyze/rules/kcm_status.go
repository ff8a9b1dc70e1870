package rules

import (
	"regexp"
	"strings"
	"time"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

const (
	componentKCM = "kube-controller-manager"
	userKCM      = "system:kube-controller-manager"
	// leaseGrace is what the leader-election health check allows past the
	// lease duration before it calls the leader dead.
	leaseGrace = 20 * time.Second
	// churnTransitions and churnRecent define a churning leader lease.
	churnTransitions = 3
	churnRecent      = 2 * time.Minute
)

// kcmStatus is what the bundle says about kube-controller-manager.
type kcmStatus struct {
	lease      *snapshot.Lease
	leaseStale bool
	leaseAge   time.Duration
	// churning: the lease changed hands at least churnTransitions times and
	// was last acquired moments before the collection.
	churning bool
	pods     []*snapshot.Pod
	restarts int32
	crashing bool
	logs     []*snapshot.Log
	// starts and exits counted in the logs.
	starts, exits int
	// first matching lines, per finding.
	roleNotFound, bindingNotFound, healthzForbidden, watchForbidden, otherUser, buildFailed *logHit
	// forbidden is the first request of system:kube-controller-manager itself
	// that was forbidden.
	forbidden     *logHit
	otherUserName string
	// unauthorized is the newest request kube-apiserver rejected with 401
	// (credentials not accepted), of unauthorizedCount.
	unauthorized      *logHit
	unauthorizedCount int
}

type logHit struct {
	log  *snapshot.Log
	line int
}

func (h *logHit) evidence() analyze.Evidence { return evLine(h.log, h.line) }

var (
	reRoleNotFound    = regexp.MustCompile(`clusterrole\.rbac\.authorization\.k8s\.io \\?"(system:kube-controller-manager)\\?" not found`)
	reBindingNotFound = regexp.MustCompile(`clusterrolebinding\.rbac\.authorization\.k8s\.io \\?"([^"\\]+)\\?" not found`)
	reHealthz         = regexp.MustCompile(`cannot get path \\?"/(healthz|readyz|livez)\\?"`)
	reForbiddenUser   = regexp.MustCompile(`forbidden: User \\?"([^"\\]+)\\?" cannot`)
	// reUnauthorized is client-go's text for a 401 ("Unauthorized"), not
	// a cloud's "UnauthorizedOperation".
	reUnauthorized = regexp.MustCompile(`(^|[^A-Za-z])Unauthorized([^A-Za-z]|$)`)
)

// readKCM reads the lease, pods and logs of kube-controller-manager, once per
// snapshot.
func readKCM(s *snapshot.Snapshot) *kcmStatus { return kcmView.Of(s) }

// kcmView holds what the bundle says about kube-controller-manager; five
// rules read it.
var kcmView = snapshot.NewView("kube-controller-manager's lease, pods and logs", scanKCM)

// scanKCM does the work of readKCM.
func scanKCM(s *snapshot.Snapshot) *kcmStatus {
	st := &kcmStatus{lease: s.Lease("kube-system", componentKCM)}
	if l := st.lease; l != nil && l.Spec.RenewTime != nil && !s.Now.IsZero() {
		st.leaseAge = s.Now.Sub(*l.Spec.RenewTime)
		dur := 15 * time.Second
		if l.Spec.LeaseDurationSeconds != nil {
			dur = time.Duration(*l.Spec.LeaseDurationSeconds) * time.Second
		}
		st.leaseStale = st.leaseAge > dur+leaseGrace
		if t := l.Spec.LeaseTransitions; t != nil && *t >= churnTransitions && l.Spec.AcquireTime != nil &&
			s.Now.Sub(*l.Spec.AcquireTime) < churnRecent {
			st.churning = true
		}
	}
	for _, p := range s.Pods {
		if p.Namespace != "kube-system" || snapshot.ComponentOf(p.Name) != componentKCM {
			continue
		}
		st.pods = append(st.pods, p)
		for _, cs := range p.Status.ContainerStatuses {
			st.restarts += cs.RestartCount
			if cs.State.Waiting != nil && cs.State.Waiting.Reason == "CrashLoopBackOff" {
				st.crashing = true
			}
		}
	}
	st.logs = s.LogsOf(componentKCM)
	for _, l := range st.logs {
		// Logs may overlap (current, previous, all runs): count per file and
		// keep the largest.
		starts, exits, unauthorized := 0, 0, 0
		for i, line := range l.Lines {
			hit := func(h **logHit) {
				if *h == nil {
					*h = &logHit{l, i}
				}
			}
			switch {
			case strings.Contains(line, "Successfully acquired lease") || strings.Contains(line, "successfully acquired lease"):
				starts++
			case strings.Contains(line, "leaderelection lost") || strings.Contains(line, "Leaderelection lost"):
				exits++
			}
			if reRoleNotFound.MatchString(line) {
				hit(&st.roleNotFound)
			}
			if reBindingNotFound.MatchString(line) {
				hit(&st.bindingNotFound)
			}
			if reHealthz.MatchString(line) && strings.Contains(line, "forbidden") {
				hit(&st.healthzForbidden)
			}
			if strings.Contains(line, "Failed to watch") && strings.Contains(line, "forbidden") {
				hit(&st.watchForbidden)
			}
			if containsAny(line, "Error building controllers", "Error building controller context", "error building controller context", "Error initializing a controller") {
				hit(&st.buildFailed)
			}
			if reUnauthorized.MatchString(line) {
				unauthorized++
				st.unauthorized = &logHit{l, i} // the newest
			}
			if m := reForbiddenUser.FindStringSubmatch(line); m != nil && m[1] == userKCM {
				hit(&st.forbidden)
			}
			if m := reForbiddenUser.FindStringSubmatch(line); m != nil && m[1] != userKCM && st.otherUser == nil &&
				!strings.HasPrefix(m[1], "system:serviceaccount:kube-system:") {
				hit(&st.otherUser)
				st.otherUserName = m[1]
			}
		}
		st.starts, st.exits = max(st.starts, starts), max(st.exits, exits)
		st.unauthorizedCount = max(st.unauthorizedCount, unauthorized)
	}
	return st
}

// crashLooping reports whether kube-controller-manager keeps restarting:
// its pod says so, its logs show repeated exits, or its lease keeps
// changing hands (each start has a new identity).
func (st *kcmStatus) crashLooping() bool {
	return st.crashing || st.restarts >= 3 || st.exits >= 2 || st.churning
}

// running reports whether something renews the lease.
func (st *kcmStatus) running() bool { return st.lease != nil && !st.leaseStale }

// leaseEvidence quotes the lease.
func (st *kcmStatus) leaseEvidence() []analyze.Evidence {
	l := st.lease
	if l == nil {
		return nil
	}
	var out []analyze.Evidence
	if l.Spec.RenewTime != nil {
		v := "renewTime " + l.Spec.RenewTime.Format(time.RFC3339)
		if st.leaseAge > 0 {
			v += " (" + human(st.leaseAge) + " before collection)"
		}
		out = append(out, ev(l.Loc.At("spec", "renewTime"), v))
	}
	if l.Spec.HolderIdentity != nil {
		out = append(out, ev(l.Loc.At("spec", "holderIdentity"), *l.Spec.HolderIdentity))
	}
	if l.Spec.LeaseTransitions != nil {
		out = append(out, ev(l.Loc.At("spec", "leaseTransitions"), itoa(int(*l.Spec.LeaseTransitions))+" transitions"))
	}
	return out
}
