package synth

import (
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

// svcPort is the port of Service i.
func (m *model) svcPort(i int) corev1.ServicePort {
	s := m.services[i]
	switch {
	case s.deploy < 0:
		return corev1.ServicePort{Name: "https", Protocol: corev1.ProtocolTCP, Port: 443, TargetPort: intstr.FromInt32(6443)}
	case s.app == metricsServer:
		return corev1.ServicePort{Name: "https", Protocol: corev1.ProtocolTCP, Port: 443, TargetPort: intstr.FromString("https")}
	case s.app == "kube-dns":
		return corev1.ServicePort{Name: "dns", Protocol: corev1.ProtocolUDP, Port: 53, TargetPort: intstr.FromInt32(53)}
	}
	return corev1.ServicePort{Name: "http", Protocol: corev1.ProtocolTCP, Port: 80, TargetPort: intstr.FromString("http")}
}

// service renders Service i.
func (m *model) service(i int) *corev1.Service {
	r := m.rng(streamService, i)
	s := m.services[i]
	created := m.ago(400 * 24 * time.Hour)
	var sel map[string]string
	labels := map[string]string{"component": "apiserver", "provider": "kubernetes"}
	if s.deploy >= 0 {
		created = m.deploys[s.deploy].created
		sel = m.selectorOf(s.deploy)
		labels = m.selectorOf(s.deploy)
	} else if m.isAdapter(i) {
		created, labels = m.ago(200*24*time.Hour), map[string]string{"app.kubernetes.io/name": adapterService}
	}
	return &corev1.Service{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: metav1.ObjectMeta{Name: s.name, Namespace: s.ns, UID: types.UID(uid(r)), ResourceVersion: strconv.Itoa(500000000 + i),
			CreationTimestamp: metav1.NewTime(created), Labels: labels},
		Spec: corev1.ServiceSpec{
			Ports: []corev1.ServicePort{m.svcPort(i)}, Selector: sel, ClusterIP: ipv4(s.ip), ClusterIPs: []string{ipv4(s.ip)},
			Type: corev1.ServiceTypeClusterIP, SessionAffinity: corev1.ServiceAffinityNone, IPFamilies: []corev1.IPFamily{corev1.IPv4Protocol},
			IPFamilyPolicy: ptr.To(corev1.IPFamilyPolicySingleStack), InternalTrafficPolicy: ptr.To(corev1.ServiceInternalTrafficPolicyCluster),
		},
	}
}

// backends are the pods behind Service i: index, ready.
func (m *model) backends(i int) []int {
	s := m.services[i]
	if s.deploy < 0 {
		return nil
	}
	d := m.deploys[s.deploy]
	out := make([]int, 0, d.replicas)
	for k := range d.replicas {
		out = append(out, d.firstPod+k)
	}
	return out
}

// ready reports whether pod i is ready (all but a planted crash loop).
func (m *model) ready(i int) bool {
	p := m.pods[i]
	return p.deploy < 0 || m.deploys[p.deploy].app != metricsServer || !m.plan.has(CauseMetricsCrashLoop)
}

// targetPort is the port number Service i's pods listen on.
func (m *model) targetPort(i int) int32 {
	switch m.services[i].app {
	case metricsServer:
		return 10250
	case "kube-dns":
		return 53
	}
	if m.services[i].deploy < 0 {
		return 6443
	}
	return 8080
}

// endpointSlice renders the EndpointSlice of Service i.
func (m *model) endpointSlice(i int) *discoveryv1.EndpointSlice {
	r := m.rng(streamService, 1000000+i)
	s := m.services[i]
	port := m.svcPort(i)
	sl := &discoveryv1.EndpointSlice{
		TypeMeta: metav1.TypeMeta{APIVersion: "discovery.k8s.io/v1", Kind: "EndpointSlice"},
		ObjectMeta: metav1.ObjectMeta{Name: s.name + "-" + suffix(r, 5), Namespace: s.ns, GenerateName: s.name + "-", UID: types.UID(uid(r)),
			ResourceVersion: strconv.Itoa(600000000 + i), CreationTimestamp: metav1.NewTime(m.ago(time.Duration(1+r.IntN(2000)) * time.Hour)),
			Labels:      map[string]string{discoveryv1.LabelServiceName: s.name, discoveryv1.LabelManagedBy: "endpointslice-controller.k8s.io"},
			Annotations: map[string]string{"endpoints.kubernetes.io/last-change-trigger-time": m.ago(time.Duration(r.IntN(3600)) * time.Second).Format(time.RFC3339)},
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "v1", Kind: "Service", Name: s.name, UID: types.UID(uid(r)),
				Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true)}}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Ports:       []discoveryv1.EndpointPort{{Name: ptr.To(port.Name), Port: ptr.To(m.targetPort(i)), Protocol: ptr.To(port.Protocol)}},
	}
	if m.isAdapter(i) {
		m.adapterSlice(sl)
		return sl
	}
	if s.deploy < 0 { // default/kubernetes: the API servers
		sl.Name = "kubernetes"
		sl.GenerateName = ""
		sl.Labels = map[string]string{discoveryv1.LabelServiceName: "kubernetes"}
		sl.OwnerReferences = nil
		for k := range controlPlanes {
			sl.Endpoints = append(sl.Endpoints, discoveryv1.Endpoint{Addresses: []string{ipv4(m.nodes[k].ip)},
				Conditions: discoveryv1.EndpointConditions{Ready: ptr.To(true)}})
		}
		return sl
	}
	for _, p := range m.backends(i) {
		pod := m.pods[p]
		ok := m.ready(p)
		sl.Endpoints = append(sl.Endpoints, discoveryv1.Endpoint{
			Addresses:  []string{ipv4(pod.ip)},
			Conditions: discoveryv1.EndpointConditions{Ready: ptr.To(ok), Serving: ptr.To(ok), Terminating: ptr.To(false)},
			TargetRef:  &corev1.ObjectReference{Kind: "Pod", Namespace: s.ns, Name: pod.name, UID: types.UID(m.podUID(p))},
			NodeName:   ptr.To(m.nodes[pod.node].name),
			Zone:       ptr.To(m.nodes[pod.node].zone),
		})
	}
	if s.app == metricsServer {
		sl.Ports[0].Name = ptr.To("https")
	}
	return sl
}

