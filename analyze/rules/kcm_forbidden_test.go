package rules_test

import (
	"strings"
	"testing"
)

// kube-controller-manager is forbidden its own requests and the bundle holds
// no RBAC objects (a cluster-info dump, a troubleshoot bundle without
// them): nothing shows them intact, so the finding says what is missing
// instead of "its bootstrap RBAC objects are intact in the bundle".
func TestKCMForbiddenWithoutRBACInTheBundle(t *testing.T) {
	t.Parallel()
	f := healthy()
	kcmCrashing(f, repeat(3, lineAcquired, lineNoBinding, lineBuildFail, lineLost))
	for _, p := range []string{pCRoles, pCRBindings, pRoles, pRoleBinds} {
		delete(f.lists, p)
	}
	checkFindings(t, analyzeFx(t, f).Findings, []want{{
		id: "NSB-KCM-002", symptom: lnKCM,
		chain: []string{lnKCM}, root: lnKCM,
		rootProblem: "its own requests are forbidden, and the bundle does not hold the bootstrap RBAC objects it needs to tell whether one was deleted or changed",
		missing:     "ClusterRole system:kube-controller-manager, ClusterRoleBinding system:kube-controller-manager",
		fix:         "nsbundle bootstrap-rbac",
	}})
}

// One start and one exit read "1 lease acquisition and 1 exit", not "1 lease
// acquisitions and 1 exits".
func TestKCMCrashLoopCountsSingular(t *testing.T) {
	t.Parallel()
	f := healthy()
	kcmCrashing(f, repeat(1, lineAcquired, lineNoBinding, lineBuildFail, lineLost))
	seen := false
	for _, fd := range analyzeFx(t, f).Findings {
		p := fd.Summary
		if strings.Contains(p, "1 lease acquisitions") || strings.Contains(p, "1 exits") {
			t.Errorf("symptom %q", p)
		}
		seen = seen || strings.Contains(p, "1 lease acquisition and 1 exit (leaderelection lost)")
	}
	if !seen {
		t.Errorf("no symptom with the counts")
	}
}
