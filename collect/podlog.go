package collect

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/nsbundle/nsbundle/bundle"
)

// tailBuffer keeps the last max bytes written to it and counts everything.
type tailBuffer struct {
	max   int
	buf   []byte
	total int64
	lines int64
}

func (t *tailBuffer) reset() { t.buf, t.total, t.lines = t.buf[:0], 0, 0 }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.total += int64(len(p))
	t.lines += int64(bytes.Count(p, []byte{'\n'}))
	t.buf = append(t.buf, p...)
	if len(t.buf) > 2*t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
	}
	return len(p), nil
}

// tail returns the kept bytes: the last max, starting after a newline when
// cut.
func (t *tailBuffer) tail() ([]byte, bool) {
	b := t.buf
	if len(b) <= t.max && t.total == int64(len(b)) {
		return b, false
	}
	if len(b) > t.max {
		b = b[len(b)-t.max:]
	}
	if i := bytes.IndexByte(b, '\n'); i >= 0 && i < len(b)-1 {
		b = b[i+1:]
	}
	return b, true
}

// podLog collects one container log, current or previous, keeping its
// newest MaxLogBytes. The first request asks for MaxLogBytes+1 bytes; if
// the log is longer, a second asks for the last lines that should fit
// (estimated from the first), so the newest lines are kept.
func (r *run) podLog(ctx context.Context, t logTarget, container string, previous bool) {
	ns, pod := t.pod.Metadata.Namespace, t.pod.Metadata.Name
	file := logPath(ns, pod, container, previous)
	lf := bundle.LogFile{Path: file, Namespace: ns, Pod: pod, Container: container, Previous: previous, Component: t.component}
	limit := r.o.MaxLogBytes
	buf := &tailBuffer{max: int(limit)}
	req := r.fetchLog(ctx, ns, pod, container, previous, url.Values{"limitBytes": {strconv.FormatInt(limit+1, 10)}}, buf)
	if req.Error == "" && buf.total > limit {
		lines := limit * max(buf.lines, 1) / buf.total
		second := &tailBuffer{max: int(limit)}
		req2 := r.fetchLog(ctx, ns, pod, container, previous, url.Values{
			"tailLines":  {strconv.FormatInt(max(lines, 1), 10)},
			"limitBytes": {strconv.FormatInt(2*limit, 10)},
		}, second)
		if req2.Error == "" {
			buf, req = second, req2
		}
		lf.Truncated = true
	}
	lf.Error = req.Error
	if req.Error == "" {
		data, cut := buf.tail()
		lf.Truncated = lf.Truncated || cut
		lf.Bytes = int64(len(data))
		req.File, req.Bytes, req.Truncated = file, lf.Bytes, lf.Truncated
		if !r.writeFile(file, data) {
			return
		}
	} else {
		r.rec.miss("logs "+ns+"/"+pod+"/"+container+map[bool]string{true: " (previous)"}[previous], req.Status, req.Error)
	}
	r.rec.request(req)
	r.rec.log(lf)
	r.rec.event(Event{Phase: PhaseLogs, Item: file, Bytes: lf.Bytes, Err: firstLine(lf.Error, 160)})
}

// fetchLog sends one log request into buf and returns its record.
func (r *run) fetchLog(ctx context.Context, ns, pod, container string, previous bool, q url.Values, buf *tailBuffer) bundle.Request {
	q.Set("container", container)
	if previous {
		q.Set("previous", "true")
	}
	if r.o.Since > 0 {
		q.Set("sinceSeconds", strconv.FormatInt(int64((r.o.Since+time.Second-1)/time.Second), 10))
	}
	p := "/api/v1/namespaces/" + url.PathEscape(ns) + "/pods/" + url.PathEscape(pod) + "/log?" + q.Encode()
	start := time.Now()
	out := r.c.do(ctx, call{path: p, accept: "text/plain, */*", gr: schema.GroupResource{Resource: "pods"}, name: pod},
		func(rd io.Reader) error {
			buf.reset()
			_, err := io.Copy(buf, rd)
			return err
		})
	return bundle.Request{Path: p, Verb: "get", Status: out.status, Reason: out.reason, Error: out.errText(),
		Retries: out.retries, DurationMillis: time.Since(start).Milliseconds()}
}

// logFiles copies each --log file into logs/files/<NAME>.log, keeping its
// newest MaxLogBytes.
func (r *run) logFiles(ctx context.Context) {
	r.rec.expect(PhaseLogs, len(r.o.LogFiles))
	for _, s := range r.o.LogFiles {
		if ctx.Err() != nil {
			return
		}
		lf := bundle.LogFile{Path: bundle.FileLogPath{Name: s.Name}.String(), Source: s.Path, Component: s.Name}
		data, truncated, err := readTail(s.Path, r.o.MaxLogBytes)
		if err != nil {
			lf.Error = err.Error()
			r.rec.miss("log file "+s.Name, 0, lf.Error)
		} else {
			lf.Bytes, lf.Truncated = int64(len(data)), truncated
			if !r.writeFile(lf.Path, data) {
				return
			}
		}
		r.rec.log(lf)
		r.rec.event(Event{Phase: PhaseLogs, Item: lf.Path, Bytes: lf.Bytes, Err: lf.Error})
	}
}

// openRegular opens a local file collect copies, refusing anything that is
// not a regular file (a FIFO or device would block or never end).
func openRegular(name string) (*os.File, os.FileInfo, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, fmt.Errorf("%s: not a regular file", name)
	}
	return f, fi, nil
}

// readTail reads the last max bytes of a file, from a line start when cut.
func readTail(name string, limit int64) ([]byte, bool, error) {
	f, fi, err := openRegular(name)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	off := max(fi.Size()-limit, 0)
	data, err := io.ReadAll(io.NewSectionReader(f, off, limit))
	if err != nil {
		return nil, false, err
	}
	if off > 0 {
		if i := bytes.IndexByte(data, '\n'); i >= 0 && i < len(data)-1 {
			data = data[i+1:]
		}
	}
	return data, off > 0, nil
}
