package rules

import (
	"strings"
	"time"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/bootstrap"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// nsPodsRemaining (NSB-NS-006): a pod deleted past its grace period keeps
// the namespace Terminating. From v1.33 the namespace controller deletes
// pods first and nothing else while any remains (OrderedNamespaceDeletion,
// on by default in 1.33, unconditional in 1.37); before, it deletes every
// resource type and waits for all of them.
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
			Problem:  "deleted " + age(s, p.DeletionTimestamp) + " ago but still present; " + podsWaitWhy(s.GitVersion),
			Evidence: pe,
		})
	}
	return out
}

// podsWaitWhy says how a remaining pod holds the namespace on a version:
// pods-first deletion is on by default from v1.33 (beta and off by
// default in 1.30-1.32, absent before).
func podsWaitWhy(gitVersion string) string {
	m, ok := bootstrap.Minor(gitVersion)
	switch {
	case !ok:
		return "the namespace controller waits for every pod to be gone (from v1.33 it deletes pods first and nothing else while any remains)"
	case m >= 33:
		return "the namespace controller deletes pods first and waits for them"
	}
	return "the namespace controller waits for every pod to be gone before it finalizes the namespace"
}
