package rules_test

import (
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/rules"
)

// asMustGather writes the fixture's lists the way OpenShift's must-gather
// does (YAML; cluster-scoped objects one per file, namespaced ones in one
// list per namespace and resource) under a gather image's folder, and
// drops what a must-gather lacks: the manifest, discovery results, nsbundle
// logs. Leases are kept only where the caller leaves them.
func asMustGather(t *testing.T, f *fx) map[string]string {
	t.Helper()
	const img = "quay-io-openshift-release-dev-ocp-v4-0-art-dev-sha256-0123abcd/"
	out := map[string]string{img + "timestamp": "2026-11-23 05:09:40.1 +0000 UTC m=+0.3\n2026-11-23 05:10:00.2 +0000 UTC m=+20.1\n"}
	for p, items := range f.lists {
		parts := strings.Split(strings.TrimSuffix(p, ".json"), "/") // resources/<group>/<version>/<resource>
		if len(parts) != 4 {
			continue
		}
		group, res := parts[1], parts[3]
		byNS := map[string][]obj{}
		for _, it := range items {
			m, _ := it["metadata"].(obj)
			ns, _ := m["namespace"].(string)
			name, _ := m["name"].(string)
			if ns == "" && res != "namespaces" {
				out[img+"cluster-scoped-resources/"+group+"/"+res+"/"+name+".yaml"] = toYAML(t, it)
				continue
			}
			if res == "namespaces" {
				out[img+"namespaces/"+name+"/"+name+".yaml"] = toYAML(t, it)
				continue
			}
			byNS[ns] = append(byNS[ns], it)
		}
		for ns, its := range byNS {
			out[img+"namespaces/"+ns+"/"+group+"/"+res+".yaml"] = "---\n" + toYAML(t, obj{"apiVersion": "v1", "kind": "List", "items": its})
		}
	}
	return out
}

func toYAML(t *testing.T, v any) string {
	t.Helper()
	b, err := yaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestMustGather: a must-gather selects what it gathers, so an object
// missing from it is never read as deleted, and the chains that rest on
// positive evidence are still found.
func TestMustGather(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(f *fx)
		want   []want
	}{
		{name: "healthy", mutate: func(*fx) {}},
		{
			name: "bootstrap ClusterRole not gathered: no RBAC finding",
			mutate: func(f *fx) {
				f.remove(pCRoles, "", "system:kube-controller-manager")
				f.remove(pCRoles, "", "admin")
			},
		},
		{
			name: "node not gathered: the pod's node is not called deleted",
			mutate: func(f *fx) {
				f.add(pPods, pod("default", "web-0", "node-gone", "10.244.9.9", nil, false))
			},
		},
		{
			name: "APIService not gathered: the chain ends in missing evidence",
			mutate: func(f *fx) {
				discoveryFails(f, msgLegacy)
				f.remove(pAPIServices, "", "v1beta1.metrics.k8s.io")
			},
			want: []want{{
				id: "NSB-GV-001", symptom: lnApp,
				chain: []string{lnApp, lnGV, "MissingEvidence APIService v1beta1.metrics.k8s.io"},
				root:  "MissingEvidence APIService v1beta1.metrics.k8s.io", rootProblem: "which are incomplete (a must-gather holds the namespaces and objects its gather scripts select",
			}},
		},
		{
			name: "APIService gathered and unavailable: the chain goes on",
			mutate: func(f *fx) {
				discoveryFails(f, msgLegacy)
				metricsAvailable(f, "False", "ServiceNotFound", msgSvcNotFound)
				f.remove(pServices, "kube-system", "metrics-server")
			},
			want: []want{{
				id: "NSB-APISVC-001", symptom: lnApp,
				chain: []string{lnApp, lnGV, lnAPISvc, lnMS},
				root:  lnMS, rootProblem: "does not exist, but APIService v1beta1.metrics.k8s.io points at it",
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := healthy()
			tt.mutate(f)
			files := asMustGather(t, f)
			r, err := analyze.Run(loadFiles(t, files), rules.All())
			if err != nil {
				t.Fatal(err)
			}
			if r.Bundle.Layout != "must-gather" {
				t.Errorf("layout %q, want must-gather", r.Bundle.Layout)
			}
			checkFindings(t, r.Findings, tt.want)
			for _, fd := range r.Findings {
				for _, l := range fd.Chain {
					for _, e := range l.Evidence {
						if _, ok := files[e.Path]; !ok {
							t.Errorf("%s: evidence cites %q, not a file of the bundle", fd.ID, e.Path)
						}
					}
				}
			}
		})
	}
}
