package load

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// podLine is a pod item named p<i> in namespace ns<i/700>.
func podLine(i int) string {
	return fmt.Sprintf(`{"metadata":{"name":"p%d","namespace":"ns%d","labels":{"app":"a%d","tier":"web"},"creationTimestamp":"2026-11-01T00:00:00Z"},`+
		`"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}`, i, i/700, i/7)
}

// TestLoadManyItems crosses batch boundaries: items keep their order and
// pointers, bad items in later batches are noted in order, both layouts
// give the same snapshot.
func TestLoadManyItems(t *testing.T) {
	t.Parallel()
	const n = 3*batchItems + 7
	const path = "resources/core/v1/pods.json"
	var items []string
	bad := map[int]bool{5: true, batchItems + 1: true, 2*batchItems + 3: true, n - 1: true}
	for i := range n {
		if bad[i] {
			items = append(items, `{"metadata":{"name":7}}`)
			continue
		}
		items = append(items, podLine(i))
	}
	pretty := "{\n  \"kind\": \"List\",\n  \"items\": [\n    " + strings.Join(items, ",\n    ") + "\n  ]\n}\n"
	tests := []struct {
		name, file string
	}{
		{"one item per line", oneLine(items...)},
		{"one item per line, CRLF", strings.ReplaceAll(oneLine(items...), "\n", "\r\n")},
		{"pretty-printed", pretty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := mustLoad(t, map[string]string{"manifest.json": manifestJSON(t), path: tt.file})
			if got, want := len(s.Pods), n-len(bad); got != want {
				t.Fatalf("%d pods, want %d", got, want)
			}
			k := 0
			for i := range n {
				if bad[i] {
					continue
				}
				p := s.Pods[k]
				k++
				if p.Name != fmt.Sprintf("p%d", i) || p.Loc.Pointer != fmt.Sprintf("/items/%d", i) || p.Loc.Path != path {
					t.Fatalf("pod %d is %s at %+v", i, p.Name, p.Loc)
				}
				if p.Labels["app"] != fmt.Sprintf("a%d", i/7) || !p.Ready() {
					t.Fatalf("pod %d: labels %v, ready %v", i, p.Labels, p.Ready())
				}
			}
			for _, want := range []string{"#/items/5: cannot decode Pod", fmt.Sprintf("#/items/%d: cannot decode Pod", batchItems+1),
				fmt.Sprintf("#/items/%d: cannot decode Pod", 2*batchItems+3), path + ": 1 more items skipped"} {
				if !hasNote(s.Notes, want) {
					t.Errorf("no note %q in %q", want, s.Notes)
				}
			}
			if s.Pod("ns0", "p0") == nil || !s.Collected(snapshot.ResPods) {
				t.Errorf("index or collection missing")
			}
		})
	}
}

func TestLoadLineList(t *testing.T) {
	t.Parallel()
	const path = "resources/core/v1/namespaces.json"
	long := `{"metadata":{"name":"long","annotations":{"a":"` + strings.Repeat("x", MaxItemBytes) + `"}}}`
	tests := []struct {
		name      string
		file      string
		names     []string
		collected bool
		note      string
	}{
		{"empty list", `{"apiVersion":"v1","kind":"List","items":[` + "\n]}\n", nil, true, ""},
		{"metadata after the items", `{"apiVersion":"v1","kind":"List","items":[` + "\n" + nsActive + "\n" + `],"metadata":{"resourceVersion":"1"}}` + "\n", []string{"default"}, true, ""},
		{"item over the cap", oneLine(nsActive, long, nsStuck), []string{"app", "default"}, true, "#/items/1: item is over the"},
		{"truncated after an item", `{"apiVersion":"v1","kind":"List","items":[` + "\n" + nsActive + ",\n", []string{"default"}, false, "reading item 1: unexpected EOF (file skipped)"},
		{"cut inside an item", `{"apiVersion":"v1","kind":"List","items":[` + "\n" + nsActive + ",\n" + `{"metadata":{"na`, []string{"default"}, false, "reading item 1: unexpected EOF (file skipped)"},
		{"garbage line", oneLine(nsActive, "not json", nsStuck), []string{"app", "default"}, true, "#/items/1: cannot decode Namespace"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := mustLoad(t, map[string]string{"manifest.json": manifestJSON(t), path: tt.file})
			var names []string
			for _, ns := range s.Namespaces {
				names = append(names, ns.Name)
			}
			if strings.Join(names, ",") != strings.Join(tt.names, ",") {
				t.Errorf("namespaces %q, want %q", names, tt.names)
			}
			if s.Collected(snapshot.ResNamespaces) != tt.collected {
				t.Errorf("collected %v, want %v", s.Collected(snapshot.ResNamespaces), tt.collected)
			}
			if tt.note != "" && !hasNote(s.Notes, tt.note) {
				t.Errorf("no note %q in %q", tt.note, s.Notes)
			}
			if tt.note == "" && len(s.Notes) > 0 {
				t.Errorf("unexpected notes %q", s.Notes)
			}
		})
	}
}

