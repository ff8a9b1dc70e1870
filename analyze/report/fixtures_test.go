package report

import (
	"time"

	"github.com/nsbundle/nsbundle/analyze"
)

// at parses an RFC 3339 time for a fixture's timeline.
func at(s string) *time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return &t
}

// Reports built by hand the way the rules will build them. Each is rendered
// to every format and compared with testdata/<name>.<format>.golden.

// ccmRoutesReport: a namespace Terminating because discovery of
// metrics.k8s.io/v1beta1 fails, down to the cloud-controller-manager that may
// not create routes.
func ccmRoutesReport() *analyze.Report {
	const (
		nsFile  = "resources/core/v1/namespaces.json"
		apiFile = "resources/apiregistration.k8s.io/v1/apiservices.json"
	)
	return &analyze.Report{
		Bundle: analyze.BundleInfo{
			Path:           "samples/discovery-failed-ccm-routes.tgz",
			Layout:         "nsbundle",
			ClusterVersion: "v1.37.2",
			CollectedAt:    "2026-11-23T06:30:00Z",
		},
		Findings: []analyze.Finding{{
			ID:       "NSB-108",
			Severity: analyze.SeverityCritical,
			Symptom:  analyze.Ref{Kind: analyze.KindNamespace, Name: "analytics"},
			Summary:  "Namespace analytics is stuck Terminating: the cloud-controller-manager may not create routes, so metrics-server is unreachable",
			Chain: []analyze.Link{
				{
					Ref: analyze.Ref{Kind: analyze.KindNamespace, Name: "analytics"}, Rule: "NSB-101",
					Problem: "Terminating for 3d4h; the namespace controller cannot discover every API group",
					Evidence: []analyze.Evidence{
						{Path: nsFile, Pointer: "/items/4/status/phase", Value: "Terminating"},
						{Path: nsFile, Pointer: "/items/4/status/conditions/0/message", Value: "Discovery failed for some groups, 1 failing: unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: stale GroupVersion discovery: metrics.k8s.io/v1beta1"},
					},
				},
				{
					Ref: analyze.Ref{Kind: analyze.KindGroupVersion, Name: "metrics.k8s.io/v1beta1"}, Rule: "NSB-102",
					Problem: "discovery of this group-version fails",
					Evidence: []analyze.Evidence{
						{Path: "discovery/errors.json", Pointer: "/metrics.k8s.io~1v1beta1", Value: "stale GroupVersion discovery: metrics.k8s.io/v1beta1"},
					},
				},
				{
					Ref: analyze.Ref{Kind: analyze.KindAPIService, Name: "v1beta1.metrics.k8s.io"}, Rule: "NSB-103",
					Problem: "Available=False (FailedDiscoveryCheck): the aggregator cannot reach the endpoint",
					Evidence: []analyze.Evidence{
						{Path: apiFile, Pointer: "/items/21/status/conditions/0/reason", Value: "FailedDiscoveryCheck"},
						{Path: apiFile, Pointer: "/items/21/status/conditions/0/message", Value: `failing or missing response from https://10.244.3.17:10250/apis/metrics.k8s.io/v1beta1: Get "https://10.244.3.17:10250/apis/metrics.k8s.io/v1beta1": dial tcp 10.244.3.17:10250: connect: no route to host`},
					},
				},
				{
					Ref: analyze.Ref{Kind: analyze.KindService, Namespace: "kube-system", Name: "metrics-server"}, Rule: "NSB-104",
					Problem: "its only endpoint is 10.244.3.17:10250",
					Evidence: []analyze.Evidence{
						{Path: "resources/core/v1/services.json", Pointer: "/items/9/spec/selector/k8s-app", Value: "metrics-server"},
					},
				},
				{
					Ref: analyze.Ref{Kind: analyze.KindEndpointSlice, Namespace: "kube-system", Name: "metrics-server-8xk2p"}, Rule: "NSB-104",
					Problem: "endpoint 10.244.3.17 is ready but belongs to a pod on node worker-3",
					Evidence: []analyze.Evidence{
						{Path: "resources/discovery.k8s.io/v1/endpointslices.json", Pointer: "/items/14/endpoints/0/addresses/0", Value: "10.244.3.17"},
						{Path: "resources/discovery.k8s.io/v1/endpointslices.json", Pointer: "/items/14/endpoints/0/targetRef/name", Value: "metrics-server-6d94bc8694-q7vls"},
					},
				},
				{
					Ref: analyze.Ref{Kind: analyze.KindPod, Namespace: "kube-system", Name: "metrics-server-6d94bc8694-q7vls"}, Rule: "NSB-105",
					Problem: "Running on worker-3, whose pod network has no route",
					Evidence: []analyze.Evidence{
						{Path: "resources/core/v1/pods/kube-system.json", Pointer: "/items/31/spec/nodeName", Value: "worker-3"},
					},
				},
				{
					Ref: analyze.Ref{Kind: analyze.KindNode, Name: "worker-3"}, Rule: "NSB-106",
					Problem: "NetworkUnavailable=True (NoRouteCreated) for 3d4h",
					Evidence: []analyze.Evidence{
						{Path: "resources/core/v1/nodes.json", Pointer: "/items/3/status/conditions/0/message", Value: "RouteController failed to create a route"},
						{Path: "resources/core/v1/nodes.json", Pointer: "/items/3/spec/podCIDR", Value: "10.244.3.0/24"},
					},
				},
				{
					Ref: analyze.Ref{Kind: analyze.KindComponent, Namespace: "kube-system", Name: "cloud-controller-manager"}, Rule: "NSB-108",
					Problem: "the route controller is refused by the cloud API: permission compute.routes.insert is missing",
					Evidence: []analyze.Evidence{
						{Path: "logs/kube-system/cloud-controller-manager-cp-1/cloud-controller-manager.log", Line: 4187, Value: `E1123 05:58:12.441207       1 route_controller.go:325] "Could not create route" err="googleapi: Error 403: Required 'compute.routes.insert' permission for 'projects/acme-prod/global/routes/kubernetes-3f0e2a1c', forbidden" route="kubernetes-3f0e2a1c" node="worker-3" destinationCIDR="10.244.3.0/24"`},
						{Path: "logs/kube-system/cloud-controller-manager-cp-1/cloud-controller-manager.log", Line: 4188, Value: `E1123 05:58:12.441390       1 route_controller.go:137] "Couldn't reconcile node routes" err="error creating route for node worker-3: googleapi: Error 403: Required 'compute.routes.insert' permission, forbidden"`},
						{Path: "logs/kube-system/cloud-controller-manager-cp-1/cloud-controller-manager.log", Line: 5210, Value: `E1123 06:28:12.440012       1 route_controller.go:325] "Could not create route" err="googleapi: Error 403: Required 'compute.routes.insert' permission, forbidden" node="worker-3"`},
						{Path: "logs/kube-system/cloud-controller-manager-cp-1/cloud-controller-manager.log", Line: 5211, Value: `E1123 06:28:12.440101       1 route_controller.go:137] "Couldn't reconcile node routes"`},
					},
				},
			},
			Timeline: []analyze.Moment{
				{Time: at("2026-11-19T23:58:12.441207Z"), Ref: analyze.Ref{Kind: analyze.KindComponent, Namespace: "kube-system", Name: "cloud-controller-manager"},
					What:     `first of 361 like lines in cloud-controller-manager's log: "Could not create route" err="googleapi: Error 403: Required 'compute.routes.insert' … forbidden"`,
					Evidence: &analyze.Evidence{Path: "logs/kube-system/cloud-controller-manager-cp-1/cloud-controller-manager.log", Line: 12, Value: `E1119 23:58:12.441207       1 route_controller.go:325] "Could not create route" err="googleapi: Error 403: Required 'compute.routes.insert' permission, forbidden"`}},
				{Time: at("2026-11-20T00:00:03Z"), Ref: analyze.Ref{Kind: analyze.KindNode, Name: "worker-3"}, What: "became NetworkUnavailable=True (NoRouteCreated)",
					Evidence: &analyze.Evidence{Path: "resources/core/v1/nodes.json", Pointer: "/items/3/status/conditions/0/lastTransitionTime", Value: "lastTransitionTime 2026-11-20T00:00:03Z"}},
				{Time: at("2026-11-20T00:01:10Z"), Ref: analyze.Ref{Kind: analyze.KindAPIService, Name: "v1beta1.metrics.k8s.io"}, What: "became Available=False (FailedDiscoveryCheck)",
					Evidence: &analyze.Evidence{Path: apiFile, Pointer: "/items/21/status/conditions/0/lastTransitionTime", Value: "lastTransitionTime 2026-11-20T00:01:10Z"}},
				{Time: at("2026-11-20T02:14:00Z"), Ref: analyze.Ref{Kind: analyze.KindNamespace, Name: "analytics"}, What: "deletion requested (deletionTimestamp)",
					Evidence: &analyze.Evidence{Path: nsFile, Pointer: "/items/4/metadata/deletionTimestamp", Value: "deletionTimestamp 2026-11-20T02:14:00Z"}},
				{Time: at("2026-11-20T02:14:05Z"), Ref: analyze.Ref{Kind: analyze.KindGroupVersion, Name: "metrics.k8s.io/v1beta1"}, What: "became NamespaceDeletionDiscoveryFailure=True (DiscoveryFailed) (Namespace analytics)",
					Evidence: &analyze.Evidence{Path: nsFile, Pointer: "/items/4/status/conditions/0/lastTransitionTime", Value: "lastTransitionTime 2026-11-20T02:14:05Z"}},
				{Time: at("2026-11-20T02:14:05Z"), Ref: analyze.Ref{Kind: analyze.KindNamespace, Name: "analytics"}, What: "became NamespaceDeletionDiscoveryFailure=True (DiscoveryFailed)",
					Evidence: &analyze.Evidence{Path: nsFile, Pointer: "/items/4/status/conditions/0/lastTransitionTime", Value: "lastTransitionTime 2026-11-20T02:14:05Z"}},
				{Time: at("2026-11-23T06:28:12.440012Z"), Ref: analyze.Ref{Kind: analyze.KindComponent, Namespace: "kube-system", Name: "cloud-controller-manager"},
					What:     `last of 361 like lines in cloud-controller-manager's log: "Could not create route" err="googleapi: Error 403: Required 'compute.routes.insert' … forbidden"`,
					Evidence: &analyze.Evidence{Path: "logs/kube-system/cloud-controller-manager-cp-1/cloud-controller-manager.log", Line: 5210, Value: `E1123 06:28:12.440012       1 route_controller.go:325] "Could not create route" err="googleapi: Error 403: Required 'compute.routes.insert' permission, forbidden" node="worker-3"`}},
				{Ref: analyze.Ref{Kind: analyze.KindService, Namespace: "kube-system", Name: "metrics-server"}, What: analyze.Undated},
				{Ref: analyze.Ref{Kind: analyze.KindEndpointSlice, Namespace: "kube-system", Name: "metrics-server-8xk2p"}, What: analyze.Undated},
				{Ref: analyze.Ref{Kind: analyze.KindPod, Namespace: "kube-system", Name: "metrics-server-6d94bc8694-q7vls"}, What: analyze.Undated},
			},
			Began:    at("2026-11-19T23:58:12.441207Z"),
			Sequence: "2026-11-19 23:58:12 Component/kube-system/cloud-controller-manager → 2026-11-20 00:00:03 Node/worker-3 → undated Pod/kube-system/metrics-server-6d94bc8694-q7vls → undated EndpointSlice/kube-system/metrics-server-8xk2p → undated Service/kube-system/metrics-server → 00:01:10 APIService/v1beta1.metrics.k8s.io → 02:14:05 GroupVersion/metrics.k8s.io/v1beta1 → 02:14:00 Namespace/analytics",
			RootCause: analyze.RootCause{
				Ref:     analyze.Ref{Kind: analyze.KindComponent, Namespace: "kube-system", Name: "cloud-controller-manager"},
				Problem: "its cloud identity lacks compute.routes.insert, so no route exists for worker-3's pod CIDR",
			},
			Fix: "Give the cloud-controller-manager's cloud identity permission to manage routes again\n" +
				"(compute.routes.insert, compute.routes.delete on project acme-prod), then wait for the\n" +
				"route controller's next sync (≤ 10 s). Do not remove the namespace's finalizer: the\n" +
				"namespace finishes by itself once metrics.k8s.io/v1beta1 answers.",
			Verify: analyze.Verify{Command: "kubectl wait --for=condition=Available apiservice/v1beta1.metrics.k8s.io --timeout=2m", Expect: "exit status 0 and \"condition met\""},
		}},
		Notes: []string{"logs/kube-system/metrics-server-6d94bc8694-q7vls: not collected (pod on an unreachable node)"},
	}
}

