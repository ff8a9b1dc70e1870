package rules_test

import (
	"cmp"
	"encoding/json"
	"testing"
	"time"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/rules"
)

func TestNamespaceSymptom(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		ns      obj
		want    bool
		problem string
	}{
		{"active", namespace("team-a"), false, ""},
		{"deleted 10s ago, no condition", terminating("team-a", 10*time.Second), false, ""},
		{"deleted 119s ago, conditions OK", terminating("team-a", 119*time.Second, nsConds()...), false, ""},
		{"deleted 10s ago, failing already", terminating("team-a", 10*time.Second, nsConds(contentFailure(msgAdmission))...), true, "stuck Terminating for 10s"},
		{"deleted 3m ago, content with finalizers still there", terminating("team-a", 3*time.Minute, nsConds(
			cond("NamespaceFinalizersRemaining", "True", "SomeFinalizersRemain", "Some content in the namespace has finalizers remaining: example.com/protect in 1 resource instances"))...), true, "stuck Terminating for 3m"},
		{"deleted 2m ago", terminating("team-a", 2*time.Minute, nsConds()...), true, "stuck Terminating for 2m"},
		{"deleted 3h ago", terminating("team-a", 3*time.Hour+5*time.Minute, nsConds()...), true, "stuck Terminating for 3h5m"},
		{"deleted 3 days ago", terminating("team-a", 72*time.Hour, nsConds()...), true, "stuck Terminating for 3d0h"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := healthy()
			f.add(pNamespaces, tt.ns)
			r := analyzeFx(t, f)
			if !tt.want {
				checkFindings(t, r.Findings, nil)
				return
			}
			if len(r.Findings) == 0 {
				t.Fatalf("no finding")
			}
			sym := r.Findings[0].Chain[0]
			if sym.Ref != (analyze.Ref{Kind: analyze.KindNamespace, Name: "team-a"}) || sym.Rule != "NSB-NS-001" || sym.Problem != tt.problem {
				t.Errorf("symptom %+v, want problem %q", sym, tt.problem)
			}
			if r.Findings[0].Severity != analyze.SeverityCritical || r.Findings[0].Summary[:len("Namespace team-a is "+tt.problem)] != "Namespace team-a is "+tt.problem {
				t.Errorf("severity %q summary %q", r.Findings[0].Severity, r.Findings[0].Summary)
			}
			if !hasEvidence(sym.Evidence, wantEv{path: pNamespaces, pointer: "/items/4/metadata/deletionTimestamp", value: "T"}) ||
				!hasEvidence(sym.Evidence, wantEv{path: pNamespaces, pointer: "/items/4/spec/finalizers", value: `["kubernetes"]`}) {
				t.Errorf("symptom evidence %+v", sym.Evidence)
			}
		})
	}
}

// TestNamespaceNoClock: a bundle with no timestamp at all cannot measure
// ages, so every deleted namespace counts, without an age.
func TestNamespaceNoClock(t *testing.T) {
	t.Parallel()
	ns := obj{"metadata": obj{"name": "team-a", "deletionTimestamp": nil}, "spec": obj{"finalizers": []any{"kubernetes"}}, "status": obj{"phase": "Terminating"}}
	b, _ := json.Marshal(ns)
	s := loadFiles(t, map[string]string{"cluster-resources/namespaces.json": `{"items":[` + string(b) + `]}`})
	r, err := analyze.Run(s, rules.All())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Findings) != 1 || r.Findings[0].Chain[0].Problem != "stuck Terminating" || r.Bundle.CollectedAt != "" {
		t.Fatalf("findings:\n%s", dumpFindings(r.Findings))
	}
	if r.Findings[0].ID != "NSB-NS-008" {
		t.Errorf("no clock, no conditions: want the unexplained rule, got\n%s", dumpFindings(r.Findings))
	}
}

// TestForeignLayouts runs the rules on a troubleshoot support bundle.
func TestForeignLayouts(t *testing.T) {
	t.Parallel()
	ns := terminating("app", 72*time.Hour, nsConds(cond("NamespaceDeletionDiscoveryFailure", "True", "DiscoveryFailed", msgLegacy))...)
	b, err := json.MarshalIndent(obj{"kind": "NamespaceList", "apiVersion": "v1", "items": []any{namespace("default"), ns}}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	s := loadFiles(t, map[string]string{
		"version.yaml":                                   "apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundleVersion\n",
		"cluster-resources/namespaces.json":              string(b),
		"cluster-resources/groups-resources-errors.json": `["unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: the server is currently unable to handle the request"]`,
	})
	r, err := analyze.Run(s, rules.All())
	if err != nil {
		t.Fatal(err)
	}
	if r.Bundle.Layout != "troubleshoot" {
		t.Errorf("layout %q", r.Bundle.Layout)
	}
	checkFindings(t, r.Findings, []want{{
		id: "NSB-GV-001", symptom: lnApp,
		chain: []string{lnApp, lnGV, "MissingEvidence APIService objects"},
		root:  "MissingEvidence APIService objects", rootProblem: "APIService objects are not part of a troubleshoot bundle",
		evidence: []wantEv{
			{link: 1, path: "cluster-resources/namespaces.json", pointer: "/items/1/status/conditions/0", value: msgLegacy},
			{link: 1, path: "cluster-resources/groups-resources-errors.json", pointer: "/0", value: "metrics.k8s.io/v1beta1: the server is currently unable to handle the request"},
		},
	}})
}

func TestNamespaceUnexplained(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		mutate  func(f *fx)
		missing string
		problem string // beyond "the bundle holds nothing that explains it"
	}{
		{"content remains without finalizers, no inventory", func(f *fx) {
			stuck(f, "team-a", cond("NamespaceContentRemaining", "True", "SomeResourcesRemain", "Some resources are remaining: configmaps. has 1 resource instances"))
		}, "the list of content left in team-a", "the namespace controller reports: Some resources are remaining: configmaps. has 1 resource instances"},
		{"nothing collected but namespaces", func(f *fx) {
			for p := range f.lists {
				if p != pNamespaces {
					delete(f.lists, p)
				}
			}
			f.files, f.discover = map[string]string{}, nil
			stuck(f, "team-a")
		}, "APIService objects", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := healthy()
			tt.mutate(f)
			checkFindings(t, analyzeFx(t, f).Findings, []want{{
				id: "NSB-NS-008", symptom: lnTeamA,
				chain: []string{lnTeamA, "MissingEvidence evidence of what blocks team-a"},
				root:  "MissingEvidence evidence of what blocks team-a", rootProblem: cmp.Or(tt.problem, "the bundle holds nothing that explains it"),
				missing: tt.missing,
			}})
		})
	}
}
