package bundle

import (
	"archive/tar"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteFuzzCorpus regenerates testdata/fuzz/FuzzWalk when
// NSBUNDLE_UPDATE_CORPUS=1 (the files are committed).
func TestWriteFuzzCorpus(t *testing.T) {
	if os.Getenv("NSBUNDLE_UPDATE_CORPUS") != "1" {
		t.Skip("set NSBUNDLE_UPDATE_CORPUS=1 to regenerate the seed corpus")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzWalk")
	must(t, os.MkdirAll(dir, 0o755))
	seeds := map[string][]byte{}
	for _, codec := range []Codec{CodecGzip, CodecZstd} {
		p := filepath.Join(t.TempDir(), "b.tgz")
		w, err := Create(p, WriterOptions{Codec: codec, TopDir: "nsb"})
		must(t, err)
		must(t, w.WriteFile("health/readyz.txt", []byte("[+]ping ok\n")))
		l, err := w.NewList("resources/core/v1/namespaces.json", "v1", "List")
		must(t, err)
		must(t, l.Add([]byte(`{"kind":"Namespace","metadata":{"name":"a"}}`)))
		must(t, l.Add([]byte(`{"kind":"Namespace","metadata":{"name":"b"}}`)))
		must(t, l.Close())
		must(t, w.Commit(&Manifest{}))
		b, err := os.ReadFile(p)
		must(t, err)
		seeds["writer-"+string(codec)] = b
		seeds["writer-"+string(codec)+"-truncated"] = b[:len(b)*2/3]
	}
	hostile := map[string][]ent{
		"dotdot":    {reg("b/a", "1"), reg("b/../../x", "2")},
		"absolute":  {reg("/etc/x", "1")},
		"symlink":   {reg("b/a", "1"), {name: "b/l", typeflag: tar.TypeSymlink, link: "/etc/passwd"}},
		"hardlink":  {reg("b/a", "1"), {name: "b/l", typeflag: tar.TypeLink, link: "b/a"}},
		"device":    {{name: "b/c", typeflag: tar.TypeChar}, {name: "b/f", typeflag: tar.TypeFifo}},
		"duplicate": {reg("b/a", "1"), reg("b/./a", "2")},
		"conflict":  {reg("b/a", "1"), reg("b/a/b", "2")},
		"pax-long":  {{name: "b/x", typeflag: tar.TypeReg, data: "p", pax: map[string]string{"path": "b/" + strings.Repeat("p", 150)}}},
		"gnu-long":  {{name: "././@LongLink", typeflag: tar.TypeGNULongName, data: "b/" + strings.Repeat("q", 120) + "\x00"}, reg("b/s", "g")},
		"sparse":    {{name: "b/s", typeflag: tar.TypeReg, data: "x", pax: map[string]string{"GNU.sparse.map": "0,1", "GNU.sparse.size": "1", "GNU.sparse.major": "0", "GNU.sparse.minor": "1", "GNU.sparse.numblocks": "1"}}},
		"flat":      {reg("manifest.json", "{}"), reg("resources/a.json", "1")},
		"dirs":      {{name: "./", typeflag: tar.TypeDir}, {name: "./t/", typeflag: tar.TypeDir}, reg("./t/a", "1")},
		"global":    {{name: "pax_global_header", typeflag: tar.TypeXGlobalHeader, data: paxRecord("comment", "x")}, reg("t/a", "1")},
	}
	for name, ents := range hostile {
		seeds["tar-"+name] = buildTar(ents, true)
		seeds["tgz-"+name] = gzipBytes(t, buildTar(ents, true))
	}
	seeds["tar-no-end"] = buildTar([]ent{reg("b/a", "1")}, false)
	seeds["bomb-gzip"] = gzipBytes(t, append(rawHeader("b/z", tar.TypeReg, 6<<20, ""), make([]byte, 6<<20)...))
	seeds["zip"] = []byte("PK\x03\x04\x14\x00\x00\x00")
	seeds["empty-tar"] = make([]byte, 1024)
	for name, b := range seeds {
		must(t, os.WriteFile(filepath.Join(dir, name), fmt.Appendf(nil, "go test fuzz v1\n[]byte(%q)\n", b), 0o644))
	}
}
