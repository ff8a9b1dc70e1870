package rules

import (
	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// nsSpecFinalizer (NSB-NS-005): the namespace's spec.finalizers holds an
// entry other than "kubernetes"; only the finalize subresource removes it,
// and only the controller that added it should.
type nsSpecFinalizer struct{}

func (nsSpecFinalizer) ID() string            { return "NSB-NS-005" }
func (nsSpecFinalizer) Title() string         { return "Namespace spec.finalizers entry nobody removes" }
func (nsSpecFinalizer) Kinds() []analyze.Kind { return []analyze.Kind{analyze.KindNamespace} }

func (r nsSpecFinalizer) Explain(s *snapshot.Snapshot, n analyze.Node) []analyze.Node {
	ns := s.Namespace(n.Name)
	if ns == nil {
		return nil
	}
	var out []analyze.Node
	for i, f := range ns.Spec.Finalizers {
		if f == finalizerKubernetes {
			continue
		}
		out = append(out, analyze.Node{
			Ref:      ref(analyze.KindFinalizer, "", f),
			Problem:  "spec.finalizers entry " + f + " is not removed: the controller that added it (" + finalizerDomain(f) + ", by its prefix) has not finished; the bundle does not show why",
			Evidence: []analyze.Evidence{ev(ns.Loc.At("spec", "finalizers", itoa(i)), f)},
			Root:     true,
			Fix: "Find the controller that added \"" + f + "\" (the part before \"/\" usually names its project: " + finalizerDomain(f) +
				") and bring it back so it finishes its cleanup. Only if that controller is gone for good and its external resources are accounted for, " +
				"remove the entry through the finalize subresource (kubectl get ns " + ns.Name + " -o json | jq '.spec.finalizers -= [\"" + f + "\"]' | kubectl replace --raw /api/v1/namespaces/" + ns.Name + "/finalize -f -). Do not remove \"kubernetes\".",
			Verify: verifyNamespaceGone(ns.Name),
		})
	}
	return out
}
