package bundle

import (
	"archive/tar"
	"bytes"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// ent is one entry of a hostile test archive.
type ent struct {
	name     string
	typeflag byte
	data     string
	size     int64 // declared size if data is empty and size > 0
	link     string
	pax      map[string]string
}

func reg(name, data string) ent { return ent{name: name, typeflag: tar.TypeReg, data: data} }

// rawHeader builds a ustar header block by hand, so tests can write what
// archive/tar's Writer refuses to.
func rawHeader(name string, typeflag byte, size int64, link string) []byte {
	b := make([]byte, blockSize)
	copy(b[0:100], name)
	copy(b[100:108], "0000600\x00")
	copy(b[108:116], "0000000\x00")
	copy(b[116:124], "0000000\x00")
	copy(b[124:136], fmt.Sprintf("%011o\x00", size))
	copy(b[136:148], "15254410040\x00")
	b[156] = typeflag
	copy(b[157:257], link)
	copy(b[257:265], "ustar\x0000")
	copy(b[148:156], "        ")
	var sum int64
	for _, c := range b {
		sum += int64(c)
	}
	copy(b[148:156], fmt.Sprintf("%06o\x00 ", sum))
	return b
}

// paxRecord formats one PAX record ("<len> key=value\n").
func paxRecord(k, v string) string {
	rec := " " + k + "=" + v + "\n"
	size := len(rec)
	for {
		n := len(fmt.Sprint(size)) + len(rec)
		if n == size {
			return fmt.Sprint(size) + rec
		}
		size = n
	}
}

// buildTar writes entries as a raw tar stream; end adds the two zero blocks.
func buildTar(ents []ent, end bool) []byte {
	var b bytes.Buffer
	for _, e := range ents {
		if len(e.pax) > 0 {
			var p strings.Builder
			for _, k := range slices.Sorted(maps.Keys(e.pax)) {
				p.WriteString(paxRecord(k, e.pax[k]))
			}
			b.Write(rawHeader("PaxHeaders/x", tar.TypeXHeader, int64(p.Len()), ""))
			b.WriteString(p.String())
			b.Write(padding(int64(p.Len())))
		}
		size := int64(len(e.data))
		if e.data == "" && e.size > 0 {
			size = e.size
		}
		b.Write(rawHeader(e.name, e.typeflag, size, e.link))
		b.WriteString(e.data)
		b.Write(padding(int64(len(e.data))))
	}
	if end {
		b.Write(make([]byte, 2*blockSize))
	}
	return b.Bytes()
}

func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&out, gzip.BestCompression)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func zstdBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	zw, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression))
	if err != nil {
		t.Fatal(err)
	}
	defer zw.Close()
	return zw.EncodeAll(b, nil)
}

// writeTemp writes b to a new file and returns its path.
func writeTemp(t testing.TB, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// walkAll walks path, reading every entry fully, and returns name=content
// lines ("name->target[link]" for a link) and the error.
func walkAll(path string, lim Limits) ([]string, error) {
	var got []string
	err := Walk(path, lim, func(e *Entry) error {
		b, err := e.ReadAll()
		if err != nil {
			return err
		}
		if e.IsLink() {
			if len(b) != 0 || e.Size != 0 {
				return fmt.Errorf("link %s has content %q (size %d)", e.Name, b, e.Size)
			}
			got = append(got, e.Name+"->"+e.LinkTarget+"["+e.Link+"]")
			return nil
		}
		got = append(got, e.Name+"="+string(b))
		return nil
	})
	return got, err
}
