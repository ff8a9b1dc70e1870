package synth

import (
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// The planted external metrics adapter (CauseStaleEndpoint) ran on a
// machine outside the cluster, reached through a Service without selector
// and an EndpointSlice its team wrote by hand; the machine is gone.

// adapterAPIService gives APIService v1beta1.external.metrics.k8s.io its
// metadata, spec and Available condition: the aggregator (run with
// --enable-aggregator-routing, as the lab's) dials the endpoint and times out.
func (m *model) adapterAPIService(meta metav1.ObjectMeta) (metav1.ObjectMeta, map[string]any, map[string]any) {
	meta.Labels = map[string]string{"app.kubernetes.io/name": adapterService}
	meta.CreationTimestamp = metav1.NewTime(m.ago(200 * 24 * time.Hour))
	spec := map[string]any{"group": "external.metrics.k8s.io", "version": "v1beta1", "groupPriorityMinimum": 100, "versionPriority": 100,
		"insecureSkipTLSVerify": true, "service": map[string]any{"namespace": m.plan.adapterNS, "name": adapterService, "port": 443}}
	url := "https://" + m.adapterAddr() + "/apis/" + externalGV
	cond := map[string]any{"type": "Available", "status": "False", "reason": "FailedDiscoveryCheck",
		"message":            "failing or missing response from " + url + `: Get "` + url + `": dial tcp ` + m.adapterAddr() + ": i/o timeout",
		"lastTransitionTime": m.ago(36 * time.Hour).Format(time.RFC3339)}
	return meta, spec, cond
}

// adapterAddr is the gone machine's address and port.
func (m *model) adapterAddr() string { return ipv4(m.plan.adapterIP) + ":" + strconv.Itoa(adapterPort) }

// isAdapter reports whether Service i is the adapter's.
func (m *model) isAdapter(i int) bool {
	s := m.services[i]
	return s.deploy < 0 && s.name == adapterService
}

// adapterSlice is the adapter's hand-written EndpointSlice: the machine's
// address, ready as written.
func (m *model) adapterSlice(sl *discoveryv1.EndpointSlice) {
	sl.Name, sl.GenerateName = adapterService+"-manual", ""
	sl.Labels = map[string]string{discoveryv1.LabelServiceName: adapterService, discoveryv1.LabelManagedBy: "platform-team"}
	sl.Annotations, sl.OwnerReferences = nil, nil
	sl.CreationTimestamp = metav1.NewTime(m.ago(200 * 24 * time.Hour))
	sl.Endpoints = []discoveryv1.Endpoint{{Addresses: []string{ipv4(m.plan.adapterIP)}, Conditions: discoveryv1.EndpointConditions{Ready: ptr.To(true)}}}
}

// adapterEndpoints is the same address in the adapter's legacy Endpoints.
func (m *model) adapterEndpoints(sub *corev1.EndpointSubset) {
	sub.Addresses = []corev1.EndpointAddress{{IP: ipv4(m.plan.adapterIP)}}
}
