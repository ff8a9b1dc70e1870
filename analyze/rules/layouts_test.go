package rules_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/internal/layouttest"
	"github.com/nsbundle/nsbundle/analyze/rules"
)

// outcome is what a foreign layout's analysis of a lab sample must show,
// compared with the native analysis of the same cluster.
type outcome int

const (
	// same: every native root cause is a root cause here too.
	same outcome = iota
	// says: the layout lacks evidence the native chain rests on; the
	// finding of the same symptom says what is missing (a MissingEvidence
	// root, or a missing line besides the audit log's).
	says
	// unseen: the layout lacks the symptom's objects (a cluster-info dump
	// has no Namespace objects, leases or RBAC): no finding, and a note
	// says what the bundle lacks.
	unseen
)

// leaderRB is the controller-manager's leader-locking RoleBinding: in a
// troubleshoot bundle it is listed in cluster-resources/rolebindings/kube-system.json,
// after kube-public's file.
const leaderRB = "system::leader-locking-kube-controller-manager"

// TestEvidenceInEveryLayout analyzes lab samples rewritten into every
// layout the analyzer reads (troubleshoot, cluster-info dump,
// must-gather): every piece of evidence of every finding, in its chain and
// its timeline, must be in THAT bundle (file, JSON or YAML pointer, log
// line), an object's absence must be cited from the list file of its
// namespace, and the root causes must be native's where the layout holds
// the evidence, else say what is missing.
func TestEvidenceInEveryLayout(t *testing.T) {
	t.Parallel()
	tests := []struct {
		sample string
		// without deletes an object from the native bundle first
		// (list path, namespace, name).
		without                    [3]string
		troubleshoot, dump, gather outcome
	}{
		{sample: "missing-endpoints", troubleshoot: same, dump: unseen, gather: same},
		{sample: "service-not-found", troubleshoot: same, dump: unseen, gather: same},
		{sample: "admission-webhook", troubleshoot: same, dump: unseen, gather: says},
		{sample: "spec-finalizer", troubleshoot: same, dump: unseen, gather: same},
		{sample: "metadata-finalizer", troubleshoot: same, dump: unseen, gather: same},
		{sample: "pod-on-dead-node", troubleshoot: same, dump: unseen, gather: same},
		// The cloud-controller-manager log is a --log file: no foreign
		// layout holds it.
		{sample: "failed-discovery-check", troubleshoot: says, dump: unseen, gather: says},
		// Without kube-controller-manager's log, troubleshoot still shows
		// the deleted object (complete RBAC lists); a must-gather's lists
		// are partial, so it cannot call it deleted.
		{sample: "rbac-deleted-clusterrole", troubleshoot: same, dump: unseen, gather: says},
		{sample: "rbac-deleted-binding", troubleshoot: same, dump: unseen, gather: says},
		{sample: "kcm-absent", troubleshoot: same, dump: unseen, gather: same},
		// A deleted kube-system RoleBinding: its absence is cited from
		// troubleshoot's kube-system file, not the first RoleBinding's; a
		// must-gather's namespaces/kube-system/.../rolebindings.yaml lists
		// that namespace whole, so it proves the absence too.
		{sample: "kcm-absent", without: [3]string{pRoleBinds, "kube-system", leaderRB}, troubleshoot: same, dump: unseen, gather: same},
		{sample: "healthy", without: [3]string{pRoleBinds, "kube-system", leaderRB}, troubleshoot: same, dump: unseen, gather: unseen},
	}
	for _, tt := range tests {
		name := tt.sample
		if tt.without[2] != "" {
			name += " without " + tt.without[2]
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			native, err := layouttest.Read(filepath.Join("..", "..", "samples", tt.sample+".tgz"))
			if err != nil {
				t.Fatal(err)
			}
			if tt.without[2] != "" {
				if native, err = layouttest.Without(native, tt.without[0], tt.without[1], tt.without[2]); err != nil {
					t.Fatal(err)
				}
			}
			want := analyzeLayout(t, "nsbundle", native)
			if len(want.Findings) == 0 {
				t.Fatal("no native finding")
			}
			for _, lay := range []struct {
				layout  string
				convert func(map[string]string) (map[string]string, error)
				want    outcome
			}{
				{"troubleshoot", layouttest.Troubleshoot, tt.troubleshoot},
				{"cluster-info-dump", layouttest.ClusterInfoDump, tt.dump},
				{"must-gather", layouttest.MustGather, tt.gather},
			} {
				files, err := lay.convert(native)
				if err != nil {
					t.Fatal(err)
				}
				got := analyzeLayout(t, lay.layout, files)
				t.Run(lay.layout, func(t *testing.T) {
					verifyEvidence(t, files, got)
					verifyTimelineEvidence(t, files, got)
					checkAbsenceFiles(t, got)
					checkRoots(t, want, got, lay.want)
				})
			}
		})
	}
}

