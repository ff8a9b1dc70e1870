package load

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"time"
)

// Decoding is split so both cores work: the goroutine walking the bundle
// decompresses and cuts each list into raw items (by newline in nsbundle's
// one-item-per-line lists, with a streaming JSON decoder otherwise), and
// workers decode batches of items into the lean views. Batches are committed
// to the snapshot in file order by the walking goroutine, so the snapshot
// is the same as a sequential decode, and only that goroutine touches it.

const (
	// batchItems and batchBytes bound one batch of raw items.
	batchItems = 512
	batchBytes = 512 << 10
	// maxWorkers caps the decoding goroutines.
	maxWorkers = 4
)

// sink decodes the items of one resource type and adds them to the
// snapshot.
type sink interface {
	// decode runs on a worker: it decodes b's items into b.out, noting bad
	// items in b.bad; in is the worker's own interner.
	decode(b *batch, in *interner)
	// commit runs on the loader goroutine, in order: it adds b.out.
	commit(b *batch)
}

// itemErr is an item that could not be decoded.
type itemErr struct {
	i   int
	err error
}

// batch is a run of consecutive raw items of one list file.
type batch struct {
	sink   sink
	name   string
	first  int // index of the first item in the list
	buf    []byte
	ends   []int // end offset of each item in buf
	out    any
	bad    []itemErr
	latest time.Time
	done   chan struct{}
	shape  fileShape
}

// fileShape is how the items of a file are laid out.
type fileShape int

const (
	// listItems: the "items" of a List, at /items/<i>.
	listItems fileShape = iota
	// wholeDocument: each item is a whole document (a must-gather object
	// file), at "".
	wholeDocument
	// bareArray: the elements of a top-level JSON array, at /<i>.
	bareArray
)

// pointer is the JSON pointer of item i of b's file.
func (b *batch) pointer(i int) string {
	switch b.shape {
	case wholeDocument:
		return ""
	case bareArray:
		return "/" + strconv.Itoa(i)
	}
	return sharedItemPointer(i)
}

// items calls fn for each raw item of b with its index in the list.
func (b *batch) items(fn func(i int, raw []byte)) {
	start := 0
	for k, end := range b.ends {
		fn(b.first+k, b.buf[start:end])
		start = end
	}
}

// see records a timestamp for "now" when the manifest lacks one.
func (b *batch) see(t *time.Time) {
	if t != nil && t.After(b.latest) {
		b.latest = *t
	}
}

// pool runs the decoding workers.
type pool struct {
	jobs chan *batch
	bufs chan []byte // batch buffers for reuse
}

func newPool() *pool {
	n := min(max(runtime.GOMAXPROCS(0), 1), maxWorkers)
	p := &pool{jobs: make(chan *batch, 2*n)}
	p.bufs = make(chan []byte, p.maxInFlight()+1)
	for range n {
		go func() {
			in := newInterner()
			for b := range p.jobs {
				b.sink.decode(b, in)
				close(b.done)
			}
		}()
	}
	return p
}

func (p *pool) close() { close(p.jobs) }

// maxInFlight is how many batches may wait or decode at once: it bounds the
// raw bytes held (maxInFlight × batchBytes).
func (p *pool) maxInFlight() int { return 2*cap(p.jobs) + 2 }

// listReader feeds one list file's items through the pool.
type listReader struct {
	l       *loader
	name    string
	sink    sink
	cur     *batch
	pending []*batch
	next    int       // index of the next item
	bad     int       // items skipped so far
	shape   fileShape // of the items added next
}

// add queues one raw item (copied).
func (lr *listReader) add(raw []byte) {
	if lr.cur != nil && lr.cur.shape != lr.shape {
		lr.flush()
	}
	if lr.cur == nil {
		lr.cur = &batch{sink: lr.sink, name: lr.name, first: lr.next, buf: lr.l.pool.buffer(), done: make(chan struct{}), shape: lr.shape}
	}
	b := lr.cur
	b.buf = append(b.buf, raw...)
	b.ends = append(b.ends, len(b.buf))
	lr.next++
	if len(b.ends) >= batchItems || len(b.buf) >= batchBytes-4<<10 {
		lr.flush()
	}
}

