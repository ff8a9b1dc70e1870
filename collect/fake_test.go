package collect

import (
	"bytes"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/rest"
)

// fakeAPI is a minimal Kubernetes API server for tests: discovery (both
// styles), paginated lists, metadata lists, pod logs, health, and faults.
type fakeAPI struct {
	mu      sync.Mutex
	objects map[string][]map[string]any // "<group>/<version>/<resource>" → items
	// forbidden resources answer 403 to every list.
	forbidden map[string]bool
	// hidden "<gv>/<resource>" keys are left out of discovery, as on a
	// cluster that does not serve them.
	hidden map[string]bool
	// skew sets the Date header of every answer this far from the local
	// clock.
	skew time.Duration
	// unavailable group-versions answer 503 to discovery (and are Stale in
	// aggregated discovery).
	unavailable map[string]bool
	// expire answers 410 Expired, once, to a continued list of these
	// "<group>/<version>/<resource>" keys, offering an inconsistent
	// continue token as kube-apiserver does.
	expire map[string]bool
	url    string // set by start
	// slow delays answers to these paths.
	slow map[string]time.Duration
	// reset closes the connection without an answer that many times per path.
	reset map[string]int
	// throttle answers 429 with Retry-After: 1 that many times per path.
	throttle map[string]int
	// listErrors answers a list of "<gv>/<resource>" with this 500 message.
	listErrors map[string]string
	logs       map[string]string   // "<ns>/<pod>/<container>" → log
	requests   []string            // "METHOD path?query"
	pageSize   map[string]int      // observed limit
	encoded    map[string][][]byte // cache of encoded objects
	// generated lists are made on request (cluster-wide lists only), so
	// a benchmark's fake holds no objects.
	generated map[string]generator
}

// generator makes item i of n.
type generator struct {
	n    int
	item func(i int) []byte
}

func newFakeAPI() *fakeAPI {
	return &fakeAPI{
		objects:     map[string][]map[string]any{},
		forbidden:   map[string]bool{},
		hidden:      map[string]bool{},
		unavailable: map[string]bool{},
		throttle:    map[string]int{},
		slow:        map[string]time.Duration{},
		reset:       map[string]int{},
		expire:      map[string]bool{},
		listErrors:  map[string]string{},
		logs:        map[string]string{},
		pageSize:    map[string]int{},
		encoded:     map[string][][]byte{},
		generated:   map[string]generator{},
	}
}

// add stores an object of a resource type ("" group for core).
func (f *fakeAPI) add(group, version, resource string, obj map[string]any) {
	k := group + "/" + version + "/" + resource
	f.objects[k] = append(f.objects[k], obj)
}

// start serves f over TLS on 127.0.0.1 and returns a client config for it.
func (f *fakeAPI) start(t testing.TB) *rest.Config {
	srv := httptest.NewTLSServer(f)
	t.Cleanup(srv.Close)
	f.url = srv.URL
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	return &rest.Config{Host: srv.URL, TLSClientConfig: rest.TLSClientConfig{CAData: ca}}
}

// fakeTypes are the resource types the fake's discovery serves, beyond the
// default ones.
var fakeExtra = []resourceType{
	{group: "example.com", version: "v1", resource: "widgets", kind: "Widget", namespaced: true},
}

func writeStatus(w http.ResponseWriter, code int, reason, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{"kind": "Status", "apiVersion": "v1", "metadata": map[string]any{},
		"status": "Failure", "message": msg, "reason": reason, "code": code})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeAPI) gvs() map[string][]resourceType {
	out := map[string][]resourceType{}
	for _, rt := range append(append([]resourceType(nil), defaultResources...), fakeExtra...) {
		if f.hidden[rt.groupVersion()+"/"+rt.resource] {
			continue
		}
		out[rt.groupVersion()] = append(out[rt.groupVersion()], rt)
	}
	out["metrics.k8s.io/v1beta1"] = nil
	return out
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests = append(f.requests, r.Method+" "+r.URL.RequestURI())
	key := r.URL.Path
	if f.skew != 0 {
		w.Header().Set("Date", time.Now().Add(f.skew).UTC().Format(http.TimeFormat))
	}
	if n := f.throttle[key]; n > 0 {
		f.throttle[key] = n - 1
		f.mu.Unlock()
		w.Header().Set("Retry-After", "1")
		writeStatus(w, 429, "TooManyRequests", "Too many requests, please try again later.")
		return
	}
	delay := f.slow[key]
	reset := f.reset[key] > 0
	if reset {
		f.reset[key]--
	}
	f.mu.Unlock()
	if reset {
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			_ = conn.Close()
		}
		return
	}
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	p := r.URL.Path
	aggregated := strings.Contains(r.Header.Get("Accept"), "apidiscovery.k8s.io")
	switch {
	case r.Method == http.MethodPost && p == selfSubjectReviewPath:
		writeJSON(w, map[string]any{"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview",
			"status": map[string]any{"userInfo": map[string]any{"username": "alice", "groups": []string{"system:authenticated"}}}})
	case r.Method != http.MethodGet:
		writeStatus(w, 405, "MethodNotAllowed", "read-only fake")
	case p == "/version":
		writeJSON(w, map[string]string{"gitVersion": "v1.37.2", "platform": "linux/amd64"})
	case p == "/healthz" || p == "/livez":
		_, _ = w.Write([]byte("ok"))
	case p == "/readyz":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(500)
		_, _ = w.Write([]byte("[+]ping ok\n[-]poststarthook/apiservice-openapi-controller failed: reason withheld\nreadyz check failed\n"))
	case p == "/api" || p == "/apis":
		f.discoveryRoot(w, p, aggregated)
	default:
		f.resourcePath(w, r)
	}
}

