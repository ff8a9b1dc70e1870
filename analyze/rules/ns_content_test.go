package rules_test

import (
	"strings"
	"testing"
	"time"

	"github.com/nsbundle/nsbundle/bundle"
)

// Namespace deletion failure texts (KUBERNETES-FACTS.md §1.1, §5-§7).
const (
	msgConversion = `Failed to delete all resource types, 1 remaining: conversion webhook for stable.example.com/v1, Kind=Widget failed: Post "https://widget-conversion.widgets.svc:443/convert?timeout=30s": service "widget-conversion" not found`
	// Seen in github.com/kubernetes/kubernetes/issues/118357 (Kind with dashes).
	msgConversionE2E = `Failed to delete all resource types, 1 remaining: conversion webhook for stable.example.com/v1, Kind=e2e-test-crd-webhook-1905-crd failed: Post "https://e2e-test-crd-conversion-webhook.crd-webhook-4864.svc:9443/crdconvert?timeout=30s": service "e2e-test-crd-conversion-webhook" not found`
	msgAdmission     = `Failed to delete all resource types, 1 remaining: Internal error occurred: failed calling webhook "deny.example.com": failed to call webhook: Post "https://deny.ns.svc:443/validate?timeout=10s": service "deny" not found`
	msgDenied        = `Failed to delete all resource types, 1 remaining: admission webhook "deny.example.com" denied the request: deletes are frozen`
	msgFinalizers    = "Some content in the namespace has finalizers remaining: example.com/protect in 2 resource instances"
	msgRemaining     = "Some resources are remaining: widgets.example.com has 2 resource instances"
	msgPodsRemain    = "Failed to delete all resource types, 1 remaining: unexpected items still remain in namespace: web for gvr: /v1, Resource=pods"
	msgNodeUnknown   = "Kubelet stopped posting node status."
)

// crd is a namespaced CRD whose conversion webhook is served by svcNS/svc.
func crd(group, plural, kind, svcNS, svc string) obj {
	return obj{"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": meta("", plural+"."+group),
		"spec": obj{"group": group, "scope": "Namespaced",
			"names":    obj{"plural": plural, "kind": kind, "singular": plural[:len(plural)-1], "listKind": kind + "List"},
			"versions": []any{obj{"name": "v1", "served": true, "storage": true}, obj{"name": "v1beta1", "served": true, "storage": false}},
			"conversion": obj{"strategy": "Webhook", "webhook": obj{"conversionReviewVersions": []any{"v1"},
				"clientConfig": obj{"service": obj{"namespace": svcNS, "name": svc, "path": "/convert", "port": 443}}}}},
		"status": obj{"storedVersions": []any{"v1beta1", "v1"}, "conditions": []any{
			cond("NamesAccepted", "True", "NoConflicts", "no conflicts found"),
			cond("Established", "True", "InitialNamesAccepted", "the initial names have been accepted")}}}
}

func validatingWebhook(cfg, hook, svcNS, svc string, policy any) obj {
	h := obj{"name": hook, "admissionReviewVersions": []any{"v1"}, "sideEffects": "None", "timeoutSeconds": 10,
		"clientConfig": obj{"service": obj{"namespace": svcNS, "name": svc, "path": "/validate", "port": 443}},
		"rules":        []any{obj{"operations": []any{"DELETE"}, "apiGroups": []any{"*"}, "apiVersions": []any{"*"}, "resources": []any{"*"}, "scope": "Namespaced"}}}
	if policy != nil {
		h["failurePolicy"] = policy
	}
	return obj{"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration", "metadata": meta("", cfg), "webhooks": []any{h}}
}

// stuck adds namespace name (index 4) Terminating for 20 minutes with the
// given failing conditions.
func stuck(f *fx, name string, bad ...obj) {
	f.add(pNamespaces, terminating(name, 20*time.Minute, nsConds(bad...)...))
}

