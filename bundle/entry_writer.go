package bundle

import (
	"bufio"
	"fmt"
)

// entryWriter is one streamed entry: data compressed into a spool file,
// appended to the Writer's body at Close.
type entryWriter struct {
	w      *Writer
	name   string
	f      *tempFile
	bw     *bufio.Writer
	zw     compressor
	n      int64
	closed bool
	err    error
}

// Write compresses p into the entry's spool file.
func (e *entryWriter) Write(p []byte) (int, error) {
	if e.closed {
		return 0, fmt.Errorf("write %s: entry closed", e.name)
	}
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.zw.Write(p)
	e.n += int64(n)
	if err != nil && e.w.done.Load() {
		err = ErrClosed
	}
	if err != nil {
		e.err = fmt.Errorf("write %s: %w", e.name, err)
		return n, e.err
	}
	return n, nil
}

// Close finishes the entry and appends it to the archive. The spool file is
// removed whatever happens.
func (e *entryWriter) Close() error {
	if e.closed {
		return nil
	}
	e.closed = true
	w := e.w
	defer func() {
		w.mu.Lock()
		delete(w.streams, e)
		w.mu.Unlock()
		e.f.drop()
	}()
	if w.done.Load() {
		return ErrClosed
	}
	if e.err != nil {
		return w.fail(e.err)
	}
	if _, err := e.zw.Write(padding(e.n)); err != nil {
		return w.fail(fmt.Errorf("write %s: %w", e.name, err))
	}
	if err := e.zw.Close(); err != nil {
		return w.fail(fmt.Errorf("write %s: %w", e.name, err))
	}
	w.codec.put(e.zw)
	if err := e.bw.Flush(); err != nil {
		return w.fail(fmt.Errorf("write %s: %w", e.name, err))
	}
	hdr, err := w.header(e.name, e.n)
	if err != nil {
		return w.fail(err)
	}
	member, err := w.codec.member(hdr)
	if err != nil {
		return w.fail(fmt.Errorf("compress %s: %w", e.name, err))
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.appendLocked(e.name, member, e.f.File)
}
