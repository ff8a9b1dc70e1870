package collecttest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// get sends GET path to the server cfg points at and returns the status
// and body.
func get(t *testing.T, cfg *rest.Config, path string) (int, string) {
	t.Helper()
	hc, err := rest.HTTPClientFor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, cfg.Host+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func TestServer(t *testing.T) {
	t.Parallel()
	pods := []map[string]any{Pod("a", "p1", nil, []string{"c"}, 0), Pod("b", "p2", nil, []string{"c"}, 0), Pod("a", "p3", nil, []string{"c"}, 0)}
	s := NewServer(t, Objects("v1/pods", pods...), Forbidden("secrets"), Fail("/api/v1/nodes", 500, "etcd is down"),
		Unavailable(MetricsGroupVersion), Hidden("apps/v1/deployments"), Log("a", "p1", "c", "one\ntwo\nthree\n"),
		Serve(Resource{"example.org", "v2", "gadgets", "Gadget", false}), Version("v1.30.14"))
	cfg := s.Config()
	cases := []struct {
		path string
		code int
		has  string
	}{
		{"/version", 200, `"gitVersion":"v1.30.14"`},
		{"/apis/example.org/v2", 200, `"kind":"Gadget"`},
		{"/apis/example.org/v2/gadgets", 200, `"kind":"GadgetList"`},
		{"/readyz", 200, "readyz check passed"},
		{"/api/v1/pods?limit=2", 200, `"continue":"2"`},
		{"/api/v1/pods?limit=2&continue=2", 200, `"name":"p3"`},
		{"/api/v1/namespaces/b/pods", 200, `"name":"p2"`},
		{"/api/v1/namespaces/a/pods/p3", 200, `"name":"p3"`},
		{"/api/v1/namespaces/a/pods/p2", 404, `pods \"p2\" not found`},
		{"/api/v1/namespaces/a/pods/p1/log?container=c&tailLines=2", 200, "two\nthree\n"},
		{"/api/v1/secrets", 403, `secrets is forbidden: User \"alice\" cannot list resource \"secrets\" in API group \"\" at the cluster scope`},
		{"/api/v1/nodes", 500, `"reason":"InternalError"`},
		{"/apis/metrics.k8s.io/v1beta1", 503, "service unavailable"},
		{"/apis/apps/v1", 200, `"name":"statefulsets"`},
		{"/apis/nope/v1", 404, "could not find"},
	}
	for _, tc := range cases {
		code, body := get(t, cfg, tc.path)
		if code != tc.code || !strings.Contains(body, tc.has) {
			t.Errorf("GET %s: %d %.300s; want %d with %q", tc.path, code, body, tc.code, tc.has)
		}
	}
	if _, body := get(t, cfg, "/apis/apps/v1"); strings.Contains(body, `"name":"deployments"`) {
		t.Errorf("hidden deployments are served: %s", body)
	}
	if got := s.Requests(); len(got) != len(cases)+1 || got[0] != "GET /version" {
		t.Errorf("requests: %q", got)
	}
}

func TestFailAnyPath(t *testing.T) {
	t.Parallel()
	s := NewServer(t, Fail(AnyPath, 401, "Unauthorized"))
	for _, p := range []string{"/version", "/apis", "/api/v1/pods"} {
		code, body := get(t, s.Config(), p)
		var st struct{ Reason string }
		if code != 401 || json.Unmarshal([]byte(body), &st) != nil || st.Reason != "Unauthorized" {
			t.Errorf("GET %s: %d %s", p, code, body)
		}
	}
}

func TestKubeconfig(t *testing.T) {
	t.Parallel()
	s := NewServer(t, HealthyCluster()...)
	cfg, err := clientcmd.BuildConfigFromFlags("", s.Kubeconfig(t))
	if err != nil {
		t.Fatal(err)
	}
	if code, body := get(t, cfg, "/api/v1/namespaces"); code != 200 || !strings.Contains(body, `"name":"kube-system"`) {
		t.Errorf("through the kubeconfig: %d %s", code, body)
	}

	refused := WriteKubeconfig(t, RefusedURL(t), s.CA())
	cfg, err = clientcmd.BuildConfigFromFlags("", refused)
	if err != nil {
		t.Fatal(err)
	}
	hc, _ := rest.HTTPClientFor(cfg)
	if _, err := hc.Get(cfg.Host + "/version"); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("RefusedURL: %v, want connection refused", err)
	}
}

