package snapshot

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"runtime/debug"
	"runtime/metrics"
	"sort"
	"strings"
	"sync"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/nsbundle/nsbundle/bundle"
)

// MaxLogLines is how many trailing lines of each log are kept.
const MaxLogLines = 20000

// MaxLogLineBytes caps one log line; longer lines are cut.
const MaxLogLineBytes = 64 << 10

// maxNotes caps the notes a snapshot collects.
const maxNotes = 200

// WalkFunc walks the files of a bundle, calling fn for each regular file with
// its slash-separated name relative to the bundle root.
type WalkFunc func(fn func(name string, r io.Reader) error) error

// Load builds a snapshot from the files walk yields, whatever the layout
// (nsbundle, troubleshoot support bundle, kubectl cluster-info dump).
func Load(walk WalkFunc) (*Snapshot, error) {
	s := &Snapshot{Content: map[string]*Located[bundle.NamespaceContent]{}}
	defer tuneGC()()
	l := &loader{s: s, pool: newPool()}
	defer l.pool.close()
	if err := walk(l.file); err != nil {
		return nil, err
	}
	l.finish()
	return s, nil
}

// loadMemoryLimit is the soft memory limit Load starts under, unless the
// process set its own (GOGC or GOMEMLIMIT); adaptGC raises it to 1.5x the
// live heap past 3/4 of it. The synthetic 150,000-pod bundle loads in about
// 0.66 GB of live heap and stays under 1 GiB of RSS.
const loadMemoryLimit = 800 << 20

// gcTuning counts the Loads running, so concurrent ones set and restore
// the process-wide GC settings once.
var gcTuning struct {
	sync.Mutex
	n              int
	percent, limit int64
	skip           bool
	current        int64 // the limit in force
}

// tuneGC makes the garbage collector run rarely while snapshots are built,
// against a soft memory limit rather than at every doubling of the heap:
// loading allocates about 4x what it keeps, and with the default settings
// marking the growing heap took a third of the CPU and the heap reached
// twice the live size. It returns the function restoring the settings.
func tuneGC() (restore func()) {
	g := &gcTuning
	g.Lock()
	defer g.Unlock()
	if g.n == 0 {
		g.skip = os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != ""
		if !g.skip {
			g.limit = debug.SetMemoryLimit(loadMemoryLimit)
			g.percent = int64(debug.SetGCPercent(400))
			g.current = loadMemoryLimit
		}
	}
	g.n++
	return func() {
		g.Lock()
		defer g.Unlock()
		g.n--
		if g.n == 0 && !g.skip {
			debug.SetGCPercent(int(g.percent))
			debug.SetMemoryLimit(g.limit)
		}
	}
}

// liveSample reads the live heap size.
var liveSample = []metrics.Sample{{Name: "/gc/heap/live:bytes"}}

// adaptGC raises the memory limit Load set when the live heap nears it (a
// bundle bigger than the synthetic 150,000-pod one), so the collector does
// not run back to back: the limit then stays 50% above the live heap.
func adaptGC() {
	g := &gcTuning
	g.Lock()
	defer g.Unlock()
	if g.n == 0 || g.skip {
		return
	}
	s := []metrics.Sample{liveSample[0]}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	if live := int64(s[0].Value.Uint64()); live > g.current*3/4 {
		g.current = live * 3 / 2
		debug.SetMemoryLimit(g.current)
	}
}

type loader struct {
	s        *Snapshot
	pool     *pool
	batches  int // batches sent, to check the heap now and then
	latest   time.Time
	layoutBy map[string]int
}

func (l *loader) note(format string, args ...any) {
	if len(l.s.Notes) < maxNotes {
		l.s.Notes = append(l.s.Notes, fmt.Sprintf(format, args...))
	}
}

func (l *loader) vote(layout string) {
	if l.layoutBy == nil {
		l.layoutBy = map[string]int{}
	}
	l.layoutBy[layout]++
}

