package bundle

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

type tarEntry struct {
	name string
	data []byte
}

// readTarFile reads an archive with the standard archive/tar (not with this
// package's reader) and checks it ends with the end-of-archive blocks.
func readTarFile(t *testing.T, path string, codec Codec) []tarEntry {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader
	switch codec {
	case CodecZstd:
		d, err := zstd.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		r = d
	default:
		g, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		r = g
	}
	raw, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decompress: %v", err)
	}
	if len(raw) < 1024 || !bytes.Equal(raw[len(raw)-1024:], make([]byte, 1024)) {
		t.Fatalf("archive does not end with two zero blocks")
	}
	tr := tar.NewReader(bytes.NewReader(raw))
	var out []tarEntry
	for i := 0; ; i++ {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("tar: %v", err)
		}
		if i == 0 && (h.Typeflag != tar.TypeReg || !strings.HasSuffix(h.Name, "/"+ManifestPath)) {
			t.Fatalf("first entry is %q, want the manifest", h.Name)
		}
		if h.Typeflag == tar.TypeDir && h.Mode == 0o700 {
			continue
		}
		if h.Typeflag != tar.TypeReg || h.Mode != 0o600 {
			t.Errorf("%s: type %q mode %o", h.Name, h.Typeflag, h.Mode)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatalf("tar %s: %v", h.Name, err)
		}
		out = append(out, tarEntry{h.Name, data})
	}
}

