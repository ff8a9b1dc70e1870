package rules

import (
	"strings"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/bootstrap"
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

// hasRBAC reports whether the bundle holds an RBAC object, and whether the
// answer is known (the type was collected).
func hasRBAC(s *snapshot.Snapshot, r analyze.Ref) (present, known bool) {
	switch r.Kind {
	case analyze.KindClusterRole:
		for _, x := range s.ClusterRoles {
			if x.Value.Name == r.Name {
				return true, true
			}
		}
		return false, s.Collected(snapshot.ResClusterRoles)
	case analyze.KindClusterRoleBinding:
		for _, x := range s.ClusterBindings {
			if x.Value.Name == r.Name {
				return true, true
			}
		}
		return false, s.Collected(snapshot.ResClusterBindings)
	case analyze.KindRole:
		for _, x := range s.Roles {
			if x.Value.Name == r.Name && x.Value.Namespace == r.Namespace {
				return true, true
			}
		}
		return false, s.Collected(snapshot.ResRoles)
	case analyze.KindRoleBinding:
		for _, x := range s.RoleBindings {
			if x.Value.Name == r.Name && x.Value.Namespace == r.Namespace {
				return true, true
			}
		}
		return false, s.Collected(snapshot.ResRoleBindings)
	}
	return false, false
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

// rbacFile is the bundle file an RBAC kind is listed in.
func rbacFile(kind analyze.Kind) string {
	return "resources/rbac.authorization.k8s.io/v1/" + strings.ToLower(kind.String()) + "s.json"
}

// rbacRef is the graph ref of a bootstrap policy object.
func rbacRef(r bootstrap.Ref) analyze.Ref {
	return analyze.Ref{Kind: analyze.ObjectKind(r.Kind), Namespace: r.Namespace, Name: r.Name}
}

// rbacRoot builds the root cause node for kube-controller-manager forbidden
// by deleted (missing) or altered bootstrap RBAC.
func rbacRoot(s *snapshot.Snapshot, st *kcmStatus, missing []analyze.Ref, altered map[analyze.Ref]alteration) analyze.Node {
	primary := analyze.Ref{Kind: analyze.KindClusterRole, Name: "system:kube-controller-manager"}
	var evs []analyze.Evidence
	problem := ""
	switch {
	case st.healthzForbidden != nil && discoveryBindingMissing(missing):
		// It fails its /healthz wait before anything else: the discovery
		// bindings come first, whatever else is gone.
		evs = append(evs, st.healthzForbidden.evidence())
		primary = analyze.Ref{Kind: analyze.KindClusterRoleBinding, Name: "system:discovery"}
		for _, m := range missing {
			if m.Kind == analyze.KindClusterRoleBinding && (m.Name == "system:discovery" || m.Name == "system:public-info-viewer") {
				primary = m
				break
			}
		}
		problem = "was deleted: kube-controller-manager may no longer read /healthz, so it gives up waiting for the API server and exits"
	case st.roleNotFound != nil:
		evs = append(evs, st.roleNotFound.evidence())
		problem = "was deleted: kube-controller-manager is forbidden what it needs at start (\"clusterrole.rbac.authorization.k8s.io \\\"system:kube-controller-manager\\\" not found\") and exits"
	case st.forbidden != nil && refIn(missing, kcmBinding):
		// The role is there, the binding that gives it to the user is not.
		evs = append(evs, st.forbidden.evidence())
		primary = kcmBinding
		problem = "was deleted: user system:kube-controller-manager is bound to no ClusterRole, so at start it is forbidden what it needs (its service-account clients) and exits"
	case st.watchForbidden != nil:
		evs = append(evs, st.watchForbidden.evidence())
		problem = "no longer grants kube-controller-manager what it needs: its watches are forbidden, and its next restart will fail"
	default:
		problem = "is missing from the bundle: kube-controller-manager cannot start without it"
	}
	if len(missing) > 0 {
		if !refIn(missing, primary) {
			primary = missing[0]
		}
	} else if len(altered) > 0 {
		if _, ok := altered[primary]; !ok {
			for _, r := range kcmBootstrap {
				if _, ok := altered[r]; ok {
					primary = r
					break
				}
			}
		}
		a := altered[primary]
		problem = a.problem + ", so kube-controller-manager is forbidden what it needs and exits"
		evs = append(evs, analyze.Evidence{Path: rbacFile(primary.Kind), Value: describeRef(primary) + ": " + a.value})
		if st.forbidden != nil && st.forbidden != st.healthzForbidden && st.forbidden != st.watchForbidden {
			evs = append(evs, st.forbidden.evidence())
		}
	}
	if present, known := hasRBAC(s, primary); known && !present {
		evs = append(evs, analyze.Evidence{Path: rbacFile(primary.Kind), Value: primary.Kind.String() + " " + primary.Name + " is absent from the collected list"})
	}
	if st.buildFailed != nil && st.buildFailed != st.roleNotFound {
		evs = append(evs, st.buildFailed.evidence())
	}
	var others, changed []string
	var covers []analyze.Ref
	for _, m := range missing {
		if m != primary {
			others = append(others, describeRef(m))
			covers = append(covers, m)
		}
	}
	for _, r := range kcmBootstrap {
		if _, ok := altered[r]; ok && r != primary {
			changed = append(changed, describeRef(r))
			covers = append(covers, r)
		}
	}
	if len(others) > 0 {
		problem += "; also deleted: " + strings.Join(others, ", ")
	}
	if len(changed) > 0 {
		problem += "; also altered: " + strings.Join(changed, ", ")
	}
	nd := analyze.Node{
		Ref:      primary,
		Problem:  problem,
		Evidence: evs,
		Root:     true,
		Covers:   covers,
		Fix: "Recreate the deleted bootstrap RBAC objects: restart kube-apiserver (its rbac/bootstrap-roles post-start hook recreates every missing bootstrap role and binding; on HA control planes one instance at a time), " +
			"or re-apply them from a healthy cluster of the same version (kubectl get clusterrole " + primary.Name + " -o yaml from there). Then kube-controller-manager starts at its next restart. Find out who deleted them (audit log).",
		Verify: "kubectl get clusterrole system:kube-controller-manager && kubectl get lease -n kube-system kube-controller-manager -o jsonpath='{.spec.renewTime}'   # renewTime advances; then: kubectl get pvc -A   # Bound",
	}
	if len(st.logs) == 0 {
		nd.Missing = []string{"kube-controller-manager logs: not collected (the chain rests on the RBAC objects missing from the bundle)"}
	}
	return nd
}

// discoveryBindingMissing reports whether the bindings that let every
// authenticated user read /healthz are among the missing objects.
func discoveryBindingMissing(missing []analyze.Ref) bool {
	for _, m := range missing {
		if m.Kind == analyze.KindClusterRoleBinding && (m.Name == "system:discovery" || m.Name == "system:public-info-viewer") {
			return true
		}
	}
	return false
}

func describeRef(r analyze.Ref) string {
	if r.Namespace != "" {
		return r.Kind.String() + " " + r.Namespace + "/" + r.Name
	}
	return r.Kind.String() + " " + r.Name
}