// file dispatches one bundle file by its name.
func (l *loader) file(name string, r io.Reader) error {
	name = path.Clean(name)
	switch {
	case name == bundle.ManifestPath:
		l.vote(LayoutNative)
		var m bundle.Manifest
		if err := json.NewDecoder(r).Decode(&m); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		l.s.Manifest = &m
		return nil
	case name == bundle.DiscoveryResultsPath:
		var res []bundle.DiscoveryResult
		if err := json.NewDecoder(r).Decode(&res); err != nil {
			l.note("%s: cannot decode discovery results: %v", name, err)
			return nil
		}
		l.s.Discovery = append(l.s.Discovery, res...)
		l.s.markCollected(ResDiscovery)
		return nil
	case name == "health/version.json" || name == "cluster-info/cluster_version.json":
		return l.version(name, r)
	case name == "version.yaml":
		l.vote(LayoutTroubleshoot)
		return nil
	case strings.HasPrefix(name, bundle.TerminatingDir+"/") && strings.HasSuffix(name, ".json"):
		var c bundle.NamespaceContent
		if err := json.NewDecoder(r).Decode(&c); err != nil {
			l.note("%s: cannot decode namespace content: %v", name, err)
			return nil
		}
		l.s.Content[c.Namespace] = &Located[bundle.NamespaceContent]{Value: c, Loc: Location{Path: name}}
		return nil
	case name == "cluster-resources/groups-resources-errors.json":
		l.vote(LayoutTroubleshoot)
		var errs []string
		if err := json.NewDecoder(r).Decode(&errs); err != nil {
			l.note("%s: cannot decode discovery errors: %v", name, err)
			return nil
		}
		for i, e := range errs {
			l.s.DiscoveryErrors = append(l.s.DiscoveryErrors, Located[string]{Value: e, Loc: Location{Path: name, Pointer: fmt.Sprintf("/%d", i)}})
		}
		l.s.markCollected(ResDiscovery)
		return nil
	case strings.HasPrefix(name, bundle.LogsDir+"/") && strings.HasSuffix(name, ".log"):
		return l.log(name, r, logFromNativePath(name))
	case strings.HasSuffix(name, "/logs.txt"):
		// kubectl cluster-info dump: <ns>/<pod>/logs.txt
		parts := strings.Split(name, "/")
		if len(parts) == 3 {
			l.vote(LayoutClusterInfoDump)
			return l.log(name, r, &Log{Namespace: parts[0], Pod: parts[1], Component: ComponentOf(parts[1])})
		}
	}
	if res, ok := resourceKeyFor(name); ok {
		return l.list(name, res, r)
	}
	return nil
}

func (l *loader) version(name string, r io.Reader) error {
	var v struct {
		GitVersion string `json:"gitVersion"`
		Info       struct {
			GitVersion string `json:"gitVersion"`
		} `json:"info"`
	}
	if err := json.NewDecoder(r).Decode(&v); err != nil {
		l.note("%s: cannot decode version: %v", name, err)
		return nil
	}
	if v.GitVersion == "" {
		v.GitVersion = v.Info.GitVersion
	}
	l.s.GitVersion = v.GitVersion
	return nil
}

// resourceKeyFor maps a file name to a resource key, for every layout.
func resourceKeyFor(name string) (string, bool) {
	if !strings.HasSuffix(name, ".json") {
		return "", false
	}
	if strings.HasPrefix(name, bundle.TerminatingDir+"/") || strings.HasPrefix(name, bundle.DiscoveryDir+"/") || strings.HasPrefix(name, bundle.HealthDir+"/") {
		return "", false
	}
	parts := strings.Split(strings.TrimSuffix(name, ".json"), "/")
	switch {
	case parts[0] == bundle.ResourcesDir && (len(parts) == 4 || len(parts) == 5):
		// resources/<group>/<version>/<resource>[/<namespace>].json
		if parts[1] == "core" {
			return parts[3], true
		}
		return parts[3] + "." + parts[1], true
	case parts[0] == "cluster-resources" && (len(parts) == 2 || len(parts) == 3):
		res, ok := troubleshootNames[parts[1]]
		return res, ok
	case len(parts) == 1 && parts[0] == "nodes":
		return ResNodes, true // cluster-info dump
	case len(parts) == 2:
		res, ok := dumpNames[parts[1]]
		return res, ok
	}
	return "", false
}

