package rules_test

import (
	"testing"
	"time"
)

func TestHealthyBundle(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(f *fx)
	}{
		{"as collected", func(*fx) {}},
		{"namespace deleted 10s ago, no condition yet", func(f *fx) {
			f.add(pNamespaces, terminating("scratch", 10*time.Second))
		}},
		{"namespace deleted 90s ago, conditions all OK", func(f *fx) {
			f.add(pNamespaces, terminating("scratch", 90*time.Second, nsConds()...))
		}},
		{"PVC Pending while kube-controller-manager leads", func(f *fx) {
			f.add(pPVCs, pvc("default", "new", "Pending", 10*time.Minute))
		}},
		{"pod deleted within its grace period", func(f *fx) {
			p := pod("default", "web-0", "node-a", "10.244.0.9", nil, true)
			set(p, "metadata.deletionTimestamp", ago(5*time.Second))
			f.add(pPods, p)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := healthy()
			tt.mutate(f)
			r := analyzeFx(t, f)
			checkFindings(t, r.Findings, nil)
			if len(r.Notes) != 0 {
				t.Errorf("notes on a healthy nsbundle bundle: %q", r.Notes)
			}
			if r.Bundle.Layout != "nsbundle" || r.Bundle.ClusterVersion != "v1.37.2" || r.Bundle.CollectedAt != "2026-11-23T05:10:00Z" {
				t.Errorf("bundle info %+v", r.Bundle)
			}
		})
	}
}
