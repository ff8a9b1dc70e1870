// Package synth writes synthetic bundles in nsbundle's own format, at a
// chosen size, with realistic objects (built from k8s.io/api types) and a
// seed-chosen set of planted root causes (Causes) whose blocking chains
// analyze must find at any size, each as a lab sample shows it:
//
//   - metrics-server crash-looping on a mistyped flag: APIService
//     v1beta1.metrics.k8s.io unavailable (MissingEndpoints), so the discovery
//     of metrics.k8s.io/v1beta1 fails and keeps every Terminating namespace;
//   - bootstrap ClusterRole system:kube-controller-manager deleted, the
//     controller-manager's log showing it crash-loop on it, its leader lease
//     stale and churning, and a PersistentVolumeClaim Pending meanwhile;
//   - a namespace whose spec.finalizers keeps an entry of an absent
//     controller;
//   - ConfigMaps left in a deleted namespace with a finalizer of an absent
//     controller;
//   - a validating webhook (failurePolicy Fail) on ConfigMap deletes whose
//     Service is gone, failing a namespace's deletion;
//   - APIService v1beta1.external.metrics.k8s.io whose Service's
//     hand-written EndpointSlice lists a machine that is gone, so its
//     discovery fails too.
//
// Seed 1 plants the first two, in namespace "analytics" (the bundle the
// README's benchmarks measure); any other seed any subset, none included,
// under names of its own (namespaces, the webhook's and the adapter's
// Service namespaces, the gone machine's IP; pod names, IPs and UIDs vary
// with every seed). Plan, and Stats.Planted, say
// what was planted and what analyze and triage must report for it.
//
// By default it writes what collect writes by default: no core/v1 Endpoints
// (EndpointSlices are listed) and only the events of the last
// collect.DefaultEventsWindow, each omission recorded in the manifest. The
// cluster holds Size.Events events, last seen uniformly over the last
// EventTTL (an API server started with --event-ttl=4h).
//
// Generation is seeded and deterministic: the same Options give the same
// entries, byte for byte (only the archive's timestamps differ).
package synth

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/nsbundle/nsbundle/bundle"
	"github.com/nsbundle/nsbundle/collect"
)

// Size is the shape of a synthetic cluster.
type Size struct {
	// Name is "small", "large"...
	Name           string
	Nodes          int
	Pods           int
	Namespaces     int
	Events         int
	EndpointSlices int
}

// Sizes are the predefined sizes, by name.
var Sizes = map[string]Size{
	"tiny":  {Name: "tiny", Nodes: 5, Pods: 120, Namespaces: 12, Events: 200, EndpointSlices: 20},
	"small": {Name: "small", Nodes: 50, Pods: 1500, Namespaces: 100, Events: 3000, EndpointSlices: 200},
	"large": {Name: "large", Nodes: 5000, Pods: 150000, Namespaces: 10000, Events: 300000, EndpointSlices: 20000},
}

// SizeNamed returns the predefined size called name.
func SizeNamed(name string) (Size, error) {
	s, ok := Sizes[name]
	if !ok {
		var names []string
		for n := range Sizes {
			names = append(names, n)
		}
		sort.Strings(names)
		return Size{}, fmt.Errorf("unknown size %q (want one of %s)", name, strings.Join(names, ", "))
	}
	return s, nil
}

// DefaultNow is the collection time of generated bundles.
var DefaultNow = time.Date(2026, 11, 23, 6, 30, 0, 0, time.UTC)

// Options configure Generate.
type Options struct {
	Size Size
	// Seed makes the random choices; the same seed gives the same bundle.
	Seed uint64
	// Codec is the archive compression (default gzip).
	Codec bundle.Codec
	// Force overwrites an existing file.
	Force bool
	// Now is the collection time (default DefaultNow).
	Now time.Time
	// Workers is how many lists are rendered at once (default 2).
	Workers int
	// KeepEverything writes what collect --keep-everything would: core/v1
	// Endpoints and events of any age (managedFields and node image lists
	// are never generated).
	KeepEverything bool
	// EventsWindow keeps, as collect does, only the events last seen
	// within this window before Now: 0 means collect.DefaultEventsWindow,
	// negative keeps every event.
	EventsWindow time.Duration
}

// Stats says what Generate wrote.
type Stats struct {
	// Objects is the number of list items written.
	Objects int
	// JSONBytes is the uncompressed size of every entry.
	JSONBytes int64
	// Lists counts items per bundle file.
	Lists map[string]int
	// Planted are the root causes planted (see Plan).
	Planted []Planted
}

// Generate writes a synthetic bundle to path.
func Generate(path string, o Options) (*Stats, error) {
	if o.Now.IsZero() {
		o.Now = DefaultNow
	}
	if o.Workers <= 0 {
		o.Workers = 2
	}
	if o.EventsWindow == 0 {
		o.EventsWindow = collect.DefaultEventsWindow
	}
	if o.Size.Pods < 20 || o.Size.Nodes < 3 || o.Size.Namespaces < 10 {
		return nil, fmt.Errorf("size %q too small: want at least 3 nodes, 20 pods, 10 namespaces", o.Size.Name)
	}
	m := newModel(o)
	w, err := bundle.Create(path, bundle.WriterOptions{Codec: o.Codec, Force: o.Force})
	if err != nil {
		return nil, err
	}
	g := &gen{m: m, w: w, stats: &Stats{Lists: map[string]int{}, Planted: m.planted()}}
	if err := g.run(o.Workers); err != nil {
		_ = w.Abort()
		return nil, err
	}
	if err := w.Commit(g.manifest()); err != nil {
		return nil, err
	}
	return g.stats, nil
}
