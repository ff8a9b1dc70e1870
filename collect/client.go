package collect

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/util/flowcontrol"
)

// Accept headers the collector sends.
const (
	acceptJSON       = "application/json"
	acceptAggregated = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"
	acceptMetadata   = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"
)

// maxNetRetries bounds retries after connection resets.
const maxNetRetries = 2

// maxErrorBody caps how much of an error response is read.
const maxErrorBody = 1 << 20

// client sends raw requests to the API server: it keeps going on partial
// failure, bounds concurrency, retries and waits, and turns every failure
// into the text client-go would print.
type client struct {
	http    *http.Client
	base    *url.URL
	timeout time.Duration
	retries int
	maxWait time.Duration
	limiter flowcontrol.RateLimiter
	slots   chan struct{}
}

func newClient(cfg *rest.Config, o Options) (*client, error) {
	cfg = rest.CopyConfig(cfg)
	if cfg.UserAgent == "" {
		cfg.UserAgent = o.Tool.Name + "/" + o.Tool.Version
	}
	hc, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return nil, fmt.Errorf("build http client: %w", err)
	}
	base, _, err := rest.DefaultServerUrlFor(cfg)
	if err != nil {
		return nil, fmt.Errorf("server url: %w", err)
	}
	base.Path = strings.TrimSuffix(base.Path, "/")
	c := &client{
		http:    hc,
		base:    base,
		timeout: o.Timeout,
		retries: o.MaxRetries,
		maxWait: o.MaxRetryWait,
		slots:   make(chan struct{}, o.Concurrency),
	}
	if o.QPS > 0 {
		c.limiter = flowcontrol.NewTokenBucketRateLimiter(o.QPS, o.Burst)
	}
	return c, nil
}

// call describes one request.
type call struct {
	method string // GET unless set
	path   string // absolute path with query, e.g. "/api/v1/pods?limit=500"
	accept string
	body   []byte
	// gr and name shape the error text as client-go's typed clients print it,
	// e.g. "... (get pods)"; empty for discovery and other absolute paths.
	gr   schema.GroupResource
	name string
}

// outcome is what a request came to.
type outcome struct {
	status  int
	reason  string
	err     error
	retries int
	// errBody is the (capped) body of a non-2xx response.
	errBody []byte
	header  http.Header
}

// errText returns the error text, or "" on success.
func (o outcome) errText() string {
	if o.err == nil {
		return ""
	}
	return o.err.Error()
}

// do sends c and, on a 2xx response, passes the body to consume. consume may
// run once per attempt and must start afresh each time. do retries 429 and
// 5xx responses that carry Retry-After, and connection resets, at most
// MaxRetries times, each wait capped by MaxRetryWait.
func (cl *client) do(ctx context.Context, c call, consume func(io.Reader) error) outcome {
	method := c.method
	if method == "" {
		method = http.MethodGet
	}
	var out outcome
	for attempt := 0; ; attempt++ {
		out.retries = attempt
		wait, retry := cl.attempt(ctx, method, c, consume, &out)
		if !retry || attempt >= cl.retries || ctx.Err() != nil {
			return out
		}
		if wait > cl.maxWait {
			wait = cl.maxWait
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return out
		case <-t.C:
		}
	}
}

// attempt makes one try; it fills out and says whether (and after how long)
// to retry.
func (cl *client) attempt(ctx context.Context, method string, c call, consume func(io.Reader) error, out *outcome) (time.Duration, bool) {
	if err := cl.acquire(ctx); err != nil {
		*out = outcome{err: err, retries: out.retries}
		return 0, false
	}
	defer func() { <-cl.slots }()
	actx, cancel := context.WithTimeout(ctx, cl.timeout)
	defer cancel()
	req, err := cl.newRequest(actx, method, c)
	if err != nil {
		*out = outcome{err: err, retries: out.retries}
		return 0, false
	}
	resp, err := cl.http.Do(req)
	if err != nil {
		*out = outcome{err: err, retries: out.retries}
		wait, retry := netRetry(method, out.retries)
		return wait, retry && retryableNetError(err)
	}
	defer resp.Body.Close()
	*out = outcome{status: resp.StatusCode, header: resp.Header, retries: out.retries}
	if resp.StatusCode >= 200 && resp.StatusCode <= 206 {
		return consumeBody(resp, method, consume, out)
	}
	readFailure(resp, method, c, out)
	return statusRetry(resp)
}

