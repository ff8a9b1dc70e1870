package snapshot

import (
	"slices"
	"sync"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/nsbundle/nsbundle/analyze/audit"
	"github.com/nsbundle/nsbundle/bundle"
)

// Layouts a snapshot can be read from.
const (
	LayoutNative          = "nsbundle"
	LayoutTroubleshoot    = "troubleshoot"
	LayoutClusterInfoDump = "cluster-info-dump"
	LayoutMustGather      = "must-gather"
)

// Resource keys ("<plural>" for core, "<plural>.<group>" otherwise) of the
// resource types the rules read.
const (
	ResNamespaces      = "namespaces"
	ResAPIServices     = "apiservices.apiregistration.k8s.io"
	ResServices        = "services"
	ResEndpoints       = "endpoints"
	ResEndpointSlices  = "endpointslices.discovery.k8s.io"
	ResPods            = "pods"
	ResNodes           = "nodes"
	ResLeases          = "leases.coordination.k8s.io"
	ResEvents          = "events"
	ResPVCs            = "persistentvolumeclaims"
	ResCRDs            = "customresourcedefinitions.apiextensions.k8s.io"
	ResValidatingHooks = "validatingwebhookconfigurations.admissionregistration.k8s.io"
	ResMutatingHooks   = "mutatingwebhookconfigurations.admissionregistration.k8s.io"
	ResClusterRoles    = "clusterroles.rbac.authorization.k8s.io"
	ResClusterBindings = "clusterrolebindings.rbac.authorization.k8s.io"
	ResRoles           = "roles.rbac.authorization.k8s.io"
	ResRoleBindings    = "rolebindings.rbac.authorization.k8s.io"
	ResDeployments     = "deployments.apps"
	ResReplicaSets     = "replicasets.apps"
	ResStatefulSets    = "statefulsets.apps"
	ResDaemonSets      = "daemonsets.apps"
	ResDiscovery       = "discovery"
	ResLogs            = "logs"
	ResAudit           = "audit"
)

// Snapshot is everything the rules know about a cluster.
type Snapshot struct {
	// Layout is the bundle layout it was read from.
	Layout string
	// Now is the collection time; durations are measured against it.
	Now time.Time
	// GitVersion is the cluster version, e.g. "v1.37.2" ("" if unknown).
	GitVersion string
	// Manifest is the nsbundle manifest (nil for foreign layouts).
	Manifest *bundle.Manifest

	Namespaces      []*Namespace
	APIServices     []*APIService
	Services        []*Service
	Endpoints       []*Endpoints
	EndpointSlices  []*EndpointSlice
	Pods            []*Pod
	Nodes           []*Node
	Leases          []*Lease
	Events          []*Event
	PVCs            []*PersistentVolumeClaim
	CRDs            []*CustomResourceDefinition
	Webhooks        []*WebhookConfiguration
	Workloads       []*Workload
	ClusterRoles    []Located[rbacv1.ClusterRole]
	ClusterBindings []Located[rbacv1.ClusterRoleBinding]
	Roles           []Located[rbacv1.Role]
	RoleBindings    []Located[rbacv1.RoleBinding]

	// Discovery holds per group-version discovery results.
	Discovery []bundle.DiscoveryResult
	// DiscoveryErrors holds discovery error texts as a foreign collector
	// recorded them (troubleshoot's groups-resources-errors.json).
	DiscoveryErrors []Located[string]
	// Content is what remains in each Terminating namespace.
	Content map[string]*Located[bundle.NamespaceContent]
	// Logs are the collected logs.
	Logs []*Log
	// Audit indexes the kube-apiserver audit logs of the bundle
	// (logs/audit/) and those given beside it; nil when there are none.
	Audit *audit.Log

	// Notes are problems met while reading (wrong types, unreadable files).
	Notes []string

	collected map[string]Collection
	index     *index
	indexOnce sync.Once

	// views holds the values of the Views computed for this snapshot.
	views views
}

// Located is a decoded value and where it was found.
type Located[T any] struct {
	Value T
	Loc   Location
}

// Collection says whether a resource type (or evidence class) made it into
// the bundle.
type Collection struct {
	// Collected is true when the data is in the bundle.
	Collected bool
	// Status is the HTTP status of a failed request (403...), if any.
	Status int
	// Error is the collector's error text, verbatim.
	Error string
	// Partial is true when only some of the data was collected (some
	// namespaces forbidden, a cap hit).
	Partial bool
	// Files are the bundle files the list was read from, in the order
	// read, whatever the layout: nsbundle's one
	// resources/<group>/<version>/<resource>.json; troubleshoot's
	// cluster-resources/<resource>.json, or one
	// cluster-resources/<resource>/<namespace>.json per namespace; a
	// cluster-info dump's nodes.json or one <namespace>/<resource>.json per
	// namespace; a must-gather's YAML lists and one-object files. For
	// ResDiscovery: bundle.DiscoveryResultsPath and troubleshoot's
	// groups-resources-errors.json. Evidence that an object is absent
	// from a list cites these files (ListFiles).
	Files []ListFile
}

// ListFile is one bundle file a list was read from.
type ListFile struct {
	// Path is the slash-separated bundle path, as in Location.Path.
	Path string
	// Namespace is the one namespace the file lists, for a layout that
	// writes one file per namespace; "" for a file of every namespace or
	// of a cluster-scoped resource.
	Namespace string
	// Whole is true for a file that lists every object of Namespace even
	// where the resource's lists are partial (a must-gather's
	// namespaces/<ns>/<group>/<resource>.yaml): it proves absence in that
	// namespace.
	Whole bool
}

