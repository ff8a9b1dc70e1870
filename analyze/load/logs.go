package load

import (
	"bufio"
	"io"
	"strings"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// logFromNativePath parses logs/<ns>/<pod>/<container>[.previous].log and
// logs/files/<name>.log.
func logFromNativePath(name string) *snapshot.Log {
	parts := strings.Split(strings.TrimSuffix(name, ".log"), "/")
	lg := &snapshot.Log{}
	switch {
	case len(parts) == 3 && parts[1] == "files":
		lg.Component = snapshot.ComponentOf(parts[2])
		if lg.Component == "" {
			lg.Component = parts[2]
		}
	case len(parts) == 4:
		lg.Namespace, lg.Pod, lg.Container = parts[1], parts[2], parts[3]
		if c, ok := strings.CutSuffix(lg.Container, ".previous"); ok {
			lg.Container, lg.Previous = c, true
		}
		lg.Component = snapshot.ComponentOf(lg.Container, lg.Pod)
	}
	return lg
}

// troubleshootPodLogs is where troubleshoot's clusterResources collector
// writes pod logs: <ns>/<pod>/<container>[-previous].log under it.
const troubleshootPodLogs = "cluster-resources/pods/logs/"

// logFromTroubleshootPath parses
// cluster-resources/pods/logs/<ns>/<pod>/<container>[-previous].log; nil
// for any other shape.
func logFromTroubleshootPath(name string) *snapshot.Log {
	parts := strings.Split(strings.TrimSuffix(strings.TrimPrefix(name, troubleshootPodLogs), ".log"), "/")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return nil
	}
	lg := &snapshot.Log{Namespace: parts[0], Pod: parts[1], Container: parts[2]}
	if c, ok := strings.CutSuffix(lg.Container, "-previous"); ok && c != "" {
		lg.Container, lg.Previous = c, true
	}
	lg.Component = snapshot.ComponentOf(lg.Container, lg.Pod)
	return lg
}

// log reads a log file, keeping its last MaxLogLines lines.
func (l *loader) log(name string, r io.Reader, lg *snapshot.Log) error {
	lg.Path = name
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLogLineBytes)
	sc.Split(scanLinesCut)
	n := 0
	for sc.Scan() {
		n++
		lg.Lines = append(lg.Lines, sc.Text())
		if len(lg.Lines) > 2*MaxLogLines {
			lg.Lines = append([]string(nil), lg.Lines[len(lg.Lines)-MaxLogLines:]...)
		}
	}
	if err := sc.Err(); err != nil {
		l.note("%s: %v (log partly read)", name, err)
	}
	if len(lg.Lines) > MaxLogLines {
		lg.Lines = lg.Lines[len(lg.Lines)-MaxLogLines:]
	}
	lg.FirstLine = n - len(lg.Lines) + 1
	l.s.Logs = append(l.s.Logs, lg)
	l.s.MarkCollected(snapshot.ResLogs)
	return nil
}

// scanLinesCut is bufio.ScanLines that cuts over-long lines instead of
// failing.
func scanLinesCut(data []byte, atEOF bool) (int, []byte, error) {
	adv, tok, err := bufio.ScanLines(data, atEOF)
	if adv == 0 && tok == nil && err == nil && len(data) >= MaxLogLineBytes {
		return len(data), data[:MaxLogLineBytes], nil
	}
	return adv, tok, err
}
