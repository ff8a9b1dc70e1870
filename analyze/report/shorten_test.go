package report

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestShortenAround: a shortened value keeps what the rule matched.
func TestShortenAround(t *testing.T) {
	t.Parallel()
	line := `E1123 08:10:55.797676 5016 controllermanager.go:637] "Error initializing a controller" err="failed to create Kubernetes client for \"cronjob-controller\": serviceaccounts \"cronjob-controller\" is forbidden: User \"system:kube-controller-manager\" cannot get resource \"serviceaccounts\" in API group \"\" in the namespace \"kube-system\"" controller="cronjob-controller" and a long tail of more words that a cut must drop here`
	tests := []struct {
		name, in, match string
		limit           int
		want            string // the whole result; "" to check only the properties
		mustKeep        string
	}{
		{name: "no match: as shorten", in: "the first words and then the error at the end", limit: 30, want: "the first … error at the end"},
		{name: "match not found: as shorten", in: "the first words and then the error at the end", match: "absent", limit: 30, want: "the first … error at the end"},
		{name: "fits", in: "short", match: "short", limit: 10, want: "short"},
		{name: "kept by shorten's end", in: "the first words and then the error at the end", match: "error", limit: 30, want: "the first … error at the end"},
		{name: "match near the start", in: "error: forbidden and then many words that do not matter at all in the end", match: "forbidden", limit: 30, want: "error: forbidden and then …"},
		{name: "match in the middle", in: line, match: `forbidden: User \"system:kube-controller-manager\" cannot`, limit: 200, mustKeep: `forbidden: User \"system:kube-controller-manager\" cannot`},
		{name: "multi-byte runes", in: strings.Repeat("é", 100) + " forbidden: User x cannot " + strings.Repeat("ü", 100), match: "forbidden: User x cannot", limit: 80, mustKeep: "forbidden: User x cannot"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := shortenAround(tt.in, tt.match, tt.limit)
			if tt.want != "" && got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
			if tt.mustKeep != "" && !strings.Contains(got, tt.mustKeep) {
				t.Errorf("%q lost %q", got, tt.mustKeep)
			}
			if n := utf8.RuneCountInString(got); tt.limit > 0 && n > tt.limit {
				t.Errorf("%d runes, over the limit %d: %q", n, tt.limit, got)
			}
			if !utf8.ValidString(got) {
				t.Errorf("invalid UTF-8: %q", got)
			}
			if tt.mustKeep != "" && !strings.HasPrefix(got, tt.in[:5]) {
				t.Errorf("%q lost the line's start", got)
			}
		})
	}
	// The plain shorten cuts the match of the middle case: the test above
	// would fail without shortenAround.
	if strings.Contains(shorten(line, 200), `forbidden: User`) {
		t.Fatal("shorten keeps the match: the middle case proves nothing")
	}
}
