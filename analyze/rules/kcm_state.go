package rules

import (
	"strings"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/flavor"
	"github.com/nsbundle/nsbundle/analyze/kcm"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// kcmState (NSB-KCM-002): why kube-controller-manager does not run its
// controllers: forbidden by deleted bootstrap RBAC, other credentials, or
// simply not running.
type kcmState struct{}

func (kcmState) ID() string            { return "NSB-KCM-002" }
func (kcmState) Title() string         { return "Why kube-controller-manager does not work" }
func (kcmState) Kinds() []analyze.Kind { return []analyze.Kind{analyze.KindComponent} }

// Requires: the controller-manager's state, and the bootstrap RBAC
// comparison that names what it lost.
func (kcmState) Requires() []snapshot.AnyView {
	return []snapshot.AnyView{kcmView, bootstrapDiffView}
}

func (r kcmState) Explain(s *snapshot.Snapshot, n analyze.Node) []analyze.Node {
	if n.Name != componentKCM {
		return nil
	}
	st := readKCM(s)
	if nd, ok := causeRoot(s, st); ok {
		return []analyze.Node{nd}
	}
	return stateRoot(s, st)
}

// causeRoot is the root cause the controller-manager's log or the bundle's
// RBAC names: deleted or altered bootstrap RBAC, someone else's
// credentials, credentials kube-apiserver rejects.
func causeRoot(s *snapshot.Snapshot, st *kcm.Facts) (analyze.Node, bool) {
	missing := missingBootstrapForKCM(s)
	var altered map[analyze.Ref]alteration
	if st.Causes.Forbidden != nil || st.Causes.HealthzForbidden != nil || st.Causes.WatchForbidden != nil {
		altered = alteredBootstrapForKCM(s)
	}
	switch {
	case st.Causes.RoleNotFound != nil || len(missing) > 0 || (st.Causes.HealthzForbidden != nil && st.Causes.OtherUser == nil) || len(altered) > 0:
		// A forbidden /healthz for another user is a credentials problem.
		return rbacRoot(s, st, missing, altered), true
	case st.Causes.OtherUser != nil:
		return analyze.Node{
			Ref:      ref(analyze.KindComponent, "", componentKCM),
			Problem:  "runs with the credentials of user " + st.Causes.OtherUserName + ", not " + userKCM + ", and that user is forbidden what the controllers need",
			Evidence: []analyze.Evidence{hitEv(st.Causes.OtherUser)},
			Root:     true,
			Fix:      "Point kube-controller-manager's --kubeconfig at the credentials of " + userKCM + " (client certificate CN=" + userKCM + "), or bind that user to ClusterRole " + userKCM + ".",
			Verify:   verifyCmd("kubectl auth can-i list '*' --all-namespaces --as "+userKCM, "yes, exit status 0"),
		}, true
	case st.Causes.WatchForbidden != nil:
		return rbacRoot(s, st, missing, altered), true
	case st.Causes.Unauthorized != nil && !kcmRunning(st):
		return credentialsRejected(s, st), true
	}
	return analyze.Node{}, false
}

// stateRoot says what the bundle shows of the controller-manager when no log
// line or RBAC object names a cause.
func stateRoot(s *snapshot.Snapshot, st *kcm.Facts) []analyze.Node {
	if kcmRunning(st) && !kcmCrashLooping(st) {
		// NSB-KCM-001 raises its symptom only from the opposite facts (not
		// running, or crash-looping), so this answers the rules that ask
		// about a controller that has not acted (NSB-NS-007).
		return []analyze.Node{{
			Ref:      ref(analyze.KindComponent, "", componentKCM),
			Problem:  "holds its leader lease, yet the namespace controller has not acted",
			Evidence: leaseEvidence(st),
			Root:     true,
			Fix:      "Check that kube-controller-manager's --controllers includes the namespace controller (\"*\" or \"namespace\") and read its log for \"Deletion of namespace failed\".",
			Verify: verifyCmd("kubectl get ns -o jsonpath='{range .items[*]}{.metadata.name} {.status.conditions[*].type}{\"\\n\"}{end}'",
				"the Terminating namespaces carry NamespaceDeletion* conditions: the namespace controller acts on them"),
			Missing: logsMissing(st),
		}}
	}
	if st.Lease == nil && !kcmCrashLooping(st) {
		// Without the lease nothing says whether it runs: do not guess.
		if nd, missing := notCollected(s, snapshot.ResLeases, "Lease objects"); missing {
			nd.Problem += " (kube-controller-manager's leader lease kube-system/kube-controller-manager would show whether it runs)"
			return []analyze.Node{nd}
		}
	}
	if st.Lease == nil && len(st.Pods) == 0 && len(st.Logs) == 0 {
		return []analyze.Node{noTrace(s)}
	}
	if len(st.Logs) == 0 {
		nd := analyze.Node{
			Ref:      ref(analyze.KindComponent, "", componentKCM),
			Problem:  "is not running or not leading, and its log is not in the bundle to say why",
			Evidence: leaseEvidence(st),
			Root:     true,
			Fix: "Start kube-controller-manager (" + startHow(s, componentKCM) + ") and read its log; " +
				"collect it with `nsbundle collect --log kube-controller-manager=/var/log/kube-controller-manager.log` when it is not a pod.",
			Verify:  kcmLeaseStable(""),
			Missing: []string{"kube-controller-manager logs: not collected"},
		}
		return []analyze.Node{nd}
	}
	if st.Causes.Forbidden != nil {
		return []analyze.Node{forbiddenRoot(s, st)}
	}
	problem := "is not running: nobody renews its leader lease"
	if leaseAge(st) > 0 {
		problem += " (last renewed " + human(leaseAge(st)) + " before collection)"
	}
	problem += ", and its log shows no permission error: it stopped or its host is down"
	evs := leaseEvidence(st)
	last := st.Logs[0]
	for _, l := range st.Logs {
		if !l.Previous {
			last = l
		}
	}
	if n := len(last.Lines); n > 0 {
		evs = append(evs, evLine(last, n-1))
	}
	return []analyze.Node{{
		Ref:      ref(analyze.KindComponent, "", componentKCM),
		Problem:  problem,
		Evidence: evs,
		Root:     true,
		Fix: "Start kube-controller-manager again (" + startHow(s, componentKCM) + "); " +
			"its last log lines (quoted) show how it ended. Namespaces, PVCs and other objects waiting on its controllers resume by themselves.",
		Verify: kcmLeaseStable(""),
	}}
}

func logsMissing(st *kcm.Facts) []string {
	if len(st.Logs) == 0 {
		return []string{"kube-controller-manager logs: not collected"}
	}
	return nil
}

// credentialsRejected: kube-apiserver answers kube-controller-manager 401,
// so it cannot even read its lease. It keeps running and retrying: nothing
// restarts it, and restarting it changes nothing.
func credentialsRejected(s *snapshot.Snapshot, st *kcm.Facts) analyze.Node {
	evs := append(leaseEvidence(st), hitEv(st.Causes.Unauthorized))
	problem := "kube-apiserver rejects its credentials (401 Unauthorized"
	if st.Causes.UnauthorizedCount > 1 {
		problem += ", " + itoa(st.Causes.UnauthorizedCount) + " times in its log"
	}
	problem += "), so it cannot take its leader lease and runs no controller"
	if hit := apiserverAuthFailure(s); hit != nil {
		evs = append(evs, hitEv(hit))
		switch line := hit.Text(); {
		case strings.Contains(line, "certificate has expired"):
			problem += "; kube-apiserver's log says why: a client certificate has expired"
		case strings.Contains(line, "certificate signed by unknown authority"):
			problem += "; kube-apiserver's log says why: a client certificate is not signed by the cluster's CA"
		}
	}
	return analyze.Node{
		Ref:      ref(analyze.KindComponent, "", componentKCM),
		Problem:  problem,
		Evidence: evs,
		Root:     true,
		Fix: "Renew the client certificate (or token) in kube-controller-manager's --kubeconfig, then restart it: with kubeadm, " +
			"`kubeadm certs check-expiration` and `kubeadm certs renew controller-manager.conf` on each control-plane host, then move the static pod manifest out of " +
			"/etc/kubernetes/manifests and back. Check the other components' certificates too: they were usually issued together. " +
			"Restarting the controller-manager alone changes nothing.",
		Verify: kcmLeaseStable(""),
	}
}

// apiserverAuthFailure finds the newest "Unable to authenticate the
// request" line of kube-apiserver's log (v1.37 and older wordings), or nil.
func apiserverAuthFailure(s *snapshot.Snapshot) *kcm.Hit {
	var hit *kcm.Hit
	for _, l := range s.LogsOf("kube-apiserver") {
		for i, line := range l.Lines {
			if strings.Contains(line, "Unable to authenticate the request") {
				hit = &kcm.Hit{Log: l, Line: i}
			}
		}
	}
	return hit
}

// noTrace is the end of a chain at a controller-manager the bundle shows
// nothing of (no lease, pod or log): what that means on the recognised
// flavor, and what would show its state. Never "not running".
func noTrace(s *snapshot.Snapshot) analyze.Node {
	f := flavor.Of(s)
	what := "kube-controller-manager's state"
	why := "no lease kube-system/kube-controller-manager, no pod and no log of it are in the bundle, so it cannot show whether it runs"
	fix := "Collect its log: `nsbundle collect --log kube-controller-manager=PATH` on a control-plane host when it is not a pod, or read its static pod's log there (crictl logs)."
	switch {
	case f.Name == flavor.K3s:
		why = "k3s runs it inside the k3s server process, and a single k3s server elects no leader: there is no lease, pod or log of its own to show its state (flavor " + f.String() + ")"
		fix = "Read the k3s server's log on the server host (journalctl -u k3s) for the namespace controller's errors, or collect it with `nsbundle collect --log kube-controller-manager=PATH`."
	case f.Managed():
		why = "the provider runs the control plane of this cluster (flavor " + f.String() + "): its pods and logs are not in the cluster"
		fix = "Read kube-controller-manager's log in the provider's control-plane logging (EKS: CloudWatch controllerManager log type; GKE: Cloud Logging, resource k8s_control_plane_component; AKS: diagnostic setting kube-controller-manager), or open a ticket with the provider."
	}
	nd := missingNode(what, why)
	nd.Fix = fix
	return nd
}

// kcmLeaseStable checks, after check (if any) passes, that one
// kube-controller-manager keeps its leader lease for two minutes.
func kcmLeaseStable(check string) analyze.Verify {
	v := verifyLeaseStable(kcm.LeaseNamespace, kcm.LeaseName)
	if check != "" {
		v.Command = check + " && { " + v.Command + "; }"
		v.Expect = "exit status 0: the check passes and " + v.Expect[len("exit status 0: "):]
	}
	return v
}

// forbiddenRoot: the controller-manager's own requests are forbidden and
// no deleted or changed bootstrap object explains it. "Intact" is said only
// of objects the bundle holds; a bundle without them (a cluster-info dump,
// a must-gather's selection) says what is missing instead.
func forbiddenRoot(s *snapshot.Snapshot, st *kcm.Facts) analyze.Node {
	nd := analyze.Node{
		Ref:      ref(analyze.KindComponent, "", componentKCM),
		Problem:  "its own requests are forbidden although its bootstrap RBAC objects are intact in the bundle",
		Evidence: append(leaseEvidence(st), hitEv(st.Causes.Forbidden)),
		Root:     true,
		Fix:      "Find what denies " + userKCM + " (an authorization webhook or another --authorization-mode, a changed binding outside the bootstrap set): kubectl auth can-i --list --as " + userKCM + "; then restart kube-controller-manager.",
		Verify:   kcmLeaseStable(""),
	}
	if st.Lease != nil || s.Collected(snapshot.ResLeases) {
		nd.Problem = "does not hold its lease: " + nd.Problem
	}
	var unseen []string
	for _, r := range kcmBootstrap {
		if present, _ := hasRBAC(s, r); !present {
			unseen = append(unseen, r.Kind.String()+" "+nsName(r.Namespace, r.Name))
		}
	}
	if len(unseen) > 0 {
		nd.Problem = "its own requests are forbidden, and the bundle does not hold the bootstrap RBAC objects it needs to tell whether one was deleted or changed"
		nd.Fix = "Compare its bootstrap RBAC with the policy (nsbundle bootstrap-rbac prints it; kubectl auth reconcile restores it), then find what else denies " +
			userKCM + ": kubectl auth can-i --list --as " + userKCM + "; then restart kube-controller-manager."
		nd.Missing = []string{strings.Join(unseen, ", ") + ": not in the bundle (`nsbundle collect` gathers them)"}
	}
	return nd
}
