package collect

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/nsbundle/nsbundle/bundle"
)

// maxPageBytes refuses absurd list pages.
const maxPageBytes = 1 << 30

// listMeta is the part of a list's metadata the pager needs.
type listMeta struct {
	ResourceVersion string `json:"resourceVersion"`
	Continue        string `json:"continue"`
}

// page is one parsed list page.
type page struct {
	meta  listMeta
	kind  string
	items [][]byte
	// date is the server's clock when it answered (Date header; zero if
	// absent).
	date time.Time
}

// parsePage splits a list page into its items without decoding them.
func parsePage(b []byte) (page, error) {
	var p page
	ms, err := objectMembers(b)
	if err != nil {
		return p, err
	}
	for _, m := range ms {
		v := b[m.valStart:m.end]
		switch m.key {
		case "kind":
			_ = json.Unmarshal(v, &p.kind)
		case "metadata":
			if err := json.Unmarshal(v, &p.meta); err != nil {
				return p, fmt.Errorf("list metadata: %w", err)
			}
		case "items":
			if string(v) == "null" {
				continue
			}
			if err := arrayElements(v, func(e []byte) error { p.items = append(p.items, e); return nil }); err != nil {
				return p, err
			}
		}
	}
	return p, nil
}

// pager walks the pages of one collection.
type pager struct {
	r      *run
	accept string
	// onPage gets each page; it returns false to stop.
	onPage func(p page) (bool, error)
}

// list fetches every page of path, records one Request for all of them and
// returns it (File, Count and Bytes are the caller's to fill). On a 410
// whose Status carries a continue token, it goes on with that token (an
// inconsistent but complete list) and says so in the manifest.
func (pg *pager) list(ctx context.Context, path string, c call) bundle.Request {
	start := time.Now()
	base, rawQuery, _ := strings.Cut(path, "?")
	path = base
	query := func(cont string) string {
		q, _ := url.ParseQuery(rawQuery)
		q.Set("limit", strconv.FormatInt(pg.r.o.PageSize, 10))
		if cont != "" {
			q.Set("continue", cont)
		}
		return base + "?" + q.Encode()
	}
	req := bundle.Request{Path: query(""), Verb: "list"}
	cont := ""
	var buf []byte
	for {
		c.path, c.accept = query(cont), pg.accept
		out := pg.r.c.do(ctx, c, readAll(&buf, maxPageBytes))
		req.Status, req.Retries = out.status, req.Retries+out.retries
		if out.err != nil {
			if next := expiredContinue(out); out.status == 410 && cont != "" && next != "" {
				pg.r.rec.omit("consistent snapshot", path, "continue token expired (410); the rest was listed with the server's inconsistent continue token", 1)
				cont = next
				continue
			}
			req.Error, req.Reason = out.errText(), out.reason
			req.Truncated = req.Pages > 0
			break
		}
		p, err := parsePage(buf)
		if err != nil {
			req.Error = fmt.Sprintf("decode list page %d of %s: %v", req.Pages+1, path, err)
			req.Truncated = req.Pages > 0
			break
		}
		if d, err := http.ParseTime(out.header.Get("Date")); err == nil {
			p.date = d
		}
		req.Pages++
		more, err := pg.onPage(p)
		if err != nil {
			req.Error = err.Error()
			req.Truncated = true
			break
		}
		cont = p.meta.Continue
		if cont == "" || !more {
			req.Truncated = req.Truncated || cont != ""
			break
		}
	}
	req.DurationMillis = time.Since(start).Milliseconds()
	return req
}

// expiredContinue returns the continue token a 410 Expired Status offers.
func expiredContinue(out outcome) string {
	var st struct {
		Metadata listMeta `json:"metadata"`
	}
	if json.Unmarshal(out.errBody, &st) != nil {
		return ""
	}
	return st.Metadata.Continue
}

