package lab

import (
	"context"
	"encoding/base64"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// APIServicesGVR is apiregistration.k8s.io/v1 apiservices.
var APIServicesGVR = schema.GroupVersionResource{Group: "apiregistration.k8s.io", Version: "v1", Resource: "apiservices"}

// MetricsAPIService is the name of metrics-server's APIService.
const MetricsAPIService = "v1beta1.metrics.k8s.io"

// APIServiceCondition is the Available condition of an APIService.
type APIServiceCondition struct {
	Status, Reason, Message string
}

// String renders it as kubectl's AVAILABLE column plus the message.
func (a APIServiceCondition) String() string {
	return fmt.Sprintf("%s (%s): %s", a.Status, a.Reason, a.Message)
}

// createMetricsAPIService registers v1beta1.metrics.k8s.io backed by Service
// kube-system/<svc> port 443; caBundle nil means insecureSkipTLSVerify, as
// metrics-server's own manifest does.
func (c *Cluster) createMetricsAPIService(ctx context.Context, svc string, caBundle []byte) error {
	spec := map[string]any{
		"group": "metrics.k8s.io", "version": "v1beta1",
		"groupPriorityMinimum": int64(100), "versionPriority": int64(100),
		"service": map[string]any{"namespace": "kube-system", "name": svc, "port": int64(443)},
	}
	if caBundle == nil {
		spec["insecureSkipTLSVerify"] = true
	} else {
		spec["caBundle"] = base64.StdEncoding.EncodeToString(caBundle)
	}
	obj := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService",
		"metadata": map[string]any{"name": MetricsAPIService, "labels": map[string]any{"k8s-app": "metrics-server"}},
		"spec":     spec,
	}}
	_, err := c.Dynamic.Resource(APIServicesGVR).Create(ctx, obj, createOpts)
	if err != nil {
		return fmt.Errorf("apiservice %s: %w", MetricsAPIService, err)
	}
	return nil
}

// metricsService creates Service kube-system/metrics-server as metrics-server's
// manifest does: port 443 "https" to the pods' named port "https".
func (c *Cluster) metricsService(ctx context.Context) error {
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "metrics-server", Namespace: "kube-system", Labels: map[string]string{"k8s-app": "metrics-server"}},
		Spec: corev1.ServiceSpec{
			Selector: map[string]string{"k8s-app": "metrics-server"},
			Ports:    []corev1.ServicePort{{Name: "https", Port: 443, Protocol: corev1.ProtocolTCP, TargetPort: intstr.FromString("https")}},
		},
	}
	_, err := c.Client.CoreV1().Services("kube-system").Create(ctx, svc, createOpts)
	return ignoreExists(err)
}

// APIServiceAvailable returns the Available condition of APIService name.
func (c *Cluster) APIServiceAvailable(ctx context.Context, name string) (APIServiceCondition, error) {
	u, err := c.Dynamic.Resource(APIServicesGVR).Get(ctx, name, getOpts)
	if err != nil {
		return APIServiceCondition{}, err
	}
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, ci := range conds {
		m, ok := ci.(map[string]any)
		if !ok || m["type"] != "Available" {
			continue
		}
		s := func(k string) string { v, _ := m[k].(string); return v }
		return APIServiceCondition{Status: s("status"), Reason: s("reason"), Message: s("message")}, nil
	}
	return APIServiceCondition{}, nil
}

// WaitAPIService polls until APIService name's Available condition has
// status and reason.
func (c *Cluster) WaitAPIService(ctx context.Context, name, status, reason string, timeout time.Duration) (APIServiceCondition, error) {
	var got APIServiceCondition
	err := poll(ctx, timeout, time.Second, func() (bool, string, error) {
		a, err := c.APIServiceAvailable(ctx, name)
		if err != nil {
			return false, err.Error(), nil
		}
		got = a
		return a.Status == status && a.Reason == reason, a.String(), nil
	})
	if err != nil {
		return got, fmt.Errorf("apiservice %s Available=%s %s: %w", name, status, reason, err)
	}
	return got, nil
}
