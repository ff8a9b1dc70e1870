package snapshottest_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nsbundle/nsbundle/analyze/load"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
	"github.com/nsbundle/nsbundle/analyze/snapshot/snapshottest"
	"github.com/nsbundle/nsbundle/bundle"
)

const (
	msgDiscovery = "Discovery failed for some groups, 1 failing: unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: stale GroupVersion discovery: metrics.k8s.io/v1beta1"
	msgAvailable = "failing or missing response from https://10.244.1.5:10250/apis/metrics.k8s.io/v1beta1"
	msgForbidden = `statefulsets.apps is forbidden: User "support" cannot list resource "statefulsets" in API group "apps" at the cluster scope`
)

// built is one of each kind of object the builder makes, and what was
// collected; bundleFiles is the same as an nsbundle bundle holds it.
func built() *snapshot.Snapshot {
	b := snapshottest.New()
	b.Namespace("kube-system")
	b.Terminating("team-a", time.Hour, snapshottest.NamespaceConds(
		snapshottest.Cond("NamespaceDeletionDiscoveryFailure", "True", "DiscoveryFailed", msgDiscovery))...)
	b.Namespace("default") // added after team-a: sorted first, still at /items/2
	ms := map[string]string{"k8s-app": "metrics-server"}
	b.APIService("metrics.k8s.io", "v1beta1", "kube-system", "metrics-server", snapshottest.Cond("Available", "False", "FailedDiscoveryCheck", msgAvailable))
	b.Service("kube-system", "metrics-server", "10.96.0.20", ms)
	b.Endpoints("kube-system", "metrics-server", false, "10.244.1.5")
	b.EndpointSlice("kube-system", "metrics-server", "metrics-server-x7k2p", false, "10.244.1.5")
	p := b.Pod("kube-system", "metrics-server-abc", "node-b", "10.244.1.5", ms, false)
	cs := &p.Status.ContainerStatuses[0]
	cs.RestartCount = 4
	cs.State = snapshottest.Waiting("CrashLoopBackOff", "back-off 5m0s restarting failed container")
	cs.LastState = b.Terminated(1, "Error", "", 2*time.Minute)
	b.ReadyNode("node-a")
	b.Node("node-b", snapshottest.Cond("Ready", "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status."))
	b.Lease("kube-system", "kube-controller-manager", "cp_1", 2*time.Second, 3)
	b.Event("kube-system", "Pod", "metrics-server-abc", "Warning", "BackOff", "Back-off restarting failed container", 12, time.Minute)
	b.PVC("default", "data", "Pending", time.Hour)
	b.CRD("example.com", "Widget", "widgets", "v1", "v1beta1")
	b.WebhookConfiguration("MutatingWebhookConfiguration", "inject", snapshottest.Webhook("inject.example.com", "inject", "injector"))
	b.WebhookConfiguration("ValidatingWebhookConfiguration", "policy", snapshottest.Webhook("validate.policy.example.com", "policy", "webhook"))
	b.Workload("Deployment", "kube-system", "metrics-server", 1)
	b.Add(
		rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "system:kube-controller-manager"},
			Rules: []rbacv1.PolicyRule{{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"secrets"}}}},
		&rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "system:kube-controller-manager"},
			RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "system:kube-controller-manager"},
			Subjects: []rbacv1.Subject{{Kind: "User", Name: "system:kube-controller-manager"}}},
		rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "extension-apiserver-authentication-reader", Namespace: "kube-system"}},
		rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "system::leader-locking-kube-controller-manager", Namespace: "kube-system"},
			RoleRef: rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: "system::leader-locking-kube-controller-manager"}},
		bundle.DiscoveryResult{GroupVersion: "metrics.k8s.io/v1beta1", Source: "aggregated", Path: "/apis", Status: 503, Freshness: "Stale", Error: "the server is currently unable to handle the request"},
		bundle.NamespaceContent{Namespace: "team-a", Resources: []bundle.RemainingContent{{Group: "example.com", Version: "v1", Resource: "widgets", Kind: "Widget", Count: 1,
			Items: []bundle.RemainingItem{{Name: "w1", Finalizers: []string{"example.com/cleanup"}}}}}},
	)
	// Lists keep the order objects are added in (the loader's: the walk's).
	b.FileLog("cloud-controller-manager", "ccm line")
	b.PodLog("kube-system", "kube-controller-manager-cp", "kube-controller-manager", true, `I1123 05:09:40.114092       1 leaderelection.go:271] "Successfully acquired lease"`, "second line")
	b.Lists(snapshot.ResReplicaSets)
	b.Failed(snapshot.ResStatefulSets, 403, msgForbidden)
	b.Failed(snapshot.ResPods, 500, "stream error after the first page")
	return b.Build()
}

