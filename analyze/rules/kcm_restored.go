package rules

import (
	"time"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// restored qualifies a cause that kube-controller-manager's log names (a
// ClusterRole "not found") when the bundle holds that object again, as the
// policy has it: it was deleted when the log line was written and has been
// recreated since (by hand, or by a kube-apiserver restart). The chain
// stays, since the controller-manager has not recovered yet, but it no
// longer reads as if the object were still gone.
func (c *rbacCause) restored(s *snapshot.Snapshot) {
	m, loc, ok := rbacObject(s, c.primary)
	if !ok {
		return
	}
	what := c.primary.Kind.String() + " " + c.primary.Name + " is in the bundle"
	if m.CreationTimestamp.IsZero() {
		c.problem += "; the bundle holds it again, so it was recreated after that log line: kube-controller-manager takes it at its next start"
		c.evs = append(c.evs, analyze.Evidence{Path: loc.Path, Pointer: loc.Pointer, Value: what})
		return
	}
	at := m.CreationTimestamp.UTC().Format(time.RFC3339)
	c.problem += "; the bundle holds it again (created " + at + "), so it was recreated after that log line: kube-controller-manager takes it at its next start"
	c.evs = append(c.evs, analyze.Evidence{Path: loc.Path, Pointer: loc.At("metadata", "creationTimestamp").Pointer, Value: what + ", created " + at})
}
