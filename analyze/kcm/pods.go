package kcm

import (
	"slices"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// Pod is one of kube-controller-manager's pods and its state now.
type Pod struct {
	*snapshot.Pod
	// Restarts sums its containers' restart counts (a lifetime counter).
	Restarts int32
	// CrashLoopBackOff: a container is waiting in CrashLoopBackOff now.
	CrashLoopBackOff bool
}

func readPods(s *snapshot.Snapshot) []*Pod {
	var out []*Pod
	for _, p := range s.Pods {
		if !slices.Contains(PodNamespaces, p.Namespace) || !isKCMPod(p) {
			continue
		}
		kp := &Pod{Pod: p}
		for _, cs := range p.Status.ContainerStatuses {
			kp.Restarts += cs.RestartCount
			if cs.State.Waiting != nil && cs.State.Waiting.Reason == "CrashLoopBackOff" {
				kp.CrashLoopBackOff = true
			}
		}
		out = append(out, kp)
	}
	return out
}

// isKCMPod: in kube-system a pod named for kube-controller-manager
// (kubeadm's and RKE2's static pods kube-controller-manager-<node>); in
// OpenShift's namespace only a pod that runs a container of that name, not
// its installer, pruner or guard pods.
func isKCMPod(p *snapshot.Pod) bool {
	if snapshot.ComponentOf(p.Name) != Component {
		return false
	}
	if p.Namespace == "kube-system" {
		return true
	}
	for _, c := range p.Spec.Containers {
		if c.Name == Component {
			return true
		}
	}
	for _, c := range p.Status.ContainerStatuses {
		if c.Name == Component {
			return true
		}
	}
	return false
}
