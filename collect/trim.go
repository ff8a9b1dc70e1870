package collect

import (
	"bytes"
	"encoding/json"
	"time"
)

// What the collector leaves out by default to keep big bundles small
// (Options.KeepEverything keeps it all): core/v1 Endpoints when
// EndpointSlices were listed, and events older than Options.EventsWindow.

// Omission texts for the default trims, as recorded in the manifest.
const (
	// OmitEndpoints is the Omission.What for core/v1 Endpoints left out
	// because the EndpointSlices were listed.
	OmitEndpoints = "core/v1 Endpoints"
	// OmitOldEvents is the Omission.What for events older than the window.
	OmitOldEvents = "events older than the collection window"
)

// endpointSliceGV and endpointSlices name the list that makes core/v1
// Endpoints redundant.
const (
	endpointSliceGV = "discovery.k8s.io/v1"
	endpointSlices  = "endpointslices"
)

// OmitEndpointsWhy says why core/v1 Endpoints are not written.
const OmitEndpointsWhy = "duplicated by discovery.k8s.io/v1 EndpointSlices, which were listed (v1 Endpoints is deprecated since Kubernetes 1.33); --keep-everything keeps them"

// OmitOldEventsWhy says why events older than window are not written.
func OmitOldEventsWhy(window time.Duration) string {
	return "last seen more than " + window.String() + " before the collection (server clock; --events-window; --keep-everything keeps them)"
}

// isCoreEndpoints reports whether rt is core/v1 Endpoints.
func isCoreEndpoints(rt resourceType) bool {
	return rt.group == "" && rt.resource == "endpoints"
}

// isCoreEvents reports whether rt is core/v1 Events.
func isCoreEvents(rt resourceType) bool {
	return rt.group == "" && rt.resource == "events"
}

// shows reports whether discovery positively lists resource in gv (unlike
// served, an unknown or failed group-version does not count).
func (d *discoveryState) shows(gv, resource string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.available {
		return false
	}
	if _, failed := d.failed[gv]; failed {
		return false
	}
	list, ok := d.legacy[gv]
	if !ok {
		list = d.aggr[gv]
	}
	for _, a := range list {
		if a.Name == resource {
			return true
		}
	}
	return false
}

// eventFilter keeps the events seen within a window before the server's
// clock (the Date of the events list's first page), or before the
// collection's start when the server sends no Date: a laptop clock hours
// off must not drop every event.
type eventFilter struct {
	window   time.Duration
	cutoff   time.Time
	anchored bool
}

// newEventFilter returns the filter for events newer than window before
// now, or nil when every event is kept.
func newEventFilter(o Options, now time.Time) *eventFilter {
	if o.KeepEverything || o.EventsWindow <= 0 {
		return nil
	}
	return &eventFilter{window: o.EventsWindow, cutoff: now.Add(-o.EventsWindow)}
}

// anchor sets the window's end to the server's clock, once (a zero time is
// ignored).
func (f *eventFilter) anchor(server time.Time) {
	if f.anchored || server.IsZero() {
		return
	}
	f.cutoff, f.anchored = server.Add(-f.window), true
}

// keep reports whether an event item is recent enough. An event whose
// times cannot be read is kept.
func (f *eventFilter) keep(item []byte) bool {
	t, ok := eventNewest(item)
	return !ok || !t.Before(f.cutoff)
}

// eventNewest returns the newest of an event's lastTimestamp, eventTime,
// series.lastObservedTime and metadata.creationTimestamp, scanning the
// JSON without decoding the rest of the object (keys as the API server
// writes them, unescaped).
func eventNewest(item []byte) (time.Time, bool) {
	var newest time.Time
	found := false
	see := func(v []byte) {
		if t, ok := parseTime(v); ok && (!found || t.After(newest)) {
			newest, found = t, true
		}
	}
	nested := func(obj []byte, key string) {
		_ = eachMember(obj, func(k []byte, _, vs, ve int) error {
			if string(k) == key {
				see(obj[vs:ve])
			}
			return nil
		})
	}
	err := eachMember(item, func(k []byte, _, vs, ve int) error {
		v := item[vs:ve]
		switch string(k) {
		case "lastTimestamp", "eventTime":
			see(v)
		case "series":
			nested(v, "lastObservedTime")
		case "metadata":
			nested(v, "creationTimestamp")
		}
		return nil
	})
	if err != nil {
		return time.Time{}, false
	}
	return newest, found
}

// parseTime reads a JSON string holding an RFC 3339 time (with or without
// fractional seconds); null and anything else are not times.
func parseTime(v []byte) (time.Time, bool) {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return time.Time{}, false
	}
	raw := v[1 : len(v)-1]
	if bytes.IndexByte(v, '\\') >= 0 {
		var s string
		if json.Unmarshal(v, &s) != nil {
			return time.Time{}, false
		}
		raw = []byte(s)
	}
	var t time.Time
	if t.UnmarshalText(raw) != nil {
		return time.Time{}, false
	}
	return t, true
}
