package collecttest

import (
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/rest"
)

// Server is a fake Kubernetes API server listening on 127.0.0.1 with TLS.
// Build it with NewServer; it is closed when the test ends.
type Server struct {
	// URL is the server's base URL, https://127.0.0.1:<port>.
	URL string
	srv *httptest.Server

	// Set by options before the server starts, read-only after.
	resources   []Resource
	objects     map[string][]map[string]any // Key → items
	forbidden   map[string]bool             // resource → 403 on list
	hidden      map[string]bool             // Key → left out of discovery
	unavailable map[string]bool             // group-version → 503 / Stale
	listErrors  map[string]string           // Key → 500 message on namespaced lists
	slow        map[string]time.Duration    // path → delay
	fail        map[string]answer           // path → status
	health      map[string]answer           // /healthz, /readyz, /livez
	logs        map[string]string           // "<ns>/<pod>/<container>[/previous]" → text
	generated   map[string]generator        // Key → items made on request
	skew        time.Duration
	version     string
	user        string
	groups      []string

	mu       sync.Mutex
	requests []string
	expire   map[string]bool     // Key → 410 on the next continued list
	reset    map[string]int      // path → connections to close
	throttle map[string]int      // path → 429 answers left
	encoded  map[string][][]byte // Key → encoded items
}

// answer is a canned response.
type answer struct {
	code int
	body string
}

// generator makes item i of n.
type generator struct {
	n    int
	item func(i int) []byte
}

// AnyPath, as the path of Fail, fails every request.
const AnyPath = "*"

// SelfSubjectReviewPath is where the fake answers a SelfSubjectReview.
const SelfSubjectReviewPath = "/apis/authentication.k8s.io/v1/selfsubjectreviews"

// Option configures a Server before it starts.
type Option func(*Server)

// NewServer starts a fake API server serving DefaultResources (and the
// empty group-version MetricsGroupVersion), changed by opts. It is healthy
// and empty unless opts say otherwise, and stops when t ends.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{
		resources:   DefaultResources(),
		objects:     map[string][]map[string]any{},
		forbidden:   map[string]bool{},
		hidden:      map[string]bool{},
		unavailable: map[string]bool{},
		listErrors:  map[string]string{},
		slow:        map[string]time.Duration{},
		fail:        map[string]answer{},
		health: map[string]answer{
			"/healthz": {200, "ok"},
			"/livez":   {200, "[+]ping ok\n[+]etcd ok\nlivez check passed\n"},
			"/readyz":  {200, "[+]ping ok\n[+]etcd ok\nreadyz check passed\n"},
		},
		logs:      map[string]string{},
		generated: map[string]generator{},
		version:   "v1.37.2",
		user:      "alice",
		groups:    []string{"system:authenticated"},
		expire:    map[string]bool{},
		reset:     map[string]int{},
		throttle:  map[string]int{},
		encoded:   map[string][][]byte{},
	}
	for _, o := range opts {
		o(s)
	}
	s.srv = httptest.NewTLSServer(s)
	t.Cleanup(s.srv.Close)
	s.URL = s.srv.URL
	return s
}

// Config returns a client configuration for the server (its CA, no
// credentials).
func (s *Server) Config() *rest.Config {
	return &rest.Config{Host: s.URL, TLSClientConfig: rest.TLSClientConfig{CAData: s.CA()}}
}

// CA returns the PEM certificate clients must trust.
func (s *Server) CA() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.srv.Certificate().Raw})
}

// Requests returns the requests received so far, "METHOD path?query", in
// order of arrival.
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

// Objects adds objects to a resource type, by Key ("v1/pods"). Items keep
// the order given; a namespaced object has metadata.namespace set.
func Objects(key string, objs ...map[string]any) Option {
	return func(s *Server) { s.objects[key] = append(s.objects[key], objs...) }
}

// Serve adds resource types to discovery.
func Serve(rs ...Resource) Option {
	return func(s *Server) { s.resources = append(s.resources, rs...) }
}

// Hidden leaves resource types, by Key, out of discovery, as on a cluster
// that does not serve them.
func Hidden(keys ...string) Option {
	return func(s *Server) {
		for _, k := range keys {
			s.hidden[k] = true
		}
	}
}

// Forbidden answers 403 Forbidden, as RBAC does, to every list of these
// resources ("secrets"), in any group and namespace.
func Forbidden(resources ...string) Option {
	return func(s *Server) {
		for _, r := range resources {
			s.forbidden[r] = true
		}
	}
}

// Unavailable makes group-versions ("metrics.k8s.io/v1beta1") answer 503
// to per-group-version discovery and appear Stale, without resources, in
// aggregated discovery: an APIService whose backend is down.
func Unavailable(gvs ...string) Option {
	return func(s *Server) {
		for _, gv := range gvs {
			s.unavailable[gv] = true
		}
	}
}

// ListError makes namespaced lists of a type (by Key) answer 500 with msg,
// as kube-apiserver does for an error that is not a Status (e.g. a failing
// conversion webhook). Cluster-wide lists still succeed.
func ListError(key, msg string) Option {
	return func(s *Server) { s.listErrors[key] = msg }
}

// ExpireContinue answers 410 Expired, once, to the first continued list of
// a type (by Key), offering an inconsistent continue token as
// kube-apiserver does.
func ExpireContinue(key string) Option {
	return func(s *Server) { s.expire[key] = true }
}

// Slow delays every answer to a URL path by d (or until the client gives up).
func Slow(path string, d time.Duration) Option {
	return func(s *Server) { s.slow[path] = d }
}

