package bundle

import (
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"strings"

	"github.com/klauspost/compress/zstd"
)

// walker holds the state of one Walk: caps, counters and the name index.
type walker struct {
	path  string
	lim   Limits
	fn    func(*Entry) error
	kind  string // "gzip", "zstd", "tar" or "directory"
	meter *meter

	entries  int
	nfiles   int
	declared int64
	decided  bool // top folder decided
	top      string
	files    map[string]bool
	dirs     map[string]bool
	sticky   error // first read error seen by an entry reader
}

// problem returns an *Error for the entry stored as raw.
func (w *walker) problem(raw, format string, args ...any) *Error {
	return &Error{Path: w.path, Entry: shortName(raw), Problem: fmt.Sprintf(format, args...)}
}

// fail turns a read error into an *Error, remembers the first one (it ends
// the Walk even if the callback swallows it) and returns it.
func (w *walker) fail(raw string, err error) error {
	be := w.classify(raw, err)
	if w.sticky == nil {
		w.sticky = be
	}
	return w.sticky
}

// classify maps a read error to an *Error.
func (w *walker) classify(raw string, err error) *Error {
	var be *Error
	if errors.As(err, &be) {
		return be
	}
	if w.meter != nil && w.meter.err != nil {
		return w.meter.err
	}
	if errors.Is(err, zstd.ErrWindowSizeExceeded) || errors.Is(err, zstd.ErrDecoderSizeExceeded) {
		return &Error{Path: w.path, Problem: fmt.Sprintf("zstd window over %d MiB (refused; recompress without --long)", zstdMaxWindow>>20), Err: err}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return &Error{Path: w.path, Problem: "truncated archive", Err: err}
	}
	if w.kind == "directory" {
		return &Error{Path: w.path, Entry: shortName(raw), Problem: "read error: " + errText(err), Err: err}
	}
	return &Error{Path: w.path, Problem: "corrupt archive: " + err.Error(), Err: err}
}

// count checks the entry count and the declared sizes of one more entry.
func (w *walker) count(raw string, size int64) *Error {
	w.entries++
	if w.entries > w.lim.MaxEntries {
		return w.problem(raw, "too many entries (limit %d)", w.lim.MaxEntries)
	}
	if size < 0 {
		return w.problem(raw, "negative size")
	}
	if size > w.lim.MaxEntrySize {
		return w.problem(raw, "entry size %d over the limit of %d bytes", size, w.lim.MaxEntrySize)
	}
	w.declared += size
	if w.declared > w.lim.MaxTotalSize {
		return w.problem(raw, "total size over the limit of %d bytes", w.lim.MaxTotalSize)
	}
	return nil
}

// checkName validates a stored name and returns it cleaned (no trailing
// slash, no "./" prefix); "." is the archive root.
func (w *walker) checkName(raw string) (string, *Error) {
	switch {
	case raw == "":
		return "", w.problem(raw, "empty name")
	case len(raw) > w.lim.MaxNameLen:
		return "", w.problem(raw, "name too long (%d bytes, limit %d)", len(raw), w.lim.MaxNameLen)
	case strings.IndexByte(raw, 0) >= 0:
		return "", w.problem(raw, "unsafe name: NUL byte")
	case strings.IndexByte(raw, '\\') >= 0:
		return "", w.problem(raw, "unsafe name: backslash")
	case strings.HasPrefix(raw, "/"):
		return "", w.problem(raw, "unsafe name: absolute path")
	case len(raw) >= 2 && raw[1] == ':' && isASCIILetter(raw[0]):
		return "", w.problem(raw, "unsafe name: drive letter")
	case hasDotDot(raw):
		return "", w.problem(raw, `unsafe name: ".." element`)
	}
	clean := path.Clean(raw)
	if clean != "." && !filepath.IsLocal(clean) {
		return "", w.problem(raw, "unsafe name: not local")
	}
	return clean, nil
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// layoutDirs are the top-level folders of the layouts the analyzer reads:
// an archive whose first entry lies under one of them is flat, and a
// directory holding only one of them is not a wrapper. They are nsbundle's
// own and those of a Replicated troubleshoot support bundle, whose flat
// archives may start with any of them (cluster-resources/ alone is a
// troubleshoot bundle, not a wrapper around "namespaces.json").
var layoutDirs = map[string]bool{
	ResourcesDir: true, DiscoveryDir: true, HealthDir: true, TerminatingDir: true, LogsDir: true,
	"cluster-resources": true, "cluster-info": true, "all-logs": true, "host-collectors": true,
}

// relName applies the top-folder rule to a clean name and returns the name
// relative to the bundle root ("" for the root itself).
func (w *walker) relName(raw, clean string, isDir bool) (string, *Error) {
	if clean == "." {
		return "", nil
	}
	first, rest, nested := strings.Cut(clean, "/")
	if !w.decided {
		w.decided = true
		if (nested || isDir) && !layoutDirs[first] {
			w.top = first
		}
	}
	if w.top == "" {
		return clean, nil
	}
	if first != w.top {
		return "", w.problem(raw, "entry outside the top folder %q", w.top)
	}
	if !nested {
		if !isDir {
			return "", w.problem(raw, "file has the name of the top folder")
		}
		return "", nil
	}
	return rest, nil
}

// index records a file or directory name, refusing duplicates and names
// that are both a file and a directory.
func (w *walker) index(raw, rel string, isDir bool) *Error {
	if rel == "" {
		return nil
	}
	if isDir {
		if w.files[rel] {
			return w.problem(raw, "directory has the name of a file")
		}
		w.dirs[rel] = true
		return nil
	}
	if w.files[rel] {
		return w.problem(raw, "duplicate entry")
	}
	if w.dirs[rel] {
		return w.problem(raw, "file has the name of a directory")
	}
	for p := path.Dir(rel); p != "."; p = path.Dir(p) {
		if w.files[p] {
			return w.problem(raw, "file has the name of a directory")
		}
		if w.dirs[p] {
			break
		}
		w.dirs[p] = true
	}
	w.files[rel] = true
	return nil
}

// visit calls fn for one file or link and invalidates the entry afterwards.
// Only regular files count as files (an archive of links alone is empty).
func (w *walker) visit(e *Entry) error {
	if !e.isLink {
		w.nfiles++
	}
	e.w = w
	err := w.fn(e)
	e.closed = true
	if w.sticky != nil {
		return w.sticky
	}
	return err
}
