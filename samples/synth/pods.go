package synth

import (
	"math/rand/v2"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

// podSpec is what a pod's containers look like.
type podSpec struct {
	app, image, sidecar, sidecarImage string
	owner                             metav1.OwnerReference
	hostNetwork                       bool
	labels                            map[string]string
	created                           time.Time
}

// specOf plans pod i's template.
func (m *model) specOf(i int) podSpec {
	p := m.pods[i]
	if p.deploy < 0 {
		d := m.daemons[-1-p.deploy]
		return podSpec{
			app: d.name, image: d.image, hostNetwork: true,
			owner:   metav1.OwnerReference{APIVersion: "apps/v1", Kind: "DaemonSet", Name: d.name, UID: types.UID(m.uidOf(streamDeploy, 100000000+int(-p.deploy))), Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true)},
			labels:  map[string]string{"k8s-app": d.name, "controller-revision-hash": "6d5f8c7b9", "pod-template-generation": "3"},
			created: m.ago(30 * 24 * time.Hour),
		}
	}
	d := m.deploys[p.deploy]
	im := images[d.image]
	s := podSpec{
		app: d.app, image: im.repo + ":" + im.tag,
		owner: metav1.OwnerReference{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: d.name + "-" + d.hash,
			UID: types.UID(m.uidOf(streamDeploy, 2*int(p.deploy))), Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true)},
		labels:  m.podLabels(int(p.deploy)),
		created: d.created,
	}
	if d.system {
		s.image = "registry.k8s.io/coredns/coredns:v1.12.0"
		if d.app == metricsServer {
			s.image = "registry.k8s.io/metrics-server/metrics-server:v0.7.2"
		}
	}
	if d.sidecar >= 0 {
		sc := sidecars[d.sidecar]
		s.sidecar, s.sidecarImage = sc.name, sc.repo+":"+sc.tag
	}
	return s
}

// podLabels are the labels of Deployment d's pods.
func (m *model) podLabels(d int) map[string]string {
	dp := m.deploys[d]
	if dp.system {
		return map[string]string{"k8s-app": dp.app, "pod-template-hash": dp.hash}
	}
	return map[string]string{
		"app.kubernetes.io/name": dp.name, "app.kubernetes.io/part-of": dp.app, "app.kubernetes.io/managed-by": "Helm",
		"team": m.namespaces[dp.nsi].team, "pod-template-hash": dp.hash, "version": images[dp.image].tag,
	}
}

// selectorOf is the selector of Deployment d (and its Service).
func (m *model) selectorOf(d int) map[string]string {
	dp := m.deploys[d]
	if dp.system {
		return map[string]string{"k8s-app": dp.app}
	}
	return map[string]string{"app.kubernetes.io/name": dp.name, "app.kubernetes.io/part-of": dp.app}
}

// uidOf is the stable UID of object i of a stream.
func (m *model) uidOf(stream uint64, i int) string { return uid(m.rng(stream+100, i)) }

