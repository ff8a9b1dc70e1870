package kcm

import (
	"time"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// Lease is kube-controller-manager's leader lease, measured against the
// collection time.
type Lease struct {
	*snapshot.Lease
	// Age is how long before collection it was last renewed (0 if unknown).
	Age time.Duration
	// Duration is its leaseDurationSeconds (15s when unset).
	Duration time.Duration
	// Expired: renewTime is older than Duration + LeaseGrace.
	Expired bool
	// Churning: it changed hands at least churnTransitions times and was
	// last acquired less than churnRecent before collection.
	Churning bool
}

// Holder is the lease's holderIdentity ("" if none).
func (l *Lease) Holder() string {
	if l.Spec.HolderIdentity == nil {
		return ""
	}
	return *l.Spec.HolderIdentity
}

func readLease(s *snapshot.Snapshot) *Lease {
	sl := s.Lease(LeaseNamespace, LeaseName)
	if sl == nil {
		return nil
	}
	l := &Lease{Lease: sl, Duration: defaultLeaseDuration}
	if d := sl.Spec.LeaseDurationSeconds; d != nil {
		l.Duration = time.Duration(*d) * time.Second
	}
	if sl.Spec.RenewTime == nil || s.Now.IsZero() {
		return l
	}
	l.Age = s.Now.Sub(*sl.Spec.RenewTime)
	l.Expired = l.Age > l.Duration+LeaseGrace
	if t := sl.Spec.LeaseTransitions; t != nil && *t >= churnTransitions && sl.Spec.AcquireTime != nil &&
		s.Now.Sub(*sl.Spec.AcquireTime) < churnRecent {
		l.Churning = true
	}
	return l
}
