package rules

import (
	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// webhookService (NSB-WH-001): an admission webhook with failurePolicy Fail
// whose Service is missing or has no endpoints rejects every matching
// request, including the namespace controller's deletes.
type webhookService struct{}

func (webhookService) ID() string    { return "NSB-WH-001" }
func (webhookService) Title() string { return "Admission webhook backend missing" }
func (webhookService) Kinds() []analyze.Kind {
	return []analyze.Kind{analyze.KindValidatingWebhook, analyze.KindMutatingWebhook, analyze.KindWebhookConfiguration}
}

func (r webhookService) Explain(s *snapshot.Snapshot, n analyze.Node) []analyze.Node {
	if nd, missing := notCollected(s, snapshot.ResValidatingHooks, "webhook configurations"); missing {
		return []analyze.Node{nd}
	}
	for _, w := range s.Webhooks {
		if w.Name != n.Name || (n.Kind != analyze.KindWebhookConfiguration && analyze.ObjectKind(w.Kind) != n.Kind) {
			continue
		}
		for i, h := range w.Webhooks {
			// The webhook the message names, not the first of its
			// configuration: Kyverno, Gatekeeper, Istio ship several.
			if h.ClientConfig.Service == nil || (n.Part != "" && h.Name != n.Part) {
				continue
			}
			sr := h.ClientConfig.Service
			policy := "Fail"
			if h.FailurePolicy != nil {
				policy = *h.FailurePolicy
			}
			evs := []analyze.Evidence{ev(w.Loc.At("webhooks", itoa(i), "clientConfig", "service"), "service "+sr.Namespace+"/"+sr.Name+", failurePolicy "+policy)}
			fix := "Restore the webhook's backend (Service " + sr.Namespace + "/" + sr.Name + " and its pods). If the add-on was uninstalled, delete its leftover configuration: kubectl delete " +
				kindArgWebhook(analyze.ObjectKind(w.Kind)) + " " + w.Name + ". Do not strip namespace finalizers."
			verify := verifyOrDeleted(kindArgWebhook(analyze.ObjectKind(w.Kind)), "", w.Name, verifyReadyEndpoints(sr.Namespace, sr.Name))
			return []analyze.Node{backendService(s, sr, evs,
				"does not exist, but webhook "+h.Name+" (failurePolicy "+policy+") calls it",
				"backs webhook "+h.Name+" (failurePolicy "+policy+") and does not answer", fix, verify)}
		}
	}
	return nil
}

func kindArgWebhook(kind analyze.Kind) string {
	if kind == analyze.KindMutatingWebhook {
		return "mutatingwebhookconfiguration"
	}
	return "validatingwebhookconfiguration"
}
