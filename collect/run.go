package collect

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"k8s.io/client-go/rest"

	"github.com/nsbundle/nsbundle/bundle"
)

// Result is what a collection produced.
type Result struct {
	// Path is the bundle written (StreamOutput: it went to Options.Stream).
	Path string
	// Manifest is the bundle's manifest.
	Manifest *bundle.Manifest
	// Complete is true when every request succeeded.
	Complete bool
	// Missing lists, one line each, what could not be collected, e.g.
	// "secrets: forbidden (403)".
	Missing []string
}

// run is the state of one collection.
type run struct {
	o    Options
	c    *client
	w    *bundle.Writer
	rec  *recorder
	disc *discoveryState
	// start is when the collection started (the events window ends there).
	start time.Time

	mu       sync.Mutex
	fatalErr error
	cancel   context.CancelCauseFunc
	identity bundle.Identity
	cluster  bundle.ClusterInfo
	refs     serviceRefs
}

// Run collects from the cluster cfg points at and writes one bundle to
// o.Output (or DefaultOutputName). It only reads: GET requests, plus one
// SelfSubjectReview, which persists nothing. Failed requests are recorded
// and the run goes on; the bundle is written unless ctx is cancelled, the
// bundle itself cannot be written, or nothing at all was collected
// (*NothingCollectedError), in which case nothing is left at the output
// path. progress may be nil.
func Run(ctx context.Context, cfg *rest.Config, o Options, progress Progress) (*Result, error) {
	if cfg == nil {
		return nil, errors.New("no cluster configuration")
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	start := time.Now().UTC()
	out := o.Output
	wo := bundle.WriterOptions{Codec: o.Codec, Force: o.Force}
	path := out
	switch out {
	case "":
		out = DefaultOutputName(o.ContextName, start, o.Codec)
		path = out
	case StreamOutput:
		// The name gives the bundle its top folder; the working files go
		// to the temporary directory.
		path = filepath.Join(os.TempDir(), DefaultOutputName(o.ContextName, start, o.Codec))
		wo.Stream = o.Stream
	}
	c, err := newClient(cfg, o)
	if err != nil {
		return nil, err
	}
	w, err := bundle.Create(path, wo)
	if err != nil {
		return nil, fmt.Errorf("create bundle: %w", err)
	}
	r := &run{
		o:       o,
		c:       c,
		w:       w,
		rec:     newRecorder(progress),
		disc:    newDiscoveryState(),
		start:   start,
		cluster: bundle.ClusterInfo{Context: o.ContextName, Server: cfg.Host},
		refs:    serviceRefs{},
	}
	rctx := ctx
	if o.Deadline > 0 {
		var cancel context.CancelFunc
		rctx, cancel = context.WithTimeout(ctx, o.Deadline)
		defer cancel()
	}
	rctx, cancel := context.WithCancelCause(rctx)
	defer cancel(nil)
	r.cancel = cancel
	r.collect(rctx)

	if err := ctx.Err(); err != nil {
		_ = w.Abort()
		return nil, fmt.Errorf("collection interrupted: %w", err)
	}
	if err := r.fatal(); err != nil {
		_ = w.Abort()
		return nil, err
	}
	m := r.manifest(start)
	missing := r.rec.fill(m)
	if errors.Is(rctx.Err(), context.DeadlineExceeded) {
		missing = append(missing, fmt.Sprintf("collection: stopped at the %s deadline", o.Deadline))
	}
	if err := nothingCollected(cfg.Host, m, missing); err != nil {
		_ = w.Abort()
		return nil, err
	}
	if err := w.Commit(m); err != nil {
		_ = w.Abort()
		return nil, fmt.Errorf("write bundle: %w", err)
	}
	r.rec.event(Event{Phase: PhaseWrite, Item: out})
	return &Result{Path: out, Manifest: m, Complete: len(missing) == 0, Missing: missing}, nil
}

// collect runs the phases: identity and health, discovery, then resource
// lists, Terminating namespace inventories and logs, concurrently within the
// client's bound.
func (r *run) collect(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() { r.health(ctx) })
	wg.Go(func() { r.logFiles(ctx) })
	wg.Go(func() { r.auditLogs(ctx) })
	r.discover(ctx)
	r.resources(ctx, &wg)
	wg.Wait()
}

func (r *run) manifest(start time.Time) *bundle.Manifest {
	r.mu.Lock()
	defer r.mu.Unlock()
	o := r.o
	m := &bundle.Manifest{
		FormatVersion: bundle.FormatVersion,
		Tool:          o.Tool,
		Cluster:       r.cluster,
		CollectedBy:   r.identity,
		Start:         start,
		End:           time.Now().UTC(),
		Options: bundle.Options{
			MaxLogBytes:    o.MaxLogBytes,
			Timeout:        o.Timeout.String(),
			PageSize:       o.PageSize,
			Namespaces:     o.Namespaces,
			KeepEverything: o.KeepEverything,
		},
	}
	if o.Since > 0 {
		m.Options.Since = o.Since.String()
	}
	return m
}

// fail records an error that stops the collection (the bundle cannot be
// written) and cancels the remaining work.
func (r *run) fail(err error) {
	r.mu.Lock()
	if r.fatalErr == nil {
		r.fatalErr = err
	}
	r.mu.Unlock()
	r.cancel(err)
}

func (r *run) fatal() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.fatalErr
}

// writeFile writes a small bundle entry; a failure stops the collection.
func (r *run) writeFile(name string, data []byte) bool {
	if err := r.w.WriteFile(name, data); err != nil {
		r.fail(fmt.Errorf("write %s: %w", name, err))
		return false
	}
	return true
}
