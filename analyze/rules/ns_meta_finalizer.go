package rules

import (
	"strings"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// nsMetaFinalizer (NSB-NS-010): the namespace controller is done (its
// "kubernetes" entry is gone from spec.finalizers), and the Namespace
// object itself still carries metadata.finalizers: kube-apiserver removes
// the object only once they are empty, and only the controller that added
// each one should remove it (Rancher's namespace-auth, a kopf operator).
type nsMetaFinalizer struct{}

func (nsMetaFinalizer) ID() string            { return "NSB-NS-010" }
func (nsMetaFinalizer) Title() string         { return "Namespace's own metadata.finalizers nobody removes" }
func (nsMetaFinalizer) Kinds() []analyze.Kind { return []analyze.Kind{analyze.KindNamespace} }

// metaFinalizerOwners are well-known owners of a Namespace's
// metadata.finalizers, by finalizer or prefix, and where they run.
var metaFinalizerOwners = []struct{ match, owner, where string }{
	{"controller.cattle.io/", "Rancher", "its agent, Deployment cattle-system/cattle-cluster-agent, and the Rancher server that manages this cluster"},
	{"kopf.zalando.org/", "a kopf-based operator", "the operator that watches Namespaces (kopf's finalizer marker names no operator)"},
}

func (r nsMetaFinalizer) Explain(s *snapshot.Snapshot, n analyze.Node) []analyze.Node {
	ns := s.Namespace(n.Name)
	if ns == nil || len(ns.Finalizers) == 0 || contains(ns.Spec.Finalizers, finalizerKubernetes) {
		return nil
	}
	var out []analyze.Node
	for i, f := range ns.Finalizers {
		owner, where := "the controller that added it ("+finalizerDomain(f)+", by its prefix)", "wherever that controller runs"
		for _, o := range metaFinalizerOwners {
			if strings.HasPrefix(f, o.match) {
				owner, where = o.owner, o.where
			}
		}
		evs := []analyze.Evidence{ev(ns.Loc.At("metadata", "finalizers", itoa(i)), f)}
		if len(ns.Spec.Finalizers) == 0 {
			evs = append(evs, ev(ns.Loc.At("spec"), "spec.finalizers empty: the namespace controller has finished"))
		}
		out = append(out, analyze.Node{
			Ref: ref(analyze.KindFinalizer, "", f),
			Problem: "the Namespace object's own metadata.finalizers entry " + f + " is not removed, although the namespace controller has finished: " +
				owner + " has not removed it; the bundle does not show why",
			Evidence: evs,
			Root:     true,
			Fix: "Bring back " + owner + " (" + where + ") so that it finishes and removes " + f + " itself. Only if it is gone for good " +
				"(the cluster was removed from it, the operator uninstalled), remove that one entry, testing its index first:\n" +
				commandLine("kubectl patch namespace "+ns.Name+" --type=json -p '[{\"op\":\"test\",\"path\":\"/metadata/finalizers/"+itoa(i)+"\",\"value\":\""+f+"\"},{\"op\":\"remove\",\"path\":\"/metadata/finalizers/"+itoa(i)+"\"}]'"),
			Verify: verifyNamespaceGone(ns.Name),
		})
	}
	return out
}
