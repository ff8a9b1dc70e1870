package rules_test

import (
	"cmp"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestHealthyCorpus: healthy clusters as real ones look, of every flavor
// nsbundle recognises and of versions v1.24 to v1.38, yield no finding. Each
// case carries what such clusters really show and a lab cluster does not: a
// controller-manager that is not a pod (managed, k3s) or that lives in its
// own namespace (OpenShift), restart counters of long-lived pods, CNI-owned
// node conditions, old warning events, a workload in CrashLoopBackOff that
// blocks nothing, a namespace being deleted normally.
func TestHealthyCorpus(t *testing.T) {
	t.Parallel()
	tests := []healthyCase{
		{name: "EKS, VPC CNI, control plane hidden", flavor: "eks", mutate: func(f *fx) {
			withPolicy(f, "v1.31.13-eks-3025e55", "v1.31.14")
			hideControlPlane(f, true)
			cloudNodes(f, "aws:///eu-west-1a/i-0", map[string]any{"eks.amazonaws.com/nodegroup": "ng-1", "eks.amazonaws.com/capacityType": "ON_DEMAND"}, nil)
			systemPods(f, "aws-node", "kube-proxy", "coredns")
		}},
		{name: "EKS, control-plane leases visible", flavor: "eks", mutate: func(f *fx) {
			withPolicy(f, "v1.33.5-eks-113cf36", "v1.33.5")
			hideControlPlane(f, false)
			cloudNodes(f, "aws:///eu-west-1b/i-0", map[string]any{"eks.amazonaws.com/nodegroup": "ng-1"}, nil)
		}},
		{name: "GKE, implicit routes", flavor: "gke", mutate: func(f *fx) {
			withPolicy(f, "v1.30.5-gke.1014001", "v1.30.14")
			hideControlPlane(f, true)
			cloudNodes(f, "gce://proj-1/europe-west1-b/gke-c1-pool-1-", map[string]any{"cloud.google.com/gke-nodepool": "pool-1"},
				cond("NetworkUnavailable", "False", "RouteCreated", "NodeController create implicit route"))
			systemPods(f, "konnectivity-agent", "fluentbit-gke", "gke-metrics-agent", "kube-dns")
		}},
		{name: "AKS, no version suffix, kubenet routes", flavor: "aks", mutate: func(f *fx) {
			withPolicy(f, "v1.29.7", "v1.29.15")
			hideControlPlane(f, true)
			cloudNodes(f, "azure:///subscriptions/0000/resourceGroups/mc_rg/providers/Microsoft.Compute/virtualMachineScaleSets/aks-np1-1234-vmss/virtualMachines/",
				map[string]any{"kubernetes.azure.com/cluster": "MC_rg_c1_westeurope", "kubernetes.azure.com/agentpool": "np1"},
				cond("NetworkUnavailable", "False", "RouteCreated", "RouteController created a route"))
			systemPods(f, "konnectivity-agent", "cloud-node-manager", "azure-ip-masq-agent", "coredns")
		}},
		{name: "RKE2, static-pod controller-manager restarted in the past, Calico", flavor: "rke2", mutate: func(f *fx) {
			withPolicy(f, "v1.28.15+rke2r1", "v1.28.15")
			restartedLongAgo(f.find(pPods, "kube-system", "kube-controller-manager-cp"), 21)
			cloudNodes(f, "", map[string]any{"node-role.kubernetes.io/control-plane": "true"},
				cond("NetworkUnavailable", "False", "CalicoIsUp", "Calico is running on this node"))
			systemPods(f, "rke2-canal", "rke2-coredns-rke2-coredns", "rke2-ingress-nginx-controller")
		}},
		{name: "single-server k3s: no controller-manager lease, pod or log", flavor: "k3s", mutate: func(f *fx) {
			withPolicy(f, "v1.31.2+k3s1", "v1.31.14")
			hideControlPlane(f, true)
			cloudNodes(f, "k3s://", nil, nil)
			systemPods(f, "coredns", "local-path-provisioner", "traefik", "svclb-traefik")
		}},
		{name: "OpenShift-shaped: aggregated openshift-apiserver, controller-manager in its own namespace, Cilium", flavor: "openshift", mutate: func(f *fx) {
			withPolicy(f, "v1.27.16+03a907c", "v1.27.16")
			kcm := f.find(pPods, "kube-system", "kube-controller-manager-cp")
			f.remove(pPods, "kube-system", "kube-controller-manager-cp")
			set(kcm, "metadata.namespace", "openshift-kube-controller-manager")
			set(kcm, "metadata.name", "kube-controller-manager-master-0")
			set(kcm, "metadata.labels", map[string]any{"app": "kube-controller-manager", "kube-controller-manager": "true", "revision": "7"})
			f.add(pPods, kcm)
			delete(f.files, pKCMLog)
			f.files["logs/openshift-kube-controller-manager/kube-controller-manager-master-0/kube-controller-manager.log"] = lineAcquired + "\n"
			f.add(pAPIServices,
				apiServiceObj("config.openshift.io", "v1", "", "", cond("Available", "True", "Local", "Local APIServices are always available")),
				apiServiceObj("apps.openshift.io", "v1", "openshift-apiserver", "api", cond("Available", "True", "Passed", "all checks passed")))
			f.add(pServices, service("openshift-apiserver", "api", "172.30.0.10", map[string]any{"apiserver": "true"}))
			f.add(pPods, pod("openshift-apiserver", "apiserver-6f8d9c-abcde", "node-a", "10.128.0.20", map[string]any{"apiserver": "true"}, true))
			f.add(pSlices, endpointSlice("openshift-apiserver", "api", "api-x1", true, "10.128.0.20"))
			cloudNodes(f, "", map[string]any{"node.openshift.io/os_id": "rhcos"},
				cond("NetworkUnavailable", "False", "CiliumIsUp", "Cilium is running on this node"))
		}},
		{name: "kubeadm v1.37: workload in CrashLoopBackOff, old warnings, namespace deleting normally", flavor: "not recognised", mutate: func(f *fx) {
			p := pod("velero", "velero-5d8c7b-xk2p9", "node-b", "10.244.1.30", map[string]any{"app": "velero"}, false)
			set(p, "status.containerStatuses", []any{obj{"name": "main", "ready": false, "restartCount": 312,
				"state":     obj{"waiting": obj{"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting failed container=main"}},
				"lastState": obj{"terminated": obj{"exitCode": 1, "reason": "Error", "startedAt": ago(6 * time.Minute), "finishedAt": ago(5 * time.Minute)}}}})
			f.add(pPods, p)
			f.add(pEvents,
				event("velero", "Pod", "velero-5d8c7b-xk2p9", "Warning", "BackOff", "Back-off restarting failed container main in pod velero-5d8c7b-xk2p9_velero", 2*time.Minute, 1400),
				event("default", "Pod", "web-0", "Warning", "FailedScheduling", "0/2 nodes are available: 2 Insufficient cpu.", 26*time.Hour, 3),
				event("kube-system", "Pod", "metrics-server-7d9f6c-abcde", "Warning", "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 500", 3*time.Hour, 2))
			f.add(pNamespaces, terminating("ci-run-4711", 40*time.Second, nsConds(
				cond("NamespaceContentRemaining", "True", "SomeResourcesRemain", "Some resources are remaining: pods. has 2 resource instances"))...))
			restartedLongAgo(f.find(pPods, "kube-system", "metrics-server-7d9f6c-abcde"), 4)
		}},
	}
	for _, v := range []string{"v1.24.17", "v1.25.16", "v1.26.15", "v1.27.16", "v1.28.15", "v1.29.15", "v1.30.14", "v1.31.14",
		"v1.32.9", "v1.33.5", "v1.34.1", "v1.35.0", "v1.36.2", "v1.37.2"} {
		tests = append(tests, healthyCase{name: "kubeadm " + v, flavor: "not recognised", mutate: func(f *fx) { withPolicy(f, v, v) }})
	}
	tests = append(tests, healthyCase{name: "v1.38.0, newer than every embedded policy", flavor: "not recognised", checked: "ClusterRoles (no bootstrap RBAC list for Kubernetes 1.38: checked only what v1.24 to v1.37 share)",
		mutate: func(f *fx) { withPolicy(f, "v1.38.0", "v1.37.2") }})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := healthy()
			tt.mutate(f)
			r := analyzeFx(t, f)
			checkFindings(t, r.Findings, nil)
			if !strings.HasPrefix(r.Bundle.Flavor, tt.flavor) {
				t.Errorf("flavor %q, want %q", r.Bundle.Flavor, tt.flavor)
			}
			if len(r.Notes) != 0 {
				t.Errorf("notes on a healthy bundle: %q", r.Notes)
			}
			if checked := strings.Join(r.Checked, "; "); !strings.Contains(checked, cmp.Or(tt.checked, "ClusterRoles;")) {
				t.Errorf("checked %q, want %q", checked, cmp.Or(tt.checked, "ClusterRoles;"))
			}
		})
	}
}