// listResource lists one resource type (in all namespaces, or in each of
// o.Namespaces) into resources/<group>/<version>/<resource>.json, one item
// per line, calling observe with each shaped item. For events, those older
// than Options.EventsWindow are left out and counted as an omission. The
// file exists only if a first page arrived. It reports whether every
// request succeeded.
func (r *run) listResource(ctx context.Context, rt resourceType, observe func(item []byte)) bool {
	nss := []string{""}
	if rt.namespaced && len(r.o.Namespaces) > 0 {
		nss = r.o.Namespaces
	}
	sh := &shaper{apiVersion: rt.apiVersion(), kind: rt.kind, mode: rt.mode, keepAll: r.o.KeepEverything}
	var events *eventFilter
	if isCoreEvents(rt) {
		events = newEventFilter(r.o, r.start)
	}
	var lw *bundle.ListWriter
	var errs []string
	total, bytes, dropped := 0, int64(0), 0
	for _, ns := range nss {
		count, before := 0, int64(0)
		if lw != nil {
			before = lw.Bytes()
		}
		pg := &pager{r: r, onPage: func(p page) (bool, error) {
			if lw == nil {
				var err error
				if lw, err = r.w.NewList(rt.file(), "v1", "List"); err != nil {
					r.fail(fmt.Errorf("write %s: %w", rt.file(), err))
					return false, err
				}
				lw.SetResourceVersion(p.meta.ResourceVersion)
			}
			if events != nil {
				events.anchor(p.date)
			}
			for _, it := range p.items {
				shaped, err := sh.shape(it)
				if err != nil {
					return false, fmt.Errorf("item %d of %s: %w", count, rt.label(), err)
				}
				if events != nil && !events.keep(shaped) {
					dropped++
					continue
				}
				if observe != nil {
					observe(shaped)
				}
				if err := lw.Add(shaped); err != nil {
					r.fail(fmt.Errorf("write %s: %w", rt.file(), err))
					return false, err
				}
				count++
			}
			return true, nil
		}}
		req := pg.list(ctx, rt.collectionPath(ns), call{gr: rt.gr()})
		if lw != nil {
			req.File, req.Bytes = rt.file(), lw.Bytes()-before
		}
		req.Count = count
		total, bytes = total+count, bytes+req.Bytes
		r.rec.request(req)
		if req.Error != "" {
			label := rt.label()
			if ns != "" {
				label += " in " + ns
			}
			r.rec.miss(label, req.Status, req.Error)
			errs = append(errs, firstLine(req.Error, 160))
		}
	}
	if lw != nil {
		if err := lw.Close(); err != nil {
			r.fail(fmt.Errorf("write %s: %w", rt.file(), err))
		}
	}
	r.recordShaping(rt, sh.stats)
	if events != nil {
		r.rec.omit(OmitOldEvents, rt.label(), OmitOldEventsWhy(r.o.EventsWindow), dropped)
	}
	r.rec.event(Event{Phase: PhaseResources, Item: rt.label(), Objects: total, Bytes: bytes, Err: strings.Join(errs, "; ")})
	return len(errs) == 0 && lw != nil
}

// recordShaping records in the manifest what shaping left out.
func (r *run) recordShaping(rt resourceType, s shapeStats) {
	scope := rt.label()
	r.rec.omit("metadata.managedFields", scope, "not needed for diagnosis (about a third of the bytes); --keep-everything keeps them", s.managedFields)
	why := "duplicates the object; --keep-everything keeps it"
	if rt.mode == shapeSecret || rt.mode == shapeConfigMap {
		why = "holds the object's values"
	}
	r.rec.omit("metadata.annotations["+LastAppliedAnnotation+"]", scope, why, s.lastApplied)
	r.rec.omit("status.images", scope, "node image lists are large and not needed; --keep-everything keeps them", s.images)
	switch rt.mode {
	case shapeSecret:
		r.rec.omit("data and stringData values (key names kept)", scope, "secret values never leave the cluster", s.values)
	case shapeConfigMap:
		r.rec.omit("data and binaryData values (key names kept)", scope, "configuration values are not needed; they may hold credentials", s.values)
	}
}
