package load

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// scratchGen makes random items of the reusable kinds: fields present or
// not, null, empty, short and long (past goccy's in-place 64) arrays, so a
// field that own forgot to copy, or that reset left filled, shows up as an
// object holding another's values.
type scratchGen struct{ r *rand.Rand }

func (g scratchGen) n(max int) int {
	if g.r.IntN(20) == 0 {
		return 65 + g.r.IntN(10) // long: decoded through goccy's buffer
	}
	return g.r.IntN(max + 1)
}

// maybe sets m[k] to v() with probability 2/3, or to null one time in 9.
func (g scratchGen) maybe(m map[string]any, k string, v func() any) {
	switch g.r.IntN(9) {
	case 0:
		m[k] = nil
	case 1, 2:
	default:
		m[k] = v()
	}
}

func (g scratchGen) strMap(prefix string) any {
	m := map[string]any{}
	for i := range g.n(4) {
		m[fmt.Sprintf("%s%d", prefix, i)] = fmt.Sprintf("v%d", g.r.IntN(3))
	}
	return m
}

func (g scratchGen) list(max int, item func(i int) any) any {
	xs := []any{}
	for i := range g.n(max) {
		xs = append(xs, item(i))
	}
	return xs
}

func (g scratchGen) meta(i int) map[string]any {
	m := map[string]any{"name": fmt.Sprintf("o%d", i), "namespace": fmt.Sprintf("ns%d", g.r.IntN(3))}
	g.maybe(m, "labels", func() any { return g.strMap("l") })
	g.maybe(m, "annotations", func() any { return g.strMap("a") })
	g.maybe(m, "finalizers", func() any { return g.list(2, func(j int) any { return fmt.Sprintf("f%d/%d", i, j) }) })
	g.maybe(m, "ownerReferences", func() any {
		return g.list(2, func(j int) any { return map[string]any{"kind": "ReplicaSet", "name": fmt.Sprintf("rs%d-%d", i, j)} })
	})
	g.maybe(m, "creationTimestamp", func() any { return fmt.Sprintf("2026-11-%02dT00:00:00Z", 1+g.r.IntN(20)) })
	return m
}

func (g scratchGen) conditions(i int) any {
	return g.list(5, func(j int) any {
		c := map[string]any{"type": fmt.Sprintf("T%d", j), "status": "True"}
		g.maybe(c, "reason", func() any { return fmt.Sprintf("R%d", i) })
		g.maybe(c, "message", func() any { return fmt.Sprintf("m%d", i) })
		g.maybe(c, "lastTransitionTime", func() any { return "2026-11-02T00:00:00Z" })
		return c
	})
}

func (g scratchGen) pod(i int) any {
	spec, status := map[string]any{}, map[string]any{}
	g.maybe(spec, "nodeName", func() any { return fmt.Sprintf("node%d", i) })
	g.maybe(spec, "containers", func() any {
		return g.list(3, func(j int) any {
			c := map[string]any{"name": fmt.Sprintf("c%d", j), "image": "img"}
			g.maybe(c, "command", func() any { return []any{fmt.Sprintf("cmd%d", i)} })
			return c
		})
	})
	g.maybe(status, "phase", func() any { return "Running" })
	g.maybe(status, "podIPs", func() any {
		return g.list(2, func(j int) any { return map[string]any{"ip": fmt.Sprintf("10.%d.0.%d", i%250, j)} })
	})
	g.maybe(status, "conditions", func() any { return g.conditions(i) })
	g.maybe(status, "containerStatuses", func() any {
		return g.list(3, func(j int) any {
			cs := map[string]any{"name": fmt.Sprintf("c%d", j), "ready": g.r.IntN(2) == 0, "restartCount": i}
			g.maybe(cs, "state", func() any { return map[string]any{"waiting": map[string]any{"reason": fmt.Sprintf("W%d", i)}} })
			return cs
		})
	})
	return map[string]any{"metadata": g.meta(i), "spec": spec, "status": status}
}

func (g scratchGen) node(i int) any {
	spec, status := map[string]any{}, map[string]any{}
	g.maybe(spec, "taints", func() any {
		return g.list(2, func(j int) any { return map[string]any{"key": fmt.Sprintf("k%d-%d", i, j), "effect": "NoSchedule"} })
	})
	g.maybe(status, "conditions", func() any { return g.conditions(i) })
	return map[string]any{"metadata": g.meta(i), "spec": spec, "status": status}
}

func (g scratchGen) slice(i int) any {
	m := map[string]any{"metadata": g.meta(i), "addressType": "IPv4"}
	g.maybe(m, "endpoints", func() any {
		return g.list(3, func(j int) any {
			e := map[string]any{"addresses": []any{fmt.Sprintf("10.1.%d.%d", i%250, j)}}
			g.maybe(e, "conditions", func() any { return map[string]any{"ready": g.r.IntN(2) == 0} })
			g.maybe(e, "targetRef", func() any { return map[string]any{"kind": "Pod", "name": fmt.Sprintf("p%d", i)} })
			g.maybe(e, "nodeName", func() any { return fmt.Sprintf("node%d", i) })
			return e
		})
	})
	g.maybe(m, "ports", func() any { return g.list(2, func(j int) any { return map[string]any{"port": 443 + j} }) })
	return m
}

