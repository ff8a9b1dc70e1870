package rules_test

import (
	"cmp"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/bootstrap"
	"github.com/nsbundle/nsbundle/analyze/internal/shelltest"
	"github.com/nsbundle/nsbundle/analyze/load"
	"github.com/nsbundle/nsbundle/analyze/rules"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
	"github.com/nsbundle/nsbundle/bundle"
)

// now is the collection time of every fixture bundle.
var now = time.Date(2026, 11, 23, 5, 10, 0, 0, time.UTC)

// ago is an RFC 3339 timestamp d before now.
func ago(d time.Duration) string { return now.Add(-d).Format(time.RFC3339) }

// Bundle paths of the lists the fixtures write.
const (
	pNamespaces  = "resources/core/v1/namespaces.json"
	pPods        = "resources/core/v1/pods.json"
	pNodes       = "resources/core/v1/nodes.json"
	pServices    = "resources/core/v1/services.json"
	pEvents      = "resources/core/v1/events.json"
	pPVCs        = "resources/core/v1/persistentvolumeclaims.json"
	pSlices      = "resources/discovery.k8s.io/v1/endpointslices.json"
	pAPIServices = "resources/apiregistration.k8s.io/v1/apiservices.json"
	pLeases      = "resources/coordination.k8s.io/v1/leases.json"
	pCRDs        = "resources/apiextensions.k8s.io/v1/customresourcedefinitions.json"
	pValidating  = "resources/admissionregistration.k8s.io/v1/validatingwebhookconfigurations.json"
	pMutating    = "resources/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations.json"
	pDeployments = "resources/apps/v1/deployments.json"
	pCRoles      = "resources/rbac.authorization.k8s.io/v1/clusterroles.json"
	pCRBindings  = "resources/rbac.authorization.k8s.io/v1/clusterrolebindings.json"
	pRoles       = "resources/rbac.authorization.k8s.io/v1/roles.json"
	pRoleBinds   = "resources/rbac.authorization.k8s.io/v1/rolebindings.json"
	pKCMLog      = "logs/kube-system/kube-controller-manager-cp/kube-controller-manager.log"
	pCCMLog      = "logs/files/cloud-controller-manager.log"
	pKASLog      = "logs/kube-system/kube-apiserver-cp/kube-apiserver.log"
)

// obj is a Kubernetes object (or part of one) as decoded JSON.
type obj = map[string]any

// fx is a fixture bundle: lists by bundle path, raw files, and manifest
// parts. Tests start from healthy() and mutate it.
type fx struct {
	lists    map[string][]obj
	files    map[string]string
	requests []bundle.Request
	discover []bundle.DiscoveryResult
	noManif  bool
	// version is the cluster's gitVersion ("" means v1.37.2, "none" that
	// the bundle does not say it).
	version string
}

// files renders the fixture as bundle path -> file text, lists one item
// per line as the collector writes them.
func (f *fx) render(t testing.TB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for p, items := range f.lists {
		out[p] = listJSON(t, items)
	}
	for p, v := range f.files {
		out[p] = v
	}
	if f.discover != nil {
		out[bundle.DiscoveryResultsPath] = mustJSON(t, f.discover)
	}
	if !f.noManif {
		m := bundle.Manifest{
			FormatVersion: bundle.FormatVersion,
			Tool:          bundle.ToolInfo{Name: "nsbundle", Version: "test"},
			Cluster:       bundle.ClusterInfo{GitVersion: strings.TrimPrefix(cmp.Or(f.version, "v1.37.2"), "none")},
			Start:         now.Add(-20 * time.Second),
			End:           now,
			Requests:      f.requests,
		}
		out[bundle.ManifestPath] = mustJSON(t, m)
	}
	return out
}

func listJSON(t testing.TB, items []obj) string {
	var b strings.Builder
	b.WriteString(`{"apiVersion":"v1","kind":"List","metadata":{},"items":[`)
	for i, it := range items {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n")
		b.WriteString(mustJSON(t, it))
	}
	b.WriteString("\n]}\n")
	return b.String()
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal fixture: %v", err)
	}
	return string(b)
}

