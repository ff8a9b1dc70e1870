package rules

import (
	"fmt"
	"time"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// podNotReady (NSB-POD-001): why a pod is not serving (or not going away):
// its node, a crash loop, or scheduling.
type podNotReady struct{}

func (podNotReady) ID() string            { return "NSB-POD-001" }
func (podNotReady) Title() string         { return "Pod not ready or not terminating" }
func (podNotReady) Kinds() []analyze.Kind { return []analyze.Kind{analyze.KindPod} }

func (r podNotReady) Explain(s *snapshot.Snapshot, n analyze.Node) []analyze.Node {
	p := s.Pod(n.Namespace, n.Name)
	if p == nil {
		return nil
	}
	if p.Spec.NodeName != "" {
		if node := s.Node(p.Spec.NodeName); node != nil {
			if problem, evs := nodeTrouble(node); problem != "" {
				return []analyze.Node{{
					Ref:      ref(analyze.KindNode, "", node.Name),
					Problem:  problem,
					Evidence: evs,
				}}
			}
		} else if s.Complete(snapshot.ResNodes) {
			return []analyze.Node{{
				Ref:      ref(analyze.KindNode, "", p.Spec.NodeName),
				Problem:  "no longer exists; pod " + p.Name + " is still bound to it",
				Evidence: []analyze.Evidence{ev(p.Loc.At("spec", "nodeName"), p.Spec.NodeName)},
				Root:     true,
				Fix:      "PodGC force-deletes pods of deleted nodes after ~40 s when kube-controller-manager runs; check that it does. Otherwise: kubectl delete pod" + kubectlNS(p.Namespace) + " " + p.Name + " --grace-period=0 --force",
				Verify:   verifyGone("pod", p.Namespace, p.Name, "2m"),
			}}
		}
	}
	if p.DeletionTimestamp != nil {
		return nil // terminating on a healthy node: the kubelet is working on it
	}
	for i, cs := range p.Status.ContainerStatuses {
		if w := cs.State.Waiting; w != nil && w.Reason == "CrashLoopBackOff" {
			nd := analyze.Node{
				Ref:      n.Ref,
				Problem:  fmt.Sprintf("container %s is crash-looping (%d restarts%s)", cs.Name, cs.RestartCount, lastExit(cs)),
				Evidence: []analyze.Evidence{ev(p.Loc.At("status", "containerStatuses", itoa(i)), podState(p))},
				Root:     true,
				Fix:      "Read why it exits: kubectl logs" + kubectlNS(p.Namespace) + " " + p.Name + " -c " + cs.Name + " --previous; fix its configuration or image.",
				Verify:   verifyPodsReady(p),
			}
			nd.Evidence = append(nd.Evidence, podLogEvidence(s, p, cs.Name)...)
			return []analyze.Node{nd}
		}
	}
	if p.Spec.NodeName == "" && p.Status.Phase == "Pending" {
		if c, _ := snapshot.FindCondition(p.Status.Conditions, "PodScheduled"); c == nil {
			return []analyze.Node{{
				Ref:      ref(analyze.KindComponent, "", componentScheduler),
				Problem:  "has not looked at pod " + p.Namespace + "/" + p.Name + owner(p) + ": it is Pending with no node and no PodScheduled condition",
				Evidence: []analyze.Evidence{ev(p.Loc.At("status"), "phase Pending, no nodeName, no PodScheduled condition")},
			}}
		}
	}
	if c, i := snapshot.FindCondition(p.Status.Conditions, "PodScheduled"); c != nil && c.Status == "False" {
		return []analyze.Node{{
			Ref:      n.Ref,
			Problem:  "cannot be scheduled: " + c.Message,
			Evidence: []analyze.Evidence{condEv(&p.Object, c, i)},
			Root:     true,
			Fix:      "Make room or fix the constraints: kubectl describe pod" + kubectlNS(p.Namespace) + " " + p.Name,
			Verify:   verifyPodsReady(p),
		}}
	}
	if p.Ready() {
		return nil
	}
	evs := []analyze.Evidence{podStateEv(p)}
	for _, cs := range p.Status.ContainerStatuses {
		if !cs.Ready {
			evs = append(evs, podLogEvidence(s, p, cs.Name)...)
		}
	}
	return []analyze.Node{{
		Ref:      n.Ref,
		Problem:  "is not ready (" + podState(p) + ")" + owner(p) + nodeOf(p),
		Evidence: evs,
		Root:     true,
		Fix:      notReadyFix(p, evs),
		Verify:   verifyPodsReady(p),
	}}
}

// owner names a pod's controller, e.g. " (ReplicaSet metrics-server-6968cd9966)".
func owner(p *snapshot.Pod) string {
	for _, o := range p.OwnerReferences {
		return " (" + o.Kind + " " + o.Name + ")"
	}
	return ""
}

// nodeOf says which (healthy) node the pod runs on.
func nodeOf(p *snapshot.Pod) string {
	if p.Spec.NodeName == "" {
		return ""
	}
	return " on node " + p.Spec.NodeName
}

// nodeTrouble says what is wrong with a node, if anything a pod suffers from.
func nodeTrouble(node *snapshot.Node) (string, []analyze.Evidence) {
	if c, i := snapshot.FindCondition(node.Status.Conditions, "NetworkUnavailable"); c != nil && c.Status == "True" {
		return "network unavailable: " + c.Reason + ": " + c.Message, []analyze.Evidence{condEv(&node.Object, c, i)}
	}
	c, i := snapshot.FindCondition(node.Status.Conditions, "Ready")
	if c == nil {
		return "has never reported status (no Ready condition): its kubelet never registered", []analyze.Evidence{ev(node.Loc.At("status"), "no conditions")}
	}
	if c.Status != "True" {
		return "is not ready: Ready=" + c.Status + " (" + c.Reason + ": " + c.Message + ")", []analyze.Evidence{condEv(&node.Object, c, i)}
	}
	return "", nil
}

func lastExit(cs snapshot.ContainerStatus) string {
	if t := cs.LastState.Terminated; t != nil {
		return fmt.Sprintf(", last exit code %d %s", t.ExitCode, t.Reason)
	}
	return ""
}

// podState summarises a pod's status like kubectl's STATUS column.
func podState(p *snapshot.Pod) string {
	st := p.Status.Phase
	if p.DeletionTimestamp != nil {
		st = "Terminating"
	}
	for _, cs := range p.Status.ContainerStatuses {
		if w := cs.State.Waiting; w != nil && w.Reason != "" {
			st = w.Reason
		}
		if cs.RestartCount > 0 {
			st += fmt.Sprintf(", %d restarts", cs.RestartCount)
		}
	}
	if p.Ready() {
		st += ", Ready"
	} else {
		st += ", not Ready"
	}
	return st
}

func podStateEv(p *snapshot.Pod) analyze.Evidence {
	if c, i := snapshot.FindCondition(p.Status.Conditions, "Ready"); c != nil {
		return condEv(&p.Object, c, i)
	}
	return ev(p.Loc.At("status", "phase"), p.Status.Phase)
}

// podLogEvidence quotes the last error-looking lines of a pod's logs.
func podLogEvidence(s *snapshot.Snapshot, p *snapshot.Pod, container string) []analyze.Evidence {
	var out []analyze.Evidence
	for _, l := range s.Logs {
		if l.Namespace != p.Namespace || l.Pod != p.Name || l.Container != container {
			continue
		}
		for i := len(l.Lines) - 1; i >= 0 && len(out) < 2; i-- {
			if len(l.Lines[i]) > 0 && (l.Lines[i][0] == 'E' || l.Lines[i][0] == 'F' || containsAny(l.Lines[i], "error", "Error", "fatal")) {
				out = append(out, evLine(l, i))
			}
		}
	}
	return out
}

var _ = time.Second

// notReadyFix advises on a pod that runs but is not ready, using what its
// log says when it names a known cause.
func notReadyFix(p *snapshot.Pod, evs []analyze.Evidence) string {
	for _, e := range evs {
		if e.Line > 0 && containsAny(e.Value, "x509:", "doesn't contain any IP SANs", "certificate signed by unknown authority") {
			return "Its log shows a TLS verification failure towards the kubelets. For metrics-server: give the kubelets serving certificates signed by the cluster CA " +
				"(kubelet serverTLSBootstrap: true, then approve the CSRs) or, as a stopgap, run it with --kubelet-insecure-tls. " +
				"Then the pod becomes Ready, its EndpointSlice gets a ready address and the APIService turns Available."
		}
	}
	return "kubectl describe pod" + kubectlNS(p.Namespace) + " " + p.Name + " and its logs (quoted) show why its readiness probe fails; fix that, not the namespace."
}
