package layouttest

import (
	"encoding/json"
	"sort"

	"github.com/nsbundle/nsbundle/bundle"
)

// troubleshootFiles are the cluster-resources/ names of the resources a
// troubleshoot bundle lists, and whether it writes one file per namespace
// (cluster-resources/<name>/<namespace>.json, one for every namespace,
// empty lists too).
var troubleshootFiles = map[string]struct {
	name       string
	namespaced bool
}{
	"namespaces": {"namespaces", false}, "nodes": {"nodes", false},
	"customresourcedefinitions.apiextensions.k8s.io":               {"custom-resource-definitions", false},
	"mutatingwebhookconfigurations.admissionregistration.k8s.io":   {"mutating-webhook-configurations", false},
	"validatingwebhookconfigurations.admissionregistration.k8s.io": {"validating-webhook-configurations", false},
	"clusterroles.rbac.authorization.k8s.io":                       {"clusterroles", false},
	"clusterrolebindings.rbac.authorization.k8s.io":                {"clusterrolebindings", false},
	"apiservices.apiregistration.k8s.io":                           {"apiservices", false},
	"pods":                                                         {"pods", true}, "services": {"services", true}, "endpoints": {"endpoints", true}, "events": {"events", true},
	"persistentvolumeclaims": {"pvcs", true}, "leases.coordination.k8s.io": {"leases", true},
	"endpointslices.discovery.k8s.io": {"endpointslices", true},
	"roles.rbac.authorization.k8s.io": {"roles", true}, "rolebindings.rbac.authorization.k8s.io": {"rolebindings", true},
	"deployments.apps": {"deployments", true}, "replicasets.apps": {"replicasets", true},
	"statefulsets.apps": {"statefulsets", true}, "daemonsets.apps": {"daemonsets", true},
}

// Troubleshoot rewrites a native bundle as a troubleshoot support bundle:
// version.yaml, cluster-info/cluster_version.json, the lists above
// (pretty-printed), cluster-resources/groups-resources-errors.json from the
// failed discovery results, and pod logs as
// cluster-resources/pods/logs/<ns>/<pod>/<container>[-previous].log. It has
// no manifest, no discovery results, no terminating/ contents and no
// --log files (troubleshoot's host collectors write those elsewhere).
func Troubleshoot(native map[string]string) (map[string]string, error) {
	lists, err := nativeLists(native)
	if err != nil {
		return nil, err
	}
	out := map[string]string{
		"version.yaml": "apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundleVersion\nspec:\n  versionNumber: 0.100.0\n",
	}
	if v, ok := native[bundle.VersionPath]; ok {
		var info struct {
			GitVersion string `json:"gitVersion"`
		}
		_ = json.Unmarshal([]byte(v), &info)
		b, _ := json.MarshalIndent(map[string]any{"info": json.RawMessage(v), "string": info.GitVersion}, "", "  ")
		out["cluster-info/cluster_version.json"] = string(b)
	}
	namespaces := namespaceNames(lists)
	for _, key := range sortedKeys(lists) {
		tf, ok := troubleshootFiles[key]
		if !ok {
			continue
		}
		l := lists[key]
		if !tf.namespaced {
			doc, err := listDoc(l, l.items)
			if err != nil {
				return nil, err
			}
			out["cluster-resources/"+tf.name+".json"] = doc
			continue
		}
		for _, ns := range namespaces {
			doc, err := listDoc(l, inNamespace(l, ns))
			if err != nil {
				return nil, err
			}
			out["cluster-resources/"+tf.name+"/"+ns+".json"] = doc
		}
	}
	if errs := discoveryErrors(native); errs != nil {
		b, _ := json.MarshalIndent(errs, "", "  ")
		out["cluster-resources/groups-resources-errors.json"] = string(b)
	}
	for _, lg := range podLogs(native) {
		c := lg.container
		if lg.previous {
			c += "-previous"
		}
		out["cluster-resources/pods/logs/"+lg.namespace+"/"+lg.pod+"/"+c+".log"] = lg.text
	}
	return out, nil
}

// discoveryErrors are the failed group-versions of the native discovery
// results as client-go's discovery reports them to troubleshoot, one
// string per group-version (the legacy request's error when there is one).
func discoveryErrors(native map[string]string) []string {
	var res []bundle.DiscoveryResult
	if json.Unmarshal([]byte(native[bundle.DiscoveryResultsPath]), &res) != nil {
		return nil
	}
	byGV := map[string]string{}
	for _, r := range res {
		if r.Error == "" {
			continue
		}
		if _, seen := byGV[r.GroupVersion]; !seen || r.Source == "legacy" {
			byGV[r.GroupVersion] = r.Error
		}
	}
	if len(byGV) == 0 {
		return nil
	}
	out := []string{}
	for gv, e := range byGV {
		out = append(out, "unable to retrieve the complete list of server APIs: "+gv+": "+e)
	}
	sort.Strings(out)
	return out
}
