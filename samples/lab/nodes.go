package lab

import (
	"context"
	"fmt"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// NodeSpec describes a Node object the lab creates in place of a kubelet.
type NodeSpec struct {
	Name, PodCIDR, InternalIP string
	// Heartbeat renews the node's lease every 10 s, as a live kubelet does,
	// and serves container logs on InternalIP:10250 (added to lo); without
	// it the node lifecycle controller marks the node Unknown.
	Heartbeat bool
	// NeverPosted leaves status empty: the kubelet never reported.
	NeverPosted bool
}

// CreateNode creates a Node (and, for a live one, its status and lease).
func (c *Cluster) CreateNode(ctx context.Context, s NodeSpec) (*corev1.Node, error) {
	node := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: s.Name, Labels: map[string]string{
			"kubernetes.io/hostname": s.Name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
		}},
		Spec: corev1.NodeSpec{PodCIDR: s.PodCIDR, PodCIDRs: []string{s.PodCIDR}},
	}
	n, err := c.Client.CoreV1().Nodes().Create(ctx, node, createOpts)
	if err != nil {
		return nil, fmt.Errorf("node %s: %w", s.Name, err)
	}
	if s.NeverPosted {
		return n, nil
	}
	now := metav1.Now()
	cond := func(t corev1.NodeConditionType, st corev1.ConditionStatus, reason, msg string) corev1.NodeCondition {
		return corev1.NodeCondition{Type: t, Status: st, Reason: reason, Message: msg, LastHeartbeatTime: now, LastTransitionTime: now}
	}
	caps := corev1.ResourceList{
		corev1.ResourceCPU: resource.MustParse("4"), corev1.ResourceMemory: resource.MustParse("16Gi"), corev1.ResourcePods: resource.MustParse("110"),
	}
	n.Status = corev1.NodeStatus{
		Capacity: caps, Allocatable: caps,
		Conditions: []corev1.NodeCondition{
			cond(corev1.NodeNetworkUnavailable, corev1.ConditionFalse, "RouteCreated", "RouteController created a route"),
			cond(corev1.NodeMemoryPressure, corev1.ConditionFalse, "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
			cond(corev1.NodeDiskPressure, corev1.ConditionFalse, "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
			cond(corev1.NodePIDPressure, corev1.ConditionFalse, "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
			cond(corev1.NodeReady, corev1.ConditionTrue, "KubeletReady", "kubelet is posting ready status"),
		},
		Addresses: []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: s.InternalIP}, {Type: corev1.NodeHostName, Address: s.Name}},
		NodeInfo: corev1.NodeSystemInfo{KubeletVersion: c.GitVersion, OperatingSystem: "linux", Architecture: "amd64",
			ContainerRuntimeVersion: "containerd://2.2.0", OSImage: "Ubuntu 24.04.3 LTS", KernelVersion: "6.8.0-1040-aws"},
	}
	if n, err = c.Client.CoreV1().Nodes().UpdateStatus(ctx, n, metav1.UpdateOptions{}); err != nil {
		return nil, fmt.Errorf("node %s status: %w", s.Name, err)
	}
	if s.Heartbeat {
		if err := c.claim(ctx, s.InternalIP); err != nil {
			return nil, err
		}
		if err := c.startKubeletServer(s.Name, s.InternalIP); err != nil {
			return nil, err
		}
		if err := c.renewNodeLease(ctx, n); err != nil {
			return nil, err
		}
		hbCtx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			for {
				select {
				case <-hbCtx.Done():
					return
				case <-time.After(10 * time.Second):
					_ = c.renewNodeLease(hbCtx, n)
				}
			}
		}()
		c.onStop(func() { cancel(); <-done })
	}
	return n, nil
}

// renewNodeLease creates or renews kube-node-lease/<node> like a kubelet.
func (c *Cluster) renewNodeLease(ctx context.Context, n *corev1.Node) error {
	leases := c.Client.CoordinationV1().Leases(corev1.NamespaceNodeLease)
	now := metav1.NewMicroTime(time.Now())
	l, err := leases.Get(ctx, n.Name, getOpts)
	if apierrors.IsNotFound(err) {
		l = &coordinationv1.Lease{
			ObjectMeta: metav1.ObjectMeta{Name: n.Name, Namespace: corev1.NamespaceNodeLease,
				OwnerReferences: []metav1.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: n.Name, UID: n.UID}}},
			Spec: coordinationv1.LeaseSpec{HolderIdentity: ptr.To(n.Name), LeaseDurationSeconds: ptr.To[int32](40), RenewTime: &now},
		}
		_, err = leases.Create(ctx, l, createOpts)
		return err
	}
	if err != nil {
		return err
	}
	l.Spec.RenewTime = &now
	_, err = leases.Update(ctx, l, metav1.UpdateOptions{})
	return err
}

