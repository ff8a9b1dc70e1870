package collect

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"strings"

	"github.com/nsbundle/nsbundle/bundle"
)

// auditLogs copies each --audit-log file into logs/audit/<name>, keeping
// its newest MaxAuditBytes, with the bodies of sensitive objects dropped
// (see redactAudit). Each file is read whole before it is written: a file
// that fails is recorded, never half-written.
func (r *run) auditLogs(ctx context.Context) {
	r.rec.expect(PhaseLogs, len(r.o.AuditLogs))
	names := auditNames(r.o.AuditLogs)
	for i, src := range r.o.AuditLogs {
		if ctx.Err() != nil {
			return
		}
		lf := bundle.LogFile{Path: path.Join(bundle.AuditDir, names[i]), Source: src, Audit: true}
		data, truncated, err := readAuditTail(src, r.o.MaxAuditBytes)
		if err != nil {
			lf.Error = err.Error()
			r.rec.miss("audit log "+src, 0, lf.Error)
		} else {
			data, lf.Redacted, lf.Dropped = redactAudit(data)
			lf.Bytes, lf.Truncated = int64(len(data)), truncated
			if !r.writeFile(lf.Path, data) {
				return
			}
		}
		r.rec.log(lf)
		r.rec.event(Event{Phase: PhaseLogs, Item: lf.Path, Bytes: lf.Bytes, Err: lf.Error})
	}
}

// auditNames names the bundle file of each audit log: its base name
// without ".gz" (the copy is plain), reduced to letters, digits, '.', '_'
// and '-', with "-2", "-3"... before the extension when two are alike.
func auditNames(paths []string) []string {
	out := make([]string, len(paths))
	seen := map[string]bool{}
	for i, p := range paths {
		base := strings.TrimSuffix(filepath.Base(p), ".gz")
		base = strings.Map(func(c rune) rune {
			if c < 128 && (c == '.' || c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
				return c
			}
			return '_'
		}, base)
		base = strings.TrimLeft(base, ".")
		if len(base) > 100 {
			base = base[:100]
		}
		if base == "" {
			base = "audit.log"
		}
		name := base
		ext := path.Ext(base)
		for n := 2; seen[name]; n++ {
			name = fmt.Sprintf("%s-%d%s", strings.TrimSuffix(base, ext), n, ext)
		}
		seen[name] = true
		out[i] = name
	}
	return out
}

// readAuditTail reads the newest limit bytes of an audit log, from a line
// start; a gzip-compressed file is decompressed as it streams.
func readAuditTail(name string, limit int64) ([]byte, bool, error) {
	f, _, err := openRegular(name)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	if magic, _ := br.Peek(2); len(magic) < 2 || magic[0] != 0x1f || magic[1] != 0x8b {
		f.Close()
		return readTail(name, limit)
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", name, err)
	}
	data, truncated, err := tailLines(bufio.NewReaderSize(zr, 64<<10), limit)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", name, err)
	}
	return data, truncated, nil
}

// tailLines keeps the last whole lines of r that fit in limit bytes; a line
// longer than limit is skipped without being held.
func tailLines(r *bufio.Reader, limit int64) ([]byte, bool, error) {
	var lines [][]byte
	var total int64
	truncated := false
	var cur []byte
	long := false
	for {
		chunk, err := r.ReadSlice('\n')
		if !long {
			if int64(len(cur)+len(chunk)) > limit {
				long, cur = true, nil
			} else {
				cur = append(cur, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, false, err
		}
		if long {
			truncated = true
		} else if len(cur) > 0 {
			lines = append(lines, cur)
			total += int64(len(cur))
			for total > limit {
				total -= int64(len(lines[0]))
				lines, truncated = lines[1:], true
			}
		}
		cur, long = nil, false
		if err != nil {
			return bytes.Join(lines, nil), truncated, nil
		}
	}
}

// auditSensitive are the resources (and resource/subresource pairs) whose
// audit request and response bodies collect drops: what it already reduces
// to metadata (Secrets, ConfigMaps) and requests that carry tokens.
var auditSensitive = map[string]bool{
	"secrets": true, "configmaps": true, "tokenreviews": true, "tokenrequests": true,
	"serviceaccounts/token": true,
}

// redactAudit drops requestObject and responseObject from the events of
// sensitive resources and drops lines that are not JSON (a line cut while
// being written could hold half a Secret). It returns the lines kept and
// how many events were redacted and lines dropped. A redacted event is
// re-encoded, its keys in alphabetical order.
func redactAudit(data []byte) ([]byte, int, int) {
	var out bytes.Buffer
	out.Grow(len(data))
	redacted, dropped := 0, 0
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		trimmed := bytes.TrimSpace(line)
		if len(trimmed) == 0 {
			continue
		}
		var ev struct {
			ObjectRef *struct {
				Resource    string `json:"resource"`
				Subresource string `json:"subresource"`
			} `json:"objectRef"`
			RequestObject  json.RawMessage `json:"requestObject"`
			ResponseObject json.RawMessage `json:"responseObject"`
		}
		if err := json.Unmarshal(trimmed, &ev); err != nil {
			dropped++
			continue
		}
		if ev.ObjectRef != nil && (ev.RequestObject != nil || ev.ResponseObject != nil) &&
			(auditSensitive[ev.ObjectRef.Resource] || auditSensitive[ev.ObjectRef.Resource+"/"+ev.ObjectRef.Subresource]) {
			var m map[string]json.RawMessage
			if err := json.Unmarshal(trimmed, &m); err != nil {
				dropped++
				continue
			}
			delete(m, "requestObject")
			delete(m, "responseObject")
			b, err := json.Marshal(m)
			if err != nil {
				dropped++
				continue
			}
			trimmed = b
			redacted++
		}
		out.Write(trimmed)
		out.WriteByte('\n')
	}
	return out.Bytes(), redacted, dropped
}
