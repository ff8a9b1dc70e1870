package rules

import (
	"github.com/nsbundle/nsbundle/analyze/flavor"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// startHow says where a control-plane component (kube-controller-manager,
// kube-scheduler) runs and how it is started again on the distribution the
// bundle shows; an unrecognised one gets the kubeadm and systemd forms.
func startHow(s *snapshot.Snapshot, component string) string {
	switch f := flavor.Of(s); {
	case f.Name == flavor.K3s:
		return "k3s runs it inside the k3s server process: `systemctl restart k3s` on each server node, one at a time (flavor " + f.String() + ")"
	case f.Name == flavor.RKE2:
		return "RKE2 runs it as a static pod from /var/lib/rancher/rke2/agent/pod-manifests/" + component + ".yaml on each server node: rke2-server writes that manifest when it starts (`systemctl restart rke2-server`), and moving it out of the folder and back restarts the pod (flavor " + f.String() + ")"
	case f.Name == flavor.OpenShift:
		return "its operator owns it in namespace openshift-" + component + ": do not edit the static pods; `oc get clusteroperator " + component +
			"` says why it is not progressing, and `oc patch " + openshiftOperatorResource(component) +
			" cluster --type=merge -p '{\"spec\":{\"forceRedeploymentReason\":\"nsbundle-'\"$(date +%s)\"'\"}}'` rolls out a new revision (flavor " + f.String() + ")"
	case f.Managed():
		return "the provider runs it (flavor " + f.String() + "): you cannot start it yourself; open a ticket with the provider quoting this finding"
	}
	return "static pod manifest in /etc/kubernetes/manifests or its systemd unit on the control-plane hosts"
}

// apiserverRestartHow says how kube-apiserver is restarted on the
// distributions where it is not a kubeadm static pod ("" elsewhere; the
// managed ones, where the customer cannot, are handled by the callers).
func apiserverRestartHow(s *snapshot.Snapshot) string {
	switch f := flavor.Of(s); f.Name {
	case flavor.K3s:
		return " (k3s: `systemctl restart k3s` on each server node, one at a time)"
	case flavor.RKE2:
		return " (RKE2: move /var/lib/rancher/rke2/agent/pod-manifests/kube-apiserver.yaml out of the folder and back on each server node, one at a time)"
	case flavor.OpenShift:
		return " (OpenShift: its operator rolls it out, `oc patch kubeapiserver cluster --type=merge -p '{\"spec\":{\"forceRedeploymentReason\":\"nsbundle-'\"$(date +%s)\"'\"}}'`)"
	}
	return ""
}

// openshiftOperatorResource is the operator resource of an OpenShift
// control-plane component.
func openshiftOperatorResource(component string) string {
	switch component {
	case componentScheduler:
		return "kubescheduler"
	case "kube-apiserver":
		return "kubeapiserver"
	}
	return "kubecontrollermanager"
}
