package lab

import (
	"context"
	"fmt"
	"time"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/utils/ptr"
)

// CRDsGVR is apiextensions.k8s.io/v1 customresourcedefinitions.
var CRDsGVR = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// widgetsGVR is the lab's custom resource at its storage version.
var widgetsGVR = schema.GroupVersionResource{Group: "example.com", Version: "v1", Resource: "widgets"}

// ScenarioAdmissionWebhook: a ValidatingWebhookConfiguration with
// failurePolicy Fail matches DELETE of configmaps, but its Service
// webhook-system/policy-webhook does not exist; the namespace controller's
// deletes fail, so namespace frontend stays Terminating with
// NamespaceDeletionContentFailure.
func (c *Cluster) ScenarioAdmissionWebhook(ctx context.Context) (*ScenarioInfo, error) {
	const name = "frontend"
	info := c.newInfo("admission-webhook",
		"validating webhook configmap-guard.policy.example.com (failurePolicy Fail) matches DELETE configmaps but its Service is missing; namespace frontend stuck Terminating",
		name)
	if err := c.EnsureNamespace(ctx, "webhook-system", nil); err != nil {
		return nil, err
	}
	if err := c.FillNamespace(ctx, name); err != nil {
		return nil, err
	}
	fail, none := admissionv1.Fail, admissionv1.SideEffectClassNone
	vwc := &admissionv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: "policy.example.com"},
		Webhooks: []admissionv1.ValidatingWebhook{{
			Name: "configmap-guard.policy.example.com",
			ClientConfig: admissionv1.WebhookClientConfig{Service: &admissionv1.ServiceReference{
				Namespace: "webhook-system", Name: "policy-webhook", Path: ptr.To("/validate"), Port: ptr.To[int32](443)}},
			Rules: []admissionv1.RuleWithOperations{{
				Operations: []admissionv1.OperationType{admissionv1.Delete},
				Rule:       admissionv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"configmaps"}},
			}},
			NamespaceSelector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{
				Key: "kubernetes.io/metadata.name", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"kube-system", "webhook-system"}}}},
			FailurePolicy: &fail, SideEffects: &none, AdmissionReviewVersions: []string{"v1"},
		}},
	}
	if _, err := c.Client.AdmissionregistrationV1().ValidatingWebhookConfigurations().Create(ctx, vwc, createOpts); err != nil {
		return nil, err
	}
	if err := c.DeleteNamespace(ctx, name); err != nil {
		return nil, err
	}
	cond, err := c.WaitNamespaceCondition(ctx, name, corev1.NamespaceDeletionContentFailure, corev1.ConditionTrue, "ContentDeletionFailed", "failed calling webhook", 2*time.Minute)
	if err != nil {
		return nil, err
	}
	info.saw("namespace/%s %s", name, describeCondition(cond))
	return info, nil
}

// ScenarioConversionWebhook: CRD widgets.example.com serves v1 (storage) and
// v2 with a conversion webhook whose Service is missing; Widgets stored at v1
// exist in namespace inventory, so the namespace controller's v2 requests
// need a conversion that fails, and the deleted namespace stays Terminating.
func (c *Cluster) ScenarioConversionWebhook(ctx context.Context) (*ScenarioInfo, error) {
	const name = "inventory"
	info := c.newInfo("conversion-webhook",
		"CRD widgets.example.com converts through webhook Service conversion-system/widget-converter, which is missing; Widgets stored at v1 in namespace inventory cannot be listed at v2; namespace stuck Terminating",
		name)
	if err := c.widgetCRD(ctx); err != nil {
		return nil, err
	}
	if err := c.FillNamespace(ctx, name); err != nil {
		return nil, err
	}
	for _, w := range []string{"gear", "sprocket"} {
		obj := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "example.com/v1", "kind": "Widget",
			"metadata": map[string]any{"name": w, "namespace": name},
			"spec":     map[string]any{"size": "large"},
		}}
		if _, err := c.Dynamic.Resource(widgetsGVR).Namespace(name).Create(ctx, obj, createOpts); err != nil {
			return nil, fmt.Errorf("widget %s: %w", w, err)
		}
	}
	if err := c.DeleteNamespace(ctx, name); err != nil {
		return nil, err
	}
	cond, err := c.WaitNamespaceCondition(ctx, name, corev1.NamespaceDeletionContentFailure, corev1.ConditionTrue, "ContentDeletionFailed", "conversion webhook", 2*time.Minute)
	if err != nil {
		return nil, err
	}
	info.saw("namespace/%s %s", name, describeCondition(cond))
	return info, nil
}

