package collect

import (
	"testing"

	"github.com/nsbundle/nsbundle/collect/collecttest"
)

// TestFakeServesDefaultResources keeps the fake API server's discovery in
// step with what the collector lists.
func TestFakeServesDefaultResources(t *testing.T) {
	t.Parallel()
	served := map[string]collecttest.Resource{}
	for _, r := range collecttest.DefaultResources() {
		served[r.Key()] = r
	}
	for _, rt := range defaultResources {
		r, ok := served[rt.groupVersion()+"/"+rt.resource]
		if !ok || r.Kind != rt.kind || r.Namespaced != rt.namespaced {
			t.Errorf("%s: the fake serves %+v", rt.label(), r)
		}
	}
}
