// Package triage analyses many bundles and groups them by root-cause
// signature (analyze.Signature), so that a desk answers together the tickets
// that share one cause: one bad add-on release, one cloud permission change.
//
// It reads no bundle itself: the caller gives an Analyzer (the command line
// passes the one analyze uses), so reading, limits and memory settings stay
// in one place.
package triage

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/nsbundle/nsbundle/analyze"
)

// Analyzer analyses the bundle at path and returns its report and its
// cluster's identity (the kube-system namespace UID, "" if unknown).
type Analyzer func(path string) (rep *analyze.Report, clusterUID string, err error)

// DefaultLargeBytes is the on-disk size from which a bundle is large: it
// runs alone, never beside another. The synthetic 150,000-pod bundle is
// 89 MB and loads in about 0.66 GB of live heap; a 1,500-pod one is 1 MB.
const DefaultLargeBytes = 32 << 20

// Options tune Run.
type Options struct {
	// Workers is how many small bundles are analysed at once (default 2).
	Workers int
	// LargeBytes is the size from which a bundle runs alone (default
	// DefaultLargeBytes).
	LargeBytes int64
	// Progress, if set, is called after each bundle with how many are done,
	// from one goroutine at a time.
	Progress func(done, total int)
}

// Finding is one finding of a bundle, as a desk's store keeps it.
type Finding struct {
	Signature string           `json:"signature"`
	ID        string           `json:"id"`
	Severity  analyze.Severity `json:"severity"`
	Symptom   analyze.Ref      `json:"symptom"`
	RootCause analyze.Ref      `json:"rootCause"`
	Summary   string           `json:"summary"`
}

// Bundle is the result of one bundle: a line of `-o jsonl`.
type Bundle struct {
	Path        string    `json:"path"`
	Cluster     string    `json:"cluster,omitempty"`
	CollectedAt string    `json:"collectedAt,omitempty"`
	Findings    []Finding `json:"findings"`
	// Error is why the bundle could not be read ("" when it was).
	Error string `json:"error,omitempty"`

	chains map[string][]link // signature -> links of its first finding
}

// Group is the bundles that share a root-cause signature.
type Group struct {
	Signature string `json:"signature"`
	// Count is how many bundles have it.
	Count   int      `json:"count"`
	Bundles []string `json:"bundles"`
	// Clusters are the distinct cluster UIDs among them (bundles without
	// one are not counted).
	Clusters []string `json:"clusters"`
	// First and Last are the earliest and latest collection times.
	First string `json:"first,omitempty"`
	Last  string `json:"last,omitempty"`
	// Chain is the links every bundle's chain has, symptom first, each
	// "Kind/[namespace/]name" with the name normalised.
	Chain []string `json:"chain"`
}

// Unreadable is a bundle that could not be analysed.
type Unreadable struct {
	Path  string `json:"path"`
	Error string `json:"error"`
}

// Result is the triage of many bundles.
type Result struct {
	// Groups, largest first, then by signature.
	Groups []Group `json:"groups"`
	// Unreadable bundles, in the order given.
	Unreadable []Unreadable `json:"unreadable"`
	// Bundles are the per-bundle results, in the order given.
	Bundles []Bundle `json:"-"`
}

// Run analyses every path with an and groups the results. Small bundles run
// up to Workers at a time; a large one (LargeBytes) runs alone. A bundle
// that cannot be read is listed in Unreadable, not fatal.
func Run(paths []string, an Analyzer, o Options) *Result {
	if o.Workers <= 0 {
		o.Workers = 2
	}
	if o.LargeBytes <= 0 {
		o.LargeBytes = DefaultLargeBytes
	}
	res := &Result{Bundles: make([]Bundle, len(paths))}
	var (
		wg       sync.WaitGroup
		alone    sync.RWMutex // a large bundle holds it for writing
		sem      = make(chan struct{}, o.Workers)
		progress sync.Mutex
		done     int
	)
	for i, p := range paths {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if size(p) >= o.LargeBytes {
				alone.Lock()
				defer alone.Unlock()
			} else {
				alone.RLock()
				defer alone.RUnlock()
			}
			res.Bundles[i] = one(p, an)
			if o.Progress != nil {
				progress.Lock()
				done++
				o.Progress(done, len(paths))
				progress.Unlock()
			}
		}()
	}
	wg.Wait()
	res.Groups = group(res.Bundles)
	res.Unreadable = []Unreadable{}
	for _, b := range res.Bundles {
		if b.Error != "" {
			res.Unreadable = append(res.Unreadable, Unreadable{Path: b.Path, Error: b.Error})
		}
	}
	return res
}

