package load

import (
	"testing"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// An old `kubectl cluster-info dump` list (internal types), shaped as
// kubectl v1.13 wrote them (written here, not copied).
const internalPods = `{
    "selfLink": "/api/v1/namespaces/kube-system/pods",
    "resourceVersion": "4225",
    "Items": [
        {
            "name": "coredns-86c58d9df4-mnjkg",
            "namespace": "kube-system",
            "creationTimestamp": "2019-03-08T08:48:30Z",
            "labels": {"k8s-app": "kube-dns", "App": "Upper"},
            "Spec": {"NodeName": "minikube", "NodeSelector": {"beta.kubernetes.io/os": "linux"}},
            "Status": {
                "Phase": "Running",
                "Conditions": [{"Type": "Ready", "Status": "True", "LastTransitionTime": "2019-03-08T08:48:33Z", "Reason": "", "Message": ""}],
                "PodIP": "172.17.0.2",
                "ContainerStatuses": [{"Name": "coredns", "Ready": true, "RestartCount": 3,
                    "State": {"Waiting": null, "Running": {"StartedAt": "2019-03-08T08:48:32Z"}, "Terminated": null},
                    "LastTerminationState": {"Waiting": null, "Running": null, "Terminated": {"ExitCode": 2, "Reason": "Error"}}}]
            }
        }
    ]
}`

func TestLoadInternalTypes(t *testing.T) {
	t.Parallel()
	s := mustLoad(t, map[string]string{"kube-system/pods.json": internalPods,
		"nodes.json": `{"Items":[{"name":"minikube","labels":{"kubernetes.io/hostname":"minikube"},"Spec":{"PodCIDR":"10.244.0.0/24"},"Status":{"Conditions":[{"Type":"Ready","Status":"True","LastHeartbeatTime":"2019-03-08T08:59:27Z","LastTransitionTime":"2019-03-08T08:48:00Z","Reason":"KubeletReady","Message":"kubelet is posting ready status"}]}}]}`})
	if len(s.Pods) != 1 || len(s.Nodes) != 1 {
		t.Fatalf("pods %d nodes %d, want 1 and 1 (notes %q)", len(s.Pods), len(s.Nodes), s.Notes)
	}
	p := s.Pods[0]
	if p.Name != "coredns-86c58d9df4-mnjkg" || p.Namespace != "kube-system" || p.Spec.NodeName != "minikube" || !p.Ready() || p.Status.PodIP != "172.17.0.2" {
		t.Errorf("pod %+v", p)
	}
	if p.Labels["App"] != "Upper" || p.Labels["k8s-app"] != "kube-dns" {
		t.Errorf("labels %v: label keys must be kept as they are", p.Labels)
	}
	if len(p.Status.ContainerStatuses) != 1 || p.Status.ContainerStatuses[0].RestartCount != 3 || p.Status.ContainerStatuses[0].LastState.Terminated == nil {
		t.Errorf("container statuses %+v (LastTerminationState is lastState)", p.Status.ContainerStatuses)
	}
	if n := s.Nodes[0]; n.Name != "minikube" || n.Spec.PodCIDR != "10.244.0.0/24" {
		t.Errorf("node %+v", n)
	}
	if c, _ := snapshot.FindCondition(s.Nodes[0].Status.Conditions, "Ready"); c == nil || c.Reason != "KubeletReady" {
		t.Errorf("node conditions %+v", s.Nodes[0].Status.Conditions)
	}
	if !hasNote(s.Notes, "hold internal types") {
		t.Errorf("no note on internal types: %q", s.Notes)
	}
	// A v1 list with an "Items" annotation value is not internal.
	s = mustLoad(t, map[string]string{"kube-system/pods.json": `{"items":[{"metadata":{"name":"a","namespace":"kube-system","annotations":{"x":"\"Items\":"}}}]}`})
	if len(s.Pods) != 1 || hasNote(s.Notes, "internal types") {
		t.Errorf("v1 list: pods %d notes %q", len(s.Pods), s.Notes)
	}
}
