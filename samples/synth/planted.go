package synth

import (
	"fmt"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
)

// Timing of the controller-manager crash loop, before collection.
const (
	kcmRuns        = 3
	kcmRunInterval = 2*time.Minute + 13*time.Second
	kcmAcquireWait = 16 * time.Second
	// kcmLastStart is when the last run acquired the lease; it exited at
	// once, so the lease was renewed no later: stale by collection time.
	kcmLastStart = 54 * time.Second
	kcmLastRenew = kcmLastStart
	// kcmHealthyFor is how long a healthy controller-manager has held
	// its lease.
	kcmHealthyFor = 19*24*time.Hour + 7*time.Hour
	// stuckFor is how long the classic plan's analytics has been
	// Terminating.
	stuckFor = 26 * time.Hour
)

// kcmIdentity is the uuid of run k of kube-controller-manager (a new one
// per process).
func (m *model) kcmIdentity(k int) string { return uid(m.rng(streamMisc, 9000+k)) }

// badFlag is the mistyped flag metrics-server exits on.
const badFlag = "--kubelet-insecure-tls-verify"

// metricsServerPod makes pod metrics-server's: its flags, port, probes and
// priority; planted, it crash-loops on a mistyped flag.
func (m *model) metricsServerPod(pod *corev1.Pod) {
	c := &pod.Spec.Containers[0]
	c.Args = []string{"--cert-dir=/tmp", "--secure-port=10250", "--kubelet-preferred-address-types=InternalIP", badFlag, "--metric-resolution=15s"}
	if !m.plan.has(CauseMetricsCrashLoop) {
		c.Args = slices.Delete(c.Args, 3, 4)
	}
	c.Ports = []corev1.ContainerPort{{Name: "https", ContainerPort: 10250, Protocol: corev1.ProtocolTCP}}
	c.LivenessProbe.HTTPGet.Path, c.LivenessProbe.HTTPGet.Port.StrVal, c.LivenessProbe.HTTPGet.Scheme = "/livez", "https", corev1.URISchemeHTTPS
	c.ReadinessProbe.HTTPGet.Path, c.ReadinessProbe.HTTPGet.Port.StrVal, c.ReadinessProbe.HTTPGet.Scheme = "/readyz", "https", corev1.URISchemeHTTPS
	pod.Spec.ServiceAccountName, pod.Spec.DeprecatedServiceAccount = metricsServer, metricsServer
	pod.Spec.PriorityClassName = "system-cluster-critical"
	pod.Spec.Priority = ptr.To[int32](2000000000)
	if !m.plan.has(CauseMetricsCrashLoop) {
		return
	}
	notReady := func(t corev1.PodConditionType) corev1.PodCondition {
		return corev1.PodCondition{Type: t, Status: corev1.ConditionFalse, Reason: "ContainersNotReady",
			Message: "containers with unready status: [" + metricsServer + "]", LastTransitionTime: metav1.NewTime(m.ago(35 * time.Hour))}
	}
	pod.Status.Conditions[2] = notReady(corev1.PodReady)
	pod.Status.Conditions[3] = notReady(corev1.ContainersReady)
	cs := &pod.Status.ContainerStatuses[0]
	cs.Ready, cs.Started, cs.RestartCount = false, ptr.To(false), 412
	cs.State = corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff",
		Message: "back-off 5m0s restarting failed container=" + metricsServer + " pod=" + pod.Name + "_" + pod.Namespace + "(" + string(pod.UID) + ")"}}
	cs.LastTerminationState = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 1, Reason: "Error",
		StartedAt: metav1.NewTime(m.ago(4 * time.Minute)), FinishedAt: metav1.NewTime(m.ago(4*time.Minute - time.Second)),
		ContainerID: cs.ContainerID}}
}

