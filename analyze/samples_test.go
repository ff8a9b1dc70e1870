package analyze_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/internal/shelltest"
	"github.com/nsbundle/nsbundle/analyze/report"
	"github.com/nsbundle/nsbundle/analyze/rules"
	"github.com/nsbundle/nsbundle/bundle"
)

var update = flag.Bool("update", false, "rewrite the golden analyses of the samples")

const samplesDir = "../samples"

// expectation is what the analysis of one lab sample must show.
type expectation struct {
	// none: the sample must yield no finding.
	none bool
	// rule and root are the first finding's rule ID and root cause.
	rule string
	root analyze.Ref
	// rootProblem is a substring of the first finding's root cause problem.
	rootProblem string
	// symptom is the first finding's symptom.
	symptom analyze.Ref
	// chainKinds are the kinds of the first finding's links, symptom first.
	chainKinds []string
	// alsoAffects lists refs that must be folded into the first finding.
	alsoAffects []analyze.Ref
	// findings is the exact number of findings (0: not checked).
	findings int
	// knownWrong are substrings of the table output that are wrong about
	// the real cluster the sample came from, kept visible until the rules
	// are fixed: the test fails once one disappears, so the fix removes
	// the mark (see samples/<version>/README.md).
	knownWrong []string
	// wantText are substrings the table output must hold: what the sample
	// shows of its version's real behaviour.
	wantText []string
	// timeline is the order (Kind/name) in which the first finding's dated
	// links and affected symptoms first appear in its timeline: the order
	// of what its lab scenario did (samples/lab/scenario*.go). nil: only
	// the timeline's own consistency is checked.
	timeline []string
	// changedBy is "user verb" of the first finding's root link ChangedBy,
	// from the sample's audit log ("": the root link must have none); its
	// time must fall before the collection.
	changedBy string
}

