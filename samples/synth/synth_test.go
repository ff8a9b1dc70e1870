package synth

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/rules"
	"github.com/nsbundle/nsbundle/bundle"
)

// chain is what must not change with the bundle's size: the finding, its
// symptom, what else it affects and every link of its chain.
type chain struct {
	ID, Symptom, Also string
	Links             []string
}

func chainsOf(r *analyze.Report) []chain {
	var out []chain
	for _, f := range r.Findings {
		c := chain{ID: f.ID, Symptom: refString(f.Symptom)}
		var also []string
		for _, a := range f.AlsoAffects {
			also = append(also, refString(a))
		}
		c.Also = strings.Join(also, ",")
		for _, l := range f.Chain {
			c.Links = append(c.Links, l.Rule+" "+refString(l.Ref))
		}
		c.Links = append(c.Links, "root "+refString(f.RootCause.Ref))
		out = append(out, c)
	}
	return out
}

func refString(r analyze.Ref) string {
	if r.Namespace != "" {
		return r.Kind.String() + "/" + r.Namespace + "/" + r.Name
	}
	return r.Kind.String() + "/" + r.Name
}

// planted are the planted problems: each finding's symptom, what else it
// affects, the refs its chain must pass through in order (other links may
// sit between them, as the rules evolve) and its root cause.
type planted struct {
	symptom, also, root string
	through             []string
}

func wantPlanted() []planted {
	m := newModel(Options{Size: Sizes["tiny"], Seed: 1, Now: DefaultNow})
	pod := "Pod/kube-system/" + m.pods[m.metricsPod()].name
	return []planted{
		{symptom: "Component/kube-controller-manager", also: "PersistentVolumeClaim/billing/data-ledger-db-0",
			root: "ClusterRole/system:kube-controller-manager", through: []string{"ClusterRole/system:kube-controller-manager"}},
		{symptom: "Namespace/analytics", root: pod, through: []string{
			"GroupVersion/metrics.k8s.io/v1beta1", "APIService/v1beta1.metrics.k8s.io", "Service/kube-system/metrics-server", pod}},
	}
}

// checkPlanted reports how the chains miss the planted problems.
func checkPlanted(t *testing.T, got []chain) {
	t.Helper()
	want := wantPlanted()
	if len(got) != len(want) {
		t.Errorf("%d findings, want %d: %+v", len(got), len(want), got)
		return
	}
	for i, w := range want {
		c := got[i]
		if c.Symptom != w.symptom || c.Also != w.also || c.Links[len(c.Links)-1] != "root "+w.root {
			t.Errorf("finding %d: %+v, want symptom %s, also %q, root %s", i, c, w.symptom, w.also, w.root)
			continue
		}
		k := 0
		for _, l := range c.Links {
			if k < len(w.through) && strings.HasSuffix(l, " "+w.through[k]) {
				k++
			}
		}
		if k < len(w.through) {
			t.Errorf("finding %d: chain %q does not pass through %s", i, c.Links, w.through[k])
		}
	}
}

func generate(t testing.TB, size string, seed uint64) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "synth-"+size+".tgz")
	if _, err := Generate(p, Options{Size: Sizes[size], Seed: seed}); err != nil {
		t.Fatalf("Generate(%s): %v", size, err)
	}
	return p
}

func TestPlantedFindings(t *testing.T) {
	sizes := []string{"tiny", "small"}
	if os.Getenv("NSBUNDLE_SYNTH_LARGE") != "" && !testing.Short() {
		sizes = append(sizes, "large")
	}
	var first []chain // every size must give the chains of the first
	for _, size := range sizes {
		t.Run(size, func(t *testing.T) {
			var p string
			if size == "large" {
				p = largeBundle(t)
			} else {
				p = generate(t, size, 1)
			}
			r, err := analyze.Analyze(p, analyze.Options{Limits: bundle.DefaultLimits(), Rules: rules.All()})
			if err != nil {
				t.Fatalf("Analyze: %v", err)
			}
			got := chainsOf(r)
			checkPlanted(t, got)
			if first == nil {
				first = got
			} else if !reflect.DeepEqual(got, first) {
				t.Errorf("chains differ from the %s bundle's:\n got %+v\nwant %+v", sizes[0], got, first)
			}
			for _, n := range r.Notes {
				t.Errorf("note: %s", n)
			}
		})
	}
}

// digest hashes every entry of a bundle, by name.
func digest(t *testing.T, p string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := bundle.Walk(p, bundle.DefaultLimits(), func(e *bundle.Entry) error {
		h := sha256.New()
		if _, err := io.Copy(h, e.Reader()); err != nil {
			return err
		}
		out[e.Name] = hex.EncodeToString(h.Sum(nil))
		return nil
	})
	if err != nil {
		t.Fatalf("Walk: %v", err)
	}
	return out
}

func TestDeterministic(t *testing.T) {
	tests := []struct {
		name  string
		seedA uint64
		seedB uint64
		same  bool
	}{
		{"same seed", 7, 7, true},
		{"other seed", 7, 8, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := digest(t, generate(t, "tiny", tt.seedA)), digest(t, generate(t, "tiny", tt.seedB))
			if got := reflect.DeepEqual(a, b); got != tt.same {
				t.Errorf("entries identical = %v, want %v", got, tt.same)
			}
			if len(a) < 30 {
				t.Errorf("only %d entries", len(a))
			}
		})
	}
}

func TestSizes(t *testing.T) {
	tests := []struct {
		size string
		ok   bool
	}{{"small", true}, {"large", true}, {"huge", false}}
	for _, tt := range tests {
		if _, err := SizeNamed(tt.size); (err == nil) != tt.ok {
			t.Errorf("SizeNamed(%q) error = %v, want ok %v", tt.size, err, tt.ok)
		}
	}
	m := newModel(Options{Size: Sizes["small"], Seed: 1, Now: DefaultNow})
	if got, want := len(m.pods), Sizes["small"].Pods; got != want {
		t.Errorf("pods = %d, want %d", got, want)
	}
	if got, want := len(m.services), Sizes["small"].EndpointSlices; got != want {
		t.Errorf("services (one EndpointSlice each) = %d, want %d", got, want)
	}
	if got, want := len(m.namespaces), Sizes["small"].Namespaces; got != want {
		t.Errorf("namespaces = %d, want %d", got, want)
	}
}

// TestTinySeeds: seeds whose tiny cluster has a Deployment scaled to zero
// placed after the last pod (57, 122, 174, 195 panicked with index out of
// range) generate.
func TestTinySeeds(t *testing.T) {
	for _, seed := range []uint64{57, 122} {
		generate(t, "tiny", seed)
	}
}
