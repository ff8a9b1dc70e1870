package rules_test

import (
	"strings"
	"testing"
	"time"

	"github.com/nsbundle/nsbundle/bundle"
)

// Exact namespace-controller and aggregator texts (KUBERNETES-FACTS.md §1.6, §2, §9).
const (
	msgStale       = "Discovery failed for some groups, 1 failing: unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: stale GroupVersion discovery: metrics.k8s.io/v1beta1"
	msgLegacy      = "Discovery failed for some groups, 1 failing: unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: the server is currently unable to handle the request"
	msgTwoFailing  = "Discovery failed for some groups, 2 failing: unable to retrieve the complete list of server APIs: custom.metrics.k8s.io/v1beta1: stale GroupVersion discovery: custom.metrics.k8s.io/v1beta1, metrics.k8s.io/v1beta1: stale GroupVersion discovery: metrics.k8s.io/v1beta1"
	msgNoRoute     = `failing or missing response from https://10.244.1.5:443/apis/metrics.k8s.io/v1beta1: Get "https://10.244.1.5:443/apis/metrics.k8s.io/v1beta1": dial tcp 10.244.1.5:443: connect: no route to host`
	msgViaCluster  = `failing or missing response from https://10.96.0.20:443/apis/metrics.k8s.io/v1beta1: Get "https://10.96.0.20:443/apis/metrics.k8s.io/v1beta1": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`
	msgMissingEP   = `endpointslices for service/metrics-server in "kube-system" have no addresses with port name "https"`
	msgMissingEP33 = `endpoints for service/metrics-server in "kube-system" have no addresses with port name "https"`
	msgSvcNotFound = `service/metrics-server in "kube-system" is not present`
	msgForbidden   = `apiservices.apiregistration.k8s.io is forbidden: User "support@example.com" cannot list resource "apiservices" in API group "apiregistration.k8s.io" at the cluster scope`
)

// Chain links shared by the discovery cases.
const (
	lnApp    = "Namespace app"
	lnGV     = "GroupVersion metrics.k8s.io/v1beta1"
	lnAPISvc = "APIService v1beta1.metrics.k8s.io"
	lnMS     = "Service kube-system/metrics-server"
	lnMSPod  = "Pod kube-system/metrics-server-7d9f6c-abcde"
	lnCCM    = "Component cloud-controller-manager"
)

// discoveryFails adds namespace "app" (index 4 of namespaces.json),
// Terminating for 3 days on a discovery failure worded msg, and marks
// metrics.k8s.io/v1beta1 stale in the collector's own discovery.
func discoveryFails(f *fx, msg string) {
	f.add(pNamespaces, terminating("app", 72*time.Hour, nsConds(
		cond("NamespaceDeletionDiscoveryFailure", "True", "DiscoveryFailed", msg))...))
	for i, d := range f.discover {
		if d.GroupVersion == "metrics.k8s.io/v1beta1" {
			f.discover[i] = bundle.DiscoveryResult{GroupVersion: d.GroupVersion, Source: "aggregated", Path: "/apis", Status: 200,
				Freshness: "Stale", Error: "stale GroupVersion discovery: metrics.k8s.io/v1beta1"}
		}
	}
}

// metricsAvailable sets the Available condition of v1beta1.metrics.k8s.io.
func metricsAvailable(f *fx, status, reason, msg string) {
	set(f.find(pAPIServices, "", "v1beta1.metrics.k8s.io"), "status.conditions", []any{cond("Available", status, reason, msg)})
}

