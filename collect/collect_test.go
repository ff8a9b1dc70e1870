package collect

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nsbundle/nsbundle/bundle"
	"github.com/nsbundle/nsbundle/collect/collecttest"
)

func testOptions(t testing.TB) Options {
	o := NewOptions()
	o.Output = filepath.Join(t.TempDir(), "b.tgz")
	o.ContextName = "test"
	o.Tool.Version = "test"
	o.MaxRetryWait = 1500 * time.Millisecond
	o.Timeout = 10 * time.Second
	o.QPS = 0
	return o
}

func findRequest(m *bundle.Manifest, path string) *bundle.Request {
	for i := range m.Requests {
		if m.Requests[i].Path == path {
			return &m.Requests[i]
		}
	}
	return nil
}

func TestRunBrokenCluster(t *testing.T) {
	t.Parallel()
	f := brokenServer(t, 1234)
	cfg := f.Config()
	o := testOptions(t)
	var events []Event
	res, err := Run(context.Background(), cfg, o, func(e Event) { events = append(events, e) })
	if err != nil {
		t.Fatal(err)
	}
	raw, names, files := readBundle(t, res.Path)
	if names[0] != bundle.ManifestPath {
		t.Errorf("first entry %q, want manifest.json", names[0])
	}
	if fi, err := os.Stat(res.Path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("bundle mode: %v %v", fi.Mode(), err)
	}
	m := res.Manifest

	t.Run("secret values never in the bundle", func(t *testing.T) {
		for _, v := range []string{collecttest.PlantedSecret, b64(collecttest.PlantedSecret), collecttest.PlantedConfig, b64(collecttest.PlantedConfig)} {
			if bytes.Contains(raw, []byte(v)) {
				t.Errorf("bundle holds %q", v)
			}
		}
		fi, _ := os.Stat(res.Path)
		gz, _ := os.ReadFile(res.Path)
		if bytes.Contains(gz, []byte(collecttest.PlantedSecret)) || fi.Size() == 0 {
			t.Error("compressed bundle holds the secret")
		}
		sec := string(files["resources/core/v1/secrets.json"])
		for _, want := range []string{`"password":""`, `"team":"payments"`, `"type":"Opaque"`, `"kind":"Secret"`} {
			if !strings.Contains(sec, want) {
				t.Errorf("secrets.json lacks %s: %s", want, sec)
			}
		}
		if strings.Contains(sec, "last-applied") || strings.Contains(sec, "managedFields") {
			t.Errorf("secrets.json keeps last-applied or managedFields: %s", sec)
		}
	})

	t.Run("discovery failures verbatim", func(t *testing.T) {
		var results []bundle.DiscoveryResult
		if err := json.Unmarshal(files[bundle.DiscoveryResultsPath], &results); err != nil {
			t.Fatal(err)
		}
		want := map[string]bundle.DiscoveryResult{
			"legacy":     {GroupVersion: "metrics.k8s.io/v1beta1", Source: "legacy", Path: "/apis/metrics.k8s.io/v1beta1", Status: 503, Error: "the server is currently unable to handle the request"},
			"aggregated": {GroupVersion: "metrics.k8s.io/v1beta1", Source: "aggregated", Path: "/apis", Status: 200, Freshness: "Stale", Error: "stale GroupVersion discovery: metrics.k8s.io/v1beta1", File: bundle.AggregatedAPIsPath},
		}
		for _, r := range results {
			if w, ok := want[r.Source]; ok && r.GroupVersion == w.GroupVersion {
				if r != w {
					t.Errorf("%s result:\n got %+v\nwant %+v", r.Source, r, w)
				}
				delete(want, r.Source)
			}
		}
		if len(want) > 0 {
			t.Errorf("missing results: %v", want)
		}
		for _, f := range []string{bundle.AggregatedAPIPath, bundle.AggregatedAPIsPath, "discovery/legacy/api.json", "discovery/legacy/apis.json", "discovery/legacy/api/v1.json", "discovery/legacy/apis/apps/v1.json"} {
			if len(files[f]) == 0 {
				t.Errorf("no %s", f)
			}
		}
	})

	t.Run("lists paginated, one item per line", func(t *testing.T) {
		req := findRequest(m, "/api/v1/pods?limit=500")
		if req == nil || req.Pages != 3 || req.Count != 1237 || req.Error != "" {
			t.Fatalf("pods request: %+v", req)
		}
		lines := strings.Split(strings.TrimSpace(string(files["resources/core/v1/pods.json"])), "\n")
		if len(lines) != 1237+2 {
			t.Fatalf("pods.json has %d lines", len(lines))
		}
		for i, l := range lines[1 : len(lines)-1] {
			var p map[string]any
			if err := json.Unmarshal([]byte(strings.TrimSuffix(l, ",")), &p); err != nil || p["kind"] != "Pod" || p["apiVersion"] != "v1" {
				t.Fatalf("line %d: %v %.80s", i, err, l)
			}
		}
		var list struct{ Items []json.RawMessage }
		if err := json.Unmarshal(files["resources/core/v1/pods.json"], &list); err != nil || len(list.Items) != 1237 {
			t.Errorf("pods.json as JSON: %v, %d items", err, len(list.Items))
		}
		if bytes.Contains(raw, []byte(`"managedFields":`)) || bytes.Contains(files["resources/core/v1/nodes.json"], []byte("pause:3.10")) {
			t.Error("managedFields or node images kept")
		}
	})

	t.Run("429 honoured", func(t *testing.T) {
		req := findRequest(m, "/api/v1/services?limit=500")
		if req == nil || req.Retries != 1 || req.Status != 200 || req.DurationMillis < 900 {
			t.Errorf("services request: %+v", req)
		}
	})

	t.Run("terminating inventory", func(t *testing.T) {
		var nc bundle.NamespaceContent
		if err := json.Unmarshal(files["terminating/stuck.json"], &nc); err != nil {
			t.Fatal(err)
		}
		got := map[string]bundle.RemainingContent{}
		for _, rc := range nc.Resources {
			got[rc.Group+"/"+rc.Version+"/"+rc.Resource] = rc
		}
		cm := got["/v1/configmaps"]
		if cm.Count != 1 || len(cm.Items) != 1 || !slices.Equal(cm.Items[0].Finalizers, []string{"example.com/hold"}) || cm.Items[0].DeletionTimestamp == nil {
			t.Errorf("configmaps: %+v", cm)
		}
		w := got["example.com/v1/widgets"]
		if w.Status != 500 || !strings.HasPrefix(w.Error, `conversion webhook for example.com/v1, Kind=Widget failed: Post "https://conv.stuck.svc:443/convert?timeout=30s": service "conv" not found`) {
			t.Errorf("widgets: %+v", w)
		}
		d := got["metrics.k8s.io/v1beta1/"]
		if d.Error != "the server is currently unable to handle the request" || d.Status != 503 {
			t.Errorf("failed group-version: %+v", d)
		}
	})

	t.Run("logs", func(t *testing.T) {
		for _, want := range []struct{ path, text, component string }{
			{"logs/kube-system/kube-controller-manager-node-1/kube-controller-manager.log", `"Deletion of namespace failed"`, "kube-controller-manager"},
			{"logs/kube-system/kube-controller-manager-node-1/kube-controller-manager.previous.log", "leaderelection lost", "kube-controller-manager"},
			{"logs/kube-system/metrics-server-5f7c9d-abcde/metrics-server.log", "cannot reach kubelet", "metrics-server"},
		} {
			if !strings.Contains(string(files[want.path]), want.text) {
				t.Errorf("%s lacks %q", want.path, want.text)
			}
			i := slices.IndexFunc(m.Logs, func(l bundle.LogFile) bool { return l.Path == want.path })
			if i < 0 || m.Logs[i].Component != want.component || m.Logs[i].Error != "" {
				t.Errorf("manifest log %s: %+v", want.path, m.Logs)
			}
		}
		// The webhook's pod has no log: recorded, run went on.
		i := slices.IndexFunc(m.Logs, func(l bundle.LogFile) bool { return l.Pod == "webhook-0" })
		if i < 0 || m.Logs[i].Error == "" || m.Logs[i].Component != "service monitoring/hook" {
			t.Errorf("webhook pod log record: %+v", m.Logs)
		}
	})

	t.Run("manifest and result", func(t *testing.T) {
		if m.CollectedBy.Username != "alice" || m.Cluster.GitVersion != "v1.37.2" || m.Cluster.Context != "test" {
			t.Errorf("identity/cluster: %+v %+v", m.CollectedBy, m.Cluster)
		}
		if res.Complete {
			t.Error("Complete with failures")
		}
		for _, want := range []string{
			"discovery metrics.k8s.io/v1beta1: the server is currently unable to handle the request (503)",
			"logs monitoring/webhook-0/hook: not found (404)",
		} {
			if !slices.Contains(res.Missing, want) {
				t.Errorf("Missing lacks %q: %q", want, res.Missing)
			}
		}
		if m.Totals.Requests != len(m.Requests) || m.Totals.FailedRequests == 0 || m.Totals.Objects < 1237 {
			t.Errorf("totals: %+v", m.Totals)
		}
		if !strings.Contains(string(files["health/readyz.txt"]), "readyz check failed") {
			t.Error("failing readyz body not kept")
		}
		var whats []string
		for _, om := range m.Omissions {
			whats = append(whats, om.What+" @ "+om.Scope)
		}
		for _, want := range []string{"metadata.managedFields @ pods", "data and stringData values (key names kept) @ secrets",
			"metadata.annotations[" + LastAppliedAnnotation + "] @ secrets", "status.images @ nodes"} {
			if !slices.Contains(whats, want) {
				t.Errorf("omissions lack %q: %q", want, whats)
			}
		}
		if len(events) == 0 || events[len(events)-1].Phase != PhaseWrite {
			t.Errorf("progress events: %d", len(events))
		}
	})

	t.Run("read-only", func(t *testing.T) {
		for _, r := range f.Requests() {
			if !strings.HasPrefix(r, "GET ") && r != "POST "+selfSubjectReviewPath {
				t.Errorf("mutating request %s", r)
			}
		}
	})
}

