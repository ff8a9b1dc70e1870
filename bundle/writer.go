package bundle

import (
	"archive/tar"
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// WriterOptions configure Create.
type WriterOptions struct {
	// Codec is the compression; empty means CodecGzip.
	Codec Codec
	// Force overwrites an existing file at the target path.
	Force bool
	// TopDir is the single top folder every entry is written under. Empty
	// means the target file name without its .tgz/.tar.gz/.tar.zst/.tar
	// extension. It must be one plain path element.
	TopDir string
	// Mode is the permission of the bundle file; 0 means 0600 (a bundle can
	// hold credentials that leaked into logs).
	Mode os.FileMode
	// Stream, when set, receives the archive at Commit instead of a file at
	// the target path (standard output). The path then only names the
	// bundle (its top folder) and the directory of the temporary files;
	// nothing is written to Stream before Commit.
	Stream io.Writer
}

// Writer writes one bundle archive atomically: nothing appears at the target
// path until Commit, and every temporary file (all in the target directory,
// named ".<name>.*.tmp") is removed on Abort or on any error. On Unix the
// body and spool files have no name from the start (see tempFile), so a
// killed collector leaves at most the final archive's temporary file, which
// exists only while Commit copies and renames it.
//
// Finished entries are appended, each as its own gzip member or zstd frame,
// to a temporary body file, preceded by records for their directories
// (mode 0700; files are 0600). Commit writes the compressed tar record of
// manifest.json, copies the body after it, ends the archive with the tar
// end-of-archive blocks, fsyncs the file, renames it into place and fsyncs
// the directory. All methods are safe for concurrent use; each entry stream
// (Create, NewList) is compressed by the goroutine writing it.
type Writer struct {
	path  string
	dir   string
	base  string
	top   string
	opts  WriterOptions
	codec *codecPool
	mtime time.Time

	mu      sync.Mutex
	body    *tempFile
	names   map[string]bool
	dirs    map[string]bool // directory records already in the body
	streams map[*entryWriter]bool
	state   writerState
	err     error       // first write error; the writer is aborted
	done    atomic.Bool // committed or aborted, readable without mu
}

type writerState int

const (
	stateOpen writerState = iota
	stateCommitted
	stateAborted
)

// ErrClosed is returned by Writer methods called after Commit or Abort.
var ErrClosed = errors.New("bundle writer already committed or aborted")

// Create starts a bundle at path. It fails if path exists and opts.Force is
// not set. Call Commit to publish the bundle or Abort to discard it.
func Create(path string, opts WriterOptions) (*Writer, error) {
	if opts.Codec == "" {
		opts.Codec = CodecGzip
	}
	if opts.Mode == 0 {
		opts.Mode = 0o600
	}
	cp, err := newCodecPool(opts.Codec)
	if err != nil {
		return nil, err
	}
	base := filepath.Base(path)
	top := opts.TopDir
	if top == "" {
		top = trimArchiveExt(base)
	}
	if top == "" || top == "." || top == ".." || strings.ContainsAny(top, "/\\\x00") {
		return nil, fmt.Errorf("invalid top folder %q: want one plain path element", top)
	}
	if !opts.Force && opts.Stream == nil {
		if _, err := os.Lstat(path); err == nil {
			return nil, fmt.Errorf("%s already exists (use force to overwrite)", path)
		} else if !errors.Is(err, os.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) { // ENOTDIR: said below
			return nil, fmt.Errorf("check %s: %w", path, err)
		}
	}
	dir := filepath.Dir(path)
	body, err := createTemp(dir, "."+base+".*.body.tmp")
	if err != nil {
		return nil, dirError(dir, err)
	}
	return &Writer{
		path:    path,
		dir:     dir,
		base:    base,
		top:     top,
		opts:    opts,
		codec:   cp,
		mtime:   time.Now().Truncate(time.Second),
		body:    body,
		names:   map[string]bool{ManifestPath: true},
		dirs:    map[string]bool{},
		streams: map[*entryWriter]bool{},
	}, nil
}

// trimArchiveExt strips a known archive extension from a file name.
func trimArchiveExt(name string) string {
	for _, ext := range []string{".tar.gz", ".tgz", ".tar.zst", ".tzst", ".tar"} {
		if strings.HasSuffix(name, ext) {
			return strings.TrimSuffix(name, ext)
		}
	}
	return name
}

// Path returns the target path of the bundle.
func (w *Writer) Path() string { return w.path }

// TopDir returns the top folder every entry is written under.
func (w *Writer) TopDir() string { return w.top }

// reserve claims an entry name; under w.mu.
func (w *Writer) reserveLocked(name string) error {
	if w.state != stateOpen {
		return ErrClosed
	}
	if w.err != nil {
		return w.err
	}
	if err := checkWriteName(name); err != nil {
		return err
	}
	if n := len(w.top) + 1 + len(name); n > DefaultMaxNameLen {
		return fmt.Errorf("entry name %q too long (%d bytes with the top folder, limit %d)", shortName(name), n, DefaultMaxNameLen)
	}
	if w.names[name] {
		return fmt.Errorf("duplicate entry %q", name)
	}
	w.names[name] = true
	return nil
}

// header returns the tar header record (with any PAX record) for a file.
func (w *Writer) header(name string, size int64) ([]byte, error) {
	return w.rawHeader(&tar.Header{Typeflag: tar.TypeReg, Name: w.top + "/" + name, Size: size, Mode: 0o600})
}

// dirHeadersLocked returns the directory records (mode 0700, as kubectl
// cluster-info dump does) for the top folder and the parents of name not
// yet written, parents first; under w.mu.
func (w *Writer) dirHeadersLocked(name string) ([]byte, error) {
	var missing []string
	for d := path.Dir(name); ; d = path.Dir(d) {
		if w.dirs[d] {
			break
		}
		missing = append(missing, d)
		if d == "." {
			break
		}
	}
	var out []byte
	for i := len(missing) - 1; i >= 0; i-- {
		d := w.top + "/"
		if missing[i] != "." {
			d += missing[i] + "/"
		}
		h, err := w.rawHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d, Mode: 0o700})
		if err != nil {
			return nil, err
		}
		out = append(out, h...)
		w.dirs[missing[i]] = true
	}
	return out, nil
}

