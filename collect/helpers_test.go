package collect

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"testing"
)

const (
	// plantedSecret is a Secret value that must never reach a bundle.
	plantedSecret = "nsbundle-planted-s3cr3t-7f9c2e"
	// plantedConfig is a ConfigMap value that is dropped as well.
	plantedConfig = "nsbundle-planted-config-value-41d8"
)

func meta(ns, name string, extra map[string]any) map[string]any {
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

func pod(ns, name string, labels map[string]any, containers []string, restarts int) map[string]any {
	var cs, st []any
	for _, c := range containers {
		cs = append(cs, map[string]any{"name": c, "image": "registry.k8s.io/" + c + ":v1.37.2"})
		st = append(st, map[string]any{"name": c, "restartCount": restarts, "ready": true})
	}
	return map[string]any{"metadata": meta(ns, name, map[string]any{"labels": labels}),
		"spec":   map[string]any{"containers": cs, "nodeName": "node-1"},
		"status": map[string]any{"phase": "Running", "containerStatuses": st}}
}

// brokenCluster fills a fake with a small broken cluster: a Terminating
// namespace, an unavailable APIService, a planted Secret, podCount pods.
func brokenCluster(podCount int) *fakeAPI {
	f := newFakeAPI()
	f.add("", "v1", "namespaces", map[string]any{"metadata": meta("", "default", nil), "status": map[string]any{"phase": "Active"}})
	f.add("", "v1", "namespaces", map[string]any{"metadata": meta("", "kube-system", nil), "status": map[string]any{"phase": "Active"}})
	f.add("", "v1", "namespaces", map[string]any{
		"metadata": meta("", "stuck", map[string]any{"deletionTimestamp": "2026-11-23T06:00:00Z"}),
		"spec":     map[string]any{"finalizers": []string{"kubernetes"}},
		"status": map[string]any{"phase": "Terminating", "conditions": []any{map[string]any{
			"type": "NamespaceDeletionDiscoveryFailure", "status": "True", "reason": "DiscoveryFailed",
			"message": "Discovery failed for some groups, 1 failing: unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: stale GroupVersion discovery: metrics.k8s.io/v1beta1"}}}})
	f.add("", "v1", "nodes", map[string]any{"metadata": meta("", "node-1", nil),
		"status": map[string]any{"images": []any{map[string]any{"names": []string{"registry.k8s.io/pause:3.10"}, "sizeBytes": 1}},
			"conditions": []any{map[string]any{"type": "Ready", "status": "True"}}}})
	for i := range podCount {
		f.add("", "v1", "pods", pod("default", fmt.Sprintf("web-%05d", i), map[string]any{"app": "web"}, []string{"web"}, 0))
	}
	f.add("", "v1", "pods", pod("kube-system", "kube-controller-manager-node-1", map[string]any{"component": "kube-controller-manager"}, []string{"kube-controller-manager"}, 2))
	f.add("", "v1", "pods", pod("kube-system", "metrics-server-5f7c9d-abcde", map[string]any{"k8s-app": "metrics-server"}, []string{"metrics-server"}, 0))
	f.add("", "v1", "pods", pod("monitoring", "webhook-0", map[string]any{"app": "hook"}, []string{"hook"}, 0))
	f.add("", "v1", "services", map[string]any{"metadata": meta("kube-system", "metrics-server", nil),
		"spec": map[string]any{"selector": map[string]any{"k8s-app": "metrics-server"}}})
	f.add("", "v1", "services", map[string]any{"metadata": meta("monitoring", "hook", nil),
		"spec": map[string]any{"selector": map[string]any{"app": "hook"}}})
	f.add("apiregistration.k8s.io", "v1", "apiservices", map[string]any{"metadata": meta("", "v1beta1.metrics.k8s.io", nil),
		"spec": map[string]any{"group": "metrics.k8s.io", "version": "v1beta1", "service": map[string]any{"namespace": "kube-system", "name": "metrics-server"}},
		"status": map[string]any{"conditions": []any{map[string]any{"type": "Available", "status": "False", "reason": "MissingEndpoints",
			"message": `endpointslices for service/metrics-server in "kube-system" have no addresses with port name "https"`}}}})
	f.add("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", map[string]any{"metadata": meta("", "hook", nil),
		"webhooks": []any{map[string]any{"name": "hook.example.com", "clientConfig": map[string]any{"service": map[string]any{"namespace": "monitoring", "name": "hook"}}}}})
	lastApplied := fmt.Sprintf(`{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db","namespace":"default"},"stringData":{"password":%q}}`, plantedSecret)
	f.add("", "v1", "secrets", map[string]any{
		"metadata": meta("default", "db", map[string]any{"annotations": map[string]any{LastAppliedAnnotation: lastApplied, "team": "payments"}}),
		"type":     "Opaque", "data": map[string]any{"password": b64(plantedSecret)}})
	f.add("", "v1", "configmaps", map[string]any{
		"metadata": meta("stuck", "settings", map[string]any{"finalizers": []string{"example.com/hold"}, "deletionTimestamp": "2026-11-23T06:00:01Z",
			"annotations": map[string]any{LastAppliedAnnotation: `{"data":{"k":"` + plantedConfig + `"}}`}}),
		"data": map[string]any{"k": plantedConfig}})
	f.add("example.com", "v1", "widgets", map[string]any{"metadata": meta("stuck", "w1", nil)})
	f.listErrors["example.com/v1/widgets"] = `conversion webhook for example.com/v1, Kind=Widget failed: Post "https://conv.stuck.svc:443/convert?timeout=30s": service "conv" not found`
	f.unavailable["metrics.k8s.io/v1beta1"] = true
	f.throttle["/api/v1/services"] = 1
	f.logs["kube-system/kube-controller-manager-node-1/kube-controller-manager"] = "I1123 06:00:00.000000       1 controllermanager.go:1] \"Starting\"\n" +
		`E1123 06:00:05.000000       1 namespace_controller.go:1] "Deletion of namespace failed" err="unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: stale GroupVersion discovery: metrics.k8s.io/v1beta1" logger="namespace-controller" namespace="stuck"` + "\n"
	f.logs["kube-system/kube-controller-manager-node-1/kube-controller-manager/previous"] = "F1123 05:59:00.000000 1 server.go:1] leaderelection lost\n"
	f.logs["kube-system/metrics-server-5f7c9d-abcde/metrics-server"] = "E1123 metrics-server cannot reach kubelet\n"
	return f
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// readBundle returns the bundle's raw decompressed tar stream and its
// entries by name (top folder stripped), in archive order.
func readBundle(t testing.TB, path string) (raw []byte, names []string, files map[string][]byte) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	raw, err = io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	files = map[string][]byte{}
	tr := tar.NewReader(bytes.NewReader(raw))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		_, name, _ := bytes.Cut([]byte(h.Name), []byte("/"))
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, string(name))
		files[string(name)] = data
	}
	return raw, names, files
}
