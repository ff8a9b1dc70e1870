package rules_test

import (
	"regexp"
	"testing"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/rules"
)

// TestAllRules checks the rule table: stable-looking unique IDs, titles,
// and an engine that accepts them.
func TestAllRules(t *testing.T) {
	t.Parallel()
	id := regexp.MustCompile(`^NSB-[A-Z]+-[0-9]{3}$`)
	seen := map[string]bool{}
	symptoms := 0
	for _, r := range rules.All() {
		if !id.MatchString(r.ID()) || r.Title() == "" || seen[r.ID()] {
			t.Errorf("rule %q %q: bad or duplicate ID, or no title", r.ID(), r.Title())
		}
		seen[r.ID()] = true
		if _, ok := r.(analyze.SymptomRule); ok {
			symptoms++
		}
		if er, ok := r.(analyze.ExplainRule); ok && len(er.Kinds()) == 0 {
			t.Errorf("rule %s explains no kind", r.ID())
		}
	}
	if symptoms == 0 {
		t.Errorf("no symptom rule")
	}
	if _, err := analyze.NewEngine(rules.All()); err != nil {
		t.Errorf("NewEngine: %v", err)
	}
}
