package rules

import (
	"time"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// Namespace deletion condition types (k8s.io/api/core/v1).
const (
	condDiscoveryFailure = "NamespaceDeletionDiscoveryFailure"
	condGVParsingFailure = "NamespaceDeletionGroupVersionParsingFailure"
	condContentFailure   = "NamespaceDeletionContentFailure"
	condContentRemaining = "NamespaceContentRemaining"
	condFinalizersRemain = "NamespaceFinalizersRemaining"
	finalizerKubernetes  = "kubernetes"
	stuckAfter           = 2 * time.Minute
	waitingAfter         = time.Minute
	noConditionsAfter    = 30 * time.Second
)

// nsTerminating (NSB-NS-001) finds namespaces stuck Terminating: deleted,
// still present, and either reporting a deletion failure or older than a
// couple of minutes.
type nsTerminating struct{}

func (nsTerminating) ID() string    { return "NSB-NS-001" }
func (nsTerminating) Title() string { return "Namespace stuck Terminating" }

func (r nsTerminating) Symptoms(s *snapshot.Snapshot) []analyze.Node {
	var out []analyze.Node
	for _, ns := range s.Namespaces {
		if ns.DeletionTimestamp == nil && ns.Status.Phase != "Terminating" {
			continue
		}
		if !failing(ns) && since(s, ns.DeletionTimestamp) < threshold(ns) && !s.Now.IsZero() {
			continue // still within normal deletion time
		}
		problem := "stuck Terminating"
		if a := age(s, ns.DeletionTimestamp); a != "" {
			problem += " for " + a
		}
		var evs []analyze.Evidence
		if ns.DeletionTimestamp != nil {
			evs = append(evs, ev(ns.Loc.At("metadata", "deletionTimestamp"), ns.DeletionTimestamp.Format(time.RFC3339)))
		}
		if len(ns.Spec.Finalizers) > 0 {
			evs = append(evs, ev(ns.Loc.At("spec", "finalizers"), joinQuoted(ns.Spec.Finalizers)))
		}
		out = append(out, analyze.Node{
			Ref:      ref(analyze.KindNamespace, "", ns.Name),
			Problem:  problem,
			Evidence: evs,
			Severity: analyze.SeverityCritical,
			Summary:  "Namespace " + ns.Name + " is " + problem,
		})
	}
	return out
}

// threshold is how long a namespace may be Terminating before it counts as
// stuck: shorter when the controller says content or finalizers remain, or
// when it never wrote a condition (it writes them within seconds).
func threshold(ns *snapshot.Namespace) time.Duration {
	if len(ns.Status.Conditions) == 0 {
		return waitingAfter
	}
	if len(ns.Spec.Finalizers) > 0 && !contains(ns.Spec.Finalizers, finalizerKubernetes) {
		return waitingAfter // the namespace controller is done; others are not
	}
	for _, c := range ns.Status.Conditions {
		if c.Status == "True" {
			return waitingAfter
		}
	}
	return stuckAfter
}

// failing reports whether a namespace shows a True deletion failure
// condition. NamespaceContentRemaining and NamespaceFinalizersRemaining are
// True during every normal deletion of content, so they count only once the
// namespace has been Terminating for stuckAfter.
func failing(ns *snapshot.Namespace) bool {
	for _, c := range ns.Status.Conditions {
		if c.Status == "True" && (c.Type == condDiscoveryFailure || c.Type == condGVParsingFailure || c.Type == condContentFailure) {
			return true
		}
	}
	return false
}

func joinQuoted(xs []string) string {
	out := "["
	for i, x := range xs {
		if i > 0 {
			out += ", "
		}
		out += `"` + x + `"`
	}
	return out + "]"
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