// widgetCRD creates widgets.example.com (v1 storage, v2 served, webhook
// conversion to a missing Service) and waits until it is Established.
func (c *Cluster) widgetCRD(ctx context.Context) error {
	schemaObj := map[string]any{"openAPIV3Schema": map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true}}
	crd := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
		"metadata": map[string]any{"name": "widgets.example.com"},
		"spec": map[string]any{
			"group": "example.com", "scope": "Namespaced",
			"names": map[string]any{"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
			"versions": []any{
				map[string]any{"name": "v1", "served": true, "storage": true, "schema": schemaObj},
				map[string]any{"name": "v2", "served": true, "storage": false, "schema": schemaObj},
			},
			"conversion": map[string]any{"strategy": "Webhook", "webhook": map[string]any{
				"conversionReviewVersions": []any{"v1"},
				"clientConfig": map[string]any{"service": map[string]any{
					"namespace": "conversion-system", "name": "widget-converter", "path": "/convert", "port": int64(443)}},
			}},
		},
	}}
	if _, err := c.Dynamic.Resource(CRDsGVR).Create(ctx, crd, createOpts); err != nil {
		return fmt.Errorf("crd widgets.example.com: %w", err)
	}
	return poll(ctx, time.Minute, 500*time.Millisecond, func() (bool, string, error) {
		u, err := c.Dynamic.Resource(CRDsGVR).Get(ctx, "widgets.example.com", getOpts)
		if err != nil {
			return false, err.Error(), nil
		}
		conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
		for _, ci := range conds {
			if m, ok := ci.(map[string]any); ok && m["type"] == "Established" && m["status"] == "True" {
				return true, "", nil
			}
		}
		return false, fmt.Sprintf("crd conditions %v", conds), nil
	})
}

// ScenarioHealthy: a busy-looking, healthy cluster: metrics-server Available,
// pods Running on a live node, several namespaces with content, and a
// namespace deletion that finished.
func (c *Cluster) ScenarioHealthy(ctx context.Context) (*ScenarioInfo, error) {
	info := c.newInfo("healthy", "healthy cluster: APIService Available, pods Running, a namespace deletion that finished")
	if err := c.runningMetricsServer(ctx, info); err != nil {
		return nil, err
	}
	for _, ns := range []string{"shop", "analytics", "payments"} {
		if err := c.FillNamespace(ctx, ns); err != nil {
			return nil, err
		}
	}
	for i, p := range []string{"web-5c7d9f8b6-abcde", "web-5c7d9f8b6-fghij", "worker-6f8e7d5c4-klmno"} {
		if _, err := c.CreatePod(ctx, PodSpec{Namespace: "shop", Name: p, Node: workerNode, IP: fmt.Sprintf("10.244.1.%d", 20+i),
			Labels: map[string]string{"app": "shop"}, Image: "registry.example.com/shop:2.3.1", Running: true,
			Log: fmt.Sprintf("{\"level\":\"info\",\"msg\":\"listening\",\"addr\":\":8080\",\"pod\":%q}\n", p)}); err != nil {
			return nil, err
		}
	}
	if err := c.FillNamespace(ctx, "preview-1234"); err != nil {
		return nil, err
	}
	if err := c.DeleteNamespace(ctx, "preview-1234"); err != nil {
		return nil, err
	}
	if err := c.WaitNamespaceGone(ctx, "preview-1234", 3*time.Minute); err != nil {
		return nil, err
	}
	info.saw("namespace/preview-1234 deleted")
	a, err := c.APIServiceAvailable(ctx, MetricsAPIService)
	if err != nil {
		return nil, err
	}
	info.saw("apiservice/%s Available=%s", MetricsAPIService, a)
	return info, nil
}
