// Package snapshottest builds snapshots in Go for tests: typed objects,
// logs, discovery results and what was collected, with every object's
// Location (bundle path and JSON pointer) filled in as package load fills it
// for an nsbundle bundle holding the same objects, so evidence pointers in
// findings are meaningful. A rule test builds its snapshot in a few lines
// and runs one rule on it (analyze.NewEngine with that rule alone, or
// Engine.Explain for an explain rule):
//
//	b := snapshottest.New()
//	b.Terminating("team-a", time.Hour, snapshottest.Cond(
//		"NamespaceDeletionDiscoveryFailure", "True", "DiscoveryFailed", msg))
//	s := b.Build()
//
// Objects land in the nsbundle layout's files (resources/core/v1/pods.json,
// one file per resource type) in the order they are added: the third pod
// added is at /items/2. A test that loads an equivalent bundle with
// load.Snapshot gets the same model (TestBuilderMatchesLoader).
package snapshottest

import (
	"fmt"
	"path"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
	"github.com/nsbundle/nsbundle/bundle"
)

// Now is the default collection time of a built snapshot.
var Now = time.Date(2026, 11, 23, 5, 10, 0, 0, time.UTC)

// DefaultVersion is the cluster version of a built snapshot unless Version
// says otherwise.
const DefaultVersion = "v1.37.2"

// Builder assembles a snapshot. Its methods that create an object add it
// and return it, so a test can change any field before Build.
type Builder struct {
	s       snapshot.Snapshot
	now     time.Time
	version string
	layout  string
	// next is the index of the next item of each bundle file.
	next map[string]int
	// lists are the resource keys with a list in the bundle, in order.
	lists   []string
	listed  map[string]bool
	partial []struct{ res, why string }
	failed  []bundle.Request
	// perNS are the namespaces a list was read one file each for.
	perNS map[string][]string
}

// New returns a builder for a snapshot of an nsbundle bundle collected at
// Now from a DefaultVersion cluster.
func New() *Builder {
	return &Builder{now: Now, version: DefaultVersion, layout: snapshot.LayoutNative, next: map[string]int{}, listed: map[string]bool{}}
}

// At sets the collection time.
func (b *Builder) At(t time.Time) *Builder { b.now = t; return b }

// Version sets the cluster's gitVersion ("" for a bundle that does not say
// it). A distribution suffix ("+k3s1", "-eks-...") names the flavor.
func (b *Builder) Version(v string) *Builder { b.version = v; return b }

// Layout sets the layout the snapshot says it was read from. A foreign
// layout has no manifest; object paths stay the nsbundle layout's, so use it
// for rules whose wording depends on the layout, not to test paths.
func (b *Builder) Layout(l string) *Builder { b.layout = l; return b }

// Now returns the collection time.
func (b *Builder) Now() time.Time { return b.now }

// Ago returns the time d before the collection time.
func (b *Builder) Ago(d time.Duration) *time.Time {
	t := b.now.Add(-d)
	return &t
}

// Lists records that the bundle holds the lists of these resource keys
// (snapshot.ResPods...), even when no object of them is added: an empty,
// complete list proves that an object is absent.
func (b *Builder) Lists(res ...string) *Builder {
	for _, r := range res {
		if !b.listed[r] {
			b.listed[r] = true
			b.lists = append(b.lists, r)
		}
	}
	return b
}

// ListedIn records that the list of res was read from one file per
// namespace, for these namespaces only, as a cluster-info dump writes
// <namespace>/<resource>.json: the list proves absence in those
// namespaces alone.
func (b *Builder) ListedIn(res string, namespaces ...string) *Builder {
	b.Lists(res)
	if b.perNS == nil {
		b.perNS = map[string][]string{}
	}
	b.perNS[res] = append(b.perNS[res], namespaces...)
	return b
}

// Partial records that the list of res holds only some of the cluster's
// objects, and why (snapshot.MarkPartial).
func (b *Builder) Partial(res, why string) *Builder {
	b.Lists(res)
	b.partial = append(b.partial, struct{ res, why string }{res, why})
	return b
}

// Failed records a failed list request of res, as the manifest of a bundle
// records it: with an HTTP status (0: no response) and the error text. Res
// is partial if it also has a list (Lists or objects added), else not
// collected.
func (b *Builder) Failed(res string, status int, msg string) *Builder {
	p, ok := filePaths[res]
	if !ok {
		panic("snapshottest: no bundle file for resource " + res)
	}
	b.failed = append(b.failed, bundle.Request{Path: p.api, Verb: "list", Status: status, Error: msg, File: p.file})
	return b
}

