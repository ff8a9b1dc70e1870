package load

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/nsbundle/nsbundle/bundle"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

var collectedAt = time.Date(2026, 11, 23, 5, 10, 0, 0, time.UTC)

func mustLoad(t *testing.T, files map[string]string) *snapshot.Snapshot {
	t.Helper()
	s, err := Snapshot(MapWalk(files), Options{})
	if err != nil {
		t.Fatalf("Snapshot: %v", err)
	}
	return s
}

func manifestJSON(t *testing.T, reqs ...bundle.Request) string {
	t.Helper()
	b, err := json.Marshal(bundle.Manifest{FormatVersion: bundle.FormatVersion, Cluster: bundle.ClusterInfo{GitVersion: "v1.37.2"},
		Start: collectedAt.Add(-time.Minute), End: collectedAt, Requests: reqs})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// oneLine is a List with one item per line, as nsbundle writes it.
func oneLine(items ...string) string {
	return `{"apiVersion":"v1","kind":"List","metadata":{"resourceVersion":"123"},"items":[` + "\n" + strings.Join(items, ",\n") + "\n]}\n"
}

const (
	nsActive = `{"metadata":{"name":"default","creationTimestamp":"2026-10-01T00:00:00Z"},"spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}}`
	nsStuck  = `{"metadata":{"name":"app","creationTimestamp":"2026-10-01T00:00:00Z","deletionTimestamp":"2026-11-20T05:10:00Z"},"spec":{"finalizers":["kubernetes"]},"status":{"phase":"Terminating","conditions":[{"type":"NamespaceDeletionDiscoveryFailure","status":"True","reason":"DiscoveryFailed","message":"Discovery failed for some groups, 1 failing: unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: stale GroupVersion discovery: metrics.k8s.io/v1beta1","lastTransitionTime":"2026-11-20T05:10:05Z"}]}}`
	podMS    = `{"metadata":{"name":"metrics-server-abc","namespace":"kube-system","labels":{"k8s-app":"metrics-server"},"creationTimestamp":"2026-11-23T04:00:00Z"},"spec":{"nodeName":"node-b"},"status":{"phase":"Running","podIP":"10.244.1.5","podIPs":[{"ip":"10.244.1.5"},{"ip":"fd00::5"}]}}`
	leaseKCM = `{"metadata":{"name":"kube-controller-manager","namespace":"kube-system"},"spec":{"holderIdentity":"cp_1","leaseDurationSeconds":15,"renewTime":"2026-11-23T05:09:58.123456Z","leaseTransitions":3}}`
)

func TestLoadNative(t *testing.T) {
	t.Parallel()
	s := mustLoad(t, map[string]string{
		bundle.ManifestPath:                            manifestJSON(t),
		"resources/core/v1/namespaces.json":            oneLine(nsActive, nsStuck),
		"resources/core/v1/pods/kube-system.json":      oneLine(podMS),
		"resources/coordination.k8s.io/v1/leases.json": oneLine(leaseKCM),
		"./resources/core/v1/nodes.json":               oneLine(`{"metadata":{"name":"node-b"}}`),
		"resources/core/v1/configmaps.json":            oneLine(`{"metadata":{"name":"ignored"}}`),
		bundle.DiscoveryResultsPath:                    `[{"groupVersion":"metrics.k8s.io/v1beta1","source":"aggregated","path":"/apis","status":200,"freshness":"Stale","resources":0,"error":"stale GroupVersion discovery: metrics.k8s.io/v1beta1"}]`,
		"terminating/app.json":                         `{"namespace":"app","resources":[{"group":"","version":"v1","resource":"configmaps","kind":"ConfigMap","count":1}]}`,
		"logs/kube-system/kube-controller-manager-cp/kube-controller-manager.previous.log": "line 1\nline 2\n",
		"logs/files/cloud-controller-manager.log":                                          "I1123 05:00:00.000000       1 main.go:1] started\n",
		"health/version.json": `{"major":"1","minor":"37","gitVersion":"v1.37.2"}`,
	})
	if s.Layout != snapshot.LayoutNative || !s.Now.Equal(collectedAt) || s.GitVersion != "v1.37.2" || s.Manifest == nil {
		t.Errorf("layout %q now %v version %q manifest %v", s.Layout, s.Now, s.GitVersion, s.Manifest != nil)
	}
	if len(s.Notes) != 0 {
		t.Errorf("notes: %q", s.Notes)
	}
	if len(s.Namespaces) != 2 || s.Namespaces[0].Name != "app" {
		t.Fatalf("namespaces not loaded or not sorted: %+v", s.Namespaces)
	}
	app := s.Namespace("app")
	if app == nil || app.Loc != (snapshot.Location{Path: "resources/core/v1/namespaces.json", Pointer: "/items/1"}) {
		t.Fatalf("app at %+v", app)
	}
	if c, i := snapshot.FindCondition(app.Status.Conditions, "NamespaceDeletionDiscoveryFailure"); c == nil || i != 0 || c.Status != "True" {
		t.Errorf("condition %+v at %d", c, i)
	}
	if got := app.Loc.At("status", "conditions", "0"); got.Pointer != "/items/1/status/conditions/0" {
		t.Errorf("At: %+v", got)
	}
	p := s.Pod("kube-system", "metrics-server-abc")
	if p == nil || p.Loc.Path != "resources/core/v1/pods/kube-system.json" || p.Loc.Pointer != "/items/0" {
		t.Fatalf("pod %+v", p)
	}
	if len(s.PodsByIP("10.244.1.5")) != 1 || len(s.PodsByIP("fd00::5")) != 1 || !p.HasIP("fd00::5") {
		t.Errorf("pod IP index")
	}
	if got := s.PodsMatching("kube-system", map[string]string{"k8s-app": "metrics-server"}); len(got) != 1 {
		t.Errorf("PodsMatching: %d", len(got))
	}
	if got := s.PodsMatching("kube-system", nil); got != nil {
		t.Errorf("empty selector matched %d pods", len(got))
	}
	if s.Node("node-b") == nil {
		t.Errorf("./-prefixed path not cleaned")
	}
	if l := s.Lease("kube-system", "kube-controller-manager"); l == nil || l.Spec.RenewTime == nil || l.Spec.RenewTime.Nanosecond() != 123456000 {
		t.Errorf("lease %+v", l)
	}
	for _, res := range []string{snapshot.ResNamespaces, snapshot.ResPods, snapshot.ResLeases, snapshot.ResNodes, snapshot.ResDiscovery, snapshot.ResLogs} {
		if !s.Collected(res) {
			t.Errorf("%s not collected", res)
		}
	}
	if s.Collected(snapshot.ResAPIServices) || s.Collected("configmaps") {
		t.Errorf("uncollected types marked collected")
	}
	if len(s.Discovery) != 1 || s.Discovery[0].Freshness != "Stale" {
		t.Errorf("discovery %+v", s.Discovery)
	}
	if c := s.Content["app"]; c == nil || c.Loc.Path != "terminating/app.json" || c.Value.Resources[0].Count != 1 {
		t.Errorf("content %+v", c)
	}
	kcm := s.LogsOf("kube-controller-manager")
	if len(kcm) != 1 || !kcm[0].Previous || kcm[0].Container != "kube-controller-manager" || kcm[0].Pod != "kube-controller-manager-cp" || kcm[0].FirstLine != 1 || len(kcm[0].Lines) != 2 {
		t.Errorf("kcm log %+v", kcm)
	}
	if ccm := s.LogsOf("cloud-controller-manager"); len(ccm) != 1 || ccm[0].Path != "logs/files/cloud-controller-manager.log" {
		t.Errorf("ccm log %+v", ccm)
	}
}

func TestLoadManifestRequests(t *testing.T) {
	t.Parallel()
	forbidden := `apiservices.apiregistration.k8s.io is forbidden: User "support" cannot list resource "apiservices" in API group "apiregistration.k8s.io" at the cluster scope`
	s := mustLoad(t, map[string]string{
		bundle.ManifestPath: manifestJSON(t,
			bundle.Request{Path: "/apis/apiregistration.k8s.io/v1/apiservices?limit=500", Verb: "list", Status: 403, Reason: "Forbidden", Error: forbidden, File: "resources/apiregistration.k8s.io/v1/apiservices.json"},
			bundle.Request{Path: "/api/v1/namespaces/secret-ns/pods?limit=500", Verb: "list", Status: 403, Error: "pods is forbidden"},
			bundle.Request{Path: "/api/v1/pods?limit=500", Verb: "list", Status: 200, File: "resources/core/v1/pods.json", Count: 0},
			bundle.Request{Path: "/apis/discovery.k8s.io/v1/endpointslices", Verb: "list", Status: 0, Error: "context deadline exceeded"},
			bundle.Request{Path: "/apis", Verb: "get", Status: 503, Error: "service unavailable", File: bundle.DiscoveryResultsPath},
		),
		"resources/core/v1/pods.json": oneLine(),
	})
	if c := s.Collection(snapshot.ResAPIServices); c.Collected || c.Status != 403 || c.Error != forbidden {
		t.Errorf("apiservices: %+v", c)
	}
	if c := s.Collection(snapshot.ResPods); !c.Collected || !c.Partial || c.Status != 403 {
		t.Errorf("pods (one namespace forbidden): %+v", c)
	}
	if c := s.Collection(snapshot.ResEndpointSlices); c.Collected || c.Status != 0 || c.Error != "context deadline exceeded" {
		t.Errorf("endpointslices: %+v", c)
	}
	if c := s.Collection(snapshot.ResDiscovery); c.Collected || c.Status != 503 {
		t.Errorf("discovery: %+v", c)
	}
}

func TestResourceKeys(t *testing.T) {
	t.Parallel()
	files := []struct {
		name, res string
		ok        bool
	}{
		{"resources/core/v1/namespaces.json", snapshot.ResNamespaces, true},
		{"resources/core/v1/pods/kube-system.json", snapshot.ResPods, true},
		{"resources/apiregistration.k8s.io/v1/apiservices.json", snapshot.ResAPIServices, true},
		{"resources/rbac.authorization.k8s.io/v1/rolebindings/kube-system.json", snapshot.ResRoleBindings, true},
		{"cluster-resources/namespaces.json", snapshot.ResNamespaces, true},
		{"cluster-resources/pods/default.json", snapshot.ResPods, true},
		{"cluster-resources/custom-resource-definitions.json", snapshot.ResCRDs, true},
		{"cluster-resources/groups-resources-errors.json", "", false},
		{"nodes.json", snapshot.ResNodes, true},
		{"kube-system/pods.json", snapshot.ResPods, true},
		{"kube-system/configmaps.json", "", false},
		{"discovery/apis.json", "", false},
		{"terminating/app.json", "", false},
		{"health/version.json", "", false},
		{"resources/core/v1/namespaces.yaml", "", false},
	}
	for _, f := range files {
		res, ok := resourceKeyFor(f.name)
		if res != f.res || ok != f.ok {
			t.Errorf("resourceKeyFor(%q) = %q, %v; want %q, %v", f.name, res, ok, f.res, f.ok)
		}
	}
	urls := []struct {
		path, res string
		ok        bool
	}{
		{"/api/v1/pods?limit=500", snapshot.ResPods, true},
		{"/api/v1/namespaces/x/pods", snapshot.ResPods, true},
		{"/apis/apps/v1/namespaces/x/deployments", snapshot.ResDeployments, true},
		{"/apis/apiregistration.k8s.io/v1/apiservices", snapshot.ResAPIServices, true},
		{"/api/v1/namespaces", snapshot.ResNamespaces, true},
		{"/api/v1/namespaces/x", "", false},
		{"/healthz", "", false},
		{"/apis", "", false},
	}
	for _, u := range urls {
		res, ok := resourceKeyForURL(u.path)
		if res != u.res || ok != u.ok {
			t.Errorf("resourceKeyForURL(%q) = %q, %v; want %q, %v", u.path, res, ok, u.res, u.ok)
		}
	}
}
