package collecttest

import (
	"encoding/base64"
	"fmt"
)

const (
	// PlantedSecret is a Secret value BrokenCluster serves that must never
	// reach a bundle.
	PlantedSecret = "nsbundle-planted-s3cr3t-7f9c2e"
	// PlantedConfig is a ConfigMap value BrokenCluster serves, dropped as
	// well.
	PlantedConfig = "nsbundle-planted-config-value-41d8"
	// lastApplied is kubectl's last-applied-configuration annotation.
	lastApplied = "kubectl.kubernetes.io/last-applied-configuration"
)

// Meta returns an object's metadata: name, namespace (unless ""), a uid,
// a resourceVersion and managedFields, plus extra fields.
func Meta(ns, name string, extra map[string]any) map[string]any {
	m := map[string]any{"name": name, "uid": "uid-" + ns + "-" + name, "resourceVersion": "7",
		"managedFields": []any{map[string]any{"manager": "kubectl", "operation": "Update", "fieldsV1": map[string]any{"f:metadata": map[string]any{}}}}}
	if ns != "" {
		m["namespace"] = ns
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

// Pod returns a Running pod on node-1 whose containers are ready and have
// restarted restarts times.
func Pod(ns, name string, labels map[string]any, containers []string, restarts int) map[string]any {
	var cs, st []any
	for _, c := range containers {
		cs = append(cs, map[string]any{"name": c, "image": "registry.k8s.io/" + c + ":v1.37.2"})
		st = append(st, map[string]any{"name": c, "restartCount": restarts, "ready": true})
	}
	return map[string]any{"metadata": Meta(ns, name, map[string]any{"labels": labels}),
		"spec":   map[string]any{"containers": cs, "nodeName": "node-1"},
		"status": map[string]any{"phase": "Running", "containerStatuses": st}}
}

// Namespace returns an Active namespace.
func Namespace(name string) map[string]any {
	return map[string]any{"metadata": Meta("", name, nil), "status": map[string]any{"phase": "Active"}}
}

// HealthyCluster serves a small healthy cluster: namespaces default and
// kube-system, a Ready node and a running kube-controller-manager pod
// with its log. Every request succeeds. It holds no RBAC objects: add the
// bootstrap policy (Objects) for an analysis without RBAC findings.
func HealthyCluster() []Option {
	return []Option{
		Objects("v1/namespaces", Namespace("default"), Namespace("kube-system")),
		Objects("v1/nodes", map[string]any{"metadata": Meta("", "node-1", nil),
			"status": map[string]any{"conditions": []any{map[string]any{"type": "Ready", "status": "True"}}}}),
		Objects("v1/pods", Pod("kube-system", "kube-controller-manager-node-1", map[string]any{"component": "kube-controller-manager"}, []string{"kube-controller-manager"}, 0)),
		Log("kube-system", "kube-controller-manager-node-1", "kube-controller-manager",
			"I1123 06:00:00.000000       1 controllermanager.go:1] \"Starting\"\n"),
	}
}

// BrokenCluster serves a small broken cluster: namespace "stuck" is
// Terminating because discovery of MetricsGroupVersion fails (its
// APIService v1beta1.metrics.k8s.io has no endpoints); /readyz fails; a
// Secret and a ConfigMap hold PlantedSecret and PlantedConfig; listing
// widgets in a namespace fails (a conversion webhook whose Service is
// gone); kube-controller-manager restarted twice. podCount more pods run in
// namespace default.
func BrokenCluster(podCount int) []Option {
	stuck := map[string]any{
		"metadata": Meta("", "stuck", map[string]any{"deletionTimestamp": "2026-11-23T06:00:00Z"}),
		"spec":     map[string]any{"finalizers": []string{"kubernetes"}},
		"status": map[string]any{"phase": "Terminating", "conditions": []any{map[string]any{
			"type": "NamespaceDeletionDiscoveryFailure", "status": "True", "reason": "DiscoveryFailed",
			"message": "Discovery failed for some groups, 1 failing: unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: stale GroupVersion discovery: metrics.k8s.io/v1beta1"}}}}
	pods := make([]map[string]any, 0, podCount+3)
	for i := range podCount {
		pods = append(pods, Pod("default", fmt.Sprintf("web-%05d", i), map[string]any{"app": "web"}, []string{"web"}, 0))
	}
	pods = append(pods,
		Pod("kube-system", "kube-controller-manager-node-1", map[string]any{"component": "kube-controller-manager"}, []string{"kube-controller-manager"}, 2),
		Pod("kube-system", "metrics-server-5f7c9d-abcde", map[string]any{"k8s-app": "metrics-server"}, []string{"metrics-server"}, 0),
		Pod("monitoring", "webhook-0", map[string]any{"app": "hook"}, []string{"hook"}, 0))
	secretApplied := fmt.Sprintf(`{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db","namespace":"default"},"stringData":{"password":%q}}`, PlantedSecret)
	return []Option{
		Objects("v1/namespaces", Namespace("default"), Namespace("kube-system"), stuck),
		Objects("v1/nodes", map[string]any{"metadata": Meta("", "node-1", nil),
			"status": map[string]any{"images": []any{map[string]any{"names": []string{"registry.k8s.io/pause:3.10"}, "sizeBytes": 1}},
				"conditions": []any{map[string]any{"type": "Ready", "status": "True"}}}}),
		Objects("v1/pods", pods...),
		Objects("v1/services",
			map[string]any{"metadata": Meta("kube-system", "metrics-server", nil), "spec": map[string]any{"selector": map[string]any{"k8s-app": "metrics-server"}}},
			map[string]any{"metadata": Meta("monitoring", "hook", nil), "spec": map[string]any{"selector": map[string]any{"app": "hook"}}}),
		Objects("apiregistration.k8s.io/v1/apiservices", map[string]any{"metadata": Meta("", "v1beta1.metrics.k8s.io", nil),
			"spec": map[string]any{"group": "metrics.k8s.io", "version": "v1beta1", "service": map[string]any{"namespace": "kube-system", "name": "metrics-server"}},
			"status": map[string]any{"conditions": []any{map[string]any{"type": "Available", "status": "False", "reason": "MissingEndpoints",
				"message": `endpointslices for service/metrics-server in "kube-system" have no addresses with port name "https"`}}}}),
		Objects("admissionregistration.k8s.io/v1/validatingwebhookconfigurations", map[string]any{"metadata": Meta("", "hook", nil),
			"webhooks": []any{map[string]any{"name": "hook.example.com", "clientConfig": map[string]any{"service": map[string]any{"namespace": "monitoring", "name": "hook"}}}}}),
		Objects("v1/secrets", map[string]any{
			"metadata": Meta("default", "db", map[string]any{"annotations": map[string]any{lastApplied: secretApplied, "team": "payments"}}),
			"type":     "Opaque", "data": map[string]any{"password": b64(PlantedSecret)}}),
		Objects("v1/configmaps", map[string]any{
			"metadata": Meta("stuck", "settings", map[string]any{"finalizers": []string{"example.com/hold"}, "deletionTimestamp": "2026-11-23T06:00:01Z",
				"annotations": map[string]any{lastApplied: `{"data":{"k":"` + PlantedConfig + `"}}`}}),
			"data": map[string]any{"k": PlantedConfig}}),
		Objects(Widget.Key(), map[string]any{"metadata": Meta("stuck", "w1", nil)}),
		ListError(Widget.Key(), `conversion webhook for example.com/v1, Kind=Widget failed: Post "https://conv.stuck.svc:443/convert?timeout=30s": service "conv" not found`),
		Unavailable(MetricsGroupVersion),
		Health("/readyz", 500, "[+]ping ok\n[-]poststarthook/apiservice-openapi-controller failed: reason withheld\nreadyz check failed\n"),
		Log("kube-system", "kube-controller-manager-node-1", "kube-controller-manager",
			"I1123 06:00:00.000000       1 controllermanager.go:1] \"Starting\"\n"+
				`E1123 06:00:05.000000       1 namespace_controller.go:1] "Deletion of namespace failed" err="unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: stale GroupVersion discovery: metrics.k8s.io/v1beta1" logger="namespace-controller" namespace="stuck"`+"\n"),
		PreviousLog("kube-system", "kube-controller-manager-node-1", "kube-controller-manager", "F1123 05:59:00.000000 1 server.go:1] leaderelection lost\n"),
		Log("kube-system", "metrics-server-5f7c9d-abcde", "metrics-server", "E1123 metrics-server cannot reach kubelet\n"),
	}
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
