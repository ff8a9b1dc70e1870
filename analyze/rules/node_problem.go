package rules

import (
	"fmt"
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
		Verify: "kubectl get node " + node.Name + " && kubectl get pods -A --field-selector spec.nodeName=" + node.Name,
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