// Reset closes the connection without answering the first n requests to a
// URL path.
func Reset(path string, n int) Option {
	return func(s *Server) { s.reset[path] = n }
}

// Throttle answers 429 Too Many Requests with Retry-After: 1 to the first n
// requests to a URL path.
func Throttle(path string, n int) Option {
	return func(s *Server) { s.throttle[path] = n }
}

// Fail answers every request to a URL path (AnyPath: every request) with a
// Status of this code and message, reason derived from the code (401
// Unauthorized, 403 Forbidden, 404 NotFound, 500 InternalError, 503
// ServiceUnavailable...).
func Fail(path string, code int, msg string) Option {
	return func(s *Server) { s.fail[path] = answer{code, msg} }
}

// Health sets the status and text body of /healthz, /readyz or /livez
// (the defaults are 200 and passing checks).
func Health(path string, code int, body string) Option {
	return func(s *Server) { s.health[path] = answer{code, body} }
}

// Log serves a container's log.
func Log(ns, pod, container, text string) Option {
	return func(s *Server) { s.logs[ns+"/"+pod+"/"+container] = text }
}

// PreviousLog serves the log of a container's previous run (previous=true).
func PreviousLog(ns, pod, container, text string) Option {
	return func(s *Server) { s.logs[ns+"/"+pod+"/"+container+"/previous"] = text }
}

// Generated serves n items of a type (by Key) made on request by item, for
// cluster-wide lists only, so a benchmark's fake holds no objects. item
// returns one encoded JSON object.
func Generated(key string, n int, item func(i int) []byte) Option {
	return func(s *Server) { s.generated[key] = generator{n, item} }
}

// ClockSkew sets the Date header of every answer this far from the local
// clock.
func ClockSkew(d time.Duration) Option {
	return func(s *Server) { s.skew = d }
}

// Version sets the gitVersion /version reports (default v1.37.2).
func Version(v string) Option {
	return func(s *Server) { s.version = v }
}

// ServeHTTP answers one request; faults are applied first.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	throttled, reset := s.arrive(r)
	if s.skew != 0 {
		w.Header().Set("Date", time.Now().Add(s.skew).UTC().Format(http.TimeFormat))
	}
	if s.fault(w, r, throttled, reset) {
		return
	}
	s.route(w, r)
}

// arrive records r and spends one of its path's throttled answers and
// connection resets, saying which it got.
func (s *Server) arrive(r *http.Request) (throttled, reset bool) {
	p := r.URL.Path
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r.Method+" "+r.URL.RequestURI())
	throttled = s.throttle[p] > 0
	if throttled {
		s.throttle[p]--
	}
	reset = s.reset[p] > 0
	if reset {
		s.reset[p]--
	}
	return throttled, reset
}

// fault applies the faults set for r's path, in order: a 429, a canned
// failure (the path's, else AnyPath's), a closed connection, a delay. It
// reports whether r is done with (answered, dropped, or given up on by the
// client during the delay).
func (s *Server) fault(w http.ResponseWriter, r *http.Request, throttled, reset bool) bool {
	p := r.URL.Path
	if throttled {
		w.Header().Set("Retry-After", "1")
		writeStatus(w, http.StatusTooManyRequests, "TooManyRequests", "Too many requests, please try again later.")
		return true
	}
	if a, ok := s.failure(p); ok {
		writeStatus(w, a.code, reasonFor(a.code), a.body)
		return true
	}
	if reset {
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			_ = conn.Close()
		}
		return true
	}
	return !s.delay(r)
}

// failure returns the canned failure for a path, else the one for every
// path, if any.
func (s *Server) failure(p string) (answer, bool) {
	if a, ok := s.fail[p]; ok {
		return a, true
	}
	a, ok := s.fail[AnyPath]
	return a, ok
}

// delay waits as Slow set for r's path; it returns false if the client gave
// up first.
func (s *Server) delay(r *http.Request) bool {
	d := s.slow[r.URL.Path]
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// route answers a request no fault took: the SelfSubjectReview, /version,
// the health endpoints, discovery roots and resource paths; other methods
// than GET are refused.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	aggregated := strings.Contains(r.Header.Get("Accept"), "apidiscovery.k8s.io")
	switch {
	case r.Method == http.MethodPost && p == SelfSubjectReviewPath:
		writeJSON(w, map[string]any{"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview",
			"status": map[string]any{"userInfo": map[string]any{"username": s.user, "groups": s.groups}}})
	case r.Method != http.MethodGet:
		writeStatus(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "read-only fake")
	case p == "/version":
		writeJSON(w, map[string]string{"gitVersion": s.version, "platform": "linux/amd64"})
	case p == "/healthz" || p == "/livez" || p == "/readyz":
		a := s.health[p]
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(a.code)
		_, _ = w.Write([]byte(a.body))
	case p == "/api" || p == "/apis":
		s.discoveryRoot(w, p, aggregated)
	default:
		s.resourcePath(w, r)
	}
}

// reasonFor is the Status reason kube-apiserver gives a code.
func reasonFor(code int) string {
	switch code {
	case 400:
		return "BadRequest"
	case 401:
		return "Unauthorized"
	case 403:
		return "Forbidden"
	case 404:
		return "NotFound"
	case 409:
		return "Conflict"
	case 410:
		return "Expired"
	case 429:
		return "TooManyRequests"
	case 500:
		return "InternalError"
	case 503:
		return "ServiceUnavailable"
	case 504:
		return "Timeout"
	}
	return ""
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
