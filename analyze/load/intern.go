package load

import (
	"hash/maphash"
	"maps"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// Large bundles repeat most short strings (namespaces, label keys and
// values, condition types and reasons, images, node names) and whole label
// sets (every pod of a ReplicaSet carries the same labels). Each decoding
// worker keeps one interner, so repeated values are held once: objects
// share the strings and maps. The snapshot is read-only; callers must not
// modify a label map (it may be shared).

// internSlots is the size of each interner's string cache.
const internSlots = 1 << 12

// interner holds the canonical copy of repeated strings and string maps. It
// is a cache, not a table: a direct-mapped array of recent strings, which
// costs one hash and one comparison per string and keeps what repeats.
type interner struct {
	seed   maphash.Seed
	slots  [internSlots]string
	recent [8]map[string]string // label sets seen last, newest first
	// scratch holds the worker's scratch value of each reusable type
	// (see scratchOf), keyed by a nil *T.
	scratch map[any]any
}

func newInterner() *interner { return &interner{seed: maphash.MakeSeed()} }

// str returns the canonical copy of s.
func (in *interner) str(s string) string {
	if s == "" || len(s) > 128 || in == nil {
		return s
	}
	slot := &in.slots[maphash.String(in.seed, s)&(internSlots-1)]
	if *slot == s {
		return *slot
	}
	*slot = s
	return s
}

// strPtr interns the string p points to.
func (in *interner) strPtr(p *string) {
	if p != nil {
		*p = in.str(*p)
	}
}

// strs interns every element of xs.
func (in *interner) strSlice(xs []string) {
	for i := range xs {
		xs[i] = in.str(xs[i])
	}
}

// set returns the canonical copy of the string map m (nil stays nil). Lists
// come sorted by namespace and name, so the objects sharing a label set
// (the pods of a ReplicaSet) are neighbours: m is compared with the few sets
// seen last, which costs less than hashing every set.
func (in *interner) set(m map[string]string) map[string]string {
	if len(m) == 0 || in == nil {
		return m
	}
	for _, c := range in.recent {
		if len(c) == len(m) && maps.Equal(c, m) {
			return c
		}
	}
	n := make(map[string]string, len(m)) // with the canonical keys and values
	for k, v := range m {
		n[in.str(k)] = in.str(v)
	}
	copy(in.recent[1:], in.recent[:len(in.recent)-1])
	in.recent[0] = n
	return n
}

// meta interns an object's metadata.
func (in *interner) meta(m *snapshot.Meta) {
	m.Namespace = in.str(m.Namespace)
	m.Labels = in.set(m.Labels)
	m.Annotations = in.set(m.Annotations)
	in.strSlice(m.Finalizers)
	for i := range m.OwnerReferences {
		o := &m.OwnerReferences[i]
		o.Kind, o.Name = in.str(o.Kind), in.str(o.Name)
	}
}

// conditions interns conditions and drops their spare capacity.
func (in *interner) conditions(cs []snapshot.Condition) []snapshot.Condition {
	for i := range cs {
		c := &cs[i]
		c.Type, c.Status, c.Reason, c.Message = in.str(c.Type), in.str(c.Status), in.str(c.Reason), in.str(c.Message)
	}
	return clip(cs)
}

// clip returns xs without spare capacity (a copy if it had some).
func clip[T any](xs []T) []T {
	if cap(xs) == len(xs) {
		return xs
	}
	if len(xs) == 0 {
		return nil
	}
	return append(make([]T, 0, len(xs)), xs...)
}

func (in *interner) state(s *snapshot.ContainerState) {
	if s.Waiting != nil {
		s.Waiting.Reason = in.str(s.Waiting.Reason)
	}
	if s.Terminated != nil {
		s.Terminated.Reason = in.str(s.Terminated.Reason)
	}
}

// shrink interns the repeated strings of a decoded object and drops spare
// slice capacity. The reusable kinds do it in own (scratch.go); the other
// big one, Event, is done here, and the rest get their metadata done.
func (in *interner) shrink(v any) {
	switch o := v.(type) {
	case *snapshot.Event:
		in.meta(&o.Meta)
		o.InvolvedObject.Kind, o.InvolvedObject.Namespace = in.str(o.InvolvedObject.Kind), in.str(o.InvolvedObject.Namespace)
		o.Type, o.Reason = in.str(o.Type), in.str(o.Reason) // messages are mostly unique
	case *snapshot.Endpoints:
		in.meta(&o.Meta)
	case *snapshot.Service:
		in.meta(&o.Meta)
		o.Spec.Type = in.str(o.Spec.Type)
		o.Spec.Selector = in.set(o.Spec.Selector)
	case *snapshot.Namespace:
		in.meta(&o.Meta)
		in.strSlice(o.Spec.Finalizers)
		o.Status.Phase = in.str(o.Status.Phase)
		o.Status.Conditions = in.conditions(o.Status.Conditions)
	case *snapshot.Lease:
		in.meta(&o.Meta)
	}
}