// writeSample writes a bundle with small files, a raw stream and lists
// written concurrently; it returns the expected content by entry name.
func writeSample(t *testing.T, path string, codec Codec) map[string][]byte {
	t.Helper()
	w, err := Create(path, WriterOptions{Codec: codec, TopDir: "nsbundle-test-20261123T063000Z"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	want := map[string][]byte{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	errc := make(chan error, 64)
	for g := range 8 {
		wg.Go(func() {
			name := fmt.Sprintf("resources/core/v1/pods-%d.json", g)
			l, err := w.NewList(name, "v1", "List")
			if err != nil {
				errc <- err
				return
			}
			l.SetResourceVersion(fmt.Sprint(100 + g))
			r := rand.New(rand.NewPCG(uint64(g), 7))
			var items [][]byte
			for i := range 20 * g {
				p := fakePod(r, i)
				items = append(items, p)
				if err := l.Add(p); err != nil {
					errc <- err
					return
				}
			}
			if err := l.Close(); err != nil {
				errc <- err
				return
			}
			var b bytes.Buffer
			fmt.Fprintf(&b, `{"apiVersion":"v1","kind":"List","metadata":{"resourceVersion":"%d"},"items":[`+"\n", 100+g)
			b.Write(bytes.Join(items, []byte(",\n")))
			if len(items) > 0 {
				b.WriteString("\n")
			}
			b.WriteString("]}\n")
			if l.Bytes() != int64(b.Len()) || l.Count() != len(items) {
				errc <- fmt.Errorf("%s: Bytes %d Count %d, want %d %d", name, l.Bytes(), l.Count(), b.Len(), len(items))
			}
			mu.Lock()
			want[name] = b.Bytes()
			mu.Unlock()
		})
		wg.Go(func() {
			name := fmt.Sprintf("health/file-%d.txt", g)
			data := bytes.Repeat([]byte(fmt.Sprintf("line %d\n", g)), g*100)
			if err := w.WriteFile(name, data); err != nil {
				errc <- err
			}
			mu.Lock()
			want[name] = data
			mu.Unlock()
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	s, err := w.Create("logs/kube-system/kcm/kube-controller-manager.log")
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	for i := range 10000 {
		fmt.Fprintf(&log, "I1123 06:30:%02d.%06d 1 controller.go:%d] \"msg\" item=%d\n", i%60, i, i%900, i)
	}
	if _, err := s.Write(log.Bytes()); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	want["logs/kube-system/kcm/kube-controller-manager.log"] = log.Bytes()
	// A name longer than 100 bytes needs a PAX or USTAR-prefix header.
	long := "logs/" + strings.Repeat("n", 63) + "/" + strings.Repeat("p", 200) + "/c.log"
	if err := w.WriteFile(long, []byte("x\n")); err != nil {
		t.Fatal(err)
	}
	want[long] = []byte("x\n")
	m := &Manifest{Tool: ToolInfo{Name: "nsbundle", Version: "test"}}
	if err := w.Commit(m); err != nil {
		t.Fatal(err)
	}
	return want
}

func TestWriterRoundTrip(t *testing.T) {
	t.Parallel()
	for _, codec := range []Codec{CodecGzip, CodecZstd} {
		t.Run(string(codec), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "b.tgz")
			want := writeSample(t, path, codec)
			assertOnly(t, dir, "b.tgz")
			st, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode().Perm() != 0o600 {
				t.Errorf("mode %v, want 0600", st.Mode().Perm())
			}
			got := readTarFile(t, path, codec)
			const top = "nsbundle-test-20261123T063000Z/"
			if got[0].name != top+ManifestPath {
				t.Fatalf("first entry %q, want manifest", got[0].name)
			}
			var m Manifest
			if err := json.Unmarshal(got[0].data, &m); err != nil || m.FormatVersion != FormatVersion {
				t.Fatalf("manifest: %v %+v", err, m)
			}
			if len(got)-1 != len(want) {
				t.Errorf("%d entries, want %d", len(got)-1, len(want))
			}
			for _, e := range got[1:] {
				name := strings.TrimPrefix(e.name, top)
				if !bytes.Equal(e.data, want[name]) {
					t.Errorf("%s: content differs (%d bytes, want %d)", name, len(e.data), len(want[name]))
				}
				if strings.HasSuffix(name, ".json") {
					checkListLines(t, name, e.data)
				}
			}
		})
	}
}

// checkListLines asserts a List is valid JSON with exactly one item per line.
func checkListLines(t *testing.T, name string, data []byte) {
	t.Helper()
	var l struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(data, &l); err != nil {
		t.Fatalf("%s: invalid JSON: %v", name, err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(l.Items) == 0 {
		if len(lines) != 2 {
			t.Errorf("%s: empty list has %d lines", name, len(lines))
		}
		return
	}
	if len(lines) != len(l.Items)+2 {
		t.Fatalf("%s: %d lines for %d items", name, len(lines), len(l.Items))
	}
	for i, line := range lines[1 : len(lines)-1] {
		line = strings.TrimSuffix(line, ",")
		if !json.Valid([]byte(line)) || line != string(l.Items[i]) {
			t.Fatalf("%s: line %d is not item %d", name, i+1, i)
		}
	}
}

// assertOnly fails unless dir holds exactly the named files.
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("directory holds %q, want %q", got, names)
	}
}

func TestWriterRealTar(t *testing.T) {
	t.Parallel()
	tarBin, err := exec.LookPath("tar")
	if err != nil {
		t.Skip("no tar binary")
	}
	for _, codec := range []Codec{CodecGzip, CodecZstd} {
		t.Run(string(codec), func(t *testing.T) {
			t.Parallel()
			flag := "-z"
			if codec == CodecZstd {
				if _, err := exec.LookPath("zstd"); err != nil {
					t.Skip("no zstd binary")
				}
				flag = "--zstd"
			}
			dir := t.TempDir()
			path := filepath.Join(dir, "b.tar")
			want := writeSample(t, path, codec)
			out, err := exec.Command(tarBin, flag, "-tf", path).CombinedOutput()
			if err != nil {
				t.Fatalf("tar -t: %v\n%s", err, out)
			}
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
			files := 0
			for _, l := range lines {
				if !strings.HasSuffix(l, "/") {
					files++
				}
			}
			if lines[0] != "nsbundle-test-20261123T063000Z/manifest.json" || files != len(want)+1 {
				t.Fatalf("tar -t: first %q, %d files", lines[0], files)
			}
			x := t.TempDir()
			if out, err := exec.Command(tarBin, flag, "-xf", path, "-C", x).CombinedOutput(); err != nil || len(out) > 0 {
				t.Fatalf("tar -x: %v\n%s", err, out)
			}
			for name, data := range want {
				p := filepath.Join(x, "nsbundle-test-20261123T063000Z", name)
				got, err := os.ReadFile(p)
				if err != nil || !bytes.Equal(got, data) {
					t.Errorf("%s: extracted content differs (%v)", name, err)
				}
				for d := filepath.Dir(p); d != x; d = filepath.Dir(d) {
					if st, err := os.Stat(d); err != nil || st.Mode().Perm() != 0o700 {
						t.Errorf("%s: mode %v, want 0700 (%v)", d, st.Mode().Perm(), err)
					}
				}
			}
		})
	}
}

// openWriter starts dir/b.tgz with a.json written, a pod list holding one
// item and a log stream, both left open.
func openWriter(t *testing.T, dir string) (*Writer, *ListWriter, io.WriteCloser) {
	t.Helper()
	w, err := Create(filepath.Join(dir, "b.tgz"), WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteFile("a.json", []byte("{}")); err != nil {
		t.Fatal(err)
	}
	l, err := w.NewList("resources/core/v1/pods.json", "v1", "List")
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Add([]byte(`{"a":1}`)); err != nil {
		t.Fatal(err)
	}
	s, err := w.Create("logs/x.log")
	if err != nil {
		t.Fatal(err)
	}
	return w, l, s
}

func TestWriterAbortLeavesNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	w, l, s := openWriter(t, dir)
	if err := w.Commit(nil); err == nil || !strings.Contains(err.Error(), "still open") {
		t.Fatalf("Commit with open entries: %v", err)
	}
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	assertOnly(t, dir)
	if err := l.Add([]byte(`{"a":2}`)); err != nil {
		t.Logf("add after abort: %v", err) // the spool is gone; either way nothing is left
	}
	if err := l.Close(); !errors.Is(err, ErrClosed) {
		t.Errorf("list Close after Abort: %v, want ErrClosed", err)
	}
	s.Close()
	if err := w.WriteFile("b.json", nil); !errors.Is(err, ErrClosed) {
		t.Errorf("WriteFile after Abort: %v", err)
	}
	if err := w.Commit(nil); !errors.Is(err, ErrClosed) {
		t.Errorf("Commit after Abort: %v", err)
	}
	assertOnly(t, dir)
}

func TestWriterExisting(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "b.tgz")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(path, WriterOptions{}); err == nil || err.Error() != path+" already exists (use force to overwrite)" {
		t.Fatalf("Create over existing file: %v", err)
	}
	w, err := Create(path, WriterOptions{Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(&Manifest{}); err != nil {
		t.Fatal(err)
	}
	if err := w.Abort(); err != nil { // no-op after Commit
		t.Fatal(err)
	}
	assertOnly(t, dir, "b.tgz")
	if got := readTarFile(t, path, CodecGzip); len(got) != 1 || got[0].name != "b/manifest.json" {
		t.Fatalf("overwritten bundle: %+v", got)
	}
	// Created meanwhile by someone else: Commit refuses and cleans up.
	p2 := filepath.Join(dir, "c.tar.zst")
	w, err = Create(p2, WriterOptions{Codec: CodecZstd})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p2, []byte("theirs"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(&Manifest{}); err == nil || err.Error() != p2+" already exists (use force to overwrite)" {
		t.Fatalf("Commit over a new file: %v", err)
	}
	assertOnly(t, dir, "b.tgz", "c.tar.zst")
	if b, _ := os.ReadFile(p2); string(b) != "theirs" {
		t.Errorf("existing file changed: %q", b)
	}
}

func TestWriterRefuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	w, err := Create(filepath.Join(dir, "b.tgz"), WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	if err := w.WriteFile("a/b.json", nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, want string }{
		{"", `empty entry name`},
		{"manifest.json", `entry name "manifest.json" is reserved: Commit writes it`},
		{"a/b.json", `duplicate entry "a/b.json"`},
		{"../x", `entry name "../x" is not a clean relative path`},
		{"/etc/passwd", `entry name "/etc/passwd" is not a clean relative path`},
		{"a//b", `entry name "a//b" is not a clean relative path`},
		{"./a", `entry name "./a" is not a clean relative path`},
		{".", `entry name "." is not a clean relative path`},
		{strings.Repeat("n", 1023), `entry name "` + strings.Repeat("n", 256) + `..." too long (1025 bytes with the top folder, limit 1024)`},
		{`a\b`, `entry name "a\\b" contains a backslash or NUL byte`},
		{"a\x00b", `entry name "a\x00b" contains a backslash or NUL byte`},
	}
	for _, tt := range tests {
		if err := w.WriteFile(tt.name, nil); err == nil || err.Error() != tt.want {
			t.Errorf("WriteFile(%q) = %v, want %s", tt.name, err, tt.want)
		}
		if _, err := w.Create(tt.name); err == nil || err.Error() != tt.want {
			t.Errorf("Create(%q) = %v, want %s", tt.name, err, tt.want)
		}
	}
	l, err := w.NewList("l.json", "v1", "List")
	if err != nil {
		t.Fatal(err)
	}
	for item, want := range map[string]string{
		"":            "list l.json: item is not a JSON object",
		"[1]":         "list l.json: item is not a JSON object",
		"{\"a\":\n1}": "list l.json: item 0 contains a newline (compact it first)",
	} {
		if err := l.Add([]byte(item)); err == nil || err.Error() != want {
			t.Errorf("Add(%q) = %v, want %s", item, err, want)
		}
	}
	if _, err := Create(filepath.Join(dir, "x.tgz"), WriterOptions{Codec: "xz"}); err == nil || err.Error() != `unknown codec "xz" (want "gzip" or "zstd")` {
		t.Errorf("bad codec: %v", err)
	}
	if _, err := Create(filepath.Join(dir, "x.tgz"), WriterOptions{TopDir: "a/b"}); err == nil || err.Error() != `invalid top folder "a/b": want one plain path element` {
		t.Errorf("bad top dir: %v", err)
	}
}

// TestWriterTempFilesUnnamed checks that, on Unix, the body and spool files
// have no name while the writer works: a collector killed with SIGKILL
// leaves nothing behind them.
func TestWriterTempFilesUnnamed(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("open files keep their names on Windows")
	}
	dir := t.TempDir()
	w, l, s := openWriter(t, dir)
	if _, err := s.Write([]byte("line\n")); err != nil {
		t.Fatal(err)
	}
	assertOnly(t, dir) // an open list, an open stream, a body: no names
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(nil); err != nil {
		t.Fatal(err)
	}
	assertOnly(t, dir, "b.tgz")
	got := map[string]string{}
	for _, e := range readTarFile(t, filepath.Join(dir, "b.tgz"), CodecGzip) {
		got[path.Base(e.name)] = string(e.data)
	}
	if got["x.log"] != "line\n" || !strings.Contains(got["pods.json"], `{"a":1}`) {
		t.Fatalf("bundle content: %q", got)
	}
}

// TestWriterUnwritableDir: the error names the directory and the cause once,
// not the working file's name.
func TestWriterUnwritableDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(dir, "nope", "b.tgz"), "cannot write in " + filepath.Join(dir, "nope") + ": no such file or directory"},
		{filepath.Join(file, "b.tgz"), "cannot write in " + file + ": not a directory"},
	} {
		if _, err := Create(tc.path, WriterOptions{}); err == nil || err.Error() != tc.want {
			t.Errorf("Create(%s): %v, want %q", tc.path, err, tc.want)
		}
	}
	assertOnly(t, dir, "file")
}
