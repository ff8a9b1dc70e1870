package rules

import (
	"strings"
	"time"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// nsPodsRemaining (NSB-NS-006): pods are deleted first; while any pod
// remains the namespace controller deletes nothing else and waits.
type nsPodsRemaining struct{}

func (nsPodsRemaining) ID() string            { return "NSB-NS-006" }
func (nsPodsRemaining) Title() string         { return "Namespace waits on pods that do not go away" }
func (nsPodsRemaining) Kinds() []analyze.Kind { return []analyze.Kind{analyze.KindNamespace} }

// maxPodLinks caps how many pods one namespace points at.
const maxPodLinks = 3

func (r nsPodsRemaining) Explain(s *snapshot.Snapshot, n analyze.Node) []analyze.Node {
	ns := s.Namespace(n.Name)
	if ns == nil {
		return nil
	}
	var evs []analyze.Evidence
	if c, i := snapshot.FindCondition(ns.Status.Conditions, condContentFailure); c != nil && c.Status == "True" &&
		strings.Contains(c.Message, "Resource=pods") {
		evs = append(evs, condEv(&ns.Object, c, i))
	}
	if content := s.Content[ns.Name]; content != nil {
		for j, rc := range content.Value.Resources {
			if rc.Group == "" && rc.Resource == "pods" && rc.Count > 0 {
				evs = append(evs, ev(content.Loc.At("resources", itoa(j), "count"), itoa(rc.Count)+" pods remain"))
			}
		}
	}
	var out []analyze.Node
	for _, p := range s.PodsInNamespace(ns.Name) {
		if p.DeletionTimestamp == nil || len(out) >= maxPodLinks {
			continue
		}
		grace := int64(30)
		if p.Spec.TerminationGracePeriodSeconds != nil {
			grace = *p.Spec.TerminationGracePeriodSeconds
		}
		if since(s, p.DeletionTimestamp) < time.Duration(grace)*time.Second+time.Minute && len(evs) == 0 {
			continue // still within its grace period
		}
		pe := append([]analyze.Evidence{ev(p.Loc.At("metadata", "deletionTimestamp"), p.DeletionTimestamp.Format(time.RFC3339))}, evs...)
		out = append(out, analyze.Node{
			Ref:      ref(analyze.KindPod, p.Namespace, p.Name),
			Problem:  "deleted " + age(s, p.DeletionTimestamp) + " ago but still present; the namespace controller deletes pods first and waits for them",
			Evidence: pe,
		})
	}
	return out
}
