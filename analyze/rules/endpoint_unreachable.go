package rules

import (
	"strings"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// endpointUnreachable (NSB-EP-001): an endpoint address the aggregator
// cannot reach, to the pod that owns it.
type endpointUnreachable struct{}

func (endpointUnreachable) ID() string            { return "NSB-EP-001" }
func (endpointUnreachable) Title() string         { return "Endpoint address unreachable" }
func (endpointUnreachable) Kinds() []analyze.Kind { return []analyze.Kind{analyze.KindEndpoint} }

func (r endpointUnreachable) Explain(s *snapshot.Snapshot, n analyze.Node) []analyze.Node {
	ip := n.Name
	if i := strings.LastIndex(ip, ":"); i > 0 {
		ip = ip[:i]
	}
	ip = strings.Trim(ip, "[]")
	var evs []analyze.Evidence
	for _, sl := range s.EndpointSlices {
		for j, e := range sl.Endpoints {
			for k, a := range e.Addresses {
				if a == ip {
					evs = append(evs, ev(sl.Loc.At("endpoints", itoa(j), "addresses", itoa(k)), "EndpointSlice "+sl.Namespace+"/"+sl.Name+" lists "+a))
				}
			}
		}
	}
	if nd, missing := notCollected(s, snapshot.ResPods, "Pod objects"); missing {
		return []analyze.Node{nd}
	}
	pods := s.PodsByIP(ip)
	if len(pods) == 0 {
		if svc := serviceByClusterIP(s, ip); svc != nil {
			// kube-apiserver dials the ClusterIP unless run with
			// --enable-aggregator-routing: the packets still end at the
			// Service's pods, so a pod on a broken node is the next link.
			if out := podsOnTroubledNodes(s, svc, ip); len(out) > 0 {
				return out
			}
			return []analyze.Node{{
				Ref:      n.Ref,
				Problem:  ip + " is a Service ClusterIP: the aggregator dials it through kube-proxy on the control-plane host, which does not reach the pods",
				Evidence: evs,
				Root:     true,
				Fix:      "Check kube-proxy (or the CNI's service implementation) on the control-plane nodes, or run kube-apiserver with --enable-aggregator-routing=true.",
				Verify:   verifyCondition("apiservice", "", "--all", "Available", "2m"),
			}}
		}
		if miss, ok := unproven(s, snapshot.ResPods, "", "a pod with IP "+ip, "Pod objects", ", so whether a pod owns "+ip+" is unknown"); ok {
			return []analyze.Node{miss}
		}
		return []analyze.Node{{
			Ref:      n.Ref,
			Problem:  "no pod in the bundle has IP " + ip + ": the endpoint is stale or hand-written",
			Evidence: evs,
			Root:     true,
			Fix:      "Find what publishes " + ip + " (a hand-written Endpoints/EndpointSlice?) and correct it.",
			Verify:   verifyNotListed(ip),
		}}
	}
	var out []analyze.Node
	for _, p := range pods {
		out = append(out, analyze.Node{
			Ref:      ref(analyze.KindPod, p.Namespace, p.Name),
			Problem:  "owns " + ip + " (" + podState(p) + ") on node " + orNone(p.Spec.NodeName),
			Evidence: append([]analyze.Evidence{ev(p.Loc.At("status", "podIP"), p.Status.PodIP)}, evs...),
		})
	}
	return out
}

func serviceByClusterIP(s *snapshot.Snapshot, ip string) *snapshot.Service {
	for _, svc := range s.Services {
		if svc.Spec.ClusterIP == ip {
			return svc
		}
	}
	return nil
}

// podsOnTroubledNodes returns the pods behind svc whose node is not ready
// or has no network route.
func podsOnTroubledNodes(s *snapshot.Snapshot, svc *snapshot.Service, ip string) []analyze.Node {
	var out []analyze.Node
	for _, p := range s.PodsMatching(svc.Namespace, svc.Spec.Selector) {
		node := s.Node(p.Spec.NodeName)
		if node == nil || len(out) >= maxPodLinks {
			continue
		}
		if problem, _ := nodeTrouble(node); problem != "" {
			out = append(out, analyze.Node{
				Ref:     ref(analyze.KindPod, p.Namespace, p.Name),
				Problem: "backs Service " + svc.Namespace + "/" + svc.Name + " (ClusterIP " + ip + ") and runs on node " + node.Name + " (" + problem + ")",
				Evidence: []analyze.Evidence{
					ev(svc.Loc.At("spec", "clusterIP"), ip),
					ev(p.Loc.At("spec", "nodeName"), p.Spec.NodeName),
				},
			})
		}
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
