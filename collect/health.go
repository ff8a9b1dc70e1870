package collect

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/nsbundle/nsbundle/bundle"
)

// selfSubjectReviewPath is the identity review: a create that persists nothing.
const selfSubjectReviewPath = "/apis/authentication.k8s.io/v1/selfsubjectreviews"

// healthEndpoints are stored verbatim, whatever their status: a failing
// /readyz?verbose is evidence.
var healthEndpoints = []struct{ path, file string }{
	{"/version", bundle.VersionPath},
	{"/healthz", bundle.HealthzPath},
	{"/readyz?verbose", bundle.ReadyzPath},
	{"/livez?verbose", bundle.LivezPath},
}

// health collects who we are and the server's version and health.
func (r *run) health(ctx context.Context) {
	r.rec.expect(PhaseIdentity, 1+len(healthEndpoints))
	var wg sync.WaitGroup
	wg.Go(func() { r.identify(ctx) })
	for _, h := range healthEndpoints {
		wg.Go(func() { r.healthEndpoint(ctx, h.path, h.file) })
	}
	wg.Wait()
}

func (r *run) identify(ctx context.Context) {
	body := []byte(`{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}`)
	var data []byte
	start := time.Now()
	out := r.c.do(ctx, call{method: http.MethodPost, path: selfSubjectReviewPath, body: body}, readAll(&data, maxErrorBody))
	req := bundle.Request{Path: selfSubjectReviewPath, Verb: "create", Status: out.status, Reason: out.reason,
		Error: out.errText(), Retries: out.retries, DurationMillis: time.Since(start).Milliseconds()}
	id := bundle.Identity{Error: out.errText()}
	if out.err == nil {
		var ssr struct {
			Status struct {
				UserInfo struct {
					Username string   `json:"username"`
					UID      string   `json:"uid"`
					Groups   []string `json:"groups"`
				} `json:"userInfo"`
			} `json:"status"`
		}
		if err := json.Unmarshal(data, &ssr); err != nil {
			id.Error = "decode SelfSubjectReview: " + err.Error()
		} else {
			u := ssr.Status.UserInfo
			id = bundle.Identity{Username: u.Username, UID: u.UID, Groups: u.Groups}
		}
		req.File = bundle.SelfSubjectReviewPath
		req.Bytes = int64(len(data))
		if !r.writeFile(req.File, data) {
			return
		}
	} else if out.status != 404 {
		// 404: a server older than SelfSubjectReview v1 (1.28); the
		// manifest says so in collectedBy.error, nothing else is missing.
		r.rec.miss("identity", out.status, out.errText())
	}
	r.rec.request(req)
	r.mu.Lock()
	r.identity = id
	r.mu.Unlock()
	r.rec.event(Event{Phase: PhaseIdentity, Item: "identity " + id.Username, Err: id.Error})
}

func (r *run) healthEndpoint(ctx context.Context, p, file string) {
	var data []byte
	start := time.Now()
	out := r.c.do(ctx, call{path: p, accept: "application/json, */*"}, readAll(&data, maxErrorBody))
	req := bundle.Request{Path: p, Verb: "get", Status: out.status, Reason: out.reason, Error: out.errText(),
		Retries: out.retries, DurationMillis: time.Since(start).Milliseconds()}
	if out.err != nil && out.status != 0 {
		data = out.errBody // a failing health check explains itself
	}
	if out.status != 0 && (out.err == nil || len(data) > 0) {
		req.File, req.Bytes = file, int64(len(data))
		if !r.writeFile(file, data) {
			return
		}
	}
	// A failing health check (5xx with its verbose body) is evidence; no
	// answer, or a 4xx such as 403, means the evidence is missing.
	if out.status == 0 || (out.err != nil && (p == "/version" || out.status < 500)) {
		r.rec.miss(p, out.status, out.errText())
	}
	if p == "/version" && out.err == nil {
		var v struct {
			GitVersion string `json:"gitVersion"`
			Platform   string `json:"platform"`
		}
		if json.Unmarshal(data, &v) == nil {
			r.mu.Lock()
			r.cluster.GitVersion, r.cluster.Platform = v.GitVersion, v.Platform
			r.mu.Unlock()
		}
	}
	r.rec.request(req)
	r.rec.event(Event{Phase: PhaseIdentity, Item: p, Bytes: req.Bytes, Err: req.Error})
}
