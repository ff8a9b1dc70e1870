package synth

import (
	"strconv"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

// template is the pod template of Deployment d.
func (m *model) template(d int) corev1.PodTemplateSpec {
	dp := m.deploys[d]
	var s podSpec
	if dp.replicas == 0 {
		// No pod of its own: firstPod may be past the last pod.
		s = podSpec{app: dp.app, image: images[dp.image].repo + ":" + images[dp.image].tag}
	} else {
		s = m.specOf(dp.firstPod)
	}
	labels := m.podLabels(d)
	delete(labels, "pod-template-hash")
	c := m.mainContainer(m.rng(streamDeploy, d), s, nil)
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: labels, Annotations: map[string]string{"kubectl.kubernetes.io/restartedAt": dp.created.Format(time.RFC3339)}},
		Spec: corev1.PodSpec{
			Containers: []corev1.Container{c}, RestartPolicy: corev1.RestartPolicyAlways,
			TerminationGracePeriodSeconds: ptr.To[int64](30), DNSPolicy: corev1.DNSClusterFirst,
			SecurityContext: &corev1.PodSecurityContext{}, SchedulerName: corev1.DefaultSchedulerName,
		},
	}
}

// deployment renders Deployment d.
func (m *model) deployment(d int) *appsv1.Deployment {
	dp := m.deploys[d]
	n := int32(dp.replicas)
	ready := n
	if dp.app == metricsServer && m.plan.has(CauseMetricsCrashLoop) {
		ready = 0
	}
	cond := func(t appsv1.DeploymentConditionType, st corev1.ConditionStatus, reason, msg string) appsv1.DeploymentCondition {
		at := metav1.NewTime(dp.created.Add(time.Minute))
		return appsv1.DeploymentCondition{Type: t, Status: st, Reason: reason, Message: msg, LastUpdateTime: at, LastTransitionTime: at}
	}
	avail := cond(appsv1.DeploymentAvailable, corev1.ConditionTrue, "MinimumReplicasAvailable", "Deployment has minimum availability.")
	if ready < n {
		avail = cond(appsv1.DeploymentAvailable, corev1.ConditionFalse, "MinimumReplicasUnavailable", "Deployment does not have minimum availability.")
	}
	return &appsv1.Deployment{
		TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{Name: dp.name, Namespace: dp.ns, UID: types.UID(m.uidOf(streamDeploy, 2*d+1)),
			ResourceVersion: strconv.Itoa(50000000 + d), Generation: 3, CreationTimestamp: metav1.NewTime(dp.created),
			Labels:      map[string]string{"app.kubernetes.io/name": dp.name, "app.kubernetes.io/managed-by": "Helm", "helm.sh/chart": dp.app + "-1.4.2"},
			Annotations: map[string]string{"deployment.kubernetes.io/revision": "3", "meta.helm.sh/release-name": dp.name, "meta.helm.sh/release-namespace": dp.ns}},
		Spec: appsv1.DeploymentSpec{
			Replicas: &n, Selector: &metav1.LabelSelector{MatchLabels: m.selectorOf(d)}, Template: m.template(d),
			Strategy: appsv1.DeploymentStrategy{Type: appsv1.RollingUpdateDeploymentStrategyType, RollingUpdate: &appsv1.RollingUpdateDeployment{
				MaxUnavailable: ptr.To(intstr.FromString("25%")), MaxSurge: ptr.To(intstr.FromString("25%"))}},
			RevisionHistoryLimit: ptr.To[int32](10), ProgressDeadlineSeconds: ptr.To[int32](600),
		},
		Status: appsv1.DeploymentStatus{
			ObservedGeneration: 3, Replicas: n, UpdatedReplicas: n, ReadyReplicas: ready, AvailableReplicas: ready, UnavailableReplicas: n - ready,
			Conditions: []appsv1.DeploymentCondition{avail,
				cond(appsv1.DeploymentProgressing, corev1.ConditionTrue, "NewReplicaSetAvailable", "ReplicaSet \""+dp.name+"-"+dp.hash+"\" has successfully progressed.")},
		},
	}
}

// replicaSets renders the current (and maybe an old, scaled-down)
// ReplicaSet of Deployment d.
func (m *model) replicaSets(d int) []*appsv1.ReplicaSet {
	dp := m.deploys[d]
	mk := func(hash string, replicas int32, rev string, uidIdx int) *appsv1.ReplicaSet {
		labels := m.podLabels(d)
		labels["pod-template-hash"] = hash
		tpl := m.template(d)
		tpl.Labels = labels
		sel := m.selectorOf(d)
		sel["pod-template-hash"] = hash
		ready := replicas
		if dp.app == metricsServer && m.plan.has(CauseMetricsCrashLoop) {
			ready = 0
		}
		return &appsv1.ReplicaSet{
			TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "ReplicaSet"},
			ObjectMeta: metav1.ObjectMeta{Name: dp.name + "-" + hash, Namespace: dp.ns, UID: types.UID(m.uidOf(streamDeploy, uidIdx)),
				ResourceVersion: strconv.Itoa(60000000 + uidIdx), Generation: 1, CreationTimestamp: metav1.NewTime(dp.created), Labels: labels,
				Annotations: map[string]string{"deployment.kubernetes.io/desired-replicas": strconv.Itoa(dp.replicas),
					"deployment.kubernetes.io/max-replicas": strconv.Itoa(dp.replicas + 1), "deployment.kubernetes.io/revision": rev},
				OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "Deployment", Name: dp.name,
					UID: types.UID(m.uidOf(streamDeploy, 2*d+1)), Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true)}}},
			Spec:   appsv1.ReplicaSetSpec{Replicas: &replicas, Selector: &metav1.LabelSelector{MatchLabels: sel}, Template: tpl},
			Status: appsv1.ReplicaSetStatus{Replicas: replicas, FullyLabeledReplicas: replicas, ReadyReplicas: ready, AvailableReplicas: ready, ObservedGeneration: 1},
		}
	}
	out := []*appsv1.ReplicaSet{mk(dp.hash, int32(dp.replicas), "3", 2*d)}
	if dp.oldHash != "" {
		out = append(out, mk(dp.oldHash, 0, "2", 10000000+d))
	}
	return out
}

// daemonSet renders DaemonSet i.
func (m *model) daemonSet(i int) *appsv1.DaemonSet {
	d := m.daemons[i]
	s := m.specOf(d.firstPod)
	n := int32(len(m.nodes))
	c := m.mainContainer(m.rng(streamDeploy, 100000000+i), s, nil)
	return &appsv1.DaemonSet{
		TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "DaemonSet"},
		ObjectMeta: metav1.ObjectMeta{Name: d.name, Namespace: d.ns, UID: types.UID(m.uidOf(streamDeploy, 100000001+i)), Generation: 3,
			ResourceVersion: strconv.Itoa(70000000 + i), CreationTimestamp: metav1.NewTime(m.ago(400 * 24 * time.Hour)), Labels: map[string]string{"k8s-app": d.name}},
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"k8s-app": d.name}},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"k8s-app": d.name}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{c}, HostNetwork: true, PriorityClassName: "system-node-critical",
					Tolerations: []corev1.Toleration{{Operator: corev1.TolerationOpExists}}}},
			UpdateStrategy: appsv1.DaemonSetUpdateStrategy{Type: appsv1.RollingUpdateDaemonSetStrategyType},
		},
		Status: appsv1.DaemonSetStatus{CurrentNumberScheduled: n, DesiredNumberScheduled: n, NumberReady: n, NumberAvailable: n, UpdatedNumberScheduled: n, ObservedGeneration: 3},
	}
}