// healthyCase is a healthy cluster of one flavor or version.
type healthyCase struct {
	name   string
	mutate func(f *fx)
	flavor string // prefix of the flavor the report names
	// checked is a substring the report's Checked lines must have.
	checked string
}

// hideControlPlane removes the controller-manager's pod and log, as a
// managed control plane or k3s shows them; with leases, its leases too.
func hideControlPlane(f *fx, leases bool) {
	f.remove(pPods, "kube-system", "kube-controller-manager-cp")
	delete(f.files, pKCMLog)
	if leases {
		f.remove(pLeases, "kube-system", "kube-controller-manager")
		f.remove(pLeases, "kube-system", "kube-scheduler")
	}
}

// cloudNodes gives every node a providerID (prefix + name), labels and,
// when given, a NetworkUnavailable condition in place of the fixture's.
func cloudNodes(f *fx, providerPrefix string, labels map[string]any, network obj) {
	for _, n := range f.lists[pNodes] {
		name := n["metadata"].(obj)["name"].(string)
		if providerPrefix == "" {
			delete(n["spec"].(obj), "providerID")
		} else {
			set(n, "spec.providerID", providerPrefix+name)
		}
		if labels != nil {
			set(n, "metadata.labels", labels)
		}
		ready := cond("Ready", "True", "KubeletReady", "kubelet is posting ready status")
		if network == nil {
			set(n, "status.conditions", []any{ready})
		} else {
			set(n, "status.conditions", []any{network, ready})
		}
	}
}

