package analyze_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nsbundle/nsbundle/analyze"
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
}

var sampleExpectations = map[string]expectation{
	"missing-endpoints": {
		rule: "NSB-POD-001", symptom: ref(analyze.KindNamespace, "", "analytics"), findings: 1,
		chainKinds: []string{"Namespace", "GroupVersion", "APIService", "Service", "Pod"},
	},
	"failed-discovery-check": {
		rule: "NSB-CCM-001", symptom: ref(analyze.KindNamespace, "", "reporting"), root: ref(analyze.KindComponent, "", "cloud-controller-manager"), findings: 1,
		chainKinds: []string{"Namespace", "GroupVersion", "APIService", "Endpoint", "Pod", "Node", "Component"},
	},
	"service-not-found": {
		rule: "NSB-APISVC-001", symptom: ref(analyze.KindNamespace, "", "analytics"), root: ref(analyze.KindService, "kube-system", "metrics-server"), findings: 1,
		chainKinds: []string{"Namespace", "GroupVersion", "APIService", "Service"},
	},
	"rbac-deleted-clusterrole": {
		rule: "NSB-KCM-002", symptom: ref(analyze.KindComponent, "", "kube-controller-manager"), root: ref(analyze.KindClusterRole, "", "system:kube-controller-manager"),
		chainKinds:  []string{"Component", "ClusterRole"},
		alsoAffects: []analyze.Ref{ref(analyze.KindNamespace, "", "old-project"), ref(analyze.KindPVC, "data", "postgres-data")},
		findings:    1,
	},
	"rbac-deleted-discovery": {
		rule: "NSB-KCM-002", symptom: ref(analyze.KindComponent, "", "kube-controller-manager"), root: ref(analyze.KindClusterRoleBinding, "", "system:discovery"),
		chainKinds: []string{"Component", "ClusterRoleBinding"},
		alsoAffects: []analyze.Ref{ref(analyze.KindNamespace, "", "old-project"), ref(analyze.KindPVC, "data", "postgres-data"),
			ref(analyze.KindClusterRole, "", "system:kube-controller-manager"), ref(analyze.KindClusterRoleBinding, "", "system:public-info-viewer")},
		findings: 1,
	},
	"rbac-deleted-binding": {
		rule: "NSB-KCM-002", symptom: ref(analyze.KindComponent, "", "kube-controller-manager"), root: ref(analyze.KindClusterRoleBinding, "", "system:kube-controller-manager"),
		chainKinds:  []string{"Component", "ClusterRoleBinding"},
		alsoAffects: []analyze.Ref{ref(analyze.KindNamespace, "", "old-project"), ref(analyze.KindPVC, "data", "postgres-data")},
		findings:    1,
	},
	"kcm-absent": {
		rule: "NSB-KCM-002", symptom: ref(analyze.KindComponent, "", "kube-controller-manager"), root: ref(analyze.KindComponent, "", "kube-controller-manager"),
		rootProblem: "is not running: nobody renews its leader lease",
		alsoAffects: []analyze.Ref{ref(analyze.KindNamespace, "", "legacy-apps")},
		findings:    1,
	},
	"kcm-expired-cert": {
		rule: "NSB-KCM-002", symptom: ref(analyze.KindComponent, "", "kube-controller-manager"), root: ref(analyze.KindComponent, "", "kube-controller-manager"),
		rootProblem: "kube-apiserver rejects its credentials (401 Unauthorized",
		alsoAffects: []analyze.Ref{ref(analyze.KindNamespace, "", "old-project"), ref(analyze.KindPVC, "data", "postgres-data")},
		findings:    1,
	},
	"pod-on-dead-node": {
		rule: "NSB-NODE-001", chainKinds: []string{"Namespace", "Pod", "Node"},
	},
	"spec-finalizer": {
		rule: "NSB-NS-005", chainKinds: []string{"Namespace", "Finalizer"},
	},
	"metadata-finalizer": {
		rule: "NSB-FIN-001", chainKinds: []string{"Namespace", "Finalizer"},
	},
	"admission-webhook": {
		rule: "NSB-WH-001", chainKinds: []string{"Namespace", "ValidatingWebhookConfiguration", "Service"},
	},
	"conversion-webhook": {
		rule: "NSB-CRD-001", chainKinds: []string{"Namespace", "CustomResourceDefinition", "Service"},
	},
	"healthy": {none: true},
}

func ref(kind analyze.Kind, ns, name string) analyze.Ref {
	return analyze.Ref{Kind: kind, Namespace: ns, Name: name}
}

// TestSamples analyzes every committed sample bundle collected from the lab,
// checks the chain each scenario promises, and compares every output format
// with its golden file (-update rewrites them).
func TestSamples(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(samplesDir, "*.tgz"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Skip("no sample bundles committed yet")
	}
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".tgz")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			rep, err := analyze.Analyze(p, analyze.Options{Limits: bundle.DefaultLimits(), Rules: rules.All()})
			if err != nil {
				t.Fatalf("analyze %s: %v", p, err)
			}
			rep.Bundle.Path = filepath.Base(p) // goldens must not depend on the checkout path
			if exp, ok := sampleExpectations[name]; ok {
				checkExpectation(t, rep, exp)
			} else {
				t.Errorf("sample %s has no expectation in sampleExpectations", name)
			}
			for _, f := range report.Formats() {
				var buf bytes.Buffer
				if err := report.Render(&buf, rep, f, report.Options{}); err != nil {
					t.Fatalf("render %s: %v", f, err)
				}
				golden(t, filepath.Join(samplesDir, "golden", name+"."+string(f)), buf.Bytes())
			}
		})
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
	if f.Fix == "" || f.Verify == "" {
		t.Errorf("finding lacks fix or verify: %+v", f)
	}
	for _, l := range f.Chain {
		if len(l.Evidence) == 0 && l.Kind != analyze.KindEvidence {
			t.Errorf("link %s/%s has no evidence", l.Kind, l.Name)
		}
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
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
