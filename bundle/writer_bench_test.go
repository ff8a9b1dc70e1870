package bundle

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

var (
	benchPodsOnce sync.Once
	benchPods     [][]byte
	benchPodBytes int64
)

// pods50k returns 50,000 realistic, distinct pod objects (~4.7 KB each).
func pods50k() ([][]byte, int64) {
	benchPodsOnce.Do(func() {
		r := rand.New(rand.NewPCG(42, 42))
		for i := range 50000 {
			p := fakePod(r, i)
			benchPods = append(benchPods, p)
			benchPodBytes += int64(len(p)) + 2
		}
	})
	return benchPods, benchPodBytes
}

type benchCodec struct {
	name  string
	codec Codec
	gzip  int
	zstd  zstd.EncoderLevel
}

var benchCodecs = []benchCodec{
	{"gzip-BestSpeed", CodecGzip, gzip.BestSpeed, 0},
	{"gzip-3", CodecGzip, 3, 0},
	{"gzip-5", CodecGzip, 5, 0},
	{"gzip-Default", CodecGzip, gzip.DefaultCompression, 0},
	{"zstd-Fastest", CodecZstd, 0, zstd.SpeedFastest},
	{"zstd-Default", CodecZstd, 0, zstd.SpeedDefault},
}

// BenchmarkWriterCodecs writes 50,000 pods as one List with each codec and
// level, through the whole Writer (wall time; see BenchmarkCompressLevels
// for CPU time); the ratio metric is uncompressed/compressed.
func BenchmarkWriterCodecs(b *testing.B) {
	pods, size := pods50k()
	for _, bc := range benchCodecs {
		b.Run(bc.name, func(b *testing.B) {
			benchWrite(b, bc, pods, size, 1)
		})
	}
}

// BenchmarkWriterParallel writes the same 50,000 pods as 8 Lists from 8
// goroutines, as collect does, with the chosen default levels.
func BenchmarkWriterParallel(b *testing.B) {
	pods, size := pods50k()
	for _, bc := range []benchCodec{{"gzip", CodecGzip, gzipLevel, 0}, {"zstd", CodecZstd, 0, zstdLevel}} {
		b.Run(bc.name, func(b *testing.B) {
			benchWrite(b, bc, pods, size, 8)
		})
	}
}

func benchWrite(b *testing.B, bc benchCodec, pods [][]byte, size int64, lists int) {
	dir := b.TempDir()
	b.SetBytes(size)
	b.ReportAllocs()
	var compressed int64
	for i := 0; b.Loop(); i++ {
		path := filepath.Join(dir, fmt.Sprintf("b%d.tgz", i))
		w, err := Create(path, WriterOptions{Codec: bc.codec})
		if err != nil {
			b.Fatal(err)
		}
		w.codec.gzipLevel, w.codec.zstdLevel = bc.gzip, bc.zstd
		var wg sync.WaitGroup
		for g := range lists {
			wg.Go(func() {
				l, err := w.NewList(fmt.Sprintf("resources/core/v1/pods-%d.json", g), "v1", "List")
				if err != nil {
					b.Error(err)
					return
				}
				for j := g; j < len(pods); j += lists {
					if err := l.Add(pods[j]); err != nil {
						b.Error(err)
						return
					}
				}
				if err := l.Close(); err != nil {
					b.Error(err)
				}
			})
		}
		wg.Wait()
		if err := w.Commit(&Manifest{}); err != nil {
			b.Fatal(err)
		}
		st, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		compressed = st.Size()
		os.Remove(path)
	}
	b.ReportMetric(float64(size)/float64(compressed), "ratio")
	b.ReportMetric(float64(compressed)/1e6, "MB-out")
}

// BenchmarkWalk reads back a 50,000-pod bundle (one List per codec);
// MB/s is uncompressed JSON per second.
func BenchmarkWalk(b *testing.B) {
	pods, size := pods50k()
	for _, codec := range []Codec{CodecGzip, CodecZstd} {
		b.Run(string(codec), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "b.tgz")
			w, err := Create(path, WriterOptions{Codec: codec})
			if err != nil {
				b.Fatal(err)
			}
			l, _ := w.NewList("resources/core/v1/pods.json", "v1", "List")
			for _, p := range pods {
				l.Add(p)
			}
			if err := l.Close(); err != nil {
				b.Fatal(err)
			}
			if err := w.Commit(&Manifest{}); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				err := Walk(path, Limits{}, func(e *Entry) error {
					_, err := io.Copy(io.Discard, e.Reader())
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
