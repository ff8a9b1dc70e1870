package rules_test

import (
	"testing"

	"github.com/nsbundle/nsbundle/bundle"
)

// The namespace controller's text for a group-version it cannot parse
// (schema.ParseGroupVersion, KUBERNETES-FACTS.md §1.1).
const msgBadGV = "unexpected GroupVersion string: custom.metrics.k8s.io/v1/beta1"

func gvParsing(msg string) obj {
	return cond("NamespaceDeletionGroupVersionParsingFailure", "True", "GroupVersionParsingFailed", msg)
}

func TestNamespaceGVParsing(t *testing.T) {
	t.Parallel()
	const lnBad = "GroupVersion custom.metrics.k8s.io/v1/beta1"
	condEv := wantEv{link: 1, path: pNamespaces, pointer: "/items/4/status/conditions/1", value: "NamespaceDeletionGroupVersionParsingFailure=True (GroupVersionParsingFailed): " + msgBadGV}
	tests := []struct {
		name   string
		mutate func(f *fx)
		want   want
	}{
		{"served by an APIService, seen by the collector", func(f *fx) {
			stuck(f, "team-a", gvParsing(msgBadGV))
			f.add(pAPIServices, apiServiceObj("custom.metrics.k8s.io", "v1", "monitoring", "adapter", cond("Available", "True", "Passed", "all checks passed")))
			f.discover = append(f.discover, bundle.DiscoveryResult{GroupVersion: "custom.metrics.k8s.io/v1/beta1", Source: "aggregated", Path: "/apis", Status: 200, Freshness: "Current"})
		}, want{
			id: "NSB-NS-009", symptom: lnTeamA, chain: []string{lnTeamA, lnBad}, root: lnBad,
			rootProblem: `discovery advertises the group-version "custom.metrics.k8s.io/v1/beta1", which is not <group>/<version>`,
			evidence: []wantEv{condEv,
				{link: 1, path: "discovery/results.json", pointer: "/3/groupVersion", value: "custom.metrics.k8s.io/v1/beta1 (aggregated discovery, /apis)"},
				{link: 1, path: pAPIServices, pointer: "/items/2/spec/group", value: "APIService v1.custom.metrics.k8s.io serves group custom.metrics.k8s.io"},
			},
		}},
		{"no source in the bundle", func(f *fx) {
			stuck(f, "team-a", gvParsing(msgBadGV))
		}, want{
			id: "NSB-NS-009", symptom: lnTeamA, chain: []string{lnTeamA, lnBad}, root: lnBad,
			rootProblem: "drops its whole list of resources and deletes nothing", evidence: []wantEv{condEv},
		}},
		{"a message in another wording", func(f *fx) {
			stuck(f, "team-a", gvParsing("something else went wrong"))
		}, want{
			id: "NSB-NS-009", symptom: lnTeamA, chain: []string{lnTeamA, "GroupVersion unparseable"}, root: "GroupVersion unparseable",
			rootProblem: "could not parse a group-version",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := healthy()
			tt.mutate(f)
			checkFindings(t, analyzeFx(t, f).Findings, []want{tt.want})
		})
	}
}
