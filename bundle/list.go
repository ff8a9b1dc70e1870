package bundle

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"
)

// ListWriter streams a Kubernetes List entry, as `kubectl get -o json` prints
// one but with one item per line inside "items":
//
//	{"apiVersion":"v1","kind":"List","metadata":{"resourceVersion":"42"},"items":[
//	{...item 0...},
//	{...item 1...}
//	]}
//
// The result is valid JSON, and a reader can split the items on newlines
// without parsing. Items are compressed as they are added (nothing but the
// compressor's window stays in memory). Methods are safe for concurrent use.
type ListWriter struct {
	mu         sync.Mutex
	e          *entryWriter
	apiVersion string
	kind       string
	rv         string
	rvSet      bool
	started    bool // header written
	rvInHeader bool
	count      int
	closed     bool
}

// NewList starts a streamed List entry. apiVersion and kind are those of the
// List object ("v1", "List" as kubectl prints, or e.g. "v1", "PodList").
func (w *Writer) NewList(name, apiVersion, kind string) (*ListWriter, error) {
	e, err := w.create(name)
	if err != nil {
		return nil, err
	}
	return &ListWriter{e: e, apiVersion: apiVersion, kind: kind}, nil
}

// SetResourceVersion records the List's metadata.resourceVersion. Call it
// before the first Add to get kubectl's key order; if called later the
// metadata is written after "items" (still the same JSON object).
func (l *ListWriter) SetResourceVersion(rv string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.rv, l.rvSet = rv, true
}

// Add appends one item: a single JSON object without newline characters
// (use CompactJSON). The item is not otherwise validated.
func (l *ListWriter) Add(item []byte) error {
	if len(item) == 0 || item[0] != '{' {
		return fmt.Errorf("list %s: item is not a JSON object", l.e.name)
	}
	if bytes.IndexByte(item, '\n') >= 0 {
		return fmt.Errorf("list %s: item %d contains a newline (compact it first)", l.e.name, l.count)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return fmt.Errorf("list %s: add after close", l.e.name)
	}
	if err := l.startLocked(); err != nil {
		return err
	}
	if l.count > 0 {
		if _, err := l.e.Write(itemSep); err != nil {
			return err
		}
	}
	if _, err := l.e.Write(item); err != nil {
		return err
	}
	l.count++
	return nil
}

// startLocked writes the List header once.
func (l *ListWriter) startLocked() error {
	if l.started {
		return nil
	}
	l.started = true
	var b bytes.Buffer
	b.WriteString(`{"apiVersion":`)
	b.Write(jsonString(l.apiVersion))
	b.WriteString(`,"kind":`)
	b.Write(jsonString(l.kind))
	if l.rvSet {
		l.rvInHeader = true
		b.WriteString(`,"metadata":{"resourceVersion":`)
		b.Write(jsonString(l.rv))
		b.WriteString(`}`)
	}
	b.WriteString(`,"items":[` + "\n")
	_, err := l.e.Write(b.Bytes())
	return err
}

// Close ends the List and appends it to the archive. Close is idempotent.
func (l *ListWriter) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	err := l.startLocked()
	if err == nil {
		tail := "\n]}\n"
		if l.count == 0 {
			tail = "]}\n"
		}
		if !l.rvInHeader {
			tail = tail[:len(tail)-2] + `,"metadata":{"resourceVersion":` + string(jsonString(l.rv)) + "}}\n"
		}
		_, err = l.e.Write([]byte(tail))
	}
	if cerr := l.e.Close(); err == nil {
		err = cerr
	}
	return err
}

// Count returns the number of items added.
func (l *ListWriter) Count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.count
}

// Bytes returns the uncompressed size of the entry so far (its final size
// after Close).
func (l *ListWriter) Bytes() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.e.n
}

// jsonString encodes s as a JSON string.
func jsonString(s string) []byte {
	b, _ := json.Marshal(s) // a string always marshals
	return b
}

// CompactJSON returns src (one JSON value) on a single line, without
// insignificant whitespace, ready for ListWriter.Add.
func CompactJSON(src []byte) ([]byte, error) {
	return AppendCompactJSON(nil, src)
}

// AppendCompactJSON appends the compacted form of src to dst; it reuses
// dst's storage, so a caller can compact many items with one buffer.
func AppendCompactJSON(dst, src []byte) ([]byte, error) {
	buf := bytes.NewBuffer(dst)
	if err := json.Compact(buf, src); err != nil {
		return dst, fmt.Errorf("compact JSON: %w", err)
	}
	return buf.Bytes(), nil
}

// itemSep ends every item but the last; read-only.
var itemSep = []byte(",\n")
