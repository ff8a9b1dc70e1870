package lab

import (
	"context"
	"fmt"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

const metricsImage = "registry.k8s.io/metrics-server/metrics-server:v0.8.0"

// ScenarioMissingEndpoints: metrics-server's APIService points at a Service
// whose pods never became ready (no scheduler places them), so the
// aggregator reports MissingEndpoints, discovery of metrics.k8s.io fails, and
// namespace "analytics", deleted, stays Terminating with
// NamespaceDeletionDiscoveryFailure=True.
func (c *Cluster) ScenarioMissingEndpoints(ctx context.Context) (*ScenarioInfo, error) {
	info := c.newInfo("missing-endpoints",
		"APIService v1beta1.metrics.k8s.io has no ready endpoints (metrics-server pod Pending); namespace analytics stuck Terminating on discovery failure",
		"analytics")
	if err := c.metricsService(ctx); err != nil {
		return nil, err
	}
	if err := c.metricsDeployment(ctx); err != nil {
		return nil, err
	}
	if err := c.createMetricsAPIService(ctx, "metrics-server", nil); err != nil {
		return nil, err
	}
	a, err := c.WaitAPIService(ctx, MetricsAPIService, "False", "MissingEndpoints", 2*time.Minute)
	if err != nil {
		return nil, err
	}
	info.saw("apiservice/%s Available=%s", MetricsAPIService, a)
	err = poll(ctx, time.Minute, time.Second, func() (bool, string, error) {
		pods, err := c.Client.CoreV1().Pods("kube-system").List(ctx, metav1.ListOptions{LabelSelector: "k8s-app=metrics-server"})
		if err != nil {
			return false, err.Error(), nil
		}
		for _, p := range pods.Items {
			if p.Status.Phase == corev1.PodPending && p.Spec.NodeName == "" {
				return true, "", nil
			}
		}
		return false, fmt.Sprintf("%d metrics-server pods", len(pods.Items)), nil
	})
	if err != nil {
		return nil, fmt.Errorf("metrics-server pod: %w", err)
	}
	info.saw("pod kube-system/metrics-server-* phase=Pending unscheduled")
	if err := c.stuckNamespace(ctx, info, "analytics"); err != nil {
		return nil, err
	}
	return info, nil
}

// stuckNamespace fills namespace ns, deletes it and waits for
// NamespaceDeletionDiscoveryFailure=True.
func (c *Cluster) stuckNamespace(ctx context.Context, info *ScenarioInfo, ns string) error {
	if err := c.FillNamespace(ctx, ns); err != nil {
		return err
	}
	// An APIService that just became unavailable keeps its last discovery
	// document (freshness Current) until the aggregator's next refresh fails;
	// until then namespace deletion still succeeds. Wait for Stale.
	derr, err := c.WaitDiscoveryFailure(ctx, "metrics.k8s.io/v1beta1", 3*time.Minute)
	if err != nil {
		return err
	}
	info.saw("discovery: %s", derr)
	if err := c.DeleteNamespace(ctx, ns); err != nil {
		return err
	}
	cond, err := c.WaitNamespaceCondition(ctx, ns, corev1.NamespaceDeletionDiscoveryFailure, corev1.ConditionTrue, "DiscoveryFailed", "metrics.k8s.io/v1beta1", 3*time.Minute)
	if err != nil {
		return err
	}
	info.saw("namespace/%s %s", ns, describeCondition(cond))
	return nil
}

// metricsDeployment creates a metrics-server Deployment in kube-system; with
// no scheduler in the lab its pod stays Pending.
func (c *Cluster) metricsDeployment(ctx context.Context) error {
	labels := map[string]string{"k8s-app": "metrics-server"}
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "metrics-server", Namespace: "kube-system", Labels: labels},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](1),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{
					Name: "metrics-server", Image: metricsImage,
					Args:  []string{"--cert-dir=/tmp", "--secure-port=10250", "--kubelet-preferred-address-types=InternalIP"},
					Ports: []corev1.ContainerPort{{Name: "https", ContainerPort: 10250, Protocol: corev1.ProtocolTCP}},
				}}},
			},
		},
	}
	_, err := c.Client.AppsV1().Deployments("kube-system").Create(ctx, d, createOpts)
	return ignoreExists(err)
}

// WaitDiscoveryFailure polls the admin's discovery (aggregated, as kubectl
// and the namespace controller use it) until it reports groupVersion failing,
// and returns the error text.
func (c *Cluster) WaitDiscoveryFailure(ctx context.Context, groupVersion string, timeout time.Duration) (string, error) {
	var text string
	err := poll(ctx, timeout, 2*time.Second, func() (bool, string, error) {
		_, _, err := c.Client.Discovery().ServerGroupsAndResources()
		if err == nil {
			return false, "discovery succeeds", nil
		}
		text = err.Error()
		return strings.Contains(text, groupVersion+":"), text, nil
	})
	if err != nil {
		return "", fmt.Errorf("waiting for discovery of %s to fail: %w", groupVersion, err)
	}
	return text, nil
}
