package synth

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/nsbundle/nsbundle/bundle"
)

// gen renders a model into a bundle writer.
type gen struct {
	m       *model
	w       *bundle.Writer
	workers int

	// droppedEvents is how many events are older than the events window.
	droppedEvents int

	mu    sync.Mutex
	stats *Stats
	reqs  []bundle.Request
	logs  []bundle.LogFile
}

// listSpec is one resource list: its group, version, resource, item count
// and how to render item i.
type listSpec struct {
	group, version, resource string
	namespaced               bool
	n                        int
	item                     func(i int) any
}

func (l listSpec) file() string {
	return bundle.ResourcePath{Group: l.group, Version: l.version, Resource: l.resource}.String()
}

func (l listSpec) apiPath() string {
	if l.group == "" {
		return "/api/" + l.version + "/" + l.resource
	}
	return "/apis/" + l.group + "/" + l.version + "/" + l.resource
}

// each turns a slice into an item function.
func each[T any](xs []T) (int, func(int) any) {
	return len(xs), func(i int) any { return xs[i] }
}

// lists returns every list collect writes, in collect's order.
func (g *gen) lists() ([]listSpec, error) {
	m := g.m
	crs, crbs, roles, rbs, err := m.rbac()
	if err != nil {
		return nil, err
	}
	pvcs, pvs := m.claims()
	vhooks, mhooks := m.webhooks()
	control := m.controlLeases()
	var apps []int // namespaces that keep their default objects, by name
	for _, i := range apiOrder(len(m.namespaces), func(i int) (string, string) { return "", m.namespaces[i].name }) {
		if m.plan.stuckOf(m.namespaces[i].name) == nil {
			apps = append(apps, i)
		}
	}
	var rsets [][2]int // deployment, current (0) or old (1)
	for d, dp := range m.deploys {
		rsets = append(rsets, [2]int{d, 0})
		if dp.oldHash != "" {
			rsets = append(rsets, [2]int{d, 1})
		}
	}
	rsName := func(x [2]int) string {
		if x[1] == 1 {
			return m.deploys[x[0]].name + "-" + m.deploys[x[0]].oldHash
		}
		return m.deploys[x[0]].name + "-" + m.deploys[x[0]].hash
	}
	sortAPI(rsets, func(x [2]int) (string, string) { return m.deploys[x[0]].ns, rsName(x) })
	deployOrder := apiOrder(len(m.deploys), func(i int) (string, string) { return m.deploys[i].ns, m.deploys[i].name })
	leases := make([]int, len(control)+len(m.nodes)) // control leases, then node leases
	for i := range leases {
		leases[i] = i
	}
	leaseKey := func(i int) (string, string) {
		if i < len(control) {
			return control[i].Namespace, control[i].Name
		}
		return "kube-node-lease", m.nodes[i-len(control)].name
	}
	sortAPI(leases, leaseKey)
	var out []listSpec
	add := func(group, version, resource string, namespaced bool, n int, item func(int) any) {
		out = append(out, listSpec{group, version, resource, namespaced, n, item})
	}
	nsOrder := apiOrder(len(m.namespaces), func(i int) (string, string) { return "", m.namespaces[i].name })
	nodeOrder := apiOrder(len(m.nodes), func(i int) (string, string) { return "", m.nodes[i].name })
	podOrder := apiOrder(len(m.pods), func(i int) (string, string) { return m.namespaces[m.pods[i].ns].name, m.pods[i].name })
	svcOrder := apiOrder(len(m.services), func(i int) (string, string) { return m.services[i].ns, m.services[i].name })
	eventOrder, dropped := m.eventOrder()
	g.droppedEvents = dropped
	add("", "v1", "namespaces", false, len(m.namespaces), func(i int) any { return m.namespace(nsOrder[i]) })
	add("", "v1", "nodes", false, len(m.nodes), func(i int) any { return m.node(nodeOrder[i]) })
	add("", "v1", "pods", true, len(m.pods), func(i int) any { return m.pod(podOrder[i]) })
	add("", "v1", "services", true, len(m.services), func(i int) any { return m.service(svcOrder[i]) })
	if m.o.KeepEverything { // else left out, as collect does when it lists EndpointSlices
		add("", "v1", "endpoints", true, len(m.services), func(i int) any { return m.endpoints(svcOrder[i]) })
	}
	add("", "v1", "events", true, len(eventOrder), func(i int) any { return m.event(eventOrder[i]) })
	n, f := each(m.configMaps(apps))
	add("", "v1", "configmaps", true, n, f)
	add("", "v1", "secrets", true, 0, nil)
	add("", "v1", "serviceaccounts", true, len(apps), func(i int) any { return m.serviceAccount(apps[i]) })
	n, f = each(pvcs)
	add("", "v1", "persistentvolumeclaims", true, n, f)
	n, f = each(pvs)
	add("", "v1", "persistentvolumes", false, n, f)
	add("discovery.k8s.io", "v1", "endpointslices", true, len(m.services), func(i int) any { return m.endpointSlice(svcOrder[i]) })
	add("coordination.k8s.io", "v1", "leases", true, len(leases), func(i int) any {
		if k := leases[i]; k >= len(control) {
			return m.nodeLease(k - len(control))
		}
		return control[leases[i]]
	})
	n, f = each(m.storageClasses())
	add("storage.k8s.io", "v1", "storageclasses", false, n, f)
	add("apps", "v1", "deployments", true, len(m.deploys), func(i int) any { return m.deployment(deployOrder[i]) })
	add("apps", "v1", "daemonsets", true, len(m.daemons), func(i int) any { return m.daemonSet(i) })
	add("apps", "v1", "replicasets", true, len(rsets), func(i int) any { return m.replicaSets(rsets[i][0])[rsets[i][1]] })
	add("apps", "v1", "statefulsets", true, 0, nil)
	n, f = each(m.apiServices())
	add("apiregistration.k8s.io", "v1", "apiservices", false, n, f)
	n, f = each(m.crds())
	add("apiextensions.k8s.io", "v1", "customresourcedefinitions", false, n, f)
	n, f = each(vhooks)
	add("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", false, n, f)
	n, f = each(mhooks)
	add("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", false, n, f)
	n, f = each(crs)
	add("rbac.authorization.k8s.io", "v1", "clusterroles", false, n, f)
	n, f = each(crbs)
	add("rbac.authorization.k8s.io", "v1", "clusterrolebindings", false, n, f)
	n, f = each(roles)
	add("rbac.authorization.k8s.io", "v1", "roles", true, n, f)
	sortAPI(rbs, func(x rbacv1.RoleBinding) (string, string) { return x.Namespace, x.Name })
	n, f = each(rbs)
	add("rbac.authorization.k8s.io", "v1", "rolebindings", true, n, f)
	n, f = each(m.priorityClasses())
	add("scheduling.k8s.io", "v1", "priorityclasses", false, n, f)
	return out, nil
}

