package rules

import (
	"sort"
	"strings"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// serviceEndpoints (NSB-SVC-001): a Service without ready endpoints, down
// to the pods behind it (or the lack of any).
type serviceEndpoints struct{}

func (serviceEndpoints) ID() string            { return "NSB-SVC-001" }
func (serviceEndpoints) Title() string         { return "Service without ready endpoints" }
func (serviceEndpoints) Kinds() []analyze.Kind { return []analyze.Kind{analyze.KindService} }

func (r serviceEndpoints) Explain(s *snapshot.Snapshot, n analyze.Node) []analyze.Node {
	if nd, missing := notCollected(s, snapshot.ResServices, "Service objects"); missing {
		return []analyze.Node{nd}
	}
	svc := s.Service(n.Namespace, n.Name)
	if svc == nil {
		return []analyze.Node{serviceAbsent(s, n)}
	}
	slices := endpointEvidence(s, svc)
	if len(svc.Spec.Selector) == 0 {
		return []analyze.Node{{
			Ref:      n.Ref,
			Problem:  "has no selector and no ready endpoints: its endpoints are managed by hand or by another controller, and none are ready",
			Evidence: slices,
			Root:     true,
			Fix:      "Find what should publish endpoints for " + svc.Namespace + "/" + svc.Name + " and restore it.",
			Verify:   verifyReadyEndpoints(svc.Namespace, svc.Name),
		}}
	}
	if nd, missing := notCollected(s, snapshot.ResPods, "Pod objects"); missing {
		return []analyze.Node{nd}
	}
	pods := s.PodsMatching(svc.Namespace, svc.Spec.Selector)
	if len(pods) > 0 {
		return notReadyPods(svc, pods, slices)
	}
	return noPods(s, n, svc, slices)
}

// serviceAbsent is the end of a chain at a Service the bundle does not
// hold: the root cause when its list proves it absent, else missing
// evidence.
func serviceAbsent(s *snapshot.Snapshot, n analyze.Node) analyze.Node {
	if nd, ok := unproven(s, snapshot.ResServices, n.Namespace, "Service "+n.Namespace+"/"+n.Name, "Service objects", ""); ok {
		return nd
	}
	return analyze.Node{
		Ref:     n.Ref,
		Problem: "does not exist",
		Root:    true,
		Fix:     "Recreate Service " + n.Namespace + "/" + n.Name + " (reinstall the add-on that owns it).",
		Verify:  verifyCmd("kubectl get svc"+kubectlNS(n.Namespace)+" "+n.Name+" -o name", "exit status 0: Service "+n.Namespace+"/"+n.Name+" exists (NotFound before the fix)"),
	}
}

// endpointEvidence quotes what the bundle shows of svc's endpoints: its
// EndpointSlices, else its Endpoints, else that no slice is labelled for
// it (only when the namespace's slices were listed).
func endpointEvidence(s *snapshot.Snapshot, svc *snapshot.Service) []analyze.Evidence {
	var slices []analyze.Evidence
	for _, sl := range s.SlicesFor(svc.Namespace, svc.Name) {
		slices = append(slices, ev(sl.Loc.At("endpoints"), describeSlice(sl)))
	}
	if ep := s.EndpointsFor(svc.Namespace, svc.Name); ep != nil && len(slices) == 0 {
		slices = append(slices, ev(ep.Loc.At("subsets"), describeEndpoints(ep)))
	}
	if len(slices) == 0 && s.CompleteIn(snapshot.ResEndpointSlices, svc.Namespace) {
		slices = append(slices, ev(svc.Loc, "no EndpointSlice labelled kubernetes.io/service-name="+svc.Name))
	}
	return slices
}

// notReadyPods links the pods behind svc that are not ready (nil when all
// are: the slices lag, nothing to follow).
func notReadyPods(svc *snapshot.Service, pods []*snapshot.Pod, slices []analyze.Evidence) []analyze.Node {
	var out []analyze.Node
	for _, p := range pods {
		if p.Ready() || len(out) >= maxPodLinks {
			continue
		}
		out = append(out, analyze.Node{
			Ref:      ref(analyze.KindPod, p.Namespace, p.Name),
			Problem:  "backs Service " + svc.Name + " but is not ready (" + podState(p) + ")",
			Evidence: append([]analyze.Evidence{podStateEv(p)}, slices...),
		})
	}
	return out
}

// noPods is the root of a Service whose selector matches no pod: a
// workload scaled to 0, else the selector itself, when the namespace's
// pods were listed.
func noPods(s *snapshot.Snapshot, n analyze.Node, svc *snapshot.Service, slices []analyze.Evidence) []analyze.Node {
	sel := selectorString(svc.Spec.Selector)
	nd := analyze.Node{
		Ref:      n.Ref,
		Problem:  "selector " + sel + " matches no pod",
		Evidence: append([]analyze.Evidence{ev(svc.Loc.At("spec", "selector"), sel)}, slices...),
		Root:     true,
		Fix:      "Start the workload behind Service " + svc.Namespace + "/" + svc.Name + " (e.g. scale its Deployment up, or reinstall the add-on), or fix the selector.",
		Verify:   verifyReadyEndpoints(svc.Namespace, svc.Name),
	}
	for _, w := range s.Workloads {
		if w.Namespace == svc.Namespace && w.Spec.Selector != nil && subset(w.Spec.Selector.MatchLabels, svc.Spec.Selector) &&
			w.Spec.Replicas != nil && *w.Spec.Replicas == 0 {
			return []analyze.Node{{
				Ref:      ref(analyze.ObjectKind(w.Kind), w.Namespace, w.Name),
				Problem:  "is scaled to 0 replicas, so Service " + svc.Name + " has no pods",
				Evidence: []analyze.Evidence{ev(w.Loc.At("spec", "replicas"), "0")},
				Root:     true,
				Fix:      "kubectl scale " + strings.ToLower(w.Kind) + kubectlNS(w.Namespace) + " " + w.Name + " --replicas=1",
				Verify:   nd.Verify,
			}}
		}
	}
	if miss, ok := unproven(s, snapshot.ResPods, svc.Namespace, "a pod matching "+sel, "Pod objects", ", so whether Service "+svc.Name+" has pods is unknown"); ok {
		return []analyze.Node{miss}
	}
	return []analyze.Node{nd}
}

func subset(a, b map[string]string) bool {
	if len(a) == 0 {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func selectorString(sel map[string]string) string {
	var parts []string
	for k, v := range sel {
		parts = append(parts, k+"="+v)
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

func describeSlice(sl *snapshot.EndpointSlice) string {
	if len(sl.Endpoints) == 0 {
		return "EndpointSlice " + sl.Name + ": no endpoints"
	}
	var parts []string
	for _, e := range sl.Endpoints {
		ready := "ready"
		if e.Conditions.Ready != nil && !*e.Conditions.Ready {
			ready = "not ready"
		}
		parts = append(parts, strings.Join(e.Addresses, ",")+" "+ready)
	}
	return "EndpointSlice " + sl.Name + ": " + strings.Join(parts, "; ")
}

func describeEndpoints(ep *snapshot.Endpoints) string {
	ready, notReady := 0, 0
	for _, ss := range ep.Subsets {
		ready += len(ss.Addresses)
		notReady += len(ss.NotReadyAddresses)
	}
	return "Endpoints " + ep.Name + ": " + itoa(ready) + " ready, " + itoa(notReady) + " not ready addresses"
}
