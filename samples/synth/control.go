package synth

import (
	"strconv"
	"time"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
)

// namespace renders namespace i (the planted ones Terminating).
func (m *model) namespace(i int) *corev1.Namespace {
	r := m.rng(streamNamespace, i)
	n := m.namespaces[i]
	ns := &corev1.Namespace{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"},
		ObjectMeta: metav1.ObjectMeta{Name: n.name, UID: types.UID(uid(r)), ResourceVersion: strconv.Itoa(900000000 + i),
			CreationTimestamp: metav1.NewTime(n.created), Labels: map[string]string{"kubernetes.io/metadata.name": n.name}},
		Spec:   corev1.NamespaceSpec{Finalizers: []corev1.FinalizerName{corev1.FinalizerKubernetes}},
		Status: corev1.NamespaceStatus{Phase: corev1.NamespaceActive},
	}
	if !n.system {
		ns.Labels["team"] = n.team
		ns.Labels["pod-security.kubernetes.io/enforce"] = "baseline"
	}
	if st := m.plan.stuckOf(n.name); st != nil {
		m.stuckNamespace(ns, st)
	}
	return ns
}

// serviceAccount renders the default ServiceAccount of namespace i.
func (m *model) serviceAccount(i int) *corev1.ServiceAccount {
	r := m.rng(streamNamespace, 1000000+i)
	n := m.namespaces[i]
	return &corev1.ServiceAccount{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"},
		ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: n.name, UID: types.UID(uid(r)), ResourceVersion: strconv.Itoa(910000000 + i),
			CreationTimestamp: metav1.NewTime(n.created)},
	}
}

// rootCA renders namespace i's kube-root-ca.crt ConfigMap as collect writes
// ConfigMaps: key names only.
func (m *model) rootCA(i int) map[string]any {
	r := m.rng(streamNamespace, 2000000+i)
	n := m.namespaces[i]
	return map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap", "data": map[string]string{"ca.crt": ""},
		"metadata": metav1.ObjectMeta{Name: "kube-root-ca.crt", Namespace: n.name, UID: types.UID(uid(r)), ResourceVersion: strconv.Itoa(920000000 + i),
			CreationTimestamp: metav1.NewTime(n.created), Annotations: map[string]string{"kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."}},
	}
}