var sampleExpectations = map[string]expectation{
	"missing-endpoints": {
		rule: "NSB-POD-001", symptom: ref(analyze.KindNamespace, "", "analytics"), findings: 1,
		chainKinds: []string{"Namespace", "GroupVersion", "APIService", "Service", "Pod"},
		timeline: []string{ // APIService created before the pod existed (MissingEndpoints), then the pod Running unready, then the namespace deleted
			"Service/metrics-server", "APIService/v1beta1.metrics.k8s.io", "Pod/metrics-server-5b8cd9b74f-5mj9p", "Namespace/analytics", "GroupVersion/metrics.k8s.io/v1beta1"},
	},
	"failed-discovery-check": {
		rule: "NSB-CCM-001", symptom: ref(analyze.KindNamespace, "", "reporting"), root: ref(analyze.KindComponent, "", "cloud-controller-manager"), findings: 1,
		chainKinds: []string{"Namespace", "GroupVersion", "APIService", "Endpoint", "Pod", "Node", "Component"},
		timeline: []string{ // metrics-server started, route lost and not re-created, discovery check fails, namespace deleted
			"Pod/metrics-server-7d9c5b8f6-x2k4p", "Component/cloud-controller-manager", "Node/worker-1", "Endpoint/10.244.1.5:10250",
			"APIService/v1beta1.metrics.k8s.io", "Namespace/reporting", "GroupVersion/metrics.k8s.io/v1beta1"},
	},
	"service-not-found": {
		rule: "NSB-APISVC-001", symptom: ref(analyze.KindNamespace, "", "analytics"), root: ref(analyze.KindService, "kube-system", "metrics-server"), findings: 1,
		chainKinds: []string{"Namespace", "GroupVersion", "APIService", "Service"},
		timeline:   []string{"Service/metrics-server", "APIService/v1beta1.metrics.k8s.io", "Namespace/analytics", "GroupVersion/metrics.k8s.io/v1beta1"},
	},
	"rbac-deleted-clusterrole": {
		rule: "NSB-KCM-002", symptom: ref(analyze.KindComponent, "", "kube-controller-manager"), root: ref(analyze.KindClusterRole, "", "system:kube-controller-manager"),
		chainKinds:  []string{"Component", "ClusterRole"},
		alsoAffects: []analyze.Ref{ref(analyze.KindNamespace, "", "old-project"), ref(analyze.KindPVC, "data", "postgres-data")},
		findings:    1,
		timeline:    rbacTimeline("ClusterRole/system:kube-controller-manager"),
		changedBy:   rbacChangedBy,
	},
	"rbac-deleted-discovery": {
		rule: "NSB-KCM-002", symptom: ref(analyze.KindComponent, "", "kube-controller-manager"), root: ref(analyze.KindClusterRoleBinding, "", "system:discovery"),
		chainKinds: []string{"Component", "ClusterRoleBinding"},
		alsoAffects: []analyze.Ref{ref(analyze.KindNamespace, "", "old-project"), ref(analyze.KindPVC, "data", "postgres-data"),
			ref(analyze.KindClusterRole, "", "system:kube-controller-manager"), ref(analyze.KindClusterRoleBinding, "", "system:public-info-viewer")},
		findings:  1,
		timeline:  rbacTimeline("ClusterRoleBinding/system:discovery"),
		changedBy: rbacChangedBy,
	},
	"rbac-deleted-binding": {
		rule: "NSB-KCM-002", symptom: ref(analyze.KindComponent, "", "kube-controller-manager"), root: ref(analyze.KindClusterRoleBinding, "", "system:kube-controller-manager"),
		chainKinds:  []string{"Component", "ClusterRoleBinding"},
		alsoAffects: []analyze.Ref{ref(analyze.KindNamespace, "", "old-project"), ref(analyze.KindPVC, "data", "postgres-data")},
		findings:    1,
		timeline:    rbacTimeline("ClusterRoleBinding/system:kube-controller-manager"),
		changedBy:   rbacChangedBy,
	},
	"kcm-absent": {
		rule: "NSB-KCM-002", symptom: ref(analyze.KindComponent, "", "kube-controller-manager"), root: ref(analyze.KindComponent, "", "kube-controller-manager"),
		rootProblem: "is not running: nobody renews its leader lease",
		alsoAffects: []analyze.Ref{ref(analyze.KindNamespace, "", "legacy-apps")},
		findings:    1,
		timeline:    []string{"Component/kube-controller-manager", "Namespace/legacy-apps"}, // stopped, then the namespace deleted
	},
	"kcm-expired-cert": {
		rule: "NSB-KCM-002", symptom: ref(analyze.KindComponent, "", "kube-controller-manager"), root: ref(analyze.KindComponent, "", "kube-controller-manager"),
		rootProblem: "kube-apiserver rejects its credentials (401 Unauthorized",
		alsoAffects: []analyze.Ref{ref(analyze.KindNamespace, "", "old-project"), ref(analyze.KindPVC, "data", "postgres-data")},
		findings:    1,
		timeline:    []string{"Component/kube-controller-manager", "Namespace/old-project"},
	},
	"pod-on-dead-node": {
		rule: "NSB-NODE-001", chainKinds: []string{"Namespace", "Pod", "Node"},
		timeline: []string{"Node/worker-2", "Pod/report-generator", "Namespace/batch-jobs"},
	},
	"spec-finalizer": {
		rule: "NSB-NS-005", chainKinds: []string{"Namespace", "Finalizer"},
		timeline: []string{"Namespace/legacy-tenant"},
	},
	"metadata-finalizer": {
		rule: "NSB-FIN-001", chainKinds: []string{"Namespace", "Finalizer"},
		timeline: []string{"Namespace/archive", "Finalizer/example.com/protect"},
	},
	"admission-webhook": {
		rule: "NSB-WH-001", chainKinds: []string{"Namespace", "ValidatingWebhookConfiguration", "Service"},
		timeline: []string{"Namespace/frontend", "ValidatingWebhookConfiguration/policy.example.com"},
	},
	"conversion-webhook": {
		rule: "NSB-CRD-001", chainKinds: []string{"Namespace", "CustomResourceDefinition", "Service"},
		timeline: []string{"Namespace/inventory", "CustomResourceDefinition/widgets.example.com"},
	},
	"healthy": {none: true},
}

