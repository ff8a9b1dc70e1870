package rules_test

import (
	"testing"

	"github.com/nsbundle/nsbundle/analyze"
)

// An aggregator's unreachable address maps to the pods of the APIService's
// Service namespace only. Host-network pods share their node's IP (a dozen
// on a node: DNS resolver, CSI node plugin, etcd...), and an IP is reused
// once its pod is gone: reading every pod with that IP as the backend made
// one stuck namespace a finding per host-network pod, each blaming it.
func TestEndpointPodsOfTheServiceNamespace(t *testing.T) {
	t.Parallel()
	// metrics-server's pod is Running and Ready on a healthy node: no rule
	// explains it further, so each pod taken for the backend was a root.
	unreachable := func(f *fx) {
		discoveryFails(f, msgStale)
		metricsAvailable(f, "False", "FailedDiscoveryCheck", msgNoRoute)
	}
	hostNet := func(f *fx) {
		f.add(pPods,
			pod("monitoring", "node-exporter-b", "node-b", "10.244.1.5", nil, true),
			pod("csi", "ebs-csi-node-b", "node-b", "10.244.1.5", nil, true),
			pod("dns", "node-resolver-b", "node-b", "10.244.1.5", nil, true))
	}
	msRoot := want{
		id: "NSB-EP-001", symptom: lnApp,
		chain: []string{lnApp, lnGV, lnAPISvc, "Endpoint kube-system/10.244.1.5:443", lnMSPod},
		root:  lnMSPod, rootProblem: "owns 10.244.1.5 (Running, Ready) on node node-b",
	}
	tests := []mutation{
		{
			name:   "host-network pods of other namespaces share the IP: only the Service namespace's pod is the backend",
			mutate: func(f *fx) { unreachable(f); hostNet(f) },
			want:   []want{msRoot},
		},
		{
			name: "a host-network kube-proxy of the same namespace shares it too: the slice's targetRef names the backend",
			mutate: func(f *fx) {
				unreachable(f)
				hostNet(f)
				f.add(pPods, pod("kube-system", "kube-proxy-b", "node-b", "10.244.1.5", nil, true))
				set(f.lists[pSlices][0], "endpoints", []any{obj{"addresses": []any{"10.244.1.5"}, "conditions": obj{"ready": true},
					"targetRef": obj{"kind": "Pod", "namespace": "kube-system", "name": "metrics-server-7d9f6c-abcde"}}})
			},
			want: []want{msRoot},
		},
		{
			name: "no EndpointSlices (a dump): among kube-system's host-network pods, the APIService's Service selects the backend",
			mutate: func(f *fx) {
				unreachable(f)
				hostNet(f)
				f.add(pPods, pod("kube-system", "kube-proxy-b", "node-b", "10.244.1.5", map[string]any{"k8s-app": "kube-proxy"}, true))
				delete(f.lists, pSlices)
			},
			want: []want{msRoot},
		},
		{
			name: "the Service's pod is gone and a pod of another namespace got its IP: the address is stale, that pod is not blamed",
			mutate: func(f *fx) {
				discoveryFails(f, msgStale)
				metricsAvailable(f, "False", "FailedDiscoveryCheck", msgNoRoute)
				f.remove(pPods, "kube-system", "metrics-server-7d9f6c-abcde")
				f.add(pPods, pod("batch", "report-28193", "node-b", "10.244.1.5", nil, true))
			},
			want: []want{{
				id: "NSB-EP-001", symptom: lnApp,
				chain: []string{lnApp, lnGV, lnAPISvc, "Endpoint kube-system/10.244.1.5:443"},
				root:  "Endpoint kube-system/10.244.1.5:443",
				rootProblem: "no pod of namespace kube-system has IP 10.244.1.5: only pods of other namespaces have it (batch/report-28193), " +
					"and they are not its Service's backend; the address is stale",
				evidence: []wantEv{{link: 3, path: pPods, pointer: "/items/1/status/podIP", value: "10.244.1.5"}},
			}},
		},
	}
	runMutations(t, tests)
}

// A must-gather lists a gathered namespace's pods whole
// (namespaces/<ns>/core/pods.yaml): that no pod of it has the IP is then
// proven, and the endpoint is stale, not "evidence missing".
func TestEndpointStaleInAMustGatherNamespace(t *testing.T) {
	t.Parallel()
	podsYAML := func(ns, name, ip string) string {
		return "apiVersion: v1\nkind: PodList\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: " + name + "\n    namespace: " + ns +
			"\n  spec:\n    nodeName: node-b\n    containers:\n    - name: main\n      image: registry.example/x:1\n  status:\n    phase: Running\n    podIP: " + ip + "\n"
	}
	s := loadFiles(t, map[string]string{
		"quay-io-image/namespaces/openshift-apiserver/core/pods.yaml": podsYAML("openshift-apiserver", "apiserver-6f5b9", "10.128.0.69"),
		"quay-io-image/namespaces/batch/core/pods.yaml":               podsYAML("batch", "report-28193", "10.128.0.40"),
	})
	ep := analyze.Node{Ref: analyze.Ref{Kind: analyze.KindEndpoint, Namespace: "openshift-apiserver", Name: "10.128.0.40:8443"}}
	checkNodes(t, "NSB-EP-001", explain(t, "NSB-EP-001", s, ep), []wantNode{{
		ref: "Endpoint openshift-apiserver/10.128.0.40:8443", root: true,
		problem: "no pod of namespace openshift-apiserver has IP 10.128.0.40: only pods of other namespaces have it (batch/report-28193)",
	}})
}