// SetNodeCondition sets (adds or replaces) one condition on a node's status.
func (c *Cluster) SetNodeCondition(ctx context.Context, node string, cond corev1.NodeCondition) error {
	n, err := c.Client.CoreV1().Nodes().Get(ctx, node, getOpts)
	if err != nil {
		return err
	}
	now := metav1.Now()
	cond.LastHeartbeatTime, cond.LastTransitionTime = now, now
	replaced := false
	for i := range n.Status.Conditions {
		if n.Status.Conditions[i].Type == cond.Type {
			n.Status.Conditions[i], replaced = cond, true
		}
	}
	if !replaced {
		n.Status.Conditions = append(n.Status.Conditions, cond)
	}
	_, err = c.Client.CoreV1().Nodes().UpdateStatus(ctx, n, metav1.UpdateOptions{})
	return err
}

// PodSpec describes a pod the lab creates and, when Running, reports as a
// kubelet would (status written as admin).
type PodSpec struct {
	Namespace, Name, Node, IP string
	Labels                    map[string]string
	// Container names the pod's only container ("main" when empty).
	Container   string
	Image       string
	Port        int32
	PortName    string
	Running     bool
	GracePeriod *int64
	// Log is what the node's kubelet returns for the container's log.
	Log string
}

// CreatePod creates the pod bound to Node and, if Running, marks it Running
// and Ready with podIP IP.
func (c *Cluster) CreatePod(ctx context.Context, s PodSpec) (*corev1.Pod, error) {
	name := s.Container
	if name == "" {
		name = "main"
	}
	ctr := corev1.Container{Name: name, Image: s.Image}
	if s.Port != 0 {
		ctr.Ports = []corev1.ContainerPort{{Name: s.PortName, ContainerPort: s.Port, Protocol: corev1.ProtocolTCP}}
	}
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: s.Name, Namespace: s.Namespace, Labels: s.Labels},
		Spec: corev1.PodSpec{NodeName: s.Node, Containers: []corev1.Container{ctr},
			TerminationGracePeriodSeconds: s.GracePeriod, AutomountServiceAccountToken: ptr.To(false)},
	}
	p, err := c.Client.CoreV1().Pods(s.Namespace).Create(ctx, pod, createOpts)
	if err != nil {
		return nil, fmt.Errorf("pod %s/%s: %w", s.Namespace, s.Name, err)
	}
	if s.Log != "" {
		text := s.Log
		c.setPodLog(s.Namespace, s.Name, ctr.Name, func(time.Time) string { return text })
	}
	if !s.Running {
		return p, nil
	}
	now := metav1.Now()
	hostIP := ""
	if n, err := c.Client.CoreV1().Nodes().Get(ctx, s.Node, getOpts); err == nil {
		for _, a := range n.Status.Addresses {
			if a.Type == corev1.NodeInternalIP {
				hostIP = a.Address
			}
		}
	}
	cond := func(t corev1.PodConditionType) corev1.PodCondition {
		return corev1.PodCondition{Type: t, Status: corev1.ConditionTrue, LastTransitionTime: now}
	}
	p.Status = corev1.PodStatus{
		Phase: corev1.PodRunning, HostIP: hostIP, PodIP: s.IP, PodIPs: []corev1.PodIP{{IP: s.IP}}, StartTime: &now,
		QOSClass: corev1.PodQOSBestEffort,
		Conditions: []corev1.PodCondition{cond(corev1.PodReadyToStartContainers), cond(corev1.PodInitialized),
			cond(corev1.PodReady), cond(corev1.ContainersReady), cond(corev1.PodScheduled)},
		ContainerStatuses: []corev1.ContainerStatus{{Name: name, Image: s.Image, ImageID: s.Image, Ready: true, Started: ptr.To(true),
			ContainerID: "containerd://" + fmt.Sprintf("%064x", now.UnixNano()),
			State:       corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: now}}}},
	}
	if s.IP != "" && hostIP != "" {
		p.Status.HostIPs = []corev1.HostIP{{IP: hostIP}}
	}
	if p, err = c.Client.CoreV1().Pods(s.Namespace).UpdateStatus(ctx, p, metav1.UpdateOptions{}); err != nil {
		return nil, fmt.Errorf("pod %s/%s status: %w", s.Namespace, s.Name, err)
	}
	return p, nil
}