// versionSamples are the samples collected from an older control plane, in
// samples/<minor>/ (K8S_VERSION=v1.30.14 SAMPLES_DIR=samples/v1.30 make
// samples-v1.30), each with its goldens in samples/<minor>/golden/. Every
// sample there needs an entry: the version's own expectation, even where it
// equals the v1.37 one.
var versionSamples = map[string]map[string]expectation{
	"v1.30": {
		"healthy":                  sampleExpectations["healthy"],
		"spec-finalizer":           sampleExpectations["spec-finalizer"],
		"failed-discovery-check":   sampleExpectations["failed-discovery-check"],
		"rbac-deleted-clusterrole": rbacDeleted130("rbac-deleted-clusterrole", "ClusterRole/system:kube-controller-manager", "its own leader lease ("),
		"rbac-deleted-binding":     rbacDeleted130("rbac-deleted-binding", "ClusterRoleBinding/system:kube-controller-manager", "is bound to no ClusterRole"),
		"kcm-expired-cert":         sampleExpectations["kcm-expired-cert"],
	},
}

// rbacDeleted130 is an RBAC sample on v1.30.14: the same chain as on v1.37,
// but kube-controller-manager never exits there. Forbidden its lease (up to
// v1.30 only the ClusterRole grants it), it runs and retries `error
// retrieving resource lock` every few seconds, never leading, and takes the
// lease by itself once RBAC is restored. The analysis must say so: want are
// the scenario's own wordings, besides the common ones. The timeline is the
// version's order: the lease the first controller-manager took before the
// delete dates kube-controller-manager first, then root (as "Kind/name"),
// dated by dana's delete in the audit log, then the namespace's deletion.
func rbacDeleted130(name, root string, want ...string) expectation {
	e := sampleExpectations[name]
	e.timeline = []string{"Component/kube-controller-manager", root, "Namespace/old-project"}
	e.wantText = append([]string{
		"kube-controller-manager runs but does not lead: nobody renewed its leader lease",
		"retries and never leads",
		"takes it within seconds of the restore: no restart is needed",
	}, want...)
	e.knownWrong = nil
	return e
}

// rbacTimeline is the timeline order of an RBAC sample whose root (deleted,
// as "Kind/name") the sample's audit log dates by its delete: the scenario
// deletes it (as dana), restarts kube-controller-manager and deletes
// namespace old-project; kube-controller-manager is dated by the first
// forbidden line of its new run, some seconds after the namespace's
// deletion. (Without an audit log the root would be dated by that forbidden
// line too, after the namespace.)
func rbacTimeline(root string) []string {
	return []string{root, "Namespace/old-project", "Component/kube-controller-manager"}
}

// rbacChangedBy is who the RBAC scenarios delete as (lab.RBACUser) and how.
const rbacChangedBy = "dana delete"

func ref(kind analyze.Kind, ns, name string) analyze.Ref {
	return analyze.Ref{Kind: kind, Namespace: ns, Name: name}
}

// TestSamples analyzes every committed sample bundle collected from the lab,
// checks the chain each scenario promises, and compares every output format
// with its golden file (-update rewrites them).
func TestSamples(t *testing.T) {
	dirs := map[string]map[string]expectation{samplesDir: sampleExpectations}
	for v, exps := range versionSamples {
		dirs[filepath.Join(samplesDir, v)] = exps
	}
	found := 0
	for dir, exps := range dirs {
		paths, err := filepath.Glob(filepath.Join(dir, "*.tgz"))
		if err != nil {
			t.Fatal(err)
		}
		found += len(paths)
		prefix, _ := filepath.Rel(samplesDir, dir) // "." or "v1.30"
		for _, p := range paths {
			name := strings.TrimSuffix(filepath.Base(p), ".tgz")
			t.Run(filepath.Join(prefix, name), func(t *testing.T) {
				t.Parallel()
				rep, err := analyze.Analyze(p, analyze.Options{Limits: bundle.DefaultLimits(), Rules: rules.All()})
				if err != nil {
					t.Fatalf("analyze %s: %v", p, err)
				}
				checkEvidenceFiles(t, p, rep)
				rep.Bundle.Path = filepath.Base(p) // goldens must not depend on the checkout path
				if exp, ok := exps[name]; ok {
					checkExpectation(t, rep, exp)
				} else {
					t.Errorf("sample %s has no expectation (sampleExpectations, versionSamples)", p)
				}
				for _, f := range report.Formats() {
					var buf bytes.Buffer
					if err := report.Render(&buf, rep, f, report.Options{}); err != nil {
						t.Fatalf("render %s: %v", f, err)
					}
					golden(t, filepath.Join(dir, "golden", name+"."+string(f)), buf.Bytes())
					if f == report.FormatTable {
						// Matched across the table's line wrapping.
						flat := strings.Join(strings.Fields(buf.String()), " ")
						checkKnownWrong(t, flat, exps[name].knownWrong)
						for _, w := range exps[name].wantText {
							if !strings.Contains(flat, strings.Join(strings.Fields(w), " ")) {
								t.Errorf("%s: table output lacks %q", name, w)
							}
						}
					}
				}
			})
		}
	}
	if found == 0 {
		t.Skip("no sample bundles committed yet")
	}
	// A version directory holding bundles nobody expects anything of would
	// go untested.
	vdirs, _ := filepath.Glob(filepath.Join(samplesDir, "v*"))
	for _, d := range vdirs {
		if _, ok := versionSamples[filepath.Base(d)]; !ok {
			t.Errorf("%s: no entry in versionSamples", d)
		}
	}
}