// loadFiles builds a snapshot from bundle files.
func loadFiles(t testing.TB, files map[string]string) *snapshot.Snapshot {
	t.Helper()
	s, err := load.Snapshot(load.MapWalk(files), load.Options{})
	if err != nil {
		t.Fatalf("load.Snapshot: %v", err)
	}
	return s
}

// analyzeFx runs every rule over a fixture.
func analyzeFx(t testing.TB, f *fx) *analyze.Report {
	t.Helper()
	files := f.render(t)
	r, err := analyze.Run(loadFiles(t, files), rules.All())
	if err != nil {
		t.Fatalf("analyze.Run: %v", err)
	}
	verifyEvidence(t, files, r)
	return r
}

// set stores v at a dotted path in o, creating maps on the way, and
// returns o.
func set(o obj, path string, v any) obj {
	parts := strings.Split(path, ".")
	cur := o
	for _, p := range parts[:len(parts)-1] {
		next, ok := cur[p].(obj)
		if !ok {
			next = obj{}
			cur[p] = next
		}
		cur = next
	}
	cur[parts[len(parts)-1]] = v
	return o
}

// find returns the item of list p named ns/name (nil if absent).
func (f *fx) find(p, ns, name string) obj {
	for _, it := range f.lists[p] {
		m := it["metadata"].(obj)
		if m["name"] == name && (m["namespace"] == nil && ns == "" || m["namespace"] == ns) {
			return it
		}
	}
	return nil
}

// remove drops the item of list p named ns/name.
func (f *fx) remove(p, ns, name string) {
	var keep []obj
	for _, it := range f.lists[p] {
		m := it["metadata"].(obj)
		if m["name"] == name && (m["namespace"] == nil && ns == "" || m["namespace"] == ns) {
			continue
		}
		keep = append(keep, it)
	}
	f.lists[p] = keep
}

func (f *fx) add(p string, items ...obj) { f.lists[p] = append(f.lists[p], items...) }

func meta(ns, name string) obj {
	m := obj{"name": name, "uid": "uid-" + ns + "-" + name, "creationTimestamp": ago(30 * 24 * time.Hour)}
	if ns != "" {
		m["namespace"] = ns
	}
	return m
}

func cond(typ, status, reason, msg string) obj {
	c := obj{"type": typ, "status": status, "lastTransitionTime": ago(time.Hour)}
	if reason != "" {
		c["reason"] = reason
	}
	if msg != "" {
		c["message"] = msg
	}
	return c
}

// namespace is an active namespace.
func namespace(name string) obj {
	return obj{"apiVersion": "v1", "kind": "Namespace", "metadata": meta("", name),
		"spec": obj{"finalizers": []any{"kubernetes"}}, "status": obj{"phase": "Active"}}
}

// terminating is a namespace deleted d ago with the given conditions.
func terminating(name string, d time.Duration, conds ...obj) obj {
	o := namespace(name)
	set(o, "metadata.deletionTimestamp", ago(d))
	set(o, "status.phase", "Terminating")
	if len(conds) > 0 {
		cs := make([]any, len(conds))
		for i, c := range conds {
			cs[i] = c
		}
		set(o, "status.conditions", cs)
	}
	return o
}

// nsConds returns the five namespace deletion conditions, all in their OK
// variant except those given in bad (by type).
func nsConds(bad ...obj) []obj {
	ok := []obj{
		cond("NamespaceDeletionDiscoveryFailure", "False", "ResourcesDiscovered", "All resources successfully discovered"),
		cond("NamespaceDeletionGroupVersionParsingFailure", "False", "ParsedGroupVersions", "All legacy kube types successfully parsed"),
		cond("NamespaceDeletionContentFailure", "False", "ContentDeleted", "All content successfully deleted, may be waiting on finalization"),
		cond("NamespaceContentRemaining", "False", "ContentRemoved", "All content successfully removed"),
		cond("NamespaceFinalizersRemaining", "False", "ContentHasNoFinalizers", "All content-preserving finalizers finished"),
	}
	for i, c := range ok {
		for _, b := range bad {
			if b["type"] == c["type"] {
				ok[i] = b
			}
		}
	}
	return ok
}

