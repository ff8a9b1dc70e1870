package collect

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nsbundle/nsbundle/bundle"
)

// TerminatingFile returns the bundle path of a Terminating namespace's
// content inventory.
func TerminatingFile(ns string) string {
	return bundle.TerminatingPath{Namespace: ns}.String()
}

// terminating starts a content inventory for each Terminating namespace
// (within o.Namespaces if set, at most o.MaxTerminatingNamespaces).
func (r *run) terminating(ctx context.Context, wg *sync.WaitGroup, names []string) {
	if len(r.o.Namespaces) > 0 {
		names = slices.DeleteFunc(names, func(n string) bool { return !slices.Contains(r.o.Namespaces, n) })
	}
	slices.Sort(names)
	if limit := r.o.MaxTerminatingNamespaces; len(names) > limit {
		r.rec.omit(fmt.Sprintf("content inventory of Terminating namespaces after the first %d (by name)", limit),
			bundle.TerminatingDir, "capped by MaxTerminatingNamespaces", len(names)-limit)
		names = names[:limit]
	}
	if len(names) == 0 {
		return
	}
	types, failed := r.disc.namespacedListable()
	r.rec.expect(PhaseTerminating, len(names))
	for _, ns := range names {
		wg.Go(func() { r.inventory(ctx, ns, types, failed) })
	}
}

// inventory lists, metadata only, every namespaced resource type in ns and
// writes what remains to terminating/<ns>.json. A failing list is kept
// verbatim (it is what the namespace controller trips over), and so is each
// group-version whose discovery failed: an entry with its group and version,
// an empty resource, and the discovery error verbatim (its resources could
// not be listed).
func (r *run) inventory(ctx context.Context, ns string, types []resourceType, failed []bundle.DiscoveryResult) {
	results := make([]bundle.RemainingContent, len(types))
	var wg sync.WaitGroup
	for i, rt := range types {
		wg.Go(func() { results[i] = r.remaining(ctx, ns, rt) })
	}
	wg.Wait()
	content := bundle.NamespaceContent{Namespace: ns, Resources: []bundle.RemainingContent{}}
	objects := 0
	var failedLabels, reasons []string
	for i, rc := range results {
		if rc.Count > 0 || rc.Error != "" {
			content.Resources = append(content.Resources, rc)
			objects += rc.Count
		}
		if rc.Error != "" {
			failedLabels = append(failedLabels, types[i].label())
			reasons = append(reasons, missReason(rc.Status, rc.Error))
		}
	}
	errs := len(failedLabels)
	r.rec.missGrouped("terminating "+ns+": ", "resource types", failedLabels, reasons)
	for _, f := range failed {
		g, v, _ := strings.Cut(f.GroupVersion, "/")
		if v == "" {
			g, v = "", g
		}
		content.Resources = append(content.Resources, bundle.RemainingContent{
			Group: g, Version: v, Error: f.Error, Status: f.Status})
	}
	data, err := json.MarshalIndent(content, "", " ")
	if err != nil {
		r.fail(fmt.Errorf("encode %s: %w", TerminatingFile(ns), err))
		return
	}
	if !r.writeFile(TerminatingFile(ns), data) {
		return
	}
	e := Event{Phase: PhaseTerminating, Item: ns, Objects: objects, Bytes: int64(len(data))}
	if errs > 0 {
		e.Err = fmt.Sprintf("%d resource types could not be listed", errs)
	}
	r.rec.event(e)
}

// remaining lists one resource type in ns, metadata only.
func (r *run) remaining(ctx context.Context, ns string, rt resourceType) bundle.RemainingContent {
	rc := bundle.RemainingContent{Group: rt.group, Version: rt.version, Resource: rt.resource, Kind: rt.kind}
	capItems := r.o.MaxItemsPerType
	pg := &pager{r: r, accept: acceptMetadata, onPage: func(p page) (bool, error) {
		for _, it := range p.items {
			rc.Count++
			if len(rc.Items) >= capItems {
				continue
			}
			var obj struct {
				Metadata struct {
					Name              string     `json:"name"`
					Finalizers        []string   `json:"finalizers"`
					DeletionTimestamp *time.Time `json:"deletionTimestamp"`
				} `json:"metadata"`
			}
			if err := json.Unmarshal(it, &obj); err != nil {
				return false, fmt.Errorf("decode item %d: %w", rc.Count-1, err)
			}
			m := obj.Metadata
			rc.Items = append(rc.Items, bundle.RemainingItem{Name: m.Name, Finalizers: m.Finalizers, DeletionTimestamp: m.DeletionTimestamp})
		}
		return true, nil
	}}
	req := pg.list(ctx, rt.collectionPath(ns), call{gr: rt.gr()})
	req.Count = rc.Count
	req.File = TerminatingFile(ns)
	r.rec.request(req)
	if req.Error != "" {
		rc.Error, rc.Status = req.Error, req.Status
	}
	if rc.Count > len(rc.Items) {
		r.rec.omit(fmt.Sprintf("items beyond the first %d", capItems), TerminatingFile(ns)+" "+rt.label(),
			"the count stays exact; names are capped", rc.Count-len(rc.Items))
	}
	return rc
}
