package rules_test

import (
	"testing"
	"time"

	"github.com/nsbundle/nsbundle/bundle"
)

// TestServiceAndPodChains covers the links below an APIService whose
// Service has no ready endpoints (NSB-APISVC-001, NSB-SVC-001, NSB-POD-001).
func TestServiceAndPodChains(t *testing.T) {
	t.Parallel()
	msPod := func(f *fx) obj { return f.find(pPods, "kube-system", "metrics-server-7d9f6c-abcde") }
	head := []string{lnApp, lnGV, lnAPISvc, lnMS}
	tests := []struct {
		name   string
		reason string
		msg    string
		mutate func(f *fx)
		want   want
	}{
		{
			name: "pod cannot be scheduled", reason: "MissingEndpoints", msg: msgMissingEP,
			mutate: func(f *fx) {
				p := msPod(f)
				set(p, "spec.nodeName", "")
				set(p, "status", obj{"phase": "Pending", "conditions": []any{
					cond("PodScheduled", "False", "Unschedulable", "0/2 nodes are available: 2 Insufficient memory. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.")}})
			},
			want: want{id: "NSB-POD-001", chain: append(head, lnMSPod), root: lnMSPod,
				rootProblem: "cannot be scheduled: 0/2 nodes are available: 2 Insufficient memory.",
				evidence:    []wantEv{{link: 4, path: pPods, pointer: "/items/1/status/conditions/0", value: "PodScheduled=False (Unschedulable)"}}},
		},
		{
			name: "pod never looked at, scheduler lease stale", reason: "MissingEndpoints", msg: msgMissingEP,
			mutate: func(f *fx) {
				unscheduled(msPod(f))
				f.lists[pLeases][3] = lease("kube-system", "kube-scheduler", "cp_0d7c9a41-2b6e-4f3a-8c1d-5e6f7a8b9c0d", 10*time.Minute, 2)
			},
			want: want{id: "NSB-SCHED-001", chain: append(head, lnMSPod, lnSched), root: lnSched, rootProblem: "is not running: nobody renewed its leader lease for 10m",
				evidence: []wantEv{
					{link: 5, path: pPods, pointer: "/items/1/status", value: "phase Pending, no nodeName, no PodScheduled condition"},
					{link: 5, path: pLeases, pointer: "/items/3/spec/renewTime", value: "2026-11-23T05:00:00Z"},
				}},
		},
		{
			name: "pod never looked at, no scheduler lease", reason: "MissingEndpoints", msg: msgMissingEP,
			mutate: func(f *fx) {
				unscheduled(msPod(f))
				f.remove(pLeases, "kube-system", "kube-scheduler")
			},
			want: want{id: "NSB-SCHED-001", chain: append(head, lnMSPod, lnSched, "MissingEvidence kube-scheduler's state"), root: "MissingEvidence kube-scheduler's state",
				rootProblem: "no lease kube-system/kube-scheduler is in the bundle, and a kube-scheduler that runs without leader election holds none"},
		},
		{
			name: "pod never looked at, scheduler leads: the chain stops and says so", reason: "MissingEndpoints", msg: msgMissingEP,
			mutate: func(f *fx) { unscheduled(msPod(f)) },
			want: want{id: "NSB-POD-001", chain: append(head, lnMSPod, lnSched), root: lnSched, rootProblem: "has not looked at pod kube-system/metrics-server-7d9f6c-abcde",
				missing: "what blocks Component kube-scheduler"},
		},
		{
			name: "pod never looked at, leases not collected", reason: "MissingEndpoints", msg: msgMissingEP,
			mutate: func(f *fx) {
				unscheduled(msPod(f))
				delete(f.lists, pLeases)
			},
			want: want{id: "NSB-SCHED-001", chain: append(head, lnMSPod, lnSched, "MissingEvidence Lease objects"), root: "MissingEvidence Lease objects", rootProblem: "Lease objects were not collected"},
		},
		{
			name: "pod running but not ready", reason: "MissingEndpoints", msg: msgMissingEP,
			mutate: func(f *fx) {
				set(msPod(f), "status.conditions", []any{cond("Ready", "False", "ContainersNotReady", "containers with unready status: [main]")})
			},
			want: want{id: "NSB-POD-001", chain: append(head, lnMSPod), root: lnMSPod, rootProblem: "is not ready (Running, not Ready)"},
		},
		{
			name: "pod on a node that stopped reporting", reason: "MissingEndpoints", msg: msgMissingEP,
			mutate: func(f *fx) {
				set(msPod(f), "status.conditions", []any{cond("Ready", "False", "", "")})
				f.lists[pNodes][1] = node("node-b", cond("Ready", "Unknown", "NodeStatusUnknown", msgNodeUnknown))
			},
			want: want{id: "NSB-NODE-001", chain: append(head, lnMSPod, "Node node-b"), root: "Node node-b", rootProblem: "Ready=Unknown NodeStatusUnknown"},
		},
		{
			name: "Service without selector", reason: "MissingEndpoints", msg: msgMissingEP,
			mutate: func(f *fx) {
				delete(f.find(pServices, "kube-system", "metrics-server")["spec"].(obj), "selector")
				f.lists[pSlices] = []obj{endpointSlice("kube-system", "metrics-server", "metrics-server-manual", false, "10.244.1.5")}
			},
			want: want{id: "NSB-SVC-001", chain: head, root: lnMS, rootProblem: "has no selector and no ready endpoints",
				evidence: []wantEv{{link: 3, path: pSlices, pointer: "/items/0/endpoints", value: "EndpointSlice metrics-server-manual: 10.244.1.5 not ready"}}},
		},
		{
			name: "only legacy Endpoints collected", reason: "EndpointsNotFound", msg: `cannot find endpointslices for service/metrics-server in "kube-system"`,
			mutate: func(f *fx) {
				delete(f.lists, pSlices)
				f.add("resources/core/v1/endpoints.json", obj{"metadata": meta("kube-system", "metrics-server"),
					"subsets": []any{obj{"notReadyAddresses": []any{obj{"ip": "10.244.1.5"}}, "ports": []any{obj{"name": "https", "port": 10250}}}}})
				crashLooping(msPod(f))
			},
			want: want{id: "NSB-POD-001", chain: append(head, lnMSPod), root: lnMSPod, rootProblem: "crash-looping",
				evidence: []wantEv{{link: 4, path: "resources/core/v1/endpoints.json", pointer: "/items/0/subsets", value: "Endpoints metrics-server: 0 ready, 1 not ready addresses"}}},
		},
		{
			name: "pods forbidden to the collector", reason: "MissingEndpoints", msg: msgMissingEP,
			mutate: func(f *fx) {
				delete(f.lists, pPods)
				f.requests = append(f.requests, bundle.Request{Path: "/api/v1/pods?limit=500", Verb: "list", Status: 403, File: pPods,
					Error: `pods is forbidden: User "support@example.com" cannot list resource "pods" in API group "" at the cluster scope`})
			},
			want: want{id: "NSB-SVC-001", chain: append(head, "MissingEvidence Pod objects"), root: "MissingEvidence Pod objects",
				rootProblem: `Pod objects were not collected (403: pods is forbidden`},
		},
		{
			name: "Service port does not match", reason: "ServicePortError", msg: `service/metrics-server in "kube-system" is not listening on port 443`,
			mutate: func(f *fx) {},
			want:   want{id: "NSB-APISVC-001", chain: head, root: lnMS, rootProblem: "does not expose the port APIService v1beta1.metrics.k8s.io uses"},
		},
		{
			name: "ServiceNotFound, Services not collected", reason: "ServiceNotFound", msg: msgSvcNotFound,
			mutate: func(f *fx) { delete(f.lists, pServices) },
			want: want{id: "NSB-APISVC-001", chain: head, root: lnMS, rootProblem: "does not exist, but APIService v1beta1.metrics.k8s.io points at it",
				missing: "Service objects: Service objects were not collected"},
		},
		{
			name: "ServiceNotFound, yet the Service is in the bundle", reason: "ServiceNotFound", msg: msgSvcNotFound,
			mutate: func(f *fx) {},
			want:   want{id: "NSB-APISVC-001", chain: head, root: lnMS, rootProblem: "the condition may be stale"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := healthy()
			discoveryFails(f, msgStale)
			metricsAvailable(f, "False", tt.reason, tt.msg)
			tt.mutate(f)
			tt.want.symptom = lnApp
			checkFindings(t, analyzeFx(t, f).Findings, []want{tt.want})
		})
	}
}

const lnSched = "Component kube-scheduler"

// unscheduled makes p a pod the scheduler never looked at.
func unscheduled(p obj) {
	set(p, "spec.nodeName", "")
	set(p, "status", obj{"phase": "Pending"})
	set(p, "metadata.ownerReferences", []any{obj{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "metrics-server-7d9f6c", "uid": "u", "controller": true}})
}
