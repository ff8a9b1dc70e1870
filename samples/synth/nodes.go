package synth

import (
	"strconv"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
)

// node renders Node i, as collect writes it (status.images dropped).
func (m *model) node(i int) *corev1.Node {
	r := m.rng(streamNode, i)
	n := m.nodes[i]
	created := m.ago(time.Duration(24+r.IntN(300*24)) * time.Hour)
	beat := metav1.NewTime(m.ago(time.Duration(r.IntN(10)) * time.Second))
	since := metav1.NewTime(created.Add(40 * time.Second))
	cond := func(t corev1.NodeConditionType, st corev1.ConditionStatus, reason, msg string) corev1.NodeCondition {
		return corev1.NodeCondition{Type: t, Status: st, LastHeartbeatTime: beat, LastTransitionTime: since, Reason: reason, Message: msg}
	}
	instance := "m7i.4xlarge"
	labels := map[string]string{
		"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", "kubernetes.io/os": "linux",
		"kubernetes.io/hostname": n.name, "node.kubernetes.io/instance-type": instance, "topology.kubernetes.io/region": "eu-west-1",
		"topology.kubernetes.io/zone": n.zone, "failure-domain.beta.kubernetes.io/region": "eu-west-1", "failure-domain.beta.kubernetes.io/zone": n.zone,
		"node-pool": "general-" + n.zone,
	}
	var taints []corev1.Taint
	if n.cp {
		labels["node-role.kubernetes.io/control-plane"] = ""
		taints = []corev1.Taint{{Key: "node-role.kubernetes.io/control-plane", Effect: corev1.TaintEffectNoSchedule}}
	}
	capacity := corev1.ResourceList{
		corev1.ResourceCPU: resource.MustParse("16"), corev1.ResourceMemory: resource.MustParse("65023620Ki"), corev1.ResourcePods: resource.MustParse("110"),
		corev1.ResourceEphemeralStorage: resource.MustParse("104845292Ki"), "hugepages-1Gi": resource.MustParse("0"), "hugepages-2Mi": resource.MustParse("0"),
	}
	alloc := capacity.DeepCopy()
	alloc[corev1.ResourceCPU] = resource.MustParse("15890m")
	alloc[corev1.ResourceMemory] = resource.MustParse("64007812Ki")
	alloc[corev1.ResourceEphemeralStorage] = resource.MustParse("95551679124")
	return &corev1.Node{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Node"},
		ObjectMeta: metav1.ObjectMeta{Name: n.name, UID: types.UID(uid(r)), ResourceVersion: strconv.Itoa(200000000 + r.IntN(900000000)),
			CreationTimestamp: metav1.NewTime(created), Labels: labels,
			Annotations: map[string]string{
				"node.alpha.kubernetes.io/ttl": "0", "volumes.kubernetes.io/controller-managed-attach-detach": "true",
				"csi.volume.kubernetes.io/nodeid":               `{"ebs.csi.aws.com":"i-0` + hexString(r, 16) + `"}`,
				"projectcalico.org/IPv4Address":                 ipv4(n.ip) + "/16",
				"projectcalico.org/IPv4VXLANTunnelAddr":         ipv4(podCIDRBase + uint32(i)<<8 + 1),
				"kubeadm.alpha.kubernetes.io/cri-socket":        "unix:///run/containerd/containerd.sock",
				"node.kubernetes.io/last-applied-kernel-params": "vm.max_map_count=262144",
			}},
		Spec: corev1.NodeSpec{PodCIDR: ipv4(podCIDRBase+uint32(i)<<8) + "/24", PodCIDRs: []string{ipv4(podCIDRBase+uint32(i)<<8) + "/24"},
			ProviderID: "aws:///" + n.zone + "/i-0" + hexString(r, 16), Taints: taints},
		Status: corev1.NodeStatus{
			Capacity: capacity, Allocatable: alloc,
			Conditions: []corev1.NodeCondition{
				cond(corev1.NodeNetworkUnavailable, corev1.ConditionFalse, "CalicoIsUp", "Calico is running on this node"),
				cond(corev1.NodeMemoryPressure, corev1.ConditionFalse, "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
				cond(corev1.NodeDiskPressure, corev1.ConditionFalse, "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
				cond(corev1.NodePIDPressure, corev1.ConditionFalse, "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
				cond(corev1.NodeReady, corev1.ConditionTrue, "KubeletReady", "kubelet is posting ready status"),
			},
			Addresses:       []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: ipv4(n.ip)}, {Type: corev1.NodeHostName, Address: n.name}},
			DaemonEndpoints: corev1.NodeDaemonEndpoints{KubeletEndpoint: corev1.DaemonEndpoint{Port: 10250}},
			NodeInfo: corev1.NodeSystemInfo{
				MachineID: hexString(r, 32), SystemUUID: "ec2" + hexString(r, 5) + "-" + hexString(r, 4) + "-" + hexString(r, 4) + "-" + hexString(r, 4) + "-" + hexString(r, 12),
				BootID: uid(r), KernelVersion: "6.8.0-1021-aws", OSImage: "Ubuntu 24.04.1 LTS", ContainerRuntimeVersion: "containerd://2.0.1",
				KubeletVersion: gitVersion, OperatingSystem: "linux", Architecture: "amd64",
				Swap: &corev1.NodeSwapStatus{Capacity: ptr.To[int64](0)},
			},
			RuntimeHandlers: []corev1.NodeRuntimeHandler{
				{Name: "runc", Features: &corev1.NodeRuntimeHandlerFeatures{RecursiveReadOnlyMounts: ptr.To(true), UserNamespaces: ptr.To(true)}},
				{Name: "", Features: &corev1.NodeRuntimeHandlerFeatures{RecursiveReadOnlyMounts: ptr.To(true), UserNamespaces: ptr.To(true)}},
			},
			Features: &corev1.NodeFeatures{SupplementalGroupsPolicy: ptr.To(true)},
		},
	}
}

// nodeLease renders the heartbeat lease of node i (kube-node-lease).
func (m *model) nodeLease(i int) *coordinationv1.Lease {
	r := m.rng(streamNode, 1000000+i)
	n := m.nodes[i]
	renew := metav1.NewMicroTime(m.now.Add(-time.Duration(r.IntN(10000)) * time.Millisecond))
	return &coordinationv1.Lease{
		TypeMeta: metav1.TypeMeta{APIVersion: "coordination.k8s.io/v1", Kind: "Lease"},
		ObjectMeta: metav1.ObjectMeta{Name: n.name, Namespace: "kube-node-lease", UID: types.UID(uid(r)), ResourceVersion: strconv.Itoa(300000000 + r.IntN(900000000)),
			CreationTimestamp: metav1.NewTime(m.ago(time.Duration(24+r.IntN(300*24)) * time.Hour)),
			OwnerReferences:   []metav1.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: n.name, UID: types.UID(uid(r))}}},
		Spec: coordinationv1.LeaseSpec{HolderIdentity: ptr.To(n.name), LeaseDurationSeconds: ptr.To[int32](40), RenewTime: &renew},
	}
}