func node(name string, conds ...obj) obj {
	cs := make([]any, len(conds))
	for i, c := range conds {
		cs[i] = c
	}
	return obj{"apiVersion": "v1", "kind": "Node", "metadata": meta("", name),
		"spec":   obj{"podCIDR": podCIDR(name), "providerID": "aws:///eu-west-1a/i-0" + name},
		"status": obj{"conditions": cs}}
}

func podCIDR(nodeName string) string {
	switch nodeName {
	case "node-a":
		return "10.244.0.0/24"
	case "node-b":
		return "10.244.1.0/24"
	}
	return "10.244.9.0/24"
}

func readyNode(name string) obj {
	return node(name,
		cond("NetworkUnavailable", "False", "RouteCreated", "RouteController created a route"),
		cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"))
}

func pod(ns, name, nodeName, ip string, labels map[string]any, ready bool) obj {
	m := meta(ns, name)
	if labels != nil {
		m["labels"] = labels
	}
	st := "True"
	if !ready {
		st = "False"
	}
	return obj{"apiVersion": "v1", "kind": "Pod", "metadata": m,
		"spec": obj{"nodeName": nodeName, "containers": []any{obj{"name": "main", "image": "registry.k8s.io/x:1"}}},
		"status": obj{"phase": "Running", "podIP": ip, "podIPs": []any{obj{"ip": ip}},
			"conditions":        []any{cond("Ready", st, "", "")},
			"containerStatuses": []any{obj{"name": "main", "ready": ready, "restartCount": 0, "state": obj{"running": obj{"startedAt": ago(time.Hour)}}}}}}
}

func service(ns, name, clusterIP string, selector map[string]any) obj {
	spec := obj{"type": "ClusterIP", "clusterIP": clusterIP, "ports": []any{obj{"name": "https", "port": 443, "targetPort": "https"}}}
	if selector != nil {
		spec["selector"] = selector
	}
	return obj{"apiVersion": "v1", "kind": "Service", "metadata": meta(ns, name), "spec": spec}
}

func endpointSlice(ns, svc, name string, ready bool, ips ...string) obj {
	m := meta(ns, name)
	m["labels"] = obj{"kubernetes.io/service-name": svc}
	var eps []any
	for _, ip := range ips {
		eps = append(eps, obj{"addresses": []any{ip}, "conditions": obj{"ready": ready}})
	}
	return obj{"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "metadata": m, "addressType": "IPv4",
		"endpoints": eps, "ports": []any{obj{"name": "https", "port": 10250, "protocol": "TCP"}}}
}

func apiServiceObj(group, version, svcNS, svcName string, available obj) obj {
	o := obj{"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService", "metadata": meta("", version+"."+group),
		"spec":   obj{"group": group, "version": version, "groupPriorityMinimum": 100, "versionPriority": 100},
		"status": obj{"conditions": []any{available}}}
	if svcName != "" {
		set(o, "spec.service", obj{"namespace": svcNS, "name": svcName, "port": 443})
	}
	return o
}

func lease(ns, name, holder string, renewed time.Duration, transitions int) obj {
	return obj{"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": meta(ns, name),
		"spec": obj{"holderIdentity": holder, "leaseDurationSeconds": 15, "acquireTime": ago(renewed + time.Hour),
			"renewTime": now.Add(-renewed).Format("2006-01-02T15:04:05.000000Z07:00"), "leaseTransitions": transitions}}
}

func pvc(ns, name, phase string, created time.Duration) obj {
	m := meta(ns, name)
	m["creationTimestamp"] = ago(created)
	return obj{"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": m,
		"spec": obj{"storageClassName": "standard", "accessModes": []any{"ReadWriteOnce"}}, "status": obj{"phase": phase}}
}

// Log lines, v1.37 klog text form unless named otherwise.
const (
	lineAcquired   = `I1123 05:09:40.114092       1 leaderelection.go:271] "Successfully acquired lease" lock="kube-system/kube-controller-manager"`
	lineRoleGone   = `E1123 05:09:40.201311       1 controllermanager.go:794] "Error initializing a controller" err="failed to create Kubernetes client config for \"namespace-controller\": serviceaccounts \"namespace-controller\" is forbidden: User \"system:kube-controller-manager\" cannot get resource \"serviceaccounts\" in API group \"\" in the namespace \"kube-system\": rbac: RBAC: clusterrole.rbac.authorization.k8s.io \"system:kube-controller-manager\" not found" controller="namespace-controller"`
	lineBuildFail  = `E1123 05:09:40.201398       1 controllermanager.go:353] "Error building controllers" err="failed to create Kubernetes client config for \"namespace-controller\": serviceaccounts \"namespace-controller\" is forbidden"`
	lineLost       = `E1123 05:09:40.201512       1 controllermanager.go:327] "leaderelection lost/stopped"`
	lineHealthz    = `E1123 05:09:50.311215       1 controllermanager.go:345] "Error building controller context" err="failed to wait for apiserver being healthy: timed out waiting for the condition: failed to get apiserver /healthz status: forbidden: User \"system:kube-controller-manager\" cannot get path \"/healthz\""`
	lineCCMDenied  = `E1123 05:02:26.383637       1 route_controller.go:215] Couldn't reconcile node routes: error listing routes: UnauthorizedOperation: You are not authorized to perform this operation. User: arn:aws:sts::1:assumed-role/ccm is not authorized to perform: ec2:DescribeRouteTables`
	lineCCMStarted = `I1123 05:00:01.000000       1 controllermanager.go:303] "Started controller" controller="cloud-node-lifecycle-controller"`
)

// healthy is a small, healthy v1.37 cluster: metrics-server serving
// v1beta1.metrics.k8s.io from pod 10.244.1.5 on node-b, a leading
// kube-controller-manager, every bootstrap RBAC object it needs.
func healthy() *fx {
	msLabels := map[string]any{"k8s-app": "metrics-server"}
	kcm := pod("kube-system", "kube-controller-manager-cp", "node-a", "172.18.0.2", map[string]any{"component": "kube-controller-manager", "tier": "control-plane"}, true)
	f := &fx{
		lists: map[string][]obj{
			pNamespaces: {namespace("default"), namespace("kube-system"), namespace("kube-node-lease"), namespace("monitoring")},
			pNodes:      {readyNode("node-a"), readyNode("node-b")},
			pPods: {
				kcm,
				pod("kube-system", "metrics-server-7d9f6c-abcde", "node-b", "10.244.1.5", msLabels, true),
			},
			pServices: {
				service("default", "kubernetes", "10.96.0.1", nil),
				service("kube-system", "metrics-server", "10.96.0.20", msLabels),
			},
			pSlices: {endpointSlice("kube-system", "metrics-server", "metrics-server-x7k2p", true, "10.244.1.5")},
			pAPIServices: {
				apiServiceObj("apps", "v1", "", "", cond("Available", "True", "Local", "Local APIServices are always available")),
				apiServiceObj("metrics.k8s.io", "v1beta1", "kube-system", "metrics-server", cond("Available", "True", "Passed", "all checks passed")),
			},
			pLeases: {
				lease("kube-system", "kube-controller-manager", "cp_6f2b1c9e-5d1a-4c47-9b7a-0f1e2d3c4b5a", 2*time.Second, 3),
				lease("kube-node-lease", "node-a", "node-a", 5*time.Second, 0),
				lease("kube-node-lease", "node-b", "node-b", 5*time.Second, 0),
				lease("kube-system", "kube-scheduler", "cp_0d7c9a41-2b6e-4f3a-8c1d-5e6f7a8b9c0d", 3*time.Second, 2),
			},
			pEvents:      {},
			pPVCs:        {set(pvc("default", "data", "Bound", 24*time.Hour), "spec.volumeName", "pvc-1234")},
			pCRDs:        {},
			pValidating:  {},
			pMutating:    {},
			pDeployments: {},
		},
		files: map[string]string{
			pKCMLog: lineAcquired + "\n" + `I1123 05:09:41.000000       1 controllermanager.go:797] "Started controller" controller="namespace-controller"` + "\n",
		},
		discover: []bundle.DiscoveryResult{
			{GroupVersion: "v1", Source: "aggregated", Path: "/api", Status: 200, Freshness: "Current", Resources: 20},
			{GroupVersion: "apps/v1", Source: "aggregated", Path: "/apis", Status: 200, Freshness: "Current", Resources: 5},
			{GroupVersion: "metrics.k8s.io/v1beta1", Source: "aggregated", Path: "/apis", Status: 200, Freshness: "Current", Resources: 2},
		},
	}
	for p, items := range bootstrapLists("v1.37.2") {
		f.lists[p] = items
	}
	return f
}

// bootstrapLists is the bootstrap RBAC policy of a version as a cluster
// holds it (aggregated roles filled in), by bundle path.
func bootstrapLists(version string) map[string][]obj {
	p, err := bootstrap.For(version)
	if err != nil {
		panic(err)
	}
	a := p.AsActual()
	out := map[string][]obj{}
	conv := func(path, kind string, v any) {
		var o obj
		b, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		if err := json.Unmarshal(b, &o); err != nil {
			panic(err)
		}
		o["apiVersion"], o["kind"] = "rbac.authorization.k8s.io/v1", kind
		out[path] = append(out[path], o)
	}
	for _, x := range a.ClusterRoles {
		conv(pCRoles, "ClusterRole", x)
	}
	for _, x := range a.ClusterRoleBindings {
		conv(pCRBindings, "ClusterRoleBinding", x)
	}
	for _, x := range a.Roles {
		conv(pRoles, "Role", x)
	}
	for _, x := range a.RoleBindings {
		conv(pRoleBinds, "RoleBinding", x)
	}
	return out
}

// ---- assertions ----

// wantEv is expected evidence on a chain link.
type wantEv struct {
	link    int // index in the chain
	path    string
	pointer string
	line    int
	value   string // substring of the value
}

// want is an expected finding.
type want struct {
	id      string
	symptom string   // "Kind ns/name" or "Kind name"
	chain   []string // every link, symptom first
	root    string
	// rootProblem is a substring of the root cause's problem.
	rootProblem string
	also        []string // alsoAffects, exactly
	evidence    []wantEv
	missing     string // substring of one Missing entry
	fix         string // substring of the fix
	verify      string // substring of the verify command
}

func refString(r analyze.Ref) string {
	if r.Namespace != "" {
		return r.Kind.String() + " " + r.Namespace + "/" + r.Name
	}
	return r.Kind.String() + " " + r.Name
}

// checkFindings compares findings with wants, in order.
func checkFindings(t *testing.T, got []analyze.Finding, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		t.Errorf("got %d findings, want %d:\n%s", len(got), len(wants), dumpFindings(got))
		return
	}
	for i, w := range wants {
		f := got[i]
		checkFinding(t, i, f, w)
	}
	if t.Failed() {
		t.Logf("findings:\n%s", dumpFindings(got))
	}
}