func checkExpectation(t *testing.T, rep *analyze.Report, exp expectation) {
	t.Helper()
	if exp.none {
		if len(rep.Findings) != 0 {
			t.Fatalf("healthy sample has %d findings, first: %s", len(rep.Findings), rep.Findings[0].Summary)
		}
		return
	}
	if len(rep.Findings) == 0 {
		t.Fatal("no finding")
	}
	if exp.findings > 0 && len(rep.Findings) != exp.findings {
		t.Errorf("%d findings, want %d", len(rep.Findings), exp.findings)
	}
	f := rep.Findings[0]
	if exp.rule != "" && f.ID != exp.rule {
		t.Errorf("first finding rule %s, want %s (summary: %s)", f.ID, exp.rule, f.Summary)
	}
	if exp.symptom != (analyze.Ref{}) && f.Symptom != exp.symptom {
		t.Errorf("symptom %+v, want %+v", f.Symptom, exp.symptom)
	}
	if !strings.Contains(f.RootCause.Problem, exp.rootProblem) {
		t.Errorf("root cause problem %q, want it to contain %q", f.RootCause.Problem, exp.rootProblem)
	}
	if exp.root != (analyze.Ref{}) && f.RootCause.Ref != exp.root {
		t.Errorf("root cause %+v, want %+v", f.RootCause.Ref, exp.root)
	}
	if exp.chainKinds != nil {
		var kinds []string
		for _, l := range f.Chain {
			kinds = append(kinds, l.Kind.String())
		}
		if strings.Join(kinds, ">") != strings.Join(exp.chainKinds, ">") {
			t.Errorf("chain %s, want %s", strings.Join(kinds, " > "), strings.Join(exp.chainKinds, " > "))
		}
	}
	for _, a := range exp.alsoAffects {
		found := false
		for _, x := range f.AlsoAffects {
			found = found || x == a
		}
		if !found {
			t.Errorf("alsoAffects %+v lacks %+v", f.AlsoAffects, a)
		}
	}
	if f.Fix == "" || f.Verify.Command == "" || f.Verify.Expect == "" {
		t.Errorf("finding lacks fix, verify command or expect: %+v", f)
	}
	if err := shelltest.CheckShell(f.Verify.Command); err != nil {
		t.Errorf("%s: verify: %v", f.ID, err)
	}
	if p := shelltest.Placeholder(f.Fix + "\n" + f.Verify.Command); p != "" {
		t.Errorf("%s: fix or verify holds placeholder %q", f.ID, p)
	}
	for _, l := range f.Chain {
		if len(l.Evidence) == 0 && l.Kind != analyze.KindEvidence {
			t.Errorf("link %s/%s has no evidence", l.Kind, l.Name)
		}
	}
	checkChangedBy(t, rep, f, exp.changedBy)
	checkTimeline(t, f, exp.timeline)
}

