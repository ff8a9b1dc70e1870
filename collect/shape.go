package collect

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// LastAppliedAnnotation is the annotation kubectl apply writes: on a Secret
// it holds the Secret's values, so it never leaves the cluster.
const LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"

// shapeMode says how a resource type's items are reduced.
type shapeMode int

const (
	shapeGeneric   shapeMode = iota
	shapeNode                // generic, and status.images dropped
	shapeSecret              // whitelist: metadata, type, key names only
	shapeConfigMap           // whitelist: metadata, key names only
)

// shapeStats counts what a shaper left out.
type shapeStats struct {
	managedFields, lastApplied, images, values int
}

// shaper prepares the items of one resource type for the bundle: it adds the
// apiVersion and kind a List's items lack (as kubectl get -o json does),
// drops what a desk never needs, never lets a Secret value through, and
// returns one line of compact JSON.
type shaper struct {
	apiVersion, kind string
	mode             shapeMode
	keepAll          bool
	stats            shapeStats
}

func (s *shaper) shape(item []byte) ([]byte, error) {
	if bytes.IndexByte(item, '\n') >= 0 {
		var buf bytes.Buffer
		if err := json.Compact(&buf, item); err != nil {
			return nil, err
		}
		item = buf.Bytes()
	}
	var out []byte
	var err error
	switch s.mode {
	case shapeSecret, shapeConfigMap:
		out, err = s.whitelist(item)
	default:
		out, err = s.edit(item)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// edit makes targeted byte edits to a generic object.
func (s *shaper) edit(item []byte) ([]byte, error) {
	ms, err := objectMembers(item)
	if err != nil {
		return nil, err
	}
	replace := map[int][]byte{}
	for i, m := range ms {
		switch {
		case m.key == "metadata" && !s.keepAll:
			v, changed, err := s.editMeta(item[m.valStart:m.end])
			if err != nil {
				return nil, err
			}
			if changed {
				replace[i] = v
			}
		case m.key == "status" && s.mode == shapeNode && !s.keepAll:
			v, changed, err := dropMembers(item[m.valStart:m.end], "images")
			if err != nil {
				return nil, err
			}
			if changed {
				replace[i] = v
				s.stats.images++
			}
		}
	}
	out := item
	if len(replace) > 0 {
		out = rebuild(item, ms, replace)
	}
	return s.addTypeMeta(out, find(ms, "apiVersion") == nil, find(ms, "kind") == nil), nil
}

// editMeta drops managedFields and the last-applied annotation from a
// metadata object.
func (s *shaper) editMeta(meta []byte) ([]byte, bool, error) {
	if !bytes.Contains(meta, []byte("managedFields")) && !bytes.Contains(meta, []byte("last-applied-configuration")) &&
		!bytes.Contains(meta, []byte(`\u`)) {
		return meta, false, nil
	}
	ms, err := objectMembers(meta)
	if err != nil {
		return nil, false, err
	}
	replace := map[int][]byte{}
	for i, m := range ms {
		switch m.key {
		case "managedFields":
			replace[i] = nil
			s.stats.managedFields++
		case "annotations":
			v, changed, err := dropMembers(meta[m.valStart:m.end], LastAppliedAnnotation)
			if err != nil {
				return nil, false, err
			}
			if changed {
				replace[i] = v
				s.stats.lastApplied++
			}
		}
	}
	if len(replace) == 0 {
		return meta, false, nil
	}
	return rebuild(meta, ms, replace), true, nil
}

// dropMembers removes the members named keys from the object obj (which may
// also be null).
func dropMembers(obj []byte, keys ...string) ([]byte, bool, error) {
	if bytes.Equal(bytes.TrimSpace(obj), []byte("null")) {
		return obj, false, nil
	}
	ms, err := objectMembers(obj)
	if err != nil {
		return nil, false, err
	}
	replace := map[int][]byte{}
	for i, m := range ms {
		for _, k := range keys {
			if m.key == k {
				replace[i] = nil
			}
		}
	}
	if len(replace) == 0 {
		return obj, false, nil
	}
	return rebuild(obj, ms, replace), true, nil
}

// addTypeMeta prefixes apiVersion and kind when the object lacks them.
func (s *shaper) addTypeMeta(obj []byte, needAPIVersion, needKind bool) []byte {
	if (!needAPIVersion || s.apiVersion == "") && (!needKind || s.kind == "") {
		return obj
	}
	i := bytes.IndexByte(obj, '{')
	rest := bytes.TrimLeft(obj[i+1:], " \n\t\r")
	var b bytes.Buffer
	b.Grow(len(obj) + 64)
	b.WriteByte('{')
	if needAPIVersion && s.apiVersion != "" {
		fmt.Fprintf(&b, `"apiVersion":%q,`, s.apiVersion)
	}
	if needKind && s.kind != "" {
		fmt.Fprintf(&b, `"kind":%q,`, s.kind)
	}
	if len(rest) > 0 && rest[0] == '}' {
		b.Truncate(b.Len() - 1)
	}
	b.Write(rest)
	return b.Bytes()
}

// whitelist rebuilds a Secret or ConfigMap from a fully decoded object,
// keeping only metadata and the names of its keys: nothing escapes by an
// unusual encoding, since every key is compared after JSON decoding.
func (s *shaper) whitelist(item []byte) ([]byte, error) {
	var in map[string]json.RawMessage
	if err := json.Unmarshal(item, &in); err != nil {
		return nil, err
	}
	keep := []string{"apiVersion", "kind", "immutable"}
	valued := []string{"data", "binaryData"}
	if s.mode == shapeSecret {
		keep = append(keep, "type")
		valued = []string{"data", "stringData"}
	}
	out := map[string]any{}
	for _, k := range keep {
		if v, ok := in[k]; ok {
			out[k] = v
		}
	}
	if _, ok := out["apiVersion"]; !ok && s.apiVersion != "" {
		out["apiVersion"] = s.apiVersion
	}
	if _, ok := out["kind"]; !ok && s.kind != "" {
		out["kind"] = s.kind
	}
	values := 0
	for _, k := range valued {
		raw, ok := in[k]
		if !ok {
			continue
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		if m == nil {
			continue
		}
		names := make(map[string]string, len(m))
		for name := range m {
			names[name] = ""
		}
		out[k] = names
		values += len(m)
	}
	if values > 0 {
		s.stats.values++
	}
	if raw, ok := in["metadata"]; ok {
		meta, err := s.whitelistMeta(raw)
		if err != nil {
			return nil, fmt.Errorf("metadata: %w", err)
		}
		out["metadata"] = meta
	}
	return json.Marshal(out)
}

func (s *shaper) whitelistMeta(raw json.RawMessage) (map[string]json.RawMessage, error) {
	var meta map[string]json.RawMessage
	if err := json.Unmarshal(raw, &meta); err != nil {
		return nil, err
	}
	if _, ok := meta["managedFields"]; ok && !s.keepAll {
		delete(meta, "managedFields")
		s.stats.managedFields++
	}
	if raw, ok := meta["annotations"]; ok {
		var ann map[string]json.RawMessage
		if err := json.Unmarshal(raw, &ann); err != nil {
			return nil, fmt.Errorf("annotations: %w", err)
		}
		if _, ok := ann[LastAppliedAnnotation]; ok {
			delete(ann, LastAppliedAnnotation)
			s.stats.lastApplied++
			b, err := json.Marshal(ann)
			if err != nil {
				return nil, err
			}
			meta["annotations"] = b
		}
	}
	return meta, nil
}