// TestServeFaults: faults come first and in order (throttle, then a failure,
// then a reset, then a delay), each request is recorded, a skewed clock
// dates every answer, and only GETs (and the SelfSubjectReview) are served.
func TestServeFaults(t *testing.T) {
	t.Parallel()
	s := NewServer(t, Throttle("/api/v1/nodes", 1), Fail("/api/v1/nodes", 500, "etcd is down"),
		Reset("/version", 1), Reset("/api/v1/pods", 1), Fail("/api/v1/pods", 503, "busy"),
		Slow("/livez", 100*time.Millisecond), ClockSkew(-time.Hour))
	cases := []struct {
		method, path string
		code         int // 0: the connection is closed without an answer
		has          string
		header       string // "Name: value" the answer must carry
	}{
		{"GET", "/api/v1/nodes", 429, `"reason":"TooManyRequests"`, "Retry-After: 1"},
		{"GET", "/api/v1/nodes", 500, `"message":"etcd is down","metadata":{},"reason":"InternalError"`, "Content-Type: application/json"},
		{"GET", "/version", 0, "", ""},
		{"GET", "/version", 200, `"gitVersion":"v1.37.2"`, ""},
		{"GET", "/api/v1/pods", 503, `"reason":"ServiceUnavailable"`, ""}, // the failure wins, and the reset is spent
		{"GET", "/api/v1/pods", 503, `"message":"busy"`, ""},
		{"GET", "/livez", 200, "livez check passed", "Content-Type: text/plain; charset=utf-8"},
		{"POST", "/version", 405, `"reason":"MethodNotAllowed"`, ""},
		{"POST", SelfSubjectReviewPath, 200, `"username":"alice"`, ""},
	}
	var want []string
	for _, tc := range cases {
		want = append(want, tc.method+" "+tc.path)
		// A fresh connection each time: Go's transport would retry a GET
		// whose reused connection closed.
		tr := s.srv.Client().Transport.(*http.Transport).Clone()
		tr.DisableKeepAlives = true
		req, err := http.NewRequestWithContext(context.Background(), tc.method, s.URL+tc.path, strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.Now()
		resp, err := (&http.Client{Transport: tr}).Do(req)
		if tc.code == 0 {
			if err == nil {
				resp.Body.Close()
				t.Errorf("%s %s: answered %d, want the connection closed", tc.method, tc.path, resp.StatusCode)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s %s: %v", tc.method, tc.path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.code || !strings.Contains(string(body), tc.has) {
			t.Errorf("%s %s: %d %.300s; want %d with %q", tc.method, tc.path, resp.StatusCode, body, tc.code, tc.has)
		}
		if name, value, ok := strings.Cut(tc.header, ": "); ok && resp.Header.Get(name) != value {
			t.Errorf("%s %s: %s %q, want %q", tc.method, tc.path, name, resp.Header.Get(name), value)
		}
		if d, err := http.ParseTime(resp.Header.Get("Date")); err != nil || time.Until(d) > -59*time.Minute || time.Until(d) < -61*time.Minute {
			t.Errorf("%s %s: Date %q, want an hour ago", tc.method, tc.path, resp.Header.Get("Date"))
		}
		if tc.path == "/livez" && time.Since(t0) < 100*time.Millisecond {
			t.Errorf("slow /livez answered after %v", time.Since(t0))
		}
	}
	if got := s.Requests(); !slices.Equal(got, want) {
		t.Errorf("requests %q, want %q", got, want)
	}
}