func TestInterner(t *testing.T) {
	t.Parallel()
	in := newInterner()
	a, b := string([]byte("Ready")), string([]byte("Ready"))
	if in.str(a); !same(in.str(b), a) {
		t.Errorf("repeated string not shared")
	}
	m1 := map[string]string{"app": "x", "tier": "web"}
	m2 := map[string]string{"tier": "web", "app": "x"}
	m3 := map[string]string{"app": "y", "tier": "web"}
	c1, c2, c3 := in.set(m1), in.set(m2), in.set(m3)
	if fmt.Sprintf("%p", c1) != fmt.Sprintf("%p", c2) {
		t.Errorf("equal label sets not shared")
	}
	if c3["app"] != "y" || c1["app"] != "x" || len(c3) != 2 {
		t.Errorf("sets %v %v", c1, c3)
	}
	if in.set(nil) != nil || clip([]int(nil)) != nil {
		t.Errorf("nil not kept")
	}
	if xs := clip(append(make([]int, 0, 8), 1, 2)); cap(xs) != 2 || xs[1] != 2 {
		t.Errorf("clip: %v cap %d", xs, cap(xs))
	}
}

// same reports whether two strings share their bytes.
func same(a, b string) bool { return a == b && unsafe.StringData(a) == unsafe.StringData(b) }

// countingPolicy counts the calls a load makes to its MemoryPolicy.
type countingPolicy struct {
	mu                     sync.Mutex
	begins, ends, progress int
}

func (c *countingPolicy) Begin() func() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.begins++
	return func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.ends++
	}
}

func (c *countingPolicy) Progress() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.progress++
}

// TestMemoryPolicy checks that a load brackets its work with Begin and the
// end function, and calls Progress every progressEvery batches.
func TestMemoryPolicy(t *testing.T) {
	t.Parallel()
	const n = progressEvery*batchItems + 1
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprintf(`{"metadata":{"name":"n%d"}}`, i)
	}
	files := map[string]string{"manifest.json": manifestJSON(t), "resources/core/v1/namespaces.json": oneLine(items...)}
	var c countingPolicy
	s, err := Snapshot(MapWalk(files), Options{Memory: &c})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Namespaces) != n {
		t.Fatalf("%d namespaces, want %d", len(s.Namespaces), n)
	}
	if c.begins != 1 || c.ends != 1 || c.progress != 1 {
		t.Errorf("Begin %d, end %d, Progress %d times; want 1, 1, 1", c.begins, c.ends, c.progress)
	}
	// A walk that fails still ends the policy.
	c = countingPolicy{}
	if _, err := Snapshot(func(func(string, io.Reader) error) error { return io.ErrUnexpectedEOF }, Options{Memory: &c}); err == nil {
		t.Fatal("no error from a failing walk")
	}
	if c.begins != 1 || c.ends != 1 {
		t.Errorf("failing walk: Begin %d, end %d times; want 1, 1", c.begins, c.ends)
	}
}

// TestSharedItemPointer checks the shared pointers at chunk edges, past the
// cache, and from concurrent callers.
func TestSharedItemPointer(t *testing.T) {
	t.Parallel()
	idx := []int{-3, 0, 1, pointerChunk - 1, pointerChunk, 5*pointerChunk + 3, maxSharedPointers - 1, maxSharedPointers, maxSharedPointers + 7}
	done := make(chan struct{})
	for range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for _, i := range idx {
				if got, want := sharedItemPointer(i), itemPointer(i); got != want {
					t.Errorf("sharedItemPointer(%d) = %q, want %q", i, got, want)
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
}