func checkFinding(t *testing.T, i int, f analyze.Finding, w want) {
	t.Helper()
	if w.id != "" && f.ID != w.id {
		t.Errorf("finding %d: ID %q, want %q", i, f.ID, w.id)
	}
	if w.verify != "" && !strings.Contains(f.Verify.Command, w.verify) {
		t.Errorf("finding %d: verify %q, want it to contain %q", i, f.Verify, w.verify)
	}
	if s := refString(f.Symptom); s != w.symptom {
		t.Errorf("finding %d: symptom %q, want %q", i, s, w.symptom)
	}
	var chain []string
	for _, l := range f.Chain {
		chain = append(chain, refString(l.Ref))
	}
	if w.chain != nil && strings.Join(chain, " -> ") != strings.Join(w.chain, " -> ") {
		t.Errorf("finding %d: chain\n  %s\nwant\n  %s", i, strings.Join(chain, " -> "), strings.Join(w.chain, " -> "))
	}
	if len(f.Chain) == 0 || f.Chain[0].Ref != f.Symptom {
		t.Errorf("finding %d: chain does not start at the symptom", i)
	}
	if last := f.Chain[len(f.Chain)-1]; last.Ref != f.RootCause.Ref || last.Problem != f.RootCause.Problem {
		t.Errorf("finding %d: last link %v differs from root cause %v", i, last.Ref, f.RootCause)
	}
	if s := refString(f.RootCause.Ref); s != w.root {
		t.Errorf("finding %d: root %q, want %q", i, s, w.root)
	}
	if !strings.Contains(f.Fix, w.fix) {
		t.Errorf("finding %d: fix %q does not contain %q", i, f.Fix, w.fix)
	}
	if !strings.Contains(f.RootCause.Problem, w.rootProblem) {
		t.Errorf("finding %d: root problem %q does not contain %q", i, f.RootCause.Problem, w.rootProblem)
	}
	if f.Fix == "" || f.Verify.Command == "" || f.Verify.Expect == "" || f.Summary == "" || f.Severity == "" {
		t.Errorf("finding %d: empty fix %q, verify %+v, summary %q or severity %q", i, f.Fix, f.Verify, f.Summary, f.Severity)
	}
	if err := shelltest.CheckShell(f.Verify.Command); err != nil {
		t.Errorf("finding %d: verify: %v", i, err)
	}
	if p := shelltest.Placeholder(f.Fix + "\n" + f.Verify.Command); p != "" {
		t.Errorf("finding %d: fix or verify holds placeholder %q", i, p)
	}
	for j, l := range f.Chain {
		if l.Rule == "" || l.Problem == "" {
			t.Errorf("finding %d link %d (%s): empty rule %q or problem %q", i, j, refString(l.Ref), l.Rule, l.Problem)
		}
		for _, e := range l.Evidence {
			if e.Path == "" || e.Value == "" || !utf8.ValidString(e.Value) {
				t.Errorf("finding %d link %d: evidence without path or value, or not UTF-8: %+v", i, j, e)
			}
		}
	}
	var also []string
	for _, a := range f.AlsoAffects {
		also = append(also, refString(a))
	}
	if strings.Join(also, ", ") != strings.Join(w.also, ", ") {
		t.Errorf("finding %d: alsoAffects %q, want %q", i, also, w.also)
	}
	for _, we := range w.evidence {
		if we.link >= len(f.Chain) {
			t.Errorf("finding %d: no link %d for evidence %+v", i, we.link, we)
			continue
		}
		if !hasEvidence(f.Chain[we.link].Evidence, we) {
			t.Errorf("finding %d link %d (%s): no evidence %+v among %+v", i, we.link, refString(f.Chain[we.link].Ref), we, f.Chain[we.link].Evidence)
		}
	}
	if w.missing != "" && !containsSub(f.Missing, w.missing) {
		t.Errorf("finding %d: missing %q does not mention %q", i, f.Missing, w.missing)
	}
}