// Collection reports whether resource key res was collected.
func (s *Snapshot) Collection(res string) Collection {
	if c, ok := s.collected[res]; ok {
		return c
	}
	return Collection{}
}

// Collected is shorthand for s.Collection(res).Collected.
func (s *Snapshot) Collected(res string) bool { return s.Collection(res).Collected }

// CollectedAny reports whether any resource, log or discovery result was
// read from the bundle.
func (s *Snapshot) CollectedAny() bool {
	for _, c := range s.collected {
		if c.Collected {
			return true
		}
	}
	return false
}

// MarkCollected records that res was read from the bundle.
func (s *Snapshot) MarkCollected(res string) {
	if s.collected == nil {
		s.collected = map[string]Collection{}
	}
	c := s.collected[res]
	c.Collected = true
	s.collected[res] = c
}

// MarkRead records that (part of) res's list was read from file f: res is
// collected and f is one of its Files (recorded once).
func (s *Snapshot) MarkRead(res string, f ListFile) {
	s.MarkCollected(res)
	c := s.collected[res]
	for _, g := range c.Files {
		if g == f {
			return
		}
	}
	c.Files = append(c.Files, f)
	s.collected[res] = c
}

// ListFiles returns the paths of the files that res's objects of
// namespace ns were read from: the files of ns alone and those of every
// namespace; for ns "" (a cluster-scoped resource, or every namespace), all
// of res's files. Nil when no such file was read.
func (s *Snapshot) ListFiles(res, ns string) []string {
	var out []string
	for _, f := range s.Collection(res).Files {
		if ns == "" || f.Namespace == "" || f.Namespace == ns {
			out = append(out, f.Path)
		}
	}
	return out
}

// CompleteIn reports whether res was collected whole (Complete) and, for a
// layout that lists it one file per namespace, with a file for namespace
// ns; or, partial, with a file that lists ns whole (ListFile.Whole): only
// then does the list prove that an object of ns is absent. A list
// marked collected with no file recorded (a snapshot built in Go with
// MarkCollected) counts as holding every namespace.
func (s *Snapshot) CompleteIn(res, ns string) bool {
	if !s.Complete(res) {
		return ns != "" && s.wholeIn(res, ns)
	}
	c := s.Collection(res)
	return ns == "" || len(c.Files) == 0 || len(s.ListFiles(res, ns)) > 0
}

// CompleteAll reports whether res was collected whole in every
// namespace: Complete, and read from a file of every namespace, or from
// one file per namespace for each namespace of a complete namespace list.
// Only then does an object missing from all namespaces (no pod with some
// IP) prove anything: a cluster-info dump lists only the namespaces it
// was asked for.
func (s *Snapshot) CompleteAll(res string) bool {
	if !s.Complete(res) {
		return false
	}
	c := s.Collection(res)
	if len(c.Files) == 0 {
		return true
	}
	listed := map[string]bool{}
	for _, f := range c.Files {
		if f.Namespace == "" {
			return true
		}
		listed[f.Namespace] = true
	}
	if !s.Complete(ResNamespaces) || len(s.Namespaces) == 0 {
		return false
	}
	for _, ns := range s.Namespaces {
		if !listed[ns.Name] {
			return false
		}
	}
	return true
}

// ListedNamespaces returns, sorted, the namespaces that res was read from
// one file each for; nil when a file of every namespace was read, or none.
func (s *Snapshot) ListedNamespaces(res string) []string {
	var out []string
	for _, f := range s.Collection(res).Files {
		if f.Namespace == "" {
			return nil
		}
		if !slices.Contains(out, f.Namespace) {
			out = append(out, f.Namespace)
		}
	}
	slices.Sort(out)
	return out
}

// wholeIn reports whether a file listing every object of res in
// namespace ns was read, with no request of res failed.
func (s *Snapshot) wholeIn(res, ns string) bool {
	c := s.Collection(res)
	if c.Status != 0 {
		return false
	}
	for _, f := range c.Files {
		if f.Whole && f.Namespace == ns {
			return true
		}
	}
	return false
}

// MarkPartial records that res was read from the bundle but holds only
// some of the cluster's objects, and why: a rule never reads an object's
// absence from such a list as proof.
func (s *Snapshot) MarkPartial(res, why string) {
	s.MarkCollected(res)
	c := s.collected[res]
	c.Partial = true
	if c.Error == "" {
		c.Error = why
	}
	s.collected[res] = c
}

// Complete reports whether res was collected whole: read from the bundle,
// with no failed request or selection leaving objects out. Only a complete
// list proves that an object is absent.
func (s *Snapshot) Complete(res string) bool {
	c := s.Collection(res)
	return c.Collected && !c.Partial
}

// MarkFailed records a failed collection of res: status is the HTTP status
// (0 if none) and msg the collector's error text, verbatim. A resource both
// collected and failed is Partial; the first failure recorded stands.
func (s *Snapshot) MarkFailed(res string, status int, msg string) {
	if s.collected == nil {
		s.collected = map[string]Collection{}
	}
	c := s.collected[res]
	if c.Collected {
		c.Partial = true
	}
	if c.Error == "" {
		c.Status, c.Error = status, msg
	}
	s.collected[res] = c
}

// Log is one collected log file, its lines held in memory (capped).
type Log struct {
	// Path is the bundle path.
	Path string
	// Component is the control-plane component ("kube-controller-manager",
	// "cloud-controller-manager"...), when known.
	Component string
	Namespace string
	Pod       string
	Container string
	Previous  bool
	// Lines are the lines of the file (the last MaxLogLines if longer);
	// FirstLine is the 1-based number of Lines[0].
	Lines     []string
	FirstLine int
}
