package collect

import (
	"context"
	"encoding/json"
	"net/url"
	"sort"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/nsbundle/nsbundle/bundle"
)

// components are the control-plane and add-on components whose pods in
// kube-system get their logs collected.
var components = []string{
	"kube-apiserver", "kube-controller-manager", "kube-scheduler",
	"cloud-controller-manager", "metrics-server", "etcd",
}

// podInfo is what log collection needs of a Pod.
type podInfo struct {
	Metadata struct {
		Name      string            `json:"name"`
		Namespace string            `json:"namespace"`
		Labels    map[string]string `json:"labels"`
	} `json:"metadata"`
	Spec struct {
		Containers []struct {
			Name string `json:"name"`
		} `json:"containers"`
	} `json:"spec"`
	Status struct {
		ContainerStatuses []struct {
			Name         string `json:"name"`
			RestartCount int    `json:"restartCount"`
		} `json:"containerStatuses"`
	} `json:"status"`
}

// componentOf names the component a kube-system pod runs, or "".
func componentOf(p podInfo) string {
	cands := []string{p.Metadata.Name, p.Metadata.Labels["component"], p.Metadata.Labels["k8s-app"],
		p.Metadata.Labels["app.kubernetes.io/name"], p.Metadata.Labels["app"]}
	for _, c := range p.Spec.Containers {
		cands = append(cands, c.Name)
	}
	for _, comp := range components {
		for _, s := range cands {
			if s == comp || strings.HasPrefix(s, comp+"-") {
				return comp
			}
		}
	}
	return ""
}

// logTarget is one pod whose logs are collected.
type logTarget struct {
	pod       podInfo
	component string
}

// logs collects the logs of control-plane pods in kube-system and of the
// pods behind every Service an APIService, webhook or CRD conversion uses.
func (r *run) logs(ctx context.Context, wg *sync.WaitGroup) {
	targets := map[string]logTarget{}
	add := func(p podInfo, comp string) {
		k := p.Metadata.Namespace + "/" + p.Metadata.Name
		if _, ok := targets[k]; !ok {
			targets[k] = logTarget{p, comp}
		}
	}
	for _, p := range r.listPods(ctx, "kube-system", "", 0) {
		if comp := componentOf(p); comp != "" {
			add(p, comp)
		}
	}
	r.mu.Lock()
	refs := make([]serviceRef, 0, len(r.refs))
	for ref := range r.refs {
		refs = append(refs, ref)
	}
	r.mu.Unlock()
	sort.Slice(refs, func(i, j int) bool { return refs[i].namespace+"/"+refs[i].name < refs[j].namespace+"/"+refs[j].name })
	for _, ref := range refs {
		sel, ok := r.serviceSelector(ctx, ref)
		if !ok {
			continue
		}
		for _, p := range r.listPods(ctx, ref.namespace, sel, r.o.MaxPodsPerService) {
			add(p, "service "+ref.namespace+"/"+ref.name)
		}
	}
	keys := make([]string, 0, len(targets))
	for k := range targets {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t := targets[k]
		restarts := map[string]int{}
		for _, cs := range t.pod.Status.ContainerStatuses {
			restarts[cs.Name] = cs.RestartCount
		}
		for _, c := range t.pod.Spec.Containers {
			r.rec.expect(PhaseLogs, 1)
			wg.Go(func() { r.podLog(ctx, t, c.Name, false) })
			if restarts[c.Name] > 0 {
				r.rec.expect(PhaseLogs, 1)
				wg.Go(func() { r.podLog(ctx, t, c.Name, true) })
			}
		}
	}
}

// listPods lists pods in ns matching selector (at most limit, 0: all),
// recording the request; the pods themselves are in the pods List already.
func (r *run) listPods(ctx context.Context, ns, selector string, limit int) []podInfo {
	var pods []podInfo
	pg := &pager{r: r, onPage: func(p page) (bool, error) {
		for _, it := range p.items {
			var pi podInfo
			if err := json.Unmarshal(it, &pi); err != nil {
				return false, err
			}
			if pi.Metadata.Namespace == "" {
				pi.Metadata.Namespace = ns
			}
			pods = append(pods, pi)
			if limit > 0 && len(pods) >= limit {
				return false, nil
			}
		}
		return true, nil
	}}
	p := "/api/v1/namespaces/" + url.PathEscape(ns) + "/pods"
	if selector != "" {
		// The pager adds limit and continue; the selector rides along.
		p += "?labelSelector=" + url.QueryEscape(selector)
	}
	req := pg.list(ctx, p, call{gr: schema.GroupResource{Resource: "pods"}})
	req.Count = len(pods)
	r.rec.request(req)
	if req.Error != "" {
		r.rec.miss("logs: pods in "+ns, req.Status, req.Error)
	}
	return pods
}

// serviceSelector reads a Service's selector. A missing Service is evidence
// (the APIService or webhook points at nothing), not missing data.
func (r *run) serviceSelector(ctx context.Context, ref serviceRef) (string, bool) {
	p := "/api/v1/namespaces/" + url.PathEscape(ref.namespace) + "/services/" + url.PathEscape(ref.name)
	var data []byte
	out := r.c.do(ctx, call{path: p, gr: schema.GroupResource{Resource: "services"}, name: ref.name}, readAll(&data, 16<<20))
	r.rec.request(bundle.Request{Path: p, Verb: "get", Status: out.status, Reason: out.reason, Error: out.errText(), Retries: out.retries})
	if out.err != nil {
		if out.status != 404 {
			r.rec.miss("logs: service "+ref.namespace+"/"+ref.name, out.status, out.errText())
		}
		return "", false
	}
	var svc struct {
		Spec struct {
			Selector map[string]string `json:"selector"`
		} `json:"spec"`
	}
	if json.Unmarshal(data, &svc) != nil || len(svc.Spec.Selector) == 0 {
		return "", false
	}
	return labels.SelectorFromSet(svc.Spec.Selector).String(), true
}

// logPath is logs/<namespace>/<pod>/<container>[.previous].log.
func logPath(ns, pod, container string, previous bool) string {
	return bundle.PodLogPath{Namespace: ns, Pod: pod, Container: container, Previous: previous}.String()
}
