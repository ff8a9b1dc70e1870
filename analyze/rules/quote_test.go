package rules

import (
	"strings"
	"testing"

	"github.com/nsbundle/nsbundle/analyze/kcm"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// TestEvLineMatch: a quoted log line longer than maxQuote keeps the part
// the rule matched, even past the cap; without a match it is cut at the cap.
func TestEvLineMatch(t *testing.T) {
	long := "E1123 09:17:50.731469   29378 route_controller.go:481] Could not create route: " + strings.Repeat("RequestID: 6a0f0c5e ", 40) +
		"is not authorized to perform: ec2:CreateRoute on resource: rtb-0f1e because no identity-based policy allows the ec2:CreateRoute action"
	l := &snapshot.Log{Path: "logs/files/cloud-controller-manager.log", FirstLine: 1, Lines: []string{"short line: forbidden", long}}
	tests := []struct {
		name, match string
		line        int
		keep        string
		wantMatch   string
		wantPrefix  bool // the value is the line's start, cut at the cap
	}{
		{name: "short line", line: 0, match: "forbidden", keep: "short line: forbidden", wantMatch: "forbidden"},
		{name: "match past the cap", line: 1, match: "not authorized to perform", keep: "is not authorized to perform: ec2:CreateRoute", wantMatch: "not authorized to perform"},
		{name: "no match: cut at the cap", line: 1, match: "", wantPrefix: true},
		{name: "match not in the line", line: 1, match: "AccessDenied", wantPrefix: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := evLineMatch(l, tt.line, tt.match)
			if e.Line != tt.line+1 || e.Match != tt.wantMatch {
				t.Errorf("line %d match %q, want %d %q", e.Line, e.Match, tt.line+1, tt.wantMatch)
			}
			if tt.keep != "" && !strings.Contains(e.Value, tt.keep) {
				t.Errorf("value lost %q: %q", tt.keep, e.Value)
			}
			if len(e.Value) > maxQuote+len(" … ")+len("…")+8 {
				t.Errorf("value has %d bytes", len(e.Value))
			}
			if tt.wantPrefix && !strings.HasPrefix(long, strings.TrimSuffix(e.Value, "…")) {
				t.Errorf("value is not the line's start: %q", e.Value)
			}
			if !strings.HasPrefix(e.Value, "E1123 09:17:50") && tt.line == 1 {
				t.Errorf("value lost the line's start: %q", e.Value)
			}
		})
	}
}

// TestKCMFocus: the most specific cause is what a quote keeps.
func TestKCMFocus(t *testing.T) {
	tests := []struct{ line, want string }{
		{`... is forbidden: User \"system:kube-controller-manager\" cannot get resource \"serviceaccounts\": rbac: RBAC: clusterrole.rbac.authorization.k8s.io \"system:kube-controller-manager\" not found"`,
			`clusterrole.rbac.authorization.k8s.io \"system:kube-controller-manager\" not found`},
		{`failed to get apiserver /healthz status: forbidden: User \"system:kube-controller-manager\" cannot get path \"/healthz\"`, `cannot get path \"/healthz\"`},
		{`leases.coordination.k8s.io "kube-controller-manager" is forbidden: User "system:kube-controller-manager" cannot get resource "leases"`, `forbidden: User "system:kube-controller-manager" cannot`},
		{`error retrieving resource lock kube-system/kube-controller-manager: Unauthorized`, ` Unauthorized`},
		{`api error UnauthorizedOperation: You are not authorized`, ``},
		{`I1123 Started controller`, ``},
	}
	for _, tt := range tests {
		if got := kcm.Focus(tt.line); got != tt.want {
			t.Errorf("Focus(%q) = %q, want %q", tt.line, got, tt.want)
		}
	}
}

func TestFirstOf(t *testing.T) {
	line := "api error UnauthorizedOperation: You are not authorized to perform this operation."
	if got := firstOf(line, permissionDenied); got != "not authorized to perform" {
		t.Errorf("firstOf = %q, want the first marker of the list found", got)
	}
	if got := firstOf("all good", permissionDenied); got != "" {
		t.Errorf("firstOf = %q, want none", got)
	}
}
