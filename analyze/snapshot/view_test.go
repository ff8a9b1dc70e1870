package snapshot

import (
	"sync"
	"sync/atomic"
	"testing"
)

func TestViewComputedOncePerSnapshot(t *testing.T) {
	t.Parallel()
	var builds atomic.Int32
	v := NewView("namespace count", func(s *Snapshot) int { builds.Add(1); return len(s.Namespaces) })
	a := &Snapshot{Namespaces: []*Namespace{{}, {}}}
	b := &Snapshot{}
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got := v.Of(a); got != 2 {
				t.Errorf("Of(a) = %d, want 2", got)
			}
		}()
	}
	wg.Wait()
	if got := v.Of(b); got != 0 {
		t.Errorf("Of(b) = %d, want 0", got)
	}
	if n := builds.Load(); n != 2 {
		t.Errorf("built %d times for two snapshots, want 2", n)
	}
}

// TestViewReadsView: a view's build may read another view of the same
// snapshot (the lock is not held while it builds).
func TestViewReadsView(t *testing.T) {
	t.Parallel()
	base := NewView("base", func(*Snapshot) string { return "base" })
	derived := NewView("derived", func(s *Snapshot) string { return base.Of(s) + "+derived" })
	if got := derived.Of(&Snapshot{}); got != "base+derived" {
		t.Errorf("got %q", got)
	}
}

// TestViewsAreDistinctByIdentity: two views with the same name and type
// are two views (no string key).
func TestViewsAreDistinctByIdentity(t *testing.T) {
	t.Parallel()
	one := NewView("same", func(*Snapshot) int { return 1 })
	two := NewView("same", func(*Snapshot) int { return 2 })
	s := &Snapshot{}
	if one.Of(s) != 1 || two.Of(s) != 2 {
		t.Errorf("views with one name share a value: %d %d", one.Of(s), two.Of(s))
	}
}
