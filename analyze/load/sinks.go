package load

import (
	"bufio"
	"encoding/json"
	"io"
	"strings"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
	"github.com/nsbundle/nsbundle/bundle"
)

// list decodes one List file into the snapshot.
func (l *loader) list(name, res string, r io.Reader) error {
	sk := l.sink(res)
	if sk == nil {
		return nil
	}
	dump := false
	if strings.HasPrefix(name, "cluster-resources/") {
		l.vote(snapshot.LayoutTroubleshoot)
	} else if !strings.HasPrefix(name, bundle.ResourcesDir+"/") {
		l.vote(snapshot.LayoutClusterInfoDump)
		dump = strings.Contains(dumpRel(name), "/") // <namespace>/<resource>.json; nodes.json is whole
	}
	lr := &listReader{l: l, name: name, sink: sk}
	br := bufio.NewReaderSize(r, 1<<20)
	var err error
	if n := headerLen(br); n > 0 {
		_, _ = br.Discard(n)
		err = lr.readLines(br)
	} else {
		// Not one item per line (or pretty-printed): stream it with the
		// JSON decoder, after rewriting an old dump's internal types.
		var in io.Reader = br
		if dump || dumpRel(name) == "nodes.json" {
			var internal bool
			if in, internal, err = peekInternal(br); internal && err == nil && !l.internalNoted {
				l.internalNoted = true
				l.note("%s and its like hold internal types (kubectl cluster-info dump before v1.14: Items, flattened metadata, Go field names): read as v1; evidence pointers use the v1 field names", name)
			}
		}
		if err == nil {
			err = decodeList(in, func() { lr.shape = bareArray }, func(_ int, raw json.RawMessage) error {
				lr.add(raw)
				return nil
			})
		}
	}
	lr.finish()
	if err != nil {
		l.note("%s: %v (file skipped)", name, err)
		l.s.MarkFailed(res, 0, "unreadable in bundle: "+err.Error())
		return nil
	}
	if lr.bad > 3 {
		l.note("%s: %d more items skipped", name, lr.bad-3)
	}
	if lr.next > 0 && lr.bad == lr.next {
		// Not one object: the file is not a list of them, and reading it
		// as an empty complete list would prove objects absent.
		l.note("%s: none of its %d items could be read (file skipped)", name, lr.next)
		l.s.MarkFailed(res, 0, "unreadable in bundle: none of its items could be read")
		return nil
	}
	l.s.MarkRead(res, listFileOf(name))
	return nil
}

// objSink decodes items into *T and appends them to list.
type objSink[T any] struct {
	list *[]*T
	kind string
	obj  func(*T) *snapshot.Object
	// when is another timestamp that can tell "now" (nil: none).
	when func(*T) *time.Time
}

func (s *objSink[T]) decode(b *batch, in *interner) {
	slab := make([]T, len(b.ends)) // one allocation per batch
	vals := make([]*T, 0, len(b.ends))
	ru := reuseOf[T]()
	var tmp *T
	if ru != nil {
		tmp = scratchOf[T](in)
	}
	b.items(func(i int, raw []byte) {
		v := &slab[i-b.first]
		if ru == nil {
			if err := decodeItem(raw, v, s.kind); err != nil {
				b.bad = append(b.bad, itemErr{i, err})
				return
			}
			in.shrink(v)
		} else {
			err := decodeItem(raw, tmp, s.kind)
			if err == nil {
				*v = *tmp
				ru.own(v, in)
			}
			ru.reset(tmp)
			if err != nil {
				b.bad = append(b.bad, itemErr{i, err})
				return
			}
		}
		o := s.obj(v)
		if o.Name == "" {
			// Every Kubernetes object has a name: this is other JSON under
			// a Kubernetes file name (an app's nodes.json of graph nodes).
			b.bad = append(b.bad, itemErr{i, errNotObject})
			return
		}
		o.Loc = snapshot.Location{Path: b.name, Pointer: b.pointer(i)}
		b.see(o.CreationTimestamp)
		if s.when != nil {
			b.see(s.when(v))
		}
		vals = append(vals, v)
	})
	b.out = vals
}

func (s *objSink[T]) commit(b *batch) { *s.list = append(*s.list, b.out.([]*T)...) }

// rbacSink decodes typed RBAC objects.
type rbacSink[T any] struct {
	list *[]snapshot.Located[T]
	kind string
}

func (s *rbacSink[T]) decode(b *batch, _ *interner) {
	vals := make([]snapshot.Located[T], 0, len(b.ends))
	b.items(func(i int, raw []byte) {
		var v T
		if err := decodeItem(raw, &v, s.kind); err != nil {
			b.bad = append(b.bad, itemErr{i, err})
			return
		}
		vals = append(vals, snapshot.Located[T]{Value: v, Loc: snapshot.Location{Path: b.name, Pointer: b.pointer(i)}})
	})
	b.out = vals
}

func (s *rbacSink[T]) commit(b *batch) { *s.list = append(*s.list, b.out.([]snapshot.Located[T])...) }

