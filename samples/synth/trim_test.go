package synth

import (
	"encoding/json"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/nsbundle/nsbundle/bundle"
	"github.com/nsbundle/nsbundle/collect"
)

// bundleOf reads the manifest and the events' newest times of a bundle, and
// whether it holds core/v1 Endpoints.
func bundleOf(t *testing.T, p string) (m bundle.Manifest, events []time.Time, endpoints bool) {
	t.Helper()
	err := bundle.Walk(p, bundle.DefaultLimits(), func(e *bundle.Entry) error {
		switch e.Name {
		case bundle.ManifestPath:
			return json.NewDecoder(e.Reader()).Decode(&m)
		case "resources/core/v1/endpoints.json":
			endpoints = true
		case "resources/core/v1/events.json":
			data, err := io.ReadAll(e.Reader())
			if err != nil {
				return err
			}
			var list struct {
				Items []struct {
					LastTimestamp time.Time `json:"lastTimestamp"`
				} `json:"items"`
			}
			if err := json.Unmarshal(data, &list); err != nil {
				return err
			}
			for _, it := range list.Items {
				events = append(events, it.LastTimestamp)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Walk: %v", err)
	}
	return m, events, endpoints
}

func findOmission(m bundle.Manifest, what string) *bundle.Omission {
	for i := range m.Omissions {
		if m.Omissions[i].What == what {
			return &m.Omissions[i]
		}
	}
	return nil
}

func TestDefaultOmissions(t *testing.T) {
	size := Sizes["small"]
	tests := []struct {
		name          string
		keep          bool
		window        time.Duration
		wantWindow    time.Duration // 0: every event kept
		wantEndpoints bool
	}{
		{"default as collect", false, 0, collect.DefaultEventsWindow, false},
		{"window 3h", false, 3 * time.Hour, 3 * time.Hour, false},
		{"window off", false, -1, 0, false},
		{"keep everything", true, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "b.tgz")
			st, err := Generate(p, Options{Size: size, Seed: 1, KeepEverything: tt.keep, EventsWindow: tt.window})
			if err != nil {
				t.Fatal(err)
			}
			m, events, endpoints := bundleOf(t, p)
			if endpoints != tt.wantEndpoints {
				t.Errorf("endpoints.json written: %v, want %v", endpoints, tt.wantEndpoints)
			}
			if o := findOmission(m, collect.OmitEndpoints); (o != nil) == tt.wantEndpoints {
				t.Errorf("Endpoints omission %+v with endpoints written %v", o, endpoints)
			}
			if m.Options.KeepEverything != tt.keep {
				t.Errorf("manifest keepEverything = %v", m.Options.KeepEverything)
			}
			if got := st.Lists["resources/core/v1/events.json"]; got != len(events) {
				t.Errorf("stats say %d events, bundle holds %d", got, len(events))
			}
			old := findOmission(m, collect.OmitOldEvents)
			dropped := 0
			if old != nil {
				dropped = old.Count
			}
			if len(events)+dropped != size.Events {
				t.Errorf("%d events kept + %d omitted, want %d in all", len(events), dropped, size.Events)
			}
			cutoff := DefaultNow.Add(-tt.wantWindow)
			oldest := DefaultNow
			for _, e := range events {
				if tt.wantWindow > 0 && e.Before(cutoff) {
					t.Fatalf("event last seen %s kept, older than the %s window", e, tt.wantWindow)
				}
				if e.Before(oldest) {
					oldest = e
				}
			}
			switch {
			case tt.wantWindow == 0 && (dropped != 0 || DefaultNow.Sub(oldest) < EventTTL*9/10):
				t.Errorf("every event should be kept, spread over %s: %d omitted, oldest %s old", EventTTL, dropped, DefaultNow.Sub(oldest))
			case tt.wantWindow > 0:
				// Uniform over EventTTL: about window/TTL of them kept.
				want := float64(size.Events) * float64(tt.wantWindow) / float64(EventTTL)
				if f := float64(len(events)); f < 0.9*want || f > 1.1*want {
					t.Errorf("%d events kept, want about %.0f", len(events), want)
				}
				if old == nil || old.Scope != "events" || old.Why != collect.OmitOldEventsWhy(tt.wantWindow) {
					t.Errorf("events omission: %+v", old)
				}
			}
		})
	}
}
