package synth

import (
	"fmt"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// plantedEvents is how many events are about the planted crash loop.
const plantedEvents = 2

// EventTTL is the synthetic cluster's event TTL (kube-apiserver
// --event-ttl; the default is 1h, which large clusters often raise): its
// events were last seen uniformly over this span before collection.
const EventTTL = 4 * time.Hour

// event renders event i: the first ones about a crash-looping
// metrics-server pod, the rest about pods picked at random, last seen
// within the last EventTTL.
func (m *model) event(i int) *corev1.Event {
	r := m.rng(streamEvent, i)
	p := r.IntN(len(m.pods))
	crash := i < plantedEvents && m.plan.has(CauseMetricsCrashLoop)
	if crash {
		p = m.metricsPod()
	}
	pod := m.pods[p]
	spec := m.specOf(p)
	ns := m.namespaces[pod.ns].name
	node := m.nodes[pod.node].name
	last := m.ago(time.Duration(r.IntN(int(EventTTL/time.Second))) * time.Second)
	first := last
	count := int32(1)
	typ, reason, msg, field, comp := "Normal", "", "", "spec.containers{"+spec.app+"}", "kubelet"
	switch k := r.IntN(100); {
	case crash && i == 0:
		typ, reason, count = "Warning", "BackOff", 412
		msg = "Back-off restarting failed container " + spec.app + " in pod " + pod.name + "_" + ns + "(" + m.podUID(p) + ")"
		first, last = m.ago(35*time.Hour), m.ago(40*time.Second)
	case crash && i == 1:
		typ, reason, count = "Warning", "Unhealthy", 1203
		msg = "Readiness probe failed: HTTP probe failed with statuscode: 500"
		first, last = m.ago(35*time.Hour), m.ago(70*time.Second)
	case k < 14:
		reason, msg, field, comp = "Scheduled", "Successfully assigned "+ns+"/"+pod.name+" to "+node, "", "default-scheduler"
	case k < 28:
		reason, msg = "Pulling", `Pulling image "`+spec.image+`"`
	case k < 42:
		reason = "Pulled"
		d := float64(500+r.IntN(20000)) / 1000
		msg = fmt.Sprintf(`Successfully pulled image "%s" in %.3fs (%.3fs including waiting). Image size: %d bytes.`, spec.image, d, d+0.01, 20000000+r.IntN(200000000))
	case k < 56:
		reason, msg = "Created", "Created container: "+spec.app
	case k < 70:
		reason, msg = "Started", "Started container "+spec.app
	case k < 80:
		reason, msg = "Killing", "Stopping container "+spec.app
	case k < 92:
		typ, reason, count = "Warning", "Unhealthy", int32(1+r.IntN(30))
		msg = "Readiness probe failed: Get \"http://" + ipv4(pod.ip) + ":8080/readyz\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
		first = last.Add(-time.Duration(count) * 10 * time.Second)
	default:
		typ, reason, count = "Warning", "BackOff", int32(1+r.IntN(12))
		msg = "Back-off pulling image \"" + spec.image + "\""
		first = last.Add(-time.Duration(count) * 30 * time.Second)
	}
	return &corev1.Event{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Event"},
		ObjectMeta: metav1.ObjectMeta{Name: eventName(pod.name, first, i), Namespace: ns, UID: types.UID(uid(r)),
			ResourceVersion: strconv.Itoa(800000000 + i), CreationTimestamp: metav1.NewTime(first)},
		InvolvedObject: corev1.ObjectReference{Kind: "Pod", Namespace: ns, Name: pod.name, UID: types.UID(m.podUID(p)), APIVersion: "v1",
			ResourceVersion: strconv.Itoa(100000000 + r.IntN(900000000)), FieldPath: field},
		Reason: reason, Message: msg, Source: corev1.EventSource{Component: comp, Host: node},
		FirstTimestamp: metav1.NewTime(first), LastTimestamp: metav1.NewTime(last), Count: count, Type: typ,
		EventTime: metav1.MicroTime{}, ReportingController: comp, ReportingInstance: node,
	}
}

// metricsPod is the index of the metrics-server pod.
func (m *model) metricsPod() int {
	for _, d := range m.deploys {
		if d.app == metricsServer {
			return d.firstPod
		}
	}
	panic("synth: no metrics-server")
}

// eventName is "<object>.<hex>": the recorder names events after the
// UnixNano of their first occurrence (made unique here with the index).
func eventName(object string, first time.Time, i int) string {
	return object + "." + strconv.FormatInt(first.UnixNano()+int64(i), 16)
}

// eventNewest is what collect's events window looks at: the newest of
// lastTimestamp, eventTime, series.lastObservedTime and
// metadata.creationTimestamp.
func eventNewest(e *corev1.Event) time.Time {
	t := e.CreationTimestamp.Time
	for _, u := range []time.Time{e.LastTimestamp.Time, e.EventTime.Time} {
		if u.After(t) {
			t = u
		}
	}
	if e.Series != nil && e.Series.LastObservedTime.After(t) {
		t = e.Series.LastObservedTime.Time
	}
	return t
}
