package kcm

import (
	"regexp"
	"strings"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// Run is one process's stretch of a log: Lines[Start:End] of Log.
type Run struct {
	Log        *snapshot.Log
	Start, End int
	// Acquired is the line where it took the leader lease (nil if it never
	// did); Identity is the holder identity it announced ("<id> became
	// leader"), "" if the log does not say.
	Acquired *Hit
	Identity string
	// Exit is the line that ends the process: "leaderelection lost",
	// "command failed" or a klog Fatal (F) line; nil if the run does not
	// end in the log (it was running when the log was cut, or it was
	// killed without a word).
	Exit *Hit
	// Error is the last error (E or F) line at or before Exit that is not
	// the exit line itself: what the run died of.
	Error *Hit

	started bool // a start line was seen
}

var (
	// reKlog is a klog header: severity, date, time, pid.
	reKlog = regexp.MustCompile(`^([IWEF])\d{4} \d\d:\d\d:\d\d\.\d+\s+(\d+) `)
	// reBecameLeader finds the identity in the LeaderElection event line
	// ("Event occurred" ... message="<id> became leader", older
	// "... 'LeaderElection' <id> became leader").
	reBecameLeader = regexp.MustCompile(`([A-Za-z0-9._-]+_[0-9a-f-]{36}) became leader`)
)

// isStart: a line that only a starting process prints.
func isStart(line string) bool {
	return strings.Contains(line, `] "Starting" version=`) || strings.Contains(line, "] Version: v")
}

// isExit: a line after which the process ends.
func isExit(line string) bool {
	if isLost(line) || strings.Contains(line, `"command failed"`) {
		return true
	}
	m := reKlog.FindStringSubmatch(line)
	return m != nil && m[1] == "F"
}

// splitRuns cuts a log where a new process starts: the klog pid changes
// (processes run by systemd or by hand), or a start line follows an exit
// or a first FLAG block (containers all log as pid 1).
func splitRuns(l *snapshot.Log) []Run {
	var runs []Run
	cur := Run{Log: l}
	pid := ""
	for i, line := range l.Lines {
		p := ""
		if m := reKlog.FindStringSubmatch(line); m != nil {
			p = m[2]
		}
		newRun := i > cur.Start && ((p != "" && pid != "" && p != pid) ||
			(isStart(line) && (cur.started || cur.Acquired != nil || cur.Exit != nil)) ||
			(isFirstFlag(line) && cur.Exit != nil))
		if newRun {
			cur.End = i
			runs = append(runs, cur)
			cur = Run{Log: l, Start: i}
		}
		if p != "" {
			pid = p
		}
		cur.note(i, line)
	}
	cur.End = len(l.Lines)
	if cur.End > cur.Start {
		runs = append(runs, cur)
	}
	return runs
}

// isFirstFlag: the flag dump that opens a run (--v ≥ 1).
func isFirstFlag(line string) bool { return strings.Contains(line, "] FLAG: --") }

func (r *Run) note(i int, line string) {
	if r.Exit != nil {
		return // lines after the exit line (deferred output) change nothing
	}
	if isStart(line) {
		r.started = true
	}
	switch {
	case isAcquired(line) && r.Acquired == nil:
		r.Acquired = &Hit{r.Log, i}
	case r.Identity == "" && strings.Contains(line, "became leader"):
		if m := reBecameLeader.FindStringSubmatch(line); m != nil {
			r.Identity = m[1]
		}
	}
	if isExit(line) {
		r.Exit = &Hit{r.Log, i}
		return
	}
	if m := reKlog.FindStringSubmatch(line); m != nil && (m[1] == "E" || m[1] == "F") {
		r.Error = &Hit{r.Log, i}
	}
}

// Ended reports whether the run's log shows the process ending.
func (r *Run) Ended() bool { return r.Exit != nil }

// LastRun is the newest run, or nil when there is no log.
func (f *Facts) LastRun() *Run {
	if len(f.Runs) == 0 {
		return nil
	}
	return &f.Runs[len(f.Runs)-1]
}
