package synth

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	"github.com/nsbundle/nsbundle/bundle"
)

// guardLabel opts a namespace in to the planted policy webhook.
const guardLabel = "policy.example.com/guard"

// leftConfigMaps are the ConfigMaps the namespace controller could not
// remove from a namespace planted for cause c.
func leftConfigMaps(c Cause) []string {
	switch c {
	case CauseContentFinalizer:
		return []string{"export-config", "retention-policy"}
	case CauseWebhookService:
		return []string{"app-config", "feature-flags", "kube-root-ca.crt"}
	}
	return nil
}

// stuckNamespace makes ns Terminating with the conditions the namespace
// controller writes for st's cause; while the discovery of a group-version
// fails, it fails for every namespace being deleted.
func (m *model) stuckNamespace(ns *corev1.Namespace, st *stuckNS) {
	del := m.ago(st.stuckFor)
	ns.DeletionTimestamp = ptr.To(metav1.NewTime(del))
	ns.Status.Phase = corev1.NamespaceTerminating
	at := metav1.NewTime(del.Add(5 * time.Second))
	c := func(t corev1.NamespaceConditionType, st corev1.ConditionStatus, reason, msg string) corev1.NamespaceCondition {
		return corev1.NamespaceCondition{Type: t, Status: st, Reason: reason, Message: msg, LastTransitionTime: at}
	}
	f, t := corev1.ConditionFalse, corev1.ConditionTrue
	discovery := c(corev1.NamespaceDeletionDiscoveryFailure, f, "ResourcesDiscovered", "All resources successfully discovered")
	if gvs := m.plan.failingGVs(); len(gvs) > 0 {
		var each []string
		for _, gv := range gvs {
			each = append(each, gv+": stale GroupVersion discovery: "+gv)
		}
		discovery = c(corev1.NamespaceDeletionDiscoveryFailure, t, "DiscoveryFailed", "Discovery failed for some groups, "+strconv.Itoa(len(gvs))+
			" failing: unable to retrieve the complete list of server APIs: "+strings.Join(each, ", "))
	}
	content := c(corev1.NamespaceDeletionContentFailure, f, "ContentDeleted", "All content successfully deleted, may be waiting on finalization")
	remaining := c(corev1.NamespaceContentRemaining, f, "ContentRemoved", "All content successfully removed")
	finalizers := c(corev1.NamespaceFinalizersRemaining, f, "ContentHasNoFinalizers", "All content-preserving finalizers finished")
	n := strconv.Itoa(len(leftConfigMaps(st.cause)))
	switch st.cause {
	case CauseContentFinalizer:
		remaining = c(corev1.NamespaceContentRemaining, t, "SomeResourcesRemain", "Some resources are remaining: configmaps. has "+n+" resource instances")
		finalizers = c(corev1.NamespaceFinalizersRemaining, t, "SomeFinalizersRemain",
			"Some content in the namespace has finalizers remaining: "+contentFinalizer+" in "+n+" resource instances")
	case CauseWebhookService:
		ns.Labels[guardLabel] = "enabled"
		content = c(corev1.NamespaceDeletionContentFailure, t, "ContentDeletionFailed",
			`Failed to delete all resource types, 1 remaining: Internal error occurred: failed calling webhook "`+webhookName+`": failed to call webhook: Post "https://`+
				webhookService+"."+m.plan.webhookNS+`.svc:443/validate?timeout=10s": service "`+webhookService+`" not found`)
	case CauseSpecFinalizer:
		// The namespace controller removes "kubernetes" once the content is
		// gone, which failed discovery prevents.
		ns.Spec.Finalizers = []corev1.FinalizerName{specFinalizer}
		if discovery.Status == t {
			ns.Spec.Finalizers = []corev1.FinalizerName{corev1.FinalizerKubernetes, specFinalizer}
		}
	}
	ns.Status.Conditions = []corev1.NamespaceCondition{discovery,
		c(corev1.NamespaceDeletionGVParsingFailure, f, "ParsedGroupVersions", "All legacy kube types successfully parsed"),
		content, remaining, finalizers}
}

