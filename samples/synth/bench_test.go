package synth

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/rules"
	"github.com/nsbundle/nsbundle/bundle"
	"github.com/nsbundle/nsbundle/cmd/nsbundle/app"
)

// largeBundle returns the large synthetic bundle named by
// NSBUNDLE_SYNTH_LARGE: an existing file, or "cache" to generate it once
// into the user cache directory (about 11 s on 2 idle cores, 19 s of CPU). Without the
// variable the caller is skipped: nothing large runs by default.
func largeBundle(tb testing.TB) string {
	tb.Helper()
	p := os.Getenv("NSBUNDLE_SYNTH_LARGE")
	switch p {
	case "":
		tb.Skip("set NSBUNDLE_SYNTH_LARGE to a large synthetic bundle (make synth SIZE=large OUT=...) or to \"cache\"")
	case "cache":
		dir, err := os.UserCacheDir()
		if err != nil {
			tb.Fatal(err)
		}
		p = filepath.Join(dir, "nsbundle", "synth-large-seed1.tgz")
		if _, err := os.Stat(p); err == nil {
			return p
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		start := time.Now()
		if _, err := Generate(p, Options{Size: Sizes["large"], Seed: 1}); err != nil {
			tb.Fatal(err)
		}
		tb.Logf("generated %s in %s", p, time.Since(start).Round(time.Second))
		return p
	}
	if _, err := os.Stat(p); err != nil {
		tb.Fatalf("NSBUNDLE_SYNTH_LARGE: %v", err)
	}
	return p
}

func benchAnalyze(b *testing.B, p string) {
	fi, err := os.Stat(p)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(fi.Size())
	b.ReportAllocs()
	// Load under the command's GC policy, to measure what a user waits.
	opts := analyze.Options{Limits: bundle.DefaultLimits(), Rules: rules.All(), Memory: &app.GCPolicy{}}
	b.ResetTimer()
	for b.Loop() {
		r, err := analyze.Analyze(p, opts)
		if err != nil {
			b.Fatal(err)
		}
		if len(r.Findings) != 2 {
			b.Fatalf("%d findings, want the 2 planted", len(r.Findings))
		}
	}
}

// BenchmarkAnalyzeSmall analyzes the small synthetic bundle (1,500 pods).
func BenchmarkAnalyzeSmall(b *testing.B) { benchAnalyze(b, generate(b, "small", 1)) }

// BenchmarkAnalyzeLarge analyzes the large synthetic bundle (150,000 pods);
// see largeBundle. In the same run it times `gzip -dc` of the file (the
// issue's reference: analyze must take at most 0.9 of it) and reports the
// ratio as gzip-ratio.
func BenchmarkAnalyzeLarge(b *testing.B) {
	p := largeBundle(b)
	benchAnalyze(b, p)
	perOp := b.Elapsed() / time.Duration(b.N)
	if ref, ok := gunzipTime(b, p); ok {
		b.ReportMetric(float64(perOp)/float64(ref), "gzip-ratio")
		b.ReportMetric(ref.Seconds(), "gzip-dc-s")
	}
}

// gunzipTime is the fastest of three `gzip -dc p > /dev/null` runs (false
// without a gzip command).
func gunzipTime(b *testing.B, p string) (time.Duration, bool) {
	gz, err := exec.LookPath("gzip")
	if err != nil {
		b.Logf("no gzip command: %v", err)
		return 0, false
	}
	best := time.Duration(0)
	for range 3 {
		cmd := exec.Command(gz, "-dc", p) // stdout is discarded (os.DevNull)
		start := time.Now()
		if err := cmd.Run(); err != nil {
			b.Fatalf("gzip -dc: %v", err)
		}
		if d := time.Since(start); best == 0 || d < best {
			best = d
		}
	}
	return best, true
}

// BenchmarkGenerateSmall measures the writer side: rendering, compacting
// and compressing the small bundle (b.SetBytes: uncompressed JSON).
func BenchmarkGenerateSmall(b *testing.B) {
	dir := b.TempDir()
	b.ReportAllocs()
	var n int64
	for b.Loop() {
		st, err := Generate(filepath.Join(dir, "small.tgz"), Options{Size: Sizes["small"], Seed: 1, Force: true})
		if err != nil {
			b.Fatal(err)
		}
		n = st.JSONBytes
	}
	b.SetBytes(n)
}