// endpoints renders the (legacy) Endpoints of Service i.
func (m *model) endpoints(i int) *corev1.Endpoints {
	r := m.rng(streamService, 2000000+i)
	s := m.services[i]
	port := m.svcPort(i)
	ep := &corev1.Endpoints{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Endpoints"},
		ObjectMeta: metav1.ObjectMeta{Name: s.name, Namespace: s.ns, UID: types.UID(uid(r)), ResourceVersion: strconv.Itoa(700000000 + i),
			CreationTimestamp: metav1.NewTime(m.ago(time.Duration(1+r.IntN(2000)) * time.Hour)),
			Annotations:       map[string]string{"endpoints.kubernetes.io/last-change-trigger-time": m.ago(time.Duration(r.IntN(3600)) * time.Second).Format(time.RFC3339)}},
	}
	sub := corev1.EndpointSubset{Ports: []corev1.EndpointPort{{Name: port.Name, Port: m.targetPort(i), Protocol: port.Protocol}}}
	if m.isAdapter(i) {
		m.adapterEndpoints(&sub)
	} else if s.deploy < 0 {
		for k := range controlPlanes {
			sub.Addresses = append(sub.Addresses, corev1.EndpointAddress{IP: ipv4(m.nodes[k].ip)})
		}
	}
	for _, p := range m.backends(i) {
		pod := m.pods[p]
		a := corev1.EndpointAddress{IP: ipv4(pod.ip), NodeName: ptr.To(m.nodes[pod.node].name),
			TargetRef: &corev1.ObjectReference{Kind: "Pod", Namespace: s.ns, Name: pod.name, UID: types.UID(m.podUID(p))}}
		if m.ready(p) {
			sub.Addresses = append(sub.Addresses, a)
		} else {
			sub.NotReadyAddresses = append(sub.NotReadyAddresses, a)
		}
	}
	ep.Subsets = []corev1.EndpointSubset{sub}
	return ep
}

// podUID is pod i's UID (the first random draw of its stream, as in pod).
func (m *model) podUID(i int) string { return uid(m.rng(streamPod, i)) }
