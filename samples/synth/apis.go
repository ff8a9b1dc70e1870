package synth

import (
	"slices"
	"strings"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/nsbundle/nsbundle/analyze/bootstrap"
	"github.com/nsbundle/nsbundle/bundle"
)

// builtinGVs are the group-versions kube-apiserver v1.37 serves by default.
var builtinGVs = []string{
	"v1", "admissionregistration.k8s.io/v1", "apiextensions.k8s.io/v1", "apiregistration.k8s.io/v1", "apps/v1",
	"authentication.k8s.io/v1", "authorization.k8s.io/v1", "autoscaling/v1", "autoscaling/v2", "batch/v1",
	"certificates.k8s.io/v1", "coordination.k8s.io/v1", "discovery.k8s.io/v1", "events.k8s.io/v1",
	"flowcontrol.apiserver.k8s.io/v1", "networking.k8s.io/v1", "node.k8s.io/v1", "policy/v1",
	"rbac.authorization.k8s.io/v1", "resource.k8s.io/v1", "scheduling.k8s.io/v1", "storage.k8s.io/v1",
}

// crdDefs are the custom resources of the add-ons: group, version, plural, kind, scope.
var crdDefs = [][5]string{
	{"cert-manager.io", "v1", "certificates", "Certificate", "Namespaced"},
	{"cert-manager.io", "v1", "certificaterequests", "CertificateRequest", "Namespaced"},
	{"cert-manager.io", "v1", "issuers", "Issuer", "Namespaced"},
	{"cert-manager.io", "v1", "clusterissuers", "ClusterIssuer", "Cluster"},
	{"acme.cert-manager.io", "v1", "orders", "Order", "Namespaced"},
	{"acme.cert-manager.io", "v1", "challenges", "Challenge", "Namespaced"},
	{"monitoring.coreos.com", "v1", "servicemonitors", "ServiceMonitor", "Namespaced"},
	{"monitoring.coreos.com", "v1", "podmonitors", "PodMonitor", "Namespaced"},
	{"monitoring.coreos.com", "v1", "prometheusrules", "PrometheusRule", "Namespaced"},
	{"crd.projectcalico.org", "v1", "ippools", "IPPool", "Cluster"},
	{"crd.projectcalico.org", "v1", "felixconfigurations", "FelixConfiguration", "Cluster"},
	{"crd.projectcalico.org", "v1", "networkpolicies", "NetworkPolicy", "Namespaced"},
}

// groupVersions are every served group-version, metrics.k8s.io/v1beta1 last
// (after external.metrics.k8s.io/v1beta1 if planted).
func (m *model) groupVersions() []string {
	out := append([]string(nil), builtinGVs...)
	seen := map[string]bool{}
	for _, c := range crdDefs {
		gv := c[0] + "/" + c[1]
		if !seen[gv] {
			seen[gv] = true
			out = append(out, gv)
		}
	}
	if m.plan.has(CauseStaleEndpoint) {
		out = append(out, externalGV)
	}
	return append(out, metricsGV)
}

