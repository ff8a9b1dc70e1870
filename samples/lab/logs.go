package lab

import (
	"bufio"
	"os"
	"strings"
)

// LogLines returns the lines of the log file at path that contain every
// one of subs, with the klog header ("E1123 05:02:26.383637  27694 file.go:162] ")
// removed.
func LogLines(path string, subs ...string) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Text()
		ok := true
		for _, s := range subs {
			if !strings.Contains(line, s) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, stripKlogHeader(line))
		}
	}
	return out
}

// stripKlogHeader drops "Lmmdd hh:mm:ss.uuuuuu pid file:line] ".
func stripKlogHeader(line string) string {
	if len(line) > 1 && strings.ContainsRune("IWEF", rune(line[0])) && line[1] >= '0' && line[1] <= '9' {
		if i := strings.Index(line, "] "); i > 0 {
			return line[i+2:]
		}
	}
	return line
}