// bundleFiles is built()'s cluster as the collector writes it, by hand.
func bundleFiles(t *testing.T) map[string]string {
	m := bundle.Manifest{
		FormatVersion: bundle.FormatVersion,
		Tool:          bundle.ToolInfo{Name: "nsbundle", Version: "test"},
		Cluster:       bundle.ClusterInfo{GitVersion: "v1.37.2"},
		Start:         snapshottest.Now.Add(-20 * time.Second),
		End:           snapshottest.Now,
		Requests: []bundle.Request{
			{Path: "/apis/apps/v1/statefulsets", Verb: "list", Status: 403, Error: msgForbidden, File: "resources/apps/v1/statefulsets.json"},
			{Path: "/api/v1/pods", Verb: "list", Status: 500, Error: "stream error after the first page", File: "resources/core/v1/pods.json"},
		},
	}
	manifest, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	list := func(items ...string) string {
		return `{"apiVersion":"v1","kind":"List","metadata":{},"items":[` + "\n" + strings.Join(items, ",\n") + "\n]}\n"
	}
	return map[string]string{
		bundle.ManifestPath: string(manifest),
		"resources/core/v1/namespaces.json": list(
			`{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"kube-system","uid":"uid--kube-system"},"spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}}`,
			`{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-a","uid":"uid--team-a","deletionTimestamp":"2026-11-23T04:10:00Z"},"spec":{"finalizers":["kubernetes"]},"status":{"phase":"Terminating","conditions":[`+
				`{"type":"NamespaceDeletionDiscoveryFailure","status":"True","reason":"DiscoveryFailed","message":"`+msgDiscovery+`"},`+
				`{"type":"NamespaceDeletionGroupVersionParsingFailure","status":"False","reason":"ParsedGroupVersions","message":"All legacy kube types successfully parsed"},`+
				`{"type":"NamespaceDeletionContentFailure","status":"False","reason":"ContentDeleted","message":"All content successfully deleted, may be waiting on finalization"},`+
				`{"type":"NamespaceContentRemaining","status":"False","reason":"ContentRemoved","message":"All content successfully removed"},`+
				`{"type":"NamespaceFinalizersRemaining","status":"False","reason":"ContentHasNoFinalizers","message":"All content-preserving finalizers finished"}]}}`,
			`{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"default","uid":"uid--default"},"spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}}`),
		"resources/apiregistration.k8s.io/v1/apiservices.json": list(
			`{"apiVersion":"apiregistration.k8s.io/v1","kind":"APIService","metadata":{"name":"v1beta1.metrics.k8s.io","uid":"uid--v1beta1.metrics.k8s.io"},` +
				`"spec":{"service":{"namespace":"kube-system","name":"metrics-server","port":443},"group":"metrics.k8s.io","version":"v1beta1","groupPriorityMinimum":100,"versionPriority":100},` +
				`"status":{"conditions":[{"type":"Available","status":"False","reason":"FailedDiscoveryCheck","message":"` + msgAvailable + `"}]}}`),
		"resources/core/v1/services.json": list(
			`{"apiVersion":"v1","kind":"Service","metadata":{"name":"metrics-server","namespace":"kube-system","uid":"uid-kube-system-metrics-server"},` +
				`"spec":{"type":"ClusterIP","clusterIP":"10.96.0.20","selector":{"k8s-app":"metrics-server"},"ports":[{"name":"https","port":443,"protocol":"TCP","targetPort":"https"}]}}`),
		"resources/core/v1/endpoints.json": list(
			`{"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"metrics-server","namespace":"kube-system","uid":"uid-kube-system-metrics-server"},` +
				`"subsets":[{"notReadyAddresses":[{"ip":"10.244.1.5"}],"ports":[{"name":"https","port":10250,"protocol":"TCP"}]}]}`),
		"resources/discovery.k8s.io/v1/endpointslices.json": list(
			`{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"metrics-server-x7k2p","namespace":"kube-system","uid":"uid-kube-system-metrics-server-x7k2p",` +
				`"labels":{"kubernetes.io/service-name":"metrics-server"}},"addressType":"IPv4","endpoints":[{"addresses":["10.244.1.5"],"conditions":{"ready":false}}],` +
				`"ports":[{"name":"https","port":10250,"protocol":"TCP"}]}`),
		"resources/core/v1/pods.json": list(
			`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"metrics-server-abc","namespace":"kube-system","uid":"uid-kube-system-metrics-server-abc","labels":{"k8s-app":"metrics-server"}},` +
				`"spec":{"nodeName":"node-b","containers":[{"name":"main","image":"registry.k8s.io/x:1"}]},` +
				`"status":{"phase":"Running","podIP":"10.244.1.5","podIPs":[{"ip":"10.244.1.5"}],"conditions":[{"type":"Ready","status":"False"}],` +
				`"containerStatuses":[{"name":"main","ready":false,"restartCount":4,"state":{"waiting":{"reason":"CrashLoopBackOff","message":"back-off 5m0s restarting failed container"}},` +
				`"lastState":{"terminated":{"exitCode":1,"reason":"Error","finishedAt":"2026-11-23T05:08:00Z"}}}]}}`),
		"resources/core/v1/nodes.json": list(
			`{"apiVersion":"v1","kind":"Node","metadata":{"name":"node-a","uid":"uid--node-a"},"spec":{"providerID":"aws:///eu-west-1a/i-0node-a"},"status":{"conditions":[`+
				`{"type":"NetworkUnavailable","status":"False","reason":"RouteCreated","message":"RouteController created a route"},`+
				`{"type":"Ready","status":"True","reason":"KubeletReady","message":"kubelet is posting ready status"}]}}`,
			`{"apiVersion":"v1","kind":"Node","metadata":{"name":"node-b","uid":"uid--node-b"},"spec":{"providerID":"aws:///eu-west-1a/i-0node-b"},"status":{"conditions":[`+
				`{"type":"Ready","status":"Unknown","reason":"NodeStatusUnknown","message":"Kubelet stopped posting node status."}]}}`),
		"resources/coordination.k8s.io/v1/leases.json": list(
			`{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"kube-controller-manager","namespace":"kube-system","uid":"uid-kube-system-kube-controller-manager"},` +
				`"spec":{"holderIdentity":"cp_1","leaseDurationSeconds":15,"acquireTime":"2026-11-23T04:09:58.000000Z","renewTime":"2026-11-23T05:09:58.000000Z","leaseTransitions":3}}`),
		"resources/core/v1/events.json": list(
			`{"apiVersion":"v1","kind":"Event","metadata":{"name":"metrics-server-abc.event","namespace":"kube-system","uid":"uid-kube-system-metrics-server-abc.event"},` +
				`"involvedObject":{"kind":"Pod","namespace":"kube-system","name":"metrics-server-abc"},"type":"Warning","reason":"BackOff","message":"Back-off restarting failed container",` +
				`"count":12,"lastTimestamp":"2026-11-23T05:09:00Z"}`),
		"resources/core/v1/persistentvolumeclaims.json": list(
			`{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"data","namespace":"default","uid":"uid-default-data","creationTimestamp":"2026-11-23T04:10:00Z"},` +
				`"spec":{"storageClassName":"standard"},"status":{"phase":"Pending"}}`),
		"resources/apiextensions.k8s.io/v1/customresourcedefinitions.json": list(
			`{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com","uid":"uid--widgets.example.com"},` +
				`"spec":{"group":"example.com","names":{"plural":"widgets","kind":"Widget"},"scope":"Namespaced","versions":[{"name":"v1","served":true,"storage":true},{"name":"v1beta1","served":true,"storage":false}]}}`),
		"resources/admissionregistration.k8s.io/v1/validatingwebhookconfigurations.json": list(
			`{"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingWebhookConfiguration","metadata":{"name":"policy","uid":"uid--policy"},` +
				`"webhooks":[{"name":"validate.policy.example.com","clientConfig":{"service":{"namespace":"policy","name":"webhook"}},"failurePolicy":"Fail"}]}`),
		"resources/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations.json": list(
			`{"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingWebhookConfiguration","metadata":{"name":"inject","uid":"uid--inject"},` +
				`"webhooks":[{"name":"inject.example.com","clientConfig":{"service":{"namespace":"inject","name":"injector"}},"failurePolicy":"Fail"}]}`),
		"resources/apps/v1/deployments.json": list(
			`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"metrics-server","namespace":"kube-system","uid":"uid-kube-system-metrics-server"},` +
				`"spec":{"replicas":1},"status":{"replicas":1,"readyReplicas":1,"availableReplicas":1}}`),
		"resources/apps/v1/replicasets.json": list(),
		"resources/rbac.authorization.k8s.io/v1/clusterroles.json": list(
			`{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"system:kube-controller-manager"},"rules":[{"verbs":["get"],"apiGroups":[""],"resources":["secrets"]}]}`),
		"resources/rbac.authorization.k8s.io/v1/clusterrolebindings.json": list(
			`{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"system:kube-controller-manager"},` +
				`"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"system:kube-controller-manager"},"subjects":[{"kind":"User","name":"system:kube-controller-manager"}]}`),
		"resources/rbac.authorization.k8s.io/v1/roles.json": list(
			`{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"extension-apiserver-authentication-reader","namespace":"kube-system"}}`),
		"resources/rbac.authorization.k8s.io/v1/rolebindings.json": list(
			`{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"system::leader-locking-kube-controller-manager","namespace":"kube-system"},` +
				`"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"system::leader-locking-kube-controller-manager"}}`),
		bundle.DiscoveryResultsPath: `[{"groupVersion":"metrics.k8s.io/v1beta1","source":"aggregated","path":"/apis","status":503,"freshness":"Stale","resources":0,"error":"the server is currently unable to handle the request"}]`,
		"terminating/team-a.json":   `{"namespace":"team-a","resources":[{"group":"example.com","version":"v1","resource":"widgets","kind":"Widget","count":1,"items":[{"name":"w1","finalizers":["example.com/cleanup"]}]}]}`,
		"logs/kube-system/kube-controller-manager-cp/kube-controller-manager.previous.log": `I1123 05:09:40.114092       1 leaderelection.go:271] "Successfully acquired lease"` + "\nsecond line\n",
		"logs/files/cloud-controller-manager.log":                                          "ccm line\n",
	}
}

