package rules_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nsbundle/nsbundle/bundle"
)

// Older (≤1.34) and other kube-controller-manager log forms (KUBERNETES-FACTS.md §3).
const (
	lineAcquiredOld = `I0612 10:00:00.100000       1 leaderelection.go:258] successfully acquired lease kube-system/kube-controller-manager`
	lineRoleGoneOld = `E0612 10:00:00.200000       1 controllermanager.go:525] Error starting "namespace": failed to create Kubernetes client for "namespace-controller": serviceaccounts "namespace-controller" is forbidden: User "system:kube-controller-manager" cannot get resource "serviceaccounts" in API group "" in the namespace "kube-system": RBAC: clusterrole.rbac.authorization.k8s.io "system:kube-controller-manager" not found`
	lineLostOld     = `F0612 10:00:00.300000       1 controllermanager.go:294] leaderelection lost`
	lineHealthzOld  = `F0612 10:00:10.000000       1 controllermanager.go:233] error building controller context: failed to wait for apiserver being healthy: timed out waiting for the condition: failed to get apiserver /healthz status: forbidden: User "system:kube-controller-manager" cannot get path "/healthz"`
	lineNoBinding   = `E1123 05:09:40.201311       1 controllermanager.go:794] "Error initializing a controller" err="failed to create Kubernetes client config for \"namespace-controller\": serviceaccounts \"namespace-controller\" is forbidden: User \"system:kube-controller-manager\" cannot get resource \"serviceaccounts\" in API group \"\" in the namespace \"kube-system\"" controller="namespace-controller"`
	lineAnonymous   = `E1123 05:09:50.311215       1 controllermanager.go:345] "Error building controller context" err="failed to wait for apiserver being healthy: timed out waiting for the condition: failed to get apiserver /healthz status: forbidden: User \"system:anonymous\" cannot get path \"/healthz\""`
	lineWatch       = `E1123 05:09:30.000000       1 reflector.go:200] "Failed to watch" err="failed to list *v1.PersistentVolumeClaim: persistentvolumeclaims is forbidden: User \"system:kube-controller-manager\" cannot list resource \"persistentvolumeclaims\" in API group \"\" at the cluster scope: rbac: RBAC: clusterrole.rbac.authorization.k8s.io \"system:kube-controller-manager\" not found" logger="UnhandledError" reflector="k8s.io/client-go/informers/factory.go:160" type="*v1.PersistentVolumeClaim"`
)

// v1.37 texts of a controller-manager whose client certificate expired
// (seen in the lab, kcm-expired-cert).
const (
	lineUnauthorized     = `E1123 10:43:57.345189    7932 leaderelection.go:473] "Error retrieving lease lock" err="Unauthorized" lock="kube-system/kube-controller-manager"`
	lineAPIServerStarted = `I1123 10:40:01.000000    7909 controller.go:667] quota admission added evaluator for: leases.coordination.k8s.io`
	lineCertExpired      = `E1123 10:43:57.344460    7909 authentication.go:76] "Unable to authenticate the request" err="[x509: certificate has expired or is not yet valid: current time 2026-11-23T10:43:57Z is after 2026-11-22T08:42:19Z, verifying certificate SN=3027655598877321652, SKID=, AKID=11:BA:12:5F:12:F5:AF:A7:E2:5F:39:13:1F:06:E6:29:BF:9A:7B:84 failed: x509: certificate has expired or is not yet valid: current time 2026-11-23T10:43:57Z is after 2026-11-22T08:42:19Z]"`
	pAPIServerLog        = "logs/files/kube-apiserver.log"
)

const (
	lnKCM      = "Component kube-controller-manager"
	lnKCMRole  = "ClusterRole system:kube-controller-manager"
	lnPVC      = "PersistentVolumeClaim default/claim"
	lnTeamA    = "Namespace team-a"
	lnDiscBind = "ClusterRoleBinding system:discovery"
)

// repeat joins lines n times, one log line each.
func repeat(n int, lines ...string) string {
	return strings.Repeat(strings.Join(lines, "\n")+"\n", n)
}