// metricsAvailable is the Available condition of v1beta1.metrics.k8s.io.
func (m *model) metricsAvailable() map[string]any {
	if !m.plan.has(CauseMetricsCrashLoop) {
		return map[string]any{"type": "Available", "status": "True", "reason": "Passed", "message": "all checks passed",
			"lastTransitionTime": m.deploys[m.metricsDeploy()].created.Add(time.Minute).Format(time.RFC3339)}
	}
	return map[string]any{"type": "Available", "status": "False", "reason": "MissingEndpoints",
		"message":            `endpointslices for service/metrics-server in "kube-system" have no addresses with port name "https"`,
		"lastTransitionTime": m.ago(35 * time.Hour).Format(time.RFC3339)}
}

// pendingClaim is billing/data-ledger-db-0, Pending since the
// controller-manager (whose PV binder would provision it) went down.
func (m *model) pendingClaim() *corev1.PersistentVolumeClaim {
	return &corev1.PersistentVolumeClaim{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "PersistentVolumeClaim"},
		ObjectMeta: metav1.ObjectMeta{Name: pendingPVC, Namespace: nsPVC, UID: types.UID(m.uidOf(streamMisc, 42)), ResourceVersion: "939999999",
			CreationTimestamp: metav1.NewTime(m.ago(47 * time.Minute)), Finalizers: []string{"kubernetes.io/pvc-protection"},
			Labels: map[string]string{"app.kubernetes.io/name": "ledger-db"}},
		Spec: corev1.PersistentVolumeClaimSpec{AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources:        corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("50Gi")}},
			StorageClassName: ptr.To("gp3"), VolumeMode: ptr.To(corev1.PersistentVolumeFilesystem)},
		Status: corev1.PersistentVolumeClaimStatus{Phase: corev1.ClaimPending},
	}
}

// klogTime formats t as a klog header timestamp.
func klogTime(sev byte, t time.Time, file string) string {
	return fmt.Sprintf("%c%s       1 %s] ", sev, t.UTC().Format("0102 15:04:05.000000"), file)
}

// kcmLog is kube-controller-manager's log: kcmRuns start-ups that each
// acquire the lease, fail on the deleted ClusterRole and exit.
func (m *model) kcmLog() []byte {
	if !m.plan.has(CauseKCMClusterRole) {
		return m.kcmHealthyLog()
	}
	var b strings.Builder
	controllers := []string{"serviceaccount-token-controller", "namespace-controller", "garbage-collector-controller"}
	forbidden := func(c string) string {
		return `serviceaccounts \"` + c + `\" is forbidden: User \"system:kube-controller-manager\" cannot get resource \"serviceaccounts\" in API group \"\" in the namespace \"kube-system\": rbac: RBAC: clusterrole.rbac.authorization.k8s.io \"system:kube-controller-manager\" not found`
	}
	for k := range kcmRuns {
		acquired := m.now.Add(-kcmLastStart - time.Duration(kcmRuns-1-k)*kcmRunInterval)
		start := acquired.Add(-kcmAcquireWait)
		c := controllers[k%len(controllers)]
		id := "cp-2_" + m.kcmIdentity(k)
		lines := []struct {
			sev  byte
			at   time.Duration
			file string
			msg  string
		}{
			{'I', 0, "serving.go:386", `"Generated self-signed cert in-memory"`},
			{'I', 480 * time.Millisecond, "controllermanager.go:196", `"Starting" version="` + gitVersion + `"`},
			{'I', 481 * time.Millisecond, "controllermanager.go:198", `"Golang settings" GOGC="" GOMAXPROCS="" GOTRACEBACK=""`},
			{'I', 485 * time.Millisecond, "secure_serving.go:211", `"Serving securely on 127.0.0.1:10257"`},
			{'I', 486 * time.Millisecond, "leaderelection.go:257", `"Attempting to acquire leader lease..." lock="kube-system/kube-controller-manager"`},
			{'I', kcmAcquireWait, "leaderelection.go:271", `"Successfully acquired lease" lock="kube-system/kube-controller-manager"`},
			{'I', kcmAcquireWait + time.Millisecond, "event.go:389", `"Event occurred" object="kube-system/kube-controller-manager" fieldPath="" kind="Lease" apiVersion="coordination.k8s.io/v1" type="Normal" reason="LeaderElection" message="` + id + ` became leader"`},
			{'E', kcmAcquireWait + 15*time.Millisecond, "controllermanager.go:789", `"Error initializing a controller" err="failed to create Kubernetes client config for \"` + c + `\": ` + forbidden(c) + `" controller="` + c + `"`},
			{'E', kcmAcquireWait + 16*time.Millisecond, "controllermanager.go:330", `"Error building controllers" err="failed to create Kubernetes client config for \"` + c + `\": ` + forbidden(c) + `"`},
			{'E', kcmAcquireWait + 17*time.Millisecond, "event.go:368", `"Server rejected event (will not retry!)" err="events is forbidden: User \"system:kube-controller-manager\" cannot create resource \"events\" in API group \"\" in the namespace \"kube-system\": rbac: RBAC: clusterrole.rbac.authorization.k8s.io \"system:kube-controller-manager\" not found"`},
			{'E', kcmAcquireWait + 18*time.Millisecond, "controllermanager.go:344", `"leaderelection lost/stopped"`},
		}
		for _, l := range lines {
			b.WriteString(klogTime(l.sev, start.Add(l.at), l.file))
			b.WriteString(l.msg)
			b.WriteByte('\n')
		}
	}
	return []byte(b.String())
}

