package rules_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestCloudRoutesRetries: the route controller retries every sync, and each
// failure leaves an event (its message carries its own duration) and a log
// line, which its event broadcaster echoes ("Event occurred"). The chain
// quotes the newest event and the newest refusal line, never the echo, and
// counts the refusals.
func TestCloudRoutesRetries(t *testing.T) {
	t.Parallel()
	const denied = "UnauthorizedOperation: You are not authorized to perform this operation. User: arn:aws:sts::1:assumed-role/ccm is not authorized to perform: ec2:CreateRoute"
	tests := []struct {
		name        string
		attempts    int
		wantProblem string
	}{
		{"one attempt", 1, "permission to manage routes"},
		{"three attempts", 3, "permission to manage routes (3 refusals in its log, the newest quoted)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := healthy()
			discoveryFails(f, msgStale)
			metricsAvailable(f, "False", "FailedDiscoveryCheck", msgNoRoute)
			noRoute(f)
			var log strings.Builder
			for i := range tt.attempts {
				msg := fmt.Sprintf("Could not create route 3f1c 10.244.1.0/24 for node node-b after %dµs: %s", 30+i, denied)
				fmt.Fprintf(&log, "E1123 05:02:%02d.000001   29378 route_controller.go:481] Could not create route 3f1c 10.244.1.0/24 for node node-b: %s (attempt %d)\n", 10*i, denied, i)
				fmt.Fprintf(&log, "I1123 05:02:%02d.000002   29378 event.go:395] \"Event occurred\" object=\"node-b\" kind=\"Node\" type=\"Warning\" reason=\"FailedToCreateRoute\" message=%q\n", 10*i, msg)
				// Events arrive newest first here: the newest is chosen by time, not by place.
				f.lists[pEvents] = append([]obj{{"apiVersion": "v1", "kind": "Event", "metadata": meta("default", fmt.Sprintf("node-b.%d", i)),
					"involvedObject": obj{"kind": "Node", "name": "node-b"}, "type": "Warning", "reason": "FailedToCreateRoute",
					"message": fmt.Sprintf("%s (event %d)", msg, i), "count": 1, "lastTimestamp": ago(time.Duration(tt.attempts-i) * time.Minute)}}, f.lists[pEvents]...)
			}
			f.files[pCCMLog] = log.String()
			r := analyzeFx(t, f)
			if len(r.Findings) != 1 {
				t.Fatalf("%d findings", len(r.Findings))
			}
			last := r.Findings[0].Chain[len(r.Findings[0].Chain)-1]
			if last.Name != "cloud-controller-manager" || !strings.HasSuffix(last.Problem, tt.wantProblem) {
				t.Fatalf("root %s: %q, want the suffix %q", last.Name, last.Problem, tt.wantProblem)
			}
			var events, lines []string
			for _, e := range last.Evidence {
				switch {
				case e.Path == pEvents:
					events = append(events, e.Value)
				case e.Path == pCCMLog:
					lines = append(lines, e.Value)
				}
			}
			newest := tt.attempts - 1
			if len(events) != 1 || !strings.Contains(events[0], fmt.Sprintf("(event %d)", newest)) {
				t.Errorf("events quoted: %q, want only event %d", events, newest)
			}
			if len(lines) != 1 || !strings.Contains(lines[0], fmt.Sprintf("(attempt %d)", newest)) || strings.Contains(lines[0], "Event occurred") {
				t.Errorf("log lines quoted: %q, want only the refusal of attempt %d", lines, newest)
			}
		})
	}
}
