package layouttest

import (
	"encoding/json"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/nsbundle/nsbundle/bundle"
)

// MustGatherImage is the gather image's folder the must-gather files lie
// under.
const MustGatherImage = "quay-io-openshift-release-dev-ocp-v4-0-art-dev-sha256-0123abcd"

// MustGather rewrites a native bundle as an OpenShift must-gather, in YAML
// under one gather image's folder: the timestamp file (the collection's
// start and end), cluster-scoped objects one per file
// (cluster-scoped-resources/<group>/<resource>/<name>.yaml), each Namespace
// as namespaces/<ns>/<ns>.yaml, namespaced lists as
// namespaces/<ns>/<group>/<resource>.yaml, each pod again alone
// (namespaces/<ns>/pods/<pod>/<pod>.yaml) and pod logs as
// namespaces/<ns>/pods/<pod>/<c>/<c>/logs/{current,previous}.log. No
// manifest, discovery, terminating/ contents or --log files.
func MustGather(native map[string]string) (map[string]string, error) {
	lists, err := nativeLists(native)
	if err != nil {
		return nil, err
	}
	img := MustGatherImage + "/"
	out := map[string]string{}
	var m bundle.Manifest
	if json.Unmarshal([]byte(native[bundle.ManifestPath]), &m) == nil && !m.End.IsZero() {
		const layout = "2006-01-02 15:04:05.999999999 -0700 MST"
		out[img+"timestamp"] = m.Start.UTC().Format(layout) + " m=+0.1\n" + m.End.UTC().Format(layout) + " m=+" + m.End.Sub(m.Start).Round(time.Second).String() + "\n"
	}
	for _, key := range sortedKeys(lists) {
		l := lists[key]
		g, res := groupDir(l.path.Group), l.path.Resource
		byNS := map[string][]item{}
		for _, it := range l.items {
			switch {
			case res == "namespaces" && l.path.Group == "":
				s, err := toYAML(it.raw)
				if err != nil {
					return nil, err
				}
				out[img+join("namespaces", it.name, it.name+".yaml")] = s
			case it.namespace == "":
				s, err := toYAML(it.raw)
				if err != nil {
					return nil, err
				}
				out[img+join("cluster-scoped-resources", g, res, it.name+".yaml")] = s
			default:
				byNS[it.namespace] = append(byNS[it.namespace], it)
				if res == "pods" && l.path.Group == "" {
					s, err := toYAML(it.raw)
					if err != nil {
						return nil, err
					}
					out[img+join("namespaces", it.namespace, "pods", it.name, it.name+".yaml")] = s
				}
			}
		}
		for ns, items := range byNS {
			doc, err := listDoc(l, items)
			if err != nil {
				return nil, err
			}
			s, err := toYAML(json.RawMessage(doc))
			if err != nil {
				return nil, err
			}
			out[img+join("namespaces", ns, g, res+".yaml")] = s
		}
	}
	for _, lg := range podLogs(native) {
		file := "current.log"
		if lg.previous {
			file = "previous.log"
		}
		out[img+join("namespaces", lg.namespace, "pods", lg.pod, lg.container, lg.container, "logs", file)] = lg.text
	}
	return out, nil
}

// toYAML converts a JSON document to YAML.
func toYAML(raw json.RawMessage) (string, error) {
	b, err := yaml.JSONToYAML(raw)
	return string(b), err
}
