package app

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/nsbundle/nsbundle/samples/synth"
)

// triageGroups is what TestTriagePlanted reads of `triage -o json`.
type triageGroups struct {
	Groups []struct {
		Signature string   `json:"signature"`
		Count     int      `json:"count"`
		Bundles   []string `json:"bundles"`
		Clusters  []string `json:"clusters"`
		Chain     []string `json:"chain"`
	} `json:"groups"`
	Unreadable []struct{ Path, Error string } `json:"unreadable"`
}

// generatePlanted writes a tiny bundle per seed into dir and returns, per
// signature, the bundles that plant it, and per signature the planted
// roots' names.
func generatePlanted(t *testing.T, dir string, seeds []uint64) (want, roots map[string][]string, healthy []string) {
	t.Helper()
	want, roots = map[string][]string{}, map[string][]string{}
	for _, seed := range seeds {
		p := filepath.Join(dir, fmt.Sprintf("synth-%03d.tgz", seed))
		st, err := synth.Generate(p, synth.Options{Size: synth.Sizes["tiny"], Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Planted) == 0 {
			healthy = append(healthy, p)
		}
		for _, c := range st.Planted {
			want[c.Signature] = append(want[c.Signature], p)
			if !slices.Contains(roots[c.Signature], c.Root) {
				roots[c.Signature] = append(roots[c.Signature], c.Root)
			}
		}
	}
	return want, roots, healthy
}

// sampleGroups are the committed samples' groups, per signature their
// bundles, from the golden triage (TestGoldenTriage keeps it right).
func sampleGroups(t *testing.T) map[string][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "triage", "samples.json.golden"))
	if err != nil {
		t.Fatal(err)
	}
	var res triageGroups
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, g := range res.Groups {
		out[g.Signature] = g.Bundles
	}
	return out
}

// TestTriagePlanted: the committed samples plus generated bundles, each
// seed planting its own causes under its own names (namespaces, pod-name
// suffixes, IPs, the webhook Service's namespace), a healthy one and an
// unreadable file group into exactly the planted causes and the samples'
// own: each group holds exactly the bundles that planted its cause, the
// healthy bundle is in none, the garbage file is unreadable.
func TestTriagePlanted(t *testing.T) {
	t.Parallel()
	n := 8
	if !testing.Short() {
		n = 40
	}
	dir := t.TempDir()
	want, roots, healthy := generatePlanted(t, dir, synth.CoveringSeeds(n))
	if len(healthy) == 0 {
		t.Fatal("no healthy seed")
	}
	varied := 0
	for sig, rs := range roots {
		if len(rs) > 1 {
			varied++ // the grouping has to normalise these names
		} else if len(want[sig]) > 1 && strings.HasPrefix(sig, "NSB-POD-001") {
			t.Errorf("%s: every bundle names the root %v", sig, rs)
		}
	}
	if varied < 3 {
		t.Errorf("only %d signatures have roots of different names: %v", varied, roots)
	}
	for sig, bs := range sampleGroups(t) {
		want[sig] = append(bs, want[sig]...)
	}
	garbage := filepath.Join(dir, "garbage.tgz")
	if err := os.WriteFile(garbage, []byte("not a bundle"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := run(t, "nsbundle", "triage", "-o", "json", "--parallel", "2", "../../../samples", dir)
	if code != ExitFindings {
		t.Fatalf("exit %d, want %d; stderr %q", code, ExitFindings, stderr)
	}
	var res triageGroups
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, g := range res.Groups {
		got[g.Signature] = g.Bundles
		if !endsAtRoot(g.Signature, g.Chain) {
			t.Errorf("%s: chain %v does not end at its root", g.Signature, g.Chain)
		}
		if g.Count != len(g.Bundles) || len(g.Clusters) != g.Count {
			t.Errorf("%s: count %d, %d bundles, %d clusters: want one cluster each", g.Signature, g.Count, len(g.Bundles), len(g.Clusters))
		}
		for _, h := range healthy {
			if slices.Contains(g.Bundles, h) {
				t.Errorf("%s holds healthy bundle %s", g.Signature, h)
			}
		}
	}
	for sig := range want {
		slices.Sort(want[sig])
		slices.Sort(got[sig])
		if !reflect.DeepEqual(got[sig], want[sig]) {
			t.Errorf("group %s:\n got %v\nwant %v", sig, got[sig], want[sig])
		}
	}
	for sig, bs := range got {
		if _, ok := want[sig]; !ok {
			t.Errorf("group %s, of %v, was not planted", sig, bs)
		}
	}
	if len(res.Unreadable) != 1 || res.Unreadable[0].Path != garbage || !strings.Contains(res.Unreadable[0].Error, "not a bundle") {
		t.Errorf("unreadable = %+v, want only %s", res.Unreadable, garbage)
	}
}

// endsAtRoot reports whether a group's chain (links every bundle's chain
// has) ends at the root its signature names, in any namespace.
func endsAtRoot(sig string, chain []string) bool {
	_, root, _ := strings.Cut(sig, " ")
	kind, name, _ := strings.Cut(root, "/")
	if len(chain) == 0 {
		return false
	}
	last := chain[len(chain)-1]
	return last == root || strings.HasPrefix(last, kind+"/") && strings.HasSuffix(last, "/"+name)
}
