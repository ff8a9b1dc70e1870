package collect

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/nsbundle/nsbundle/bundle"
	"github.com/nsbundle/nsbundle/collect/collecttest"
)

// listedType is the outcome of one listResource call.
type listedType struct {
	ok       bool
	requests []bundle.Request
	missing  []string
	omitted  []string // "what @ scope: n"
	events   []Event
	items    int // in the written file; -1 when there is none
}

// listOne runs listResource for rt against a fake made of opts, with page
// size 2 and the namespaces given, and returns what it recorded and wrote.
func listOne(t *testing.T, rt resourceType, namespaces []string, opts ...collecttest.Option) listedType {
	t.Helper()
	o := testOptions(t)
	o.PageSize = 2
	o.Namespaces = namespaces
	c, err := newClient(collecttest.NewServer(t, opts...).Config(), o)
	if err != nil {
		t.Fatal(err)
	}
	w, err := bundle.Create(o.Output, bundle.WriterOptions{Codec: o.Codec})
	if err != nil {
		t.Fatal(err)
	}
	var got listedType
	r := &run{o: o, c: c, w: w, rec: newRecorder(func(e Event) { got.events = append(got.events, e) }), start: time.Now().UTC()}
	got.ok = r.listResource(context.Background(), rt, nil)
	if err := r.fatal(); err != nil {
		t.Fatal(err)
	}
	m := &bundle.Manifest{}
	got.missing = r.rec.fill(m)
	got.requests = m.Requests
	for _, om := range m.Omissions {
		got.omitted = append(got.omitted, om.What+" @ "+om.Scope+": "+itoa(om.Count))
	}
	if err := w.Commit(m); err != nil {
		t.Fatal(err)
	}
	_, _, files := readBundle(t, o.Output)
	got.items = -1
	if data, ok := files[rt.file()]; ok {
		var list struct{ Items []json.RawMessage }
		if err := json.Unmarshal(data, &list); err != nil {
			t.Fatalf("%s: %v", rt.file(), err)
		}
		got.items = len(list.Items)
	}
	return got
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// reqSummary is the part of a Request the listResource test compares.
type reqSummary struct {
	Path                 string
	Status, Pages, Count int
	Truncated, HasFile   bool
	Error                string
}

// TestListResource: one list per namespace asked for (or one cluster-wide),
// each paginated with its continue token; a failing namespace is missing
// under its own label while the others are written; the file exists only
// when a first page arrived; an expired continue token goes on with the
// server's; events outside the window are counted, not written.
func TestListResource(t *testing.T) {
	t.Parallel()
	pods := collecttest.Pod("a", "p1", nil, []string{"c"}, 0)
	five := []map[string]any{pods, collecttest.Pod("a", "p2", nil, []string{"c"}, 0), collecttest.Pod("b", "p3", nil, []string{"c"}, 0),
		collecttest.Pod("b", "p4", nil, []string{"c"}, 0), collecttest.Pod("a", "p5", nil, []string{"c"}, 0)}
	podType := resourceType{"", "v1", "pods", "Pod", true, shapeGeneric}
	eventType := resourceType{"", "v1", "events", "Event", true, shapeGeneric}
	now := time.Now().UTC()
	event := func(name string, age time.Duration) map[string]any {
		return map[string]any{"metadata": map[string]any{"name": name, "namespace": "a"}, "lastTimestamp": now.Add(-age).Format(time.RFC3339)}
	}
	cases := []struct {
		name       string
		rt         resourceType
		namespaces []string
		opts       []collecttest.Option
		ok         bool
		requests   []reqSummary
		missing    []string
		omitted    string // one omission that must be recorded, "" for none checked
		items      int
		eventErr   string
	}{
		{name: "cluster-wide, three pages", rt: podType, opts: []collecttest.Option{collecttest.Objects("v1/pods", five...)}, ok: true, items: 5,
			requests: []reqSummary{{Path: "/api/v1/pods?limit=2", Status: 200, Pages: 3, Count: 5, HasFile: true}}},
		{name: "per namespace", rt: podType, namespaces: []string{"a", "b", "c"}, opts: []collecttest.Option{collecttest.Objects("v1/pods", five...)}, ok: true, items: 5,
			requests: []reqSummary{
				{Path: "/api/v1/namespaces/a/pods?limit=2", Status: 200, Pages: 2, Count: 3, HasFile: true},
				{Path: "/api/v1/namespaces/b/pods?limit=2", Status: 200, Pages: 1, Count: 2, HasFile: true},
				{Path: "/api/v1/namespaces/c/pods?limit=2", Status: 200, Pages: 1, Count: 0, HasFile: true}}},
		{name: "every namespace fails", rt: podType, namespaces: []string{"a", "b"},
			opts: []collecttest.Option{collecttest.Objects("v1/pods", five...), collecttest.ListError("v1/pods", "webhook down")}, items: -1,
			requests: []reqSummary{
				{Path: "/api/v1/namespaces/a/pods?limit=2", Status: 500, Error: "webhook down"},
				{Path: "/api/v1/namespaces/b/pods?limit=2", Status: 500, Error: "webhook down"}},
			missing:  []string{"pods in a: webhook down (500)", "pods in b: webhook down (500)"},
			eventErr: "webhook down; webhook down"},
		{name: "one namespace fails", rt: podType, namespaces: []string{"a", "b"},
			opts: []collecttest.Option{collecttest.Objects("v1/pods", five...), collecttest.Fail("/api/v1/namespaces/b/pods", 503, "etcd down")}, items: 3,
			requests: []reqSummary{
				{Path: "/api/v1/namespaces/a/pods?limit=2", Status: 200, Pages: 2, Count: 3, HasFile: true},
				{Path: "/api/v1/namespaces/b/pods?limit=2", Status: 503, Error: "etcd down", HasFile: true}},
			missing: []string{"pods in b: etcd down (503)"}, eventErr: "etcd down"},
		{name: "forbidden", rt: podType, opts: []collecttest.Option{collecttest.Objects("v1/pods", five...), collecttest.Forbidden("pods")}, items: -1,
			requests: []reqSummary{{Path: "/api/v1/pods?limit=2", Status: 403,
				Error: `pods is forbidden: User "alice" cannot list resource "pods" in API group "" at the cluster scope`}},
			missing:  []string{"pods: forbidden (403)"},
			eventErr: `pods is forbidden: User "alice" cannot list resource "pods" in API group "" at the cluster scope`},
		{name: "expired continue token", rt: podType, opts: []collecttest.Option{collecttest.Objects("v1/pods", five...), collecttest.ExpireContinue("v1/pods")}, ok: true, items: 5,
			requests: []reqSummary{{Path: "/api/v1/pods?limit=2", Status: 200, Pages: 3, Count: 5, HasFile: true}},
			omitted:  "consistent snapshot @ /api/v1/pods: 1"},
		{name: "old events left out", rt: eventType, opts: []collecttest.Option{collecttest.Objects("v1/events", event("new", time.Minute), event("old", 30*time.Hour), event("newer", time.Second))},
			ok: true, items: 2, requests: []reqSummary{{Path: "/api/v1/events?limit=2", Status: 200, Pages: 2, Count: 2, HasFile: true}},
			omitted: OmitOldEvents + " @ events: 1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := listOne(t, tc.rt, tc.namespaces, tc.opts...)
			var reqs []reqSummary
			var bytes int64
			for _, q := range got.requests {
				reqs = append(reqs, reqSummary{q.Path, q.Status, q.Pages, q.Count, q.Truncated, q.File != "", q.Error})
				bytes += q.Bytes
				if q.File == "" && q.Bytes != 0 {
					t.Errorf("%s: file %q, %d bytes", q.Path, q.File, q.Bytes)
				}
			}
			if got.ok != tc.ok || got.items != tc.items || !slices.Equal(reqs, tc.requests) || !slices.Equal(got.missing, tc.missing) {
				t.Errorf("ok %v, %d items\nrequests %+v\nmissing %q\nwant ok %v, %d items\nrequests %+v\nmissing %q",
					got.ok, got.items, reqs, got.missing, tc.ok, tc.items, tc.requests, tc.missing)
			}
			if tc.omitted != "" && !slices.Contains(got.omitted, tc.omitted) {
				t.Errorf("omissions %q lack %q", got.omitted, tc.omitted)
			}
			want := Event{Phase: PhaseResources, Item: tc.rt.label(), Objects: max(tc.items, 0), Bytes: bytes, Err: tc.eventErr, Done: 1, Total: 1}
			if len(got.events) != 1 || got.events[0] != want {
				t.Errorf("events %+v, want %+v", got.events, want)
			}
		})
	}
}