// acquire takes a concurrency slot, then waits for the rate limiter. On
// success the caller holds the slot and gives it back with <-cl.slots; on
// failure no slot is held.
func (cl *client) acquire(ctx context.Context) error {
	select {
	case cl.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	if cl.limiter != nil {
		if err := cl.limiter.Wait(ctx); err != nil {
			<-cl.slots
			return err
		}
	}
	return nil
}

// newRequest builds the HTTP request for c: its body, the Accept header
// (JSON unless c says otherwise) and, with a body, its Content-Type.
func (cl *client) newRequest(ctx context.Context, method string, c call) (*http.Request, error) {
	var body io.Reader
	if c.body != nil {
		body = bytes.NewReader(c.body)
	}
	req, err := http.NewRequestWithContext(ctx, method, cl.base.String()+c.path, body)
	if err != nil {
		return nil, err
	}
	accept := c.accept
	if accept == "" {
		accept = acceptJSON
	}
	req.Header.Set("Accept", accept)
	if c.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// netRetry is the backoff after a connection failure that follows retries
// earlier tries (200ms, doubling), and whether the method may retry it
// (a GET, fewer than maxNetRetries times); the caller also checks the
// failure is retryable.
func netRetry(method string, retries int) (time.Duration, bool) {
	return 200 * time.Millisecond << retries, method == http.MethodGet && retries < maxNetRetries
}

// consumeBody passes a 2xx response's body to consume, recording its error
// in out; a connection failure while reading is worded as client-go words
// it and retried as netRetry says.
func consumeBody(resp *http.Response, method string, consume func(io.Reader) error, out *outcome) (time.Duration, bool) {
	if err := consume(resp.Body); err != nil {
		out.err = err
		if retryableNetError(err) {
			out.err = fmt.Errorf("unexpected error when reading response body. Please retry. Original error: %w", err)
			return netRetry(method, out.retries)
		}
	}
	return 0, false
}

// readFailure records a non-2xx response in out: its (capped) body, the
// error client-go would return and that error's reason.
func readFailure(resp *http.Response, method string, c call, out *outcome) {
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	out.errBody = data
	serr := statusError(resp, data, method, c.gr, c.name)
	out.err = serr
	out.reason = string(serr.ErrStatus.Reason)
}

// statusRetry says whether, and after how long, to retry a non-2xx
// response: a 429 always (after its Retry-After, 1s without one), a 5xx
// only with a Retry-After, after it; nothing else.
func statusRetry(resp *http.Response) (time.Duration, bool) {
	secs, hasRetryAfter := retryAfter(resp)
	if resp.StatusCode == http.StatusTooManyRequests && !hasRetryAfter {
		secs = 1
	}
	if resp.StatusCode == http.StatusTooManyRequests || (resp.StatusCode >= 500 && hasRetryAfter) {
		return time.Duration(secs) * time.Second, true
	}
	return 0, false
}

// statusError builds the error client-go would return for a non-2xx
// response: the server's Status when the body is one, else a generic error.
func statusError(resp *http.Response, body []byte, method string, gr schema.GroupResource, name string) *apierrors.StatusError {
	var st metav1.Status
	if json.Unmarshal(body, &st) == nil && st.Status == metav1.StatusFailure {
		if st.Code == 0 {
			st.Code = int32(resp.StatusCode)
		}
		return &apierrors.StatusError{ErrStatus: st}
	}
	if len(body) > 2048 {
		body = body[:2048]
	}
	message := "unknown"
	if isText(resp) {
		message = strings.TrimSpace(string(body))
	}
	secs, _ := retryAfter(resp)
	return apierrors.NewGenericServerResponse(resp.StatusCode, method, gr, name, message, secs, true)
}

func isText(resp *http.Response) bool {
	ct := resp.Header.Get("Content-Type")
	if ct == "" {
		return true
	}
	media, _, err := mime.ParseMediaType(ct)
	return err == nil && strings.HasPrefix(media, "text/")
}

func retryAfter(resp *http.Response) (int, bool) {
	if h := resp.Header.Get("Retry-After"); h != "" {
		if i, err := strconv.Atoi(h); err == nil && i >= 0 {
			return i, true
		}
	}
	return 0, false
}

// retryableNetError reports connection resets and early EOFs, which a GET
// may retry; timeouts are not retried (each would cost another timeout).
func retryableNetError(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return false
	}
	return errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, net.ErrClosed) || strings.Contains(err.Error(), "connection reset by peer")
}

// readAll returns a consume function that reads the whole body into *dst,
// refusing more than limit bytes.
func readAll(dst *[]byte, limit int64) func(io.Reader) error {
	return func(r io.Reader) error {
		buf := bytes.NewBuffer((*dst)[:0])
		n, err := buf.ReadFrom(io.LimitReader(r, limit+1))
		*dst = buf.Bytes()
		if err != nil {
			return err
		}
		if n > limit {
			return fmt.Errorf("response larger than %d bytes", limit)
		}
		return nil
	}
}