// apiServices renders one APIService per group-version (local ones for
// built-in and CRD groups; metrics.k8s.io served by metrics-server).
func (m *model) apiServices() []map[string]any {
	var out []map[string]any
	for i, gv := range m.groupVersions() {
		if gv == "v1" {
			gv = "/v1"
		}
		group, version, _ := strings.Cut(gv, "/")
		name := version + "." + group
		if group == "" {
			name = version
		}
		meta := metav1.ObjectMeta{Name: name, UID: types.UID(m.uidOf(streamMisc, 100+i)), ResourceVersion: "1" + strings.Repeat("0", 3) + string(rune('0'+i%10)),
			CreationTimestamp: metav1.NewTime(m.ago(400 * 24 * time.Hour)), Labels: map[string]string{"kube-aggregator.kubernetes.io/automanaged": "onstart"}}
		prio := map[string]any{"groupPriorityMinimum": 18000 - 100*i, "versionPriority": 15}
		spec := map[string]any{"version": version}
		if group != "" {
			spec["group"] = group
		}
		for k, v := range prio {
			spec[k] = v
		}
		cond := map[string]any{"type": "Available", "status": "True", "reason": "Local", "message": "Local APIServices are always available",
			"lastTransitionTime": m.ago(3 * 24 * time.Hour).Format(time.RFC3339)}
		if gv == "metrics.k8s.io/v1beta1" {
			meta.Labels = map[string]string{"k8s-app": metricsServer}
			meta.CreationTimestamp = metav1.NewTime(m.deploys[m.metricsDeploy()].created)
			spec = map[string]any{"group": group, "version": version, "groupPriorityMinimum": 100, "versionPriority": 100, "insecureSkipTLSVerify": true,
				"service": map[string]any{"namespace": kubeSystem, "name": metricsServer, "port": 443}}
			cond = m.metricsAvailable()
		} else if gv == externalGV {
			meta, spec, cond = m.adapterAPIService(meta)
		} else if i >= len(builtinGVs) {
			meta.Labels = map[string]string{"kube-aggregator.kubernetes.io/automanaged": "true"}
		}
		out = append(out, map[string]any{"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService", "metadata": meta, "spec": spec,
			"status": map[string]any{"conditions": []any{cond}}})
	}
	return out
}

// crds renders the add-ons' CustomResourceDefinitions.
func (m *model) crds() []map[string]any {
	var out []map[string]any
	for i, c := range crdDefs {
		name := c[2] + "." + c[0]
		created := m.ago(300 * 24 * time.Hour)
		schema := map[string]any{"openAPIV3Schema": map[string]any{
			"description": c[3] + " is a custom resource of " + c[0] + ".", "type": "object",
			"properties": map[string]any{
				"apiVersion": map[string]any{"type": "string", "description": "APIVersion defines the versioned schema of this representation of an object."},
				"kind":       map[string]any{"type": "string", "description": "Kind is a string value representing the REST resource this object represents."},
				"metadata":   map[string]any{"type": "object"},
				"spec":       map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true, "description": "Desired state of the " + c[3] + "."},
				"status": map[string]any{"type": "object", "properties": map[string]any{"conditions": map[string]any{"type": "array", "items": map[string]any{
					"type": "object", "required": []string{"status", "type"}, "properties": map[string]any{
						"lastTransitionTime": map[string]any{"type": "string", "format": "date-time"}, "message": map[string]any{"type": "string"},
						"reason": map[string]any{"type": "string"}, "status": map[string]any{"type": "string", "enum": []string{"True", "False", "Unknown"}},
						"type": map[string]any{"type": "string"}}}, "x-kubernetes-list-map-keys": []string{"type"}, "x-kubernetes-list-type": "map"}}},
			}}}
		cond := func(t, reason, msg string) map[string]any {
			return map[string]any{"type": t, "status": "True", "reason": reason, "message": msg, "lastTransitionTime": created.Format(time.RFC3339)}
		}
		out = append(out, map[string]any{
			"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
			"metadata": metav1.ObjectMeta{Name: name, UID: types.UID(m.uidOf(streamMisc, 200+i)), ResourceVersion: "2000" + string(rune('0'+i%10)),
				Generation: 1, CreationTimestamp: metav1.NewTime(created), Labels: map[string]string{"app.kubernetes.io/name": strings.Split(c[0], ".")[0]}},
			"spec": map[string]any{"group": c[0], "scope": c[4], "conversion": map[string]any{"strategy": "None"},
				"names":    map[string]any{"plural": c[2], "singular": strings.ToLower(c[3]), "kind": c[3], "listKind": c[3] + "List"},
				"versions": []any{map[string]any{"name": c[1], "served": true, "storage": true, "schema": schema, "subresources": map[string]any{"status": map[string]any{}}}}},
			"status": map[string]any{
				"acceptedNames":  map[string]any{"plural": c[2], "singular": strings.ToLower(c[3]), "kind": c[3], "listKind": c[3] + "List"},
				"storedVersions": []string{c[1]},
				"conditions": []any{cond("NamesAccepted", "NoConflicts", "no conflicts found"),
					cond("Established", "InitialNamesAccepted", "the initial names have been accepted")},
			},
		})
	}
	return out
}

