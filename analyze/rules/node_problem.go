package rules

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// nodeProblem (NSB-NODE-001): a node pods suffer from: no network route
// (to the cloud-controller-manager's route controller) or a kubelet that
// stopped reporting.
type nodeProblem struct{}

func (nodeProblem) ID() string            { return "NSB-NODE-001" }
func (nodeProblem) Title() string         { return "Node without network route or kubelet" }
func (nodeProblem) Kinds() []analyze.Kind { return []analyze.Kind{analyze.KindNode} }

const componentCCM = "cloud-controller-manager"

func (r nodeProblem) Explain(s *snapshot.Snapshot, n analyze.Node) []analyze.Node {
	node := s.Node(n.Name)
	if node == nil {
		return nil
	}
	if c, i := snapshot.FindCondition(node.Status.Conditions, "NetworkUnavailable"); c != nil && c.Status == "True" {
		if !setByRouteController(s, node, c) {
			return []analyze.Node{networkOwner(s, node, c, i)}
		}
		evs := []analyze.Evidence{condEv(&node.Object, c, i)}
		problem := "its route controller has not created the pod-network route for node " + node.Name + " (" + node.Spec.PodCIDR + ")"
		// The route controller records one event per failed attempt (every
		// sync, each message with its own duration): quote the newest.
		var newest *snapshot.Event
		failures := 0
		for _, e := range s.EventsFor("Node", "", node.Name) {
			if e.Reason == "FailedToCreateRoute" {
				failures++
				if newest == nil || !eventTime(e).Before(eventTime(newest)) {
					newest = e
				}
			}
		}
		if newest != nil {
			evs = append(evs, ev(newest.Loc.At("message"), newest.Message))
		}
		if failures > 1 {
			problem += fmt.Sprintf("; %d FailedToCreateRoute events, the newest quoted", failures)
		}
		return []analyze.Node{{
			Ref:      ref(analyze.KindComponent, "", componentCCM),
			Problem:  problem,
			Evidence: evs,
		}}
	}
	c, i := snapshot.FindCondition(node.Status.Conditions, "Ready")
	if c != nil && c.Status == "True" {
		return nil
	}
	evs := []analyze.Evidence{}
	problem := "its kubelet does not report: "
	if c == nil {
		problem += "it never posted status"
		evs = append(evs, ev(node.Loc.At("status"), "no conditions"))
	} else {
		problem += "Ready=" + c.Status + " " + c.Reason
		if c.LastHeartbeatTime != nil {
			problem += ", last heartbeat " + age(s, c.LastHeartbeatTime) + " before collection"
		}
		evs = append(evs, condEv(&node.Object, c, i))
	}
	if l := s.Lease("kube-node-lease", node.Name); l != nil && l.Spec.RenewTime != nil {
		evs = append(evs, ev(l.Loc.At("spec", "renewTime"), l.Spec.RenewTime.Format(time.RFC3339)))
	}
	return []analyze.Node{{
		Ref:      ref(analyze.KindNode, "", node.Name),
		Problem:  problem,
		Evidence: evs,
		Root:     true,
		Fix: "Bring the kubelet on " + node.Name + " back (check the machine, kubelet service and its logs). If the machine is gone for good, delete the Node: " +
			"kubectl delete node " + node.Name + " (PodGC then removes its pods). Force-deleting the pods hides the node problem; do it only for a node that will not return.",
		Verify: verifyOrDeleted("node", "", node.Name, verifyCondition("node", "", node.Name, "Ready", "5m")),
	}}
}

// eventTime is when an event last happened: its lastTimestamp, else its
// creation (zero if neither is known).
func eventTime(e *snapshot.Event) time.Time {
	switch {
	case e.LastTimestamp != nil:
		return *e.LastTimestamp
	case e.CreationTimestamp != nil:
		return *e.CreationTimestamp
	}
	return time.Time{}
}

// setByRouteController reports whether the route controller owns a True
// NetworkUnavailable condition: its reason NoRouteCreated (the route
// controller's and the kubelet's on cloud providers), or no reason with a
// FailedToCreateRoute event on the node. A CNI (Calico, Cilium, Weave...)
// writes its own reasons.
func setByRouteController(s *snapshot.Snapshot, node *snapshot.Node, c *snapshot.Condition) bool {
	if c.Reason == "NoRouteCreated" {
		return true
	}
	if c.Reason != "" {
		return false
	}
	for _, e := range s.EventsFor("Node", "", node.Name) {
		if e.Reason == "FailedToCreateRoute" {
			return true
		}
	}
	return false
}

// cniAgents are CNI names as their reasons and agent pods carry them.
var cniAgents = []string{"calico", "cilium", "weave", "flannel", "antrea", "kube-router", "canal"}

// networkOwner is the next link of a node whose NetworkUnavailable another
// component than the route controller set: the CNI its reason names, with
// that CNI's agent pod on the node when the bundle has it.
func networkOwner(s *snapshot.Snapshot, node *snapshot.Node, c *snapshot.Condition, i int) analyze.Node {
	evs := []analyze.Evidence{condEv(&node.Object, c, i)}
	verify := verifyCondition("node", "", node.Name, "NetworkUnavailable=False", "5m")
	cni := ""
	for _, name := range cniAgents {
		if strings.Contains(strings.ToLower(c.Reason+" "+c.Message), name) {
			cni = name
			break
		}
	}
	if cni == "" {
		return analyze.Node{
			Ref:      ref(analyze.KindNode, "", node.Name),
			Problem:  "its pod network is unavailable (NetworkUnavailable=True, reason " + strconv.Quote(c.Reason) + "): not the route controller's reason (NoRouteCreated); the component that set it is not named",
			Evidence: evs,
			Root:     true,
			Missing:  []string{"what set NetworkUnavailable on node " + node.Name + ": its reason " + strconv.Quote(c.Reason) + " names no known CNI; read the CNI agent's log on that node"},
			Fix:      "Find the network agent that owns the condition on node " + node.Name + " (kubectl get pods -A -o wide --field-selector spec.nodeName=" + node.Name + "), read its log and fix it.",
			Verify:   verify,
		}
	}
	problem := "its pod network is unavailable: " + cni + " set NetworkUnavailable=True (reason " + c.Reason + ")"
	logs := "kubectl get pods -A -o wide --field-selector spec.nodeName=" + node.Name + " | grep " + cni + "   (its agent pod on the node; then kubectl logs -n NAMESPACE POD --all-containers)"
	for _, p := range s.Pods {
		if p.Spec.NodeName != node.Name || !strings.Contains(p.Name, cni) {
			continue
		}
		evs = append(evs, ev(p.Loc.At("status"), podState(p)))
		logs = "kubectl logs -n " + p.Namespace + " " + p.Name + " --all-containers"
		if !p.Ready() {
			problem += "; its agent pod " + p.Namespace + "/" + p.Name + " on the node is not Ready"
		}
		break
	}
	return analyze.Node{
		Ref:      ref(analyze.KindNode, "", node.Name),
		Problem:  problem,
		Evidence: evs,
		Root:     true,
		Fix:      "Repair " + cni + " on node " + node.Name + ": read its agent's log (" + logs + ") and restart it once the cause is fixed. The cloud route controller is not involved.",
		Verify:   verify,
	}
}