// controlLeases are the kube-system leases: the controller-manager's (stale,
// many transitions when it crash-loops), the scheduler's and the API servers'
// identity leases.
func (m *model) controlLeases() []*coordinationv1.Lease {
	r := m.rng(streamMisc, 7)
	lease := func(name, holder string, dur int32, acquire, renew time.Time, transitions int32, labels map[string]string) *coordinationv1.Lease {
		return &coordinationv1.Lease{
			TypeMeta: metav1.TypeMeta{APIVersion: "coordination.k8s.io/v1", Kind: "Lease"},
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: kubeSystem, UID: types.UID(uid(r)), ResourceVersion: strconv.Itoa(400000000 + r.IntN(90000000)),
				CreationTimestamp: metav1.NewTime(m.ago(400 * 24 * time.Hour)), Labels: labels},
			Spec: coordinationv1.LeaseSpec{HolderIdentity: ptr.To(holder), LeaseDurationSeconds: ptr.To(dur),
				AcquireTime: ptr.To(metav1.NewMicroTime(acquire)), RenewTime: ptr.To(metav1.NewMicroTime(renew)), LeaseTransitions: ptr.To(transitions)},
		}
	}
	kcmLease := lease(kcmName, "cp-2_"+m.kcmIdentity(2), 15, m.now.Add(-kcmLastStart), m.now.Add(-kcmLastRenew), 14, nil)
	if !m.plan.has(CauseKCMClusterRole) { // healthy: held for weeks, renewed every 2 s
		kcmLease = lease(kcmName, "cp-1_"+m.kcmIdentity(0), 15, m.now.Add(-kcmHealthyFor), m.now.Add(-800*time.Millisecond), 2, nil)
	}
	out := []*coordinationv1.Lease{
		kcmLease,
		lease("kube-scheduler", "cp-1_"+uid(r), 15, m.ago(20*24*time.Hour), m.now.Add(-1500*time.Millisecond), 2, nil),
	}
	for i := range controlPlanes {
		renew := m.now.Add(-time.Duration(r.IntN(10000)) * time.Millisecond)
		out = append(out, lease("apiserver-"+hexString(r, 26), "apiserver-"+uid(r)+"_"+uid(r), 3600, m.ago(3*24*time.Hour), renew, 0,
			map[string]string{"apiserver.kubernetes.io/identity": "kube-apiserver", "kubernetes.io/hostname": "cp-" + strconv.Itoa(i+1)}))
	}
	return out
}
