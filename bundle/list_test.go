package bundle

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestListWriterShapes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "b.tgz")
	w, err := Create(path, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	add := func(name string, rvBefore, rvAfter bool, items ...string) {
		l, err := w.NewList(name, "v1", "List")
		if err != nil {
			t.Fatal(err)
		}
		if rvBefore {
			l.SetResourceVersion("7")
		}
		for _, it := range items {
			if err := l.Add([]byte(it)); err != nil {
				t.Fatal(err)
			}
		}
		if rvAfter {
			l.SetResourceVersion("8")
		}
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		if err := l.Close(); err != nil { // idempotent
			t.Fatal(err)
		}
	}
	add("empty.json", true, false)
	add("empty-norv.json", false, false)
	add("late.json", false, true, `{"a":1}`, `{"b":"x\ny"}`)
	if err := w.Commit(nil); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"b/empty.json":      "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"metadata\":{\"resourceVersion\":\"7\"},\"items\":[\n]}\n",
		"b/empty-norv.json": "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[\n],\"metadata\":{\"resourceVersion\":\"\"}}\n",
		"b/late.json":       "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[\n{\"a\":1},\n{\"b\":\"x\\ny\"}\n],\"metadata\":{\"resourceVersion\":\"8\"}}\n",
	}
	for _, e := range readTarFile(t, path, CodecGzip)[1:] {
		if string(e.data) != want[e.name] {
			t.Errorf("%s:\n got %q\nwant %q", e.name, e.data, want[e.name])
		}
		if !json.Valid(e.data) {
			t.Errorf("%s: invalid JSON", e.name)
		}
		checkListLines(t, e.name, e.data)
	}
}

func TestCompactJSON(t *testing.T) {
	t.Parallel()
	got, err := CompactJSON([]byte("{\n  \"a\": [1, 2],\n  \"b\": \"x\\ny\"\n}\n"))
	if err != nil || string(got) != `{"a":[1,2],"b":"x\ny"}` {
		t.Fatalf("CompactJSON = %q, %v", got, err)
	}
	buf := []byte("keep")
	got, err = AppendCompactJSON(buf, []byte(`{ "c" : true }`))
	if err != nil || string(got) != `keep{"c":true}` {
		t.Fatalf("AppendCompactJSON = %q, %v", got, err)
	}
	if _, err := CompactJSON([]byte(`{"a":`)); err == nil || !strings.HasPrefix(err.Error(), "compact JSON: ") {
		t.Fatalf("invalid JSON: %v", err)
	}
}
