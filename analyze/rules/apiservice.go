package rules

import (
	"regexp"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// apiService (NSB-APISVC-001): an unavailable APIService, by its condition
// reason, down to its Service, endpoints or the address it cannot reach.
type apiService struct{}

func (apiService) ID() string            { return "NSB-APISVC-001" }
func (apiService) Title() string         { return "Unavailable APIService" }
func (apiService) Kinds() []analyze.Kind { return []analyze.Kind{analyze.KindAPIService} }

// urlInMessage finds the address the aggregator dialled.
var urlInMessage = regexp.MustCompile(`https://([0-9a-fA-F.:\[\]]+?):(\d+)/`)

func (r apiService) Explain(s *snapshot.Snapshot, n analyze.Node) []analyze.Node {
	as := s.APIService(n.Name)
	if as == nil {
		return nil
	}
	c, i := snapshot.FindCondition(as.Status.Conditions, "Available")
	if c == nil || c.Status == "True" || as.Spec.Service == nil {
		return nil
	}
	svcRef := as.Spec.Service
	cond := condEv(&as.Object, c, i)
	verify := verifyCondition("apiservice", "", as.Name, "Available", "2m")
	switch c.Reason {
	case "ServiceNotFound":
		nd := analyze.Node{
			Ref:      ref(analyze.KindService, svcRef.Namespace, svcRef.Name),
			Problem:  "does not exist, but APIService " + as.Name + " points at it",
			Evidence: []analyze.Evidence{cond},
			Root:     true,
			Fix: "Reinstall the add-on that serves " + as.Spec.Group + " (it creates Service " + svcRef.Namespace + "/" + svcRef.Name +
				"); if the add-on was removed on purpose, delete its leftover APIService: kubectl delete apiservice " + as.Name +
				". Do not strip namespace finalizers: the namespace finishes by itself once discovery works.",
			Verify: verifyOrDeleted("apiservice", "", as.Name, verify),
		}
		if nd2, missing := notCollected(s, snapshot.ResServices, "Service objects"); missing {
			nd.Missing = nd2.Missing
		} else if s.Service(svcRef.Namespace, svcRef.Name) != nil {
			nd.Problem = "was missing when the aggregator last checked; it exists in the bundle, so the condition may be stale"
		}
		return []analyze.Node{nd}
	case "ServicePortError":
		return []analyze.Node{{
			Ref:      ref(analyze.KindService, svcRef.Namespace, svcRef.Name),
			Problem:  "does not expose the port APIService " + as.Name + " uses",
			Evidence: []analyze.Evidence{cond},
			Root:     true,
			Fix:      "Make spec.service.port of APIService " + as.Name + " match a port of Service " + svcRef.Namespace + "/" + svcRef.Name + " (or fix the Service).",
			Verify:   verify,
		}}
	case "MissingEndpoints", "EndpointsNotFound":
		return []analyze.Node{{
			Ref:      ref(analyze.KindService, svcRef.Namespace, svcRef.Name),
			Problem:  "has no ready endpoints for APIService " + as.Name,
			Evidence: []analyze.Evidence{cond},
		}}
	case "FailedDiscoveryCheck":
		m := urlInMessage.FindStringSubmatch(c.Message)
		if m == nil {
			return []analyze.Node{{
				Ref:      ref(analyze.KindService, svcRef.Namespace, svcRef.Name),
				Problem:  "answers the aggregator's discovery check with an error",
				Evidence: []analyze.Evidence{cond},
			}}
		}
		return []analyze.Node{{
			Ref:      ref(analyze.KindEndpoint, svcRef.Namespace, m[1]+":"+m[2]),
			Problem:  "cannot be reached by kube-apiserver's aggregator: " + c.Message,
			Evidence: []analyze.Evidence{cond},
		}}
	}
	return nil
}
