package kcm

import (
	"regexp"
	"strings"
	"time"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// Hit is one log line: Lines[Line] of Log.
type Hit struct {
	Log  *snapshot.Log
	Line int
}

// Text is the line's text.
func (h *Hit) Text() string { return h.Log.Lines[h.Line] }

// Same reports whether h and o are the same line (both nil counts).
func (h *Hit) Same(o *Hit) bool {
	if h == nil || o == nil {
		return h == o
	}
	return *h == *o
}

// Causes are the first log lines that name what stops kube-controller-manager.
type Causes struct {
	// RoleNotFound: its ClusterRole is gone ("clusterrole... not found").
	RoleNotFound *Hit
	// BindingNotFound: a ClusterRoleBinding is gone.
	BindingNotFound *Hit
	// HealthzForbidden: it may not read /healthz, /readyz or /livez.
	HealthzForbidden *Hit
	// WatchForbidden: its informers' watches are forbidden.
	WatchForbidden *Hit
	// BuildFailed: building its controllers or their context failed.
	BuildFailed *Hit
	// Forbidden: the first request of User itself that was forbidden.
	Forbidden *Hit
	// OtherUser: the first forbidden request of another user (its
	// kubeconfig carries someone else's credentials), OtherUserName.
	OtherUser     *Hit
	OtherUserName string
	// Unauthorized: the newest request kube-apiserver rejected with 401,
	// of UnauthorizedCount (in the file with the most).
	Unauthorized      *Hit
	UnauthorizedCount int
	// echoes are, per lineMatchers entry, the first line that shows the
	// cause only inside an event kube-apiserver rejected ("Server rejected
	// event ..."): taken when no line shows it directly.
	echoes [6]*Hit
}

var (
	reRoleNotFound    = regexp.MustCompile(`clusterrole\.rbac\.authorization\.k8s\.io \\?"(system:kube-controller-manager)\\?" not found`)
	reBindingNotFound = regexp.MustCompile(`clusterrolebinding\.rbac\.authorization\.k8s\.io \\?"([^"\\]+)\\?" not found`)
	reHealthz         = regexp.MustCompile(`cannot get path \\?"/(healthz|readyz|livez)\\?"`)
	// reForbiddenUser: "... is forbidden: User "x" cannot ..."; up to 1.7
	// without "forbidden: " ("User "x" cannot patch nodes at the cluster
	// scope.").
	reForbiddenUser = regexp.MustCompile(`(?:forbidden: |^|[^A-Za-z])User \\?"([^"\\]+)\\?" cannot`)
	// reUnauthorized is client-go's text for a 401 ("Unauthorized"), not
	// a cloud's "UnauthorizedOperation".
	reUnauthorized = regexp.MustCompile(`(^|[^A-Za-z])Unauthorized([^A-Za-z]|$)`)
)

// lineMatchers find the first line of each cause (as many as
// Causes.echoes has slots).
var lineMatchers = [...]struct {
	match func(line string) bool
	hit   func(c *Causes) **Hit
}{
	{reRoleNotFound.MatchString, func(c *Causes) **Hit { return &c.RoleNotFound }},
	{reBindingNotFound.MatchString, func(c *Causes) **Hit { return &c.BindingNotFound }},
	{func(l string) bool { return reHealthz.MatchString(l) && strings.Contains(l, "forbidden") },
		func(c *Causes) **Hit { return &c.HealthzForbidden }},
	{func(l string) bool { return strings.Contains(l, "Failed to watch") && strings.Contains(l, "forbidden") },
		func(c *Causes) **Hit { return &c.WatchForbidden }},
	{isBuildFailure, func(c *Causes) **Hit { return &c.BuildFailed }},
	{func(l string) bool { return forbiddenUser(l) == User }, func(c *Causes) **Hit { return &c.Forbidden }},
}

// Focus is the part of a controller-manager log line that says what is
// wrong with its credentials or rights, the most specific first: a
// ClusterRole or binding not found, `cannot get path "/healthz"`,
// `forbidden: User "x" cannot`, Unauthorized ("" when none). A shortened
// quote keeps it.
func Focus(line string) string {
	for _, re := range []*regexp.Regexp{reRoleNotFound, reBindingNotFound, reHealthz, reForbiddenUser, reUnauthorized} {
		if m := re.FindString(line); m != "" {
			return m
		}
	}
	return ""
}

// isBuildFailure: the run could not build its controllers (v1.35+ and
// older wordings).
func isBuildFailure(line string) bool {
	for _, s := range []string{"Error building controllers", "Error building controller context", "error building controller context", "Error initializing a controller"} {
		if strings.Contains(line, s) {
			return true
		}
	}
	return false
}

// forbiddenUser is the user a "forbidden: User ... cannot" line names.
func forbiddenUser(line string) string {
	if m := reForbiddenUser.FindStringSubmatch(line); m != nil {
		return m[1]
	}
	return ""
}

// isAcquired: a run took the leader lease (v1.35+ and older wordings).
func isAcquired(line string) bool {
	return strings.Contains(line, "Successfully acquired lease") || strings.Contains(line, "successfully acquired lease")
}

// isLost: a run lost or gave up the lease and exits.
func isLost(line string) bool {
	return strings.Contains(line, "leaderelection lost") || strings.Contains(line, "Leaderelection lost")
}

// readLogs scans every log: causes, counts, runs, and whether the current
// run is alive and retrying its lease (as of now).
func (f *Facts) readLogs(now time.Time) {
	for _, l := range f.Logs {
		starts, exits, unauthorized := 0, 0, 0
		for i, line := range l.Lines {
			switch {
			case isAcquired(line):
				starts++
			case isLost(line):
				exits++
			}
			f.Causes.note(l, i, line)
			if reUnauthorized.MatchString(line) {
				unauthorized++
				f.Causes.Unauthorized = &Hit{l, i} // the newest
			}
		}
		f.Starts, f.Exits = max(f.Starts, starts), max(f.Exits, exits)
		f.Causes.UnauthorizedCount = max(f.Causes.UnauthorizedCount, unauthorized)
		runs := splitRuns(l)
		if len(runs) > len(f.Runs) {
			f.Runs = runs
		}
		if f.Retrying == nil && !l.Previous && len(runs) > 0 {
			f.Retrying = retryingOf(&runs[len(runs)-1], now)
		}
	}
	for k, m := range lineMatchers {
		if h := m.hit(&f.Causes); *h == nil {
			*h = f.Causes.echoes[k]
		}
	}
}

// note records line i of l as the first hit of every cause it shows. A
// rejected event that merely quotes the error is kept aside (see echoes).
func (c *Causes) note(l *snapshot.Log, i int, line string) {
	echo := strings.Contains(line, "Server rejected event")
	for k, m := range lineMatchers {
		h := m.hit(c)
		switch {
		case *h != nil || !m.match(line):
		case echo:
			if c.echoes[k] == nil {
				c.echoes[k] = &Hit{l, i}
			}
		default:
			*h = &Hit{l, i}
		}
	}
	if c.OtherUser == nil {
		if u := forbiddenUser(line); u != "" && u != User && !strings.HasPrefix(u, "system:serviceaccount:kube-system:") {
			c.OtherUser, c.OtherUserName = &Hit{l, i}, u
		}
	}
}
