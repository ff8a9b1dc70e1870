package app

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync"

	"github.com/nsbundle/nsbundle/analyze/load"
)

// loadMemoryLimit is the soft memory limit a load starts under, unless the
// process set its own (GOGC or GOMEMLIMIT); Progress raises it to 1.5x the
// live heap past 3/4 of it. The synthetic 150,000-pod bundle loads in about
// 0.66 GB of live heap and stays under 1 GiB of RSS.
const loadMemoryLimit = 800 << 20

// loadGCPercent is the GOGC value a load runs under.
const loadGCPercent = 400

// GCPolicy is the load.MemoryPolicy the analyze command loads bundles
// under. While a bundle loads, the garbage collector runs rarely, against a
// soft memory limit rather than at every doubling of the heap: loading
// allocates about 4x what it keeps, and with the default settings marking
// the growing heap took a third of the CPU and the heap reached twice the
// live size. The settings are restored when the last load ends. A process
// started with GOGC or GOMEMLIMIT keeps its own settings.
//
// It changes process-wide settings, so only a command uses it: no library
// package does (TestNoLibraryTunesGC). The zero value is ready to use;
// concurrent loads under one GCPolicy set and restore the settings once.
type GCPolicy struct {
	mu             sync.Mutex
	n              int // loads running
	percent, limit int64
	skip           bool
	current        int64 // the limit in force
}

// Begin sets the loading GC settings when the first load starts; the
// function it returns restores them when the last load ends.
func (g *GCPolicy) Begin() (end func()) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.n == 0 {
		g.skip = os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != ""
		if !g.skip {
			g.limit = debug.SetMemoryLimit(loadMemoryLimit)
			g.percent = int64(debug.SetGCPercent(loadGCPercent))
			g.current = loadMemoryLimit
		}
	}
	g.n++
	return func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		g.n--
		if g.n == 0 && !g.skip {
			debug.SetGCPercent(int(g.percent))
			debug.SetMemoryLimit(g.limit)
		}
	}
}

// Progress raises the memory limit Begin set when the live heap nears it (a
// bundle bigger than the synthetic 150,000-pod one), so the collector does
// not run back to back: the limit then stays 50% above the live heap.
func (g *GCPolicy) Progress() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.n == 0 || g.skip {
		return
	}
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	if live := int64(s[0].Value.Uint64()); live > g.current*3/4 {
		g.current = live * 3 / 2
		debug.SetMemoryLimit(g.current)
	}
}

var _ load.MemoryPolicy = (*GCPolicy)(nil)
