// Package load reads the files of a bundle into a snapshot.Snapshot,
// whatever its layout: an nsbundle bundle, a Replicated troubleshoot
// support bundle or a kubectl cluster-info dump. It splits each list into
// items, decodes them on every core into the snapshot's lean views, interns
// their repeated strings, and records which file each object came from.
//
// Loading changes no process-wide setting: a program that wants the garbage
// collector tuned for loading passes a MemoryPolicy.
package load

import (
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
	"github.com/nsbundle/nsbundle/bundle"
)

// MaxLogLines is how many trailing lines of each log are kept.
const MaxLogLines = 20000

// MaxLogLineBytes caps one log line; longer lines are cut.
const MaxLogLineBytes = 64 << 10

// maxNotes caps the notes a snapshot collects.
const maxNotes = 200

// progressEvery is how many batches of items are decoded between two calls
// of MemoryPolicy.Progress.
const progressEvery = 64

// WalkFunc walks the files of a bundle, calling fn for each regular file with
// its slash-separated name relative to the bundle root.
type WalkFunc func(fn func(name string, r io.Reader) error) error

// MemoryPolicy lets the program that loads a bundle tune its memory
// settings (garbage collector, memory limit) while a load runs: loading
// allocates about four times what it keeps. Loads may run concurrently and
// each calls Begin once.
type MemoryPolicy interface {
	// Begin is called when a load starts; the load calls the returned
	// function when it ends.
	Begin() (end func())
	// Progress is called now and then while items are decoded (every
	// 64 batches, at most 32,768 items or 32 MiB of raw JSON), for a policy
	// that follows the heap as it grows.
	Progress()
}

// Options controls a load.
type Options struct {
	// Memory is told when the load starts, progresses and ends; nil (the
	// default) does nothing.
	Memory MemoryPolicy
}

// noPolicy is the MemoryPolicy that does nothing.
type noPolicy struct{}

func (noPolicy) Begin() func() { return func() {} }
func (noPolicy) Progress()     {}

// Snapshot builds a snapshot from the files walk yields, whatever the layout
// (nsbundle, troubleshoot support bundle, kubectl cluster-info dump). A file
// it cannot read is a note in the snapshot, not an error; the error is
// walk's.
func Snapshot(walk WalkFunc, opts Options) (*snapshot.Snapshot, error) {
	s, _, err := snapshotOf(func(file func(string, io.Reader) error, _ func(Link)) error { return walk(file) }, opts)
	return s, err
}

func snapshotOf(walk BundleWalkFunc, opts Options) (*snapshot.Snapshot, *loader, error) {
	mem := opts.Memory
	if mem == nil {
		mem = noPolicy{}
	}
	defer mem.Begin()()
	s := &snapshot.Snapshot{Content: map[string]*snapshot.Located[bundle.NamespaceContent]{}}
	l := &loader{s: s, pool: newPool(), mem: mem}
	defer l.pool.close()
	if err := walk(l.file, l.link); err != nil {
		return nil, nil, err
	}
	l.finish()
	l.linkNotes()
	return s, l, nil
}

// loader reads the files of one bundle into s.
type loader struct {
	s        *snapshot.Snapshot
	pool     *pool
	mem      MemoryPolicy
	batches  int // batches sent, to check the heap now and then
	latest   time.Time
	layoutBy map[string]int
	read     map[string]bool // names of the files walked, for links
	links    []Link
	mgSeen   map[string]bool // must-gather objects read, by mgKey
	mgTime   time.Time       // a must-gather's end time
	// internalNoted: the note on internal-type lists was made.
	internalNoted bool
}

func (l *loader) link(k Link) { l.links = append(l.links, k) }

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
	if l.read == nil {
		l.read = map[string]bool{}
	}
	l.read[name] = true
	if ok, err := l.known(name, r); ok {
		return err
	}
	if ok, err := l.logFile(name, r); ok {
		return err
	}
	if ok, err := l.mustGather(name, r); ok {
		return err
	}
	if res, ok := resourceKeyFor(name); ok {
		return l.list(name, res, r)
	}
	return nil
}

