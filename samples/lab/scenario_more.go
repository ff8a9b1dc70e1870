package lab

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// ScenarioServiceNotFound: the APIService points at Service
// kube-system/metrics-server, which does not exist (ServiceNotFound);
// namespace analytics, deleted, stays Terminating on discovery failure.
func (c *Cluster) ScenarioServiceNotFound(ctx context.Context) (*ScenarioInfo, error) {
	info := c.newInfo("service-not-found",
		"APIService v1beta1.metrics.k8s.io points at Service kube-system/metrics-server which does not exist; namespace analytics stuck Terminating on discovery failure",
		"analytics")
	if err := c.createMetricsAPIService(ctx, "metrics-server", nil); err != nil {
		return nil, err
	}
	a, err := c.WaitAPIService(ctx, MetricsAPIService, "False", "ServiceNotFound", 2*time.Minute)
	if err != nil {
		return nil, err
	}
	info.saw("apiservice/%s Available=%s", MetricsAPIService, a)
	if err := c.stuckNamespace(ctx, info, "analytics"); err != nil {
		return nil, err
	}
	return info, nil
}

// ScenarioKCMAbsent: kube-controller-manager is not running (stopped); its
// lease goes stale and namespace legacy-apps, deleted, stays Terminating
// without any condition.
func (c *Cluster) ScenarioKCMAbsent(ctx context.Context) (*ScenarioInfo, error) {
	info := c.newInfo("kcm-absent",
		"kube-controller-manager not running (lease stale); namespace legacy-apps stuck Terminating without conditions",
		"legacy-apps")
	if err := c.FillNamespace(ctx, "legacy-apps"); err != nil {
		return nil, err
	}
	c.StopControllerManager()
	deleted := time.Now()
	if err := c.DeleteNamespace(ctx, "legacy-apps"); err != nil {
		return nil, err
	}
	err := poll(ctx, 2*time.Minute, time.Second, func() (bool, string, error) {
		l, err := c.Client.CoordinationV1().Leases("kube-system").Get(ctx, "kube-controller-manager", getOpts)
		if err != nil {
			return false, err.Error(), nil
		}
		if l.Spec.RenewTime == nil || l.Spec.LeaseDurationSeconds == nil {
			return false, "lease without renewTime", nil
		}
		age := time.Since(l.Spec.RenewTime.Time)
		stale := age > time.Duration(*l.Spec.LeaseDurationSeconds)*time.Second
		return stale && time.Since(deleted) > 15*time.Second, fmt.Sprintf("lease renewed %v ago (duration %ds)", age.Round(time.Second), *l.Spec.LeaseDurationSeconds), nil
	})
	if err != nil {
		return nil, err
	}
	info.saw("lease kube-system/kube-controller-manager stale")
	ns, err := c.Client.CoreV1().Namespaces().Get(ctx, "legacy-apps", getOpts)
	if err != nil {
		return nil, err
	}
	if ns.Status.Phase != corev1.NamespaceTerminating || len(ns.Status.Conditions) != 0 {
		return nil, fmt.Errorf("namespace legacy-apps: phase %s conditions %s, want Terminating without conditions", ns.Status.Phase, conditionsText(ns))
	}
	info.saw("namespace/legacy-apps phase=Terminating conditions=none")
	return info, nil
}

// ScenarioPodOnDeadNode: node worker-2's kubelet stopped posting status; a
// Running pod bound to it cannot finish its graceful deletion, so namespace
// batch-jobs, deleted, stays Terminating with NamespaceDeletionContentFailure.
func (c *Cluster) ScenarioPodOnDeadNode(ctx context.Context) (*ScenarioInfo, error) {
	info := c.newInfo("pod-on-dead-node",
		"node worker-2 stopped reporting (Ready=Unknown); its pod batch-jobs/report-generator cannot terminate; namespace batch-jobs stuck Terminating",
		"batch-jobs")
	if _, err := c.CreateNode(ctx, NodeSpec{Name: "worker-2", PodCIDR: "10.244.2.0/24", InternalIP: "10.0.1.22"}); err != nil {
		return nil, err
	}
	if err := c.FillNamespace(ctx, "batch-jobs"); err != nil {
		return nil, err
	}
	if _, err := c.CreatePod(ctx, PodSpec{Namespace: "batch-jobs", Name: "report-generator", Node: "worker-2", IP: "10.244.2.7",
		Labels: map[string]string{"app": "report-generator"}, Image: "registry.example.com/report-generator:1.4.2",
		Running: true, GracePeriod: ptr.To[int64](30)}); err != nil {
		return nil, err
	}
	if err := c.DeleteNamespace(ctx, "batch-jobs"); err != nil {
		return nil, err
	}
	err := poll(ctx, 3*time.Minute, 2*time.Second, func() (bool, string, error) {
		n, err := c.Client.CoreV1().Nodes().Get(ctx, "worker-2", getOpts)
		if err != nil {
			return false, err.Error(), nil
		}
		for _, cond := range n.Status.Conditions {
			if cond.Type == corev1.NodeReady {
				return cond.Status == corev1.ConditionUnknown, fmt.Sprintf("node worker-2 Ready=%s %s", cond.Status, cond.Reason), nil
			}
		}
		return false, "node worker-2 has no Ready condition", nil
	})
	if err != nil {
		return nil, err
	}
	n, err := c.Client.CoreV1().Nodes().Get(ctx, "worker-2", getOpts)
	if err != nil {
		return nil, err
	}
	for _, cond := range n.Status.Conditions {
		if cond.Type == corev1.NodeReady {
			info.saw("node/worker-2 Ready=%s %s: %s", cond.Status, cond.Reason, cond.Message)
		}
	}
	cond, err := c.WaitNamespaceCondition(ctx, "batch-jobs", corev1.NamespaceDeletionContentFailure, corev1.ConditionTrue, "ContentDeletionFailed", "pods", 3*time.Minute)
	if err != nil {
		return nil, err
	}
	info.saw("namespace/batch-jobs %s", describeCondition(cond))
	return info, nil
}