// Add adds typed objects: *snapshot.Namespace, *snapshot.Pod and every other
// list type of snapshot.Snapshot, the rbacv1 ClusterRole, ClusterRoleBinding,
// Role and RoleBinding (value or pointer), *snapshot.Log,
// bundle.DiscoveryResult and bundle.NamespaceContent. It sets each one's
// Location. Any other type panics.
func (b *Builder) Add(objs ...any) *Builder {
	for _, o := range objs {
		b.add(o)
	}
	return b
}

func (b *Builder) add(o any) {
	s := &b.s
	switch v := o.(type) {
	case *snapshot.Namespace:
		v.Loc = b.place(snapshot.ResNamespaces)
		s.Namespaces = append(s.Namespaces, v)
	case *snapshot.APIService:
		v.Loc = b.place(snapshot.ResAPIServices)
		s.APIServices = append(s.APIServices, v)
	case *snapshot.Service:
		v.Loc = b.place(snapshot.ResServices)
		s.Services = append(s.Services, v)
	case *snapshot.Endpoints:
		v.Loc = b.place(snapshot.ResEndpoints)
		s.Endpoints = append(s.Endpoints, v)
	case *snapshot.EndpointSlice:
		v.Loc = b.place(snapshot.ResEndpointSlices)
		s.EndpointSlices = append(s.EndpointSlices, v)
	case *snapshot.Pod:
		v.Loc = b.place(snapshot.ResPods)
		s.Pods = append(s.Pods, v)
	case *snapshot.Node:
		v.Loc = b.place(snapshot.ResNodes)
		s.Nodes = append(s.Nodes, v)
	case *snapshot.Lease:
		v.Loc = b.place(snapshot.ResLeases)
		s.Leases = append(s.Leases, v)
	case *snapshot.Event:
		v.Loc = b.place(snapshot.ResEvents)
		s.Events = append(s.Events, v)
	case *snapshot.PersistentVolumeClaim:
		v.Loc = b.place(snapshot.ResPVCs)
		s.PVCs = append(s.PVCs, v)
	case *snapshot.CustomResourceDefinition:
		v.Loc = b.place(snapshot.ResCRDs)
		s.CRDs = append(s.CRDs, v)
	case *snapshot.WebhookConfiguration:
		b.addWebhook(v)
	case *snapshot.Workload:
		res, ok := workloadResources[v.Kind]
		if !ok {
			panic(fmt.Sprintf("snapshottest: workload kind %q is not Deployment, ReplicaSet, StatefulSet or DaemonSet", v.Kind))
		}
		v.Loc = b.place(res)
		s.Workloads = append(s.Workloads, v)
	case *snapshot.Log:
		b.addLog(v)
	case bundle.DiscoveryResult:
		s.Discovery = append(s.Discovery, v)
		b.Lists(snapshot.ResDiscovery)
	case bundle.NamespaceContent:
		if s.Content == nil {
			s.Content = map[string]*snapshot.Located[bundle.NamespaceContent]{}
		}
		s.Content[v.Namespace] = &snapshot.Located[bundle.NamespaceContent]{Value: v, Loc: snapshot.Location{Path: path.Join(bundle.TerminatingDir, v.Namespace+".json")}}
	default:
		if !b.addRBAC(o) {
			panic(fmt.Sprintf("snapshottest: cannot add a %T", o))
		}
	}
}

func (b *Builder) addWebhook(v *snapshot.WebhookConfiguration) {
	switch v.Kind {
	case "ValidatingWebhookConfiguration":
		v.Loc = b.place(snapshot.ResValidatingHooks)
	case "MutatingWebhookConfiguration":
		v.Loc = b.place(snapshot.ResMutatingHooks)
	default:
		panic(fmt.Sprintf("snapshottest: webhook configuration kind %q is not Validating- or MutatingWebhookConfiguration", v.Kind))
	}
	b.s.Webhooks = append(b.s.Webhooks, v)
}

