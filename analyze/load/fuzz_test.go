package load

import (
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/nsbundle/nsbundle/bundle"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// fuzzNames are the bundle paths FuzzLoad puts the fuzzed bytes under: one
// per decoder.
var fuzzNames = []string{
	bundle.ManifestPath,
	"resources/core/v1/namespaces.json",
	"resources/core/v1/pods/kube-system.json",
	"resources/apiregistration.k8s.io/v1/apiservices.json",
	"resources/rbac.authorization.k8s.io/v1/clusterroles.json",
	"resources/discovery.k8s.io/v1/endpointslices.json",
	"cluster-resources/namespaces.json",
	"cluster-resources/groups-resources-errors.json",
	bundle.DiscoveryResultsPath,
	"terminating/app.json",
	"logs/files/kube-controller-manager.log",
	"logs/audit/audit.log",
	"kube-system/kcm/logs.txt",
	"health/version.json",
	"namespaces/x/core/pods.yaml",                     // must-gather list
	"cluster-scoped-resources/core/namespaces/x.yaml", // must-gather object
	"timestamp",             // must-gather collection time
	"kube-system/pods.json", // cluster-info dump (internal types too)
	"cluster-scoped-resources/core/namespaces.yaml", // must-gather list of namespaces
}

// fuzzManifest names the file it fails on, so finish() has work to do.
const fuzzManifest = `{"formatVersion":"nsbundle/v1","end":"2026-11-23T05:10:00Z","cluster":{"gitVersion":"v1.37.2"},` +
	`"requests":[{"path":"/apis/apiregistration.k8s.io/v1/apiservices","verb":"list","status":403,"error":"forbidden","file":"resources/apiregistration.k8s.io/v1/apiservices.json"},` +
	`{"path":"/api/v1/namespaces/x/pods","verb":"list","status":0,"error":"timeout"}],"logs":[{"path":"logs/files/kube-controller-manager.log","component":"kube-controller-manager","bytes":1}]}`

// reElement is the pointer of an element of a bare JSON array.
var reElement = regexp.MustCompile(`^/[0-9]+$`)

func FuzzLoad(f *testing.F) {
	f.Add(uint8(1), []byte(`{"items":[`+"\n"+nsActive+",\n"+nsStuck+"\n]}"))
	f.Add(uint8(2), []byte(`{"items":[`+podMS+`]}`))
	f.Add(uint8(3), []byte(`{"items":[{"metadata":{"name":"v1beta1.metrics.k8s.io"},"spec":{"service":{"namespace":"kube-system","name":"metrics-server","port":443}},"status":{"conditions":[{"type":"Available","status":"False","reason":"MissingEndpoints"}]}}]}`))
	f.Add(uint8(4), []byte(`{"items":[{"metadata":{"name":"system:kube-controller-manager"},"rules":[{"verbs":["list","watch"],"apiGroups":["*"],"resources":["*"]}]}]}`))
	f.Add(uint8(5), []byte(`{"items":[{"metadata":{"name":"s","labels":{"kubernetes.io/service-name":"x"}},"endpoints":[{"addresses":["10.0.0.1"],"conditions":{"ready":false}}]}]}`))
	f.Add(uint8(6), []byte("{\n  \"items\": null\n}"))
	f.Add(uint8(7), []byte(`["a/v1: x", 1]`))
	f.Add(uint8(8), []byte(`[{"groupVersion":"metrics.k8s.io/v1beta1","status":503,"error":"x"}]`))
	f.Add(uint8(9), []byte(`{"namespace":"app","resources":[{"resource":"pods","count":1,"items":[{"name":"p","finalizers":["a/b"]}]}]}`))
	f.Add(uint8(10), []byte("E1123 05:09:40.201311       1 x.go:1] \"leaderelection lost/stopped\"\r\nno newline at end"))
	f.Add(uint8(11), []byte(strings.Repeat("y", 70000)+"\n"))
	f.Add(uint8(12), []byte(`{"gitVersion":"v1.37.2"}`))
	f.Add(uint8(0), []byte(fuzzManifest))
	f.Add(uint8(1), []byte(`{"items":[{"metadata":{"name":"x"},"spec":"oops"},null,{"metadata":{"deletionTimestamp":"nope"}}]}`))
	f.Add(uint8(13), []byte("---\napiVersion: v1\nkind: PodList\nitems:\n- metadata:\n    name: p\n    namespace: x\n---\nkind: Pod\nmetadata: {name: q}\n"))
	f.Add(uint8(14), []byte("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  deletionTimestamp: \"2021-01-01T00:00:00Z\"\n"))
	f.Add(uint8(15), []byte("2021-08-03 10:13:47.364145495 +0000 UTC m=+1.355495176\n"))
	f.Add(uint8(16), []byte(`{"Items":[{"name":"p","namespace":"kube-system","Spec":{"NodeName":"n"},"Status":{"Phase":"Running"}}]}`))
	f.Add(uint8(6), []byte(`[{"metadata":{"name":"a"}},{"metadata":{"name":"b"}}]`))
	f.Fuzz(func(t *testing.T, sel uint8, data []byte) {
		name := fuzzNames[int(sel)%len(fuzzNames)]
		files := map[string][]byte{name: data}
		if name != bundle.ManifestPath {
			files[bundle.ManifestPath] = []byte(fuzzManifest)
		}
		walk := func(fn func(string, io.Reader) error) error {
			if m, ok := files[bundle.ManifestPath]; ok {
				if err := fn(bundle.ManifestPath, strings.NewReader(string(m))); err != nil {
					return err
				}
			}
			if name != bundle.ManifestPath {
				return fn(name, strings.NewReader(string(data)))
			}
			return nil
		}
		s, err := Snapshot(walk, Options{})
		if err != nil {
			if name != bundle.ManifestPath {
				t.Fatalf("Snapshot(%s) failed: %v", name, err)
			}
			return
		}
		if len(s.Notes) > maxNotes {
			t.Fatalf("%d notes", len(s.Notes))
		}
		for _, ns := range s.Namespaces {
			// List items, bare-array elements, or a whole must-gather document.
			if ns.Loc.Path != name || !(strings.HasPrefix(ns.Loc.Pointer, "/items/") || ns.Loc.Pointer == "" || reElement.MatchString(ns.Loc.Pointer)) {
				t.Fatalf("namespace %q at %+v", ns.Name, ns.Loc)
			}
			if s.Namespace(ns.Name) == nil {
				t.Fatalf("namespace %q not indexed", ns.Name)
			}
		}
		for _, p := range s.Pods {
			if s.Pod(p.Namespace, p.Name) == nil {
				t.Fatalf("pod %s not indexed", p.Key())
			}
		}
		for _, l := range s.Logs {
			if len(l.Lines) > MaxLogLines || l.FirstLine < 1 {
				t.Fatalf("log %s: %d lines from %d", l.Path, len(l.Lines), l.FirstLine)
			}
			for _, line := range l.Lines {
				if len(line) > MaxLogLineBytes {
					t.Fatalf("log line of %d bytes", len(line))
				}
			}
		}
		_ = s.Collection(snapshot.ResAPIServices)
		_ = s.LogsOf("kube-controller-manager")
	})
}