func TestRunForbidden(t *testing.T) {
	t.Parallel()
	cfg := brokenServer(t, 3, collecttest.Forbidden("secrets", "configmaps")).Config()
	res, err := Run(context.Background(), cfg, testOptions(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _, files := readBundle(t, res.Path)
	if _, ok := files["resources/core/v1/secrets.json"]; ok {
		t.Error("secrets.json written though forbidden")
	}
	for _, want := range []string{"secrets: forbidden (403)", "configmaps: forbidden (403)", "terminating stuck: 2 resource types: forbidden (403): configmaps, secrets"} {
		if !slices.Contains(res.Missing, want) {
			t.Errorf("Missing lacks %q: %q", want, res.Missing)
		}
	}
	req := findRequest(res.Manifest, "/api/v1/secrets?limit=500")
	if req == nil || req.Status != 403 || req.Reason != "Forbidden" ||
		req.Error != `secrets is forbidden: User "alice" cannot list resource "secrets" in API group "" at the cluster scope` {
		t.Errorf("secrets request: %+v", req)
	}
}

func TestLogTailKept(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	for i := range 5000 {
		b.WriteString(strings.Repeat("x", 90) + " line " + time.Duration(i).String() + "\n")
	}
	long := b.String() + "THE-NEWEST-LINE\n"
	cfg := brokenServer(t, 1, collecttest.Log("kube-system", "metrics-server-5f7c9d-abcde", "metrics-server", long)).Config()
	o := testOptions(t)
	o.MaxLogBytes = 64 << 10
	local := filepath.Join(t.TempDir(), "kcm.log")
	if err := os.WriteFile(local, []byte(long), 0o600); err != nil {
		t.Fatal(err)
	}
	o.LogFiles = []LogFileSpec{{Name: "kube-controller-manager", Path: local}, {Name: "gone", Path: local + ".missing"}}
	res, err := Run(context.Background(), cfg, o, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _, files := readBundle(t, res.Path)
	for _, p := range []string{"logs/kube-system/metrics-server-5f7c9d-abcde/metrics-server.log", "logs/files/kube-controller-manager.log"} {
		got := files[p]
		if len(got) > int(o.MaxLogBytes) || len(got) < int(o.MaxLogBytes)/2 || !bytes.HasSuffix(got, []byte("THE-NEWEST-LINE\n")) || !bytes.HasPrefix(got, []byte("xxx")) {
			t.Errorf("%s: %d bytes, tail %q", p, len(got), got[max(0, len(got)-20):])
		}
	}
	i := slices.IndexFunc(res.Manifest.Logs, func(l bundle.LogFile) bool { return l.Source == local })
	if i < 0 || !res.Manifest.Logs[i].Truncated || res.Manifest.Logs[i].Component != "kube-controller-manager" {
		t.Errorf("log file record: %+v", res.Manifest.Logs)
	}
	if !slices.ContainsFunc(res.Missing, func(s string) bool { return strings.HasPrefix(s, "log file gone: open ") }) {
		t.Errorf("Missing: %q", res.Missing)
	}
}

func TestRunNamespacesOption(t *testing.T) {
	t.Parallel()
	cfg := brokenServer(t, 5).Config()
	o := testOptions(t)
	o.Namespaces = []string{"kube-system", "stuck"}
	res, err := Run(context.Background(), cfg, o, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _, files := readBundle(t, res.Path)
	var list struct{ Items []map[string]any }
	if err := json.Unmarshal(files["resources/core/v1/pods.json"], &list); err != nil || len(list.Items) != 2 {
		t.Errorf("pods in kube-system and stuck: %v %d", err, len(list.Items))
	}
	if findRequest(res.Manifest, "/api/v1/namespaces/stuck/pods?limit=500") == nil {
		t.Error("no per-namespace request")
	}
	if _, ok := files["terminating/stuck.json"]; !ok {
		t.Error("no inventory for stuck")
	}
}

// TestBundleReadable checks the project's own reader accepts what Run
// writes, with its default (untrusted-input) limits.
func TestBundleReadable(t *testing.T) {
	t.Parallel()
	res, err := Run(context.Background(), brokenServer(t, 2000).Config(), testOptions(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, names, _ := readBundle(t, res.Path)
	var walked []string
	err = bundle.Walk(res.Path, bundle.DefaultLimits(), func(e *bundle.Entry) error {
		walked = append(walked, e.Name)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(walked, names) {
		t.Errorf("Walk saw %d entries, tar %d", len(walked), len(names))
	}
	m, err := bundle.ReadManifest(res.Path, bundle.DefaultLimits())
	if err != nil || m.Totals != res.Manifest.Totals {
		t.Errorf("ReadManifest: %v %+v", err, m)
	}
}

// TestRunToStream: with Output "-" the bundle goes to the stream, whole,
// once complete, with the same entries as a file; a cancelled run writes
// nothing to it.
func TestRunToStream(t *testing.T) {
	t.Parallel()
	cfg := brokenServer(t, 3).Config()
	file, err := Run(context.Background(), cfg, testOptions(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, want, _ := readBundle(t, file.Path)

	var out bytes.Buffer
	o := testOptions(t)
	o.Output, o.Stream = StreamOutput, &out
	res, err := Run(context.Background(), cfg, o, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Path != StreamOutput {
		t.Errorf("Path %q", res.Path)
	}
	var got []string
	if err := bundle.WalkReader("stdout", bytes.NewReader(out.Bytes()), bundle.DefaultLimits(), func(e *bundle.Entry) error {
		got = append(got, e.Name)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	slices.Sort(want) // entries are appended as the concurrent requests finish
	if !slices.Equal(got, want) || len(got) < 10 {
		t.Errorf("stream holds %q, the file %q", got, want)
	}
	m, err := bundle.ReadManifestReader("stdout", bytes.NewReader(out.Bytes()), bundle.DefaultLimits())
	if err != nil || m.Cluster.Context != "test" {
		t.Errorf("manifest: %v %+v", err, m)
	}

	var none bytes.Buffer
	o.Stream = &none
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, cfg, o, nil); err == nil || none.Len() != 0 {
		t.Errorf("cancelled run: %v, %d bytes written", err, none.Len())
	}
	o.Stream = nil
	if err := o.Validate(); err == nil {
		t.Error("Output - without a Stream validated")
	}
}
