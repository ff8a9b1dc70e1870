package rules

import (
	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// bootstrapRBAC (NSB-RBAC-001): bootstrap RBAC objects that the API server
// creates at start are missing; components that depend on them fail at
// their next restart.
type bootstrapRBAC struct{}

func (bootstrapRBAC) ID() string    { return "NSB-RBAC-001" }
func (bootstrapRBAC) Title() string { return "Bootstrap RBAC object deleted" }

func (r bootstrapRBAC) Symptoms(s *snapshot.Snapshot) []analyze.Node {
	var out []analyze.Node
	for _, m := range missingBootstrapForKCM(s) {
		out = append(out, analyze.Node{
			Ref:      m,
			Problem:  "bootstrap object deleted: kube-apiserver recreates it only when it restarts",
			Evidence: []analyze.Evidence{{Path: rbacFile(m.Kind), Value: describeRef(m) + " is absent from the collected list"}},
			Severity: analyze.SeverityWarning,
			Summary:  "Bootstrap " + describeRef(m) + " was deleted",
			Root:     true,
			Fix:      "Restart kube-apiserver (it recreates missing bootstrap RBAC objects at start) or re-apply " + describeRef(m) + " from a healthy cluster of the same version.",
			Verify:   "kubectl get " + kindArg(m.Kind) + kubectlNS(m.Namespace) + " " + m.Name,
		})
	}
	return out
}

func kindArg(kind string) string {
	switch kind {
	case "ClusterRole":
		return "clusterrole"
	case "ClusterRoleBinding":
		return "clusterrolebinding"
	case "Role":
		return "role"
	case "RoleBinding":
		return "rolebinding"
	}
	return kind
}