// kcmCrashing makes kube-controller-manager crash-loop: its pod restarts and
// the lease changes hands at every start; log is the previous run's log.
func kcmCrashing(f *fx, log string) {
	crashLooping(f.find(pPods, "kube-system", "kube-controller-manager-cp"))
	f.lists[pLeases][0] = lease("kube-system", "kube-controller-manager", "cp_0b1e7c55-4a8e-4c1e-9f0e-3d2c1b0a9f8e", 40*time.Second, 41)
	f.files[pKCMLog] = log
}

// noKCMTrace removes every trace of kube-controller-manager: its pod, log
// and lease (single-server k3s, managed control planes).
func noKCMTrace(f *fx) {
	f.remove(pPods, "kube-system", "kube-controller-manager-cp")
	delete(f.files, pKCMLog)
	f.remove(pLeases, "kube-system", "kube-controller-manager")
}

// downstream adds what a dead controller-manager leaves behind: a claim
// Pending for 10 minutes and namespace team-a Terminating with no condition.
func downstream(f *fx) {
	f.add(pPVCs, pvc("default", "claim", "Pending", 10*time.Minute))
	f.add(pNamespaces, terminating("team-a", 10*time.Minute))
}

func TestKubeControllerManagerChains(t *testing.T) {
	t.Parallel()
	crashLog := repeat(3, lineAcquired, lineRoleGone, lineBuildFail, lineLost)
	tests := []mutation{
		{
			name: "ClusterRole deleted: crash loop, Pending PVC and stuck namespace are one finding",
			mutate: func(f *fx) {
				kcmCrashing(f, crashLog)
				f.remove(pCRoles, "", "system:kube-controller-manager")
				downstream(f)
			},
			want: []want{{
				id: "NSB-KCM-002", symptom: lnKCM,
				chain: []string{lnKCM, lnKCMRole},
				root:  lnKCMRole, rootProblem: `was deleted: kube-controller-manager is forbidden what it needs at start`,
				fix:  "Restore the bootstrap RBAC objects from nsbundle's embedded policy:\n  nsbundle bootstrap-rbac --version v1.37 clusterrole/system:kube-controller-manager | kubectl auth reconcile -f -\nRestarting kube-apiserver restores them too",
				also: []string{lnTeamA, lnPVC},
				evidence: []wantEv{
					{link: 0, path: pLeases, pointer: "/items/0/spec/leaseTransitions", value: "41 transitions"},
					{link: 0, path: pKCMLog, line: 2, value: `"Error initializing a controller"`},
					{link: 1, path: pKCMLog, line: 2, value: `clusterrole.rbac.authorization.k8s.io \"system:kube-controller-manager\" not found`},
					{link: 1, path: pCRoles, value: "ClusterRole system:kube-controller-manager is absent from the collected list"},
				},
			}},
		},
		{
			name: "ClusterRole recreated since the log said not found: the chain says it is back",
			mutate: func(f *fx) {
				kcmCrashing(f, crashLog)
				set(f.find(pCRoles, "", "system:kube-controller-manager"), "metadata.creationTimestamp", "2026-11-23T05:09:50Z")
				downstream(f)
			},
			want: []want{{
				id: "NSB-KCM-002", symptom: lnKCM,
				chain: []string{lnKCM, lnKCMRole},
				root:  lnKCMRole, rootProblem: "and exits; the bundle holds it again (created 2026-11-23T05:09:50Z), so it was recreated after that log line",
				also: []string{lnTeamA, lnPVC},
				evidence: []wantEv{
					{link: 1, path: pKCMLog, line: 2, value: `clusterrole.rbac.authorization.k8s.io \"system:kube-controller-manager\" not found`},
					{link: 1, path: pCRoles, pointer: "/items/59/metadata/creationTimestamp", value: "ClusterRole system:kube-controller-manager is in the bundle, created 2026-11-23T05:09:50Z"},
				},
			}},
		},
		{
			name: "ClusterRole deleted, log in the older (1.34) wording",
			mutate: func(f *fx) {
				kcmCrashing(f, repeat(3, lineAcquiredOld, lineRoleGoneOld, lineLostOld))
				f.remove(pCRoles, "", "system:kube-controller-manager")
				downstream(f)
			},
			want: []want{{
				id: "NSB-KCM-002", symptom: lnKCM,
				chain: []string{lnKCM, lnKCMRole},
				root:  lnKCMRole, rootProblem: "was deleted",
				also:     []string{lnTeamA, lnPVC},
				evidence: []wantEv{{link: 1, path: pKCMLog, line: 2, value: `clusterrole.rbac.authorization.k8s.io "system:kube-controller-manager" not found`}},
			}},
		},
		{
			name: "discovery bindings deleted too: /healthz forbidden",
			mutate: func(f *fx) {
				kcmCrashing(f, repeat(3, lineAcquired, lineHealthz, lineLost))
				f.remove(pCRBindings, "", "system:discovery")
				f.remove(pCRBindings, "", "system:public-info-viewer")
				downstream(f)
			},
			want: []want{{
				id: "NSB-KCM-002", symptom: lnKCM,
				chain: []string{lnKCM, lnDiscBind},
				root:  lnDiscBind, rootProblem: "may no longer read /healthz",
				fix:  "\n  nsbundle bootstrap-rbac --version v1.37 clusterrolebinding/system:discovery clusterrolebinding/system:public-info-viewer | kubectl auth reconcile -f -\n",
				also: []string{lnTeamA, lnPVC, "ClusterRoleBinding system:public-info-viewer"},
				evidence: []wantEv{
					{link: 1, path: pKCMLog, line: 2, value: `cannot get path \"/healthz\"`},
					{link: 1, path: pCRBindings, value: "ClusterRoleBinding system:discovery is absent from the collected list"},
				},
			}},
		},
		{
			name: "discovery bindings deleted, older fatal wording",
			mutate: func(f *fx) {
				kcmCrashing(f, repeat(3, lineAcquiredOld, lineHealthzOld))
				f.remove(pCRBindings, "", "system:discovery")
				f.remove(pCRBindings, "", "system:public-info-viewer")
			},
			want: []want{{
				id: "NSB-KCM-002", symptom: lnKCM,
				chain: []string{lnKCM, lnDiscBind},
				root:  lnDiscBind, rootProblem: "also deleted: ClusterRoleBinding system:public-info-viewer",
				also: []string{"ClusterRoleBinding system:public-info-viewer"},
			}},
		},
		{
			name: "ClusterRoleBinding deleted: forbidden without an RBAC reason",
			mutate: func(f *fx) {
				kcmCrashing(f, repeat(3, lineAcquired, lineNoBinding, lineBuildFail, lineLost))
				f.remove(pCRBindings, "", "system:kube-controller-manager")
				downstream(f)
			},
			want: []want{{
				id: "NSB-KCM-002", symptom: lnKCM,
				chain: []string{lnKCM, "ClusterRoleBinding system:kube-controller-manager"},
				root:  "ClusterRoleBinding system:kube-controller-manager", rootProblem: "is bound to no ClusterRole, so at start it is forbidden what it needs",
				fix:  "\n  nsbundle bootstrap-rbac --version v1.37 clusterrolebinding/system:kube-controller-manager | kubectl auth reconcile -f -\n",
				also: []string{lnTeamA, lnPVC},
			}},
		},
		{
			name: "ClusterRole altered: rules removed, requests forbidden without an RBAC reason",
			mutate: func(f *fx) {
				kcmCrashing(f, repeat(3, lineAcquired, lineNoBinding, lineBuildFail, lineLost))
				dropRules(f.find(pCRoles, "", "system:kube-controller-manager"), "serviceaccounts")
				downstream(f)
			},
			want: []want{{
				id: "NSB-KCM-002", symptom: lnKCM,
				chain: []string{lnKCM, lnKCMRole},
				root:  lnKCMRole, rootProblem: "no longer grants the bootstrap rules, so kube-controller-manager is forbidden what it needs and exits",
				fix:  "\n  nsbundle bootstrap-rbac --version v1.37 clusterrole/system:kube-controller-manager | kubectl auth reconcile -f -\n",
				also: []string{lnTeamA, lnPVC},
				evidence: []wantEv{
					{link: 1, path: pCRoles, pointer: "/items/59", value: "ClusterRole system:kube-controller-manager: missing rules: "},
					{link: 1, path: pKCMLog, line: 2, value: `serviceaccounts \"namespace-controller\" is forbidden`},
				},
			}},
		},
		{
			name: "ClusterRole altered and protected (autoupdate false): annotate first",
			mutate: func(f *fx) {
				kcmCrashing(f, repeat(3, lineAcquired, lineNoBinding, lineBuildFail, lineLost))
				role := f.find(pCRoles, "", "system:kube-controller-manager")
				dropRules(role, "serviceaccounts")
				set(role, "metadata.annotations", obj{"rbac.authorization.kubernetes.io/autoupdate": "false"})
			},
			want: []want{{
				id: "NSB-KCM-002", symptom: lnKCM,
				chain: []string{lnKCM, lnKCMRole},
				root:  lnKCMRole, rootProblem: "no longer grants the bootstrap rules",
				fix: "ClusterRole system:kube-controller-manager carries rbac.authorization.kubernetes.io/autoupdate: \"false\", which reconcile and a restart leave alone: set it to \"true\" first. Restore the bootstrap RBAC objects from nsbundle's embedded policy:\n" +
					"  kubectl annotate clusterrole system:kube-controller-manager rbac.authorization.kubernetes.io/autoupdate=true --overwrite\n" +
					"  nsbundle bootstrap-rbac --version v1.37 clusterrole/system:kube-controller-manager | kubectl auth reconcile -f -\n",
			}},
		},
		{
			name: "managed control plane (EKS v1.29): ClusterRole deleted, no restart advice",
			mutate: func(f *fx) {
				withPolicy(f, "v1.29.8-eks-a737599", "v1.29.15")
				kcmCrashing(f, crashLog)
				f.remove(pCRoles, "", "system:kube-controller-manager")
			},
			want: []want{{
				id: "NSB-KCM-002", symptom: lnKCM,
				chain: []string{lnKCM, lnKCMRole},
				root:  lnKCMRole, rootProblem: "was deleted",
				fix: "\n  nsbundle bootstrap-rbac --version v1.29 clusterrole/system:kube-controller-manager | kubectl auth reconcile -f -\n" +
					"The provider runs kube-apiserver (flavor eks (gitVersion \"v1.29.8-eks-a737599\")): you cannot restart it yourself",
			}},
		},
		{
			name: "ClusterRole deleted, version unknown: no command with a guessed version",
			mutate: func(f *fx) {
				f.version = "none"
				kcmCrashing(f, crashLog)
				f.remove(pCRoles, "", "system:kube-controller-manager")
			},
			want: []want{{
				id: "NSB-KCM-002", symptom: lnKCM,
				chain: []string{lnKCM, lnKCMRole},
				root:  lnKCMRole, rootProblem: "was deleted",
				fix: "or re-apply them from a healthy cluster of the same version (kubectl get clusterrole system:kube-controller-manager -o yaml from there)",
			}},
		},
		{
			name: "ClusterRoleBinding altered: subject removed",
			mutate: func(f *fx) {
				kcmCrashing(f, repeat(3, lineAcquired, lineNoBinding, lineBuildFail, lineLost))
				set(f.find(pCRBindings, "", "system:kube-controller-manager"), "subjects", []any{})
			},
			want: []want{{
				id: "NSB-KCM-002", symptom: lnKCM,
				chain: []string{lnKCM, "ClusterRoleBinding system:kube-controller-manager"},
				root:  "ClusterRoleBinding system:kube-controller-manager", rootProblem: "lost bootstrap subjects, so kube-controller-manager is forbidden",
				evidence: []wantEv{{link: 1, path: pCRBindings, pointer: "/items/45", value: "missing subjects: User system:kube-controller-manager"}},
			}},
		},
		{
			name: "requests forbidden, bootstrap RBAC intact",
			mutate: func(f *fx) {
				kcmCrashing(f, repeat(3, lineAcquired, lineNoBinding, lineBuildFail, lineLost))
			},
			want: []want{{
				id: "NSB-KCM-002", symptom: lnKCM,
				chain: []string{lnKCM},
				root:  lnKCM, rootProblem: "its own requests are forbidden although its bootstrap RBAC objects are intact",
				evidence: []wantEv{{link: 0, path: pKCMLog, line: 2, value: `is forbidden: User \"system:kube-controller-manager\"`}},
			}},
		},
		{
			name: "wrong credentials: /healthz forbidden to another user, RBAC intact",
			mutate: func(f *fx) {
				kcmCrashing(f, repeat(3, lineAcquired, lineAnonymous, lineLost))
			},
			want: []want{{
				id: "NSB-KCM-002", symptom: lnKCM,
				chain: []string{lnKCM},
				root:  lnKCM, rootProblem: "runs with the credentials of user system:anonymous",
			}},
		},
		{
			name: "absent: lease not renewed for 10 minutes, no pod, no log",
			mutate: func(f *fx) {
				f.remove(pPods, "kube-system", "kube-controller-manager-cp")
				delete(f.files, pKCMLog)
				f.lists[pLeases][0] = lease("kube-system", "kube-controller-manager", "cp_6f2b1c9e-5d1a-4c47-9b7a-0f1e2d3c4b5a", 10*time.Minute, 3)
				downstream(f)
			},
			want: []want{{
				id: "NSB-KCM-002", symptom: lnKCM,
				chain: []string{lnKCM},
				root:  lnKCM, rootProblem: "is not running or not leading, and its log is not in the bundle",
				also: []string{lnTeamA, lnPVC},
				evidence: []wantEv{
					{link: 0, path: pLeases, pointer: "/items/0/spec/renewTime", value: "(10m before collection)"},
				},
				missing: "kube-controller-manager logs: not collected",
			}},
		},
		{
			name: "absent: no lease, pod or log at all",
			mutate: func(f *fx) {
				noKCMTrace(f)
				f.add(pNamespaces, terminating("team-a", 10*time.Minute))
			},
			// No lease, pod or log is not evidence that it is down (k3s,
			// managed control planes): the chain ends in what is missing.
			want: []want{{
				id: "NSB-KCM-002", symptom: lnTeamA,
				chain: []string{lnTeamA, lnKCM, "MissingEvidence kube-controller-manager's state"},
				root:  "MissingEvidence kube-controller-manager's state", rootProblem: "no lease kube-system/kube-controller-manager, no pod and no log of it are in the bundle",
			}},
		},
		{
			name: "restarted in the past: restartCount 21 and two old exits in its log, Running and Ready, lease renewed: no finding",
			mutate: func(f *fx) {
				set(f.find(pPods, "kube-system", "kube-controller-manager-cp"), "status.containerStatuses", []any{obj{"name": "kube-controller-manager", "ready": true, "restartCount": 21,
					"state":     obj{"running": obj{"startedAt": ago(14 * 24 * time.Hour)}},
					"lastState": obj{"terminated": obj{"exitCode": 1, "reason": "Error", "finishedAt": ago(14 * 24 * time.Hour)}}}})
				f.files[pKCMLog] = repeat(2, lineAcquiredOld, lineLostOld) + lineAcquired + "\n"
			},
		},
		{
			name: "restartCount 21 and a log with exits, lease expired: crash-looping",
			mutate: func(f *fx) {
				kcmCrashing(f, repeat(3, lineAcquired, lineLost))
				f.lists[pLeases][0] = lease("kube-system", "kube-controller-manager", "cp_0b1e7c55-4a8e-4c1e-9f0e-3d2c1b0a9f8e", 10*time.Minute, 2)
			},
			want: []want{{id: "NSB-KCM-002", symptom: lnKCM, chain: []string{lnKCM}, root: lnKCM, rootProblem: "is not running: nobody renews its leader lease"}},
		},
		{
			name: "single-server k3s: no lease, pod or log by design",
			mutate: func(f *fx) {
				withPolicy(f, "v1.31.2+k3s1", "v1.31.14")
				noKCMTrace(f)
				f.add(pNamespaces, terminating("team-a", 10*time.Minute))
			},
			want: []want{{
				id: "NSB-KCM-002", symptom: lnTeamA,
				chain: []string{lnTeamA, lnKCM, "MissingEvidence kube-controller-manager's state"},
				root:  "MissingEvidence kube-controller-manager's state", rootProblem: "a single k3s server elects no leader",
			}},
		},
		{
			name: "healthy single-server k3s: no lease, pod or log, nothing stuck: no finding",
			mutate: func(f *fx) {
				withPolicy(f, "v1.31.2+k3s1", "v1.31.14")
				noKCMTrace(f)
			},
		},
		{
			name: "managed control plane (EKS): no lease, pod or log, nothing stuck: no finding",
			mutate: func(f *fx) {
				withPolicy(f, "v1.29.8-eks-a737599", "v1.29.15")
				noKCMTrace(f)
			},
		},
		{
			name: "leases forbidden to the collector: no guess about the controller-manager",
			mutate: func(f *fx) {
				delete(f.lists, pLeases)
				f.requests = append(f.requests, bundle.Request{Path: "/apis/coordination.k8s.io/v1/leases?limit=500", Verb: "list", Status: 403, Reason: "Forbidden",
					Error: `leases.coordination.k8s.io is forbidden: User "support@example.com" cannot list resource "leases" in API group "coordination.k8s.io" at the cluster scope`, File: pLeases})
				f.add(pNamespaces, terminating("team-a", 10*time.Minute))
			},
			want: []want{{
				id: "NSB-KCM-002", symptom: lnTeamA,
				chain: []string{lnTeamA, lnKCM, "MissingEvidence Lease objects"},
				root:  "MissingEvidence Lease objects", rootProblem: "Lease objects were not collected (403: leases.coordination.k8s.io is forbidden",
				missing: "Lease objects: ",
			}},
		},
		{
			name: "no lease, pod or log in a bundle that lacks them",
			mutate: func(f *fx) {
				delete(f.lists, pLeases)
				delete(f.lists, pPods)
				delete(f.files, pKCMLog)
				f.add(pNamespaces, terminating("team-a", 10*time.Minute))
			},
			want: []want{{
				id: "NSB-KCM-002", symptom: lnTeamA,
				chain: []string{lnTeamA, lnKCM, "MissingEvidence Lease objects"},
				root:  "MissingEvidence Lease objects", rootProblem: "Lease objects were not collected",
			}},
		},
		{
			name: "stale lease, log present without a permission error",
			mutate: func(f *fx) {
				f.lists[pLeases][0] = lease("kube-system", "kube-controller-manager", "cp_6f2b1c9e-5d1a-4c47-9b7a-0f1e2d3c4b5a", 5*time.Minute, 3)
				f.add(pNamespaces, terminating("team-a", 5*time.Minute))
			},
			want: []want{{
				id: "NSB-KCM-002", symptom: lnKCM,
				chain: []string{lnKCM},
				root:  lnKCM, rootProblem: "its log shows no permission error: it stopped or its host is down",
				also: []string{lnTeamA},
			}},
		},
		{
			name: "credentials rejected (expired certificate): alive, retrying, never leading",
			mutate: func(f *fx) {
				f.lists[pLeases][0] = lease("kube-system", "kube-controller-manager", "cp_6f2b1c9e-5d1a-4c47-9b7a-0f1e2d3c4b5a", 5*time.Minute, 3)
				f.files[pKCMLog] = repeat(3, lineUnauthorized)
				f.files[pAPIServerLog] = lineAPIServerStarted + "\n" + lineCertExpired + "\n"
				f.add(pNamespaces, terminating("team-a", 5*time.Minute))
			},
			want: []want{{
				id: "NSB-KCM-002", symptom: lnKCM,
				chain: []string{lnKCM},
				root:  lnKCM, rootProblem: "kube-apiserver rejects its credentials (401 Unauthorized, 3 times in its log), so it cannot take its leader lease and runs no controller; kube-apiserver's log says why: a client certificate has expired",
				also: []string{lnTeamA},
				evidence: []wantEv{
					{link: 0, path: pKCMLog, line: 3, value: `"Error retrieving lease lock" err="Unauthorized"`},
					{link: 0, path: pAPIServerLog, line: 2, value: "x509: certificate has expired or is not yet valid"},
				},
			}},
		},
		{
			name: "credentials rejected, no kube-apiserver log",
			mutate: func(f *fx) {
				f.lists[pLeases][0] = lease("kube-system", "kube-controller-manager", "cp_6f2b1c9e-5d1a-4c47-9b7a-0f1e2d3c4b5a", 5*time.Minute, 3)
				f.files[pKCMLog] = lineUnauthorized + "\n"
			},
			want: []want{{
				id: "NSB-KCM-002", symptom: lnKCM, chain: []string{lnKCM},
				root: lnKCM, rootProblem: "kube-apiserver rejects its credentials (401 Unauthorized), so it cannot take its leader lease and runs no controller",
			}},
		},
		{
			name: "a 401 long ago in the log of a leading controller-manager is no finding",
			mutate: func(f *fx) {
				f.files[pKCMLog] = lineUnauthorized + "\n" + f.files[pKCMLog]
			},
		},
		{
			name: "leading, namespace without conditions for 5 minutes",
			mutate: func(f *fx) {
				f.add(pNamespaces, terminating("team-a", 5*time.Minute))
			},
			want: []want{{
				id: "NSB-KCM-002", symptom: lnTeamA,
				chain: []string{lnTeamA, lnKCM},
				root:  lnKCM, rootProblem: "holds its leader lease, yet the namespace controller has not acted",
				evidence: []wantEv{{link: 1, path: pNamespaces, pointer: "/items/4/status", value: "phase Terminating, no conditions"}},
			}},
		},
		{
			name: "ClusterRole deleted while the running controller-manager keeps its lease",
			mutate: func(f *fx) {
				f.remove(pCRoles, "", "system:kube-controller-manager")
				f.files[pKCMLog] += lineWatch + "\n"
			},
			want: []want{{
				id: "NSB-RBAC-001", symptom: lnKCMRole,
				chain: []string{lnKCMRole},
				root:  lnKCMRole, rootProblem: "was deleted",
			}},
		},
		{
			name: "ClusterRole deleted, running controller-manager, namespace stuck",
			mutate: func(f *fx) {
				f.remove(pCRoles, "", "system:kube-controller-manager")
				f.files[pKCMLog] += lineWatch + "\n"
				f.add(pNamespaces, terminating("team-a", 10*time.Minute))
			},
			want: []want{{
				id: "NSB-KCM-002", symptom: lnTeamA,
				chain: []string{lnTeamA, lnKCM, lnKCMRole},
				root:  lnKCMRole, rootProblem: "was deleted",
			}},
		},
		{
			name: "pvc-protection finalizer while the controller-manager crash-loops",
			mutate: func(f *fx) {
				kcmCrashing(f, crashLog)
				f.remove(pCRoles, "", "system:kube-controller-manager")
				stuck(f, "team-a", cond("NamespaceFinalizersRemaining", "True", "SomeFinalizersRemain",
					"Some content in the namespace has finalizers remaining: kubernetes.io/pvc-protection in 1 resource instances"))
			},
			want: []want{{
				id: "NSB-KCM-002", symptom: lnKCM,
				chain: []string{lnKCM, lnKCMRole},
				root:  lnKCMRole, rootProblem: "was deleted",
				also: []string{lnTeamA},
			}},
		},
	}
	runMutations(t, tests)
}

// dropRules removes the rules of a role that name resource.
func dropRules(role obj, resource string) {
	var keep []any
	for _, r := range role["rules"].([]any) {
		res, _ := r.(obj)["resources"].([]any)
		if !slices.Contains(res, any(resource)) {
			keep = append(keep, r)
		}
	}
	role["rules"] = keep
}