func (f *fakeAPI) discoveryRoot(w http.ResponseWriter, p string, aggregated bool) {
	gvs := f.gvs()
	if !aggregated {
		if p == "/api" {
			writeJSON(w, map[string]any{"kind": "APIVersions", "versions": []string{"v1"}})
			return
		}
		var groups []any
		for gv := range gvs {
			g, v, ok := strings.Cut(gv, "/")
			if !ok {
				continue
			}
			groups = append(groups, map[string]any{"name": g, "versions": []any{map[string]any{"groupVersion": gv, "version": v}},
				"preferredVersion": map[string]any{"groupVersion": gv, "version": v}})
		}
		writeJSON(w, map[string]any{"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
		return
	}
	var items []any
	for gv, rts := range gvs {
		g, v, ok := strings.Cut(gv, "/")
		if !ok {
			g, v = "", gv
		}
		if (p == "/api") != (g == "") {
			continue
		}
		var res []any
		for _, rt := range rts {
			scope := "Cluster"
			if rt.namespaced {
				scope = "Namespaced"
			}
			res = append(res, map[string]any{"resource": rt.resource, "scope": scope, "responseKind": map[string]any{"kind": rt.kind},
				"verbs": []string{"get", "list", "watch", "delete"}})
		}
		fresh := "Current"
		if f.unavailable[gv] {
			fresh, res = "Stale", nil
		}
		items = append(items, map[string]any{"metadata": map[string]any{"name": g},
			"versions": []any{map[string]any{"version": v, "resources": res, "freshness": fresh}}})
	}
	w.Header().Set("Content-Type", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
	_ = json.NewEncoder(w).Encode(map[string]any{"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "items": items})
}

// resourcePath serves /api/v1[/namespaces/<ns>]/<resource>[/<name>[/log]]
// and the same under /apis/<group>/<version>.
func (f *fakeAPI) resourcePath(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	var group, version string
	switch {
	case parts[0] == "api" && len(parts) >= 2:
		version, parts = parts[1], parts[2:]
	case parts[0] == "apis" && len(parts) >= 3:
		group, version, parts = parts[1], parts[2], parts[3:]
	default:
		writeStatus(w, 404, "NotFound", "the server could not find the requested resource")
		return
	}
	gv := version
	if group != "" {
		gv = group + "/" + version
	}
	if len(parts) == 0 {
		if f.unavailable[gv] {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(503)
			_, _ = w.Write([]byte("service unavailable\n"))
			return
		}
		rts, ok := f.gvs()[gv]
		if !ok {
			writeStatus(w, 404, "NotFound", "the server could not find the requested resource")
			return
		}
		var res []any
		for _, rt := range rts {
			res = append(res, map[string]any{"name": rt.resource, "namespaced": rt.namespaced, "kind": rt.kind,
				"verbs": []string{"get", "list", "watch", "delete"}})
		}
		writeJSON(w, map[string]any{"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": res})
		return
	}
	ns := ""
	if parts[0] == "namespaces" && len(parts) >= 3 {
		ns, parts = parts[1], parts[2:]
	}
	resource := parts[0]
	switch {
	case len(parts) == 1:
		f.list(w, r, group, version, resource, ns)
	case len(parts) == 2:
		f.get(w, group, version, resource, ns, parts[1])
	case len(parts) == 3 && resource == "pods" && parts[2] == "log":
		f.log(w, r, ns, parts[1])
	default:
		writeStatus(w, 404, "NotFound", "the server could not find the requested resource")
	}
}

func nsOf(obj map[string]any) string {
	m, _ := obj["metadata"].(map[string]any)
	s, _ := m["namespace"].(string)
	return s
}

func nameOf(obj map[string]any) string {
	m, _ := obj["metadata"].(map[string]any)
	s, _ := m["name"].(string)
	return s
}

func (f *fakeAPI) list(w http.ResponseWriter, r *http.Request, group, version, resource, ns string) {
	key := group + "/" + version + "/" + resource
	if f.forbidden[resource] {
		scope := "at the cluster scope"
		if ns != "" {
			scope = fmt.Sprintf("in the namespace %q", ns)
		}
		writeStatus(w, 403, "Forbidden", fmt.Sprintf("%s is forbidden: User \"alice\" cannot list resource %q in API group %q %s", resource, resource, group, scope))
		return
	}
	if msg, ok := f.listErrors[key]; ok && ns != "" {
		// What kube-apiserver sends for an error that is not a Status:
		// code 500, no reason, the error text as message.
		writeStatus(w, 500, "", msg)
		return
	}
	q := r.URL.Query()
	f.mu.Lock()
	expire := f.expire[key] && q.Get("continue") != ""
	if expire {
		f.expire[key] = false
	}
	f.mu.Unlock()
	if expire {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(410)
		_ = json.NewEncoder(w).Encode(map[string]any{"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Expired", "code": 410,
			"metadata": map[string]any{"continue": q.Get("continue")},
			"message":  "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list."})
		return
	}
	if g, ok := f.generated[key]; ok && ns == "" {
		f.serveGenerated(w, q, g)
		return
	}
	sel := q.Get("labelSelector")
	f.mu.Lock()
	enc := f.encoded[key]
	if len(enc) != len(f.objects[key]) {
		enc = nil
		for _, o := range f.objects[key] {
			b, _ := json.Marshal(o)
			enc = append(enc, b)
		}
		f.encoded[key] = enc
	}
	f.mu.Unlock()
	var match []json.RawMessage
	for i, o := range f.objects[key] {
		if ns != "" && nsOf(o) != ns {
			continue
		}
		if sel != "" {
			m, _ := o["metadata"].(map[string]any)
			l, _ := m["labels"].(map[string]any)
			k, v, _ := strings.Cut(sel, "=")
			if l[k] != v {
				continue
			}
		}
		match = append(match, enc[i])
	}
	start, _ := strconv.Atoi(q.Get("continue"))
	limit, _ := strconv.Atoi(q.Get("limit"))
	f.mu.Lock()
	f.pageSize[key] = limit
	f.mu.Unlock()
	end := len(match)
	if limit > 0 && start+limit < end {
		end = start + limit
	}
	meta := map[string]any{"resourceVersion": "42"}
	if end < len(match) {
		meta["continue"] = strconv.Itoa(end)
	}
	kind := "List"
	for _, rt := range append(append([]resourceType(nil), defaultResources...), fakeExtra...) {
		if rt.resource == resource {
			kind = rt.kind + "List"
		}
	}
	writeJSON(w, map[string]any{"kind": kind, "apiVersion": version, "metadata": meta, "items": match[start:end]})
}

func (f *fakeAPI) get(w http.ResponseWriter, group, version, resource, ns, name string) {
	for _, o := range f.objects[group+"/"+version+"/"+resource] {
		if nsOf(o) == ns && nameOf(o) == name {
			writeJSON(w, o)
			return
		}
	}
	writeStatus(w, 404, "NotFound", fmt.Sprintf("%s %q not found", resource, name))
}

func (f *fakeAPI) log(w http.ResponseWriter, r *http.Request, ns, pod string) {
	q := r.URL.Query()
	key := ns + "/" + pod + "/" + q.Get("container")
	if q.Get("previous") == "true" {
		key += "/previous"
	}
	text, ok := f.logs[key]
	if !ok {
		writeStatus(w, 404, "NotFound", "the server could not find the requested resource ( pods/log "+pod+")")
		return
	}
	if n, err := strconv.Atoi(q.Get("tailLines")); err == nil {
		lines := strings.SplitAfter(text, "\n")
		if lines[len(lines)-1] == "" {
			lines = lines[:len(lines)-1]
		}
		if n < len(lines) {
			lines = lines[len(lines)-n:]
		}
		text = strings.Join(lines, "")
	}
	if n, err := strconv.Atoi(q.Get("limitBytes")); err == nil && n < len(text) {
		text = text[:n]
	}
	w.Header().Set("Content-Type", "text/plain")
	_, _ = w.Write([]byte(text))
}

func (f *fakeAPI) serveGenerated(w http.ResponseWriter, q url.Values, g generator) {
	start, _ := strconv.Atoi(q.Get("continue"))
	limit, _ := strconv.Atoi(q.Get("limit"))
	end := g.n
	if limit > 0 && start+limit < end {
		end = start + limit
	}
	var b bytes.Buffer
	b.WriteString(`{"kind":"List","apiVersion":"v1","metadata":{"resourceVersion":"42"`)
	if end < g.n {
		fmt.Fprintf(&b, `,"continue":"%d"`, end)
	}
	b.WriteString(`},"items":[`)
	for i := start; i < end; i++ {
		if i > start {
			b.WriteByte(',')
		}
		b.Write(g.item(i))
	}
	b.WriteString("]}\n")
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b.Bytes())
}
