package collecttest

import (
	"encoding/json"
	"net/http"
	"strings"
)

// served returns the served resource types by group-version, with the
// empty MetricsGroupVersion.
func (s *Server) served() map[string][]Resource {
	out := map[string][]Resource{}
	for _, rt := range s.resources {
		if s.hidden[rt.Key()] {
			continue
		}
		out[rt.GroupVersion()] = append(out[rt.GroupVersion()], rt)
	}
	out[MetricsGroupVersion] = nil
	return out
}

// kindOf returns the kind of a resource's items, or "".
func (s *Server) kindOf(resource string) string {
	for _, rt := range s.resources {
		if rt.Resource == resource {
			return rt.Kind
		}
	}
	return ""
}

// discoveryRoot serves /api and /apis, legacy or aggregated.
func (s *Server) discoveryRoot(w http.ResponseWriter, p string, aggregated bool) {
	gvs := s.served()
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
			if rt.Namespaced {
				scope = "Namespaced"
			}
			res = append(res, map[string]any{"resource": rt.Resource, "scope": scope, "responseKind": map[string]any{"kind": rt.Kind},
				"verbs": []string{"get", "list", "watch", "delete"}})
		}
		fresh := "Current"
		if s.unavailable[gv] {
			fresh, res = "Stale", nil
		}
		items = append(items, map[string]any{"metadata": map[string]any{"name": g},
			"versions": []any{map[string]any{"version": v, "resources": res, "freshness": fresh}}})
	}
	w.Header().Set("Content-Type", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
	_ = json.NewEncoder(w).Encode(map[string]any{"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "items": items})
}

// groupVersion serves the discovery of one group-version.
func (s *Server) groupVersion(w http.ResponseWriter, gv string) {
	if s.unavailable[gv] {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("service unavailable\n"))
		return
	}
	rts, ok := s.served()[gv]
	if !ok {
		writeStatus(w, http.StatusNotFound, "NotFound", "the server could not find the requested resource")
		return
	}
	var res []any
	for _, rt := range rts {
		res = append(res, map[string]any{"name": rt.Resource, "namespaced": rt.Namespaced, "kind": rt.Kind,
			"verbs": []string{"get", "list", "watch", "delete"}})
	}
	writeJSON(w, map[string]any{"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": res})
}
