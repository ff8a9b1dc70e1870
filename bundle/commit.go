package bundle

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
)

// Commit writes manifest.json as the first entry, then every finished entry,
// fsyncs and renames the archive into place. All entries must be closed.
// Commit fills m.FormatVersion if it is empty.
func (w *Writer) Commit(m *Manifest) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.state != stateOpen {
		return ErrClosed
	}
	if w.err != nil {
		return w.err
	}
	if n := len(w.streams); n > 0 {
		open := make([]string, 0, n)
		for e := range w.streams {
			open = append(open, e.name)
		}
		return fmt.Errorf("commit: %d entries still open: %s", n, strings.Join(open, ", "))
	}
	if m == nil {
		m = &Manifest{}
	}
	mc := *m
	if mc.FormatVersion == "" {
		mc.FormatVersion = FormatVersion
	}
	data, err := json.MarshalIndent(&mc, "", "  ")
	if err != nil {
		return w.failLocked(fmt.Errorf("encode manifest: %w", err))
	}
	data = append(data, '\n')
	if err := w.publishLocked(data); err != nil {
		return w.failLocked(err)
	}
	w.state = stateCommitted
	w.done.Store(true)
	w.body.drop()
	return nil
}

// publishLocked assembles the final archive in a temp file and renames it
// into place, or writes it to the Stream.
func (w *Writer) publishLocked(manifest []byte) (err error) {
	hdr, err := w.header(ManifestPath, int64(len(manifest)))
	if err != nil {
		return err
	}
	first, err := w.codec.member(hdr, manifest, padding(int64(len(manifest))))
	if err != nil {
		return fmt.Errorf("compress manifest: %w", err)
	}
	last, err := w.codec.member(make([]byte, 2*blockSize))
	if err != nil {
		return fmt.Errorf("compress end of archive: %w", err)
	}
	if w.opts.Stream != nil {
		return w.writeArchiveLocked(w.opts.Stream, first, last)
	}
	f, err := os.CreateTemp(w.dir, "."+w.base+".*.tmp")
	if err != nil {
		return dirError(w.dir, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := f.Chmod(w.opts.Mode); err != nil {
		return fmt.Errorf("chmod bundle: %w", err)
	}
	if err := w.writeArchiveLocked(f, first, last); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("fsync bundle: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close bundle: %w", err)
	}
	if err := place(f.Name(), w.path, w.opts.Force); err != nil {
		return err
	}
	return syncDir(w.dir)
}

// writeArchiveLocked writes the whole archive to dst: the manifest's
// member, the body, the end of the archive.
func (w *Writer) writeArchiveLocked(dst io.Writer, first, last []byte) error {
	if _, err := dst.Write(first); err != nil {
		return fmt.Errorf("write bundle: %w", err)
	}
	if _, err := w.body.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("rewind body: %w", err)
	}
	if _, err := io.Copy(dst, w.body.File); err != nil { // the *os.File itself: copy_file_range when dst is a file
		return fmt.Errorf("write bundle: %w", err)
	}
	if _, err := dst.Write(last); err != nil {
		return fmt.Errorf("write bundle: %w", err)
	}
	return nil
}

// place renames tmp to path. Without force it never replaces an existing
// file: a hard link fails atomically if path exists.
func place(tmp, path string, force bool) error {
	if force {
		if err := os.Rename(tmp, path); err != nil {
			return fmt.Errorf("rename bundle into place: %w", err)
		}
		return nil
	}
	err := os.Link(tmp, path)
	if err == nil {
		os.Remove(tmp)
		return nil
	}
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%s already exists (use force to overwrite)", path)
	}
	// File systems without hard links: check, then rename.
	if _, serr := os.Lstat(path); serr == nil {
		return fmt.Errorf("%s already exists (use force to overwrite)", path)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("rename bundle into place: %w", err)
	}
	return nil
}

// syncDir fsyncs a directory so a rename in it is durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("fsync directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, syscall.ENOTSUP) {
		return fmt.Errorf("fsync directory: %w", err)
	}
	return nil
}

// Abort discards the bundle and removes every temporary file. Open entry
// streams fail from then on. It is a no-op after Commit or a previous Abort.
func (w *Writer) Abort() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.state != stateOpen {
		return nil
	}
	return w.abortLocked()
}

func (w *Writer) abortLocked() error {
	w.state = stateAborted
	w.done.Store(true)
	var errs []error
	for e := range w.streams {
		if err := e.f.drop(); err != nil {
			errs = append(errs, err)
		}
	}
	clear(w.streams)
	if err := w.body.drop(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
