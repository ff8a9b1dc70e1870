package lab

import (
	"context"
	"fmt"
	"runtime"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

// The RBAC scenarios delete as a non-admin user with her own client
// certificate, as someone cleaning up roles from a workstation would, so
// that the audit log names her and not the admin.
const (
	// RBACUser is the user the RBAC scenarios delete as.
	RBACUser = "dana"
	// RBACUserGroup is RBACUser's group, the subject of her rights.
	RBACUserGroup = "dashboard-admins"
	// rbacUserRole names the ClusterRole and ClusterRoleBinding that give
	// RBACUserGroup its rights: no "system:" prefix and no
	// kubernetes.io/bootstrapping label, so nothing takes them for
	// bootstrap RBAC.
	rbacUserRole = "lab:dashboard-admins"
)

// RBACUserAgent is the user agent of RBACUser's client: kubectl's format
// ("kubectl/VERSION (OS/ARCH) kubernetes/COMMIT"), with the cluster's
// version and a stand-in commit (the lab's binaries are built from the
// module proxy, without one).
func (c *Cluster) RBACUserAgent() string {
	return fmt.Sprintf("kubectl/%s (%s/%s) kubernetes/abcdef0", c.GitVersion, runtime.GOOS, runtime.GOARCH)
}

// RBACUserClient grants RBACUserGroup (as admin) the right to get, list and
// delete ClusterRoles and ClusterRoleBindings, writes RBACUser's kubeconfig
// (a client certificate of her own) and returns a client built from it
// with RBACUserAgent, once the authorizer lets her read ClusterRoles.
func (c *Cluster) RBACUserClient(ctx context.Context) (kubernetes.Interface, error) {
	role := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: rbacUserRole},
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{"rbac.authorization.k8s.io"},
			Resources: []string{"clusterroles", "clusterrolebindings"}, Verbs: []string{"get", "list", "delete"}}}}
	if _, err := c.Client.RbacV1().ClusterRoles().Create(ctx, role, createOpts); ignoreExists(err) != nil {
		return nil, fmt.Errorf("clusterrole %s: %w", rbacUserRole, err)
	}
	crb := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: rbacUserRole},
		RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: rbacUserRole},
		Subjects: []rbacv1.Subject{{APIGroup: "rbac.authorization.k8s.io", Kind: "Group", Name: RBACUserGroup}}}
	if _, err := c.Client.RbacV1().ClusterRoleBindings().Create(ctx, crb, createOpts); ignoreExists(err) != nil {
		return nil, fmt.Errorf("clusterrolebinding %s: %w", rbacUserRole, err)
	}
	path, err := c.KubeconfigFor(RBACUser, RBACUserGroup)
	if err != nil {
		return nil, err
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		return nil, err
	}
	cfg.UserAgent = c.RBACUserAgent()
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	// The RBAC authorizer sees the new binding through its informer.
	err = poll(ctx, 30*time.Second, 200*time.Millisecond, func() (bool, string, error) {
		_, err := cs.RbacV1().ClusterRoles().Get(ctx, rbacUserRole, getOpts)
		return err == nil, fmt.Sprintf("get clusterrole %s as %s: %v", rbacUserRole, RBACUser, err), nil
	})
	if err != nil {
		return nil, err
	}
	return cs, nil
}
