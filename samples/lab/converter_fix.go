package lab

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// converterPodIP is the pod IP of the lab's widget converter.
const converterPodIP = "10.244.1.9"

// RestoreWidgetConverter is the lab's stand-in for the Fix of
// ScenarioConversionWebhook, reinstalling the operator that served
// widgets.example.com's conversion webhook: its pod (a conversion server on
// the pod IP, with a certificate from the cluster CA) on node worker-1,
// Service conversion-system/widget-converter selecting it, and the CRD's
// caBundle for that certificate, as an operator's install (or a CA
// injector) sets it. It returns once Widgets list at v2.
func (c *Cluster) RestoreWidgetConverter(ctx context.Context) error {
	if _, err := c.CreateNode(ctx, NodeSpec{Name: workerNode, PodCIDR: workerPodCIDR, InternalIP: workerNodeIP, Heartbeat: true}); err != nil {
		return err
	}
	if _, err := c.startPodServer(ctx, converterPodIP, 8443,
		[]string{"widget-converter.conversion-system.svc", "widget-converter.conversion-system.svc.cluster.local"}, convertHandler()); err != nil {
		return err
	}
	if err := c.EnsureNamespace(ctx, "conversion-system", nil); err != nil {
		return err
	}
	labels := map[string]string{"app": "widget-converter"}
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "widget-converter", Namespace: "conversion-system"},
		Spec: corev1.ServiceSpec{Selector: labels, Ports: []corev1.ServicePort{{Name: "https", Port: 443, TargetPort: intstr.FromString("https")}}}}
	if _, err := c.Client.CoreV1().Services("conversion-system").Create(ctx, svc, createOpts); err != nil {
		return fmt.Errorf("service conversion-system/widget-converter: %w", err)
	}
	if _, err := c.CreatePod(ctx, PodSpec{Namespace: "conversion-system", Name: "widget-converter-7c9d5-q2x4z", Node: workerNode, IP: converterPodIP,
		Labels: labels, Container: "converter", Image: "example.com/widget-operator:1.4.2", Port: 8443, PortName: "https", Running: true}); err != nil {
		return err
	}
	patch := fmt.Sprintf(`{"spec":{"conversion":{"webhook":{"clientConfig":{"caBundle":%q}}}}}`, base64.StdEncoding.EncodeToString(c.pki.ca.certPEM))
	if _, err := c.Dynamic.Resource(CRDsGVR).Patch(ctx, "widgets.example.com", types.MergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
		return fmt.Errorf("crd widgets.example.com caBundle: %w", err)
	}
	v2 := widgetsGVR
	v2.Version = "v2"
	return poll(ctx, 2*time.Minute, time.Second, func() (bool, string, error) {
		_, err := c.Dynamic.Resource(v2).List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, err.Error(), nil
		}
		return true, "", nil
	})
}

// convertHandler answers apiextensions.k8s.io/v1 ConversionReviews: Widgets
// of v1 and v2 hold the same fields, so converting sets apiVersion.
func convertHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var review struct {
			APIVersion string `json:"apiVersion"`
			Request    *struct {
				UID               string           `json:"uid"`
				DesiredAPIVersion string           `json:"desiredAPIVersion"`
				Objects           []map[string]any `json:"objects"`
			} `json:"request"`
		}
		if err := json.NewDecoder(io.LimitReader(r.Body, 16<<20)).Decode(&review); err != nil || review.Request == nil {
			http.Error(w, "not a ConversionReview", http.StatusBadRequest)
			return
		}
		for _, o := range review.Request.Objects {
			o["apiVersion"] = review.Request.DesiredAPIVersion
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"apiVersion": review.APIVersion, "kind": "ConversionReview",
			"response": map[string]any{"uid": review.Request.UID, "convertedObjects": review.Request.Objects, "result": map[string]any{"status": "Success"}},
		})
	})
}