// kcmClusterRoleReport: kube-controller-manager crash-loops because its
// ClusterRole was deleted; three namespaces wait on it.
func kcmClusterRoleReport() *analyze.Report {
	const kcmLog = "logs/kube-system/kube-controller-manager-cp-1/kube-controller-manager.previous.log"
	const (
		kcmFirst = `first of 38 like lines in kube-controller-manager's log: "Error initializing a controller" err="f … controller="namespace"`
		kcmLast  = `last of 38 like lines in kube-controller-manager's log: "Error initializing a controller" err="f … controller="namespace"`
	)
	auditLine := analyze.Evidence{Path: "logs/audit/audit.log", Line: 8812, Value: `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"5d0c8f0e-7b1a-4c39-9d55-2f1e0c9a7b11","stage":"ResponseComplete","requestURI":"/apis/rbac.authorization.k8s.io/v1/clusterroles/system:kube-controller-manager","verb":"delete","user":{"username":"dana","groups":["dashboard-admins","system:authenticated"]},"sourceIPs":["10.0.0.7"],"userAgent":"kubectl/v1.37.2 (linux/amd64) kubernetes/4b1e6e2","objectRef":{"resource":"clusterroles","name":"system:kube-controller-manager","apiGroup":"rbac.authorization.k8s.io","apiVersion":"v1"},"responseStatus":{"code":200},"requestReceivedTimestamp":"2026-11-23T05:10:02.183911Z","stageTimestamp":"2026-11-23T05:10:02.191204Z"}`}
	kcmFirstLine := analyze.Evidence{Path: kcmLog, Line: 3, Value: `E1123 05:12:40.118020       1 controllermanager.go:794] "Error initializing a controller" err="…" controller="namespace"`}
	kcmLastLine := analyze.Evidence{Path: kcmLog, Line: 212, Value: `E1123 06:40:51.002311       1 controllermanager.go:794] "Error initializing a controller" err="…" controller="namespace"`}
	return &analyze.Report{
		Bundle: analyze.BundleInfo{
			Path:           "samples/kcm-clusterrole-deleted.tgz",
			Layout:         "nsbundle",
			ClusterVersion: "v1.37.2",
			CollectedAt:    "2026-11-23T06:41:09Z",
		},
		Findings: []analyze.Finding{{
			ID:          "NSB-120",
			Severity:    analyze.SeverityCritical,
			Symptom:     analyze.Ref{Kind: analyze.KindNamespace, Name: "team-a"},
			AlsoAffects: []analyze.Ref{{Kind: analyze.KindNamespace, Name: "team-b"}, {Kind: analyze.KindNamespace, Name: "ci-tmp-8812"}},
			Summary:     "Namespace team-a is stuck Terminating: kube-controller-manager crash-loops because ClusterRole system:kube-controller-manager was deleted",
			Chain: []analyze.Link{
				{
					Ref: analyze.Ref{Kind: analyze.KindNamespace, Name: "team-a"}, Rule: "NSB-101",
					Problem: "Terminating for 47m with no deletion condition: the namespace controller never ran",
					Evidence: []analyze.Evidence{
						{Path: "resources/core/v1/namespaces.json", Pointer: "/items/7/metadata/deletionTimestamp", Value: "2026-11-23T05:54:02Z"},
						{Path: "resources/core/v1/namespaces.json", Pointer: "/items/7/status/conditions", Value: "null"},
					},
				},
				{
					Ref: analyze.Ref{Kind: analyze.KindComponent, Namespace: "kube-system", Name: "kube-controller-manager"}, Rule: "NSB-120",
					Problem: "crash-loops: every start fails to build its controllers and exits (leaseTransitions 38)",
					Evidence: []analyze.Evidence{
						{Path: "resources/coordination.k8s.io/v1/leases/kube-system.json", Pointer: "/items/2/spec/leaseTransitions", Value: "38"},
						{Path: kcmLog, Line: 212, Value: `E1123 06:40:51.002311       1 controllermanager.go:794] "Error initializing a controller" err="failed to create Kubernetes client config for \"namespace\": serviceaccounts \"namespace-controller\" is forbidden: User \"system:kube-controller-manager\" cannot get resource \"serviceaccounts\" in API group \"\" in the namespace \"kube-system\": rbac: RBAC: clusterrole.rbac.authorization.k8s.io \"system:kube-controller-manager\" not found" controller="namespace"`},
						{Path: kcmLog, Line: 213, Value: `E1123 06:40:51.002398       1 controllermanager.go:353] "Error building controllers" err="failed to create Kubernetes client config for \"namespace\": …"`},
						{Path: kcmLog, Line: 214, Value: `E1123 06:40:51.002514       1 controllermanager.go:389] "leaderelection lost/stopped"`},
					},
				},
				{
					Ref: analyze.Ref{Kind: analyze.KindClusterRole, Name: "system:kube-controller-manager"}, Rule: "NSB-121",
					Problem: "does not exist, but ClusterRoleBinding system:kube-controller-manager still refers to it",
					Evidence: []analyze.Evidence{
						{Path: "resources/rbac.authorization.k8s.io/v1/clusterrolebindings.json", Pointer: "/items/40/roleRef/name", Value: "system:kube-controller-manager"},
					},
					ChangedBy: &analyze.Change{
						User: "dana", Groups: []string{"dashboard-admins", "system:authenticated"}, UserAgent: "kubectl/v1.37.2 (linux/amd64) kubernetes/4b1e6e2",
						SourceIPs: []string{"10.0.0.7"}, Verb: "delete", Time: *at("2026-11-23T05:10:02.183911Z"), Evidence: auditLine,
					},
				},
			},
			Timeline: []analyze.Moment{
				{Time: at("2026-11-23T05:10:02.183911Z"), Ref: analyze.Ref{Kind: analyze.KindClusterRole, Name: "system:kube-controller-manager"}, What: "deleted by dana (audit log)", Evidence: &auditLine},
				{Time: at("2026-11-23T05:12:40.118020Z"), Ref: analyze.Ref{Kind: analyze.KindClusterRole, Name: "system:kube-controller-manager"}, What: kcmFirst, Evidence: &kcmFirstLine},
				{Time: at("2026-11-23T05:12:40.118020Z"), Ref: analyze.Ref{Kind: analyze.KindComponent, Namespace: "kube-system", Name: "kube-controller-manager"}, What: kcmFirst, Evidence: &kcmFirstLine},
				{Time: at("2026-11-23T05:54:02Z"), Ref: analyze.Ref{Kind: analyze.KindNamespace, Name: "team-a"}, What: "deletion requested (deletionTimestamp)",
					Evidence: &analyze.Evidence{Path: "resources/core/v1/namespaces.json", Pointer: "/items/7/metadata/deletionTimestamp", Value: "deletionTimestamp 2026-11-23T05:54:02Z"}},
				{Time: at("2026-11-23T06:40:51.002311Z"), Ref: analyze.Ref{Kind: analyze.KindComponent, Namespace: "kube-system", Name: "kube-controller-manager"}, What: kcmLast, Evidence: &kcmLastLine},
			},
			Began:    at("2026-11-23T05:10:02.183911Z"),
			Sequence: "2026-11-23 05:10:02 ClusterRole/system:kube-controller-manager → 05:12:40 Component/kube-system/kube-controller-manager → 05:54:02 Namespace/team-a",
			RootCause: analyze.RootCause{
				Ref:     analyze.Ref{Kind: analyze.KindClusterRole, Name: "system:kube-controller-manager"},
				Problem: "deleted; kube-apiserver recreates bootstrap roles only when it starts",
			},
			Fix: "Restart kube-apiserver (its rbac/bootstrap-roles hook recreates the role), or restore it:\n" +
				"  kubectl get clusterrole system:kube-controller-manager -o yaml   # on a healthy cluster of the same version\n" +
				"  kubectl apply -f system-kube-controller-manager.yaml\n" +
				"Do not strip the namespaces' finalizers: they finish once the controller-manager runs.",
			Verify: analyze.Verify{Command: "kubectl get clusterrole system:kube-controller-manager\n" +
				"kubectl -n kube-system get lease kube-controller-manager \\\n" +
				"  -o jsonpath='{.spec.holderIdentity}{\"\\n\"}'\n" +
				"kubectl get namespace team-a team-b ci-tmp-8812", Expect: "the same holder twice"},
		}},
	}
}

