package load

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"unicode"
)

// Old `kubectl cluster-info dump` (before about v1.14) wrote Kubernetes'
// internal types: `Items` for items, each object's metadata flattened into
// it (`name`, `namespace`, `labels`... at its top), and spec and status with
// Go field names (`Spec`, `NodeName`, `ContainerStatuses`). internalToV1
// rewrites such a list into the v1 shape the decoders read.

// maxInternalList caps the size of an internal-type list read whole.
const maxInternalList = 256 << 20

// internalMeta are the ObjectMeta fields, flattened at an internal object's top.
var internalMeta = map[string]bool{
	"name": true, "generateName": true, "namespace": true, "selfLink": true, "uid": true, "resourceVersion": true,
	"generation": true, "creationTimestamp": true, "deletionTimestamp": true, "deletionGracePeriodSeconds": true,
	"labels": true, "annotations": true, "ownerReferences": true, "initializers": true, "finalizers": true, "clusterName": true,
}

// internalRenames are Go field names whose JSON name is not the field name
// with a lower-case first letter.
var internalRenames = map[string]string{"LastTerminationState": "lastState", "QOSClass": "qosClass"}

// isInternalList reports whether the start of a list file shows an
// internal-type list: an "Items" key and no "items".
func isInternalList(head []byte) bool {
	return bytes.Contains(head, []byte(`"Items":`)) && !bytes.Contains(head, []byte(`"items":`))
}

// internalToV1 reads a whole internal-type list and returns it as a v1 List.
func internalToV1(r io.Reader) (io.Reader, error) {
	var list struct {
		Items []map[string]any `json:"Items"`
	}
	if err := json.NewDecoder(io.LimitReader(r, maxInternalList)).Decode(&list); err != nil {
		return nil, err
	}
	items := make([]any, 0, len(list.Items))
	for _, it := range list.Items {
		obj := map[string]any{}
		meta := map[string]any{}
		for k, v := range it {
			switch {
			case internalMeta[k]:
				meta[k] = v
			case k == "apiVersion" || k == "kind" || k == "metadata":
				obj[k] = v
			default:
				obj[jsonName(k)] = internalValue(v)
			}
		}
		if len(meta) > 0 {
			obj["metadata"] = meta
		}
		items = append(items, obj)
	}
	b, err := json.Marshal(map[string]any{"items": items})
	if err != nil {
		return nil, err
	}
	return bytes.NewReader(b), nil
}

// internalValue rewrites the field names of a Go struct's JSON, leaving maps
// (labels, selectors, quantities: keys that are not Go field names) alone.
func internalValue(v any) any {
	switch x := v.(type) {
	case []any:
		for i := range x {
			x[i] = internalValue(x[i])
		}
		return x
	case map[string]any:
		if !goStruct(x) {
			return x
		}
		out := make(map[string]any, len(x))
		for k, v := range x {
			out[jsonName(k)] = internalValue(v)
		}
		return out
	}
	return v
}

// goStruct reports whether every key of m is an exported Go identifier.
func goStruct(m map[string]any) bool {
	if len(m) == 0 {
		return false
	}
	for k := range m {
		for i, r := range k {
			if i == 0 && !unicode.IsUpper(r) || !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' {
				return false
			}
		}
	}
	return true
}

// jsonName is the JSON name of Go field f.
func jsonName(f string) string {
	if n, ok := internalRenames[f]; ok {
		return n
	}
	if f == "" || !unicode.IsUpper(rune(f[0])) {
		return f
	}
	return string(unicode.ToLower(rune(f[0]))) + f[1:]
}

// peekInternal returns br's reader, converted when the list it starts is of
// internal types.
func peekInternal(br *bufio.Reader) (io.Reader, bool, error) {
	head, _ := br.Peek(4 << 10)
	if !isInternalList(head) {
		return br, false, nil
	}
	r, err := internalToV1(br)
	return r, true, err
}
