package collecttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// resourcePath serves /api/v1[/namespaces/<ns>]/<resource>[/<name>[/log]]
// and the same under /apis/<group>/<version>.
func (s *Server) resourcePath(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	var group, version string
	switch {
	case parts[0] == "api" && len(parts) >= 2:
		version, parts = parts[1], parts[2:]
	case parts[0] == "apis" && len(parts) >= 3:
		group, version, parts = parts[1], parts[2], parts[3:]
	default:
		writeStatus(w, http.StatusNotFound, "NotFound", "the server could not find the requested resource")
		return
	}
	gv := version
	if group != "" {
		gv = group + "/" + version
	}
	if len(parts) == 0 {
		s.groupVersion(w, gv)
		return
	}
	ns := ""
	if parts[0] == "namespaces" && len(parts) >= 3 {
		ns, parts = parts[1], parts[2:]
	}
	resource := parts[0]
	key := gv + "/" + resource
	switch {
	case len(parts) == 1:
		s.list(w, r, key, ns)
	case len(parts) == 2:
		s.get(w, key, ns, parts[1])
	case len(parts) == 3 && resource == "pods" && parts[2] == "log":
		s.log(w, r, ns, parts[1])
	default:
		writeStatus(w, http.StatusNotFound, "NotFound", "the server could not find the requested resource")
	}
}

func metaString(obj map[string]any, field string) string {
	m, _ := obj["metadata"].(map[string]any)
	v, _ := m[field].(string)
	return v
}

// list serves one page of a list.
func (s *Server) list(w http.ResponseWriter, r *http.Request, key, ns string) {
	group, version, resource := splitKey(key)
	if s.forbidden[resource] {
		scope := "at the cluster scope"
		if ns != "" {
			scope = fmt.Sprintf("in the namespace %q", ns)
		}
		writeStatus(w, http.StatusForbidden, "Forbidden", fmt.Sprintf("%s is forbidden: User %q cannot list resource %q in API group %q %s", resource, s.user, resource, group, scope))
		return
	}
	if msg, ok := s.listErrors[key]; ok && ns != "" {
		// What kube-apiserver sends for an error that is not a Status:
		// code 500, no reason, the error text as message.
		writeStatus(w, http.StatusInternalServerError, "", msg)
		return
	}
	q := r.URL.Query()
	s.mu.Lock()
	expire := s.expire[key] && q.Get("continue") != ""
	if expire {
		s.expire[key] = false
	}
	s.mu.Unlock()
	if expire {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusGone)
		_ = json.NewEncoder(w).Encode(map[string]any{"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Expired", "code": 410,
			"metadata": map[string]any{"continue": q.Get("continue")},
			"message":  "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list."})
		return
	}
	if g, ok := s.generated[key]; ok && ns == "" {
		serveGenerated(w, q, g)
		return
	}
	enc := s.encodedItems(key)
	sel := q.Get("labelSelector")
	var match []json.RawMessage
	for i, o := range s.objects[key] {
		if ns != "" && metaString(o, "namespace") != ns {
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
	start = min(max(start, 0), len(match))
	end := len(match)
	if limit > 0 && start+limit < end {
		end = start + limit
	}
	meta := map[string]any{"resourceVersion": "42"}
	if end < len(match) {
		meta["continue"] = strconv.Itoa(end)
	}
	kind := "List"
	if k := s.kindOf(resource); k != "" {
		kind = k + "List"
	}
	writeJSON(w, map[string]any{"kind": kind, "apiVersion": version, "metadata": meta, "items": match[start:end]})
}

// encodedItems returns the type's objects encoded once.
func (s *Server) encodedItems(key string) [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	enc := s.encoded[key]
	if len(enc) != len(s.objects[key]) {
		enc = nil
		for _, o := range s.objects[key] {
			b, _ := json.Marshal(o)
			enc = append(enc, b)
		}
		s.encoded[key] = enc
	}
	return enc
}

// get serves one object.
func (s *Server) get(w http.ResponseWriter, key, ns, name string) {
	for _, o := range s.objects[key] {
		if metaString(o, "namespace") == ns && metaString(o, "name") == name {
			writeJSON(w, o)
			return
		}
	}
	_, _, resource := splitKey(key)
	writeStatus(w, http.StatusNotFound, "NotFound", fmt.Sprintf("%s %q not found", resource, name))
}

// log serves a container log, honouring tailLines and limitBytes.
func (s *Server) log(w http.ResponseWriter, r *http.Request, ns, pod string) {
	q := r.URL.Query()
	key := ns + "/" + pod + "/" + q.Get("container")
	if q.Get("previous") == "true" {
		key += "/previous"
	}
	text, ok := s.logs[key]
	if !ok {
		writeStatus(w, http.StatusNotFound, "NotFound", "the server could not find the requested resource ( pods/log "+pod+")")
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

func serveGenerated(w http.ResponseWriter, q url.Values, g generator) {
	start, _ := strconv.Atoi(q.Get("continue"))
	limit, _ := strconv.Atoi(q.Get("limit"))
	start = min(max(start, 0), g.n)
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
