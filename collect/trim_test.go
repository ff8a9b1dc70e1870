package collect

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/nsbundle/nsbundle/bundle"
	"github.com/nsbundle/nsbundle/collect/collecttest"
)

func TestEventNewest(t *testing.T) {
	t.Parallel()
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name string
		item string
		want time.Time
		ok   bool
	}{
		{"lastTimestamp", `{"metadata":{"creationTimestamp":"2026-11-23T01:00:00Z"},"lastTimestamp":"2026-11-23T05:00:00Z"}`, at("2026-11-23T05:00:00Z"), true},
		{"eventTime when lastTimestamp null", `{"lastTimestamp":null,"eventTime":"2026-11-23T05:00:00.123456Z"}`, at("2026-11-23T05:00:00.123456Z"), true},
		{"series newer than lastTimestamp", `{"lastTimestamp":"2026-11-23T01:00:00Z","series":{"count":4,"lastObservedTime":"2026-11-23T06:00:00.000001Z"}}`, at("2026-11-23T06:00:00.000001Z"), true},
		{"creationTimestamp only", `{"metadata":{"name":"a","creationTimestamp":"2026-11-23T02:00:00Z"}}`, at("2026-11-23T02:00:00Z"), true},
		{"newest wins over order", `{"eventTime":"2026-11-23T06:00:00Z","lastTimestamp":"2026-11-23T03:00:00Z"}`, at("2026-11-23T06:00:00Z"), true},
		{"escaped string", `{"lastTimestamp":"2026-11-23T05:00:00\u005a"}`, at("2026-11-23T05:00:00Z"), true},
		{"no times", `{"metadata":{"name":"a"},"reason":"x"}`, time.Time{}, false},
		{"unparsable time", `{"lastTimestamp":"yesterday"}`, time.Time{}, false},
		{"not an object", `[1]`, time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := eventNewest([]byte(tt.item))
			if ok != tt.ok || !got.Equal(tt.want) {
				t.Errorf("eventNewest = %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

// trimCluster is a small cluster with EndpointSlices, Endpoints and events
// of several ages (relative to now); it returns the names of the events a
// 2h window keeps. It serves collecttest.BrokenCluster(1) besides.
func trimCluster(now time.Time) ([]collecttest.Option, []string) {
	opts := collecttest.BrokenCluster(1)
	svc := collecttest.Meta("kube-system", "metrics-server", map[string]any{"labels": map[string]any{"kubernetes.io/service-name": "metrics-server"}})
	opts = append(opts, collecttest.Objects("discovery.k8s.io/v1/endpointslices", map[string]any{"metadata": svc, "addressType": "IPv4", "endpoints": []any{}}),
		collecttest.Objects("v1/endpoints", map[string]any{"metadata": collecttest.Meta("kube-system", "metrics-server", nil), "subsets": []any{}}))
	ts := func(d time.Duration) string { return now.Add(-d).UTC().Format(time.RFC3339) }
	micro := func(d time.Duration) string { return now.Add(-d).UTC().Format("2006-01-02T15:04:05.000000Z07:00") }
	events := []struct {
		name string
		keep bool
		obj  map[string]any
	}{
		{"recent", true, map[string]any{"lastTimestamp": ts(10 * time.Minute), "firstTimestamp": ts(5 * time.Hour)}},
		{"old", false, map[string]any{"lastTimestamp": ts(3 * time.Hour), "firstTimestamp": ts(3 * time.Hour)}},
		{"event-time", true, map[string]any{"lastTimestamp": nil, "eventTime": micro(5 * time.Minute)}},
		{"old-event-time", false, map[string]any{"lastTimestamp": nil, "eventTime": micro(150 * time.Minute)}},
		{"series", true, map[string]any{"eventTime": micro(6 * time.Hour), "series": map[string]any{"count": 9, "lastObservedTime": micro(time.Minute)}}},
		{"created-old", false, map[string]any{"metadata": collecttest.Meta("default", "created-old", map[string]any{"creationTimestamp": ts(5 * time.Hour)})}},
		{"no-times", true, map[string]any{}},
	}
	var kept []string
	for _, e := range events {
		obj := map[string]any{"metadata": collecttest.Meta("default", e.name, nil), "reason": "Test"}
		for k, v := range e.obj {
			obj[k] = v
		}
		opts = append(opts, collecttest.Objects("v1/events", obj))
		if e.keep {
			kept = append(kept, e.name)
		}
	}
	return opts, kept
}

func TestRunDefaultOmissions(t *testing.T) {
	t.Parallel()
	const allEvents = 7
	none := func(*Options) {}
	tests := []struct {
		name          string
		server        []collecttest.Option // besides trimCluster's
		set           func(*Options)
		wantEndpoints bool // endpoints.json written
		wantOmitted   bool // "core/v1 Endpoints" omission recorded
		wantEvents    int  // events written; the rest is the omission count
		skew          time.Duration
	}{
		{"default", nil, none, false, true, 4, 0},
		{"slices forbidden: endpoints as fallback", []collecttest.Option{collecttest.Forbidden("endpointslices")}, none, true, false, 4, 0},
		{"slices list fails", []collecttest.Option{collecttest.Reset("/apis/discovery.k8s.io/v1/endpointslices", 100)}, none, true, false, 4, 0},
		{"slices not served", []collecttest.Option{collecttest.Hidden("discovery.k8s.io/v1/endpointslices")}, none, true, false, 4, 0},
		{"endpoints not served", []collecttest.Option{collecttest.Hidden("v1/endpoints")}, none, false, false, 4, 0},
		{"keep everything", nil, func(o *Options) { o.KeepEverything = true }, true, false, allEvents, 0},
		{"events window 0", nil, func(o *Options) { o.EventsWindow = 0 }, false, true, allEvents, 0},
		{"events window 4h", nil, func(o *Options) { o.EventsWindow = 4 * time.Hour }, false, true, 6, 0},
		{"server clock 3h behind", nil, none, false, true, 4, -3 * time.Hour},
		{"server clock 5h ahead", nil, none, false, true, 4, 5 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts, _ := trimCluster(time.Now().Add(tt.skew))
			o := testOptions(t)
			o.MaxRetries = 0
			tt.set(&o)
			opts = append(append(opts, collecttest.ClockSkew(tt.skew)), tt.server...)
			res, err := Run(context.Background(), collecttest.NewServer(t, opts...).Config(), o, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, _, files := readBundle(t, res.Path)
			ep, wrote := files["resources/core/v1/endpoints.json"]
			if wrote != tt.wantEndpoints {
				t.Errorf("endpoints.json written: %v, want %v", wrote, tt.wantEndpoints)
			}
			if wrote && !bytes.Contains(ep, []byte(`"name":"metrics-server"`)) {
				t.Errorf("endpoints.json lacks the Endpoints: %s", ep)
			}
			omitted := omission(res.Manifest, OmitEndpoints)
			if (omitted != nil) != tt.wantOmitted {
				t.Errorf("Endpoints omission: %+v, want recorded %v", omitted, tt.wantOmitted)
			}
			if omitted != nil && (omitted.Scope != "endpoints" || omitted.Count != 0) {
				t.Errorf("Endpoints omission: %+v", omitted)
			}
			if tt.wantOmitted && findRequest(res.Manifest, "/api/v1/endpoints?limit=500") != nil {
				t.Error("Endpoints listed though omitted")
			}
			evs := bytes.Count(files["resources/core/v1/events.json"], []byte(`"reason":"Test"`))
			if evs != tt.wantEvents {
				t.Errorf("events written: %d, want %d", evs, tt.wantEvents)
			}
			if req := findRequest(res.Manifest, "/api/v1/events?limit=500"); req == nil || req.Count != tt.wantEvents {
				t.Errorf("events request: %+v", req)
			}
			old := omission(res.Manifest, OmitOldEvents)
			switch {
			case tt.wantEvents == allEvents && old != nil:
				t.Errorf("events omission though all kept: %+v", old)
			case tt.wantEvents < allEvents && (old == nil || old.Count != allEvents-tt.wantEvents || old.Scope != "events"):
				t.Errorf("events omission: %+v, want count %d", old, allEvents-tt.wantEvents)
			}
		})
	}
}

func TestRunEventsKeptByName(t *testing.T) {
	t.Parallel()
	opts, kept := trimCluster(time.Now())
	res, err := Run(context.Background(), collecttest.NewServer(t, opts...).Config(), testOptions(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _, files := readBundle(t, res.Path)
	data := files["resources/core/v1/events.json"]
	var got []string
	for _, name := range []string{"recent", "old", "event-time", "old-event-time", "series", "created-old", "no-times"} {
		if bytes.Contains(data, []byte(`"name":"`+name+`"`)) {
			got = append(got, name)
		}
	}
	if !slices.Equal(got, kept) {
		t.Errorf("kept events %q, want %q", got, kept)
	}
}

func omission(m *bundle.Manifest, what string) *bundle.Omission {
	for i := range m.Omissions {
		if m.Omissions[i].What == what {
			return &m.Omissions[i]
		}
	}
	return nil
}

// BenchmarkEventNewest measures the events window's cost per event (an
// event as the API server lists it, managedFields already dropped).
func BenchmarkEventNewest(b *testing.B) {
	item := []byte(`{"apiVersion":"v1","kind":"Event","metadata":{"name":"web-7d9f8b6c5d-x2k4p.187a5f3e2b1c0d9e","namespace":"shop","uid":"0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0","resourceVersion":"800001234","creationTimestamp":"2026-11-23T05:10:00Z"},"involvedObject":{"kind":"Pod","namespace":"shop","name":"web-7d9f8b6c5d-x2k4p","uid":"1a2b3c4d-5e6f-7081-92a3-b4c5d6e7f809","apiVersion":"v1","resourceVersion":"123456789","fieldPath":"spec.containers{web}"},"reason":"Unhealthy","message":"Readiness probe failed: Get \"http://10.4.2.17:8080/readyz\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)","source":{"component":"kubelet","host":"node-0042"},"firstTimestamp":"2026-11-23T05:10:00Z","lastTimestamp":"2026-11-23T06:20:00Z","count":12,"type":"Warning","eventTime":null,"reportingComponent":"kubelet","reportingInstance":"node-0042"}`)
	f := &eventFilter{cutoff: time.Date(2026, 11, 23, 4, 30, 0, 0, time.UTC)}
	b.SetBytes(int64(len(item)))
	for b.Loop() {
		if !f.keep(item) {
			b.Fatal("dropped")
		}
	}
}
