package rules_test

import "testing"

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
