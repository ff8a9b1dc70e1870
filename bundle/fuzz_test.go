package bundle

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzWalk feeds arbitrary bytes to the archive reader. It must never panic
// or hang, must fail only with an *Error, and every entry it delivers must
// have a clean, local, unique name and at most Size bytes; a link has no
// content and its Link is "" or a clean, local name.
func FuzzWalk(f *testing.F) {
	f.Add(buildTar([]ent{reg("b/manifest.json", "{}"), reg("b/r/a.json", "[1]")}, true))
	f.Add(gzipBytes(f, buildTar([]ent{reg("b/a", "1"), reg("b/../x", "2")}, true)))
	f.Add(zstdBytes(f, buildTar([]ent{reg("top/a", "1")}, true)))
	f.Add([]byte("not an archive"))
	f.Add(buildTar([]ent{reg("b/a", "1"), {name: "b/x/l", typeflag: tar.TypeSymlink, link: "../a"},
		{name: "b/h", typeflag: tar.TypeLink, link: "b/a"}, {name: "b/e", typeflag: tar.TypeSymlink, link: "../../../etc/passwd"}}, true))
	lim := Limits{MaxEntries: 64, MaxEntrySize: 1 << 20, MaxTotalSize: 4 << 20, MaxRatio: 50, MaxNameLen: 256}
	f.Fuzz(func(t *testing.T, data []byte) {
		w := &walker{path: "fuzz", lim: lim.withDefaults(), files: map[string]bool{}, dirs: map[string]bool{}}
		seen := map[string]bool{}
		w.fn = func(e *Entry) error {
			if e.Name == "" || path.Clean(e.Name) != e.Name || !filepath.IsLocal(e.Name) ||
				strings.ContainsAny(e.Name, "\\\x00") || seen[e.Name] {
				t.Fatalf("bad or duplicate name %q", e.Name)
			}
			seen[e.Name] = true
			if e.IsLink() && (e.Size != 0 || e.Link != "" && (path.Clean(e.Link) != e.Link || !filepath.IsLocal(e.Link) ||
				strings.ContainsAny(e.Link, "\\\x00"))) {
				t.Fatalf("%s: bad link %q (size %d)", e.Name, e.Link, e.Size)
			}
			if !e.IsLink() && (e.Link != "" || e.LinkTarget != "") {
				t.Fatalf("%s: file with a link target", e.Name)
			}
			n, err := io.Copy(io.Discard, e.Reader())
			if n > e.Size {
				t.Fatalf("%s: read %d bytes, size %d", e.Name, n, e.Size)
			}
			return err
		}
		err := w.walkStream(bytes.NewReader(data))
		var be *Error
		if err != nil && !errors.As(err, &be) && !errors.Is(err, fs.SkipAll) {
			t.Fatalf("error %v (%T) is not a *bundle.Error", err, err)
		}
	})
}

// FuzzWriteName checks the Writer's name rule: whatever it accepts is a
// clean local path the reader accepts too.
func FuzzWriteName(f *testing.F) {
	for _, s := range []string{"a/b.json", "../x", "/abs", "a//b", "C:x", `a\b`, "a/./b", "manifest.json", ".."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if checkWriteName(name) != nil {
			return
		}
		w := &walker{path: "fuzz", lim: DefaultLimits()}
		clean, perr := w.checkName("top/" + name)
		if (perr != nil && len(name) < 1000) || (perr == nil && clean != "top/"+name) {
			t.Fatalf("writer accepts %q, reader: %v %q", name, perr, clean)
		}
	})
}
