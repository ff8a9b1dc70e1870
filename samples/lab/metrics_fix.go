package lab

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// MakeMetricsServerReady is the lab's stand-in for the Fix of
// ScenarioMissingEndpoints, a change to metrics-server's configuration or
// to the kubelets' certificates (run it with --kubelet-insecure-tls, or
// give the kubelets serving certificates): metrics-server then answers on
// its pod IP, passes its readiness probe, and the kubelet reports the pod
// Ready with a healthy log. The EndpointSlice controller and the
// aggregator do the rest; it returns once the APIService is Available.
func (c *Cluster) MakeMetricsServerReady(ctx context.Context) error {
	if _, err := c.StartExtensionServer(ctx, metricsPodIP, 10250); err != nil {
		return err
	}
	pods := c.Client.CoreV1().Pods("kube-system")
	l, err := pods.List(ctx, metav1.ListOptions{LabelSelector: "k8s-app=metrics-server"})
	if err != nil {
		return err
	}
	if len(l.Items) == 0 {
		return fmt.Errorf("lab: no metrics-server pod to make ready")
	}
	for i := range l.Items {
		p := &l.Items[i]
		now := metav1.Now()
		for j := range p.Status.Conditions {
			if t := p.Status.Conditions[j].Type; t == corev1.PodReady || t == corev1.ContainersReady {
				p.Status.Conditions[j] = corev1.PodCondition{Type: t, Status: corev1.ConditionTrue, LastTransitionTime: now}
			}
		}
		for j := range p.Status.ContainerStatuses {
			p.Status.ContainerStatuses[j].Ready = true
		}
		if _, err := pods.UpdateStatus(ctx, p, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("pod %s status: %w", p.Name, err)
		}
		c.setPodLog("kube-system", p.Name, "metrics-server", metricsServerLog)
	}
	_, err = c.WaitAPIService(ctx, MetricsAPIService, "True", "Passed", 2*time.Minute)
	return err
}
