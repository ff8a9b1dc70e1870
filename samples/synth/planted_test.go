package synth

import (
	"slices"
	"testing"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/rules"
	"github.com/nsbundle/nsbundle/bundle"
)

// TestPlantedSeeds: for each seed, analyze finds exactly what Plan says was
// planted: one finding per cause, rooted where Plan says, under its
// signature, its symptom and what else it affects the symptoms Plan lists,
// its chain exactly Plan's links;
// a healthy seed has no finding at all. The seeds plant every cause.
func TestPlantedSeeds(t *testing.T) {
	n := 8
	if !testing.Short() {
		n = 40
	}
	seeds := CoveringSeeds(n)
	seen := map[Cause]bool{}
	most, size := uint64(0), 0 // the seed that plants the most causes, checked at size small too
	for _, seed := range seeds {
		want := analyzeSeed(t, "tiny", seed)
		for _, c := range want {
			seen[c.Cause] = true
		}
		if len(want) > size {
			most, size = seed, len(want)
		}
	}
	analyzeSeed(t, "small", most)
	if len(seen) != len(Causes) {
		t.Errorf("seeds %v plant only %v", seeds, seen)
	}
}

// analyzeSeed generates the bundle of seed at size, checks its findings
// against its plan and returns the plan.
func analyzeSeed(t *testing.T, size string, seed uint64) []Planted {
	t.Helper()
	p := generate(t, size, seed)
	want := Plan(Options{Size: Sizes[size], Seed: seed})
	r, err := analyze.Analyze(p, analyze.Options{Limits: bundle.DefaultLimits(), Rules: rules.All()})
	if err != nil {
		t.Fatalf("seed %d: Analyze: %v", seed, err)
	}
	checkSeed(t, seed, r, want)
	return want
}

// checkSeed compares one bundle's findings with its plan.
func checkSeed(t *testing.T, seed uint64, r *analyze.Report, want []Planted) {
	t.Helper()
	if len(r.Findings) != len(want) {
		t.Errorf("seed %d: %d findings, want %d: %+v", seed, len(r.Findings), len(want), chainsOf(r))
	}
	for _, n := range r.Notes {
		t.Errorf("seed %d: note: %s", seed, n)
	}
	for _, w := range want {
		var got []analyze.Finding
		for _, f := range r.Findings {
			if refString(f.RootCause.Ref) == w.Root {
				got = append(got, f)
			}
		}
		if len(got) != 1 {
			t.Errorf("seed %d: %s: %d findings rooted at %s, want 1 (findings %+v)", seed, w.Cause, len(got), w.Root, chainsOf(r))
			continue
		}
		f := got[0]
		if f.Signature != w.Signature {
			t.Errorf("seed %d: %s: signature %q, want %q", seed, w.Cause, f.Signature, w.Signature)
		}
		blocks := []string{refString(f.Symptom)}
		for _, a := range f.AlsoAffects {
			blocks = append(blocks, refString(a))
		}
		slices.Sort(blocks)
		if !slices.Equal(blocks, w.Blocks) {
			t.Errorf("seed %d: %s: blocks %v, want %v", seed, w.Cause, blocks, w.Blocks)
		}
		var links []string
		for _, l := range f.Chain[1:] {
			links = append(links, refString(l.Ref))
		}
		if !slices.Equal(links, w.Links) {
			t.Errorf("seed %d: %s: chain after the symptom %v, want %v", seed, w.Cause, links, w.Links)
		}
	}
}

// TestPlanSeedOne: seed 1 plants the classic two causes the README's
// benchmarks measure, and Plan is what Generate reports.
func TestPlanSeedOne(t *testing.T) {
	var got []Cause
	for _, c := range Plan(Options{Size: Sizes["tiny"], Seed: 1}) {
		got = append(got, c.Cause)
	}
	if want := []Cause{CauseMetricsCrashLoop, CauseKCMClusterRole}; !slices.Equal(got, want) {
		t.Errorf("seed 1 plants %v, want %v", got, want)
	}
	st, err := Generate(t.TempDir()+"/s.tgz", Options{Size: Sizes["tiny"], Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if want := Plan(Options{Size: Sizes["tiny"], Seed: 7}); !slices.EqualFunc(st.Planted, want, plantedEqual) {
		t.Errorf("Generate planted %+v, Plan says %+v", st.Planted, want)
	}
}

func plantedEqual(a, b Planted) bool {
	return a.Cause == b.Cause && a.Signature == b.Signature && a.Root == b.Root && slices.Equal(a.Blocks, b.Blocks) && slices.Equal(a.Links, b.Links)
}