func contentFailure(msg string) obj {
	return cond("NamespaceDeletionContentFailure", "True", "ContentDeletionFailed", msg)
}

func TestNamespaceContentChains(t *testing.T) {
	t.Parallel()
	tests := []mutation{
		{
			name: "conversion webhook Service missing",
			mutate: func(f *fx) {
				stuck(f, "team-a", contentFailure(msgConversion))
				f.add(pCRDs, crd("stable.example.com", "widgets", "Widget", "widgets", "widget-conversion"))
			},
			want: []want{{
				id: "NSB-CRD-001", symptom: "Namespace team-a",
				chain: []string{"Namespace team-a", "CustomResourceDefinition widgets.stable.example.com", "Service widgets/widget-conversion"},
				root:  "Service widgets/widget-conversion", rootProblem: "does not exist, but CRD widgets.stable.example.com's conversion webhook points at it",
				evidence: []wantEv{
					{link: 1, path: pNamespaces, pointer: "/items/4/status/conditions/2", value: "NamespaceDeletionContentFailure=True (ContentDeletionFailed): " + msgConversion},
					{link: 2, path: pCRDs, pointer: "/items/0/spec/conversion/webhook/clientConfig/service", value: "service widgets/widget-conversion"},
				},
			}},
		},
		{
			name: "conversion webhook Service missing, Kind with dashes (e2e wording)",
			mutate: func(f *fx) {
				stuck(f, "team-a", contentFailure(msgConversionE2E))
				f.add(pCRDs, crd("stable.example.com", "e2e-test-crd-webhook-1905-crds", "e2e-test-crd-webhook-1905-crd", "crd-webhook-4864", "e2e-test-crd-conversion-webhook"))
			},
			want: []want{{
				id: "NSB-CRD-001", symptom: "Namespace team-a",
				chain: []string{"Namespace team-a", "CustomResourceDefinition e2e-test-crd-webhook-1905-crds.stable.example.com", "Service crd-webhook-4864/e2e-test-crd-conversion-webhook"},
				root:  "Service crd-webhook-4864/e2e-test-crd-conversion-webhook", rootProblem: "does not exist",
			}},
		},
		{
			name: "conversion webhook Service missing, 1.16-1.18 wording (the object printed with %v)",
			mutate: func(f *fx) {
				stuck(f, "team-a", contentFailure(`Failed to delete all resource types, 1 remaining: conversion webhook for &{map[apiVersion:stable.example.com/v1 kind:Widget metadata:map[creationTimestamp:2020-06-01T10:00:00Z name:w1 namespace:team-a] spec:map[size:3]]} failed: Post https://widget-conversion.widgets.svc:443/convert?timeout=30s: service "widget-conversion" not found`))
				f.add(pCRDs, crd("stable.example.com", "widgets", "Widget", "widgets", "widget-conversion"))
			},
			want: []want{{
				id: "NSB-CRD-001", symptom: "Namespace team-a",
				chain: []string{"Namespace team-a", "CustomResourceDefinition widgets.stable.example.com", "Service widgets/widget-conversion"},
				root:  "Service widgets/widget-conversion", rootProblem: "does not exist",
			}},
		},
		{
			name: "conversion failure seen only by the collector's content inventory",
			mutate: func(f *fx) {
				stuck(f, "team-a")
				f.add(pCRDs, crd("stable.example.com", "widgets", "Widget", "widgets", "widget-conversion"))
				f.files["terminating/team-a.json"] = mustJSON(t, bundle.NamespaceContent{Namespace: "team-a", Resources: []bundle.RemainingContent{
					{Group: "", Version: "v1", Resource: "configmaps", Kind: "ConfigMap", Count: 1, Items: []bundle.RemainingItem{{Name: "kube-root-ca.crt"}}},
					{Group: "stable.example.com", Version: "v1", Resource: "widgets", Kind: "Widget", Status: 500,
						Error: `conversion webhook for stable.example.com/v1, Kind=Widget failed: Post "https://widget-conversion.widgets.svc:443/convert?timeout=30s": service "widget-conversion" not found`},
				}})
			},
			want: []want{{
				id: "NSB-CRD-001", symptom: "Namespace team-a",
				chain: []string{"Namespace team-a", "CustomResourceDefinition widgets.stable.example.com", "Service widgets/widget-conversion"},
				root:  "Service widgets/widget-conversion", rootProblem: "does not exist",
				evidence: []wantEv{{link: 1, path: "terminating/team-a.json", pointer: "/resources/1/error", value: "conversion webhook for stable.example.com/v1, Kind=Widget failed"}},
			}},
		},
		{
			name: "conversion webhook Service present, no pod behind it",
			mutate: func(f *fx) {
				stuck(f, "team-a", contentFailure(msgConversion))
				f.add(pCRDs, crd("stable.example.com", "widgets", "Widget", "widgets", "widget-conversion"))
				f.add(pServices, service("widgets", "widget-conversion", "10.96.0.40", map[string]any{"app": "widget-operator"}))
			},
			want: []want{{
				id: "NSB-SVC-001", symptom: "Namespace team-a",
				chain: []string{"Namespace team-a", "CustomResourceDefinition widgets.stable.example.com", "Service widgets/widget-conversion"},
				root:  "Service widgets/widget-conversion", rootProblem: "selector app=widget-operator matches no pod",
			}},
		},
		{
			name: "admission webhook Service missing",
			mutate: func(f *fx) {
				stuck(f, "team-a", contentFailure(msgAdmission))
				f.add(pValidating, validatingWebhook("deny-deletes", "deny.example.com", "ns", "deny", "Fail"))
			},
			want: []want{{
				id: "NSB-WH-001", symptom: "Namespace team-a",
				chain: []string{"Namespace team-a", "ValidatingWebhookConfiguration deny-deletes", "Service ns/deny"},
				root:  "Service ns/deny", rootProblem: "does not exist, but webhook deny.example.com (failurePolicy Fail) calls it",
				evidence: []wantEv{
					{link: 1, path: pNamespaces, pointer: "/items/4/status/conditions/2", value: msgAdmission},
					{link: 2, path: pValidating, pointer: "/items/0/webhooks/0/clientConfig/service", value: "service ns/deny, failurePolicy Fail"},
				},
			}},
		},
		{
			name: "admission webhook Service missing: the webhook the message names, not the first of its configuration",
			mutate: func(f *fx) {
				stuck(f, "team-a", contentFailure(msgAdmission))
				cfg := validatingWebhook("deny-deletes", "validate.healthy.example.com", "ns", "healthy-svc", "Fail")
				second := validatingWebhook("x", "deny.example.com", "ns", "deny", "Fail")["webhooks"].([]any)[0]
				cfg["webhooks"] = append(cfg["webhooks"].([]any), second)
				f.add(pValidating, cfg)
			},
			want: []want{{
				id: "NSB-WH-001", symptom: "Namespace team-a",
				chain: []string{"Namespace team-a", "ValidatingWebhookConfiguration deny-deletes", "Service ns/deny"},
				root:  "Service ns/deny", rootProblem: "does not exist, but webhook deny.example.com (failurePolicy Fail) calls it",
				evidence: []wantEv{
					{link: 2, path: pValidating, pointer: "/items/0/webhooks/1/clientConfig/service", value: "service ns/deny, failurePolicy Fail"},
				},
			}},
		},
		{
			name: "admission webhook Service missing, failurePolicy defaulted",
			mutate: func(f *fx) {
				stuck(f, "team-a", contentFailure(msgAdmission))
				f.add(pValidating, validatingWebhook("deny-deletes", "deny.example.com", "ns", "deny", nil))
			},
			want: []want{{
				id: "NSB-WH-001", symptom: "Namespace team-a",
				chain: []string{"Namespace team-a", "ValidatingWebhookConfiguration deny-deletes", "Service ns/deny"},
				root:  "Service ns/deny", rootProblem: "(failurePolicy Fail)",
			}},
		},
		{
			name: "admission webhook configurations not collected",
			mutate: func(f *fx) {
				stuck(f, "team-a", contentFailure(msgAdmission))
				delete(f.lists, pValidating)
				f.requests = append(f.requests, bundle.Request{Path: "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations?limit=500", Verb: "list",
					Status: 403, Reason: "Forbidden", File: pValidating,
					Error: `validatingwebhookconfigurations.admissionregistration.k8s.io is forbidden: User "support@example.com" cannot list resource "validatingwebhookconfigurations" in API group "admissionregistration.k8s.io" at the cluster scope`})
			},
			want: []want{{
				id: "NSB-WH-001", symptom: "Namespace team-a",
				chain: []string{"Namespace team-a", "WebhookConfiguration deny.example.com", "MissingEvidence webhook configurations"},
				root:  "MissingEvidence webhook configurations", rootProblem: "(403: validatingwebhookconfigurations.admissionregistration.k8s.io is forbidden",
			}},
		},
		{
			name: "mutating webhook Service missing",
			mutate: func(f *fx) {
				stuck(f, "team-a", contentFailure(`Failed to delete all resource types, 1 remaining: Internal error occurred: failed calling webhook "inject.example.com": failed to call webhook: Post "https://injector.mesh.svc:443/mutate?timeout=10s": service "injector" not found`))
				h := validatingWebhook("injector", "inject.example.com", "mesh", "injector", "Fail")
				h["kind"] = "MutatingWebhookConfiguration"
				f.add(pMutating, h)
			},
			want: []want{{
				id: "NSB-WH-001", symptom: "Namespace team-a",
				chain: []string{"Namespace team-a", "MutatingWebhookConfiguration injector", "Service mesh/injector"},
				root:  "Service mesh/injector", rootProblem: "does not exist, but webhook inject.example.com (failurePolicy Fail) calls it",
				evidence: []wantEv{{link: 2, path: pMutating, pointer: "/items/0/webhooks/0/clientConfig/service", value: "service mesh/injector, failurePolicy Fail"}},
			}},
		},
		{
			name: "admission webhook answers and denies",
			mutate: func(f *fx) {
				stuck(f, "team-a", contentFailure(msgDenied))
				f.add(pValidating, validatingWebhook("deny-deletes", "deny.example.com", "ns", "deny", "Fail"))
				f.add(pServices, service("ns", "deny", "10.96.0.50", map[string]any{"app": "deny"}))
				f.add(pPods, pod("ns", "deny-1", "node-a", "10.244.0.50", map[string]any{"app": "deny"}, true))
			},
			want: []want{{
				id: "NSB-NS-003", symptom: "Namespace team-a",
				chain: []string{"Namespace team-a", "ValidatingWebhookConfiguration deny-deletes"},
				root:  "ValidatingWebhookConfiguration deny-deletes", rootProblem: "admission webhook deny.example.com answers and denies the namespace controller's deletes",
				evidence: []wantEv{{link: 1, path: pNamespaces, pointer: "/items/4/status/conditions/2", value: `admission webhook \"deny.example.com\" denied the request`[:0] + `denied the request: deletes are frozen`}},
			}},
		},
		{
			name: "kubernetes.io/pvc-protection while kube-controller-manager works: the chain stops and says so",
			mutate: func(f *fx) {
				stuck(f, "team-a", cond("NamespaceFinalizersRemaining", "True", "SomeFinalizersRemain",
					"Some content in the namespace has finalizers remaining: kubernetes.io/pvc-protection in 1 resource instances"))
			},
			want: []want{{
				id: "NSB-NS-004", symptom: "Namespace team-a",
				chain: []string{"Namespace team-a", "Finalizer team-a/kubernetes.io/pvc-protection"},
				root:  "Finalizer team-a/kubernetes.io/pvc-protection", rootProblem: "nothing has removed it",
				missing: "what blocks Finalizer team-a/kubernetes.io/pvc-protection: no rule explains it",
			}},
		},
		{
			name: "content finalizer nobody removes (condition)",
			mutate: func(f *fx) {
				stuck(f, "team-a",
					cond("NamespaceContentRemaining", "True", "SomeResourcesRemain", msgRemaining),
					cond("NamespaceFinalizersRemaining", "True", "SomeFinalizersRemain", msgFinalizers))
			},
			want: []want{{
				id: "NSB-FIN-001", symptom: "Namespace team-a",
				chain: []string{"Namespace team-a", "Finalizer team-a/example.com/protect"},
				root:  "Finalizer team-a/example.com/protect", rootProblem: "no controller removes example.com/protect",
				evidence: []wantEv{{link: 1, path: pNamespaces, pointer: "/items/4/status/conditions/4",
					value: "NamespaceFinalizersRemaining=True (SomeFinalizersRemain): " + msgFinalizers}},
				fix:    "(the bundle does not list them: `kubectl api-resources --verbs=list --namespaced -o name | xargs -n1 kubectl get -n team-a --ignore-not-found -o name` finds them)",
				verify: "kubectl wait --for=delete namespace/team-a --timeout=5m",
			}},
		},
		{
			name: "content finalizer nobody removes (collector inventory only)",
			mutate: func(f *fx) {
				stuck(f, "team-a")
				f.files["terminating/team-a.json"] = mustJSON(t, bundle.NamespaceContent{Namespace: "team-a", Resources: []bundle.RemainingContent{
					{Group: "example.com", Version: "v1", Resource: "widgets", Kind: "Widget", Count: 2, Items: []bundle.RemainingItem{
						{Name: "w1", Finalizers: []string{"example.com/protect"}}, {Name: "w2", Finalizers: []string{"example.com/other", "example.com/protect"}}}},
					{Version: "v1", Resource: "configmaps", Kind: "ConfigMap", Count: 1, Items: []bundle.RemainingItem{
						{Name: "cm", Finalizers: []string{"example.com/protect"}}}},
				}})
			},
			want: []want{{
				// Each finalizer is its own root cause.
				id: "NSB-FIN-001", symptom: "Namespace team-a",
				chain: []string{"Namespace team-a", "Finalizer team-a/example.com/other"},
				root:  "Finalizer team-a/example.com/other", rootProblem: "no controller removes example.com/other",
				fix: `kubectl patch widgets.example.com w2 -n team-a --type=json -p '[{"op":"test","path":"/metadata/finalizers/0","value":"example.com/other"},{"op":"remove","path":"/metadata/finalizers/0"}]'`,
			}, {
				id: "NSB-FIN-001", symptom: "Namespace team-a",
				chain: []string{"Namespace team-a", "Finalizer team-a/example.com/protect"},
				root:  "Finalizer team-a/example.com/protect", rootProblem: "no controller removes example.com/protect",
				evidence: []wantEv{
					{link: 1, path: "terminating/team-a.json", pointer: "/resources/0/items/1", value: `widgets.example.com w2 finalizers ["example.com/other", "example.com/protect"]`},
					{link: 1, path: "terminating/team-a.json", pointer: "/resources/1/items/0", value: `configmaps cm finalizers ["example.com/protect"]`},
				},
				// One entry, by index, tested first; the other finalizer stays.
				fix: "with a JSON patch that tests the finalizer's index and removes only that entry:\n" +
					`  kubectl patch widgets.example.com w1 -n team-a --type=json -p '[{"op":"test","path":"/metadata/finalizers/0","value":"example.com/protect"},{"op":"remove","path":"/metadata/finalizers/0"}]'` + "\n" +
					`  kubectl patch widgets.example.com w2 -n team-a --type=json -p '[{"op":"test","path":"/metadata/finalizers/1","value":"example.com/protect"},{"op":"remove","path":"/metadata/finalizers/1"}]'` + "\n" +
					`  kubectl patch configmaps cm -n team-a --type=json -p '[{"op":"test","path":"/metadata/finalizers/0","value":"example.com/protect"},{"op":"remove","path":"/metadata/finalizers/0"}]'`,
			}},
		},
		{
			name: "spec.finalizers entry besides kubernetes",
			mutate: func(f *fx) {
				stuck(f, "team-a")
				set(f.find(pNamespaces, "", "team-a"), "spec.finalizers", []any{"kubernetes", "example.com/cleanup"})
			},
			want: []want{{
				id: "NSB-NS-005", symptom: "Namespace team-a",
				chain: []string{"Namespace team-a", "Finalizer example.com/cleanup"},
				root:  "Finalizer example.com/cleanup", rootProblem: "spec.finalizers entry example.com/cleanup is not removed",
				evidence: []wantEv{
					{link: 0, path: pNamespaces, pointer: "/items/4/spec/finalizers", value: `["kubernetes", "example.com/cleanup"]`},
					{link: 1, path: pNamespaces, pointer: "/items/4/spec/finalizers/1", value: "example.com/cleanup"},
				},
			}},
		},
		{
			name: "spec.finalizers entry left alone after kubernetes was removed",
			mutate: func(f *fx) {
				stuck(f, "team-a")
				set(f.find(pNamespaces, "", "team-a"), "spec.finalizers", []any{"example.com/cleanup"})
			},
			want: []want{{
				id: "NSB-NS-005", symptom: "Namespace team-a",
				chain: []string{"Namespace team-a", "Finalizer example.com/cleanup"},
				root:  "Finalizer example.com/cleanup", rootProblem: "is not removed",
			}},
		},
		{
			name: "pods remaining on a node whose kubelet stopped",
			mutate: func(f *fx) {
				f.add(pNamespaces, terminating("web", 20*time.Minute, nsConds(contentFailure(msgPodsRemain))...))
				f.add(pNodes, node("node-c", cond("Ready", "Unknown", "NodeStatusUnknown", msgNodeUnknown)))
				p := pod("web", "web-0", "node-c", "10.244.2.7", map[string]any{"app": "web"}, false)
				set(p, "metadata.deletionTimestamp", ago(19*time.Minute))
				f.add(pPods, p)
			},
			want: []want{{
				id: "NSB-NODE-001", symptom: "Namespace web",
				chain: []string{"Namespace web", "Pod web/web-0", "Node node-c"},
				root:  "Node node-c", rootProblem: "its kubelet does not report: Ready=Unknown NodeStatusUnknown",
				evidence: []wantEv{
					{link: 1, path: pPods, pointer: "/items/2/metadata/deletionTimestamp", value: "2026-11-23T04:51:00Z"},
					{link: 1, path: pNamespaces, pointer: "/items/4/status/conditions/2", value: "unexpected items still remain in namespace: web for gvr: /v1, Resource=pods"},
					{link: 2, path: pNodes, pointer: "/items/2/status/conditions/0", value: "Ready=Unknown (NodeStatusUnknown): " + msgNodeUnknown},
				},
			}},
		},
		{
			name: "pods remaining seen by the collector's inventory, node stopped",
			mutate: func(f *fx) {
				f.add(pNamespaces, terminating("web", 20*time.Minute, nsConds()...))
				f.add(pNodes, node("node-c", cond("Ready", "Unknown", "NodeStatusUnknown", msgNodeUnknown)))
				p := pod("web", "web-0", "node-c", "10.244.2.7", nil, false)
				set(p, "metadata.deletionTimestamp", ago(30*time.Second))
				f.add(pPods, p)
				f.files["terminating/web.json"] = mustJSON(t, bundle.NamespaceContent{Namespace: "web", Resources: []bundle.RemainingContent{
					{Group: "", Version: "v1", Resource: "pods", Kind: "Pod", Count: 1, Items: []bundle.RemainingItem{{Name: "web-0"}}}}})
			},
			want: []want{{
				id: "NSB-NODE-001", symptom: "Namespace web",
				chain: []string{"Namespace web", "Pod web/web-0", "Node node-c"},
				root:  "Node node-c", rootProblem: "its kubelet does not report",
				evidence: []wantEv{{link: 1, path: "terminating/web.json", pointer: "/resources/0/count", value: "1 pods remain"}},
			}},
		},
		{
			name: "pod deleted 30s ago, within its grace period, nothing else known",
			mutate: func(f *fx) {
				f.add(pNamespaces, terminating("web", 3*time.Minute, nsConds()...))
				p := pod("web", "web-0", "node-a", "10.244.0.7", nil, false)
				set(p, "metadata.deletionTimestamp", ago(30*time.Second))
				f.add(pPods, p)
			},
			want: []want{{
				id: "NSB-NS-008", symptom: "Namespace web",
				chain: []string{"Namespace web", "MissingEvidence evidence of what blocks web"},
				root:  "MissingEvidence evidence of what blocks web", rootProblem: "the bundle holds nothing that explains it",
			}},
		},
		{
			name: "pods remaining on a node that was deleted",
			mutate: func(f *fx) {
				f.add(pNamespaces, terminating("web", 20*time.Minute, nsConds(contentFailure(msgPodsRemain))...))
				p := pod("web", "web-0", "node-gone", "10.244.2.7", nil, false)
				set(p, "metadata.deletionTimestamp", ago(19*time.Minute))
				f.add(pPods, p)
			},
			want: []want{{
				id: "NSB-POD-001", symptom: "Namespace web",
				chain: []string{"Namespace web", "Pod web/web-0", "Node node-gone"},
				root:  "Node node-gone", rootProblem: "no longer exists",
				evidence: []wantEv{{link: 2, path: pPods, pointer: "/items/2/spec/nodeName", value: "node-gone"}},
			}},
		},
	}
	runMutations(t, tests)
}

