package bundle

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"
)

// Entry is one regular file or link of a bundle, valid only during the Walk
// callback.
type Entry struct {
	// Name is clean, slash-separated and relative to the bundle root (the
	// single top folder, if any, is stripped): "manifest.json",
	// "resources/core/v1/pods.json".
	Name string
	// Size is the entry's size in bytes.
	Size int64
	// ModTime is the modification time recorded for the entry.
	ModTime time.Time
	// LinkTarget is, for a symbolic or hard link, the target as stored
	// (never followed); "" for a regular file. A link has no content.
	LinkTarget string
	// Link is, for a link whose target lies inside the bundle root, the
	// target as a clean bundle-relative name (like Name); "" if the target
	// is absolute, escapes the root or is unsafe, and for regular files.
	// The target may be missing (dangling) or a directory.
	Link string

	isLink bool

	raw    string // name as stored, for errors
	open   func() (io.Reader, error)
	w      *walker
	r      io.Reader
	closed bool
}

// IsLink reports whether the entry is a symbolic or hard link.
func (e *Entry) IsLink() bool { return e.isLink }

// Reader returns the entry's content, at most Size bytes (none for a link). Reading it after
// the callback has returned fails. Read errors are *Error values (truncated
// or corrupt archive, caps exceeded) and also end the Walk.
func (e *Entry) Reader() io.Reader { return entryReader{e} }

// ReadAll reads the whole entry into memory.
func (e *Entry) ReadAll() ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(int(min(e.Size, 64<<20)) + 1)
	_, err := buf.ReadFrom(e.Reader())
	return buf.Bytes(), err
}

type entryReader struct{ e *Entry }

func (r entryReader) Read(p []byte) (int, error) {
	e := r.e
	if e.closed {
		return 0, fmt.Errorf("read %s: entry read after its Walk callback returned", e.Name)
	}
	if e.r == nil {
		rd, err := e.open()
		if err != nil {
			return 0, e.w.fail(e.raw, err)
		}
		e.r = rd
	}
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF {
		err = e.w.fail(e.raw, err)
	}
	return n, err
}

// Walk reads a bundle and calls fn for every regular file and every link, in archive order
// (lexical order for a directory). The bundle may be a gzip (multi-member)
// or zstd compressed tar, a plain tar, or an already extracted directory;
// the format is detected from the content, not the name. Nothing is written
// to disk.
//
// Walk refuses, with an *Error, unsafe entries (names that are absolute,
// contain "..", a backslash, a drive letter or a NUL byte, or are too long;
// devices, FIFOs, sockets, sparse files; duplicates), anything over the Limits (including a compression ratio that
// marks a bomb), truncated or corrupt archives, empty files and anything
// that is not a bundle. Symbolic and hard links are passed to fn as
// entries with no content (see Entry.Link): they are never followed, and a
// target outside the bundle is reported, not opened.
//
// Top folder: if the first entry lies under a folder, that folder is the
// bundle root, every entry must lie under it, and it is stripped from
// Entry.Name (nsbundle, troubleshoot and a tarred `kubectl cluster-info
// dump` all have one). If the first entry is a file at the top level, or
// lies under one of the bundle's own folders (resources/, logs/...), the
// archive is flat and names are kept as they are. A directory is its own
// root, unless it holds exactly one directory and nothing else.
//
// fn may return fs.SkipAll to stop early; Walk then returns nil. Any other
// error from fn is returned as is.
func Walk(path string, lim Limits, fn func(e *Entry) error) error {
	w := newWalker(path, lim, fn)
	st, err := os.Stat(path)
	if err != nil {
		return &Error{Path: path, Problem: "cannot open: " + errText(err), Err: err}
	}
	switch {
	case st.IsDir():
		err = w.walkDir()
	case st.Mode().IsRegular():
		err = w.walkFile()
	default:
		return &Error{Path: path, Problem: "not a regular file or directory"}
	}
	if errors.Is(err, fs.SkipAll) {
		return nil
	}
	return err
}

// WalkReader is Walk for an archive read from r, such as standard input
// (gzip, zstd or plain tar; not a directory); name stands for the path in
// errors.
func WalkReader(name string, r io.Reader, lim Limits, fn func(e *Entry) error) error {
	err := newWalker(name, lim, fn).walkStream(r)
	if errors.Is(err, fs.SkipAll) {
		return nil
	}
	return err
}

func newWalker(path string, lim Limits, fn func(e *Entry) error) *walker {
	return &walker{
		path:  path,
		lim:   lim.withDefaults(),
		fn:    fn,
		files: map[string]bool{},
		dirs:  map[string]bool{},
	}
}

// errText is err's text without the path os errors repeat.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// ReadManifest reads manifest.json from a bundle, stopping as soon as it is
// found (it is the first entry of an nsbundle archive). It fails with an
// *Error if there is none, it is over 64 MiB or invalid, or its format
// version is not one this package reads.
func ReadManifest(path string, lim Limits) (*Manifest, error) {
	return readManifest(path, func(fn func(e *Entry) error) error { return Walk(path, lim, fn) })
}

// ReadManifestReader is ReadManifest for an archive read from r (see
// WalkReader). It reads r only up to the manifest.
func ReadManifestReader(name string, r io.Reader, lim Limits) (*Manifest, error) {
	return readManifest(name, func(fn func(e *Entry) error) error { return WalkReader(name, r, lim, fn) })
}

func readManifest(path string, walk func(fn func(e *Entry) error) error) (*Manifest, error) {
	var m *Manifest
	var raw string
	err := walk(func(e *Entry) error {
		if e.Name != ManifestPath || e.IsLink() {
			return nil
		}
		if e.Size > maxManifestSize {
			return &Error{Path: path, Entry: e.raw, Problem: fmt.Sprintf("manifest over %d bytes", maxManifestSize)}
		}
		var mm Manifest
		if err := json.NewDecoder(e.Reader()).Decode(&mm); err != nil {
			var be *Error
			if errors.As(err, &be) {
				return be
			}
			return &Error{Path: path, Entry: e.raw, Problem: "invalid manifest: " + err.Error(), Err: err}
		}
		m, raw = &mm, e.raw
		return fs.SkipAll
	})
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, &Error{Path: path, Problem: "no manifest.json (not an nsbundle bundle)", Err: ErrNoManifest}
	}
	if m.FormatVersion != FormatVersion && !strings.HasPrefix(m.FormatVersion, FormatVersion+".") {
		return nil, &Error{Path: path, Entry: raw,
			Problem: fmt.Sprintf("unsupported format version %q (this nsbundle reads %s)", m.FormatVersion, FormatVersion)}
	}
	return m, nil
}

const maxManifestSize = 64 << 20

// ErrNoManifest is wrapped by ReadManifest's *Error for a readable bundle
// with no manifest.json (a foreign layout, or no bundle at all).
var ErrNoManifest = errors.New("no manifest.json")
