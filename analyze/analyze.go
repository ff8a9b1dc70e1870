package analyze

import (
	"fmt"
	"io"
	"time"

	"github.com/nsbundle/nsbundle/analyze/flavor"
	"github.com/nsbundle/nsbundle/analyze/load"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
	"github.com/nsbundle/nsbundle/bundle"
)

// Options controls an analysis.
type Options struct {
	// Limits caps what the bundle reader accepts.
	Limits bundle.Limits
	// Rules are the rules to run, in order (rules.All()).
	Rules []Rule
	// Memory, if set, is told when the bundle's loading starts, progresses
	// and ends, to tune the program's memory settings (see load.MemoryPolicy).
	Memory load.MemoryPolicy
}

// Analyze reads the bundle at path (a .tgz, .tar.zst, .tar or an extracted
// directory; nsbundle, troubleshoot or cluster-info dump layout) and returns
// its findings. It never opens a network connection.
func Analyze(path string, opts Options) (*Report, error) {
	return analyzeWalk(path, func(fn func(e *bundle.Entry) error) error { return bundle.Walk(path, opts.Limits, fn) }, opts)
}

// AnalyzeReader is Analyze for an archive read from r, such as standard
// input (gzip, zstd or plain tar); name stands for the path in the report
// and in errors. The archive is read once, as it streams.
func AnalyzeReader(name string, r io.Reader, opts Options) (*Report, error) {
	return analyzeWalk(name, func(fn func(e *bundle.Entry) error) error { return bundle.WalkReader(name, r, opts.Limits, fn) }, opts)
}

// Load reads the bundle at path into a snapshot as Analyze does, and runs
// no rule (opts.Rules is ignored): for commands that need the cluster's
// state rather than findings. Its errors are Analyze's.
func Load(path string, opts Options) (*snapshot.Snapshot, error) {
	return loadWalk(func(fn func(e *bundle.Entry) error) error { return bundle.Walk(path, opts.Limits, fn) }, opts.Memory)
}

// LoadReader is Load for an archive read from r (see AnalyzeReader).
func LoadReader(name string, r io.Reader, opts Options) (*snapshot.Snapshot, error) {
	return loadWalk(func(fn func(e *bundle.Entry) error) error { return bundle.WalkReader(name, r, opts.Limits, fn) }, opts.Memory)
}

// loadWalk feeds the entries of a bundle walk to the loader: files are
// decoded, links are passed on as links.
func loadWalk(walk func(fn func(e *bundle.Entry) error) error, mem load.MemoryPolicy) (*snapshot.Snapshot, error) {
	return load.SnapshotBundle(func(file func(name string, r io.Reader) error, link func(load.Link)) error {
		return walk(func(e *bundle.Entry) error {
			if e.IsLink() {
				link(load.Link{Name: e.Name, Target: e.LinkTarget, InBundle: e.Link})
				return nil
			}
			return file(e.Name, e.Reader())
		})
	}, load.Options{Memory: mem})
}

func analyzeWalk(name string, walk func(fn func(e *bundle.Entry) error) error, opts Options) (*Report, error) {
	snap, err := loadWalk(walk, opts.Memory)
	if err != nil {
		return nil, err
	}
	r, err := Run(snap, opts.Rules)
	if err != nil {
		return nil, err
	}
	r.Bundle.Path = name
	return r, nil
}

// Run applies rules to a snapshot.
func Run(snap *snapshot.Snapshot, rules []Rule) (*Report, error) {
	eng, err := NewEngine(rules)
	if err != nil {
		return nil, fmt.Errorf("registering rules: %w", err)
	}
	r := &Report{
		Bundle: BundleInfo{
			Layout:         snap.Layout,
			ClusterVersion: snap.GitVersion,
			Flavor:         flavor.Of(snap).String(),
		},
		Findings: eng.Run(snap),
		Checked:  checked(snap),
		Notes:    snap.Notes,
	}
	if !snap.Now.IsZero() {
		r.Bundle.CollectedAt = snap.Now.UTC().Format(time.RFC3339)
	}
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	Attribute(snap, r.Findings)
	Timelines(snap, r.Findings)
	return r, nil
}
