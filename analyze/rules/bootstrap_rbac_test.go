package rules_test

import (
	"strings"
	"testing"

	"github.com/nsbundle/nsbundle/bundle"
)

// TestBootstrapRBAC covers NSB-RBAC-001 while kube-controller-manager still
// runs: every change to a bootstrap object is its own finding.
func TestBootstrapRBAC(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(f *fx)
		want   []want
		fix    string // in every finding's fix; without "bootstrap-rbac" in it, no fix may name the command
	}{
		{
			name:   "ClusterRole deleted",
			fix:    "\n  nsbundle bootstrap-rbac --version v1.37 clusterrole/system:controller:namespace-controller | kubectl auth reconcile -f -\n",
			mutate: func(f *fx) { f.remove(pCRoles, "", "system:controller:namespace-controller") },
			want: []want{{id: "NSB-RBAC-001", symptom: "ClusterRole system:controller:namespace-controller", chain: []string{"ClusterRole system:controller:namespace-controller"},
				root: "ClusterRole system:controller:namespace-controller", rootProblem: "was deleted (kube-apiserver recreates it only when it restarts)",
				evidence: []wantEv{{link: 0, path: pCRoles, value: "ClusterRole system:controller:namespace-controller is absent from the collected list"}}}},
		},
		{
			name:   "ClusterRole rules reduced",
			fix:    "Restore ClusterRole system:kube-controller-manager from nsbundle's embedded bootstrap policy:\n  nsbundle bootstrap-rbac --version v1.37 clusterrole/system:kube-controller-manager | kubectl auth reconcile -f -\nRestarting kube-apiserver restores it too",
			mutate: func(f *fx) { dropRules(f.find(pCRoles, "", "system:kube-controller-manager"), "serviceaccounts") },
			want: []want{{id: "NSB-RBAC-001", symptom: lnKCMRole, chain: []string{lnKCMRole}, root: lnKCMRole, rootProblem: "no longer grants the bootstrap rules",
				evidence: []wantEv{{link: 0, path: pCRoles, pointer: "/items/59", value: "missing rules: "}}}},
		},
		{
			name: "RoleBinding points at another role",
			fix:  "\n  nsbundle bootstrap-rbac --version v1.37 rolebinding/kube-system/system::leader-locking-kube-controller-manager | kubectl auth reconcile -f -\n",
			mutate: func(f *fx) {
				set(f.find(pRoleBinds, "kube-system", "system::leader-locking-kube-controller-manager"), "roleRef",
					obj{"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "something-else"})
			},
			want: []want{{id: "NSB-RBAC-001", symptom: "RoleBinding kube-system/system::leader-locking-kube-controller-manager",
				chain: []string{"RoleBinding kube-system/system::leader-locking-kube-controller-manager"},
				root:  "RoleBinding kube-system/system::leader-locking-kube-controller-manager", rootProblem: "points at another role",
				evidence: []wantEv{{link: 0, path: pRoleBinds, pointer: "/items/2", value: "roleRef Role something-else"}}}},
		},
		{
			name: "protected object (autoupdate false) reduced: a restart will not repair it",
			fix:  "set the annotation to \"true\", then restore it from nsbundle's embedded bootstrap policy:\n  kubectl annotate clusterrole system:kube-controller-manager rbac.authorization.kubernetes.io/autoupdate=true --overwrite\n  nsbundle bootstrap-rbac --version v1.37 clusterrole/system:kube-controller-manager | kubectl auth reconcile -f -\n",
			mutate: func(f *fx) {
				role := f.find(pCRoles, "", "system:kube-controller-manager")
				dropRules(role, "serviceaccounts")
				set(role, "metadata.annotations", obj{"rbac.authorization.kubernetes.io/autoupdate": "false"})
			},
			want: []want{{id: "NSB-RBAC-001", symptom: lnKCMRole, chain: []string{lnKCMRole}, root: lnKCMRole, rootProblem: "no longer grants the bootstrap rules"}},
		},
		{
			name: "protected but intact: not a finding",
			mutate: func(f *fx) {
				set(f.find(pCRoles, "", "system:kube-controller-manager"), "metadata.annotations", obj{"rbac.authorization.kubernetes.io/autoupdate": "false"})
			},
		},
		{
			name: "RoleBindings forbidden to the collector: no guess",
			mutate: func(f *fx) {
				f.remove(pCRoles, "", "system:controller:namespace-controller")
				delete(f.lists, pRoleBinds)
				f.requests = append(f.requests, bundle.Request{Path: "/apis/rbac.authorization.k8s.io/v1/rolebindings", Verb: "list", Status: 403, Error: "rolebindings.rbac.authorization.k8s.io is forbidden", File: pRoleBinds})
			},
		},
		{
			name: "one namespace's Roles forbidden (partial): no guess",
			mutate: func(f *fx) {
				f.remove(pRoles, "kube-system", "system::leader-locking-kube-controller-manager")
				f.requests = append(f.requests, bundle.Request{Path: "/apis/rbac.authorization.k8s.io/v1/namespaces/kube-system/roles", Verb: "list", Status: 403, Error: "roles.rbac.authorization.k8s.io is forbidden"})
			},
		},
		{
			name:   "version outside the embedded lists: what every version shares is still checked",
			fix:    "re-apply ClusterRoleBinding system:public-info-viewer from a healthy cluster of the same version",
			mutate: func(f *fx) { f.remove(pCRBindings, "", "system:public-info-viewer"); f.version = "v1.99.0" },
			want: []want{{id: "NSB-RBAC-001", symptom: "ClusterRoleBinding system:public-info-viewer", chain: []string{"ClusterRoleBinding system:public-info-viewer"},
				root: "ClusterRoleBinding system:public-info-viewer", rootProblem: "was deleted",
				evidence: []wantEv{{link: 0, path: pCRBindings, value: "compared with the bootstrap policy of v1.24-v1.37 (common) (no bootstrap RBAC list for Kubernetes 1.99"}}}},
		},
		{
			name: "healthy v1.38 cluster: objects v1.38 may have dropped are not called deleted",
			mutate: func(f *fx) {
				f.version = "v1.38.0"
				f.remove(pCRoles, "", "system:controller:selinux-warning-controller")
			},
		},
		{
			name:   "unknown version: checked against what every version shares",
			fix:    "re-apply ClusterRole system:kube-controller-manager from a healthy cluster of the same version",
			mutate: func(f *fx) { f.version = "none"; f.remove(pCRoles, "", "system:kube-controller-manager") },
			want: []want{{id: "NSB-RBAC-001", symptom: lnKCMRole, chain: []string{lnKCMRole}, root: lnKCMRole, rootProblem: "was deleted",
				evidence: []wantEv{{link: 0, path: pCRoles, value: "Kubernetes version not in the bundle: checked only"}}}},
		},
		{
			name: "managed control plane (EKS v1.29): ClusterRoleBinding deleted, no restart advice",
			fix:  "Restore ClusterRoleBinding system:public-info-viewer from nsbundle's embedded bootstrap policy:\n  nsbundle bootstrap-rbac --version v1.29 clusterrolebinding/system:public-info-viewer | kubectl auth reconcile -f -\nThe provider runs kube-apiserver",
			mutate: func(f *fx) {
				withPolicy(f, "v1.29.8-eks-a737599", "v1.29.15")
				f.remove(pCRBindings, "", "system:public-info-viewer")
			},
			want: []want{{id: "NSB-RBAC-001", symptom: "ClusterRoleBinding system:public-info-viewer", chain: []string{"ClusterRoleBinding system:public-info-viewer"},
				root: "ClusterRoleBinding system:public-info-viewer", rootProblem: "was deleted"}},
		},
		{
			name:   "healthy k3s v1.31 cluster: compared with v1.31's own policy, no finding",
			mutate: func(f *fx) { withPolicy(f, "v1.31.2+k3s1", "v1.31.14") },
		},
		{
			name:   "healthy v1.24 cluster: no finding",
			mutate: func(f *fx) { withPolicy(f, "v1.24.17", "v1.24.17") },
		},
		{
			name: "v1.30 RKE2 cluster with ClusterRole system:kube-controller-manager deleted",
			fix:  "\n  nsbundle bootstrap-rbac --version v1.30 clusterrole/system:kube-controller-manager | kubectl auth reconcile -f -\n",
			mutate: func(f *fx) {
				withPolicy(f, "v1.30.14+rke2r1", "v1.30.14")
				f.remove(pCRoles, "", "system:kube-controller-manager")
			},
			want: []want{{id: "NSB-RBAC-001", symptom: lnKCMRole, chain: []string{lnKCMRole}, root: lnKCMRole, rootProblem: "was deleted",
				evidence: []wantEv{{link: 0, path: pCRoles, value: "compared with the bootstrap policy of v1.30.14"}}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := healthy()
			tt.mutate(f)
			r := analyzeFx(t, f)
			checkFindings(t, r.Findings, tt.want)
			for _, fd := range r.Findings {
				if !strings.Contains(fd.Fix, tt.fix) {
					t.Errorf("fix %q lacks %q", fd.Fix, tt.fix)
				}
				if !strings.Contains(tt.fix, "bootstrap-rbac") && strings.Contains(fd.Fix, "bootstrap-rbac") {
					t.Errorf("fix %q names a bootstrap-rbac command for a version without an embedded policy", fd.Fix)
				}
				protected := tt.name == "protected object (autoupdate false) reduced: a restart will not repair it"
				if got := containsSub([]string{fd.Fix}, `autoupdate: "false"`); got != protected {
					t.Errorf("fix %q: mentions the protection %v, want %v", fd.Fix, got, protected)
				}
				managed := strings.HasPrefix(tt.name, "managed control plane")
				if got := containsSub([]string{fd.Fix}, "you cannot restart it yourself"); got != managed {
					t.Errorf("fix %q: managed-control-plane wording %v, want %v", fd.Fix, got, managed)
				}
				if managed && containsSub([]string{fd.Fix}, "Restart kube-apiserver") {
					t.Errorf("fix %q tells an EKS customer to restart kube-apiserver", fd.Fix)
				}
			}
		})
	}
}

// withPolicy makes f a cluster of gitVersion holding the untouched bootstrap
// policy of release policy.
func withPolicy(f *fx, gitVersion, policy string) {
	f.version = gitVersion
	for p, items := range bootstrapLists(policy) {
		f.lists[p] = items
	}
}