// terminatingContent is terminating/<st>.json as collect writes it.
func (m *model) terminatingContent(st *stuckNS) bundle.NamespaceContent {
	out := bundle.NamespaceContent{Namespace: st.name, Resources: []bundle.RemainingContent{}}
	// One entry per group-version whose discovery failed, with the
	// failure collect recorded last (the legacy request's).
	for _, gv := range m.plan.failingGVs() {
		g, v, _ := strings.Cut(gv, "/")
		out.Resources = append(out.Resources, bundle.RemainingContent{Group: g, Version: v,
			Error: "the server is currently unable to handle the request", Status: 503})
	}
	left := leftConfigMaps(st.cause)
	if len(left) == 0 {
		return out
	}
	rc := bundle.RemainingContent{Version: "v1", Resource: "configmaps", Kind: "ConfigMap", Count: len(left)}
	for _, name := range left {
		it := bundle.RemainingItem{Name: name}
		if st.cause == CauseContentFinalizer {
			it.Finalizers = []string{contentFinalizer}
			it.DeletionTimestamp = ptr.To(m.ago(st.stuckFor - 5*time.Second).UTC())
		}
		rc.Items = append(rc.Items, it)
	}
	out.Resources = append([]bundle.RemainingContent{rc}, out.Resources...)
	return out
}

// configMaps renders every ConfigMap, in API order: kube-root-ca.crt of
// each namespace of apps and those left in the planted namespaces.
func (m *model) configMaps(apps []int) []any {
	type cm struct {
		ns, name string
		item     any
	}
	var all []cm
	for _, i := range apps {
		all = append(all, cm{m.namespaces[i].name, "kube-root-ca.crt", m.rootCA(i)})
	}
	for k, st := range m.plan.stuck {
		for j, name := range leftConfigMaps(st.cause) {
			all = append(all, cm{st.name, name, m.leftConfigMap(&m.plan.stuck[k], name, j)})
		}
	}
	slices.SortStableFunc(all, func(a, b cm) int { return cmp.Or(cmp.Compare(a.ns, b.ns), cmp.Compare(a.name, b.name)) })
	out := make([]any, len(all))
	for i, c := range all {
		out[i] = c.item
	}
	return out
}

// leftConfigMap renders ConfigMap name, number j left in namespace st.
func (m *model) leftConfigMap(st *stuckNS, name string, j int) map[string]any {
	ns := m.nsIndex(st.name)
	meta := metav1.ObjectMeta{Name: name, Namespace: st.name, UID: types.UID(m.uidOf(streamNamespace, 4000000+int(ns)*8+j)),
		ResourceVersion: strconv.Itoa(925000000 + int(ns)*8 + j), CreationTimestamp: metav1.NewTime(m.namespaces[ns].created)}
	data := map[string]string{"config.yaml": ""}
	if name == "kube-root-ca.crt" {
		data = map[string]string{"ca.crt": ""}
	}
	if st.cause == CauseContentFinalizer {
		meta.Finalizers = []string{contentFinalizer}
		meta.DeletionTimestamp = ptr.To(metav1.NewTime(m.ago(st.stuckFor - 5*time.Second)))
		meta.DeletionGracePeriodSeconds = ptr.To[int64](0)
	}
	return map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data}
}

// guardWebhook is the planted policy webhook: it validates ConfigMap
// deletes in the namespaces labelled guardLabel, failurePolicy Fail, and
// its Service is gone.
func (m *model) guardWebhook() *admissionv1.ValidatingWebhookConfiguration {
	return &admissionv1.ValidatingWebhookConfiguration{
		TypeMeta: metav1.TypeMeta{APIVersion: "admissionregistration.k8s.io/v1", Kind: "ValidatingWebhookConfiguration"},
		ObjectMeta: metav1.ObjectMeta{Name: webhookConfig, UID: types.UID(m.uidOf(streamMisc, 13)), Generation: 1,
			CreationTimestamp: metav1.NewTime(m.ago(150 * 24 * time.Hour)),
			Labels:            map[string]string{"app.kubernetes.io/name": "policy-guard", "app.kubernetes.io/managed-by": "Helm"}},
		Webhooks: []admissionv1.ValidatingWebhook{{Name: webhookName,
			ClientConfig: admissionv1.WebhookClientConfig{Service: &admissionv1.ServiceReference{Namespace: m.plan.webhookNS, Name: webhookService,
				Path: ptr.To("/validate"), Port: ptr.To[int32](443)}, CABundle: []byte("-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIRApolicy\n-----END CERTIFICATE-----\n")},
			Rules: []admissionv1.RuleWithOperations{{Operations: []admissionv1.OperationType{admissionv1.Delete},
				Rule: admissionv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"configmaps"}, Scope: ptr.To(admissionv1.AllScopes)}}},
			FailurePolicy: ptr.To(admissionv1.Fail), MatchPolicy: ptr.To(admissionv1.Equivalent), SideEffects: ptr.To(admissionv1.SideEffectClassNone),
			TimeoutSeconds: ptr.To[int32](10), AdmissionReviewVersions: []string{"v1"},
			NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{guardLabel: "enabled"}},
			ObjectSelector:    &metav1.LabelSelector{}}},
	}
}