// systemPods adds a Running, Ready kube-system pod per name.
func systemPods(f *fx, names ...string) {
	for i, n := range names {
		f.add(pPods, pod("kube-system", n+"-7c9d8-x"+string(rune('a'+i)), "node-a", fmt.Sprintf("10.244.0.%d", 100+i), map[string]any{"k8s-app": n}, true))
	}
}

// restartedLongAgo gives a Running, Ready pod restarts that ended weeks ago.
func restartedLongAgo(p obj, restarts int) {
	cs := p["status"].(obj)["containerStatuses"].([]any)[0].(obj)
	cs["restartCount"] = restarts
	cs["state"] = obj{"running": obj{"startedAt": ago(21 * 24 * time.Hour)}}
	cs["lastState"] = obj{"terminated": obj{"exitCode": 255, "reason": "Unknown", "startedAt": ago(22 * 24 * time.Hour), "finishedAt": ago(21 * 24 * time.Hour)}}
}

// event is a core/v1 Event about an object, last seen last ago, count times.
func event(ns, kind, name, typ, reason, msg string, last time.Duration, count int) obj {
	return obj{"apiVersion": "v1", "kind": "Event", "metadata": meta(ns, name+"."+reason),
		"involvedObject": obj{"kind": kind, "namespace": ns, "name": name}, "type": typ, "reason": reason, "message": msg,
		"firstTimestamp": ago(last + 48*time.Hour), "lastTimestamp": ago(last), "count": count,
		"source": obj{"component": "kubelet"}}
}