func (g scratchGen) workload(i int) any {
	spec, status := map[string]any{}, map[string]any{}
	g.maybe(spec, "selector", func() any { return map[string]any{"matchLabels": g.strMap("s")} })
	g.maybe(status, "readyReplicas", func() any { return i % 3 })
	g.maybe(status, "conditions", func() any { return g.conditions(i) })
	return map[string]any{"metadata": g.meta(i), "spec": spec, "status": status}
}

// nilEmpty sets every empty slice and map inside v to nil: the snapshot
// does not tell them apart for the reusable kinds.
func nilEmpty(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			nilEmpty(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() || v.Type().Field(i).Anonymous {
				nilEmpty(v.Field(i))
			}
		}
	case reflect.Slice:
		if v.Len() == 0 {
			v.SetZero()
		}
		for i := range v.Len() {
			nilEmpty(v.Index(i))
		}
	case reflect.Map:
		if v.Len() == 0 {
			v.SetZero()
		}
	}
}

// checkScratch loads items (some of them broken half-way, after filling
// maps and slices) and compares every object with encoding/json's decoding
// of its own item.
func checkScratch[T any](t *testing.T, path string, got func(*snapshot.Snapshot) []*T, obj func(*T) *snapshot.Object, gen func(int) any) {
	t.Helper()
	const n = 3*batchItems + 11
	var items []string
	bad := map[int]bool{}
	for i := range n {
		b, err := json.Marshal(gen(i))
		if err != nil {
			t.Fatal(err)
		}
		item := string(b)
		if i%97 == 5 { // a type error after the metadata's maps and slices
			item = strings.TrimSuffix(item, "}") + `,"metadata":{"name":7}}`
			bad[i] = true
		}
		items = append(items, item)
	}
	s := mustLoad(t, map[string]string{"manifest.json": manifestJSON(t), path: oneLine(items...)})
	objs := got(s)
	if len(objs) != n-len(bad) {
		t.Fatalf("%d objects, want %d", len(objs), n-len(bad))
	}
	k := 0
	for i, item := range items {
		if bad[i] {
			continue
		}
		var want T
		if err := json.Unmarshal([]byte(item), &want); err != nil {
			t.Fatal(err)
		}
		g := *objs[k]
		k++
		if o := obj(&g); o.Loc.Pointer != itemPointer(i) {
			t.Fatalf("object %d is at %s", i, o.Loc.Pointer)
		}
		*obj(&want) = snapshot.Object{Meta: obj(&want).Meta, Loc: obj(&g).Loc}
		nilEmpty(reflect.ValueOf(&want))
		nilEmpty(reflect.ValueOf(&g))
		if !reflect.DeepEqual(g, want) {
			gj, _ := json.Marshal(g)
			wj, _ := json.Marshal(want)
			t.Fatalf("item %d:\n got %s\nwant %s", i, gj, wj)
		}
	}
}

// TestScratchReuse checks that decoding through a reused scratch value
// gives every object its own values, whatever came before it.
func TestScratchReuse(t *testing.T) {
	t.Parallel()
	g := scratchGen{rand.New(rand.NewPCG(1, 2))}
	t.Run("pods", func(t *testing.T) {
		checkScratch(t, "resources/core/v1/pods.json", func(s *snapshot.Snapshot) []*snapshot.Pod { return s.Pods },
			func(v *snapshot.Pod) *snapshot.Object { return &v.Object }, g.pod)
	})
	t.Run("nodes", func(t *testing.T) {
		checkScratch(t, "resources/core/v1/nodes.json", func(s *snapshot.Snapshot) []*snapshot.Node { return s.Nodes },
			func(v *snapshot.Node) *snapshot.Object { return &v.Object }, g.node)
	})
	t.Run("endpointslices", func(t *testing.T) {
		checkScratch(t, "resources/discovery.k8s.io/v1/endpointslices.json", func(s *snapshot.Snapshot) []*snapshot.EndpointSlice { return s.EndpointSlices },
			func(v *snapshot.EndpointSlice) *snapshot.Object { return &v.Object }, g.slice)
	})
	t.Run("replicasets", func(t *testing.T) {
		checkScratch(t, "resources/apps/v1/replicasets.json", func(s *snapshot.Snapshot) []*snapshot.Workload {
			for _, w := range s.Workloads {
				w.Kind = "" // set by the loader, not decoded
			}
			return s.Workloads
		}, func(v *snapshot.Workload) *snapshot.Object { return &v.Object }, g.workload)
	})
}
