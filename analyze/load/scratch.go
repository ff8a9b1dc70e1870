package load

import "github.com/nsbundle/nsbundle/analyze/snapshot"

// The big kinds (pods, nodes, EndpointSlices, workloads) are decoded into one
// scratch value per worker and sink, not into a fresh value: the decoder
// fills the maps and slices the scratch already has (labels, annotations,
// conditions, containers) instead of growing new ones for every object.
// Each object is then copied out of the scratch (own: exact-size copies of
// every reused slice, canonical label maps) and the scratch is cleared,
// keeping its storage (reset). In the snapshot an empty slice or map of
// these kinds is nil, absent or not: no rule tells them apart.
//
// own and reset of a kind must name the same fields: a reused field that
// own did not copy would be overwritten by the next object.

// reuse is how values of one kind go through a scratch value.
type reuse[T any] struct {
	// own replaces every field of v sharing the scratch's storage with a
	// copy, and interns the repeated strings.
	own func(v *T, in *interner)
	// reset zeroes v, keeping the storage of the fields own copies.
	reset func(v *T)
}

// reuseOf returns how T goes through a scratch value, or nil if it does
// not (it is decoded into a fresh value).
func reuseOf[T any]() *reuse[T] {
	var r any
	switch any((*T)(nil)).(type) {
	case *snapshot.Pod:
		r = &reuse[snapshot.Pod]{ownPod, resetPod}
	case *snapshot.Node:
		r = &reuse[snapshot.Node]{ownNode, resetNode}
	case *snapshot.EndpointSlice:
		r = &reuse[snapshot.EndpointSlice]{ownEndpointSlice, resetEndpointSlice}
	case *snapshot.Workload:
		r = &reuse[snapshot.Workload]{ownWorkload, resetWorkload}
	default:
		return nil
	}
	return r.(*reuse[T])
}

// emptied returns xs cleared, with length 0 and its capacity.
func emptied[T any](xs []T) []T {
	xs = xs[:cap(xs)]
	clear(xs)
	return xs[:0]
}

// cloned returns a copy of xs of its length, or nil if it is empty.
func cloned[T any](xs []T) []T {
	if len(xs) == 0 {
		return nil
	}
	return append(make([]T, 0, len(xs)), xs...)
}

// keptMeta returns m zeroed, with its maps and slices emptied.
func keptMeta(m *snapshot.Meta) snapshot.Meta {
	clear(m.Labels)
	clear(m.Annotations)
	return snapshot.Meta{Labels: m.Labels, Annotations: m.Annotations,
		Finalizers: emptied(m.Finalizers), OwnerReferences: emptied(m.OwnerReferences)}
}

// ownMeta copies the reused fields of m and interns its strings.
func (in *interner) ownMeta(m *snapshot.Meta) {
	m.Namespace = in.str(m.Namespace)
	m.Labels = in.ownSet(m.Labels)
	m.Annotations = in.ownSet(m.Annotations)
	m.Finalizers = cloned(m.Finalizers)
	in.strSlice(m.Finalizers)
	m.OwnerReferences = cloned(m.OwnerReferences)
	for i := range m.OwnerReferences {
		o := &m.OwnerReferences[i]
		o.Kind, o.Name = in.str(o.Kind), in.str(o.Name)
	}
}

// ownSet returns the canonical copy of m, never m itself (nil if empty).
func (in *interner) ownSet(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return in.set(m)
}

// ownConditions copies and interns conditions.
func (in *interner) ownConditions(cs []snapshot.Condition) []snapshot.Condition {
	return in.conditions(cloned(cs))
}

func ownPod(p *snapshot.Pod, in *interner) {
	in.ownMeta(&p.Meta)
	p.Spec.NodeName = in.str(p.Spec.NodeName)
	p.Spec.Containers = cloned(p.Spec.Containers)
	for i := range p.Spec.Containers {
		c := &p.Spec.Containers[i]
		c.Name, c.Image = in.str(c.Name), in.str(c.Image)
		in.strSlice(c.Command)
	}
	p.Status.Phase, p.Status.Reason = in.str(p.Status.Phase), in.str(p.Status.Reason)
	p.Status.PodIPs = cloned(p.Status.PodIPs)
	p.Status.Conditions = in.ownConditions(p.Status.Conditions)
	p.Status.ContainerStatuses = cloned(p.Status.ContainerStatuses)
	for i := range p.Status.ContainerStatuses {
		cs := &p.Status.ContainerStatuses[i]
		cs.Name = in.str(cs.Name)
		in.state(&cs.State)
		in.state(&cs.LastState)
	}
}

func resetPod(p *snapshot.Pod) {
	m := keptMeta(&p.Meta)
	c, ips, conds, st := p.Spec.Containers, p.Status.PodIPs, p.Status.Conditions, p.Status.ContainerStatuses
	*p = snapshot.Pod{}
	p.Meta = m
	p.Spec.Containers = emptied(c)
	p.Status.PodIPs = emptied(ips)
	p.Status.Conditions = emptied(conds)
	p.Status.ContainerStatuses = emptied(st)
}

func ownNode(n *snapshot.Node, in *interner) {
	in.ownMeta(&n.Meta)
	n.Spec.Taints = cloned(n.Spec.Taints)
	n.Status.Conditions = in.ownConditions(n.Status.Conditions)
}

func resetNode(n *snapshot.Node) {
	m := keptMeta(&n.Meta)
	t, c := n.Spec.Taints, n.Status.Conditions
	*n = snapshot.Node{}
	n.Meta = m
	n.Spec.Taints = emptied(t)
	n.Status.Conditions = emptied(c)
}

func ownEndpointSlice(e *snapshot.EndpointSlice, in *interner) {
	in.ownMeta(&e.Meta)
	e.AddressType = in.str(e.AddressType)
	e.Endpoints = cloned(e.Endpoints)
	for i := range e.Endpoints {
		ep := &e.Endpoints[i]
		in.strPtr(ep.NodeName)
		if ep.TargetRef != nil {
			ep.TargetRef.Kind, ep.TargetRef.Namespace = in.str(ep.TargetRef.Kind), in.str(ep.TargetRef.Namespace)
		}
	}
	e.Ports = cloned(e.Ports)
}

func resetEndpointSlice(e *snapshot.EndpointSlice) {
	m := keptMeta(&e.Meta)
	eps, ports := e.Endpoints, e.Ports
	*e = snapshot.EndpointSlice{}
	e.Meta = m
	e.Endpoints = emptied(eps)
	e.Ports = emptied(ports)
}

func ownWorkload(w *snapshot.Workload, in *interner) {
	in.ownMeta(&w.Meta)
	if w.Spec.Selector != nil { // a new pointer for every object: not reused
		w.Spec.Selector.MatchLabels = in.set(w.Spec.Selector.MatchLabels)
	}
	w.Status.Conditions = in.ownConditions(w.Status.Conditions)
}

func resetWorkload(w *snapshot.Workload) {
	m := keptMeta(&w.Meta)
	c := w.Status.Conditions
	*w = snapshot.Workload{}
	w.Meta = m
	w.Status.Conditions = emptied(c)
}

// scratchOf returns the worker's scratch value for T.
func scratchOf[T any](in *interner) *T {
	key := any((*T)(nil)) // one key per type
	if v, ok := in.scratch[key]; ok {
		return v.(*T)
	}
	v := new(T)
	if in.scratch == nil {
		in.scratch = map[any]any{}
	}
	in.scratch[key] = v
	return v
}
