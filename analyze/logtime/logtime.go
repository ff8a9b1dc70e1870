// Package logtime reads the time at the start of a log line: an RFC 3339
// prefix (kubectl logs --timestamps, the kubelet's CRI log files, journald
// exports) or a klog header ("E1123 07:58:12.068021 ..."), which has no year.
package logtime

import (
	"strings"
	"time"
)

// Future is how far after the collection time a klog date may fall and
// still be read in the collection's year (clocks differ a little); a later
// date is read in the year before, as a log written in December and
// collected in January.
const Future = 24 * time.Hour

// Of returns the time a log line starts with. An RFC 3339 prefix is exact.
// A klog header has no year and no zone: it is read as UTC in the year of
// now, the collection time (the year before when that would put it more than
// Future after now). Without a collection time (now zero) a klog line is not
// dated: its year would be a guess.
func Of(line string, now time.Time) (time.Time, bool) {
	if t, ok := rfc3339Prefix(line); ok {
		return t, true
	}
	return klog(line, now)
}

// Klog reports whether line starts with a klog header ("I1123 07:58:12.068021").
func Klog(line string) bool {
	_, ok := klogParts(line)
	return ok
}

// Message returns line without its leading time and, for klog, the rest of
// its header (pid, file:line): what repeats when a component logs the same
// thing again.
func Message(line string) string {
	if _, ok := rfc3339Prefix(line); ok {
		_, rest, _ := strings.Cut(line, " ")
		line = strings.TrimLeft(rest, " ")
	}
	if _, ok := klogParts(line); ok {
		if i := strings.Index(line, "] "); i >= 0 {
			return line[i+2:]
		}
		return strings.TrimLeft(line[21:], " ")
	}
	return line
}

// rfc3339Prefix reads a time in RFC 3339 (optionally with fractional
// seconds) before the line's first space.
func rfc3339Prefix(line string) (time.Time, bool) {
	field, _, _ := strings.Cut(line, " ")
	if len(field) < len("2006-01-02T15:04:05Z") || len(field) > 40 || field[4] != '-' || field[10] != 'T' {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, field)
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// klogParts returns the "MMDD hh:mm:ss.uuuuuu" part of a klog header.
func klogParts(line string) (string, bool) {
	if len(line) < 21 || !strings.ContainsRune("IWEF", rune(line[0])) || line[5] != ' ' || line[8] != ':' || line[11] != ':' || line[14] != '.' {
		return "", false
	}
	for i := 1; i < 21; i++ {
		if i == 5 || i == 8 || i == 11 || i == 14 {
			continue
		}
		if line[i] < '0' || line[i] > '9' {
			return "", false
		}
	}
	return line[1:21], true
}

func klog(line string, now time.Time) (time.Time, bool) {
	p, ok := klogParts(line)
	if !ok || now.IsZero() {
		return time.Time{}, false
	}
	now = now.UTC()
	for _, year := range []int{now.Year(), now.Year() - 1} {
		t, err := time.ParseInLocation("2006 0102 15:04:05.000000", itoa4(year)+" "+p, time.UTC)
		if err != nil {
			continue // 29 February of a year that has none: try the year before
		}
		if t.After(now.Add(Future)) {
			continue
		}
		return t, true
	}
	return time.Time{}, false
}

func itoa4(y int) string {
	b := []byte("0000")
	for i := 3; i >= 0 && y > 0; i-- {
		b[i] = byte('0' + y%10)
		y /= 10
	}
	return string(b)
}