// one analyses one bundle; the report is dropped once summarised.
func one(p string, an Analyzer) Bundle {
	b := Bundle{Path: p, Findings: []Finding{}, chains: map[string][]link{}}
	rep, uid, err := an(p)
	if err != nil {
		b.Error = err.Error()
		return b
	}
	b.Cluster, b.CollectedAt = uid, rep.Bundle.CollectedAt
	for _, f := range rep.Findings {
		sig := f.Signature
		if sig == "" {
			sig = analyze.Signature(f.ID, f.RootCause.Ref)
		}
		b.Findings = append(b.Findings, Finding{Signature: sig, ID: f.ID, Severity: f.Severity,
			Symptom: f.Symptom, RootCause: f.RootCause.Ref, Summary: f.Summary})
		if _, ok := b.chains[sig]; !ok {
			var links []link
			for _, l := range f.Chain {
				links = append(links, link{l.Ref.Kind.String(), l.Ref.Namespace, analyze.NormalizeName(l.Ref.Kind, l.Ref.Name)})
			}
			b.chains[sig] = links
		}
	}
	return b
}

// link is a chain link with its name normalised.
type link struct{ kind, namespace, name string }

// anyNamespace stands for the namespace of a link found in every chain of a
// group, in namespaces that differ (a webhook's Service, a finalizer's
// objects: installed or deleted where each cluster chose).
const anyNamespace = "<namespace>"

func (l link) String() string {
	if l.namespace != "" {
		return l.kind + "/" + l.namespace + "/" + l.name
	}
	return l.kind + "/" + l.name
}

// group folds the bundles' findings by signature; a bundle counts once per
// signature.
func group(bs []Bundle) []Group {
	at := map[string]*Group{}
	chains := map[string][]link{}
	clusters := map[string]map[string]bool{}
	var order []string
	for _, b := range bs {
		if b.Error != "" {
			continue
		}
		seen := map[string]bool{}
		for _, f := range b.Findings {
			sig := f.Signature
			if seen[sig] {
				continue
			}
			seen[sig] = true
			g, ok := at[sig]
			if !ok {
				g = &Group{Signature: sig, Clusters: []string{}}
				at[sig], clusters[sig], chains[sig] = g, map[string]bool{}, b.chains[sig]
				order = append(order, sig)
			} else {
				chains[sig] = common(chains[sig], b.chains[sig])
			}
			g.Count++
			g.Bundles = append(g.Bundles, b.Path)
			if b.Cluster != "" && !clusters[sig][b.Cluster] {
				clusters[sig][b.Cluster] = true
				g.Clusters = append(g.Clusters, b.Cluster)
			}
			if t := b.CollectedAt; t != "" {
				// RFC 3339 in UTC: text order is time order.
				if g.First == "" || t < g.First {
					g.First = t
				}
				if t > g.Last {
					g.Last = t
				}
			}
		}
	}
	out := make([]Group, 0, len(order))
	for _, sig := range order {
		g := at[sig]
		sort.Strings(g.Clusters)
		g.Chain = []string{}
		for _, l := range chains[sig] {
			g.Chain = append(g.Chain, l.String())
		}
		out = append(out, *g)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Signature < out[j].Signature
	})
	return out
}

// common keeps the links of a that b has too, in a's order; a link b has in
// another namespace (same kind and normalised name) is kept in
// anyNamespace.
func common(a, b []link) []link {
	out := []link{}
	for _, x := range a {
		for _, y := range b {
			if x.kind != y.kind || x.name != y.name || (x.namespace == "") != (y.namespace == "") {
				continue
			}
			if x.namespace != y.namespace {
				x.namespace = anyNamespace
			}
			out = append(out, x)
			break
		}
	}
	return out
}

// size is a bundle's size on disk: the file's, or the sum of an extracted
// directory's files. An error counts as small: the analyzer reports it.
func size(p string) int64 {
	fi, err := os.Stat(p)
	if err != nil {
		return 0
	}
	if !fi.IsDir() {
		return fi.Size()
	}
	var n int64
	_ = filepath.WalkDir(p, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if i, err := d.Info(); err == nil {
				n += i.Size()
			}
		}
		return nil
	})
	return n
}
