package rules

import (
	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// crdConversion (NSB-CRD-001): a CRD's conversion webhook cannot be called,
// so objects stored at another version can be neither listed nor deleted.
type crdConversion struct{}

func (crdConversion) ID() string            { return "NSB-CRD-001" }
func (crdConversion) Title() string         { return "CRD conversion webhook backend missing" }
func (crdConversion) Kinds() []analyze.Kind { return []analyze.Kind{analyze.KindCRD} }

func (r crdConversion) Explain(s *snapshot.Snapshot, n analyze.Node) []analyze.Node {
	if nd, missing := notCollected(s, snapshot.ResCRDs, "CustomResourceDefinition objects"); missing {
		return []analyze.Node{nd}
	}
	crd := s.CRD(n.Name)
	if crd == nil || crd.Spec.Conversion == nil || crd.Spec.Conversion.Webhook == nil || crd.Spec.Conversion.Webhook.ClientConfig == nil {
		return nil
	}
	cc := crd.Spec.Conversion.Webhook.ClientConfig
	if cc.Service == nil {
		return nil
	}
	sr := cc.Service
	evs := []analyze.Evidence{ev(crd.Loc.At("spec", "conversion", "webhook", "clientConfig", "service"), "service "+sr.Namespace+"/"+sr.Name)}
	fix := "Restore the conversion webhook (Service " + sr.Namespace + "/" + sr.Name + " and the pods behind it): the namespace controller can then list and delete the " +
		crd.Spec.Names.Kind + " objects. If the operator was uninstalled, reinstall it long enough to clean up. Do not strip finalizers."
	verify := verifyCmd("kubectl get "+crd.Name+" -A -o name",
		"exit status 0: the "+crd.Spec.Names.Kind+" objects list without a conversion webhook error")
	return []analyze.Node{backendService(s, sr, evs,
		"does not exist, but CRD "+crd.Name+"'s conversion webhook points at it",
		"serves CRD "+crd.Name+"'s conversion webhook and does not answer", fix, verify)}
}
