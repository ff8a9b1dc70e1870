// Package restore works out, from a bundle's snapshot, which bootstrap RBAC
// objects a cluster lacks or has reduced, so that they can be printed for
// kubectl auth reconcile (nsbundle bootstrap-rbac --from).
package restore

import (
	"fmt"
	"strings"

	"github.com/nsbundle/nsbundle/analyze/bootstrap"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// rbacLists are the four lists Compare needs complete.
var rbacLists = []string{snapshot.ResClusterRoles, snapshot.ResClusterBindings, snapshot.ResRoles, snapshot.ResRoleBindings}

// IncompleteError says that some RBAC list of the bundle was not collected,
// or only in part: every object of it would look deleted.
type IncompleteError struct {
	// Lists describe each list that is not complete, e.g.
	// "rolebindings.rbac.authorization.k8s.io (not collected: 403 ...)".
	Lists []string
}

func (e *IncompleteError) Error() string {
	return "the bundle's RBAC lists are incomplete, so what is missing cannot be told: " + strings.Join(e.Lists, "; ")
}

// NoBootstrapError says that the bundle's RBAC lists, complete as they are,
// hold no bootstrap object at all (none labelled
// kubernetes.io/bootstrapping=rbac-defaults): kube-apiserver creates them
// whenever the RBAC authorizer is on, so the authorizer is off or the lists
// are not this cluster's. Nothing is read as deleted.
type NoBootstrapError struct {
	// ClusterRoles is how many ClusterRoles the bundle holds.
	ClusterRoles int
}

func (e *NoBootstrapError) Error() string {
	return fmt.Sprintf("none of the bundle's %d ClusterRoles is a bootstrap object (label %s=%s): RBAC authorization may be off, so what is missing cannot be told",
		e.ClusterRoles, bootstrapLabel, bootstrapValue)
}

// The label kube-apiserver puts on every bootstrap RBAC object.
const (
	bootstrapLabel = "kubernetes.io/bootstrapping"
	bootstrapValue = "rbac-defaults"
)

// Actual returns the snapshot's RBAC objects, or an *IncompleteError when
// one of the ClusterRole, ClusterRoleBinding, Role and RoleBinding lists was
// not collected or only in part, or a *NoBootstrapError when they hold no
// bootstrap object at all.
func Actual(s *snapshot.Snapshot) (bootstrap.Actual, error) {
	var bad []string
	for _, res := range rbacLists {
		c := s.Collection(res)
		switch {
		case !c.Collected:
			bad = append(bad, res+" (not collected"+failure(c)+")")
		case c.Partial:
			bad = append(bad, res+" (collected in part"+failure(c)+")")
		}
	}
	if len(bad) > 0 {
		return bootstrap.Actual{}, &IncompleteError{Lists: bad}
	}
	var a bootstrap.Actual
	labelled := false
	for _, x := range s.ClusterRoles {
		a.ClusterRoles = append(a.ClusterRoles, x.Value)
		labelled = labelled || x.Value.Labels[bootstrapLabel] == bootstrapValue
	}
	if !labelled {
		return bootstrap.Actual{}, &NoBootstrapError{ClusterRoles: len(s.ClusterRoles)}
	}
	for _, x := range s.ClusterBindings {
		a.ClusterRoleBindings = append(a.ClusterRoleBindings, x.Value)
	}
	for _, x := range s.Roles {
		a.Roles = append(a.Roles, x.Value)
	}
	for _, x := range s.RoleBindings {
		a.RoleBindings = append(a.RoleBindings, x.Value)
	}
	return a, nil
}

func failure(c snapshot.Collection) string {
	var s string
	if c.Status != 0 {
		s = fmt.Sprintf(": %d", c.Status)
	}
	if c.Error != "" {
		if s == "" {
			s = ":"
		}
		msg := c.Error
		if len(msg) > 120 {
			msg = msg[:120] + "…"
		}
		s += " " + msg
	}
	return s
}

// VersionError says that the bundle's cluster version has no embedded
// policy (or cannot be read) and no version was given.
type VersionError struct {
	// GitVersion is the bundle's cluster version ("" if it has none).
	GitVersion string
	Err        error
}

func (e *VersionError) Error() string {
	if e.GitVersion == "" {
		return "the bundle does not record the cluster's version: give --version (embedded policies: " + bootstrap.VersionsText() + ")"
	}
	return fmt.Sprintf("no bootstrap RBAC policy is embedded for the bundle's cluster version %s (embedded: %s): give --version to choose one", e.GitVersion, bootstrap.VersionsText())
}

func (e *VersionError) Unwrap() error { return e.Err }

// Plan is what a bundle's cluster lacks of a bootstrap policy.
type Plan struct {
	// Policy is the policy compared with.
	Policy *bootstrap.Policy
	// GitVersion is the cluster version the bundle records ("" if none).
	GitVersion string
	// Items are the objects to print: the full bootstrap object of each
	// one missing or reduced, in policy order.
	Items []bootstrap.Item
	// Skipped are objects that differ but are not printed, and why.
	Skipped []bootstrap.Skipped
}

// FromSnapshot compares the snapshot's RBAC with the bootstrap policy of
// version or, when version is "", of the cluster's own version. It returns
// an *IncompleteError when the RBAC lists are not complete, a
// *bootstrap.UnknownVersionError for a version given that is not embedded,
// and a *VersionError when version is "" and the cluster's is unknown or
// not embedded: it never compares with another release's policy, nor with
// what all releases share.
func FromSnapshot(s *snapshot.Snapshot, version string) (*Plan, error) {
	actual, err := Actual(s)
	if err != nil {
		return nil, err
	}
	var p *bootstrap.Policy
	if version != "" {
		p, err = bootstrap.Exact(version)
	} else if p, err = bootstrap.Exact(s.GitVersion); err != nil {
		err = &VersionError{GitVersion: s.GitVersion, Err: err}
	}
	if err != nil {
		return nil, err
	}
	items, skipped := bootstrap.Restorable(p, bootstrap.Compare(p, actual))
	return &Plan{Policy: p, GitVersion: s.GitVersion, Items: items, Skipped: skipped}, nil
}
