package rules

import (
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// restored qualifies a cause that kube-controller-manager's log names (a
// ClusterRole "not found") when the bundle holds that object again, as the
// policy has it: it was deleted when the log line was written and has been
// recreated since (by hand, or by a kube-apiserver restart). The chain
// stays, since the controller-manager has not recovered yet, but it no
// longer reads as if the object were still gone.
func (c *rbacCause) restored(s *snapshot.Snapshot) {
	loc, ok := rbacLoc(s, c.primary)
	if !ok {
		return
	}
	created := rbacCreated(s, c.primary)
	what := c.primary.Kind.String() + " " + c.primary.Name + " is in the bundle"
	if created.IsZero() {
		c.problem += "; the bundle holds it again, so it was recreated after that log line: kube-controller-manager takes it at its next start"
		c.evs = append(c.evs, analyze.Evidence{Path: loc.Path, Pointer: loc.Pointer, Value: what})
		return
	}
	at := created.UTC().Format(time.RFC3339)
	c.problem += "; the bundle holds it again (created " + at + "), so it was recreated after that log line: kube-controller-manager takes it at its next start"
	c.evs = append(c.evs, analyze.Evidence{Path: loc.Path, Pointer: loc.At("metadata", "creationTimestamp").Pointer, Value: what + ", created " + at})
}

// rbacCreated is the creationTimestamp of an RBAC object the bundle holds
// (zero if absent or unset).
func rbacCreated(s *snapshot.Snapshot, r analyze.Ref) time.Time {
	var m *metav1.ObjectMeta
	switch r.Kind {
	case analyze.KindClusterRole:
		m = metaOf(s.ClusterRoles, func(x *rbacv1.ClusterRole) *metav1.ObjectMeta { return &x.ObjectMeta }, r)
	case analyze.KindClusterRoleBinding:
		m = metaOf(s.ClusterBindings, func(x *rbacv1.ClusterRoleBinding) *metav1.ObjectMeta { return &x.ObjectMeta }, r)
	case analyze.KindRole:
		m = metaOf(s.Roles, func(x *rbacv1.Role) *metav1.ObjectMeta { return &x.ObjectMeta }, r)
	case analyze.KindRoleBinding:
		m = metaOf(s.RoleBindings, func(x *rbacv1.RoleBinding) *metav1.ObjectMeta { return &x.ObjectMeta }, r)
	}
	if m == nil {
		return time.Time{}
	}
	return m.CreationTimestamp.Time
}

// metaOf returns the metadata of the object of list that r names.
func metaOf[T any](list []snapshot.Located[T], meta func(*T) *metav1.ObjectMeta, r analyze.Ref) *metav1.ObjectMeta {
	for i := range list {
		if m := meta(&list[i].Value); m.Name == r.Name && m.Namespace == r.Namespace {
			return m
		}
	}
	return nil
}