// TestBuilderMatchesLoader: the builder gives the model the loader reads
// from the same cluster written as a bundle: objects, their locations,
// collection marks, version, time, logs, discovery and content.
func TestBuilderMatchesLoader(t *testing.T) {
	t.Parallel()
	files := bundleFiles(t)
	loaded, err := load.Snapshot(load.MapWalk(files), load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, want := model(t, built()), model(t, loaded)
	if got != want {
		t.Errorf("built and loaded snapshots differ:\n%s", lineDiff(got, want))
	}
	// The locations are those of the files: spot-check a few by hand.
	s := built()
	for _, c := range []struct{ got, want snapshot.Location }{
		{s.Namespace("default").Loc, snapshot.Location{Path: "resources/core/v1/namespaces.json", Pointer: "/items/2"}},
		{s.Namespaces[0].Loc, snapshot.Location{Path: "resources/core/v1/namespaces.json", Pointer: "/items/2"}},
		{s.Pod("kube-system", "metrics-server-abc").Loc.At("status", "containerStatuses", "0"), snapshot.Location{Path: "resources/core/v1/pods.json", Pointer: "/items/0/status/containerStatuses/0"}},
		{s.Webhooks[1].Loc, snapshot.Location{Path: "resources/admissionregistration.k8s.io/v1/validatingwebhookconfigurations.json", Pointer: "/items/0"}},
		{s.ClusterBindings[0].Loc, snapshot.Location{Path: "resources/rbac.authorization.k8s.io/v1/clusterrolebindings.json", Pointer: "/items/0"}},
	} {
		if c.got != c.want {
			t.Errorf("location %+v, want %+v", c.got, c.want)
		}
	}
	if c := s.Collection(snapshot.ResPods); !c.Collected || !c.Partial || c.Status != 500 {
		t.Errorf("pods: %+v, want collected, partial, 500", c)
	}
	if c := s.Collection(snapshot.ResStatefulSets); c.Collected || c.Status != 403 || c.Error != msgForbidden {
		t.Errorf("statefulsets: %+v, want not collected, 403", c)
	}
	if !s.Complete(snapshot.ResReplicaSets) || s.Collected(snapshot.ResDaemonSets) {
		t.Errorf("replicasets complete %v (want true), daemonsets collected %v (want false)", s.Complete(snapshot.ResReplicaSets), s.Collected(snapshot.ResDaemonSets))
	}
}

// resources are every resource key a snapshot records collection for.
var resources = []string{
	snapshot.ResNamespaces, snapshot.ResAPIServices, snapshot.ResServices, snapshot.ResEndpoints, snapshot.ResEndpointSlices,
	snapshot.ResPods, snapshot.ResNodes, snapshot.ResLeases, snapshot.ResEvents, snapshot.ResPVCs, snapshot.ResCRDs,
	snapshot.ResValidatingHooks, snapshot.ResMutatingHooks, snapshot.ResClusterRoles, snapshot.ResClusterBindings,
	snapshot.ResRoles, snapshot.ResRoleBindings, snapshot.ResDeployments, snapshot.ResReplicaSets, snapshot.ResStatefulSets,
	snapshot.ResDaemonSets, snapshot.ResDiscovery, snapshot.ResLogs,
}

// model renders everything a rule can read of s as indented JSON, each
// object with its location (and kind, where the loader sets it).
func model(t *testing.T, s *snapshot.Snapshot) string {
	t.Helper()
	type item struct {
		Loc  snapshot.Location
		Kind string `json:",omitempty"`
		Obj  any
	}
	objs := func(n int, at func(i int) (snapshot.Location, string, any)) []item {
		out := make([]item, n)
		for i := range out {
			out[i].Loc, out[i].Kind, out[i].Obj = at(i)
		}
		return out
	}
	collected := map[string]snapshot.Collection{}
	for _, r := range resources {
		collected[r] = s.Collection(r)
	}
	m := map[string]any{
		"layout": s.Layout, "now": s.Now, "gitVersion": s.GitVersion, "manifest": s.Manifest, "notes": s.Notes,
		"collected": collected, "discovery": s.Discovery, "discoveryErrors": s.DiscoveryErrors, "content": s.Content, "logs": s.Logs,
		"namespaces":  objs(len(s.Namespaces), func(i int) (snapshot.Location, string, any) { return s.Namespaces[i].Loc, "", s.Namespaces[i] }),
		"apiServices": objs(len(s.APIServices), func(i int) (snapshot.Location, string, any) { return s.APIServices[i].Loc, "", s.APIServices[i] }),
		"services":    objs(len(s.Services), func(i int) (snapshot.Location, string, any) { return s.Services[i].Loc, "", s.Services[i] }),
		"endpoints":   objs(len(s.Endpoints), func(i int) (snapshot.Location, string, any) { return s.Endpoints[i].Loc, "", s.Endpoints[i] }),
		"slices":      objs(len(s.EndpointSlices), func(i int) (snapshot.Location, string, any) { return s.EndpointSlices[i].Loc, "", s.EndpointSlices[i] }),
		"pods":        objs(len(s.Pods), func(i int) (snapshot.Location, string, any) { return s.Pods[i].Loc, "", s.Pods[i] }),
		"nodes":       objs(len(s.Nodes), func(i int) (snapshot.Location, string, any) { return s.Nodes[i].Loc, "", s.Nodes[i] }),
		"leases":      objs(len(s.Leases), func(i int) (snapshot.Location, string, any) { return s.Leases[i].Loc, "", s.Leases[i] }),
		"events":      objs(len(s.Events), func(i int) (snapshot.Location, string, any) { return s.Events[i].Loc, "", s.Events[i] }),
		"pvcs":        objs(len(s.PVCs), func(i int) (snapshot.Location, string, any) { return s.PVCs[i].Loc, "", s.PVCs[i] }),
		"crds":        objs(len(s.CRDs), func(i int) (snapshot.Location, string, any) { return s.CRDs[i].Loc, "", s.CRDs[i] }),
		"webhooks": objs(len(s.Webhooks), func(i int) (snapshot.Location, string, any) {
			return s.Webhooks[i].Loc, s.Webhooks[i].Kind, s.Webhooks[i]
		}),
		"workloads": objs(len(s.Workloads), func(i int) (snapshot.Location, string, any) {
			return s.Workloads[i].Loc, s.Workloads[i].Kind, s.Workloads[i]
		}),
		"clusterRoles": s.ClusterRoles, "clusterBindings": s.ClusterBindings, "roles": s.Roles, "roleBindings": s.RoleBindings,
	}
	b, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// lineDiff shows the first lines where got and want differ, with context.
func lineDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		if i < len(g) && i < len(w) && g[i] == w[i] {
			continue
		}
		from := max(0, i-6)
		return fmt.Sprintf("built (line %d):\n%s\nloaded:\n%s", i+1, strings.Join(g[from:min(len(g), i+4)], "\n"), strings.Join(w[from:min(len(w), i+4)], "\n"))
	}
	return ""
}