// addRBAC adds an RBAC object, typed as the rbacv1 package types it, with
// its apiVersion and kind set as a list item has them.
func (b *Builder) addRBAC(o any) bool {
	s := &b.s
	switch v := o.(type) {
	case *rbacv1.ClusterRole:
		return b.addRBAC(*v)
	case *rbacv1.ClusterRoleBinding:
		return b.addRBAC(*v)
	case *rbacv1.Role:
		return b.addRBAC(*v)
	case *rbacv1.RoleBinding:
		return b.addRBAC(*v)
	case rbacv1.ClusterRole:
		v.TypeMeta = rbacType(v.TypeMeta, "ClusterRole")
		s.ClusterRoles = append(s.ClusterRoles, snapshot.Located[rbacv1.ClusterRole]{Value: v, Loc: b.place(snapshot.ResClusterRoles)})
	case rbacv1.ClusterRoleBinding:
		v.TypeMeta = rbacType(v.TypeMeta, "ClusterRoleBinding")
		s.ClusterBindings = append(s.ClusterBindings, snapshot.Located[rbacv1.ClusterRoleBinding]{Value: v, Loc: b.place(snapshot.ResClusterBindings)})
	case rbacv1.Role:
		v.TypeMeta = rbacType(v.TypeMeta, "Role")
		s.Roles = append(s.Roles, snapshot.Located[rbacv1.Role]{Value: v, Loc: b.place(snapshot.ResRoles)})
	case rbacv1.RoleBinding:
		v.TypeMeta = rbacType(v.TypeMeta, "RoleBinding")
		s.RoleBindings = append(s.RoleBindings, snapshot.Located[rbacv1.RoleBinding]{Value: v, Loc: b.place(snapshot.ResRoleBindings)})
	default:
		return false
	}
	return true
}

// addLog sets a log's path, unless set, from its namespace, pod and
// container (with no pod, its component: logs/files/<component>.log), as
// the collector names it, and its component, unless set, as the loader
// guesses it.
func (b *Builder) addLog(l *snapshot.Log) {
	if l.Path == "" {
		if l.Pod == "" {
			l.Path = path.Join(bundle.LogsDir, "files", l.Component+".log")
		} else {
			name := l.Container
			if l.Previous {
				name += ".previous"
			}
			l.Path = path.Join(bundle.LogsDir, l.Namespace, l.Pod, name+".log")
		}
	}
	if l.Component == "" {
		l.Component = snapshot.ComponentOf(l.Container, l.Pod)
	}
	if l.FirstLine == 0 {
		l.FirstLine = 1
	}
	b.s.Logs = append(b.s.Logs, l)
	b.Lists(snapshot.ResLogs)
}

// place returns the location of the next item of res's file and records
// that the bundle holds that list.
func (b *Builder) place(res string) snapshot.Location {
	p, ok := filePaths[res]
	if !ok {
		panic("snapshottest: no bundle file for resource " + res)
	}
	b.Lists(res)
	i := b.next[p.file]
	b.next[p.file] = i + 1
	return snapshot.Location{Path: p.file, Pointer: fmt.Sprintf("/items/%d", i)}
}

// Build returns the snapshot. The builder must not be used afterwards.
func (b *Builder) Build() *snapshot.Snapshot {
	s := &b.s
	s.Layout, s.Now, s.GitVersion = b.layout, b.now, b.version
	if s.Content == nil {
		s.Content = map[string]*snapshot.Located[bundle.NamespaceContent]{}
	}
	if b.layout == snapshot.LayoutNative {
		s.Manifest = &bundle.Manifest{
			FormatVersion: bundle.FormatVersion,
			Tool:          bundle.ToolInfo{Name: "nsbundle", Version: "test"},
			Cluster:       bundle.ClusterInfo{GitVersion: b.version},
			Start:         b.now.Add(-20 * time.Second),
			End:           b.now,
			Requests:      b.failed,
		}
	}
	for _, res := range b.lists {
		switch p, ok := filePaths[res]; {
		case len(b.perNS[res]) > 0:
			for _, ns := range b.perNS[res] {
				s.MarkRead(res, snapshot.ListFile{Path: ns + "/" + res + ".json", Namespace: ns})
			}
		case ok:
			s.MarkRead(res, snapshot.ListFile{Path: p.file})
		case res == snapshot.ResDiscovery:
			s.MarkRead(res, snapshot.ListFile{Path: bundle.DiscoveryResultsPath})
		default:
			s.MarkCollected(res)
		}
	}
	for _, p := range b.partial {
		s.MarkPartial(p.res, p.why)
	}
	for _, r := range b.failed {
		s.MarkFailed(resourceOfFile[r.File], r.Status, r.Error)
	}
	sortNamespaces(s.Namespaces)
	s.Reindex()
	return s
}

// rbacType fills in an RBAC object's apiVersion and kind if unset.
func rbacType(tm metav1.TypeMeta, kind string) metav1.TypeMeta {
	if tm.Kind == "" {
		tm.Kind = kind
	}
	if tm.APIVersion == "" {
		tm.APIVersion = rbacv1.SchemeGroupVersion.String()
	}
	return tm
}