// TestPodsRemainingByVersion: a remaining pod holds the namespace on every
// version, but "pods first" is said only where the namespace controller
// deletes pods first (on by default from v1.33).
func TestPodsRemainingByVersion(t *testing.T) {
	t.Parallel()
	tests := []struct{ version, want, notWant string }{
		{"v1.37.2", "deletes pods first and waits for them", "from v1.33"},
		{"v1.33.1-eks-1a2b3c", "deletes pods first and waits for them", "from v1.33"},
		{"v1.32.4+k3s1", "waits for every pod to be gone before it finalizes the namespace", "pods first"},
		{"v1.24.17", "waits for every pod to be gone before it finalizes the namespace", "pods first"},
		{"none", "waits for every pod to be gone (from v1.33 it deletes pods first", ""},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			t.Parallel()
			f := healthy()
			f.version = tt.version
			f.add(pNamespaces, terminating("web", 20*time.Minute, nsConds(contentFailure(msgPodsRemain))...))
			p := pod("web", "web-0", "node-gone", "10.244.2.7", nil, false)
			set(p, "metadata.deletionTimestamp", ago(19*time.Minute))
			f.add(pPods, p)
			var problem string
			for _, fd := range analyzeFx(t, f).Findings {
				for _, l := range fd.Chain {
					if refString(l.Ref) == "Pod web/web-0" {
						problem = l.Problem
					}
				}
			}
			if !strings.Contains(problem, tt.want) || (tt.notWant != "" && strings.Contains(problem, tt.notWant)) {
				t.Errorf("pod link says %q, want it to contain %q and not %q", problem, tt.want, tt.notWant)
			}
		})
	}
}