// emptyReport: a healthy cluster.
func emptyReport() *analyze.Report {
	return &analyze.Report{Bundle: analyze.BundleInfo{
		Path:           "samples/healthy.tgz",
		Layout:         "nsbundle",
		ClusterVersion: "v1.37.2",
		CollectedAt:    "2026-11-23T06:12:44Z",
	}}
}

// hostileReport carries every character that could break a format: quotes,
// backslashes (also trailing), newlines, ANSI escapes, markup, backticks,
// Mermaid entities, DOT escapes such as \N and \l.
func hostileReport() *analyze.Report {
	const nasty = "a \"quoted\" \\back\\slash\\\nnew line\x1b[31mred\x1b[0m <script>alert(1)</script> **bold** `tick` ``` #35; &amp; | pipe \\N \\l"
	ref := analyze.Ref{Kind: analyze.KindConfigMap, Namespace: "ns\"x\\", Name: "cm\nname\\"}
	return &analyze.Report{
		Bundle: analyze.BundleInfo{Path: "/tmp/we\"ird\\dir/b.tgz", Layout: "nsbundle"},
		Findings: []analyze.Finding{{
			ID:       "NSB-999",
			Severity: analyze.SeverityWarning,
			Symptom:  analyze.Ref{Kind: analyze.KindNamespace, Name: "1. not a list"},
			Summary:  "# not a heading " + nasty,
			Chain: []analyze.Link{
				{Ref: analyze.Ref{Kind: analyze.KindNamespace, Name: "1. not a list"}, Rule: "NSB-999", Problem: "- not a bullet " + nasty,
					Evidence: []analyze.Evidence{{Path: "resources/x.json", Pointer: "/items/0/data/k`ey", Value: nasty}}},
				{Ref: ref, Rule: "NSB-999", Problem: nasty,
					Evidence: []analyze.Evidence{{Path: "logs/a b/c.log", Line: 7, Value: "```\n</pre><script>x()</script>\\"}}},
				{Ref: analyze.Ref{Kind: analyze.KindEvidence, Name: "kube-controller-manager logs"}, Rule: "NSB-999", Problem: "not collected (403)"},
			},
			Timeline: []analyze.Moment{
				{Time: at("2026-11-23T23:59:59Z"), Ref: ref, What: "became " + nasty, Evidence: &analyze.Evidence{Path: "resources/x.json", Pointer: "/items/0/status/conditions/0/lastTransitionTime", Value: nasty}},
				{Time: at("2026-11-24T00:00:01Z"), Ref: analyze.Ref{Kind: analyze.KindNamespace, Name: "1. not a list"}, What: "1. " + nasty, Evidence: &analyze.Evidence{Path: "logs/a b/c.log", Line: 7, Value: nasty}},
				{Ref: analyze.Ref{Kind: analyze.KindEvidence, Name: "kube-controller-manager logs"}, What: analyze.Undated},
			},
			Sequence:      "undated Evidence/kube-controller-manager logs → 2026-11-23 23:59:59 " + nasty,
			OrderWarnings: []string{"impossible order: " + nasty},
			RootCause:     analyze.RootCause{Ref: analyze.Ref{Kind: analyze.KindEvidence, Name: "kube-controller-manager logs"}, Problem: "not collected (403)"},
			Fix:           "```\nrm -rf / # no\n</pre>" + nasty,
			Verify:        analyze.Verify{Command: "echo \"done\" | grep '`' \\\n  && true", Expect: "<b>done</b> & `quoted`"},
			Missing:       []string{"> not a quote", nasty},
		}},
		Notes: []string{nasty},
	}
}
