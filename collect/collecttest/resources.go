package collecttest

import "strings"

// Resource is one resource type the fake serves in discovery.
type Resource struct {
	// Group is "" for the core group.
	Group, Version string
	// Resource is the plural name, as in the URL ("pods").
	Resource string
	// Kind is the kind of one item ("Pod").
	Kind string
	// Namespaced is true for namespaced resources.
	Namespaced bool
}

// GroupVersion is "v1" for the core group, else "<group>/<version>".
func (r Resource) GroupVersion() string {
	if r.Group == "" {
		return r.Version
	}
	return r.Group + "/" + r.Version
}

// Key names the type in options: "<group-version>/<resource>", e.g.
// "v1/pods" or "discovery.k8s.io/v1/endpointslices".
func (r Resource) Key() string { return r.GroupVersion() + "/" + r.Resource }

// splitKey splits a Key into group, version and resource.
func splitKey(key string) (group, version, resource string) {
	parts := strings.Split(key, "/")
	switch len(parts) {
	case 2:
		return "", parts[0], parts[1]
	case 3:
		return parts[0], parts[1], parts[2]
	}
	return "", "", key
}

// Widget is the custom resource type the fake serves besides the built-in
// ones: example.com/v1 widgets, namespaced.
var Widget = Resource{"example.com", "v1", "widgets", "Widget", true}

// MetricsGroupVersion is a group-version the fake serves with no resources,
// as metrics-server's: "metrics.k8s.io/v1beta1".
const MetricsGroupVersion = "metrics.k8s.io/v1beta1"

// DefaultResources returns the resource types the fake serves unless hidden:
// the built-in types nsbundle collects, and Widget.
func DefaultResources() []Resource {
	return []Resource{
		{"", "v1", "namespaces", "Namespace", false},
		{"", "v1", "nodes", "Node", false},
		{"", "v1", "pods", "Pod", true},
		{"", "v1", "services", "Service", true},
		{"", "v1", "endpoints", "Endpoints", true},
		{"", "v1", "events", "Event", true},
		{"", "v1", "configmaps", "ConfigMap", true},
		{"", "v1", "secrets", "Secret", true},
		{"", "v1", "serviceaccounts", "ServiceAccount", true},
		{"", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true},
		{"", "v1", "persistentvolumes", "PersistentVolume", false},
		{"discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true},
		{"coordination.k8s.io", "v1", "leases", "Lease", true},
		{"storage.k8s.io", "v1", "storageclasses", "StorageClass", false},
		{"apps", "v1", "deployments", "Deployment", true},
		{"apps", "v1", "daemonsets", "DaemonSet", true},
		{"apps", "v1", "replicasets", "ReplicaSet", true},
		{"apps", "v1", "statefulsets", "StatefulSet", true},
		{"apiregistration.k8s.io", "v1", "apiservices", "APIService", false},
		{"apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false},
		{"admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", "ValidatingWebhookConfiguration", false},
		{"admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", "MutatingWebhookConfiguration", false},
		{"rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false},
		{"rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false},
		{"rbac.authorization.k8s.io", "v1", "roles", "Role", true},
		{"rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true},
		{"scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", false},
		Widget,
	}
}
