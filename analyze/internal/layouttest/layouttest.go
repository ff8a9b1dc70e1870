// Package layouttest rewrites an nsbundle bundle, held in memory, into the
// foreign layouts the analyzer reads: a Replicated troubleshoot support
// bundle, a `kubectl cluster-info dump --all-namespaces` and an OpenShift
// must-gather. Each holds only what that tool writes (the shapes the loader
// in analyze/load reads and its tests use), so a test can analyze the same
// cluster in every layout and check that each finding cites files of THAT
// bundle.
package layouttest

import (
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/nsbundle/nsbundle/bundle"
)

// Read returns the regular files of the bundle at p (an archive or a
// directory) by bundle path.
func Read(p string) (map[string]string, error) {
	out := map[string]string{}
	err := bundle.Walk(p, bundle.DefaultLimits(), func(e *bundle.Entry) error {
		if e.IsLink() {
			return nil
		}
		b, err := e.ReadAll()
		if err != nil {
			return err
		}
		out[e.Name] = string(b)
		return nil
	})
	return out, err
}

// list is one native list file, split into its items.
type list struct {
	path       bundle.ResourcePath
	apiVersion string
	kind       string // of an item, e.g. "Pod"
	items      []item
}

// item is one object of a list: its raw JSON and identity.
type item struct {
	raw             json.RawMessage
	namespace, name string
}

// nativeLists parses the resources/<group>/<version>/<resource>.json files
// of a native bundle, by resource key ("pods", "clusterroles.rbac...").
func nativeLists(native map[string]string) (map[string]*list, error) {
	out := map[string]*list{}
	for name, text := range native {
		p, ok := bundle.ParseResourcePath(name)
		if !ok {
			continue
		}
		var doc struct {
			APIVersion string            `json:"apiVersion"`
			Kind       string            `json:"kind"`
			Items      []json.RawMessage `json:"items"`
		}
		if err := json.Unmarshal([]byte(text), &doc); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		l := &list{path: p, apiVersion: doc.APIVersion, kind: strings.TrimSuffix(doc.Kind, "List")}
		if l.apiVersion == "" {
			l.apiVersion = p.Version
			if p.Group != "" {
				l.apiVersion = p.Group + "/" + p.Version
			}
		}
		for _, raw := range doc.Items {
			var m struct {
				Kind     string `json:"kind"`
				Metadata struct {
					Namespace string `json:"namespace"`
					Name      string `json:"name"`
				} `json:"metadata"`
			}
			if err := json.Unmarshal(raw, &m); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			if l.kind == "" {
				l.kind = m.Kind
			}
			l.items = append(l.items, item{raw: raw, namespace: m.Metadata.Namespace, name: m.Metadata.Name})
		}
		out[p.Key()] = l
	}
	return out, nil
}

// namespaceNames returns the names in the native namespace list, sorted.
func namespaceNames(lists map[string]*list) []string {
	var out []string
	if l := lists["namespaces"]; l != nil {
		for _, it := range l.items {
			out = append(out, it.name)
		}
	}
	sort.Strings(out)
	return out
}

// listDoc renders items as a pretty-printed JSON List, as troubleshoot and
// kubectl write them.
func listDoc(l *list, items []item) (string, error) {
	raws := make([]json.RawMessage, 0, len(items))
	for _, it := range items {
		raws = append(raws, it.raw)
	}
	kind := "List"
	if l.kind != "" {
		kind = l.kind + "List"
	}
	b, err := json.MarshalIndent(struct {
		Kind       string            `json:"kind"`
		APIVersion string            `json:"apiVersion"`
		Metadata   struct{}          `json:"metadata"`
		Items      []json.RawMessage `json:"items"`
	}{kind, l.apiVersion, struct{}{}, raws}, "", "  ")
	return string(b), err
}

// inNamespace returns the items of l in namespace ns.
func inNamespace(l *list, ns string) []item {
	var out []item
	for _, it := range l.items {
		if it.namespace == ns {
			out = append(out, it)
		}
	}
	return out
}

// podLog is one native pod log file.
type podLog struct {
	namespace, pod, container string
	previous                  bool
	text                      string
}

// podLogs returns the native bundle's pod logs (logs/<ns>/<pod>/<c>.log),
// in path order; --log files and audit logs are not pod logs.
func podLogs(native map[string]string) []podLog {
	var out []podLog
	for name, text := range native {
		if p, ok := bundle.ParsePodLogPath(name); ok {
			out = append(out, podLog{p.Namespace, p.Pod, p.Container, p.Previous, text})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.namespace+"/"+a.pod+"/"+a.container != b.namespace+"/"+b.pod+"/"+b.container {
			return a.namespace+"/"+a.pod+"/"+a.container < b.namespace+"/"+b.pod+"/"+b.container
		}
		return !a.previous && b.previous
	})
	return out
}

// groupDir is a group's folder name in a must-gather ("core" for "").
func groupDir(group string) string {
	if group == "" {
		return "core"
	}
	return group
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// join joins the elements of a bundle name.
func join(elem ...string) string { return path.Join(elem...) }

// FileNamespace returns the one namespace a list file of any layout holds
// ("" for a file of every namespace, a cluster-scoped list or another
// file): troubleshoot's cluster-resources/<res>/<ns>.json, a cluster-info
// dump's <ns>/<res>.json and a must-gather's namespaces/<ns>/... files.
func FileNamespace(name string) string {
	parts := strings.Split(name, "/")
	if len(parts) > 1 && parts[0] == MustGatherImage {
		parts = parts[1:]
	}
	switch {
	case len(parts) == 3 && parts[0] == "cluster-resources" && strings.HasSuffix(parts[2], ".json"):
		return strings.TrimSuffix(parts[2], ".json")
	case len(parts) >= 4 && parts[0] == "namespaces":
		return parts[1]
	case len(parts) == 2 && strings.HasSuffix(parts[1], ".json") && !notNamespace[parts[0]]:
		return parts[0]
	}
	return ""
}

// notNamespace are the top folders of the layouts that are not a dump's
// namespace folders.
var notNamespace = map[string]bool{
	bundle.ResourcesDir: true, bundle.HealthDir: true, bundle.TerminatingDir: true, bundle.DiscoveryDir: true,
	bundle.LogsDir: true, "cluster-resources": true, "cluster-info": true,
}

// Without returns a copy of native whose list file listPath lacks the
// object ns/name (ns "" for a cluster-scoped one), as if it had been
// deleted before collection; the list keeps one item per line.
func Without(native map[string]string, listPath, ns, name string) (map[string]string, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(native[listPath]), &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", listPath, err)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(doc["items"], &items); err != nil {
		return nil, fmt.Errorf("%s: %w", listPath, err)
	}
	kept := []string{}
	found := false
	for _, raw := range items {
		var m struct {
			Metadata struct{ Namespace, Name string } `json:"metadata"`
		}
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, err
		}
		if m.Metadata.Namespace == ns && m.Metadata.Name == name {
			found = true
			continue
		}
		kept = append(kept, string(raw))
	}
	if !found {
		return nil, fmt.Errorf("%s holds no %s/%s", listPath, ns, name)
	}
	out := make(map[string]string, len(native))
	for k, v := range native {
		out[k] = v
	}
	out[listPath] = `{"apiVersion":` + string(doc["apiVersion"]) + `,"kind":` + string(doc["kind"]) + `,"items":[` + "\n" + strings.Join(kept, ",\n") + "\n]}\n"
	return out, nil
}
