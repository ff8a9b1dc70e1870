package collect

import (
	"net/url"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/nsbundle/nsbundle/bundle"
)

// resourceType is one listable resource type.
type resourceType struct {
	group, version, resource string
	kind                     string // kind of one item
	namespaced               bool
	mode                     shapeMode
}

// defaultResources are listed in full (all namespaces), one file each.
// Events are taken from core/v1 only: events.k8s.io/v1 serves the same
// objects.
var defaultResources = []resourceType{
	{"", "v1", "namespaces", "Namespace", false, shapeGeneric},
	{"", "v1", "nodes", "Node", false, shapeNode},
	{"", "v1", "pods", "Pod", true, shapeGeneric},
	{"", "v1", "services", "Service", true, shapeGeneric},
	{"", "v1", "endpoints", "Endpoints", true, shapeGeneric},
	{"", "v1", "events", "Event", true, shapeGeneric},
	{"", "v1", "configmaps", "ConfigMap", true, shapeConfigMap},
	{"", "v1", "secrets", "Secret", true, shapeSecret},
	{"", "v1", "serviceaccounts", "ServiceAccount", true, shapeGeneric},
	{"", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true, shapeGeneric},
	{"", "v1", "persistentvolumes", "PersistentVolume", false, shapeGeneric},
	{"discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true, shapeGeneric},
	{"coordination.k8s.io", "v1", "leases", "Lease", true, shapeGeneric},
	{"storage.k8s.io", "v1", "storageclasses", "StorageClass", false, shapeGeneric},
	{"apps", "v1", "deployments", "Deployment", true, shapeGeneric},
	{"apps", "v1", "daemonsets", "DaemonSet", true, shapeGeneric},
	{"apps", "v1", "replicasets", "ReplicaSet", true, shapeGeneric},
	{"apps", "v1", "statefulsets", "StatefulSet", true, shapeGeneric},
	{"apiregistration.k8s.io", "v1", "apiservices", "APIService", false, shapeGeneric},
	{"apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false, shapeGeneric},
	{"admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", "ValidatingWebhookConfiguration", false, shapeGeneric},
	{"admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", "MutatingWebhookConfiguration", false, shapeGeneric},
	{"rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false, shapeGeneric},
	{"rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false, shapeGeneric},
	{"rbac.authorization.k8s.io", "v1", "roles", "Role", true, shapeGeneric},
	{"rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true, shapeGeneric},
	{"scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", false, shapeGeneric},
}

// groupVersion returns "v1" for core, else "<group>/<version>".
func (rt resourceType) groupVersion() string {
	return schema.GroupVersion{Group: rt.group, Version: rt.version}.String()
}

// apiVersion is the apiVersion of one item.
func (rt resourceType) apiVersion() string { return rt.groupVersion() }

// file is the bundle path of the type's List.
func (rt resourceType) file() string {
	return bundle.ResourcePath{Group: rt.group, Version: rt.version, Resource: rt.resource}.String()
}

// collectionPath is the list path, in one namespace or (ns "") all.
func (rt resourceType) collectionPath(ns string) string {
	p := "/apis/" + rt.group + "/" + rt.version
	if rt.group == "" {
		p = "/api/" + rt.version
	}
	if ns != "" {
		p += "/namespaces/" + url.PathEscape(ns)
	}
	return p + "/" + rt.resource
}

// label names the type in messages: "pods", "deployments.apps".
func (rt resourceType) label() string {
	return rt.gr().String()
}

func (rt resourceType) gr() schema.GroupResource {
	return schema.GroupResource{Group: rt.group, Resource: rt.resource}
}
