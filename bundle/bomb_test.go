package bundle

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"runtime"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// bomb returns a compressed tar whose one entry declares 1 GiB and holds
// 32 MiB of zeros (the ratio check must stop it long before either): one
// member or frame with the header and 1 MiB of zeros, then 31 copies of a
// member or frame of 1 MiB of zeros.
func bomb(t testing.TB, codec Codec) []byte {
	t.Helper()
	zeros := make([]byte, 1<<20)
	compress := func(parts ...[]byte) []byte {
		var out bytes.Buffer
		var zw io.WriteCloser
		if codec == CodecZstd {
			zw, _ = zstd.NewWriter(&out, zstd.WithEncoderLevel(zstd.SpeedBestCompression))
		} else {
			zw, _ = gzip.NewWriterLevel(&out, gzip.BestCompression)
		}
		for _, p := range parts {
			zw.Write(p)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		return out.Bytes()
	}
	b := compress(rawHeader("b/zeros.json", tar.TypeReg, 1<<30, ""), zeros)
	more := compress(zeros)
	for range 31 {
		b = append(b, more...)
	}
	return b
}

func TestWalkStopsBombs(t *testing.T) {
	for _, codec := range []Codec{CodecGzip, CodecZstd} {
		t.Run(string(codec), func(t *testing.T) {
			b := bomb(t, codec)
			path := writeTemp(t, "bomb.tgz", b)
			alloc, err := measureWalk(path)
			assertBundleError(t, err, path, "", "compression ratio over 500:1 (compression bomb?)")
			t.Logf("%s bomb: %d bytes compressed (ratio %d:1); Walk allocated %.1f MiB in all",
				codec, len(b), (32<<20)/len(b), float64(alloc)/(1<<20))
			if alloc > 64<<20 {
				t.Errorf("Walk allocated %d bytes on a bomb", alloc)
			}
		})
	}
}

// measureWalk walks path reading everything and returns the bytes the walk
// allocated (an upper bound of its peak heap growth).
func measureWalk(path string) (uint64, error) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	err := Walk(path, Limits{}, func(e *Entry) error {
		_, err := io.Copy(io.Discard, e.Reader())
		return err
	})
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, err
}

// BenchmarkWalkBomb reports the allocation of walking a gzip and a zstd
// bomb (B/op is the whole Walk, bounded whatever the bomb's size).
func BenchmarkWalkBomb(b *testing.B) {
	for _, codec := range []Codec{CodecGzip, CodecZstd} {
		b.Run(string(codec), func(b *testing.B) {
			path := writeTemp(b, "bomb.tgz", bomb(b, codec))
			b.ReportAllocs()
			for b.Loop() {
				Walk(path, Limits{}, func(e *Entry) error {
					_, err := io.Copy(io.Discard, e.Reader())
					return err
				})
			}
		})
	}
}

// TestWalkAcceptsManyEmptyFiles is the most compressible legitimate archive
// found: 40,000 empty files (a 20 MB tar of headers), 108:1 with gzip -9 and
// 180:1 with zstd; the default ratio cap must not refuse it.
func TestWalkAcceptsManyEmptyFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 20 MB archive")
	}
	var raw bytes.Buffer
	tw := tar.NewWriter(&raw)
	for i := range 40000 {
		must(t, tw.WriteHeader(&tar.Header{Name: fmt.Sprintf("top/f%d.json", i), Typeflag: tar.TypeReg, Mode: 0o644}))
	}
	must(t, tw.Close())
	for _, codec := range []Codec{CodecGzip, CodecZstd} {
		t.Run(string(codec), func(t *testing.T) {
			b := gzipBytes(t, raw.Bytes())
			if codec == CodecZstd {
				b = zstdBytes(t, raw.Bytes())
			}
			path := writeTemp(t, "b.tgz", b)
			n := 0
			err := Walk(path, Limits{}, func(*Entry) error { n++; return nil })
			t.Logf("%s: %d bytes, ratio %d:1", codec, len(b), raw.Len()/len(b))
			if err != nil || n != 40000 {
				t.Fatalf("%d files, %v", n, err)
			}
		})
	}
}
