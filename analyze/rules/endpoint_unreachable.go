package rules

import (
	"fmt"
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
	evs, named := slicesListing(s, n.Namespace, ip)
	if nd, missing := notCollected(s, snapshot.ResPods, "Pod objects"); missing {
		return []analyze.Node{nd}
	}
	pods, others := backendPods(s, n, ip, named)
	if len(pods) == 0 && len(others) > 0 {
		return []analyze.Node{reusedIP(s, n, ip, others, evs)}
	}
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
	for _, p := range pods[:min(len(pods), maxPodLinks)] {
		out = append(out, analyze.Node{
			Ref:      ref(analyze.KindPod, p.Namespace, p.Name),
			Problem:  "owns " + ip + " (" + podState(p) + ") on node " + orNone(p.Spec.NodeName),
			Evidence: append([]analyze.Evidence{ev(p.Loc.At("status", "podIP"), p.Status.PodIP)}, evs...),
		})
	}
	return out
}

// slicesListing returns the evidence of the EndpointSlices of namespace ns
// ("" for every namespace) that list ip, and the pods their endpoints name
// for it as "ns/name".
func slicesListing(s *snapshot.Snapshot, ns, ip string) ([]analyze.Evidence, map[string]bool) {
	var evs []analyze.Evidence
	named := map[string]bool{}
	for _, sl := range s.EndpointSlices {
		if ns != "" && sl.Namespace != ns {
			continue
		}
		for j, e := range sl.Endpoints {
			for k, a := range e.Addresses {
				if a != ip {
					continue
				}
				if r := e.TargetRef; r != nil && r.Kind == "Pod" {
					named[r.Namespace+"/"+r.Name] = true
				}
				evs = append(evs, ev(sl.Loc.At("endpoints", itoa(j), "addresses", itoa(k)), "EndpointSlice "+sl.Namespace+"/"+sl.Name+" lists "+a))
			}
		}
	}
	return evs, named
}

// backendPods returns the pods with ip that back endpoint n: those of its
// Service's namespace (pods of other namespaces with this IP are
// host-network pods of the same node, a dozen on a node, or got the IP
// after the backend went away: returned as others when no pod of the
// namespace has it), and among them those the EndpointSlices name, or
// else those the APIService's Service selects.
func backendPods(s *snapshot.Snapshot, n analyze.Node, ip string, named map[string]bool) (pods, others []*snapshot.Pod) {
	pods = s.PodsByIP(ip)
	if n.Namespace != "" && len(pods) > 0 {
		pods, others = splitByNamespace(pods, n.Namespace)
	}
	if by := namedPods(pods, named); len(by) > 0 {
		return by, others
	}
	if by := selectedPods(s, n, pods); len(by) > 0 {
		return by, others
	}
	return pods, others
}

// splitByNamespace splits pods into those of namespace ns and the others.
func splitByNamespace(pods []*snapshot.Pod, ns string) (same, others []*snapshot.Pod) {
	for _, p := range pods {
		if p.Namespace == ns {
			same = append(same, p)
		} else {
			others = append(others, p)
		}
	}
	return same, others
}

// namedPods returns the pods of pods that named holds as "ns/name".
func namedPods(pods []*snapshot.Pod, named map[string]bool) []*snapshot.Pod {
	var out []*snapshot.Pod
	for _, p := range pods {
		if named[p.Namespace+"/"+p.Name] {
			out = append(out, p)
		}
	}
	return out
}

// selectedPods returns the pods of pods that the Service of an APIService
// whose Available message names endpoint n selects (nil if none does).
func selectedPods(s *snapshot.Snapshot, n analyze.Node, pods []*snapshot.Pod) []*snapshot.Pod {
	if len(pods) < 2 {
		return nil
	}
	sel := map[*snapshot.Pod]bool{}
	for _, as := range s.APIServices {
		ref := as.Spec.Service
		if ref == nil || ref.Namespace != n.Namespace {
			continue
		}
		if c, _ := snapshot.FindCondition(as.Status.Conditions, "Available"); c == nil || !strings.Contains(c.Message, n.Name) {
			continue
		}
		if svc := s.Service(ref.Namespace, ref.Name); svc != nil {
			for _, p := range s.PodsMatching(svc.Namespace, svc.Spec.Selector) {
				sel[p] = true
			}
		}
	}
	var out []*snapshot.Pod
	for _, p := range pods {
		if sel[p] {
			out = append(out, p)
		}
	}
	return out
}

// reusedIP ends the chain at endpoint n when only pods of other namespaces
// have its IP: they are not the backend of n's Service.
func reusedIP(s *snapshot.Snapshot, n analyze.Node, ip string, others []*snapshot.Pod, evs []analyze.Evidence) analyze.Node {
	names := make([]string, 0, maxPodLinks)
	for _, p := range others[:min(len(others), maxPodLinks)] {
		names = append(names, p.Namespace+"/"+p.Name)
		evs = append(evs, ev(p.Loc.At("status", "podIP"), p.Status.PodIP))
	}
	if len(others) > maxPodLinks {
		names = append(names, fmt.Sprintf("%d more", len(others)-maxPodLinks))
	}
	elsewhere := "only pods of other namespaces have it (" + strings.Join(names, ", ") + "), and they are not its Service's backend"
	if miss, ok := unproven(s, snapshot.ResPods, n.Namespace, "a pod of namespace "+n.Namespace+" with IP "+ip, "Pod objects", "; "+elsewhere); ok {
		return miss
	}
	return analyze.Node{
		Ref:      n.Ref,
		Problem:  "no pod of namespace " + n.Namespace + " has IP " + ip + ": " + elsewhere + "; the address is stale (its pod was replaced and the IP reused) or hand-written",
		Evidence: evs,
		Root:     true,
		Fix:      "Find what publishes " + ip + " for namespace " + n.Namespace + " (a stale or hand-written Endpoints/EndpointSlice?) and correct it; do not act on the pods of other namespaces that have this IP.",
		Verify:   verifyNotListed(ip),
	}
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
