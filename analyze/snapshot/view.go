package snapshot

import "sync"

// View is a typed value derived from a snapshot that several rules read (the
// controller-manager's state, the bootstrap RBAC comparison). Of computes it
// at most once per snapshot, also when called from several goroutines, and
// every later call returns the same value.
//
// A view is identified by its own pointer, not by a name: declare each one
// once, as a package-level variable, with NewView. A view's build function may
// read other views, but not itself (that would wait forever).
type View[T any] struct {
	name  string
	build func(*Snapshot) T
}

// NewView declares a view; name says what it holds, for error messages and
// listings (it is not a key).
func NewView[T any](name string, build func(*Snapshot) T) *View[T] {
	return &View[T]{name: name, build: build}
}

// Name says what the view holds.
func (v *View[T]) Name() string { return v.name }

// Of returns the view's value for s, computing it on first use.
func (v *View[T]) Of(s *Snapshot) T {
	c := s.views.cell(v)
	c.once.Do(func() { c.value = v.build(s) })
	return c.value.(T)
}

// Prepare computes the view for s if it was not computed yet.
func (v *View[T]) Prepare(s *Snapshot) { v.Of(s) }

// AnyView is a View of any type, as a rule lists the views it reads.
type AnyView interface {
	// Name says what the view holds.
	Name() string
	// Prepare computes the view for a snapshot (once).
	Prepare(s *Snapshot)
}

// views holds a snapshot's computed views.
type views struct {
	mu    sync.Mutex
	cells map[any]*viewCell
}

type viewCell struct {
	once  sync.Once
	value any
}

// cell returns the cell of view key, creating it. The lock covers only the
// map: a view's build runs outside it, so it may read other views.
func (vs *views) cell(key any) *viewCell {
	vs.mu.Lock()
	defer vs.mu.Unlock()
	c, ok := vs.cells[key]
	if !ok {
		if vs.cells == nil {
			vs.cells = map[any]*viewCell{}
		}
		c = &viewCell{}
		vs.cells[key] = c
	}
	return c
}