// flush sends the current batch to the workers and commits what is done.
func (lr *listReader) flush() {
	if lr.cur == nil {
		return
	}
	lr.pending = append(lr.pending, lr.cur)
	lr.l.pool.jobs <- lr.cur
	lr.cur = nil
	if lr.l.batches++; lr.l.batches%progressEvery == 0 {
		lr.l.mem.Progress()
	}
	for len(lr.pending) > 0 {
		select {
		case <-lr.pending[0].done:
		default:
			if len(lr.pending) < lr.l.pool.maxInFlight() {
				return
			}
			<-lr.pending[0].done
		}
		lr.commit(lr.pending[0])
		lr.pending = lr.pending[1:]
	}
}

// finish waits for every batch and commits them in order.
func (lr *listReader) finish() {
	lr.flush()
	for _, b := range lr.pending {
		<-b.done
		lr.commit(b)
	}
	lr.pending = nil
}

func (lr *listReader) commit(b *batch) {
	b.sink.commit(b)
	if b.latest.After(lr.l.latest) {
		lr.l.latest = b.latest
	}
	for _, e := range b.bad {
		lr.bad++
		if lr.bad <= 3 {
			lr.l.note("%s#%s: %v (item skipped)", lr.name, b.pointer(e.i), e.err)
		}
	}
	lr.l.pool.recycle(b.buf)
	b.buf, b.ends, b.out = nil, nil, nil
}

// buffer returns an empty batch buffer, reused when one is free: decoded
// values never point into it (the decoders copy strings out).
func (p *pool) buffer() []byte {
	select {
	case b := <-p.bufs:
		return b[:0]
	default:
		return make([]byte, 0, batchBytes)
	}
}

// recycle offers a batch buffer for reuse.
func (p *pool) recycle(b []byte) {
	if cap(b) < batchBytes || cap(b) > 4*batchBytes {
		return
	}
	select {
	case p.bufs <- b:
	default:
	}
}

// errLineTooLong reports an item line over MaxItemBytes.
var errLineTooLong = errors.New("line too long")

// readLine returns the next line without its end of line; the slice is
// valid until the next call. A line over MaxItemBytes is skipped and
// errLineTooLong returned. At the end of the input it returns io.EOF, with
// the unterminated last line if any.
func readLine(br *bufio.Reader, scratch *[]byte) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		*scratch = append((*scratch)[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = br.ReadSlice('\n')
			if len(*scratch) <= MaxItemBytes {
				*scratch = append(*scratch, line...)
			}
		}
		line = *scratch
		if len(line) > MaxItemBytes+2 && err == nil {
			return nil, errLineTooLong
		}
	}
	line = bytes.TrimRight(line, "\r\n")
	if err != nil && err != io.EOF {
		return line, err
	}
	return line, err
}

// headerLen returns the length of the first line of br, newline included,
// when it is the header of a one-item-per-line list
// (`{"apiVersion":…,"items":[`), else 0. It does not consume anything.
func headerLen(br *bufio.Reader) int {
	peek, _ := br.Peek(64 << 10)
	n := bytes.IndexByte(peek, '\n')
	if n < 0 {
		return 0
	}
	line := bytes.TrimSpace(peek[:n])
	if len(line) == 0 || line[0] != '{' || !bytes.HasSuffix(line, []byte(`"items":[`)) {
		return 0
	}
	return n + 1
}

// readLines reads the items of a one-item-per-line list after its header:
// each line is an item (its trailing comma dropped) until a line starting
// with ']'.
func (lr *listReader) readLines(br *bufio.Reader) error {
	var scratch []byte
	for {
		line, err := readLine(br, &scratch)
		if errors.Is(err, errLineTooLong) {
			lr.l.note("%s#%s: item is over the %d byte cap (item skipped)", lr.name, itemPointer(lr.next), MaxItemBytes)
			lr.next++
			continue
		}
		t := bytes.TrimSpace(line)
		if len(t) > 0 && t[0] == ']' {
			_, _ = io.Copy(io.Discard, br) // the list's metadata, if any
			return nil
		}
		if err != nil {
			if err == io.EOF {
				return fmt.Errorf("reading item %d: unexpected EOF", lr.next)
			}
			return fmt.Errorf("reading item %d: %w", lr.next, err)
		}
		if len(t) == 0 {
			continue
		}
		if bytes.HasSuffix(t, []byte("]}")) {
			// The list may close on its last item's line ("{…}]}"); an item
			// may also end with "]}" itself, so decide by validity, and only
			// for the last line.
			if _, perr := br.Peek(1); perr == io.EOF && !json.Valid(t) && json.Valid(t[:len(t)-2]) {
				lr.add(t[:len(t)-2])
				return nil
			}
		}
		lr.add(bytes.TrimSuffix(t, []byte(",")))
	}
}