// rawHeader encodes one tar header.
func (w *Writer) rawHeader(h *tar.Header) ([]byte, error) {
	var buf strings.Builder
	tw := tar.NewWriter(&buf)
	h.ModTime = w.mtime
	err := tw.WriteHeader(h)
	if err != nil {
		return nil, fmt.Errorf("tar header for %s: %w", h.Name, err)
	}
	// The tar.Writer is dropped on purpose: its data and end blocks are
	// written by the caller.
	return []byte(buf.String()), nil
}

// padding returns the zero bytes that round size up to a tar block.
func padding(size int64) []byte {
	return make([]byte, (blockSize-size%blockSize)%blockSize)
}

const blockSize = 512

// WriteFile adds a small entry held in memory. name is slash-separated and
// relative to the top folder. Safe for concurrent use.
func (w *Writer) WriteFile(name string, data []byte) error {
	w.mu.Lock()
	err := w.reserveLocked(name)
	w.mu.Unlock()
	if err != nil {
		return err
	}
	hdr, err := w.header(name, int64(len(data)))
	if err != nil {
		return w.fail(err)
	}
	member, err := w.codec.member(hdr, data, padding(int64(len(data))))
	if err != nil {
		return w.fail(fmt.Errorf("compress %s: %w", name, err))
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.appendLocked(name, member, nil)
}

// appendLocked appends a compressed header/record and an optional spool
// file of compressed data to the body; under w.mu.
func (w *Writer) appendLocked(name string, member []byte, spool *os.File) error {
	if w.state != stateOpen {
		return ErrClosed
	}
	if w.err != nil {
		return w.err
	}
	dirs, err := w.dirHeadersLocked(name)
	if err != nil {
		return w.failLocked(err)
	}
	if len(dirs) > 0 {
		dm, err := w.codec.member(dirs)
		if err != nil {
			return w.failLocked(fmt.Errorf("compress directories of %s: %w", name, err))
		}
		if _, err := w.body.Write(dm); err != nil {
			return w.failLocked(fmt.Errorf("write %s: %w", name, err))
		}
	}
	if _, err := w.body.Write(member); err != nil {
		return w.failLocked(fmt.Errorf("write %s: %w", name, err))
	}
	if spool != nil {
		if _, err := spool.Seek(0, io.SeekStart); err != nil {
			return w.failLocked(fmt.Errorf("rewind spool of %s: %w", name, err))
		}
		if _, err := io.Copy(w.body, spool); err != nil {
			return w.failLocked(fmt.Errorf("append %s: %w", name, err))
		}
	}
	return nil
}

// fail records err, aborts the writer (removing temp files) and returns err.
func (w *Writer) fail(err error) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.failLocked(err)
}

func (w *Writer) failLocked(err error) error {
	if w.err == nil {
		w.err = err
	}
	if w.state == stateOpen {
		w.abortLocked()
	}
	return err
}

// Create starts a streamed entry. Bytes written are compressed by the
// calling goroutine into a spool file in the target directory; Close appends
// the entry to the archive. Use one goroutine per entry; different entries
// may be written concurrently.
func (w *Writer) Create(name string) (io.WriteCloser, error) {
	return w.create(name)
}

func (w *Writer) create(name string) (*entryWriter, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.reserveLocked(name); err != nil {
		return nil, err
	}
	f, err := createTemp(w.dir, "."+w.base+".*.spool.tmp")
	if err != nil {
		delete(w.names, name)
		return nil, fmt.Errorf("spool %s: %w", name, err)
	}
	bw := bufio.NewWriterSize(f, 256<<10)
	zw, err := w.codec.get(bw)
	if err != nil {
		f.drop()
		delete(w.names, name)
		return nil, err
	}
	e := &entryWriter{w: w, name: name, f: f, bw: bw, zw: zw}
	w.streams[e] = true
	return e, nil
}

// dirError says a bundle cannot be written in dir, with the cause once and
// without the name of the working file that could not be created.
func dirError(dir string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("cannot write in %s: %w", dir, err)
}