// metricsLog is the previous log of the crash-looping metrics-server.
func (m *model) metricsLog() []byte {
	return []byte("Error: unknown flag: " + badFlag + "\nUsage:\n   [flags]\n\n" +
		"      --cert-dir string   The directory where the TLS certs are located.\n" +
		"      --kubelet-insecure-tls   Do not verify CA of serving certificates presented by Kubelets.  For testing purposes only.\n\n" +
		klogTime('E', m.ago(4*time.Minute-time.Second), "run.go:74") + `"command failed" err="unknown flag: ` + badFlag + `"` + "\n")
}

// kcmHealthyLog is the log of a controller-manager that started once,
// kcmHealthyFor ago, and runs.
func (m *model) kcmHealthyLog() []byte {
	var b strings.Builder
	start := m.now.Add(-kcmHealthyFor - kcmAcquireWait)
	id := "cp-1_" + m.kcmIdentity(0)
	lines := []struct {
		at   time.Duration
		file string
		msg  string
	}{
		{0, "serving.go:386", `"Generated self-signed cert in-memory"`},
		{480 * time.Millisecond, "controllermanager.go:196", `"Starting" version="` + gitVersion + `"`},
		{485 * time.Millisecond, "secure_serving.go:211", `"Serving securely on 127.0.0.1:10257"`},
		{486 * time.Millisecond, "leaderelection.go:257", `"Attempting to acquire leader lease..." lock="kube-system/kube-controller-manager"`},
		{kcmAcquireWait, "leaderelection.go:271", `"Successfully acquired lease" lock="kube-system/kube-controller-manager"`},
		{kcmAcquireWait + time.Millisecond, "event.go:389", `"Event occurred" object="kube-system/kube-controller-manager" fieldPath="" kind="Lease" apiVersion="coordination.k8s.io/v1" type="Normal" reason="LeaderElection" message="` + id + ` became leader"`},
		{kcmAcquireWait + 40*time.Millisecond, "controllermanager.go:797", `"Started controller" controller="serviceaccount-token-controller"`},
		{kcmAcquireWait + 90*time.Millisecond, "controllermanager.go:797", `"Started controller" controller="namespace-controller"`},
		{kcmAcquireWait + 130*time.Millisecond, "controllermanager.go:797", `"Started controller" controller="garbage-collector-controller"`},
		{kcmAcquireWait + 31*time.Second, "shared_informer.go:320", `"Caches are synced" controller="garbage collector"`},
	}
	for _, l := range lines {
		b.WriteString(klogTime('I', start.Add(l.at), l.file))
		b.WriteString(l.msg)
		b.WriteByte('\n')
	}
	return []byte(b.String())
}