// known reads the files of fixed names and shapes: the manifest,
// discovery results and errors, the version, a namespace's content, and
// the audit log; false for any other file.
func (l *loader) known(name string, r io.Reader) (bool, error) {
	switch {
	case name == bundle.ManifestPath:
		l.vote(snapshot.LayoutNative)
		var m bundle.Manifest
		if err := json.NewDecoder(r).Decode(&m); err != nil {
			return true, fmt.Errorf("%s: %w", name, err)
		}
		l.s.Manifest = &m
	case name == bundle.DiscoveryResultsPath:
		l.discoveryResults(name, r)
	case name == bundle.VersionPath || name == "cluster-info/cluster_version.json":
		return true, l.version(name, r)
	case name == "version.yaml":
		l.vote(snapshot.LayoutTroubleshoot)
	case isTerminatingPath(name):
		var c bundle.NamespaceContent
		if err := json.NewDecoder(r).Decode(&c); err != nil {
			l.note("%s: cannot decode namespace content: %v", name, err)
			return true, nil
		}
		l.s.Content[c.Namespace] = &snapshot.Located[bundle.NamespaceContent]{Value: c, Loc: snapshot.Location{Path: name}}
	case name == "cluster-resources/groups-resources-errors.json":
		l.vote(snapshot.LayoutTroubleshoot)
		l.discoveryErrors(name, r)
	case strings.HasPrefix(name, bundle.AuditDir+"/"):
		return true, l.audit(name, r)
	default:
		return false, nil
	}
	return true, nil
}

// discoveryResults reads nsbundle's discovery results.
func (l *loader) discoveryResults(name string, r io.Reader) {
	var res []bundle.DiscoveryResult
	if err := json.NewDecoder(r).Decode(&res); err != nil {
		l.note("%s: cannot decode discovery results: %v", name, err)
		return
	}
	l.s.Discovery = append(l.s.Discovery, res...)
	l.s.MarkRead(snapshot.ResDiscovery, snapshot.ListFile{Path: name})
}

// discoveryErrors reads troubleshoot's groups-resources-errors.json.
func (l *loader) discoveryErrors(name string, r io.Reader) {
	var errs []string
	if err := json.NewDecoder(r).Decode(&errs); err != nil {
		l.note("%s: cannot decode discovery errors: %v", name, err)
		return
	}
	for i, e := range errs {
		l.s.DiscoveryErrors = append(l.s.DiscoveryErrors, snapshot.Located[string]{Value: e, Loc: snapshot.Location{Path: name, Pointer: fmt.Sprintf("/%d", i)}})
	}
	l.s.MarkRead(snapshot.ResDiscovery, snapshot.ListFile{Path: name})
}

// logFile reads a container or file log of nsbundle, troubleshoot or a
// cluster-info dump; false for any other file.
func (l *loader) logFile(name string, r io.Reader) (bool, error) {
	switch {
	case strings.HasPrefix(name, bundle.LogsDir+"/") && strings.HasSuffix(name, ".log"):
		return true, l.log(name, r, logFromNativePath(name))
	case strings.HasPrefix(name, troubleshootPodLogs) && strings.HasSuffix(name, ".log"):
		if lg := logFromTroubleshootPath(name); lg != nil {
			l.vote(snapshot.LayoutTroubleshoot)
			return true, l.log(name, r, lg)
		}
	case strings.HasSuffix(name, "/logs.txt"):
		// kubectl cluster-info dump: <ns>/<pod>/logs.txt
		if parts := strings.Split(dumpRel(name), "/"); len(parts) == 3 {
			l.vote(snapshot.LayoutClusterInfoDump)
			return true, l.log(name, r, &snapshot.Log{Namespace: parts[0], Pod: parts[1], Component: snapshot.ComponentOf(parts[1])})
		}
	}
	return false, nil
}

// isTerminatingPath reports whether name is a bundle.TerminatingPath.
func isTerminatingPath(name string) bool {
	_, ok := bundle.ParseTerminatingPath(name)
	return ok
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
