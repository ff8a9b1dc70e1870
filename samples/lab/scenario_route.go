package lab

import (
	"context"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// Names and addresses of the route scenario.
const (
	workerNode    = "worker-1"
	workerPodCIDR = "10.244.1.0/24"
	workerNodeIP  = "10.0.1.21"
	metricsPodIP  = "10.244.1.5"
	metricsPod    = "metrics-server-7d9c5b8f6-x2k4p"
)

// lostRoute is the state RestoreRoute undoes.
type lostRoute struct {
	ccm *cloudControllerManager
}

// ScenarioFailedDiscoveryCheck: metrics-server runs (a fake, on pod IP
// 10.244.1.5 of node worker-1) and its APIService is Available; the lab's
// cloud-controller-manager (the real route controller of k8s.io/cloud-provider)
// has created the route to worker-1's pod range. Then the route is lost and
// the cloud denies re-creating it: the route controller logs the cloud's
// UnauthorizedOperation, records FailedToCreateRoute and marks worker-1
// NetworkUnavailable, the aggregator's discovery check times out
// (FailedDiscoveryCheck) and namespace reporting, deleted, stays Terminating.
// RestoreRoute repairs it.
func (c *Cluster) ScenarioFailedDiscoveryCheck(ctx context.Context) (*ScenarioInfo, error) {
	info := c.newInfo("failed-discovery-check",
		"route to worker-1's pod CIDR lost and cloud denies ec2:CreateRoute: metrics-server unreachable, APIService FailedDiscoveryCheck; namespace reporting stuck Terminating",
		"reporting")
	ccm, err := c.startCloudControllerManager(ctx)
	if err != nil {
		return nil, err
	}
	info.Logs["cloud-controller-manager"] = ccm.log
	if err := c.runningMetricsServer(ctx, info); err != nil {
		return nil, err
	}
	if err := waitLogLine(ctx, ccm.log, "Created route for node "+workerNode, time.Minute); err != nil {
		return nil, err
	}
	if err := c.loseRoute(ctx, ccm); err != nil {
		return nil, err
	}
	a, err := c.WaitAPIService(ctx, MetricsAPIService, "False", "FailedDiscoveryCheck", 3*time.Minute)
	if err != nil {
		return nil, err
	}
	info.saw("apiservice/%s Available=%s", MetricsAPIService, a)
	if err := c.stuckNamespace(ctx, info, "reporting"); err != nil {
		return nil, err
	}
	n, err := c.Client.CoreV1().Nodes().Get(ctx, workerNode, getOpts)
	if err != nil {
		return nil, err
	}
	for _, cond := range n.Status.Conditions {
		if cond.Type == corev1.NodeNetworkUnavailable || cond.Type == corev1.NodeReady {
			info.saw("node/%s %s=%s %s: %s", workerNode, cond.Type, cond.Status, cond.Reason, cond.Message)
		}
	}
	return info, nil
}

// runningMetricsServer sets up a healthy metrics-server: node worker-1 with a
// live "kubelet", the fake server on the pod IP, the pod Running and Ready,
// the Service and the APIService (CA-verified), and waits for Available=True.
func (c *Cluster) runningMetricsServer(ctx context.Context, info *ScenarioInfo) error {
	if _, err := c.CreateNode(ctx, NodeSpec{Name: workerNode, PodCIDR: workerPodCIDR, InternalIP: workerNodeIP, Heartbeat: true}); err != nil {
		return err
	}
	if _, err := c.StartExtensionServer(ctx, metricsPodIP, 10250); err != nil {
		return err
	}
	if err := c.metricsService(ctx); err != nil {
		return err
	}
	if err := c.EnsureNamespace(ctx, "kube-system", nil); err != nil {
		return err
	}
	if _, err := c.CreatePod(ctx, PodSpec{Namespace: "kube-system", Name: metricsPod, Node: workerNode, IP: metricsPodIP,
		Labels: map[string]string{"k8s-app": "metrics-server"}, Container: "metrics-server", Image: metricsImage, Port: 10250, PortName: "https",
		Running: true, Log: metricsServerLog(time.Now())}); err != nil {
		return err
	}
	if err := c.createMetricsAPIService(ctx, "metrics-server", c.pki.ca.certPEM); err != nil {
		return err
	}
	a, err := c.WaitAPIService(ctx, MetricsAPIService, "True", "Passed", 2*time.Minute)
	if err != nil {
		return err
	}
	info.saw("apiservice/%s before: Available=%s", MetricsAPIService, a)
	return nil
}

// loseRoute makes worker-1's pod range unreachable (connections time out)
// and its cloud route disappear while the cloud denies creating routes, and
// waits until the route controller has marked the node NetworkUnavailable.
func (c *Cluster) loseRoute(ctx context.Context, ccm *cloudControllerManager) error {
	if err := c.claim(ctx, workerPodCIDR); err != nil {
		return err
	}
	if err := ccm.denyRoutes(true); err != nil {
		return err
	}
	if err := ccm.dropRoute(workerPodCIDR); err != nil {
		return err
	}
	if err := RemoveLoopbackAddress(metricsPodIP); err != nil {
		return err
	}
	if err := AddBlackholeRoute(workerPodCIDR); err != nil {
		return err
	}
	lr := &lostRoute{ccm: ccm}
	c.mu.Lock()
	c.route = lr
	c.mu.Unlock()
	c.onStop(func() {
		c.mu.Lock()
		still := c.route == lr
		c.mu.Unlock()
		if still { // not restored: leave the shared namespace as it was
			_ = DeleteBlackholeRoute(workerPodCIDR)
		}
	})
	return c.waitNodeCondition(ctx, workerNode, corev1.NodeNetworkUnavailable, corev1.ConditionTrue, "NoRouteCreated", time.Minute)
}

// RestoreRoute undoes the route loss of ScenarioFailedDiscoveryCheck: the
// cloud allows route creation again, so the route controller re-creates the
// route and clears NetworkUnavailable, and the pod IP is reachable again. The
// APIService and the stuck namespace then recover by themselves.
func (c *Cluster) RestoreRoute(ctx context.Context) error {
	c.mu.Lock()
	lr := c.route
	c.route = nil
	c.mu.Unlock()
	if lr == nil {
		return fmt.Errorf("lab: no lost route to restore")
	}
	if err := lr.ccm.denyRoutes(false); err != nil {
		return err
	}
	if err := DeleteBlackholeRoute(workerPodCIDR); err != nil {
		return err
	}
	if err := AddLoopbackAddress(metricsPodIP); err != nil {
		return err
	}
	return c.waitNodeCondition(ctx, workerNode, corev1.NodeNetworkUnavailable, corev1.ConditionFalse, "RouteCreated", time.Minute)
}

// waitNodeCondition waits until node's condition typ has status and reason.
func (c *Cluster) waitNodeCondition(ctx context.Context, node string, typ corev1.NodeConditionType, status corev1.ConditionStatus, reason string, timeout time.Duration) error {
	return poll(ctx, timeout, time.Second, func() (bool, string, error) {
		n, err := c.Client.CoreV1().Nodes().Get(ctx, node, getOpts)
		if err != nil {
			return false, err.Error(), nil
		}
		for _, cd := range n.Status.Conditions {
			if cd.Type == typ {
				return cd.Status == status && cd.Reason == reason, fmt.Sprintf("node/%s %s=%s %s", node, typ, cd.Status, cd.Reason), nil
			}
		}
		return false, fmt.Sprintf("node/%s has no %s condition", node, typ), nil
	})
}

// waitLogLine waits until the file at path holds a line containing want.
func waitLogLine(ctx context.Context, path, want string, timeout time.Duration) error {
	return poll(ctx, timeout, time.Second, func() (bool, string, error) {
		return len(LogLines(path, want)) > 0, fmt.Sprintf("%s: no line with %q", path, want), nil
	})
}

// metricsServerLog is a metrics-server start-up log in klog text format.
func metricsServerLog(t time.Time) string {
	var b strings.Builder
	line := func(d time.Duration, loc, msg string) {
		u := t.Add(d).UTC()
		fmt.Fprintf(&b, "I%02d%02d %02d:%02d:%02d.%06d %7d %s] %s\n", u.Month(), u.Day(), u.Hour(), u.Minute(), u.Second(), u.Nanosecond()/1000, 1, loc, msg)
	}
	line(0, "serving.go:380", "Generated self-signed cert (/tmp/apiserver.crt, /tmp/apiserver.key)")
	line(412*time.Millisecond, "handler.go:288", "Adding GroupVersion metrics.k8s.io v1beta1 to ResourceManager")
	line(520*time.Millisecond, "requestheader_controller.go:180", "Starting RequestHeaderAuthRequestController")
	line(523*time.Millisecond, "secure_serving.go:211", "Serving securely on [::]:10250")
	line(525*time.Millisecond, "tlsconfig.go:243", "\"Starting DynamicServingCertificateController\"")
	return b.String()
}

// metricsServerUnreadyLog is the log, up to now, of a metrics-server started
// at t that cannot verify the kubelet's serving certificate (no IP SANs), so
// it has no metrics to serve and its readiness probe fails.
func metricsServerUnreadyLog(t, now time.Time) string {
	var b strings.Builder
	b.WriteString(metricsServerLog(t))
	for i := 0; ; i++ {
		u := t.Add(time.Duration(15*i+1)*time.Second + 204*time.Millisecond).UTC()
		if u.After(now) {
			break
		}
		head := func(sev byte, loc string) string {
			return fmt.Sprintf("%c%02d%02d %02d:%02d:%02d.%06d %7d %s] ", sev, u.Month(), u.Day(), u.Hour(), u.Minute(), u.Second(), u.Nanosecond()/1000, 1, loc)
		}
		fmt.Fprintf(&b, "%s\"Failed to scrape node\" err=\"Get \\\"https://%s:10250/metrics/resource\\\": tls: failed to verify certificate: x509: cannot validate certificate for %s because it doesn't contain any IP SANs\" node=%q\n",
			head('E', "scraper.go:149"), workerNodeIP, workerNodeIP, workerNode)
		fmt.Fprintf(&b, "%s\"Failed probe\" probe=\"metric-storage-ready\" err=\"no metrics to serve\"\n", head('I', "server.go:191"))
	}
	return b.String()
}
