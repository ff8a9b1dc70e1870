package collect

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	apidiscovery "k8s.io/api/apidiscovery/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/nsbundle/nsbundle/bundle"
)

// discoveryState is what discovery found: the group-versions in the
// server's order (preferred version first) and each one's resources.
type discoveryState struct {
	mu        sync.Mutex
	results   []bundle.DiscoveryResult
	gvOrder   []string                          // group-versions, server order
	legacy    map[string][]metav1.APIResource   // gv → resources (legacy)
	aggr      map[string][]metav1.APIResource   // gv → resources (aggregated, Current)
	known     map[string]bool                   // gv listed by the server
	failed    map[string]bundle.DiscoveryResult // gv → failing result
	available bool                              // some discovery document was read
}

func newDiscoveryState() *discoveryState {
	return &discoveryState{
		legacy: map[string][]metav1.APIResource{},
		aggr:   map[string][]metav1.APIResource{},
		known:  map[string]bool{},
		failed: map[string]bundle.DiscoveryResult{},
	}
}

func (d *discoveryState) addGV(gv string) {
	if !d.known[gv] {
		d.known[gv] = true
		d.gvOrder = append(d.gvOrder, gv)
	}
}

// discover reads aggregated and legacy discovery, keeping every failure
// verbatim, and writes discovery/results.json.
func (r *run) discover(ctx context.Context) {
	d := r.disc
	var wg sync.WaitGroup
	var legacyAPI, legacyAPIs []byte
	wg.Go(func() { r.aggregated(ctx, "/api", bundle.AggregatedAPIPath) })
	wg.Go(func() { r.aggregated(ctx, "/apis", bundle.AggregatedAPIsPath) })
	wg.Go(func() { legacyAPI = r.discoveryDoc(ctx, "/api") })
	wg.Go(func() { legacyAPIs = r.discoveryDoc(ctx, "/apis") })
	wg.Wait()

	d.mu.Lock()
	var gvs []string
	if legacyAPI != nil {
		var v metav1.APIVersions
		if json.Unmarshal(legacyAPI, &v) == nil {
			gvs = append(gvs, v.Versions...)
		}
	}
	if legacyAPIs != nil {
		var gl metav1.APIGroupList
		if json.Unmarshal(legacyAPIs, &gl) == nil {
			for _, g := range gl.Groups {
				for _, v := range g.Versions {
					gvs = append(gvs, v.GroupVersion)
				}
			}
		}
	}
	// Legacy order (preferred first) wins; groups only the aggregated
	// documents named keep their order after.
	order := d.gvOrder
	d.gvOrder, d.known = nil, map[string]bool{}
	for _, gv := range append(gvs, order...) {
		d.addGV(gv)
	}
	all := append([]string(nil), d.gvOrder...)
	d.mu.Unlock()

	r.rec.expect(PhaseDiscovery, len(all))
	for _, gv := range all {
		wg.Go(func() { r.legacyGroupVersion(ctx, gv) })
	}
	wg.Wait()

	d.mu.Lock()
	res := append([]bundle.DiscoveryResult(nil), d.results...)
	d.mu.Unlock()
	sort.SliceStable(res, func(i, j int) bool {
		if res[i].GroupVersion != res[j].GroupVersion {
			return res[i].GroupVersion < res[j].GroupVersion
		}
		return res[i].Source < res[j].Source
	})
	data, err := json.MarshalIndent(res, "", " ")
	if err != nil {
		r.fail(fmt.Errorf("encode discovery results: %w", err))
		return
	}
	r.writeFile(bundle.DiscoveryResultsPath, data)
}