// claims renders PersistentVolumeClaims (one per 50 pods, Bound) and the
// planted Pending one, with the volumes of the bound ones.
func (m *model) claims() ([]*corev1.PersistentVolumeClaim, []*corev1.PersistentVolume) {
	var pvcs []*corev1.PersistentVolumeClaim
	var pvs []*corev1.PersistentVolume
	r := m.rng(streamMisc, 3)
	for k := 0; k < len(m.deploys); k += 1 + len(m.deploys)/(1+m.o.Size.Pods/50) {
		d := m.deploys[k]
		if d.system {
			continue
		}
		name := "data-" + d.name
		pvName := "pvc-" + uid(r)
		size := resource.MustParse(strconv.Itoa(10*(1+r.IntN(10))) + "Gi")
		pvcs = append(pvcs, &corev1.PersistentVolumeClaim{
			TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "PersistentVolumeClaim"},
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: d.ns, UID: types.UID(pvName[4:]), ResourceVersion: strconv.Itoa(930000000 + k),
				CreationTimestamp: metav1.NewTime(d.created), Finalizers: []string{"kubernetes.io/pvc-protection"},
				Annotations: map[string]string{"pv.kubernetes.io/bind-completed": "yes", "pv.kubernetes.io/bound-by-controller": "yes",
					"volume.beta.kubernetes.io/storage-provisioner": "ebs.csi.aws.com", "volume.kubernetes.io/storage-provisioner": "ebs.csi.aws.com"}},
			Spec: corev1.PersistentVolumeClaimSpec{AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
				Resources:        corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: size}},
				StorageClassName: ptr.To("gp3"), VolumeName: pvName, VolumeMode: ptr.To(corev1.PersistentVolumeFilesystem)},
			Status: corev1.PersistentVolumeClaimStatus{Phase: corev1.ClaimBound, AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
				Capacity: corev1.ResourceList{corev1.ResourceStorage: size}},
		})
		pvs = append(pvs, &corev1.PersistentVolume{
			TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "PersistentVolume"},
			ObjectMeta: metav1.ObjectMeta{Name: pvName, UID: types.UID(uid(r)), ResourceVersion: strconv.Itoa(940000000 + k),
				CreationTimestamp: metav1.NewTime(d.created), Finalizers: []string{"external-provisioner.volume.kubernetes.io/finalizer", "kubernetes.io/pv-protection"},
				Annotations: map[string]string{"pv.kubernetes.io/provisioned-by": "ebs.csi.aws.com", "volume.kubernetes.io/provisioner-deletion-secret-name": "",
					"volume.kubernetes.io/provisioner-deletion-secret-namespace": ""}},
			Spec: corev1.PersistentVolumeSpec{Capacity: corev1.ResourceList{corev1.ResourceStorage: size},
				PersistentVolumeSource: corev1.PersistentVolumeSource{CSI: &corev1.CSIPersistentVolumeSource{Driver: "ebs.csi.aws.com", FSType: "ext4",
					VolumeHandle: "vol-0" + hexString(r, 16), VolumeAttributes: map[string]string{"storage.kubernetes.io/csiProvisionerIdentity": "1731000000000-4197-ebs.csi.aws.com"}}},
				AccessModes:                   []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
				ClaimRef:                      &corev1.ObjectReference{Kind: "PersistentVolumeClaim", Namespace: d.ns, Name: name, UID: types.UID(pvName[4:]), APIVersion: "v1"},
				PersistentVolumeReclaimPolicy: corev1.PersistentVolumeReclaimDelete, StorageClassName: "gp3", VolumeMode: ptr.To(corev1.PersistentVolumeFilesystem)},
			Status: corev1.PersistentVolumeStatus{Phase: corev1.VolumeBound, LastPhaseTransitionTime: ptr.To(metav1.NewTime(d.created))},
		})
	}
	if m.plan.has(CauseKCMClusterRole) {
		pvcs = append(pvcs, m.pendingClaim())
	}
	return pvcs, pvs
}

// storageClasses and priorityClasses are the cluster defaults.
func (m *model) storageClasses() []*storagev1.StorageClass {
	return []*storagev1.StorageClass{{
		TypeMeta: metav1.TypeMeta{APIVersion: "storage.k8s.io/v1", Kind: "StorageClass"},
		ObjectMeta: metav1.ObjectMeta{Name: "gp3", UID: types.UID(m.uidOf(streamMisc, 1)), CreationTimestamp: metav1.NewTime(m.ago(400 * 24 * time.Hour)),
			Annotations: map[string]string{"storageclass.kubernetes.io/is-default-class": "true"}},
		Provisioner: "ebs.csi.aws.com", Parameters: map[string]string{"type": "gp3", "encrypted": "true"},
		ReclaimPolicy: ptr.To(corev1.PersistentVolumeReclaimDelete), VolumeBindingMode: ptr.To(storagev1.VolumeBindingImmediate),
		AllowVolumeExpansion: ptr.To(true),
	}}
}

func (m *model) priorityClasses() []*schedulingv1.PriorityClass {
	pc := func(name string, v int32, desc string) *schedulingv1.PriorityClass {
		return &schedulingv1.PriorityClass{TypeMeta: metav1.TypeMeta{APIVersion: "scheduling.k8s.io/v1", Kind: "PriorityClass"},
			ObjectMeta: metav1.ObjectMeta{Name: name, UID: types.UID(m.uidOf(streamMisc, int(v%1000))), CreationTimestamp: metav1.NewTime(m.ago(400 * 24 * time.Hour))},
			Value:      v, Description: desc, PreemptionPolicy: ptr.To(corev1.PreemptLowerPriority)}
	}
	return []*schedulingv1.PriorityClass{
		pc("system-cluster-critical", 2000000000, "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."),
		pc("system-node-critical", 2000001000, "Used for system critical pods that must not be moved from their current node."),
	}
}

