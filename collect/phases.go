package collect

import (
	"context"
	"encoding/json"
	"sync"
)

// serviceRef is a Service an APIService, webhook or CRD conversion points at.
type serviceRef struct{ namespace, name string }

// serviceRefs maps each referenced Service to who references it, e.g.
// "apiservice v1beta1.metrics.k8s.io".
type serviceRefs map[serviceRef]string

// resources lists every default resource type concurrently; when the
// namespaces list is done it starts the Terminating inventories, and when
// the APIService, webhook and CRD lists are done it starts the logs.
func (r *run) resources(ctx context.Context, wg *sync.WaitGroup) {
	var refsDone sync.WaitGroup
	r.rec.expect(PhaseResources, len(defaultResources))
	// Endpoints wait for the EndpointSlices list: written only if it failed.
	slicesFirst := !r.o.KeepEverything && r.disc.shows(endpointSliceGV, endpointSlices)
	var endpoints *resourceType
	for _, rt := range defaultResources {
		if slicesFirst && isCoreEndpoints(rt) && r.disc.served(rt.groupVersion(), rt.resource) {
			endpoints = &rt
		}
	}
	for _, rt := range defaultResources {
		if !r.disc.served(rt.groupVersion(), rt.resource) {
			r.rec.omit(rt.label(), rt.groupVersion(), "not served by this cluster (discovery)", 1)
			r.rec.event(Event{Phase: PhaseResources, Item: rt.label() + " (not served)"})
			continue
		}
		if slicesFirst && isCoreEndpoints(rt) {
			continue
		}
		var observe func([]byte)
		after := func(bool) {}
		if slicesFirst && rt.groupVersion() == endpointSliceGV && rt.resource == endpointSlices {
			after = func(ok bool) { r.endpointsFallback(ctx, endpoints, ok) }
		}
		switch rt.resource {
		case "namespaces":
			var terminating []string
			observe = func(item []byte) {
				if ns, ok := terminatingNamespace(item); ok {
					terminating = append(terminating, ns)
				}
			}
			after = func(bool) { r.terminating(ctx, wg, terminating) }
		case "apiservices", "validatingwebhookconfigurations", "mutatingwebhookconfigurations", "customresourcedefinitions":
			refsDone.Add(1)
			observe = func(item []byte) { r.addRefs(rt.resource, item) }
			after = func(bool) { refsDone.Done() }
		}
		wg.Go(func() {
			after(r.listResource(ctx, rt, observe))
		})
	}
	wg.Go(func() {
		refsDone.Wait()
		r.logs(ctx, wg)
	})
}

// endpointsFallback lists core/v1 Endpoints (rt; nil when not served) only
// if the EndpointSlices list failed (slicesOK false), so the analyzer has
// them to fall back on; otherwise it records their omission.
func (r *run) endpointsFallback(ctx context.Context, rt *resourceType, slicesOK bool) {
	switch {
	case rt == nil:
	case slicesOK:
		r.rec.omitUncounted(OmitEndpoints, rt.label(), OmitEndpointsWhy)
		r.rec.event(Event{Phase: PhaseResources, Item: rt.label() + " (omitted: EndpointSlices listed)"})
	default:
		r.listResource(ctx, *rt, nil)
	}
}

// terminatingNamespace reports whether a Namespace item is being deleted.
func terminatingNamespace(item []byte) (string, bool) {
	var ns struct {
		Metadata struct {
			Name              string  `json:"name"`
			DeletionTimestamp *string `json:"deletionTimestamp"`
		} `json:"metadata"`
		Status struct {
			Phase string `json:"phase"`
		} `json:"status"`
	}
	if json.Unmarshal(item, &ns) != nil || ns.Metadata.Name == "" {
		return "", false
	}
	return ns.Metadata.Name, ns.Status.Phase == "Terminating" || ns.Metadata.DeletionTimestamp != nil
}

// clientConfig is the part of a webhook client config naming a Service.
type clientConfig struct {
	Service *struct {
		Namespace string `json:"namespace"`
		Name      string `json:"name"`
	} `json:"service"`
}

// addRefs records the Services an APIService, webhook configuration or CRD
// (conversion webhook) item points at.
func (r *run) addRefs(resource string, item []byte) {
	var obj struct {
		Metadata struct {
			Name string `json:"name"`
		} `json:"metadata"`
		Spec struct {
			Service    *struct{ Namespace, Name string } `json:"service"`
			Conversion *struct {
				Webhook *struct {
					ClientConfig clientConfig `json:"clientConfig"`
				} `json:"webhook"`
			} `json:"conversion"`
		} `json:"spec"`
		Webhooks []struct {
			Name         string       `json:"name"`
			ClientConfig clientConfig `json:"clientConfig"`
		} `json:"webhooks"`
	}
	if json.Unmarshal(item, &obj) != nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	add := func(ns, name, by string) {
		if ns == "" || name == "" {
			return
		}
		if _, ok := r.refs[serviceRef{ns, name}]; !ok {
			r.refs[serviceRef{ns, name}] = by
		}
	}
	switch resource {
	case "apiservices":
		if s := obj.Spec.Service; s != nil {
			add(s.Namespace, s.Name, "apiservice "+obj.Metadata.Name)
		}
	case "customresourcedefinitions":
		if c := obj.Spec.Conversion; c != nil && c.Webhook != nil && c.Webhook.ClientConfig.Service != nil {
			s := c.Webhook.ClientConfig.Service
			add(s.Namespace, s.Name, "conversion "+obj.Metadata.Name)
		}
	default:
		for _, wh := range obj.Webhooks {
			if s := wh.ClientConfig.Service; s != nil {
				add(s.Namespace, s.Name, "webhook "+wh.Name)
			}
		}
	}
}
