package load

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	gojson "github.com/goccy/go-json"
)

// MaxItemBytes caps one list item; a larger item is skipped with a note.
const MaxItemBytes = 16 << 20

// errNotList reports a JSON document that is not an object with "items".
var errNotList = errors.New("not a list (no \"items\" array)")

// errNotObject is an item without metadata.name: not a Kubernetes object.
var errNotObject = errors.New("not a Kubernetes object (no metadata.name)")

// decodeList streams the "items" of a Kubernetes List document and calls fn
// for each raw item with its index. It holds one item at a time, whatever the
// document's layout (one item per line or pretty-printed). A JSON null items
// is an empty list. A bare JSON array of objects (as troubleshoot wrote some
// lists in 2021) is read as the items; bare is called first, if it is one.
func decodeList(r io.Reader, bare func(), fn func(i int, raw json.RawMessage) error) error {
	dec := json.NewDecoder(r)
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("reading list: %w", err)
	}
	if d, ok := tok.(json.Delim); ok && d == '[' {
		bare()
		return decodeItems(dec, fn)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return errNotList
	}
	sawItems := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("reading list: %w", err)
		}
		key, _ := tok.(string)
		if key != "items" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return fmt.Errorf("reading list field %q: %w", key, err)
			}
			continue
		}
		sawItems = true
		tok, err = dec.Token()
		if err != nil {
			return fmt.Errorf("reading items: %w", err)
		}
		if tok == nil { // "items": null
			continue
		}
		if d, ok := tok.(json.Delim); !ok || d != '[' {
			return fmt.Errorf("reading items: expected an array, found %v", tok)
		}
		if err := decodeItems(dec, fn); err != nil {
			return err
		}
	}
	if !sawItems {
		return errNotList
	}
	return nil
}

// decodeItems reads the elements of an array whose '[' dec has read, and
// its closing bracket.
func decodeItems(dec *json.Decoder, fn func(i int, raw json.RawMessage) error) error {
	for i := 0; dec.More(); i++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fmt.Errorf("reading item %d: %w", i, err)
		}
		if err := fn(i, raw); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("reading items: %w", err)
	}
	return nil
}

// itemPointer is the JSON pointer of item i of a list.
func itemPointer(i int) string { return "/items/" + strconv.Itoa(i) }

// Every object keeps its JSON pointer, and a big bundle has a million:
// the pointers of the first maxSharedPointers items are built once per
// process, pointerChunk at a time in one string, and shared by all lists.
const (
	pointerChunk      = 1024
	maxSharedPointers = 1 << 20
)

var (
	pointerChunks atomic.Pointer[[][]string] // grown copy-on-write under pointerMu
	pointerMu     sync.Mutex
)

// sharedItemPointer returns itemPointer(i), shared when i is small enough.
func sharedItemPointer(i int) string {
	if i < 0 || i >= maxSharedPointers {
		return itemPointer(i)
	}
	c := i / pointerChunk
	if p := pointerChunks.Load(); p != nil && c < len(*p) {
		return (*p)[c][i%pointerChunk]
	}
	pointerMu.Lock()
	defer pointerMu.Unlock()
	var chunks [][]string
	if p := pointerChunks.Load(); p != nil {
		chunks = *p
	}
	if c < len(chunks) {
		return chunks[c][i%pointerChunk]
	}
	grown := append([][]string(nil), chunks...)
	for k := len(chunks); k <= c; k++ {
		var all strings.Builder
		ends := make([]int, pointerChunk)
		for j := range pointerChunk {
			all.WriteString(itemPointer(k*pointerChunk + j))
			ends[j] = all.Len()
		}
		s, start := all.String(), 0
		chunk := make([]string, pointerChunk)
		for j, end := range ends {
			chunk[j], start = s[start:end], end
		}
		grown = append(grown, chunk)
	}
	pointerChunks.Store(&grown)
	return grown[c][i%pointerChunk]
}

// decodeItem decodes one raw item into v (a pointer to a zero value),
// returning a note-worthy error that names the kind when the item has wrong
// types.
//
// Items are decoded with github.com/goccy/go-json, 3-7x faster than
// encoding/json on Kubernetes objects into these lean views, with identical
// results (checked on 100k synthetic pods, events, nodes, slices,
// ReplicaSets and the bootstrap ClusterRoles). Should it fail (or panic:
// bundles are untrusted input), the item is decoded again with
// encoding/json, whose verdict and error text stand.
func decodeItem(raw []byte, v any, kind string) error {
	if len(raw) > MaxItemBytes {
		return fmt.Errorf("%s item is %d bytes, over the %d cap", kind, len(raw), MaxItemBytes)
	}
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return fmt.Errorf("%s item is null", kind)
	}
	if fastUnmarshal(raw, v) == nil {
		return nil
	}
	reflect.ValueOf(v).Elem().SetZero()
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("cannot decode %s: %w", kind, err)
	}
	return nil
}

// fastUnmarshal decodes with goccy/go-json, turning a panic into an error.
func fastUnmarshal(raw []byte, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("decoder panic: %v", r)
		}
	}()
	return gojson.Unmarshal(raw, v)
}