// ScenarioSpecFinalizer: namespace legacy-tenant was created with an extra
// spec.finalizers entry, example.com/cleanup, that nothing removes; after the
// namespace controller removes its own "kubernetes" token the namespace stays
// Terminating with every deletion condition OK.
func (c *Cluster) ScenarioSpecFinalizer(ctx context.Context) (*ScenarioInfo, error) {
	const name = "legacy-tenant"
	info := c.newInfo("spec-finalizer",
		"namespace legacy-tenant has spec.finalizers example.com/cleanup that no controller removes; stuck Terminating after its content is gone",
		name)
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: corev1.NamespaceSpec{Finalizers: []corev1.FinalizerName{corev1.FinalizerKubernetes, "example.com/cleanup"}}}
	if _, err := c.Client.CoreV1().Namespaces().Create(ctx, ns, createOpts); err != nil {
		return nil, err
	}
	if err := c.FillNamespace(ctx, name); err != nil {
		return nil, err
	}
	if err := c.DeleteNamespace(ctx, name); err != nil {
		return nil, err
	}
	var got *corev1.Namespace
	err := poll(ctx, 3*time.Minute, time.Second, func() (bool, string, error) {
		n, err := c.Client.CoreV1().Namespaces().Get(ctx, name, getOpts)
		if err != nil {
			return false, err.Error(), nil
		}
		got = n
		done := len(n.Spec.Finalizers) == 1 && n.Spec.Finalizers[0] == "example.com/cleanup"
		return done, fmt.Sprintf("phase %s spec.finalizers %v conditions %s", n.Status.Phase, n.Spec.Finalizers, conditionsText(n)), nil
	})
	if err != nil {
		return nil, err
	}
	info.saw("namespace/%s phase=%s spec.finalizers=%v", name, got.Status.Phase, got.Spec.Finalizers)
	for i := range got.Status.Conditions {
		info.saw("namespace/%s %s", name, describeCondition(&got.Status.Conditions[i]))
	}
	return info, nil
}

// ScenarioMetadataFinalizer: ConfigMaps in namespace archive carry
// metadata.finalizers example.com/protect whose controller is not installed;
// the deleted namespace stays Terminating with NamespaceFinalizersRemaining.
func (c *Cluster) ScenarioMetadataFinalizer(ctx context.Context) (*ScenarioInfo, error) {
	const name = "archive"
	info := c.newInfo("metadata-finalizer",
		"ConfigMaps in namespace archive carry finalizer example.com/protect and no controller removes it; namespace stuck Terminating",
		name)
	if err := c.EnsureNamespace(ctx, name, nil); err != nil {
		return nil, err
	}
	for _, cm := range []string{"retention-policy", "export-config"} {
		obj := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: cm, Namespace: name, Finalizers: []string{"example.com/protect"}},
			Data: map[string]string{"key": "value"}}
		if _, err := c.Client.CoreV1().ConfigMaps(name).Create(ctx, obj, createOpts); err != nil {
			return nil, err
		}
	}
	if err := c.DeleteNamespace(ctx, name); err != nil {
		return nil, err
	}
	for _, w := range []struct {
		t      corev1.NamespaceConditionType
		reason string
	}{
		{corev1.NamespaceFinalizersRemaining, "SomeFinalizersRemain"},
		{corev1.NamespaceContentRemaining, "SomeResourcesRemain"},
	} {
		cond, err := c.WaitNamespaceCondition(ctx, name, w.t, corev1.ConditionTrue, w.reason, "", 2*time.Minute)
		if err != nil {
			return nil, err
		}
		info.saw("namespace/%s %s", name, describeCondition(cond))
	}
	return info, nil
}