// webhooks are two healthy admission webhooks (a policy engine and a
// certificate manager), Failure policy Fail, their Services present.
func (m *model) webhooks() ([]*admissionv1.ValidatingWebhookConfiguration, []*admissionv1.MutatingWebhookConfiguration) {
	cc := func(ns, name, path string) admissionv1.WebhookClientConfig {
		return admissionv1.WebhookClientConfig{Service: &admissionv1.ServiceReference{Namespace: ns, Name: name, Path: ptr.To(path), Port: ptr.To[int32](443)},
			CABundle: []byte("-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIRAsynthetic\n-----END CERTIFICATE-----\n")}
	}
	rules := []admissionv1.RuleWithOperations{{Operations: []admissionv1.OperationType{admissionv1.Create, admissionv1.Update},
		Rule: admissionv1.Rule{APIGroups: []string{"*"}, APIVersions: []string{"*"}, Resources: []string{"pods", "deployments"}, Scope: ptr.To(admissionv1.AllScopes)}}}
	fail := ptr.To(admissionv1.Fail)
	v := &admissionv1.ValidatingWebhookConfiguration{
		TypeMeta:   metav1.TypeMeta{APIVersion: "admissionregistration.k8s.io/v1", Kind: "ValidatingWebhookConfiguration"},
		ObjectMeta: metav1.ObjectMeta{Name: "policy-validating", UID: types.UID(m.uidOf(streamMisc, 11)), CreationTimestamp: metav1.NewTime(m.ago(300 * 24 * time.Hour))},
		Webhooks: []admissionv1.ValidatingWebhook{{Name: "validate.policy.example.com", ClientConfig: cc("kube-system", "coredns", "/validate"),
			Rules: rules, FailurePolicy: ptr.To(admissionv1.Ignore), SideEffects: ptr.To(admissionv1.SideEffectClassNone), TimeoutSeconds: ptr.To[int32](10),
			AdmissionReviewVersions: []string{"v1"}, MatchPolicy: ptr.To(admissionv1.Equivalent),
			NamespaceSelector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "kubernetes.io/metadata.name", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"kube-system"}}}}}},
	}
	mu := &admissionv1.MutatingWebhookConfiguration{
		TypeMeta:   metav1.TypeMeta{APIVersion: "admissionregistration.k8s.io/v1", Kind: "MutatingWebhookConfiguration"},
		ObjectMeta: metav1.ObjectMeta{Name: "sidecar-injector", UID: types.UID(m.uidOf(streamMisc, 12)), CreationTimestamp: metav1.NewTime(m.ago(300 * 24 * time.Hour))},
		Webhooks: []admissionv1.MutatingWebhook{{Name: "inject.sidecar.example.com", ClientConfig: cc("kube-system", "coredns", "/inject"),
			Rules: rules, FailurePolicy: fail, SideEffects: ptr.To(admissionv1.SideEffectClassNone), TimeoutSeconds: ptr.To[int32](10),
			AdmissionReviewVersions: []string{"v1"}, ReinvocationPolicy: ptr.To(admissionv1.NeverReinvocationPolicy),
			ObjectSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"sidecar.example.com/inject": "true"}}}},
	}
	vs := []*admissionv1.ValidatingWebhookConfiguration{v}
	if m.plan.has(CauseWebhookService) {
		vs = []*admissionv1.ValidatingWebhookConfiguration{m.guardWebhook(), v} // API order: policy-guard, policy-validating
	}
	return vs, []*admissionv1.MutatingWebhookConfiguration{mu}
}
