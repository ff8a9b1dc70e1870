package load

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// pretty re-indents a JSON document as troubleshoot writes it.
func pretty(t *testing.T, doc string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestLoadTroubleshoot(t *testing.T) {
	t.Parallel()
	s := mustLoad(t, map[string]string{
		"version.yaml":                                   "apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundleVersion\nspec:\n  versionNumber: 0.100.0\n",
		"cluster-resources/namespaces.json":              pretty(t, `{"kind":"NamespaceList","apiVersion":"v1","metadata":{},"items":[`+nsActive+`,`+nsStuck+`]}`),
		"cluster-resources/pods/kube-system.json":        pretty(t, `{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[`+podMS+`]}`),
		"cluster-resources/leases/kube-system.json":      pretty(t, `{"kind":"LeaseList","apiVersion":"coordination.k8s.io/v1","metadata":{},"items":[`+leaseKCM+`]}`),
		"cluster-resources/groups-resources-errors.json": `["unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: the server is currently unable to handle the request"]`,
		"cluster-resources/pods/logs/kube-system/kube-controller-manager-cp/kube-controller-manager.log": "ignored for now\n",
		"cluster-info/cluster_version.json": `{"info":{"major":"1","minor":"37","gitVersion":"v1.37.2"},"string":"v1.37.2"}`,
	})
	if s.Layout != snapshot.LayoutTroubleshoot || s.GitVersion != "v1.37.2" || s.Manifest != nil {
		t.Errorf("layout %q version %q", s.Layout, s.GitVersion)
	}
	app := s.Namespace("app")
	if app == nil || app.Loc.Path != "cluster-resources/namespaces.json" || app.Loc.Pointer != "/items/1" || app.Status.Phase != "Terminating" {
		t.Fatalf("app: %+v", app)
	}
	if s.Pod("kube-system", "metrics-server-abc") == nil || s.Lease("kube-system", "kube-controller-manager") == nil {
		t.Errorf("namespaced troubleshoot lists not loaded")
	}
	if len(s.DiscoveryErrors) != 1 || s.DiscoveryErrors[0].Loc.Pointer != "/0" || !s.Collected(snapshot.ResDiscovery) {
		t.Errorf("discovery errors %+v", s.DiscoveryErrors)
	}
	// Now comes from the latest timestamp: the lease's renewTime.
	if got := s.Now.Format("2006-01-02T15:04:05.000000Z07:00"); got != "2026-11-23T05:09:58.123456Z" {
		t.Errorf("now %s", got)
	}
	wantNotes := []string{
		"collection time not recorded: using the latest timestamp in the bundle (2026-11-23T05:09:58Z)",
		"this troubleshoot bundle holds no APIService objects",
		"this troubleshoot bundle holds no EndpointSlice objects",
	}
	for _, w := range wantNotes {
		if !hasNote(s.Notes, w) {
			t.Errorf("no note %q in %q", w, s.Notes)
		}
	}
	if hasNote(s.Notes, "holds no Namespace objects") || hasNote(s.Notes, "holds no Lease objects") || hasNote(s.Notes, "holds no API discovery results") {
		t.Errorf("gap notes for collected data: %q", s.Notes)
	}
}

func TestLoadClusterInfoDump(t *testing.T) {
	t.Parallel()
	s := mustLoad(t, map[string]string{
		"nodes.json":              pretty(t, `{"kind":"NodeList","apiVersion":"v1","metadata":{},"items":[{"metadata":{"name":"node-b","creationTimestamp":"2026-11-01T00:00:00Z"}}]}`),
		"kube-system/pods.json":   pretty(t, `{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[`+podMS+`]}`),
		"kube-system/events.json": pretty(t, `{"kind":"EventList","apiVersion":"v1","metadata":{},"items":[{"metadata":{"name":"e1","namespace":"kube-system"},"involvedObject":{"kind":"Node","name":"node-b"},"reason":"FailedToCreateRoute","message":"Could not create route","lastTimestamp":"2026-11-23T05:08:00Z"}]}`),
		"kube-system/kube-controller-manager-cp/logs.txt":  "a\nb\nc\n",
		"kube-system/cloud-controller-manager-x/logs.txt":  "d\n",
		"default/web-0/logs.txt":                           "e\n",
		"kube-system/kube-controller-manager-cp/extra.txt": "ignored\n",
	})
	if s.Layout != snapshot.LayoutClusterInfoDump {
		t.Errorf("layout %q", s.Layout)
	}
	if s.Node("node-b") == nil || s.Pod("kube-system", "metrics-server-abc") == nil || len(s.EventsFor("Node", "", "node-b")) != 1 {
		t.Errorf("dump lists not loaded")
	}
	kcm := s.LogsOf("kube-controller-manager")
	if len(kcm) != 1 || kcm[0].Namespace != "kube-system" || kcm[0].Pod != "kube-controller-manager-cp" || len(kcm[0].Lines) != 3 {
		t.Errorf("kcm logs %+v", kcm)
	}
	if len(s.LogsOf("cloud-controller-manager")) != 1 || len(s.Logs) != 3 {
		t.Errorf("logs %d", len(s.Logs))
	}
	if !hasNote(s.Notes, "this cluster-info-dump bundle holds no Namespace objects") {
		t.Errorf("notes %q", s.Notes)
	}
}

func TestLoadMalformed(t *testing.T) {
	t.Parallel()
	const path = "resources/core/v1/namespaces.json"
	tests := []struct {
		name      string
		files     map[string]string
		names     []string // namespaces loaded
		collected bool
		notes     []string // substrings, each in some note
	}{
		{
			name:      "wrong type in one item",
			files:     map[string]string{path: oneLine(nsActive, `{"metadata":{"name":"bad"},"spec":"oops"}`, nsStuck)},
			names:     []string{"app", "default"},
			collected: true,
			notes:     []string{path + "#/items/1: cannot decode Namespace: json: cannot unmarshal string into Go struct field"},
		},
		{
			name:      "wrong type deep down",
			files:     map[string]string{path: oneLine(`{"metadata":{"name":"x","deletionTimestamp":"yesterday"}}`, `{"metadata":{"name":"y"},"status":{"conditions":[{"type":1}]}}`, `{"metadata":{"name":"z","labels":["a"]}}`, `{"metadata":{"name":"w","finalizers":"kubernetes"}}`, nsActive)},
			names:     []string{"default"},
			collected: true,
			notes:     []string{"#/items/0: cannot decode Namespace", "#/items/1: cannot decode Namespace", "#/items/2: cannot decode Namespace", path + ": 1 more items skipped"},
		},
		{
			name:      "null item",
			files:     map[string]string{path: oneLine("null", nsActive)},
			names:     []string{"default"},
			collected: true,
			notes:     []string{"#/items/0: Namespace item is null"},
		},
		{
			name:      "items null",
			files:     map[string]string{path: `{"kind":"List","items":null}`},
			collected: true,
		},
		{
			name:      "items empty, pretty",
			files:     map[string]string{path: "{\n  \"items\": []\n}\n"},
			collected: true,
		},
		{
			name:  "garbage",
			files: map[string]string{path: "\x00\x01 not json at all"},
			notes: []string{path + ": reading list: invalid character", "(file skipped)"},
		},
		{
			name:  "truncated list keeps what came before",
			files: map[string]string{path: `{"items":[` + nsActive + `,{"metadata":{"na`},
			names: []string{"default"},
			notes: []string{path + ": reading item 1: unexpected EOF (file skipped)"},
		},
		{
			name:  "an object, not a list",
			files: map[string]string{path: nsActive},
			notes: []string{`not a list (no "items" array)`},
		},
		{
			name:  "items is an object",
			files: map[string]string{path: `{"items":{"a":1}}`},
			notes: []string{"reading items: expected an array"},
		},
		{
			name:      "a JSON array, as troubleshoot wrote some lists in 2021",
			files:     map[string]string{path: `[` + nsActive + `]`},
			names:     []string{"default"},
			collected: true,
		},
		{
			name:      "a JSON array with a bad element",
			files:     map[string]string{path: "[\n" + nsActive + `,{"metadata":{"name":"bad"},"spec":"oops"}` + "\n]"},
			names:     []string{"default"},
			collected: true,
			notes:     []string{path + "#/1: "},
		},
		{
			// Not one object: not an empty complete list, which would
			// prove every namespace absent.
			name:  "a JSON array of numbers",
			files: map[string]string{path: `[1,2]`},
			notes: []string{path + "#/0: ", path + ": none of its 2 items could be read (file skipped)"},
		},
		{
			name:  "a JSON array of objects without metadata.name (other JSON under a Kubernetes file name)",
			files: map[string]string{path: `[{"city":"Minsk","neighbors":[{"name":"Brest"}]},{"city":"Brest"}]`},
			notes: []string{path + "#/0: not a Kubernetes object (no metadata.name)", "none of its 2 items could be read"},
		},
		{
			name:      "garbage discovery, content and version files",
			files:     map[string]string{path: oneLine(nsActive), "discovery/results.json": "{", "terminating/app.json": "[1]", "health/version.json": "<html>", "cluster-resources/groups-resources-errors.json": `{"a":1}`},
			names:     []string{"default"},
			collected: true,
			notes:     []string{"discovery/results.json: cannot decode discovery results", "terminating/app.json: cannot decode namespace content", "health/version.json: cannot decode version", "groups-resources-errors.json: cannot decode discovery errors"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			files := map[string]string{"manifest.json": manifestJSON(t)}
			for k, v := range tt.files {
				files[k] = v
			}
			s := mustLoad(t, files)
			var names []string
			for _, ns := range s.Namespaces {
				names = append(names, ns.Name)
			}
			if strings.Join(names, ",") != strings.Join(tt.names, ",") {
				t.Errorf("namespaces %q, want %q", names, tt.names)
			}
			if c := s.Collection(snapshot.ResNamespaces); c.Collected != tt.collected {
				t.Errorf("collection %+v, want collected %v", c, tt.collected)
			}
			for _, n := range tt.notes {
				if !hasNote(s.Notes, n) {
					t.Errorf("no note containing %q in %q", n, s.Notes)
				}
			}
			if len(tt.notes) == 0 && len(s.Notes) > 0 {
				t.Errorf("unexpected notes %q", s.Notes)
			}
		})
	}
}

func TestLoadManifestErrors(t *testing.T) {
	t.Parallel()
	if _, err := Snapshot(MapWalk(map[string]string{"manifest.json": "{not json"}), Options{}); err == nil || !strings.Contains(err.Error(), "manifest.json") {
		t.Errorf("garbage manifest: err %v", err)
	}
	if s := mustLoad(t, map[string]string{}); s.Layout != snapshot.LayoutNative || len(s.Notes) != 1 || !s.Now.IsZero() {
		t.Errorf("empty bundle: layout %q notes %q", s.Layout, s.Notes)
	}
}

func TestLoadLogs(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", MaxLogLineBytes+10)
	var many strings.Builder
	for i := 1; i <= MaxLogLines+5; i++ {
		many.WriteString("line\n")
	}
	many.WriteString("last")
	s := mustLoad(t, map[string]string{
		"manifest.json":                  manifestJSON(t),
		"logs/kube-system/kcm-1/kcm.log": many.String(),
		"logs/files/kube-apiserver.log":  "a\r\n" + long + "\nb",
		"logs/files/custom-thing.log":    "",
		"logs/kube-system/kube-controller-manager-2/kube-controller-manager.log": "\n",
	})
	byPath := map[string]*snapshot.Log{}
	for _, l := range s.Logs {
		byPath[l.Path] = l
	}
	if l := byPath["logs/kube-system/kcm-1/kcm.log"]; l == nil || len(l.Lines) != MaxLogLines || l.FirstLine != 7 || l.Lines[len(l.Lines)-1] != "last" {
		t.Errorf("tail kept: %d lines from %d", len(l.Lines), l.FirstLine)
	}
	api := byPath["logs/files/kube-apiserver.log"]
	if api == nil || api.Component != "kube-apiserver" || len(api.Lines) < 3 || api.Lines[0] != "a" || len(api.Lines[1]) != MaxLogLineBytes || api.Lines[len(api.Lines)-1] != "b" {
		t.Errorf("apiserver log: %+v", api)
	}
	if l := byPath["logs/files/custom-thing.log"]; l == nil || l.Component != "custom-thing" || len(l.Lines) != 0 {
		t.Errorf("custom log: %+v", l)
	}
	if len(s.Notes) != 0 {
		t.Errorf("notes %q", s.Notes)
	}
}

func hasNote(notes []string, sub string) bool {
	for _, n := range notes {
		if strings.Contains(n, sub) {
			return true
		}
	}
	return false
}

// TestLoadTroubleshootPodLogs reads pod logs where troubleshoot's
// clusterResources collector writes them, current and -previous, and
// leaves other shapes alone.
func TestLoadTroubleshootPodLogs(t *testing.T) {
	t.Parallel()
	s := mustLoad(t, map[string]string{
		"version.yaml": "apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundle\n",
		"cluster-resources/pods/kube-system.json":                                                                 `{"kind":"PodList","apiVersion":"v1","items":[]}`,
		"cluster-resources/pods/logs/kube-system/kube-controller-manager-cp/kube-controller-manager.log":          "I1123 leaderelection.go:258] successfully acquired lease kube-system/kube-controller-manager\n",
		"cluster-resources/pods/logs/kube-system/kube-controller-manager-cp/kube-controller-manager-previous.log": "F1123 controllermanager.go:294] leaderelection lost\n",
		"cluster-resources/pods/logs/velero/velero-7d9/velero.log":                                                "time=x level=error msg=boom\n",
		"cluster-resources/pods/logs/too/short.log":                                                               "x\n",
	})
	type key struct {
		ns, pod, container, component string
		previous                      bool
	}
	got := map[key]int{}
	for _, l := range s.Logs {
		got[key{l.Namespace, l.Pod, l.Container, l.Component, l.Previous}] = len(l.Lines)
	}
	want := map[key]int{
		{"kube-system", "kube-controller-manager-cp", "kube-controller-manager", "kube-controller-manager", false}: 1,
		{"kube-system", "kube-controller-manager-cp", "kube-controller-manager", "kube-controller-manager", true}:  1,
		{"velero", "velero-7d9", "velero", "", false}:                                                              1,
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("log %+v: %d lines, want %d (got %v)", k, got[k], n, got)
		}
	}
	if len(s.Logs) != len(want) {
		t.Errorf("%d logs read, want %d: %v", len(s.Logs), len(want), got)
	}
	if s.Layout != snapshot.LayoutTroubleshoot {
		t.Errorf("layout %q", s.Layout)
	}
}

