package lab

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ScenarioRBACDeletedClusterRole: ClusterRole system:kube-controller-manager
// is deleted; restarted, kube-controller-manager cannot build its controllers
// (its service-account clients are forbidden) and exits, again and again, as
// a kubelet would restart it. Meanwhile PVC data/postgres-data stays Pending
// and namespace old-project, deleted, never gets a condition.
func (c *Cluster) ScenarioRBACDeletedClusterRole(ctx context.Context) (*ScenarioInfo, error) {
	info := c.newInfo("rbac-deleted-clusterrole",
		"ClusterRole system:kube-controller-manager deleted: kube-controller-manager crash-loops (serviceaccounts forbidden); namespace old-project stuck Terminating without conditions, PVC Pending",
		"old-project")
	return c.rbacCrashLoop(ctx, info, true, nil, `"Error initializing a controller"`)
}

// ScenarioRBACDeletedBinding: the ClusterRoleBinding
// system:kube-controller-manager is deleted (the ClusterRole stays), so the
// controller-manager's user is bound to nothing cluster-wide: at its next
// start it is forbidden its service-account clients and exits, again and
// again.
func (c *Cluster) ScenarioRBACDeletedBinding(ctx context.Context) (*ScenarioInfo, error) {
	info := c.newInfo("rbac-deleted-binding",
		"ClusterRoleBinding system:kube-controller-manager deleted: kube-controller-manager crash-loops (serviceaccounts forbidden); namespace old-project stuck Terminating without conditions, PVC Pending",
		"old-project")
	return c.rbacCrashLoop(ctx, info, false, []string{"system:kube-controller-manager"}, `"Error initializing a controller"`)
}

// ScenarioRBACDeletedDiscovery: like rbac-deleted-clusterrole, and the
// ClusterRoleBindings system:discovery and system:public-info-viewer are
// deleted too, so kube-controller-manager's wait for /healthz is forbidden
// and it exits before building controllers.
func (c *Cluster) ScenarioRBACDeletedDiscovery(ctx context.Context) (*ScenarioInfo, error) {
	info := c.newInfo("rbac-deleted-discovery",
		"ClusterRole system:kube-controller-manager and ClusterRoleBindings system:discovery, system:public-info-viewer deleted: kube-controller-manager cannot read /healthz and crash-loops; namespace old-project stuck Terminating without conditions",
		"old-project")
	return c.rbacCrashLoop(ctx, info, true, []string{"system:discovery", "system:public-info-viewer"}, "failed to wait for apiserver being healthy")
}

// rbacCrashLoop deletes the controller-manager's ClusterRole (deleteRole)
// and the given ClusterRoleBindings, restarts it in a crash loop and waits
// until it has restarted twice, taking the lease each time, and its log
// shows want.
func (c *Cluster) rbacCrashLoop(ctx context.Context, info *ScenarioInfo, deleteRole bool, bindings []string, want string) (*ScenarioInfo, error) {
	if err := c.pendingClaim(ctx); err != nil {
		return nil, err
	}
	l0, err := c.Client.CoordinationV1().Leases("kube-system").Get(ctx, "kube-controller-manager", getOpts)
	if err != nil {
		return nil, err
	}
	t0 := int32(0)
	if l0.Spec.LeaseTransitions != nil {
		t0 = *l0.Spec.LeaseTransitions
	}
	rbac := c.Client.RbacV1()
	if deleteRole {
		if err := rbac.ClusterRoles().Delete(ctx, "system:kube-controller-manager", metav1.DeleteOptions{}); err != nil {
			return nil, fmt.Errorf("delete clusterrole: %w", err)
		}
	}
	for _, b := range bindings {
		if err := rbac.ClusterRoleBindings().Delete(ctx, b, metav1.DeleteOptions{}); err != nil {
			return nil, fmt.Errorf("delete clusterrolebinding %s: %w", b, err)
		}
	}
	c.StopControllerManager()
	c.StartControllerManagerCrashLoop()
	if err := c.FillNamespace(ctx, "old-project"); err != nil {
		return nil, err
	}
	if err := c.DeleteNamespace(ctx, "old-project"); err != nil {
		return nil, err
	}
	var transitions int32
	err = poll(ctx, 4*time.Minute, 2*time.Second, func() (bool, string, error) {
		l, err := c.Client.CoordinationV1().Leases("kube-system").Get(ctx, "kube-controller-manager", getOpts)
		if err != nil {
			return false, err.Error(), nil
		}
		if l.Spec.LeaseTransitions != nil {
			transitions = *l.Spec.LeaseTransitions
		}
		restarts := c.ControllerManagerRestarts()
		matched := len(LogLines(c.Logs.ControllerManager, want)) > 0
		return restarts >= 2 && transitions >= t0+2 && matched,
			fmt.Sprintf("restarts %d, leaseTransitions %d (was %d), log has %q: %v", restarts, transitions, t0, want, matched), nil
	})
	if err != nil {
		return nil, fmt.Errorf("crash loop: %w", err)
	}
	info.saw("kube-controller-manager restarts>=2 leaseTransitions>=%d", t0+2)
	if runs := c.ControllerManagerRunLogs(); len(runs) >= 2 {
		// What `kubectl logs` and `kubectl logs --previous` would show.
		info.Logs["kube-controller-manager"] = runs[len(runs)-1]
		info.Logs["kube-controller-manager.previous"] = runs[len(runs)-2]
		info.Logs["kube-controller-manager.all-runs"] = c.Logs.ControllerManager
	}
	must := []string{want, `"leaderelection lost/stopped"`}
	if deleteRole {
		must = append(must, `clusterrole.rbac.authorization.k8s.io \"system:kube-controller-manager\" not found`)
	} else {
		must = append(must, `forbidden: User \"system:kube-controller-manager\" cannot get resource \"serviceaccounts\"`)
	}
	for _, s := range must {
		if lines := LogLines(c.Logs.ControllerManager, s); len(lines) > 0 {
			info.saw("log kube-controller-manager: %s", lines[0])
		} else {
			return nil, fmt.Errorf("kube-controller-manager log has no line with %q", s)
		}
	}
	ns, err := c.Client.CoreV1().Namespaces().Get(ctx, "old-project", getOpts)
	if err != nil {
		return nil, err
	}
	if ns.Status.Phase != corev1.NamespaceTerminating || len(ns.Status.Conditions) != 0 {
		return nil, fmt.Errorf("namespace old-project: phase %s conditions %s, want Terminating without conditions", ns.Status.Phase, conditionsText(ns))
	}
	info.saw("namespace/old-project phase=Terminating conditions=none")
	pvc, err := c.Client.CoreV1().PersistentVolumeClaims("data").Get(ctx, "postgres-data", getOpts)
	if err != nil {
		return nil, err
	}
	info.saw("pvc/data/postgres-data phase=%s", pvc.Status.Phase)
	return info, nil
}

// pendingClaim creates PVC data/postgres-data, which no volume satisfies.
func (c *Cluster) pendingClaim(ctx context.Context) error {
	if err := c.EnsureNamespace(ctx, "data", nil); err != nil {
		return err
	}
	pvc := &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Name: "postgres-data", Namespace: "data"},
		Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("10Gi")}},
		},
	}
	_, err := c.Client.CoreV1().PersistentVolumeClaims("data").Create(ctx, pvc, createOpts)
	if apierrors.IsAlreadyExists(err) {
		return nil
	}
	return err
}
