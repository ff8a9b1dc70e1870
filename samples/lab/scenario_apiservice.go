package lab

import (
	"context"
	"fmt"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

const metricsImage = "registry.k8s.io/metrics-server/metrics-server:v0.8.0"

// ScenarioMissingEndpoints: metrics-server's pod runs on worker-1 but never
// becomes Ready (it cannot verify the kubelet's serving certificate, so its
// readiness probe fails); its EndpointSlice has no ready address, the
// aggregator reports MissingEndpoints, discovery of metrics.k8s.io fails, and
// namespace analytics, deleted, stays Terminating with
// NamespaceDeletionDiscoveryFailure=True.
func (c *Cluster) ScenarioMissingEndpoints(ctx context.Context) (*ScenarioInfo, error) {
	info := c.newInfo("missing-endpoints",
		"metrics-server Running but not Ready (kubelet certificate has no IP SANs, readiness probe fails): APIService v1beta1.metrics.k8s.io MissingEndpoints; namespace analytics stuck Terminating on discovery failure",
		"analytics")
	if _, err := c.CreateNode(ctx, NodeSpec{Name: workerNode, PodCIDR: workerPodCIDR, InternalIP: workerNodeIP, Heartbeat: true}); err != nil {
		return nil, err
	}
	if err := c.metricsService(ctx); err != nil {
		return nil, err
	}
	if err := c.metricsDeployment(ctx); err != nil {
		return nil, err
	}
	if err := c.createMetricsAPIService(ctx, "metrics-server", nil); err != nil {
		return nil, err
	}
	pod, err := c.runUnreadyMetricsServer(ctx)
	if err != nil {
		return nil, err
	}
	a, err := c.WaitAPIService(ctx, MetricsAPIService, "False", "MissingEndpoints", 2*time.Minute)
	if err != nil {
		return nil, err
	}
	info.saw("apiservice/%s Available=%s", MetricsAPIService, a)
	info.saw("pod kube-system/%s phase=Running Ready=False ContainersNotReady", pod)
	if err := c.stuckNamespace(ctx, info, "analytics"); err != nil {
		return nil, err
	}
	return info, nil
}

// runUnreadyMetricsServer does what the scheduler and kubelet would for the
// Deployment's pod: binds it to worker-1 and reports it Running, not Ready,
// with a failing readiness probe (Event) and the log explaining why.
func (c *Cluster) runUnreadyMetricsServer(ctx context.Context) (string, error) {
	pods := c.Client.CoreV1().Pods("kube-system")
	var pod *corev1.Pod
	err := poll(ctx, time.Minute, 500*time.Millisecond, func() (bool, string, error) {
		l, err := pods.List(ctx, metav1.ListOptions{LabelSelector: "k8s-app=metrics-server"})
		if err != nil {
			return false, err.Error(), nil
		}
		if len(l.Items) == 0 {
			return false, "no metrics-server pod yet", nil
		}
		pod = &l.Items[0]
		return true, "", nil
	})
	if err != nil {
		return "", fmt.Errorf("metrics-server pod: %w", err)
	}
	bind := &corev1.Binding{ObjectMeta: metav1.ObjectMeta{Name: pod.Name, Namespace: pod.Namespace},
		Target: corev1.ObjectReference{Kind: "Node", Name: workerNode}}
	if err := pods.Bind(ctx, bind, createOpts); err != nil {
		return "", fmt.Errorf("bind %s: %w", pod.Name, err)
	}
	if pod, err = pods.Get(ctx, pod.Name, getOpts); err != nil {
		return "", err
	}
	now := metav1.Now()
	unready := "containers with unready status: [metrics-server]"
	pod.Status = corev1.PodStatus{
		Phase: corev1.PodRunning, HostIP: workerNodeIP, HostIPs: []corev1.HostIP{{IP: workerNodeIP}},
		PodIP: metricsPodIP, PodIPs: []corev1.PodIP{{IP: metricsPodIP}}, StartTime: &now, QOSClass: pod.Status.QOSClass,
		Conditions: []corev1.PodCondition{
			{Type: corev1.PodReadyToStartContainers, Status: corev1.ConditionTrue, LastTransitionTime: now},
			{Type: corev1.PodInitialized, Status: corev1.ConditionTrue, LastTransitionTime: now},
			{Type: corev1.PodReady, Status: corev1.ConditionFalse, Reason: "ContainersNotReady", Message: unready, LastTransitionTime: now},
			{Type: corev1.ContainersReady, Status: corev1.ConditionFalse, Reason: "ContainersNotReady", Message: unready, LastTransitionTime: now},
			{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: now},
		},
		ContainerStatuses: []corev1.ContainerStatus{{Name: "metrics-server", Image: metricsImage, ImageID: metricsImage, Ready: false,
			Started: ptr.To(true), ContainerID: fmt.Sprintf("containerd://%064x", now.UnixNano()),
			State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: now}}}},
	}
	if _, err := pods.UpdateStatus(ctx, pod, metav1.UpdateOptions{}); err != nil {
		return "", fmt.Errorf("pod %s status: %w", pod.Name, err)
	}
	c.setPodLog("kube-system", pod.Name, "metrics-server", func(at time.Time) string { return metricsServerUnreadyLog(now.Time, at) })
	ev := &corev1.Event{
		ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s.%x", pod.Name, now.UnixNano()), Namespace: "kube-system"},
		InvolvedObject: corev1.ObjectReference{APIVersion: "v1", Kind: "Pod", Namespace: "kube-system", Name: pod.Name, UID: pod.UID,
			FieldPath: "spec.containers{metrics-server}"},
		Reason: "Unhealthy", Message: "Readiness probe failed: HTTP probe failed with statuscode: 500", Type: corev1.EventTypeWarning,
		Count: 18, Source: corev1.EventSource{Component: "kubelet", Host: workerNode},
		FirstTimestamp: now, LastTimestamp: now,
	}
	if _, err := c.Client.CoreV1().Events("kube-system").Create(ctx, ev, createOpts); err != nil {
		return "", err
	}
	return pod.Name, nil
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
					ReadinessProbe: &corev1.Probe{
						ProbeHandler:        corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/readyz", Port: intstr.FromString("https"), Scheme: corev1.URISchemeHTTPS}},
						InitialDelaySeconds: 20, PeriodSeconds: 10, FailureThreshold: 3,
					},
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