// aggregated reads one aggregated discovery document (apidiscovery.k8s.io/v2).
func (r *run) aggregated(ctx context.Context, p, file string) {
	var data []byte
	start := time.Now()
	out := r.c.do(ctx, call{path: p, accept: acceptAggregated}, readAll(&data, 256<<20))
	req := bundle.Request{Path: p, Verb: "get", Status: out.status, Reason: out.reason, Error: out.errText(),
		Retries: out.retries, DurationMillis: time.Since(start).Milliseconds()}
	d := r.disc
	if out.err != nil {
		r.rec.request(req)
		r.rec.miss("discovery "+p+" (aggregated)", out.status, out.errText())
		d.mu.Lock()
		d.results = append(d.results, bundle.DiscoveryResult{Source: "aggregated", Path: p, Status: out.status, Error: out.errText()})
		d.mu.Unlock()
		return
	}
	req.File, req.Bytes = file, int64(len(data))
	r.rec.request(req)
	if !r.writeFile(file, data) {
		return
	}
	var list apidiscovery.APIGroupDiscoveryList
	if err := json.Unmarshal(data, &list); err != nil || list.Kind != "APIGroupDiscoveryList" {
		return // an older server answered with the legacy document
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.available = true
	for _, g := range list.Items {
		for _, v := range g.Versions {
			gv := schema.GroupVersion{Group: g.Name, Version: v.Version}
			res := bundle.DiscoveryResult{GroupVersion: gv.String(), Source: "aggregated", Path: p, Status: out.status,
				Freshness: string(v.Freshness), Resources: len(v.Resources), File: file}
			if v.Freshness == apidiscovery.DiscoveryFreshnessStale {
				res.Error = fmt.Sprintf("stale GroupVersion discovery: %v", gv)
			} else {
				d.aggr[gv.String()] = convertAggregated(v.Resources)
			}
			d.results = append(d.results, res)
			d.addGV(gv.String())
		}
	}
}

func convertAggregated(in []apidiscovery.APIResourceDiscovery) []metav1.APIResource {
	out := make([]metav1.APIResource, 0, len(in))
	for _, rd := range in {
		a := metav1.APIResource{Name: rd.Resource, Namespaced: rd.Scope == apidiscovery.ScopeNamespace, Verbs: rd.Verbs}
		if rd.ResponseKind != nil {
			a.Kind = rd.ResponseKind.Kind
		}
		out = append(out, a)
	}
	return out
}

// discoveryDoc reads the legacy /api or /apis document and returns it (nil
// on failure).
func (r *run) discoveryDoc(ctx context.Context, p string) []byte {
	var data []byte
	start := time.Now()
	out := r.c.do(ctx, call{path: p}, readAll(&data, 64<<20))
	file := bundle.LegacyDiscoveryPath(p)
	req := bundle.Request{Path: p, Verb: "get", Status: out.status, Reason: out.reason, Error: out.errText(),
		Retries: out.retries, DurationMillis: time.Since(start).Milliseconds()}
	if out.err != nil {
		r.rec.request(req)
		r.rec.miss("discovery "+p, out.status, out.errText())
		return nil
	}
	req.File, req.Bytes = file, int64(len(data))
	r.rec.request(req)
	if !r.writeFile(file, data) {
		return nil
	}
	r.disc.mu.Lock()
	r.disc.available = true
	r.disc.mu.Unlock()
	return data
}

// legacyGroupVersion reads GET /api/v1 or /apis/<group>/<version>.
func (r *run) legacyGroupVersion(ctx context.Context, gv string) {
	p := "/apis/" + gv
	if !strings.Contains(gv, "/") {
		p = "/api/" + gv
	}
	var data []byte
	start := time.Now()
	out := r.c.do(ctx, call{path: p}, readAll(&data, 64<<20))
	req := bundle.Request{Path: p, Verb: "get", Status: out.status, Reason: out.reason, Error: out.errText(),
		Retries: out.retries, DurationMillis: time.Since(start).Milliseconds()}
	res := bundle.DiscoveryResult{GroupVersion: gv, Source: "legacy", Path: p, Status: out.status, Error: out.errText()}
	d := r.disc
	if out.err == nil {
		var list metav1.APIResourceList
		if err := json.Unmarshal(data, &list); err != nil {
			res.Error = fmt.Sprintf("decode %s: %v", p, err)
		} else {
			res.Resources = len(list.APIResources)
			d.mu.Lock()
			d.legacy[gv] = list.APIResources
			d.mu.Unlock()
		}
		res.File = bundle.LegacyDiscoveryPath(p)
		req.File, req.Bytes = res.File, int64(len(data))
		if !r.writeFile(res.File, data) {
			return
		}
	} else {
		r.rec.miss("discovery "+gv, out.status, out.errText())
	}
	r.rec.request(req)
	d.mu.Lock()
	d.results = append(d.results, res)
	if res.Error != "" {
		d.failed[gv] = res
	}
	d.mu.Unlock()
	r.rec.event(Event{Phase: PhaseDiscovery, Item: gv, Err: firstLine(res.Error, 160)})
}

// served reports whether discovery says gv serves resource; unknown (gv
// failed or no discovery at all) counts as served, so the list is tried.
func (d *discoveryState) served(gv, resource string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.available {
		return true
	}
	if _, failed := d.failed[gv]; failed {
		return true
	}
	list, ok := d.legacy[gv]
	if !ok {
		if list, ok = d.aggr[gv]; !ok {
			return d.known[gv]
		}
	}
	for _, a := range list {
		if a.Name == resource {
			return true
		}
	}
	return false
}

// namespacedListable returns each namespaced resource type that supports
// list, once per group at the first version serving it (the preferred
// version comes first, as in ServerPreferredNamespacedResources), and the
// group-versions whose discovery failed.
func (d *discoveryState) namespacedListable() ([]resourceType, []bundle.DiscoveryResult) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var types []resourceType
	seen := map[schema.GroupResource]bool{}
	for _, gvs := range d.gvOrder {
		gv, err := schema.ParseGroupVersion(gvs)
		if err != nil {
			continue
		}
		list, ok := d.legacy[gvs]
		if !ok {
			list = d.aggr[gvs]
		}
		for _, a := range list {
			if strings.Contains(a.Name, "/") || !a.Namespaced || !hasVerb(a.Verbs, "list") {
				continue
			}
			gr := schema.GroupResource{Group: gv.Group, Resource: a.Name}
			if seen[gr] {
				continue
			}
			seen[gr] = true
			types = append(types, resourceType{group: gv.Group, version: gv.Version, resource: a.Name, kind: a.Kind, namespaced: true})
		}
	}
	var failed []bundle.DiscoveryResult
	for _, gvs := range d.gvOrder {
		if f, ok := d.failed[gvs]; ok {
			failed = append(failed, f)
		}
	}
	return types, failed
}

func hasVerb(verbs []string, v string) bool {
	for _, x := range verbs {
		if x == v {
			return true
		}
	}
	return false
}