func hasEvidence(evs []analyze.Evidence, w wantEv) bool {
	for _, e := range evs {
		if e.Path == w.path && e.Pointer == w.pointer && e.Line == w.line && strings.Contains(e.Value, w.value) {
			return true
		}
	}
	return false
}

func containsSub(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func dumpFindings(fs []analyze.Finding) string {
	var b strings.Builder
	for i, f := range fs {
		fmt.Fprintf(&b, "  [%d] %s %s\n", i, f.ID, refString(f.Symptom))
		for _, l := range f.Chain {
			b.WriteString("      " + l.Rule + " " + refString(l.Ref) + ": " + l.Problem + "\n")
			for _, e := range l.Evidence {
				fmt.Fprintf(&b, "          %s %s:%d = %q\n", e.Path, e.Pointer, e.Line, e.Value)
			}
		}
		for _, a := range f.AlsoAffects {
			b.WriteString("      also: " + refString(a) + "\n")
		}
		for _, m := range f.Missing {
			b.WriteString("      missing: " + m + "\n")
		}
	}
	return b.String()
}

// mutation is a case of a table that mutates the healthy fixture and
// expects these findings.
type mutation struct {
	name   string
	mutate func(f *fx)
	want   []want
}

// runMutations runs each case in parallel: the healthy fixture, mutated,
// analyzed by every rule, must give the case's findings.
func runMutations(t *testing.T, tests []mutation) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := healthy()
			tt.mutate(f)
			checkFindings(t, analyzeFx(t, f).Findings, tt.want)
		})
	}
}