// pod renders pod i.
func (m *model) pod(i int) *corev1.Pod {
	r := m.rng(streamPod, i)
	p := m.pods[i]
	s := m.specOf(i)
	ns := m.namespaces[p.ns].name
	node := m.nodes[p.node]
	created := m.ago(time.Duration(r.IntN(30*24*3600)) * time.Second)
	if created.Before(s.created) {
		created = s.created.Add(time.Duration(r.IntN(3600)) * time.Second)
	}
	started := created.Add(time.Duration(2+r.IntN(5)) * time.Second)
	ready := started.Add(time.Duration(5+r.IntN(20)) * time.Second)
	tokenVol := "kube-api-access-" + suffix(r, 5)
	mounts := []corev1.VolumeMount{{Name: tokenVol, ReadOnly: true, MountPath: "/var/run/secrets/kubernetes.io/serviceaccount"}}
	containers := []corev1.Container{m.mainContainer(r, s, mounts)}
	if s.sidecar != "" {
		containers = append(containers, corev1.Container{
			Name: s.sidecar, Image: s.sidecarImage, Args: []string{"--config=/etc/" + s.sidecar + "/config.yaml", "--log-level=info"},
			Ports:     []corev1.ContainerPort{{Name: "admin", ContainerPort: 9901, Protocol: corev1.ProtocolTCP}},
			Resources: resources("50m", "64Mi", "", "128Mi"), VolumeMounts: mounts,
			TerminationMessagePath: corev1.TerminationMessagePathDefault, TerminationMessagePolicy: corev1.TerminationMessageReadFile,
			ImagePullPolicy: corev1.PullIfNotPresent,
		})
	}
	pod := &corev1.Pod{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{
			Name: p.name, Namespace: ns, UID: types.UID(m.podUID(i)), ResourceVersion: strconv.Itoa(100000000 + r.IntN(900000000)),
			CreationTimestamp: metav1.NewTime(created), Labels: s.labels, OwnerReferences: []metav1.OwnerReference{s.owner},
			Annotations: map[string]string{"kubectl.kubernetes.io/default-container": s.app},
		},
		Spec: corev1.PodSpec{
			Volumes:                       []corev1.Volume{tokenVolume(tokenVol)},
			Containers:                    containers,
			RestartPolicy:                 corev1.RestartPolicyAlways,
			TerminationGracePeriodSeconds: ptr.To[int64](30),
			DNSPolicy:                     corev1.DNSClusterFirst,
			ServiceAccountName:            "default",
			DeprecatedServiceAccount:      "default",
			NodeName:                      node.name,
			HostNetwork:                   s.hostNetwork,
			SecurityContext:               &corev1.PodSecurityContext{},
			SchedulerName:                 corev1.DefaultSchedulerName,
			Tolerations: []corev1.Toleration{
				{Key: "node.kubernetes.io/not-ready", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: ptr.To[int64](300)},
				{Key: "node.kubernetes.io/unreachable", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: ptr.To[int64](300)},
			},
			Priority:           ptr.To[int32](0),
			EnableServiceLinks: ptr.To(true),
			PreemptionPolicy:   ptr.To(corev1.PreemptLowerPriority),
		},
		Status: corev1.PodStatus{
			Phase: corev1.PodRunning,
			Conditions: []corev1.PodCondition{
				{Type: "PodReadyToStartContainers", Status: corev1.ConditionTrue, LastTransitionTime: metav1.NewTime(started)},
				{Type: corev1.PodInitialized, Status: corev1.ConditionTrue, LastTransitionTime: metav1.NewTime(created)},
				{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: metav1.NewTime(ready)},
				{Type: corev1.ContainersReady, Status: corev1.ConditionTrue, LastTransitionTime: metav1.NewTime(ready)},
				{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: metav1.NewTime(created)},
			},
			HostIP:    ipv4(node.ip),
			HostIPs:   []corev1.HostIP{{IP: ipv4(node.ip)}},
			PodIP:     ipv4(p.ip),
			PodIPs:    []corev1.PodIP{{IP: ipv4(p.ip)}},
			StartTime: ptr.To(metav1.NewTime(created)),
			QOSClass:  corev1.PodQOSBurstable,
		},
	}
	for _, c := range containers {
		pod.Status.ContainerStatuses = append(pod.Status.ContainerStatuses, corev1.ContainerStatus{
			Name: c.Name, Ready: true, Started: ptr.To(true), Image: c.Image, ImageID: imageID(m, c.Image),
			ContainerID:  "containerd://" + hexString(r, 64),
			State:        corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: metav1.NewTime(started)}},
			VolumeMounts: []corev1.VolumeMountStatus{{Name: tokenVol, MountPath: mounts[0].MountPath, ReadOnly: true, RecursiveReadOnly: ptr.To(corev1.RecursiveReadOnlyDisabled)}},
			User:         &corev1.ContainerUser{Linux: &corev1.LinuxContainerUser{UID: 65532, GID: 65532, SupplementalGroups: []int64{65532}}},
		})
	}
	if s.app == metricsServer {
		m.metricsServerPod(pod)
	}
	return pod
}