// TestLoadClusterInfoDumpUnderFolder: a dump written with
// --output-directory=cluster-info keeps that folder in the bundle's names
// (it is one of troubleshoot's folders, so the walker does not strip it);
// it loads as the same dump, its evidence paths keeping the folder, and
// troubleshoot's cluster-info/cluster_version.json is still a version.
func TestLoadClusterInfoDumpUnderFolder(t *testing.T) {
	t.Parallel()
	podList := pretty(t, `{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[`+podMS+`]}`)
	s := mustLoad(t, map[string]string{
		"cluster-info/nodes.json":                                      pretty(t, `{"kind":"NodeList","apiVersion":"v1","metadata":{},"items":[{"metadata":{"name":"node-b"}}]}`),
		"cluster-info/kube-system/pods.json":                           podList,
		"cluster-info/kube-system/kube-controller-manager-cp/logs.txt": "a\nb\n",
	})
	if s.Layout != snapshot.LayoutClusterInfoDump {
		t.Errorf("layout %q", s.Layout)
	}
	if n := s.Node("node-b"); n == nil || n.Loc.Path != "cluster-info/nodes.json" || !s.Complete(snapshot.ResNodes) {
		t.Errorf("node %+v, nodes %+v", n, s.Collection(snapshot.ResNodes))
	}
	p := s.Pod("kube-system", "metrics-server-abc")
	if p == nil || p.Loc.Path != "cluster-info/kube-system/pods.json" || p.Loc.Pointer != "/items/0" {
		t.Fatalf("pod %+v", p)
	}
	if c := s.Collection(snapshot.ResPods); c.Partial || !s.CompleteIn(snapshot.ResPods, "kube-system") || s.CompleteIn(snapshot.ResPods, "default") || len(c.Files) != 1 || c.Files[0] != (snapshot.ListFile{Path: "cluster-info/kube-system/pods.json", Namespace: "kube-system"}) {
		t.Errorf("pods %+v", c)
	}
	if kcm := s.LogsOf("kube-controller-manager"); len(kcm) != 1 || kcm[0].Pod != "kube-controller-manager-cp" || kcm[0].Path != "cluster-info/kube-system/kube-controller-manager-cp/logs.txt" {
		t.Errorf("logs %+v", kcm)
	}
	ts := mustLoad(t, map[string]string{
		"cluster-resources/pods/kube-system.json": podList,
		"cluster-info/cluster_version.json":       `{"info":{"gitVersion":"v1.37.2"},"string":"v1.37.2"}`,
	})
	if ts.Layout != snapshot.LayoutTroubleshoot || ts.GitVersion != "v1.37.2" {
		t.Errorf("troubleshoot: layout %q version %q", ts.Layout, ts.GitVersion)
	}
}
