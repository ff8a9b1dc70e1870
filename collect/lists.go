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
	sink := r.newListSink(rt, observe)
	var errs []string
	total, bytes := 0, int64(0)
	for _, ns := range r.listNamespaces(rt) {
		req := sink.list(ctx, ns)
		total, bytes = total+req.Count, bytes+req.Bytes
		r.rec.request(req)
		if req.Error != "" {
			r.missList(rt, ns, req)
			errs = append(errs, firstLine(req.Error, 160))
		}
	}
	sink.close()
	r.recordShaping(rt, sink.sh.stats)
	if sink.events != nil {
		r.rec.omit(OmitOldEvents, rt.label(), OmitOldEventsWhy(r.o.EventsWindow), sink.dropped)
	}
	r.rec.event(Event{Phase: PhaseResources, Item: rt.label(), Objects: total, Bytes: bytes, Err: strings.Join(errs, "; ")})
	return len(errs) == 0 && sink.lw != nil
}

// listNamespaces returns the namespaces to list rt in: each of
// o.Namespaces for a namespaced type when set, else "" (all at once).
func (r *run) listNamespaces(rt resourceType) []string {
	if rt.namespaced && len(r.o.Namespaces) > 0 {
		return r.o.Namespaces
	}
	return []string{""}
}

// missList records a failed list as missing evidence, labelled with its
// namespace when it had one ("pods in kube-system").
func (r *run) missList(rt resourceType, ns string, req bundle.Request) {
	label := rt.label()
	if ns != "" {
		label += " in " + ns
	}
	r.rec.miss(label, req.Status, req.Error)
}

// listSink writes the shaped items of one resource type's lists, over all
// their namespaces, into the type's one list file.
type listSink struct {
	r       *run
	rt      resourceType
	sh      *shaper
	observe func(item []byte)
	// events filters core events by age; nil for other types or with no
	// window.
	events *eventFilter
	// lw is the list file, nil until a first page arrived.
	lw *bundle.ListWriter
	// dropped counts the events left out as too old.
	dropped int
}

// newListSink prepares the shaping and (for core events) the age filter
// of rt's items.
func (r *run) newListSink(rt resourceType, observe func(item []byte)) *listSink {
	s := &listSink{r: r, rt: rt, observe: observe,
		sh: &shaper{apiVersion: rt.apiVersion(), kind: rt.kind, mode: rt.mode, keepAll: r.o.KeepEverything}}
	if isCoreEvents(rt) {
		s.events = newEventFilter(r.o, r.start)
	}
	return s
}

// list fetches every page of rt in ns ("" for all) into the file and
// returns the Request, with the items and bytes this list added.
func (s *listSink) list(ctx context.Context, ns string) bundle.Request {
	count, before := 0, int64(0)
	if s.lw != nil {
		before = s.lw.Bytes()
	}
	pg := &pager{r: s.r, onPage: func(p page) (bool, error) { return s.page(p, &count) }}
	req := pg.list(ctx, s.rt.collectionPath(ns), call{gr: s.rt.gr()})
	if s.lw != nil {
		req.File, req.Bytes = s.rt.file(), s.lw.Bytes()-before
	}
	req.Count = count
	return req
}

// page writes one page's items, opening the file at the first page and
// anchoring the events window to the server's clock; *count counts the
// items this list wrote. It stops the list on a shaping or write error.
func (s *listSink) page(p page, count *int) (bool, error) {
	if err := s.open(p); err != nil {
		return false, err
	}
	if s.events != nil {
		s.events.anchor(p.date)
	}
	for _, it := range p.items {
		shaped, err := s.sh.shape(it)
		if err != nil {
			return false, fmt.Errorf("item %d of %s: %w", *count, s.rt.label(), err)
		}
		if s.events != nil && !s.events.keep(shaped) {
			s.dropped++
			continue
		}
		if s.observe != nil {
			s.observe(shaped)
		}
		if err := s.lw.Add(shaped); err != nil {
			s.r.fail(fmt.Errorf("write %s: %w", s.rt.file(), err))
			return false, err
		}
		*count++
	}
	return true, nil
}

// open creates the list file, once, with the first page's resourceVersion;
// a failure to create it fails the run.
func (s *listSink) open(p page) error {
	if s.lw != nil {
		return nil
	}
	lw, err := s.r.w.NewList(s.rt.file(), "v1", "List")
	if err != nil {
		s.r.fail(fmt.Errorf("write %s: %w", s.rt.file(), err))
		return err
	}
	s.lw = lw
	lw.SetResourceVersion(p.meta.ResourceVersion)
	return nil
}

// close finishes the list file, if one was opened; a failure fails the run.
func (s *listSink) close() {
	if s.lw == nil {
		return
	}
	if err := s.lw.Close(); err != nil {
		s.r.fail(fmt.Errorf("write %s: %w", s.rt.file(), err))
	}
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