// checkChangedBy fails unless the root link's ChangedBy is want ("user
// verb"; "": none), dated before the collection and quoting its audit line.
func checkChangedBy(t *testing.T, rep *analyze.Report, f analyze.Finding, want string) {
	t.Helper()
	c := f.Chain[len(f.Chain)-1].ChangedBy
	if c == nil {
		if want != "" {
			t.Errorf("root link has no changedBy, want %q (missing: %q)", want, f.Missing)
		}
		return
	}
	if got := c.User + " " + c.Verb; got != want {
		t.Errorf("root link changedBy %q (%s), want %q", got, c.Sentence(), want)
	}
	collected, err := time.Parse(time.RFC3339, rep.Bundle.CollectedAt)
	if err != nil || c.Time.IsZero() || !c.Time.Before(collected) {
		t.Errorf("root link changedBy time %v, want one before the collection (%q)", c.Time, rep.Bundle.CollectedAt)
	}
	if c.Evidence.Line == 0 || !strings.Contains(c.Evidence.Value, `"username":"`+c.User+`"`) {
		t.Errorf("root link changedBy evidence %+v does not quote %s's audit line", c.Evidence, c.User)
	}
}

// checkTimeline fails unless the finding's timeline is ordered by time,
// undated entries last, names every link, and, when want is given, shows the
// links and affected symptoms first in the order want lists them (as
// Kind/name): the order in which the sample's lab scenario made them happen.
func checkTimeline(t *testing.T, f analyze.Finding, want []string) {
	t.Helper()
	var order []string
	seen := map[analyze.Ref]bool{}
	undated := false
	for i, m := range f.Timeline {
		if m.Time == nil {
			undated = true
		} else if undated || (i > 0 && m.Time.Truncate(time.Second).Before(f.Timeline[i-1].Time.Truncate(time.Second))) {
			t.Errorf("timeline not ordered by time at %d: %+v", i, m)
		}
		if !seen[m.Ref] {
			seen[m.Ref] = true
			if m.Time != nil {
				order = append(order, m.Kind.String()+"/"+m.Name)
			}
		}
	}
	for _, l := range f.Chain {
		if !seen[l.Ref] {
			t.Errorf("timeline lacks link %s/%s", l.Kind, l.Name)
		}
	}
	if len(f.OrderWarnings) > 0 {
		t.Errorf("a lab sample's chain is right, yet the timeline warns: %q", f.OrderWarnings)
	}
	if want != nil && strings.Join(order, " > ") != strings.Join(want, " > ") {
		t.Errorf("timeline order\n  %s\nwant (the scenario's order)\n  %s", strings.Join(order, " > "), strings.Join(want, " > "))
	}
}

// checkKnownWrong logs each known-wrong text of the table output and fails
// when one is gone (fixed: remove the mark).
func checkKnownWrong(t *testing.T, table string, wrong []string) {
	t.Helper()
	flat := strings.Join(strings.Fields(table), " ") // the table wraps lines
	for _, w := range wrong {
		if strings.Contains(flat, w) {
			t.Logf("known wrong (left for the rules to fix): %q", w)
		} else {
			t.Errorf("known-wrong text %q is no longer in the analysis: if the rules were fixed, drop it from knownWrong and samples/*/README.md", w)
		}
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden %s: %v (run `make golden`)", path, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the analysis; run `make golden` and review the diff", path)
	}
}

// checkEvidenceFiles fails the test for evidence citing a file the bundle
// at path does not hold.
func checkEvidenceFiles(t *testing.T, path string, rep *analyze.Report) {
	t.Helper()
	files := map[string]bool{}
	if err := bundle.Walk(path, bundle.DefaultLimits(), func(e *bundle.Entry) error {
		files[e.Name] = true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		for _, l := range f.Chain {
			for _, e := range l.Evidence {
				if !files[e.Path] {
					t.Errorf("%s %s/%s: evidence cites %q, which %s does not hold", f.ID, l.Kind, l.Name, e.Path, filepath.Base(path))
				}
			}
		}
		for _, m := range f.Timeline {
			if m.Evidence != nil && !files[m.Evidence.Path] {
				t.Errorf("%s timeline %s/%s: evidence cites %q, which %s does not hold", f.ID, m.Kind, m.Name, m.Evidence.Path, filepath.Base(path))
			}
		}
	}
}