// mainContainer is a pod's application container.
func (m *model) mainContainer(r *rand.Rand, s podSpec, mounts []corev1.VolumeMount) corev1.Container {
	c := corev1.Container{
		Name: s.app, Image: s.image,
		Args:  []string{"--port=8080", "--metrics-port=9090", "--log-format=json"},
		Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080, Protocol: corev1.ProtocolTCP}, {Name: "metrics", ContainerPort: 9090, Protocol: corev1.ProtocolTCP}},
		Env: []corev1.EnvVar{
			{Name: "POD_NAME", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.name"}}},
			{Name: "POD_NAMESPACE", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.namespace"}}},
			{Name: "LOG_LEVEL", Value: "info"},
			{Name: "GOMAXPROCS", ValueFrom: &corev1.EnvVarSource{ResourceFieldRef: &corev1.ResourceFieldSelector{Resource: "limits.cpu", Divisor: resource.MustParse("1")}}},
		},
		Resources:    resources("100m", "128Mi", "", "512Mi"),
		VolumeMounts: mounts,
		LivenessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromString("http"), Scheme: corev1.URISchemeHTTP}},
			InitialDelaySeconds: 10, TimeoutSeconds: 1, PeriodSeconds: 10, SuccessThreshold: 1, FailureThreshold: 3},
		ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/readyz", Port: intstr.FromString("http"), Scheme: corev1.URISchemeHTTP}},
			TimeoutSeconds: 1, PeriodSeconds: 5, SuccessThreshold: 1, FailureThreshold: 3},
		TerminationMessagePath: corev1.TerminationMessagePathDefault, TerminationMessagePolicy: corev1.TerminationMessageReadFile,
		ImagePullPolicy: corev1.PullIfNotPresent,
		SecurityContext: &corev1.SecurityContext{AllowPrivilegeEscalation: ptr.To(false), ReadOnlyRootFilesystem: ptr.To(true), RunAsNonRoot: ptr.To(true),
			Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}},
	}
	if r.IntN(4) == 0 {
		c.Env = append(c.Env, corev1.EnvVar{Name: "DATABASE_URL", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: s.app + "-db"}, Key: "url"}}})
	}
	if s.hostNetwork {
		c.Args = []string{"--config=/var/lib/" + s.app + "/config.conf", "--hostname-override=$(NODE_NAME)"}
		c.Ports, c.LivenessProbe, c.ReadinessProbe = nil, nil, nil
		c.SecurityContext = &corev1.SecurityContext{Privileged: ptr.To(true)}
	}
	return c
}

func resources(cpu, mem, cpuLimit, memLimit string) corev1.ResourceRequirements {
	rr := corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse(mem)},
		Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse(memLimit)},
	}
	if cpuLimit != "" {
		rr.Limits[corev1.ResourceCPU] = resource.MustParse(cpuLimit)
	}
	return rr
}

// tokenVolume is the projected service account token volume every pod gets.
func tokenVolume(name string) corev1.Volume {
	return corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{
		Sources: []corev1.VolumeProjection{
			{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{ExpirationSeconds: ptr.To[int64](3607), Path: "token"}},
			{ConfigMap: &corev1.ConfigMapProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "kube-root-ca.crt"}, Items: []corev1.KeyToPath{{Key: "ca.crt", Path: "ca.crt"}}}},
			{DownwardAPI: &corev1.DownwardAPIProjection{Items: []corev1.DownwardAPIVolumeFile{{Path: "namespace", FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.namespace"}}}}},
		},
		DefaultMode: ptr.To[int32](420),
	}}}
}

func imageID(m *model, ref string) string {
	d, ok := m.digests[ref]
	if !ok {
		d = imageDigest(m.seed, ref)
	}
	repo := ref
	for i := len(ref) - 1; i >= 0; i-- {
		if ref[i] == ':' {
			repo = ref[:i]
			break
		}
		if ref[i] == '/' {
			break
		}
	}
	return repo + "@" + d
}