// discoveryResults is discovery/results.json as collect writes it: every
// group-version from aggregated discovery, the failing ones Stale.
func (m *model) discoveryResults() []bundle.DiscoveryResult {
	var out []bundle.DiscoveryResult
	for _, gv := range m.groupVersions() {
		p, file := "/apis", bundle.AggregatedAPIsPath
		if gv == "v1" {
			p, file = "/api", bundle.AggregatedAPIPath
		}
		r := bundle.DiscoveryResult{GroupVersion: gv, Source: "aggregated", Path: p, Status: 200, Freshness: "Current", Resources: 4, File: file}
		if slices.Contains(m.plan.failingGVs(), gv) {
			r.Freshness, r.Resources, r.Error = "Stale", 0, "stale GroupVersion discovery: "+gv
		}
		out = append(out, r)
	}
	for _, gv := range m.plan.failingGVs() {
		out = append(out, bundle.DiscoveryResult{GroupVersion: gv, Source: "legacy", Path: "/apis/" + gv,
			Status: 503, Error: "the server is currently unable to handle the request"})
	}
	return out
}

// rbac returns the bootstrap RBAC of the cluster's version, with the
// planted deletion, plus one team RoleBinding per application namespace.
func (m *model) rbac() (crs []rbacv1.ClusterRole, crbs []rbacv1.ClusterRoleBinding, roles []rbacv1.Role, rbs []rbacv1.RoleBinding, err error) {
	p, err := bootstrap.For(gitVersion)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	a := p.AsActual()
	stamp := func(o *metav1.ObjectMeta, i int) {
		o.UID = types.UID(m.uidOf(streamMisc, 1000+i))
		o.ResourceVersion = "7" + strings.Repeat("0", 4)
		o.CreationTimestamp = metav1.NewTime(m.ago(400 * 24 * time.Hour))
	}
	n := 0
	for _, x := range a.ClusterRoles {
		if x.Name == kcmRole && m.plan.has(CauseKCMClusterRole) {
			continue // planted: deleted
		}
		x.TypeMeta = metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole"}
		stamp(&x.ObjectMeta, n)
		n++
		crs = append(crs, x)
	}
	for _, x := range a.ClusterRoleBindings {
		x.TypeMeta = metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRoleBinding"}
		stamp(&x.ObjectMeta, n)
		n++
		crbs = append(crbs, x)
	}
	for _, x := range a.Roles {
		x.TypeMeta = metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "Role"}
		stamp(&x.ObjectMeta, n)
		n++
		roles = append(roles, x)
	}
	for _, x := range a.RoleBindings {
		x.TypeMeta = metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding"}
		stamp(&x.ObjectMeta, n)
		n++
		rbs = append(rbs, x)
	}
	for i, ns := range m.namespaces {
		if ns.system || m.plan.stuckOf(ns.name) != nil {
			continue
		}
		rbs = append(rbs, rbacv1.RoleBinding{
			TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding"},
			ObjectMeta: metav1.ObjectMeta{Name: "team-" + ns.team + "-edit", Namespace: ns.name, UID: types.UID(m.uidOf(streamNamespace, 3000000+i)),
				ResourceVersion: "8" + strings.Repeat("0", 5), CreationTimestamp: metav1.NewTime(ns.created)},
			RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "edit"},
			Subjects: []rbacv1.Subject{{Kind: "Group", APIGroup: "rbac.authorization.k8s.io", Name: "team-" + ns.team}},
		})
	}
	return crs, crbs, roles, rbs, nil
}

// metricsDeploy is the index of the metrics-server Deployment.
func (m *model) metricsDeploy() int {
	for i, d := range m.deploys {
		if d.app == metricsServer {
			return i
		}
	}
	panic("synth: no metrics-server")
}
