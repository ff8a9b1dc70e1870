package bundle

import (
	"fmt"
	"io"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// threadCPU is the CPU time of the calling OS thread (Linux RUSAGE_THREAD):
// unlike wall time it does not depend on what else the machine runs.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// BenchmarkCompressLevels compresses the 50,000 pods with each gzip level
// and the two zstd levels on one locked thread and reports CPU-time
// throughput (cpuMB/s) and ratio: the measurement behind gzipLevel and
// zstdLevel, robust to a busy machine.
func BenchmarkCompressLevels(b *testing.B) {
	pods, size := pods50k()
	type level struct {
		name string
		mk   func(io.Writer) io.WriteCloser
	}
	var levels []level
	for l := 1; l <= 6; l++ {
		levels = append(levels, level{fmt.Sprintf("gzip-%d", l), func(w io.Writer) io.WriteCloser {
			z, _ := gzip.NewWriterLevel(w, l)
			return z
		}})
	}
	for _, l := range []zstd.EncoderLevel{zstd.SpeedFastest, zstd.SpeedDefault} {
		levels = append(levels, level{"zstd-" + l.String(), func(w io.Writer) io.WriteCloser {
			z, _ := zstd.NewWriter(w, zstd.WithEncoderLevel(l), zstd.WithEncoderConcurrency(1))
			return z
		}})
	}
	for _, lv := range levels {
		b.Run(lv.name, func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			var cpu time.Duration
			var out int64
			for b.Loop() {
				c := &countWriter{}
				z := lv.mk(c)
				t0 := threadCPU()
				for _, p := range pods {
					z.Write(p)
					z.Write(itemSep)
				}
				z.Close()
				cpu += threadCPU() - t0
				out = c.n
			}
			b.ReportMetric(float64(size)*float64(b.N)/cpu.Seconds()/1e6, "cpuMB/s")
			b.ReportMetric(float64(size)/float64(out), "ratio")
		})
	}
}