// troubleshootNames maps troubleshoot's cluster-resources file names.
var troubleshootNames = map[string]string{
	"namespaces": ResNamespaces, "nodes": ResNodes, "pods": ResPods, "services": ResServices,
	"endpoints": ResEndpoints, "endpointslices": ResEndpointSlices, "leases": ResLeases,
	"events": ResEvents, "pvcs": ResPVCs, "custom-resource-definitions": ResCRDs,
	"mutating-webhook-configurations": ResMutatingHooks, "validating-webhook-configurations": ResValidatingHooks,
	"clusterroles": ResClusterRoles, "clusterrolebindings": ResClusterBindings, "roles": ResRoles,
	"rolebindings": ResRoleBindings, "deployments": ResDeployments, "replicasets": ResReplicaSets,
	"statefulsets": ResStatefulSets, "daemonsets": ResDaemonSets, "apiservices": ResAPIServices,
}

// dumpNames maps kubectl cluster-info dump's <namespace>/<file> names.
var dumpNames = map[string]string{
	"pods": ResPods, "services": ResServices, "events": ResEvents, "deployments": ResDeployments,
	"replicasets": ResReplicaSets, "daemonsets": ResDaemonSets,
}

// list decodes one List file into the snapshot.
func (l *loader) list(name, res string, r io.Reader) error {
	sk := l.sink(res)
	if sk == nil {
		return nil
	}
	if strings.HasPrefix(name, "cluster-resources/") {
		l.vote(LayoutTroubleshoot)
	} else if !strings.HasPrefix(name, bundle.ResourcesDir+"/") {
		l.vote(LayoutClusterInfoDump)
	}
	lr := &listReader{l: l, name: name, sink: sk}
	br := bufio.NewReaderSize(r, 1<<20)
	var err error
	if n := headerLen(br); n > 0 {
		_, _ = br.Discard(n)
		err = lr.readLines(br)
	} else {
		// Not one item per line (or pretty-printed): stream it with the
		// JSON decoder.
		err = decodeList(br, func(_ int, raw json.RawMessage) error {
			lr.add(raw)
			return nil
		})
	}
	lr.finish()
	if err != nil {
		l.note("%s: %v (file skipped)", name, err)
		l.s.markFailed(res, 0, "unreadable in bundle: "+err.Error())
		return nil
	}
	if lr.bad > 3 {
		l.note("%s: %d more items skipped", name, lr.bad-3)
	}
	l.s.markCollected(res)
	return nil
}

// objSink decodes items into *T and appends them to list.
type objSink[T any] struct {
	list *[]*T
	kind string
	obj  func(*T) *Object
	// when is another timestamp that can tell "now" (nil: none).
	when func(*T) *time.Time
}

func (s *objSink[T]) decode(b *batch, in *interner) {
	slab := make([]T, len(b.ends)) // one allocation per batch
	vals := make([]*T, 0, len(b.ends))
	tmp := scratchOf[T](in)
	b.items(func(i int, raw []byte) {
		v := &slab[i-b.first]
		if tmp == nil {
			if err := decodeItem(raw, v, s.kind); err != nil {
				b.bad = append(b.bad, itemErr{i, err})
				return
			}
			in.shrink(v)
		} else {
			err := decodeItem(raw, tmp, s.kind)
			if err == nil {
				*v = *tmp
				any(v).(reusable).own(in)
			}
			any(tmp).(reusable).reset()
			if err != nil {
				b.bad = append(b.bad, itemErr{i, err})
				return
			}
		}
		o := s.obj(v)
		o.Loc = Location{Path: b.name, Pointer: sharedItemPointer(i)}
		b.see(o.CreationTimestamp)
		if s.when != nil {
			b.see(s.when(v))
		}
		vals = append(vals, v)
	})
	b.out = vals
}

func (s *objSink[T]) commit(b *batch) { *s.list = append(*s.list, b.out.([]*T)...) }

// rbacSink decodes typed RBAC objects.
type rbacSink[T any] struct {
	list *[]Located[T]
	kind string
}

func (s *rbacSink[T]) decode(b *batch, _ *interner) {
	vals := make([]Located[T], 0, len(b.ends))
	b.items(func(i int, raw []byte) {
		var v T
		if err := decodeItem(raw, &v, s.kind); err != nil {
			b.bad = append(b.bad, itemErr{i, err})
			return
		}
		vals = append(vals, Located[T]{Value: v, Loc: Location{Path: b.name, Pointer: sharedItemPointer(i)}})
	})
	b.out = vals
}

func (s *rbacSink[T]) commit(b *batch) { *s.list = append(*s.list, b.out.([]Located[T])...) }

func objOf[T any](list *[]*T, kind string, obj func(*T) *Object) sink {
	return &objSink[T]{list: list, kind: kind, obj: obj}
}