func objOf[T any](list *[]*T, kind string, obj func(*T) *snapshot.Object) sink {
	return &objSink[T]{list: list, kind: kind, obj: obj}
}

// sink returns the decoder of resource res, or nil if no rule reads it.
func (l *loader) sink(res string) sink {
	s := l.s
	switch res {
	case snapshot.ResNamespaces:
		return objOf(&s.Namespaces, "Namespace", func(v *snapshot.Namespace) *snapshot.Object { return &v.Object })
	case snapshot.ResAPIServices:
		return objOf(&s.APIServices, "APIService", func(v *snapshot.APIService) *snapshot.Object { return &v.Object })
	case snapshot.ResServices:
		return objOf(&s.Services, "Service", func(v *snapshot.Service) *snapshot.Object { return &v.Object })
	case snapshot.ResEndpoints:
		return objOf(&s.Endpoints, "Endpoints", func(v *snapshot.Endpoints) *snapshot.Object { return &v.Object })
	case snapshot.ResEndpointSlices:
		return objOf(&s.EndpointSlices, "EndpointSlice", func(v *snapshot.EndpointSlice) *snapshot.Object { return &v.Object })
	case snapshot.ResPods:
		return &objSink[snapshot.Pod]{list: &s.Pods, kind: "Pod", obj: func(v *snapshot.Pod) *snapshot.Object { return &v.Object },
			when: func(v *snapshot.Pod) *time.Time { return latestCondition(v.Status.Conditions) }}
	case snapshot.ResNodes:
		// A node's heartbeat is the newest time in a quiet cluster: objects
		// are old, events expired, but the kubelet posts status every few
		// minutes.
		return &objSink[snapshot.Node]{list: &s.Nodes, kind: "Node", obj: func(v *snapshot.Node) *snapshot.Object { return &v.Object },
			when: func(v *snapshot.Node) *time.Time { return latestCondition(v.Status.Conditions) }}
	case snapshot.ResLeases:
		return &objSink[snapshot.Lease]{list: &s.Leases, kind: "Lease", obj: func(v *snapshot.Lease) *snapshot.Object { return &v.Object },
			when: func(v *snapshot.Lease) *time.Time { return v.Spec.RenewTime }}
	case snapshot.ResEvents:
		return &objSink[snapshot.Event]{list: &s.Events, kind: "Event", obj: func(v *snapshot.Event) *snapshot.Object { return &v.Object },
			when: func(v *snapshot.Event) *time.Time { return v.LastTimestamp }}
	case snapshot.ResPVCs:
		return objOf(&s.PVCs, "PersistentVolumeClaim", func(v *snapshot.PersistentVolumeClaim) *snapshot.Object { return &v.Object })
	case snapshot.ResCRDs:
		return objOf(&s.CRDs, "CustomResourceDefinition", func(v *snapshot.CustomResourceDefinition) *snapshot.Object { return &v.Object })
	case snapshot.ResValidatingHooks:
		return objOf(&s.Webhooks, "ValidatingWebhookConfiguration", func(v *snapshot.WebhookConfiguration) *snapshot.Object {
			v.Kind = "ValidatingWebhookConfiguration"
			return &v.Object
		})
	case snapshot.ResMutatingHooks:
		return objOf(&s.Webhooks, "MutatingWebhookConfiguration", func(v *snapshot.WebhookConfiguration) *snapshot.Object {
			v.Kind = "MutatingWebhookConfiguration"
			return &v.Object
		})
	case snapshot.ResDeployments, snapshot.ResReplicaSets, snapshot.ResStatefulSets, snapshot.ResDaemonSets:
		kind := workloadKinds[res]
		return objOf(&s.Workloads, kind, func(v *snapshot.Workload) *snapshot.Object { v.Kind = kind; return &v.Object })
	case snapshot.ResClusterRoles:
		return &rbacSink[rbacv1.ClusterRole]{&s.ClusterRoles, "ClusterRole"}
	case snapshot.ResClusterBindings:
		return &rbacSink[rbacv1.ClusterRoleBinding]{&s.ClusterBindings, "ClusterRoleBinding"}
	case snapshot.ResRoles:
		return &rbacSink[rbacv1.Role]{&s.Roles, "Role"}
	case snapshot.ResRoleBindings:
		return &rbacSink[rbacv1.RoleBinding]{&s.RoleBindings, "RoleBinding"}
	}
	return nil
}

var workloadKinds = map[string]string{
	snapshot.ResDeployments: "Deployment", snapshot.ResReplicaSets: "ReplicaSet",
	snapshot.ResStatefulSets: "StatefulSet", snapshot.ResDaemonSets: "DaemonSet",
}

// latestCondition is the newest heartbeat or transition of conditions (nil
// if none is known).
func latestCondition(conds []snapshot.Condition) *time.Time {
	var t *time.Time
	for i := range conds {
		for _, c := range []*time.Time{conds[i].LastHeartbeatTime, conds[i].LastTransitionTime} {
			if c != nil && (t == nil || c.After(*t)) {
				t = c
			}
		}
	}
	return t
}