// run writes every entry.
func (g *gen) run(workers int) error {
	g.workers = workers
	lists, err := g.lists()
	if err != nil {
		return err
	}
	if err := g.files(); err != nil {
		return err
	}
	for _, l := range lists {
		if err := g.writeList(l); err != nil {
			return err
		}
	}
	return nil
}

// chunkSize is how many items a worker renders at a time.
const chunkSize = 256

type chunk struct {
	first int
	items [][]byte
	err   error
	done  chan struct{}
}

// writeList renders l's items on g.workers goroutines and adds them in order.
func (g *gen) writeList(l listSpec) error {
	lw, err := g.w.NewList(l.file(), "v1", "List")
	if err != nil {
		return err
	}
	lw.SetResourceVersion(fmt.Sprint(987654321 + len(l.resource)))
	queue := make(chan *chunk, 4*g.workers)
	jobs := make(chan *chunk)
	go func() {
		for first := 0; first < l.n; first += chunkSize {
			c := &chunk{first: first, done: make(chan struct{})}
			queue <- c
			jobs <- c
		}
		close(queue)
		close(jobs)
	}()
	for range g.workers {
		go func() {
			for c := range jobs {
				for i := c.first; i < min(c.first+chunkSize, l.n) && c.err == nil; i++ {
					b, err := json.Marshal(l.item(i))
					if err == nil {
						b, err = bundle.CompactJSON(b)
					}
					if err != nil {
						c.err = fmt.Errorf("%s item %d: %w", l.file(), i, err)
					}
					c.items = append(c.items, b)
				}
				close(c.done)
			}
		}()
	}
	var firstErr error
	var bytes int64
	for c := range queue {
		<-c.done
		if firstErr == nil && c.err != nil {
			firstErr = c.err
		}
		for _, it := range c.items {
			if firstErr == nil {
				firstErr = lw.Add(it)
			}
			bytes += int64(len(it)) + 2
		}
	}
	if err := lw.Close(); firstErr == nil {
		firstErr = err
	}
	if firstErr != nil {
		return firstErr
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.stats.Objects += l.n
	g.stats.JSONBytes += lw.Bytes()
	g.stats.Lists[l.file()] = l.n
	pages := (l.n + 499) / 500
	g.reqs = append(g.reqs, bundle.Request{Path: l.apiPath() + "?limit=500", Verb: "list", Status: 200, File: l.file(), Count: l.n,
		Bytes: lw.Bytes(), Pages: max(pages, 1), DurationMillis: int64(40 + 35*pages)})
	return nil
}

// writeFile adds a small entry, recording it.
func (g *gen) writeFile(name string, data []byte, req *bundle.Request) error {
	if err := g.w.WriteFile(name, data); err != nil {
		return err
	}
	g.stats.JSONBytes += int64(len(data))
	if req != nil {
		req.File, req.Bytes, req.Status, req.Verb = name, int64(len(data)), 200, "get"
		g.reqs = append(g.reqs, *req)
	}
	return nil
}

// sortAPI sorts xs as the API server lists objects: by namespace, then
// name (the order of their storage keys).
func sortAPI[T any](xs []T, key func(T) (ns, name string)) {
	slices.SortStableFunc(xs, func(a, b T) int {
		an, aname := key(a)
		bn, bname := key(b)
		return cmp.Or(cmp.Compare(an, bn), cmp.Compare(aname, bname))
	})
}

// apiOrder returns 0..n-1 in API order of key.
func apiOrder(n int, key func(i int) (ns, name string)) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	sortAPI(out, key)
	return out
}

// eventOrder returns the events collect keeps, in API order (by
// namespace, then name, which starts with the involved object's name), and
// how many it leaves out as older than the events window.
func (m *model) eventOrder() (order []int, dropped int) {
	var cutoff time.Time
	if !m.o.KeepEverything && m.o.EventsWindow > 0 {
		cutoff = m.now.Add(-m.o.EventsWindow)
	}
	keys := make([][2]string, m.o.Size.Events)
	for i := range keys {
		e := m.event(i)
		keys[i] = [2]string{e.Namespace, e.Name}
		if !cutoff.IsZero() && eventNewest(e).Before(cutoff) {
			dropped++
			continue
		}
		order = append(order, i)
	}
	sortAPI(order, func(i int) (string, string) { return keys[i][0], keys[i][1] })
	return order, dropped
}