// noRoute makes node-b's route missing (the classic cloud-permission incident).
func noRoute(f *fx) {
	f.lists[pNodes][1] = node("node-b",
		cond("NetworkUnavailable", "True", "NoRouteCreated", "RouteController failed to create a route"),
		cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"))
}

// networkDown: metrics-server's discovery fails and node-b's pod network is
// unavailable for a reason the route controller does not write.
func networkDown(f *fx, reason, msg string) {
	discoveryFails(f, msgStale)
	metricsAvailable(f, "False", "FailedDiscoveryCheck", msgNoRoute)
	f.lists[pNodes][1] = node("node-b",
		cond("NetworkUnavailable", "True", reason, msg),
		cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"))
}

func crashLooping(p obj) obj {
	set(p, "status.conditions", []any{cond("Ready", "False", "ContainersNotReady", "containers with unready status: [main]")})
	set(p, "status.containerStatuses", []any{obj{"name": "main", "ready": false, "restartCount": 12,
		"state":     obj{"waiting": obj{"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting failed container=main"}},
		"lastState": obj{"terminated": obj{"exitCode": 1, "reason": "Error", "finishedAt": ago(time.Minute)}}}})
	return p
}

var (
	evNSCond = wantEv{link: 1, path: pNamespaces, pointer: "/items/4/status/conditions/0",
		value: "NamespaceDeletionDiscoveryFailure=True (DiscoveryFailed): Discovery failed for some groups, 1 failing"}
	evDiscovery = wantEv{link: 1, path: bundle.DiscoveryResultsPath, pointer: "/2/error", value: "stale GroupVersion discovery: metrics.k8s.io/v1beta1"}
	evDeleted   = wantEv{link: 0, path: pNamespaces, pointer: "/items/4/metadata/deletionTimestamp", value: "2026-11-20T05:10:00Z"}
)

func TestNamespaceDiscoveryChains(t *testing.T) {
	t.Parallel()
	tests := []mutation{
		{
			name: "FailedDiscoveryCheck, no route to the pod, cloud API denies the route controller",
			mutate: func(f *fx) {
				discoveryFails(f, msgStale)
				metricsAvailable(f, "False", "FailedDiscoveryCheck", msgNoRoute)
				noRoute(f)
				f.files[pCCMLog] = lineCCMStarted + "\n" + lineCCMDenied + "\n"
				f.add(pEvents, obj{"apiVersion": "v1", "kind": "Event", "metadata": meta("default", "node-b.187a"),
					"involvedObject": obj{"kind": "Node", "name": "node-b", "uid": "uid--node-b"}, "type": "Warning", "reason": "FailedToCreateRoute",
					"message": "Could not create route 3f1c 10.244.1.0/24 for node node-b after 51.9ms: UnauthorizedOperation: You are not authorized to perform this operation.", "count": 41, "lastTimestamp": ago(time.Minute)})
			},
			want: []want{{
				id: "NSB-CCM-001", symptom: lnApp,
				chain: []string{lnApp, lnGV, lnAPISvc, "Endpoint kube-system/10.244.1.5:443", lnMSPod, "Node node-b", lnCCM},
				root:  lnCCM, rootProblem: "the cloud API denies the route controller permission to manage routes",
				evidence: []wantEv{
					evDeleted, evNSCond, evDiscovery,
					{link: 2, path: pAPIServices, pointer: "/items/1/status/conditions/0", value: "Available=False (FailedDiscoveryCheck): " + msgNoRoute},
					{link: 3, path: pAPIServices, pointer: "/items/1/status/conditions/0", value: "connect: no route to host"},
					{link: 4, path: pPods, pointer: "/items/1/status/podIP", value: "10.244.1.5"},
					{link: 4, path: pSlices, pointer: "/items/0/endpoints/0/addresses/0", value: "EndpointSlice kube-system/metrics-server-x7k2p lists 10.244.1.5"},
					{link: 5, path: pNodes, pointer: "/items/1/status/conditions/0", value: "NetworkUnavailable=True (NoRouteCreated): RouteController failed to create a route"},
					{link: 6, path: pCCMLog, line: 2, value: "ec2:DescribeRouteTables"},
					{link: 6, path: pEvents, pointer: "/items/0/message", value: "Could not create route 3f1c 10.244.1.0/24 for node node-b"},
				},
			}},
		},
		{
			name: "long log line quoted without cutting a character",
			mutate: func(f *fx) {
				discoveryFails(f, msgStale)
				metricsAvailable(f, "False", "FailedDiscoveryCheck", msgNoRoute)
				noRoute(f)
				f.files[pCCMLog] = lineCCMDenied + " x" + strings.Repeat("é", 400) + "\n"
			},
			want: []want{{
				id: "NSB-CCM-001", symptom: lnApp,
				chain: []string{lnApp, lnGV, lnAPISvc, "Endpoint kube-system/10.244.1.5:443", lnMSPod, "Node node-b", lnCCM},
				root:  lnCCM, rootProblem: "the cloud API denies",
				evidence: []wantEv{{link: 6, path: pCCMLog, line: 1, value: "ec2:DescribeRouteTables xéé"}},
			}},
		},
		{
			name: "FailedDiscoveryCheck, no route, cloud-controller-manager log not collected",
			mutate: func(f *fx) {
				discoveryFails(f, msgStale)
				metricsAvailable(f, "False", "FailedDiscoveryCheck", msgNoRoute)
				noRoute(f)
			},
			want: []want{{
				id: "NSB-CCM-001", symptom: lnApp,
				chain: []string{lnApp, lnGV, lnAPISvc, "Endpoint kube-system/10.244.1.5:443", lnMSPod, "Node node-b", lnCCM, "MissingEvidence cloud-controller-manager logs"},
				root:  "MissingEvidence cloud-controller-manager logs", rootProblem: "evidence missing: the route controller's log would say why",
				missing: "cloud-controller-manager logs: ",
			}},
		},
		{
			name: "NetworkUnavailable set by Calico, not the route controller: its agent pod is the next link",
			mutate: func(f *fx) {
				networkDown(f, "CalicoIsDown", "Calico is shutting down on this node")
				f.add(pPods, pod("kube-system", "calico-node-7xk2p", "node-b", "10.0.0.12", nil, false))
			},
			want: []want{{
				id: "NSB-NODE-001", symptom: lnApp,
				chain: []string{lnApp, lnGV, lnAPISvc, "Endpoint kube-system/10.244.1.5:443", lnMSPod, "Node node-b"},
				root:  "Node node-b", rootProblem: "calico set NetworkUnavailable=True (reason CalicoIsDown); its agent pod kube-system/calico-node-7xk2p on the node is not Ready",
				evidence: []wantEv{{link: 5, path: pNodes, pointer: "/items/1/status/conditions/0", value: "NetworkUnavailable=True (CalicoIsDown): Calico is shutting down on this node"}},
			}},
		},
		{
			name: "NetworkUnavailable with a reason nobody known writes: say what is missing, no cloud advice",
			mutate: func(f *fx) {
				networkDown(f, "OverlayDown", "overlay interface missing")
			},
			want: []want{{
				id: "NSB-NODE-001", symptom: lnApp,
				chain: []string{lnApp, lnGV, lnAPISvc, "Endpoint kube-system/10.244.1.5:443", lnMSPod, "Node node-b"},
				root:  "Node node-b", rootProblem: "not the route controller's reason (NoRouteCreated)",
				missing: "what set NetworkUnavailable on node node-b",
			}},
		},
		{
			name: "FailedDiscoveryCheck, route controller fails without a permission error",
			mutate: func(f *fx) {
				discoveryFails(f, msgStale)
				metricsAvailable(f, "False", "FailedDiscoveryCheck", msgNoRoute)
				noRoute(f)
				f.files[pCCMLog] = `E1123 05:02:26.383637       1 route_controller.go:215] Couldn't reconcile node routes: error listing routes: RouteLimitExceeded: The maximum number of routes has been reached` + "\n"
			},
			want: []want{{
				id: "NSB-CCM-001", symptom: lnApp,
				chain: []string{lnApp, lnGV, lnAPISvc, "Endpoint kube-system/10.244.1.5:443", lnMSPod, "Node node-b", lnCCM},
				root:  lnCCM, rootProblem: "the route controller fails to manage routes: E1123 05:02:26.383637",
			}},
		},
		{
			name: "FailedDiscoveryCheck, the pod's node stopped reporting",
			mutate: func(f *fx) {
				discoveryFails(f, msgStale)
				metricsAvailable(f, "False", "FailedDiscoveryCheck", msgNoRoute)
				f.lists[pNodes][1] = node("node-b", cond("Ready", "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status."))
			},
			want: []want{{
				id: "NSB-NODE-001", symptom: lnApp,
				chain: []string{lnApp, lnGV, lnAPISvc, "Endpoint kube-system/10.244.1.5:443", lnMSPod, "Node node-b"},
				root:  "Node node-b", rootProblem: "its kubelet does not report: Ready=Unknown NodeStatusUnknown",
				evidence: []wantEv{{link: 5, path: pNodes, pointer: "/items/1/status/conditions/0", value: "Ready=Unknown (NodeStatusUnknown): Kubelet stopped posting node status."}},
			}},
		},
		{
			name: "FailedDiscoveryCheck on the Service ClusterIP",
			mutate: func(f *fx) {
				discoveryFails(f, msgStale)
				metricsAvailable(f, "False", "FailedDiscoveryCheck", msgViaCluster)
			},
			want: []want{{
				id: "NSB-EP-001", symptom: lnApp,
				chain: []string{lnApp, lnGV, lnAPISvc, "Endpoint kube-system/10.96.0.20:443"},
				root:  "Endpoint kube-system/10.96.0.20:443", rootProblem: "10.96.0.20 is a Service ClusterIP",
			}},
		},
		{
			name: "FailedDiscoveryCheck on the Service ClusterIP, a backing pod's node has no route",
			mutate: func(f *fx) {
				discoveryFails(f, msgStale)
				metricsAvailable(f, "False", "FailedDiscoveryCheck", msgViaCluster)
				noRoute(f)
				f.files[pCCMLog] = lineCCMDenied + "\n"
			},
			want: []want{{
				id: "NSB-CCM-001", symptom: lnApp,
				chain: []string{lnApp, lnGV, lnAPISvc, "Endpoint kube-system/10.96.0.20:443", lnMSPod, "Node node-b", lnCCM},
				root:  lnCCM, rootProblem: "the cloud API denies the route controller permission",
				evidence: []wantEv{
					{link: 4, path: pServices, pointer: "/items/1/spec/clusterIP", value: "10.96.0.20"},
					{link: 4, path: pPods, pointer: "/items/1/spec/nodeName", value: "node-b"},
				},
			}},
		},
		{
			name: "FailedDiscoveryCheck from the resolver, no address: the chain stops at the Service",
			mutate: func(f *fx) {
				discoveryFails(f, msgStale)
				metricsAvailable(f, "False", "FailedDiscoveryCheck", `no endpoints available for service "metrics-server"`)
			},
			want: []want{{
				id: "NSB-APISVC-001", symptom: lnApp,
				chain: []string{lnApp, lnGV, lnAPISvc, lnMS},
				root:  lnMS, rootProblem: "answers the aggregator's discovery check with an error",
				missing: "what blocks Service kube-system/metrics-server",
			}},
		},
		{
			name: "FailedDiscoveryCheck, the pod's node never reported",
			mutate: func(f *fx) {
				discoveryFails(f, msgStale)
				metricsAvailable(f, "False", "FailedDiscoveryCheck", msgNoRoute)
				f.lists[pNodes][1] = node("node-b")
			},
			want: []want{{
				id: "NSB-NODE-001", symptom: lnApp,
				chain: []string{lnApp, lnGV, lnAPISvc, "Endpoint kube-system/10.244.1.5:443", lnMSPod, "Node node-b"},
				root:  "Node node-b", rootProblem: "its kubelet does not report: it never posted status",
				evidence: []wantEv{{link: 5, path: pNodes, pointer: "/items/1/status", value: "no conditions"}},
			}},
		},
		{
			name: "legacy wording, ServiceNotFound",
			mutate: func(f *fx) {
				discoveryFails(f, msgLegacy)
				metricsAvailable(f, "False", "ServiceNotFound", msgSvcNotFound)
				f.remove(pServices, "kube-system", "metrics-server")
			},
			want: []want{{
				id: "NSB-APISVC-001", symptom: lnApp,
				chain: []string{lnApp, lnGV, lnAPISvc, lnMS},
				root:  lnMS, rootProblem: "does not exist, but APIService v1beta1.metrics.k8s.io points at it",
				evidence: []wantEv{
					{link: 1, path: pNamespaces, pointer: "/items/4/status/conditions/0", value: "metrics.k8s.io/v1beta1: the server is currently unable to handle the request"},
					{link: 3, path: pAPIServices, pointer: "/items/1/status/conditions/0", value: "Available=False (ServiceNotFound): " + msgSvcNotFound},
				},
			}},
		},
		{
			name: "MissingEndpoints, backing pod crash-loops",
			mutate: func(f *fx) {
				discoveryFails(f, msgStale)
				metricsAvailable(f, "False", "MissingEndpoints", msgMissingEP)
				crashLooping(f.find(pPods, "kube-system", "metrics-server-7d9f6c-abcde"))
				f.lists[pSlices] = []obj{endpointSlice("kube-system", "metrics-server", "metrics-server-x7k2p", false, "10.244.1.5")}
				f.files["logs/kube-system/metrics-server-7d9f6c-abcde/main.log"] = `E1123 05:09:58.000000       1 run.go:72] "command failed" err="unable to load configmap based request-header-client-ca-file: configmaps \"extension-apiserver-authentication\" is forbidden"` + "\n"
			},
			want: []want{{
				id: "NSB-POD-001", symptom: lnApp,
				chain: []string{lnApp, lnGV, lnAPISvc, lnMS, lnMSPod},
				root:  lnMSPod, rootProblem: "container main is crash-looping (12 restarts, last exit code 1 Error)",
				evidence: []wantEv{
					{link: 4, path: pSlices, pointer: "/items/0/endpoints", value: "EndpointSlice metrics-server-x7k2p: 10.244.1.5 not ready"},
					{link: 4, path: pPods, pointer: "/items/1/status/containerStatuses/0", value: "CrashLoopBackOff, 12 restarts, not Ready"},
					{link: 4, path: "logs/kube-system/metrics-server-7d9f6c-abcde/main.log", line: 1, value: `"command failed"`},
				},
			}},
		},
		{
			name: "MissingEndpoints (1.33 wording), Deployment scaled to 0",
			mutate: func(f *fx) {
				discoveryFails(f, msgStale)
				metricsAvailable(f, "False", "MissingEndpoints", msgMissingEP33)
				f.remove(pPods, "kube-system", "metrics-server-7d9f6c-abcde")
				f.lists[pSlices] = []obj{endpointSlice("kube-system", "metrics-server", "metrics-server-x7k2p", true)}
				d := obj{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta("kube-system", "metrics-server"),
					"spec": obj{"replicas": 0, "selector": obj{"matchLabels": obj{"k8s-app": "metrics-server"}}}}
				f.add(pDeployments, d)
			},
			want: []want{{
				id: "NSB-SVC-001", symptom: lnApp,
				chain: []string{lnApp, lnGV, lnAPISvc, lnMS, "Deployment kube-system/metrics-server"},
				root:  "Deployment kube-system/metrics-server", rootProblem: "is scaled to 0 replicas",
				evidence: []wantEv{{link: 4, path: pDeployments, pointer: "/items/0/spec/replicas", value: "0"}},
			}},
		},
		{
			name: "MissingEndpoints, selector matches no pod",
			mutate: func(f *fx) {
				discoveryFails(f, msgStale)
				metricsAvailable(f, "False", "MissingEndpoints", msgMissingEP)
				f.remove(pPods, "kube-system", "metrics-server-7d9f6c-abcde")
				f.lists[pSlices] = nil
			},
			want: []want{{
				id: "NSB-SVC-001", symptom: lnApp,
				chain: []string{lnApp, lnGV, lnAPISvc, lnMS},
				root:  lnMS, rootProblem: "selector k8s-app=metrics-server matches no pod",
				evidence: []wantEv{{link: 3, path: pServices, pointer: "/items/1/spec/selector", value: "k8s-app=metrics-server"}},
			}},
		},
		{
			name: "two failing group-versions, two findings",
			mutate: func(f *fx) {
				discoveryFails(f, msgTwoFailing)
				metricsAvailable(f, "False", "ServiceNotFound", msgSvcNotFound)
				f.remove(pServices, "kube-system", "metrics-server")
				f.add(pAPIServices, apiServiceObj("custom.metrics.k8s.io", "v1beta1", "monitoring", "prometheus-adapter",
					cond("Available", "False", "ServiceNotFound", `service/prometheus-adapter in "monitoring" is not present`)))
			},
			want: []want{
				{
					id: "NSB-APISVC-001", symptom: lnApp,
					chain: []string{lnApp, "GroupVersion custom.metrics.k8s.io/v1beta1", "APIService v1beta1.custom.metrics.k8s.io", "Service monitoring/prometheus-adapter"},
					root:  "Service monitoring/prometheus-adapter", rootProblem: "does not exist",
				},
				{
					id: "NSB-APISVC-001", symptom: lnApp,
					chain: []string{lnApp, lnGV, lnAPISvc, lnMS},
					root:  lnMS, rootProblem: "does not exist",
				},
			},
		},
		{
			name: "APIService objects forbidden to the collector",
			mutate: func(f *fx) {
				discoveryFails(f, msgStale)
				delete(f.lists, pAPIServices)
				f.requests = append(f.requests, bundle.Request{Path: "/apis/apiregistration.k8s.io/v1/apiservices?limit=500", Verb: "list",
					Status: 403, Reason: "Forbidden", Error: msgForbidden, File: pAPIServices})
			},
			want: []want{{
				id: "NSB-GV-001", symptom: lnApp,
				chain: []string{lnApp, lnGV, "MissingEvidence APIService objects"},
				root:  "MissingEvidence APIService objects", rootProblem: "APIService objects were not collected (403: " + msgForbidden + ")",
				missing: "APIService objects: APIService objects were not collected (403: " + msgForbidden + ")",
			}},
		},
		{
			name: "APIService objects not collected, kube-apiserver's aggregator log names the failure (v1.37 wording)",
			mutate: func(f *fx) {
				discoveryFails(f, msgStale)
				delete(f.lists, pAPIServices)
				f.requests = append(f.requests, bundle.Request{Path: "/apis/apiregistration.k8s.io/v1/apiservices?limit=500", Verb: "list",
					Status: 403, Reason: "Forbidden", Error: msgForbidden, File: pAPIServices})
				f.files[pKASLog] = `E1123 05:09:40.100000       1 controller.go:146] "Unhandled Error" err=<` + "\n" +
					`I1123 05:09:41.000000       1 controller.go:109] OpenAPI AggregationController: action for item v1beta1.metrics.k8s.io: Rate Limited Requeue.` + "\n" +
					`E1123 05:09:42.000000       1 controller.go:113] "Unhandled Error" err="loading OpenAPI spec for \"v1beta1.metrics.k8s.io\" failed with: Error, could not get list of group versions for APIService" logger="UnhandledError"` + "\n" +
					`E1123 05:09:58.123456       1 remote_available_controller.go:448] "Unhandled Error" err="v1beta1.metrics.k8s.io failed with: failing or missing response from https://10.244.1.5:443/apis/metrics.k8s.io/v1beta1: Get \"https://10.244.1.5:443/apis/metrics.k8s.io/v1beta1\": dial tcp 10.244.1.5:443: connect: no route to host" logger="UnhandledError"` + "\n"
			},
			want: []want{{
				id: "NSB-GV-001", symptom: lnApp,
				chain: []string{lnApp, lnGV, lnAPISvc},
				root:  lnAPISvc, rootProblem: `kube-apiserver's aggregator cannot reach it (failing or missing response from https://10.244.1.5:443/apis/metrics.k8s.io/v1beta1: Get \"https://10.244.1.5:443/apis/metrics.k8s.io/v1beta1\": dial tcp 10.244.1.5:443: connect: no route to host)`,
				evidence: []wantEv{{link: 2, path: pKASLog, line: 4}},
				missing:  "APIService objects were not collected (403",
			}},
		},
		{
			name: "APIService objects not collected, aggregator log in the older wording",
			mutate: func(f *fx) {
				discoveryFails(f, msgLegacy)
				delete(f.lists, pAPIServices)
				f.files[pKASLog] = `E0601 10:00:00.000000       1 available_controller.go:420] v1beta1.metrics.k8s.io failed with: failing or missing response from https://10.244.1.5:443/apis/metrics.k8s.io/v1beta1: bad status from https://10.244.1.5:443/apis/metrics.k8s.io/v1beta1: 403` + "\n"
			},
			want: []want{{
				id: "NSB-GV-001", symptom: lnApp,
				chain: []string{lnApp, lnGV, lnAPISvc},
				root:  lnAPISvc, rootProblem: "cannot reach it (failing or missing response from https://10.244.1.5:443/apis/metrics.k8s.io/v1beta1: bad status",
			}},
		},
		{
			name: "APIService list failed, request recorded without a file",
			mutate: func(f *fx) {
				discoveryFails(f, msgStale)
				delete(f.lists, pAPIServices)
				f.requests = append(f.requests, bundle.Request{Path: "/apis/apiregistration.k8s.io/v1/apiservices?limit=500", Verb: "list",
					Status: 403, Reason: "Forbidden", Error: msgForbidden})
			},
			want: []want{{
				id: "NSB-GV-001", symptom: lnApp,
				chain: []string{lnApp, lnGV, "MissingEvidence APIService objects"},
				root:  "MissingEvidence APIService objects", rootProblem: "(403: " + msgForbidden + ")",
			}},
		},
		{
			name: "APIService available again: the condition is older",
			mutate: func(f *fx) {
				discoveryFails(f, msgStale)
			},
			want: []want{{
				id: "NSB-GV-001", symptom: lnApp,
				chain: []string{lnApp, lnGV, lnAPISvc},
				root:  lnAPISvc, rootProblem: "is Available now",
			}},
		},
		{
			name: "APIService deleted since",
			mutate: func(f *fx) {
				discoveryFails(f, msgStale)
				f.remove(pAPIServices, "", "v1beta1.metrics.k8s.io")
			},
			want: []want{{
				id: "NSB-GV-001", symptom: lnApp,
				chain: []string{lnApp, lnGV, lnAPISvc},
				root:  lnAPISvc, rootProblem: "no APIService v1beta1.metrics.k8s.io exists",
			}},
		},
		{
			name: "APIService not in a list that is incomplete: no claim that it is deleted",
			mutate: func(f *fx) {
				discoveryFails(f, msgStale)
				f.remove(pAPIServices, "", "v1beta1.metrics.k8s.io")
				f.requests = append(f.requests, bundle.Request{Path: "/apis/apiregistration.k8s.io/v1/apiservices?limit=500&continue=x", Verb: "list",
					Status: 500, Error: "etcdserver: request timed out", File: pAPIServices})
			},
			want: []want{{
				id: "NSB-GV-001", symptom: lnApp,
				chain: []string{lnApp, lnGV, "MissingEvidence APIService v1beta1.metrics.k8s.io"},
				root:  "MissingEvidence APIService v1beta1.metrics.k8s.io", rootProblem: "is not among the bundle's APIService objects, which are incomplete (etcdserver: request timed out)",
			}},
		},
		{
			name: "Service not in a list that is incomplete: no claim that it does not exist",
			mutate: func(f *fx) {
				discoveryFails(f, msgLegacy)
				metricsAvailable(f, "False", "MissingEndpoints", msgMissingEP)
				f.remove(pServices, "kube-system", "metrics-server")
				f.requests = append(f.requests, bundle.Request{Path: "/api/v1/namespaces/kube-system/services", Verb: "list",
					Status: 403, Error: `services is forbidden: User "support" cannot list resource "services" in API group "" in the namespace "kube-system"`, File: pServices})
			},
			want: []want{{
				id: "NSB-SVC-001", symptom: lnApp,
				chain: []string{lnApp, lnGV, lnAPISvc, lnMS, "MissingEvidence Service kube-system/metrics-server"},
				root:  "MissingEvidence Service kube-system/metrics-server", rootProblem: "is not among the bundle's Service objects, which are incomplete (services is forbidden",
			}},
		},
		{
			name: "discovery error naming no group-version",
			mutate: func(f *fx) {
				discoveryFails(f, `Get "https://10.96.0.1:443/api": dial tcp 10.96.0.1:443: connect: connection refused`)
			},
			want: []want{{
				id: "NSB-NS-002", symptom: lnApp,
				chain: []string{lnApp, "GroupVersion unknown"},
				root:  "GroupVersion unknown", rootProblem: "names no group-version",
			}},
		},
	}
	runMutations(t, tests)
}
