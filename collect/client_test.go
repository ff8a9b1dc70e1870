package collect

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/util/flowcontrol"
)

// testClient returns a client of srv with one slot and no retries.
func testClient(t *testing.T, srv *httptest.Server) *client {
	t.Helper()
	base, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return &client{http: srv.Client(), base: base, timeout: 5 * time.Second, slots: make(chan struct{}, 1)}
}

// failLimiter is a rate limiter whose Wait fails.
type failLimiter struct{ flowcontrol.RateLimiter }

func (failLimiter) Wait(context.Context) error { return errors.New("limiter closed") }

// TestAttempt: one try's outcome and its retry decision, for each kind of
// answer: 2xx (read or failing to read), 429 with and without Retry-After,
// 5xx with and without it, other errors, and failures before any answer.
func TestAttempt(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/echo" {
			_, _ = w.Write([]byte(r.Method + " " + r.Header.Get("Accept") + " " + r.Header.Get("Content-Type")))
			return
		}
		if ra := r.URL.Query().Get("ra"); ra != "" {
			w.Header().Set("Retry-After", ra)
		}
		switch r.URL.Path {
		case "/ok":
			_, _ = w.Write([]byte("fine"))
		case "/429":
			writeTestStatus(w, 429, "TooManyRequests")
		case "/503":
			writeTestStatus(w, 503, "ServiceUnavailable")
		case "/500text":
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(500)
			_, _ = w.Write([]byte("  boom \n"))
		case "/404":
			writeTestStatus(w, 404, "NotFound")
		}
	}))
	t.Cleanup(srv.Close)
	unexpectedEOF := func(io.Reader) error { return io.ErrUnexpectedEOF }
	cases := []struct {
		name    string
		method  string
		c       call
		consume func(io.Reader) error
		retries int // attempts before this one
		wait    time.Duration
		retry   bool
		status  int
		reason  string
		err     string // the error text, "" for none
		body    bool   // errBody kept
	}{
		{name: "ok", c: call{path: "/ok"}, status: 200},
		{name: "headers", c: call{path: "/echo", body: []byte("{}")}, method: "POST", status: 200},
		{name: "unreadable body retried", c: call{path: "/ok"}, consume: unexpectedEOF, status: 200, wait: 200 * time.Millisecond, retry: true,
			err: "unexpected error when reading response body. Please retry. Original error: unexpected EOF"},
		{name: "unreadable body, second retry", c: call{path: "/ok"}, consume: unexpectedEOF, retries: 1, status: 200, wait: 400 * time.Millisecond, retry: true,
			err: "unexpected error when reading response body. Please retry. Original error: unexpected EOF"},
		{name: "unreadable body, retries spent", c: call{path: "/ok"}, consume: unexpectedEOF, retries: 2, status: 200, wait: 800 * time.Millisecond,
			err: "unexpected error when reading response body. Please retry. Original error: unexpected EOF"},
		{name: "unreadable body, not a GET", method: "POST", c: call{path: "/ok"}, consume: unexpectedEOF, status: 200, wait: 200 * time.Millisecond,
			err: "unexpected error when reading response body. Please retry. Original error: unexpected EOF"},
		{name: "refused body", c: call{path: "/ok"}, consume: func(io.Reader) error { return errors.New("too big") }, status: 200, err: "too big"},
		{name: "429 without Retry-After", c: call{path: "/429"}, status: 429, reason: "TooManyRequests", wait: time.Second, retry: true, err: "x is TooManyRequests", body: true},
		{name: "429 with Retry-After", c: call{path: "/429?ra=3"}, status: 429, reason: "TooManyRequests", wait: 3 * time.Second, retry: true, err: "x is TooManyRequests", body: true},
		{name: "429 with Retry-After 0", c: call{path: "/429?ra=0"}, status: 429, reason: "TooManyRequests", retry: true, err: "x is TooManyRequests", body: true},
		{name: "503 with Retry-After", c: call{path: "/503?ra=2"}, status: 503, reason: "ServiceUnavailable", wait: 2 * time.Second, retry: true, err: "x is ServiceUnavailable", body: true},
		{name: "503 without Retry-After", c: call{path: "/503"}, status: 503, reason: "ServiceUnavailable", err: "x is ServiceUnavailable", body: true},
		{name: "503 with a bad Retry-After", c: call{path: "/503?ra=soon"}, status: 503, reason: "ServiceUnavailable", err: "x is ServiceUnavailable", body: true},
		{name: "500 text", c: call{path: "/500text?ra=4"}, status: 500, reason: "InternalError", wait: 4 * time.Second, retry: true,
			err: "an error on the server (\"boom\") has prevented the request from succeeding", body: true},
		{name: "404 with Retry-After", c: call{path: "/404?ra=1"}, status: 404, reason: "NotFound", err: "x is NotFound", body: true},
		{name: "bad method", method: "BAD METHOD", c: call{path: "/ok"}, err: `net/http: invalid method "BAD METHOD"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cl := testClient(t, srv)
			method := tc.method
			if method == "" {
				method = http.MethodGet
			}
			var got []byte
			consume := tc.consume
			if consume == nil {
				consume = readAll(&got, 100)
			}
			out := outcome{retries: tc.retries}
			wait, retry := cl.attempt(context.Background(), method, tc.c, consume, &out)
			if wait != tc.wait || retry != tc.retry {
				t.Errorf("attempt = %v, %v; want %v, %v", wait, retry, tc.wait, tc.retry)
			}
			if out.status != tc.status || out.reason != tc.reason || out.errText() != tc.err || out.retries != tc.retries || (len(out.errBody) > 0) != tc.body {
				t.Errorf("outcome %d %q %q retries %d body %q; want %d %q %q retries %d body %v",
					out.status, out.reason, out.errText(), out.retries, out.errBody, tc.status, tc.reason, tc.err, tc.retries, tc.body)
			}
			if tc.status != 0 && out.header == nil {
				t.Error("no header kept")
			}
			if tc.c.path == "/echo" && string(got) != "POST application/json application/json" {
				t.Errorf("request sent as %q", got)
			}
			if len(cl.slots) != 0 {
				t.Error("slot not released")
			}
		})
	}
}

// writeTestStatus writes a Status whose message is "x is <reason>".
func writeTestStatus(w http.ResponseWriter, code int, reason string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(`{"kind":"Status","apiVersion":"v1","status":"Failure","message":"x is ` + reason + `","reason":"` + reason + `"}`))
}

// TestAttemptBeforeAnswer: a cancelled wait for a slot, a failing rate
// limiter and a dropped connection fail the try; only the dropped GET is
// retried.
func TestAttemptBeforeAnswer(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			_ = conn.Close()
		}
	}))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	busy := testClient(t, srv)
	busy.slots <- struct{}{}
	out := outcome{retries: 1}
	if wait, retry := busy.attempt(ctx, http.MethodGet, call{path: "/x"}, nil, &out); wait != 0 || retry || out.err != context.Canceled || out.retries != 1 {
		t.Errorf("no slot: %v %v %+v", wait, retry, out)
	}
	limited := testClient(t, srv)
	limited.limiter = failLimiter{}
	out = outcome{retries: 1}
	if wait, retry := limited.attempt(context.Background(), http.MethodGet, call{path: "/x"}, nil, &out); wait != 0 || retry || out.errText() != "limiter closed" || out.retries != 1 || len(limited.slots) != 0 {
		t.Errorf("limiter: %v %v %+v, %d slots taken", wait, retry, out, len(limited.slots))
	}
	for _, tc := range []struct {
		method  string
		retries int
		retry   bool
	}{{http.MethodGet, 0, true}, {http.MethodGet, 1, true}, {http.MethodGet, 2, false}, {http.MethodPost, 0, false}} {
		cl := testClient(t, srv)
		cl.http.Transport.(*http.Transport).DisableKeepAlives = true
		out := outcome{retries: tc.retries}
		wait, retry := cl.attempt(context.Background(), tc.method, call{path: "/x"}, nil, &out)
		if want := 200 * time.Millisecond << tc.retries; wait != want || retry != tc.retry || out.status != 0 || !strings.Contains(out.errText(), "EOF") {
			t.Errorf("%s after %d retries, dropped: %v %v %+v; want %v %v", tc.method, tc.retries, wait, retry, out, want, tc.retry)
		}
	}
}
