package collect

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"io"
	"os"
	"testing"

	"github.com/nsbundle/nsbundle/collect/collecttest"
)

// brokenServer serves collecttest.BrokenCluster(podCount), whose cluster-wide
// services list is throttled once, changed by opts.
func brokenServer(t testing.TB, podCount int, opts ...collecttest.Option) *collecttest.Server {
	t.Helper()
	base := append(collecttest.BrokenCluster(podCount), collecttest.Throttle("/api/v1/services", 1))
	return collecttest.NewServer(t, append(base, opts...)...)
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// readBundle returns the bundle's raw decompressed tar stream and its
// entries by name (top folder stripped), in archive order.
func readBundle(t testing.TB, path string) (raw []byte, names []string, files map[string][]byte) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	raw, err = io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	files = map[string][]byte{}
	tr := tar.NewReader(bytes.NewReader(raw))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		_, name, _ := bytes.Cut([]byte(h.Name), []byte("/"))
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, string(name))
		files[string(name)] = data
	}
	return raw, names, files
}
