package lab

import (
	"context"
	"fmt"
	"os"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ScenarioRBACDeletedClusterRole: ClusterRole system:kube-controller-manager
// is deleted; restarted, kube-controller-manager cannot build its controllers
// (its service-account clients are forbidden) and exits, again and again, as
// a kubelet would restart it. Up to v1.30 it cannot even read its lease (see
// LeaseNeedsClusterRole): it stays up and retries, never leading. Meanwhile
// PVC data/postgres-data stays Pending and namespace old-project, deleted,
// never gets a condition.
func (c *Cluster) ScenarioRBACDeletedClusterRole(ctx context.Context) (*ScenarioInfo, error) {
	info := c.newInfo("rbac-deleted-clusterrole",
		"ClusterRole system:kube-controller-manager deleted: kube-controller-manager crash-loops (serviceaccounts forbidden); namespace old-project stuck Terminating without conditions, PVC Pending",
		"old-project")
	if c.LeaseNeedsClusterRole() {
		info.Description = "ClusterRole system:kube-controller-manager deleted: kube-controller-manager runs but may not read its lease and retries (leases forbidden); namespace old-project stuck Terminating without conditions, PVC Pending"
	}
	return c.rbacCrashLoop(ctx, info, true, nil, `"Error initializing a controller"`)
}

// ScenarioRBACDeletedBinding: the ClusterRoleBinding
// system:kube-controller-manager is deleted (the ClusterRole stays), so the
// controller-manager's user is bound to nothing cluster-wide: at its next
// start it is forbidden its service-account clients and exits, again and
// again (up to v1.30: forbidden its lease, it stays up and retries).
func (c *Cluster) ScenarioRBACDeletedBinding(ctx context.Context) (*ScenarioInfo, error) {
	info := c.newInfo("rbac-deleted-binding",
		"ClusterRoleBinding system:kube-controller-manager deleted: kube-controller-manager crash-loops (serviceaccounts forbidden); namespace old-project stuck Terminating without conditions, PVC Pending",
		"old-project")
	if c.LeaseNeedsClusterRole() {
		info.Description = "ClusterRoleBinding system:kube-controller-manager deleted: kube-controller-manager runs but may not read its lease and retries (leases forbidden); namespace old-project stuck Terminating without conditions, PVC Pending"
	}
	return c.rbacCrashLoop(ctx, info, false, []string{"system:kube-controller-manager"}, `"Error initializing a controller"`)
}

// ScenarioRBACDeletedDiscovery: like rbac-deleted-clusterrole, and the
// ClusterRoleBindings system:discovery and system:public-info-viewer are
// deleted too, so kube-controller-manager's wait for /healthz is forbidden
// and it exits before building controllers (up to v1.30 it waits for
// /healthz only once leading, so it stays up retrying its lease).
func (c *Cluster) ScenarioRBACDeletedDiscovery(ctx context.Context) (*ScenarioInfo, error) {
	info := c.newInfo("rbac-deleted-discovery",
		"ClusterRole system:kube-controller-manager and ClusterRoleBindings system:discovery, system:public-info-viewer deleted: kube-controller-manager cannot read /healthz and crash-loops; namespace old-project stuck Terminating without conditions",
		"old-project")
	if c.LeaseNeedsClusterRole() {
		info.Description = "ClusterRole system:kube-controller-manager and ClusterRoleBindings system:discovery, system:public-info-viewer deleted: kube-controller-manager runs but may not read its lease and retries; namespace old-project stuck Terminating without conditions"
	}
	return c.rbacCrashLoop(ctx, info, true, []string{"system:discovery", "system:public-info-viewer"}, "failed to wait for apiserver being healthy")
}

// LeaseNeedsClusterRole reports whether the cluster's kube-controller-manager
// gets its leader lease only through ClusterRole system:kube-controller-manager:
// up to v1.30 the kube-system Role system::leader-locking-kube-controller-manager
// covers configmaps only; from v1.31 it covers leases too.
func (c *Cluster) LeaseNeedsClusterRole() bool { return c.Minor <= 30 }

// leaseLockError is the text kube-controller-manager logs when reading its
// lease fails with err: structured from v1.35 (client-go v0.35), printf-style
// before.
func (c *Cluster) leaseLockError(err string) string {
	if c.Minor >= 35 {
		return `"Error retrieving lease lock" err="` + err + `"`
	}
	return "error retrieving resource lock kube-system/kube-controller-manager: " + err
}

// rbacCrashLoop deletes, as RBACUser, the controller-manager's ClusterRole
// (deleteRole) and the given ClusterRoleBindings, then runs kcmCrashLoop: each run takes
// the lease, is forbidden and exits, and its log shows want. Where the lease
// needs the ClusterRole (LeaseNeedsClusterRole) the controller-manager is
// forbidden its lease instead, never leads and never exits; want is not
// checked then. The audit log must show each delete (sawDeletes).
func (c *Cluster) rbacCrashLoop(ctx context.Context, info *ScenarioInfo, deleteRole bool, bindings []string, want string) (*ScenarioInfo, error) {
	must := []string{want, `"leaderelection lost/stopped"`}
	if deleteRole {
		must = append(must, `clusterrole.rbac.authorization.k8s.io \"system:kube-controller-manager\" not found`)
	} else {
		must = append(must, `forbidden: User \"system:kube-controller-manager\" cannot get resource \"serviceaccounts\"`)
	}
	exits := true
	if c.LeaseNeedsClusterRole() {
		exits = false
		forbidden := c.leaseLockError(`leases.coordination.k8s.io "kube-controller-manager" is forbidden: ` +
			`User "system:kube-controller-manager" cannot get resource "leases" in API group "coordination.k8s.io" in the namespace "kube-system"`)
		if deleteRole {
			forbidden += `: RBAC: clusterrole.rbac.authorization.k8s.io "system:kube-controller-manager" not found`
		}
		must = []string{forbidden}
	}
	var deleted []string
	info, err := c.kcmCrashLoop(ctx, info, func(ctx context.Context) error {
		cs, err := c.RBACUserClient(ctx)
		if err != nil {
			return err
		}
		rbac := cs.RbacV1()
		if deleteRole {
			if err := rbac.ClusterRoles().Delete(ctx, "system:kube-controller-manager", metav1.DeleteOptions{}); err != nil {
				return fmt.Errorf("delete clusterrole as %s: %w", RBACUser, err)
			}
			deleted = append(deleted, "clusterroles/system:kube-controller-manager")
		}
		for _, b := range bindings {
			if err := rbac.ClusterRoleBindings().Delete(ctx, b, metav1.DeleteOptions{}); err != nil {
				return fmt.Errorf("delete clusterrolebinding %s as %s: %w", b, RBACUser, err)
			}
			deleted = append(deleted, "clusterrolebindings/"+b)
		}
		return nil
	}, exits, must)
	if err != nil {
		return nil, err
	}
	return info, c.sawDeletes(info, deleted)
}

// sawDeletes checks that the audit log shows RBACUser's successful delete
// of each of deleted ("resource/name", rbac.authorization.k8s.io), and
// records each line as observed.
func (c *Cluster) sawDeletes(info *ScenarioInfo, deleted []string) error {
	evs, err := c.AuditEvents(RBACUser)
	if err != nil {
		return err
	}
	for _, d := range deleted {
		found := false
		for _, e := range evs {
			r := e.ObjectRef
			if e.Verb != "delete" || r == nil || r.APIGroup != "rbac.authorization.k8s.io" || r.Resource+"/"+r.Name != d ||
				e.ResponseStatus == nil || e.ResponseStatus.Code != 200 {
				continue
			}
			info.saw("audit: %s %v delete %s code=200 userAgent=%q sourceIPs=%v", e.User.Username, e.User.Groups, d, e.UserAgent, e.SourceIPs)
			found = true
			break
		}
		if !found {
			return fmt.Errorf("audit log %s has no successful delete of %s by %s", c.Logs.Audit, d, RBACUser)
		}
	}
	return nil
}

// ScenarioKCMExpiredCert: kube-controller-manager's client certificate
// (CN=system:kube-controller-manager, in its kubeconfig) expired a day ago,
// as when certificates are not renewed for a year. kube-apiserver rejects
// every request (401, "certificate has expired" in its own log); the
// controller-manager keeps running and retrying its lease, so it never
// leads and nothing restarts it. Namespace old-project, deleted, never gets
// a condition; PVC data/postgres-data stays Pending.
func (c *Cluster) ScenarioKCMExpiredCert(ctx context.Context) (*ScenarioInfo, error) {
	info := c.newInfo("kcm-expired-cert",
		"kube-controller-manager's client certificate expired: kube-apiserver answers 401 Unauthorized, it runs without ever taking its lease; namespace old-project stuck Terminating without conditions, PVC Pending",
		"old-project")
	info, err := c.kcmCrashLoop(ctx, info, func(context.Context) error {
		now := time.Now()
		kp, err := c.pki.ca.issue(certSpec{cn: "system:kube-controller-manager", client: true,
			notBefore: now.Add(-366 * 24 * time.Hour), notAfter: now.Add(-26 * time.Hour)})
		if err != nil {
			return err
		}
		return writeKubeconfig(c.kcmKube, c.APIServerURL, c.pki.ca.certPEM, "system:kube-controller-manager", kp)
	}, false, []string{c.leaseLockError("Unauthorized")})
	if err != nil {
		return nil, err
	}
	lines := LogLines(c.Logs.APIServer, `"Unable to authenticate the request"`, "certificate has expired")
	if len(lines) == 0 {
		return nil, fmt.Errorf("kube-apiserver log has no rejected certificate")
	}
	info.saw("log kube-apiserver: %s", lines[0])
	return info, nil
}

// kcmCrashLoop breaks kube-controller-manager (breakIt), restarts it as a
// kubelet would (again whenever it exits), deletes namespace old-project
// and waits until its log shows must[0] and either, if exits, it has taken
// the lease and exited twice, or else its lease has not been renewed for
// 30 s. It checks the log shows every text of must.
func (c *Cluster) kcmCrashLoop(ctx context.Context, info *ScenarioInfo, breakIt func(context.Context) error, exits bool, must []string) (*ScenarioInfo, error) {
	if err := c.pendingClaim(ctx); err != nil {
		return nil, err
	}
	t0, err := c.kcmLeaseTransitions(ctx)
	if err != nil {
		return nil, err
	}
	if err := breakIt(ctx); err != nil {
		return nil, err
	}
	c.StopControllerManager()
	c.StartControllerManagerCrashLoop()
	if err := c.FillNamespace(ctx, "old-project"); err != nil {
		return nil, err
	}
	if err := c.DeleteNamespace(ctx, "old-project"); err != nil {
		return nil, err
	}
	if err := c.waitCrashLoop(ctx, t0, exits, must[0]); err != nil {
		return nil, err
	}
	if exits {
		info.saw("kube-controller-manager restarts>=2 leaseTransitions>=%d", t0+2)
	} else {
		info.saw("kube-controller-manager restarts=%d, lease kube-system/kube-controller-manager not renewed for 30s", c.ControllerManagerRestarts())
	}
	c.keepRunLogs(info)
	for _, s := range must {
		if lines := LogLines(c.Logs.ControllerManager, s); len(lines) > 0 {
			info.saw("log kube-controller-manager: %s", lines[0])
		} else {
			return nil, fmt.Errorf("kube-controller-manager log has no line with %q", s)
		}
	}
	if err := c.sawBlocked(ctx, info); err != nil {
		return nil, err
	}
	return info, nil
}

// kcmLeaseTransitions is the leaseTransitions of kube-controller-manager's
// lease now.
func (c *Cluster) kcmLeaseTransitions(ctx context.Context) (int32, error) {
	l, err := c.Client.CoordinationV1().Leases("kube-system").Get(ctx, "kube-controller-manager", getOpts)
	if err != nil {
		return 0, err
	}
	if l.Spec.LeaseTransitions != nil {
		return *l.Spec.LeaseTransitions, nil
	}
	return 0, nil
}

// waitCrashLoop waits until kube-controller-manager's log shows first and
// either, if exits, it has taken the lease (from t0 transitions) and
// exited twice, or else its lease has not been renewed for 30 s.
func (c *Cluster) waitCrashLoop(ctx context.Context, t0 int32, exits bool, first string) error {
	var transitions int32
	err := poll(ctx, 4*time.Minute, 2*time.Second, func() (bool, string, error) {
		l, err := c.Client.CoordinationV1().Leases("kube-system").Get(ctx, "kube-controller-manager", getOpts)
		if err != nil {
			return false, err.Error(), nil
		}
		if l.Spec.LeaseTransitions != nil {
			transitions = *l.Spec.LeaseTransitions
		}
		restarts := c.ControllerManagerRestarts()
		matched := len(LogLines(c.Logs.ControllerManager, first)) > 0
		stale := l.Spec.RenewTime != nil && time.Since(l.Spec.RenewTime.Time) > 30*time.Second
		done := matched && (exits && restarts >= 2 && transitions >= t0+2 || !exits && stale)
		return done, fmt.Sprintf("restarts %d, leaseTransitions %d (was %d), lease stale %v, log has %q: %v", restarts, transitions, t0, stale, first, matched), nil
	})
	if err != nil {
		return fmt.Errorf("crash loop: %w", err)
	}
	return nil
}

// keepRunLogs gives the scenario what `kubectl logs` and `kubectl logs
// --previous` would show in back-off: a run that has just started and
// written nothing yet is left out, as the kubelet still shows the last
// exited one.
func (c *Cluster) keepRunLogs(info *ScenarioInfo) {
	if runs := nonEmptyFiles(c.ControllerManagerRunLogs()); len(runs) >= 2 {
		info.Logs["kube-controller-manager"] = runs[len(runs)-1]
		info.Logs["kube-controller-manager.previous"] = runs[len(runs)-2]
		info.Logs["kube-controller-manager.all-runs"] = c.Logs.ControllerManager
	}
}

// sawBlocked checks and records what the broken controller-manager leaves
// behind: namespace old-project Terminating with no condition, and the
// claim data/postgres-data.
func (c *Cluster) sawBlocked(ctx context.Context, info *ScenarioInfo) error {
	ns, err := c.Client.CoreV1().Namespaces().Get(ctx, "old-project", getOpts)
	if err != nil {
		return err
	}
	if ns.Status.Phase != corev1.NamespaceTerminating || len(ns.Status.Conditions) != 0 {
		return fmt.Errorf("namespace old-project: phase %s conditions %s, want Terminating without conditions", ns.Status.Phase, conditionsText(ns))
	}
	info.saw("namespace/old-project phase=Terminating conditions=none")
	pvc, err := c.Client.CoreV1().PersistentVolumeClaims("data").Get(ctx, "postgres-data", getOpts)
	if err != nil {
		return err
	}
	info.saw("pvc/data/postgres-data phase=%s", pvc.Status.Phase)
	return nil
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

// nonEmptyFiles returns the paths, in order, of the files that exist and
// hold at least one byte.
func nonEmptyFiles(paths []string) []string {
	var out []string
	for _, p := range paths {
		if fi, err := os.Stat(p); err == nil && fi.Size() > 0 {
			out = append(out, p)
		}
	}
	return out
}
