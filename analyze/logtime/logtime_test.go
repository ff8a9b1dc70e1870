package logtime

import (
	"testing"
	"time"
)

func TestOf(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 7, 59, 6, 0, time.UTC)
	jan := time.Date(2027, 1, 1, 0, 10, 0, 0, time.UTC)
	leap := time.Date(2028, 3, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		line string
		now  time.Time
		want string // RFC 3339; "" for not dated
	}{
		{"klog in the collection's year", `E1123 07:58:12.068021   30734 event.go:365] "Server rejected event"`, now, "2026-11-23T07:58:12.068021Z"},
		{"klog info line", "I0101 00:00:00.000001 1 x.go:1] started", now, "2026-01-01T00:00:00.000001Z"},
		{"klog December read in January: the year before", "W1231 23:59:58.500000 7 a.go:2] late", jan, "2026-12-31T23:59:58.5Z"},
		{"klog a few hours after collection: same year (clock skew)", "I1123 10:00:00.000000 1 a.go:1] x", now, "2026-11-23T10:00:00Z"},
		{"klog two days after collection: the year before", "I1125 10:00:00.000000 1 a.go:1] x", now, "2025-11-25T10:00:00Z"},
		{"klog 29 February in a leap collection year", "E0229 12:00:00.000000 1 a.go:1] x", leap, "2028-02-29T12:00:00Z"},
		{"klog 29 February, no leap year in reach", "E0229 12:00:00.000000 1 a.go:1] x", jan, ""},
		{"klog without a collection time: no year, not dated", "E1123 07:58:12.068021 1 a.go:1] x", time.Time{}, ""},
		{"RFC 3339 prefix", "2026-11-23T07:58:12.068021789Z E1123 07:58:12.068021 1 a.go:1] x", now, "2026-11-23T07:58:12.068021789Z"},
		{"RFC 3339 with an offset, read as UTC", "2026-11-23T08:58:12+01:00 started", time.Time{}, "2026-11-23T07:58:12Z"},
		{"bad month", "E1323 07:58:12.068021 1 a.go:1] x", now, ""},
		{"not a severity letter", "X1123 07:58:12.068021 1 a.go:1] x", now, ""},
		{"short fraction", "E1123 07:58:12.06 1 a.go:1] x", now, ""},
		{"no time at all", "panic: runtime error", now, ""},
		{"empty", "", now, ""},
		{"date-like word", "2026-11-23Tnonsense x", now, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := Of(tc.line, tc.now)
			if tc.want == "" {
				if ok {
					t.Fatalf("Of(%q) = %v, want not dated", tc.line, got)
				}
				return
			}
			if !ok || got.Format(time.RFC3339Nano) != tc.want {
				t.Fatalf("Of(%q) = %v, %v; want %s", tc.line, got.Format(time.RFC3339Nano), ok, tc.want)
			}
		})
	}
}

func TestMessage(t *testing.T) {
	t.Parallel()
	tests := []struct{ line, want string }{
		{`E1123 07:58:12.068021   30734 event.go:365] "Server rejected event"`, `"Server rejected event"`},
		{"2026-11-23T07:58:12Z E1123 07:58:12.068021 1 a.go:1] x y", "x y"},
		{"2026-11-23T07:58:12Z plain text", "plain text"},
		{"no header here", "no header here"},
	}
	for _, tc := range tests {
		if got := Message(tc.line); got != tc.want {
			t.Errorf("Message(%q) = %q, want %q", tc.line, got, tc.want)
		}
	}
}

// FuzzOf: any line is either not dated or dated at most Future after now.
func FuzzOf(f *testing.F) {
	for _, s := range []string{"E1123 07:58:12.068021 1 a.go:1] x", "2026-11-23T07:58:12Z x", "I0229 00:00:00.000000", "", "2026-"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 23, 7, 59, 6, 0, time.UTC)
	f.Fuzz(func(t *testing.T, line string) {
		got, ok := Of(line, now)
		if ok && Klog(line) && got.After(now.Add(Future)) {
			t.Fatalf("klog line %q dated %v, after now+Future", line, got)
		}
		_ = Message(line)
	})
}
