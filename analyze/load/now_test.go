package load

import (
	"testing"
	"time"
)

// A quiet cluster's dump: every object was created long before, no event is
// left, but the kubelets kept posting status until the dump was taken. The
// collection time is then the newest node heartbeat, not the newest
// creationTimestamp (hours earlier, which made a NotReady node's "last
// heartbeat 0s before collection").
func TestNowFromNodeHeartbeatAndPodConditions(t *testing.T) {
	t.Parallel()
	const nodes = `{"kind":"NodeList","apiVersion":"v1","metadata":{},"items":[
	 {"metadata":{"name":"worker-1","creationTimestamp":"2026-10-01T08:00:00Z"},
	  "status":{"conditions":[{"type":"Ready","status":"True","reason":"KubeletReady",
	   "lastHeartbeatTime":"2026-11-02T06:54:56Z","lastTransitionTime":"2026-10-01T08:01:00Z"}]}},
	 {"metadata":{"name":"worker-2","creationTimestamp":"2026-10-01T08:00:00Z"},
	  "status":{"conditions":[{"type":"Ready","status":"Unknown","reason":"NodeStatusUnknown",
	   "lastHeartbeatTime":"2026-11-02T01:10:00Z","lastTransitionTime":"2026-11-02T01:11:00Z"}]}}]}`
	const pods = `{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[
	 {"metadata":{"name":"web-0","namespace":"default","creationTimestamp":"2026-11-01T19:00:00Z"},
	  "spec":{"nodeName":"worker-1","containers":[{"name":"web"}]},
	  "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True","lastTransitionTime":"2026-11-01T19:10:19Z"}]}}]}`
	cases := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"node heartbeat", map[string]string{"nodes.json": pretty(t, nodes), "default/pods.json": pretty(t, pods)}, "2026-11-02T06:54:56Z"},
		{"pod condition", map[string]string{"default/pods.json": pretty(t, pods)}, "2026-11-01T19:10:19Z"},
	}
	for _, c := range cases {
		s := mustLoad(t, c.files)
		if got := s.Now.UTC().Format(time.RFC3339); got != c.want {
			t.Errorf("%s: now %s, want %s", c.name, got, c.want)
		}
		if !hasNote(s.Notes, "using the latest timestamp in the bundle ("+c.want+")") {
			t.Errorf("%s: notes %q", c.name, s.Notes)
		}
	}
}