// analyzeLayout runs every rule on files, which must load as layout.
func analyzeLayout(t *testing.T, layout string, files map[string]string) *analyze.Report {
	t.Helper()
	r, err := analyze.Run(loadFiles(t, files), rules.All())
	if err != nil {
		t.Fatal(err)
	}
	if r.Bundle.Layout != layout {
		t.Fatalf("layout %q, want %q", r.Bundle.Layout, layout)
	}
	return r
}

// verifyTimelineEvidence is verifyEvidence for the evidence of the
// findings' timelines.
func verifyTimelineEvidence(t *testing.T, files map[string]string, r *analyze.Report) {
	t.Helper()
	for _, f := range r.Findings {
		var evs []analyze.Evidence
		for _, m := range f.Timeline {
			if m.Evidence != nil {
				evs = append(evs, *m.Evidence)
			}
		}
		verifyEvidence(t, files, &analyze.Report{Findings: []analyze.Finding{{ID: f.ID + " timeline", Chain: []analyze.Link{{Ref: f.Symptom, Evidence: evs}}}}})
	}
}

// checkAbsenceFiles fails for evidence citing a whole per-namespace list
// file (no pointer, no line: an object's absence from it) of another
// namespace than the link's object.
func checkAbsenceFiles(t *testing.T, r *analyze.Report) {
	t.Helper()
	for _, f := range r.Findings {
		for _, l := range f.Chain {
			for _, e := range l.Evidence {
				if ns := layouttest.FileNamespace(e.Path); e.Pointer == "" && e.Line == 0 && ns != "" && ns != l.Namespace {
					t.Errorf("%s %s: cites %s, the list of namespace %s (%q)", f.ID, refString(l.Ref), e.Path, ns, e.Value)
				}
			}
		}
	}
}

// checkRoots compares a foreign layout's root causes with native's: no
// root that native does not find unless it says what is missing, and
// native's roots as want says.
func checkRoots(t *testing.T, native, got *analyze.Report, want outcome) {
	t.Helper()
	nativeRoots := map[analyze.Ref]bool{}
	for _, f := range native.Findings {
		nativeRoots[f.RootCause.Ref] = true
	}
	bySymptom := map[analyze.Ref]analyze.Finding{}
	for _, f := range got.Findings {
		bySymptom[f.Symptom] = f
		if !nativeRoots[f.RootCause.Ref] && !saysMissing(f) {
			t.Errorf("%s: root %s (%q), which native does not find, and it does not say what is missing", f.ID, refString(f.RootCause.Ref), f.RootCause.Problem)
		}
	}
	for _, n := range native.Findings {
		f, ok := bySymptom[n.Symptom]
		switch want {
		case same:
			if !ok || f.RootCause.Ref != n.RootCause.Ref {
				t.Errorf("symptom %s: root %s (%q), want native's %s", refString(n.Symptom), refString(f.RootCause.Ref), f.RootCause.Problem, refString(n.RootCause.Ref))
			}
		case says:
			if !ok || f.RootCause.Ref == n.RootCause.Ref || !saysMissing(f) {
				t.Errorf("symptom %s: root %s (%q) missing %q, want a finding that says what is missing", refString(n.Symptom), refString(f.RootCause.Ref), f.RootCause.Problem, f.Missing)
			}
		case unseen:
			if ok {
				t.Errorf("symptom %s: found (%s), though the layout lacks its objects", refString(n.Symptom), f.ID)
			}
		}
	}
	if want == unseen && !strings.Contains(strings.Join(got.Notes, "\n"), "bundle holds no") {
		t.Errorf("no finding and no note saying what the bundle lacks: %q", got.Notes)
	}
}

// saysMissing reports whether a finding says what the bundle lacks: a
// MissingEvidence root, or a missing line besides the audit log's.
func saysMissing(f analyze.Finding) bool {
	if f.RootCause.Kind == analyze.KindEvidence {
		return true
	}
	for _, m := range f.Missing {
		if !strings.HasPrefix(m, "who deleted or changed") {
			return true
		}
	}
	return false
}
