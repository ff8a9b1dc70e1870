package kcm

import (
	"strings"
	"time"

	"github.com/nsbundle/nsbundle/analyze/logtime"
)

// Retrying is a run that is alive and cannot lead: it never took its
// leader lease, did not end, and keeps failing to read the lease lock
// (client-go retries every RetryPeriod, 2 s). kube-controller-manager up to
// v1.30 does this when its ClusterRole is gone (the leader-locking Role
// covers only configmaps there), and every version when its credentials
// are rejected.
type Retrying struct {
	// Last is the newest "error retrieving resource lock" line; Count how
	// many the run logged.
	Last  *Hit
	Count int
	// Age is how long before collection Last was written.
	Age time.Duration
}

// retryFresh is how recent the last failed lock read must be for the run to
// count as alive: many retry periods, well under a lease's life.
const retryFresh = 2 * time.Minute

// IsLockError reports whether a log line says that client-go failed to read the leader lock (printf wording up
// to v0.34, structured from v0.35).
func IsLockError(line string) bool {
	return strings.Contains(line, "error retrieving resource lock") || strings.Contains(line, `"Error retrieving lease lock"`)
}

// retryingOf is r, the last run of a current log, when it is retrying its
// lease lock now (its newest failure within retryFresh of now); else nil.
func retryingOf(r *Run, now time.Time) *Retrying {
	if now.IsZero() || r.Ended() || r.Acquired != nil {
		return nil
	}
	var rt Retrying
	for i := r.Start; i < r.End; i++ {
		if IsLockError(r.Log.Lines[i]) {
			rt.Count++
			rt.Last = &Hit{r.Log, i}
		}
	}
	if rt.Last == nil {
		return nil
	}
	t, ok := logtime.Of(r.Log.Lines[rt.Last.Line], now)
	if !ok || now.Sub(t) > retryFresh || now.Sub(t) < -time.Minute {
		return nil
	}
	rt.Age = max(now.Sub(t), 0)
	return &rt
}