// sink returns the decoder of resource res, or nil if no rule reads it.
func (l *loader) sink(res string) sink {
	s := l.s
	switch res {
	case ResNamespaces:
		return objOf(&s.Namespaces, "Namespace", func(v *Namespace) *Object { return &v.Object })
	case ResAPIServices:
		return objOf(&s.APIServices, "APIService", func(v *APIService) *Object { return &v.Object })
	case ResServices:
		return objOf(&s.Services, "Service", func(v *Service) *Object { return &v.Object })
	case ResEndpoints:
		return objOf(&s.Endpoints, "Endpoints", func(v *Endpoints) *Object { return &v.Object })
	case ResEndpointSlices:
		return objOf(&s.EndpointSlices, "EndpointSlice", func(v *EndpointSlice) *Object { return &v.Object })
	case ResPods:
		return objOf(&s.Pods, "Pod", func(v *Pod) *Object { return &v.Object })
	case ResNodes:
		return objOf(&s.Nodes, "Node", func(v *Node) *Object { return &v.Object })
	case ResLeases:
		return &objSink[Lease]{list: &s.Leases, kind: "Lease", obj: func(v *Lease) *Object { return &v.Object },
			when: func(v *Lease) *time.Time { return v.Spec.RenewTime }}
	case ResEvents:
		return &objSink[Event]{list: &s.Events, kind: "Event", obj: func(v *Event) *Object { return &v.Object },
			when: func(v *Event) *time.Time { return v.LastTimestamp }}
	case ResPVCs:
		return objOf(&s.PVCs, "PersistentVolumeClaim", func(v *PersistentVolumeClaim) *Object { return &v.Object })
	case ResCRDs:
		return objOf(&s.CRDs, "CustomResourceDefinition", func(v *CustomResourceDefinition) *Object { return &v.Object })
	case ResValidatingHooks:
		return objOf(&s.Webhooks, "ValidatingWebhookConfiguration", func(v *WebhookConfiguration) *Object {
			v.Kind = "ValidatingWebhookConfiguration"
			return &v.Object
		})
	case ResMutatingHooks:
		return objOf(&s.Webhooks, "MutatingWebhookConfiguration", func(v *WebhookConfiguration) *Object {
			v.Kind = "MutatingWebhookConfiguration"
			return &v.Object
		})
	case ResDeployments, ResReplicaSets, ResStatefulSets, ResDaemonSets:
		kind := workloadKinds[res]
		return objOf(&s.Workloads, kind, func(v *Workload) *Object { v.Kind = kind; return &v.Object })
	case ResClusterRoles:
		return &rbacSink[rbacv1.ClusterRole]{&s.ClusterRoles, "ClusterRole"}
	case ResClusterBindings:
		return &rbacSink[rbacv1.ClusterRoleBinding]{&s.ClusterBindings, "ClusterRoleBinding"}
	case ResRoles:
		return &rbacSink[rbacv1.Role]{&s.Roles, "Role"}
	case ResRoleBindings:
		return &rbacSink[rbacv1.RoleBinding]{&s.RoleBindings, "RoleBinding"}
	}
	return nil
}

var workloadKinds = map[string]string{
	ResDeployments: "Deployment", ResReplicaSets: "ReplicaSet",
	ResStatefulSets: "StatefulSet", ResDaemonSets: "DaemonSet",
}

// logFromNativePath parses logs/<ns>/<pod>/<container>[.previous].log and
// logs/files/<name>.log.
func logFromNativePath(name string) *Log {
	parts := strings.Split(strings.TrimSuffix(name, ".log"), "/")
	lg := &Log{}
	switch {
	case len(parts) == 3 && parts[1] == "files":
		lg.Component = ComponentOf(parts[2])
		if lg.Component == "" {
			lg.Component = parts[2]
		}
	case len(parts) == 4:
		lg.Namespace, lg.Pod, lg.Container = parts[1], parts[2], parts[3]
		if c, ok := strings.CutSuffix(lg.Container, ".previous"); ok {
			lg.Container, lg.Previous = c, true
		}
		lg.Component = ComponentOf(lg.Container, lg.Pod)
	}
	return lg
}

