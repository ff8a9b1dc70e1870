package rules

import (
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/bootstrap"
	"github.com/nsbundle/nsbundle/analyze/flavor"
	"github.com/nsbundle/nsbundle/analyze/kcm"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// kcmBootstrap lists the bootstrap RBAC objects kube-controller-manager
// needs to start: its own role and binding, the leader-locking role, and the
// discovery bindings that let it read /healthz.
var kcmBootstrap = []analyze.Ref{
	{Kind: analyze.KindClusterRole, Name: "system:kube-controller-manager"},
	{Kind: analyze.KindClusterRoleBinding, Name: "system:kube-controller-manager"},
	{Kind: analyze.KindClusterRoleBinding, Name: "system:discovery"},
	{Kind: analyze.KindClusterRoleBinding, Name: "system:public-info-viewer"},
	{Kind: analyze.KindClusterRole, Name: "system:discovery"},
	{Kind: analyze.KindClusterRole, Name: "system:public-info-viewer"},
	{Kind: analyze.KindRole, Namespace: "kube-system", Name: "system::leader-locking-kube-controller-manager"},
	{Kind: analyze.KindRoleBinding, Namespace: "kube-system", Name: "system::leader-locking-kube-controller-manager"},
}

// kcmBinding gives ClusterRole system:kube-controller-manager to its user.
var kcmBinding = analyze.Ref{Kind: analyze.KindClusterRoleBinding, Name: "system:kube-controller-manager"}

// rbacRes is the resource key of an RBAC kind ("" for another kind).
func rbacRes(kind analyze.Kind) string {
	switch kind {
	case analyze.KindClusterRole:
		return snapshot.ResClusterRoles
	case analyze.KindClusterRoleBinding:
		return snapshot.ResClusterBindings
	case analyze.KindRole:
		return snapshot.ResRoles
	case analyze.KindRoleBinding:
		return snapshot.ResRoleBindings
	}
	return ""
}

// rbacLoc returns where the bundle holds an RBAC object, if it does.
func rbacLoc(s *snapshot.Snapshot, r analyze.Ref) (snapshot.Location, bool) {
	_, loc, ok := rbacObject(s, r)
	return loc, ok
}

// rbacObject returns the metadata of an RBAC object the bundle holds, and
// where it is, if it does.
func rbacObject(s *snapshot.Snapshot, r analyze.Ref) (*metav1.ObjectMeta, snapshot.Location, bool) {
	switch r.Kind {
	case analyze.KindClusterRole:
		return findMeta(s.ClusterRoles, func(x *rbacv1.ClusterRole) *metav1.ObjectMeta { return &x.ObjectMeta }, r)
	case analyze.KindClusterRoleBinding:
		return findMeta(s.ClusterBindings, func(x *rbacv1.ClusterRoleBinding) *metav1.ObjectMeta { return &x.ObjectMeta }, r)
	case analyze.KindRole:
		return findMeta(s.Roles, func(x *rbacv1.Role) *metav1.ObjectMeta { return &x.ObjectMeta }, r)
	case analyze.KindRoleBinding:
		return findMeta(s.RoleBindings, func(x *rbacv1.RoleBinding) *metav1.ObjectMeta { return &x.ObjectMeta }, r)
	}
	return nil, snapshot.Location{}, false
}

// findMeta returns the metadata and location of the object of list that r
// names (its namespace "" for a cluster-scoped kind).
func findMeta[T any](list []snapshot.Located[T], meta func(*T) *metav1.ObjectMeta, r analyze.Ref) (*metav1.ObjectMeta, snapshot.Location, bool) {
	for i := range list {
		if m := meta(&list[i].Value); m.Name == r.Name && m.Namespace == r.Namespace {
			return m, list[i].Loc, true
		}
	}
	return nil, snapshot.Location{}, false
}

// hasRBAC reports whether the bundle holds an RBAC object, and whether the
// answer is known: the object is there, or its type was collected
// completely, with the file of its namespace where the layout writes one
// per namespace.
func hasRBAC(s *snapshot.Snapshot, r analyze.Ref) (present, known bool) {
	if _, ok := rbacLoc(s, r); ok {
		return true, true
	}
	res := rbacRes(r.Kind)
	return false, res != "" && s.CompleteIn(res, r.Namespace)
}

// missingBootstrapForKCM returns the bootstrap objects kube-controller-manager
// needs that the bundle shows as deleted.
func missingBootstrapForKCM(s *snapshot.Snapshot) []analyze.Ref {
	var out []analyze.Ref
	for _, r := range kcmBootstrap {
		if present, known := hasRBAC(s, r); known && !present {
			out = append(out, r)
		}
	}
	return out
}

// alteration is what is wrong with a bootstrap object that is present.
type alteration struct{ problem, value string }

// alteredBootstrapForKCM returns the bootstrap objects kube-controller-manager
// needs that are present but no longer match the policy of the cluster's
// version (rules, subjects or roleRef changed).
func alteredBootstrapForKCM(s *snapshot.Snapshot) map[analyze.Ref]alteration {
	diffs := bootstrapDiffs(s)
	if diffs == nil {
		return nil
	}
	out := map[analyze.Ref]alteration{}
	for _, d := range diffs {
		r := rbacRef(d.Ref)
		if d.Kind == bootstrap.Missing || d.Kind == bootstrap.AutoupdateDisabled || d.FeatureGated || !refIn(kcmBootstrap, r) {
			continue
		}
		problem, value := describeDiff(d)
		out[r] = alteration{problem, value}
	}
	return out
}

// rbacEvidence is the evidence about an RBAC object the bundle shows: the
// object itself when present, else the list files it would be in (those of
// its namespace for a layout that writes one file per namespace), each
// read and found without it.
func rbacEvidence(s *snapshot.Snapshot, r analyze.Ref, value string) []analyze.Evidence {
	if loc, ok := rbacLoc(s, r); ok {
		return []analyze.Evidence{{Path: loc.Path, Pointer: loc.Pointer, Value: value}}
	}
	var out []analyze.Evidence
	for _, p := range s.ListFiles(rbacRes(r.Kind), r.Namespace) {
		out = append(out, analyze.Evidence{Path: p, Value: value})
	}
	return out
}

// rbacRef is the graph ref of a bootstrap policy object.
func rbacRef(r bootstrap.Ref) analyze.Ref {
	return analyze.Ref{Kind: analyze.ObjectKind(r.Kind), Namespace: r.Namespace, Name: r.Name}
}

// rbacRoot builds the root cause node for kube-controller-manager forbidden
// by deleted (missing) or altered bootstrap RBAC.
func rbacRoot(s *snapshot.Snapshot, st *kcm.Facts, missing []analyze.Ref, altered map[analyze.Ref]alteration) analyze.Node {
	c := logCause(st, missing)
	switch {
	case len(missing) > 0:
		if !refIn(missing, c.primary) {
			c.primary = missing[0]
		}
	case len(altered) > 0:
		c.alteredCause(s, st, altered)
	}
	if present, known := hasRBAC(s, c.primary); known && !present {
		c.evs = append(c.evs, rbacEvidence(s, c.primary, c.primary.Kind.String()+" "+c.primary.Name+" is absent from the collected list")...)
	} else if _, alt := altered[c.primary]; present && !alt {
		c.restored(s)
	}
	if st.Causes.BuildFailed != nil && !st.Causes.BuildFailed.Same(st.Causes.RoleNotFound) {
		c.evs = append(c.evs, hitEv(st.Causes.BuildFailed))
	}
	covers := c.alsoBroken(missing, altered)
	nd := analyze.Node{
		Ref:      c.primary,
		Problem:  c.problem,
		Evidence: c.evs,
		Root:     true,
		Covers:   covers,
		Fix:      kcmRBACFix(s, append([]analyze.Ref{c.primary}, covers...)),
		Verify:   kcmLeaseStable("kubectl get " + kindArg(c.primary.Kind) + kubectlNS(c.primary.Namespace) + " " + c.primary.Name + " -o name"),
	}
	if len(st.Logs) == 0 {
		nd.Missing = []string{"kube-controller-manager logs: not collected (the chain rests on the RBAC objects missing from the bundle)"}
	}
	return nd
}

// kcmRBACFix is the fix of the controller-manager's deleted or altered
// bootstrap RBAC: the nsbundle bootstrap-rbac command for exactly those
// objects when the cluster's version has an embedded policy, else the
// objects of a healthy cluster of the same version; and a kube-apiserver
// restart, which recreates them too.
func kcmRBACFix(s *snapshot.Snapshot, refs []analyze.Ref) string {
	hook := "(its rbac/bootstrap-roles post-start hook recreates every missing bootstrap role and binding and adds back missing rules and subjects; on HA control planes one instance at a time)"
	get := "kubectl get " + kindArg(refs[0].Kind) + kubectlNS(refs[0].Namespace) + " " + refs[0].Name + " -o yaml from there"
	f := flavor.Of(s)
	provider := "The provider runs kube-apiserver (flavor " + f.String() + "): you cannot restart it yourself; if they do not come back, open a ticket with the provider quoting this finding."
	cmd := restoreCommand(s, refs...)
	var fix string
	switch {
	case cmd != "":
		var pre, annotate string
		for _, m := range protectedRefs(s, refs) {
			pre += describeRef(m) + " carries rbac.authorization.kubernetes.io/autoupdate: \"false\", which reconcile and a restart leave alone: set it to \"true\" first. "
			annotate += commandLine("kubectl annotate " + kindArg(m.Kind) + kubectlNS(m.Namespace) + " " + m.Name + " rbac.authorization.kubernetes.io/autoupdate=true --overwrite")
		}
		fix = pre + "Restore the bootstrap RBAC objects from nsbundle's embedded policy:\n" + annotate + commandLine(cmd)
		if f.Managed() {
			fix += provider
		} else {
			fix += "Restarting kube-apiserver" + apiserverRestartHow(s) + " restores them too " + hook + "."
		}
	case f.Managed():
		fix = "Re-apply the deleted bootstrap RBAC objects from a healthy cluster of the same version (" + get + "). " + provider
	default:
		fix = "Recreate the deleted bootstrap RBAC objects: restart kube-apiserver" + apiserverRestartHow(s) + " " + hook + ", or re-apply them from a healthy cluster of the same version (" + get + ")."
	}
	then := " Then kube-controller-manager starts at its next restart."
	if readKCM(s).Retrying != nil {
		// Its log shows it alive, retrying its lease: it takes the lease
		// within seconds of the restore, no restart needed.
		then = " The running kube-controller-manager keeps retrying its lease and takes it within seconds of the restore: no restart is needed."
	}
	return fix + then + " So that it does not happen again, ask who deleted or changed them: the root's \"Changed by\" names them when the bundle holds the kube-apiserver audit log."
}

// protectedRefs returns those of refs that carry autoupdate "false".
func protectedRefs(s *snapshot.Snapshot, refs []analyze.Ref) []analyze.Ref {
	var out []analyze.Ref
	for _, d := range bootstrapDiffs(s) {
		if m := rbacRef(d.Ref); d.Kind == bootstrap.AutoupdateDisabled && refIn(refs, m) {
			out = append(out, m)
		}
	}
	return out
}

// rbacCause is the object a root cause names, what is wrong with it and
// the evidence so far.
type rbacCause struct {
	primary analyze.Ref
	problem string
	evs     []analyze.Evidence
}

// logCause picks the object the controller-manager's log names: the
// discovery bindings (a forbidden /healthz fails first), its ClusterRole, or
// its binding.
func logCause(st *kcm.Facts, missing []analyze.Ref) rbacCause {
	c := rbacCause{primary: analyze.Ref{Kind: analyze.KindClusterRole, Name: userKCM}}
	switch h := &st.Causes; {
	case h.HealthzForbidden != nil && discoveryBindingMissing(missing):
		// It fails its /healthz wait before anything else: the discovery
		// bindings come first, whatever else is gone.
		c.evs = append(c.evs, hitEv(h.HealthzForbidden))
		c.primary = analyze.Ref{Kind: analyze.KindClusterRoleBinding, Name: "system:discovery"}
		for _, m := range missing {
			if isDiscoveryBinding(m) {
				c.primary = m
				break
			}
		}
		c.problem = "was deleted: kube-controller-manager may no longer read /healthz, so it gives up waiting for the API server and exits"
	case h.RoleNotFound != nil && st.Retrying != nil && kcm.IsLockError(h.RoleNotFound.Text()):
		// Up to v1.30 its lease comes from this ClusterRole: it may not
		// read its lease, stays up and retries, and never leads.
		c.evs = append(c.evs, hitEv(st.Retrying.Last))
		c.problem = "was deleted: kube-controller-manager is forbidden its own leader lease (\"clusterrole.rbac.authorization.k8s.io \\\"system:kube-controller-manager\\\" not found\"), so it retries and never leads"
	case h.RoleNotFound != nil:
		c.evs = append(c.evs, hitEv(h.RoleNotFound))
		c.problem = "was deleted: kube-controller-manager is forbidden what it needs at start (\"clusterrole.rbac.authorization.k8s.io \\\"system:kube-controller-manager\\\" not found\") and exits"
	case h.Forbidden != nil && refIn(missing, kcmBinding) && st.Retrying != nil && kcm.IsLockError(h.Forbidden.Text()):
		// Up to v1.30: without its binding it may not read its lease, and
		// retries.
		c.evs = append(c.evs, hitEv(st.Retrying.Last))
		c.primary = kcmBinding
		c.problem = "was deleted: user system:kube-controller-manager is bound to no ClusterRole, so it is forbidden its own leader lease, retries and never leads"
	case h.Forbidden != nil && refIn(missing, kcmBinding):
		// The role is there, the binding that gives it to the user is not.
		c.evs = append(c.evs, hitEv(h.Forbidden))
		c.primary = kcmBinding
		c.problem = "was deleted: user system:kube-controller-manager is bound to no ClusterRole, so at start it is forbidden what it needs (its service-account clients) and exits"
	case h.WatchForbidden != nil:
		c.evs = append(c.evs, hitEv(h.WatchForbidden))
		c.problem = "no longer grants kube-controller-manager what it needs: its watches are forbidden, and its next restart will fail"
	default:
		c.problem = "is missing from the bundle: kube-controller-manager cannot start without it"
	}
	return c
}

// alteredCause names an altered (present but changed) bootstrap object
// when nothing is missing.
func (c *rbacCause) alteredCause(s *snapshot.Snapshot, st *kcm.Facts, altered map[analyze.Ref]alteration) {
	if _, ok := altered[c.primary]; !ok {
		for _, r := range kcmBootstrap {
			if _, ok := altered[r]; ok {
				c.primary = r
				break
			}
		}
	}
	a := altered[c.primary]
	c.problem = a.problem + ", so kube-controller-manager is forbidden what it needs and exits"
	c.evs = append(c.evs, rbacEvidence(s, c.primary, describeRef(c.primary)+": "+a.value)...)
	if f := st.Causes.Forbidden; f != nil && !f.Same(st.Causes.HealthzForbidden) && !f.Same(st.Causes.WatchForbidden) {
		c.evs = append(c.evs, hitEv(f))
	}
}

// alsoBroken adds the other missing and altered objects to the problem and
// returns them as the objects the root cause covers.
func (c *rbacCause) alsoBroken(missing []analyze.Ref, altered map[analyze.Ref]alteration) []analyze.Ref {
	var others, changed []string
	var covers []analyze.Ref
	for _, m := range missing {
		if m != c.primary {
			others = append(others, describeRef(m))
			covers = append(covers, m)
		}
	}
	for _, r := range kcmBootstrap {
		if _, ok := altered[r]; ok && r != c.primary {
			changed = append(changed, describeRef(r))
			covers = append(covers, r)
		}
	}
	if len(others) > 0 {
		c.problem += "; also deleted: " + strings.Join(others, ", ")
	}
	if len(changed) > 0 {
		c.problem += "; also altered: " + strings.Join(changed, ", ")
	}
	return covers
}

// discoveryBindingMissing reports whether the bindings that let every
// authenticated user read /healthz are among the missing objects.
func discoveryBindingMissing(missing []analyze.Ref) bool {
	for _, m := range missing {
		if isDiscoveryBinding(m) {
			return true
		}
	}
	return false
}

// isDiscoveryBinding: one of the bindings that let every authenticated
// user read /healthz.
func isDiscoveryBinding(r analyze.Ref) bool {
	return r.Kind == analyze.KindClusterRoleBinding && (r.Name == "system:discovery" || r.Name == "system:public-info-viewer")
}

func describeRef(r analyze.Ref) string {
	if r.Namespace != "" {
		return r.Kind.String() + " " + r.Namespace + "/" + r.Name
	}
	return r.Kind.String() + " " + r.Name
}
