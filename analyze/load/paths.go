package load

import (
	"strings"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
	"github.com/nsbundle/nsbundle/bundle"
)

// resourceKeyFor maps a file name to a resource key, for every layout:
// nsbundle's own names are bundle.ResourcePath's, the foreign layouts' are
// mapped here.
func resourceKeyFor(name string) (string, bool) {
	if !strings.HasSuffix(name, ".json") {
		return "", false
	}
	if strings.HasPrefix(name, bundle.TerminatingDir+"/") || strings.HasPrefix(name, bundle.DiscoveryDir+"/") || strings.HasPrefix(name, bundle.HealthDir+"/") {
		return "", false
	}
	if p, ok := bundle.ParseResourcePath(name); ok {
		return p.Key(), true
	}
	parts := strings.Split(strings.TrimSuffix(name, ".json"), "/")
	if parts[0] == "cluster-resources" {
		if len(parts) != 2 && len(parts) != 3 {
			return "", false
		}
		res, ok := troubleshootNames[parts[1]]
		return res, ok
	}
	parts = strings.Split(strings.TrimSuffix(dumpRel(name), ".json"), "/")
	switch {
	case len(parts) == 1 && parts[0] == "nodes":
		return snapshot.ResNodes, true // cluster-info dump
	case len(parts) == 2:
		res, ok := dumpNames[parts[1]]
		return res, ok
	}
	return "", false
}

// listFileOf is the snapshot.ListFile of a JSON list file resourceKeyFor
// accepts: troubleshoot's cluster-resources/<resource>/<namespace>.json and
// a cluster-info dump's <namespace>/<resource>.json list one namespace;
// nsbundle's lists, troubleshoot's cluster-resources/<resource>.json and
// the dump's nodes.json every namespace.
func listFileOf(name string) snapshot.ListFile {
	f := snapshot.ListFile{Path: name}
	if strings.HasPrefix(name, bundle.ResourcesDir+"/") {
		return f
	}
	parts := strings.Split(strings.TrimSuffix(name, ".json"), "/")
	switch {
	case len(parts) == 3 && parts[0] == "cluster-resources":
		f.Namespace = parts[2]
	case parts[0] != "cluster-resources":
		if parts = strings.Split(strings.TrimSuffix(dumpRel(name), ".json"), "/"); len(parts) == 2 {
			f.Namespace = parts[0]
		}
	}
	return f
}

// dumpPrefix is the folder a cluster-info dump lies under when it was
// written with --output-directory=cluster-info: bundle's walker keeps that
// folder (troubleshoot's cluster-info/ is one of its layout folders).
const dumpPrefix = "cluster-info/"

// dumpRel returns a cluster-info dump's file name relative to the dump:
// name without the cluster-info/ folder it may lie under (troubleshoot's
// cluster-info/cluster_version.json is kept as it is).
func dumpRel(name string) string {
	if rest, ok := strings.CutPrefix(name, dumpPrefix); ok && rest != "cluster_version.json" {
		return rest
	}
	return name
}

// troubleshootNames maps troubleshoot's cluster-resources file names.
var troubleshootNames = map[string]string{
	"namespaces": snapshot.ResNamespaces, "nodes": snapshot.ResNodes, "pods": snapshot.ResPods, "services": snapshot.ResServices,
	"endpoints": snapshot.ResEndpoints, "endpointslices": snapshot.ResEndpointSlices, "leases": snapshot.ResLeases,
	"events": snapshot.ResEvents, "pvcs": snapshot.ResPVCs, "custom-resource-definitions": snapshot.ResCRDs,
	"mutating-webhook-configurations": snapshot.ResMutatingHooks, "validating-webhook-configurations": snapshot.ResValidatingHooks,
	"clusterroles": snapshot.ResClusterRoles, "clusterrolebindings": snapshot.ResClusterBindings, "roles": snapshot.ResRoles,
	"rolebindings": snapshot.ResRoleBindings, "deployments": snapshot.ResDeployments, "replicasets": snapshot.ResReplicaSets,
	"statefulsets": snapshot.ResStatefulSets, "daemonsets": snapshot.ResDaemonSets, "apiservices": snapshot.ResAPIServices,
}

// dumpNames maps kubectl cluster-info dump's <namespace>/<file> names.
var dumpNames = map[string]string{
	"pods": snapshot.ResPods, "services": snapshot.ResServices, "events": snapshot.ResEvents, "deployments": snapshot.ResDeployments,
	"replicasets": snapshot.ResReplicaSets, "daemonsets": snapshot.ResDaemonSets,
}

// resourceKeyForURL maps a list request path ("/api/v1/pods?limit=500",
// "/apis/apps/v1/namespaces/x/deployments") to a resource key.
func resourceKeyForURL(p string) (string, bool) {
	p, _, _ = strings.Cut(p, "?")
	parts := strings.Split(strings.Trim(p, "/"), "/")
	var group string
	switch {
	case len(parts) >= 3 && parts[0] == "api":
		parts = parts[2:]
	case len(parts) >= 4 && parts[0] == "apis":
		group, parts = parts[1], parts[3:]
	default:
		return "", false
	}
	if len(parts) == 3 && parts[0] == "namespaces" {
		parts = parts[2:]
	}
	if len(parts) != 1 {
		return "", false
	}
	if group == "" {
		return parts[0], true
	}
	return parts[0] + "." + group, true
}

// gapChecks are the evidence classes whose absence limits what the rules