// log reads a log file, keeping its last MaxLogLines lines.
func (l *loader) log(name string, r io.Reader, lg *Log) error {
	lg.Path = name
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLogLineBytes)
	sc.Split(scanLinesCut)
	n := 0
	for sc.Scan() {
		n++
		lg.Lines = append(lg.Lines, sc.Text())
		if len(lg.Lines) > 2*MaxLogLines {
			lg.Lines = append([]string(nil), lg.Lines[len(lg.Lines)-MaxLogLines:]...)
		}
	}
	if err := sc.Err(); err != nil {
		l.note("%s: %v (log partly read)", name, err)
	}
	if len(lg.Lines) > MaxLogLines {
		lg.Lines = lg.Lines[len(lg.Lines)-MaxLogLines:]
	}
	lg.FirstLine = n - len(lg.Lines) + 1
	l.s.Logs = append(l.s.Logs, lg)
	l.s.markCollected(ResLogs)
	return nil
}

// scanLinesCut is bufio.ScanLines that cuts over-long lines instead of
// failing.
func scanLinesCut(data []byte, atEOF bool) (int, []byte, error) {
	adv, tok, err := bufio.ScanLines(data, atEOF)
	if adv == 0 && tok == nil && err == nil && len(data) >= MaxLogLineBytes {
		return len(data), data[:MaxLogLineBytes], nil
	}
	return adv, tok, err
}

// finish applies the manifest, picks the layout and "now", and indexes.
func (l *loader) finish() {
	s := l.s
	best, n := LayoutNative, -1
	for k, v := range l.layoutBy {
		if v > n || (v == n && k < best) {
			best, n = k, v
		}
	}
	if s.Manifest != nil {
		best = LayoutNative
	}
	s.Layout = best
	if m := s.Manifest; m != nil {
		if !m.End.IsZero() {
			s.Now = m.End
		}
		if s.GitVersion == "" {
			s.GitVersion = m.Cluster.GitVersion
		}
		for _, req := range m.Requests {
			if req.File == "" || !req.Failed() {
				continue
			}
			if res, ok := resourceKeyFor(req.File); ok {
				s.markFailed(res, req.Status, req.Error)
			} else if req.File == bundle.DiscoveryResultsPath {
				s.markFailed(ResDiscovery, req.Status, req.Error)
			}
		}
		for _, req := range m.Requests {
			if req.File != "" || !req.Failed() || req.Verb != "list" {
				continue
			}
			if res, ok := resourceKeyForURL(req.Path); ok {
				s.markFailed(res, req.Status, req.Error)
			}
		}
		for _, lf := range m.Logs {
			for _, lg := range s.Logs {
				if lg.Path == lf.Path && lf.Component != "" {
					// "--log kube-controller-manager.previous=..." still
					// belongs to kube-controller-manager.
					if c := ComponentOf(lf.Component); c != "" {
						lg.Component = c
					} else {
						lg.Component = lf.Component
					}
				}
			}
			if lf.Error != "" {
				s.markFailed(ResLogs, 0, lf.Error)
			}
		}
	}
	if s.Now.IsZero() {
		s.Now = l.latest
		if s.Now.IsZero() {
			l.note("collection time unknown: durations are not computed")
		} else {
			l.note("collection time not recorded: using the latest timestamp in the bundle (%s)", s.Now.Format(time.RFC3339))
		}
	}
	l.layoutGaps()
	sort.SliceStable(s.Namespaces, func(i, j int) bool { return s.Namespaces[i].Name < s.Namespaces[j].Name })
	s.buildIndex()
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
// can see, with what a missing one hides.
var gapChecks = []struct{ res, label, hides string }{
	{ResNamespaces, "Namespace objects", "a namespace stuck Terminating cannot be seen"},
	{ResAPIServices, "APIService objects", "an unavailable APIService cannot be named"},
	{ResEndpointSlices, "EndpointSlice objects", "a Service without endpoints cannot be confirmed"},
	{ResDiscovery, "API discovery results", "a failing group-version cannot be confirmed"},
	{ResLeases, "Lease objects", "a dead or crash-looping kube-controller-manager cannot be confirmed"},
}

// layoutGaps notes what a foreign bundle lacks, so an empty report is not
// read as "healthy".
func (l *loader) layoutGaps() {
	if l.s.Layout == LayoutNative {
		return
	}
	for _, g := range gapChecks {
		if !l.s.Collected(g.res) {
			l.note("this %s bundle holds no %s: %s; `nsbundle collect` gathers them", l.s.Layout, g.label, g.hides)
		}
	}
}
