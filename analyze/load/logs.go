package load

import (
	"bufio"
	"io"
	"strings"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
	"github.com/nsbundle/nsbundle/bundle"
)

// logFromNativePath parses a bundle.PodLogPath or bundle.FileLogPath; a
// log of any other name under logs/ is read without them.
func logFromNativePath(name string) *snapshot.Log {
	lg := &snapshot.Log{}
	if f, ok := bundle.ParseFileLogPath(name); ok {
		lg.Component = snapshot.ComponentOf(f.Name)
		if lg.Component == "" {
			lg.Component = f.Name
		}
	} else if p, ok := bundle.ParsePodLogPath(name); ok {
		lg.Namespace, lg.Pod, lg.Container, lg.Previous = p.Namespace, p.Pod, p.Container, p.Previous
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
