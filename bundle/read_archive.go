package bundle

import (
	"archive/tar"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// zstdMaxWindow caps the zstd window a hostile frame may ask the decoder to
// allocate. zstd -19 and tar --zstd use at most 8 MiB; --long=27 bundles
// (128 MiB windows) are refused with a message saying so.
const zstdMaxWindow = 32 << 20

// walkFile reads a bundle archive file.
func (w *walker) walkFile() error {
	f, err := os.Open(w.path)
	if err != nil {
		return &Error{Path: w.path, Problem: "cannot open: " + errText(err), Err: err}
	}
	defer f.Close()
	return w.walkStream(f)
}

// walkStream reads a bundle archive from r.
func (w *walker) walkStream(r0 io.Reader) error {
	src := &countReader{r: r0}
	br := bufio.NewReaderSize(src, 64<<10)
	head, err := br.Peek(blockSize)
	if len(head) == 0 && err != nil && err != io.EOF {
		return &Error{Path: w.path, Problem: "read error: " + errText(err), Err: err}
	}
	var r io.Reader
	switch w.kind = sniff(head); w.kind {
	case "":
		return &Error{Path: w.path, Problem: "empty file"}
	case "gzip":
		zr, err := gzip.NewReader(br)
		if err != nil {
			return w.classify("", err)
		}
		defer zr.Close()
		r = zr
	case "zstd":
		zr, err := zstd.NewReader(br,
			zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxWindow(zstdMaxWindow))
		if err != nil {
			return w.classify("", err)
		}
		defer zr.Close()
		r = zr
	case "tar":
		r = br
		src = nil // no ratio for uncompressed data
	default:
		return &Error{Path: w.path, Problem: w.kind}
	}
	w.meter = &meter{r: r, src: src, w: w}
	// The decompressed stream must start with a tar header (or the zero
	// block of an empty tar); later header errors mean a corrupt archive.
	first := make([]byte, blockSize)
	n, err := io.ReadFull(w.meter, first)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return w.classify("", err)
	}
	if w.meter.err != nil {
		return w.meter.err
	}
	if !w.meter.srcEOF && n < blockSize {
		return &Error{Path: w.path, Problem: "truncated archive", Err: err}
	}
	if !isTarHeader(first[:n]) {
		problem := fmt.Sprintf("not a bundle: %s data is not a tar archive", w.kind)
		if t := bytes.TrimLeft(first[:n], " \t\r\n"); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
			problem += " but a JSON document" + jsonHint(t)
		}
		return &Error{Path: w.path, Problem: problem}
	}
	return w.walkTar(tar.NewReader(io.MultiReader(bytes.NewReader(first), w.meter)))
}

// sniff names the format from the first bytes: "gzip", "zstd", "tar", ""
// for an empty file, or else the problem to report.
func sniff(b []byte) string {
	switch {
	case len(b) == 0:
		return ""
	case bytes.HasPrefix(b, []byte{0x1f, 0x8b}):
		return "gzip"
	case bytes.HasPrefix(b, []byte{0x28, 0xb5, 0x2f, 0xfd}),
		len(b) >= 4 && b[0]&0xf0 == 0x50 && bytes.Equal(b[1:4], []byte{0x2a, 0x4d, 0x18}):
		return "zstd" // a frame, or a skippable frame
	case isTarHeader(b):
		return "tar"
	}
	for _, k := range []struct{ magic, name string }{
		{"PK\x03\x04", "zip"}, {"\xfd7zXZ\x00", "xz"}, {"BZh", "bzip2"},
		{"7z\xbc\xaf\x27\x1c", "7-zip"}, {"Rar!\x1a\x07", "rar"},
	} {
		if strings.HasPrefix(string(b), k.magic) {
			return fmt.Sprintf("not a bundle: %s is not supported (want .tgz, .tar.zst, .tar or a directory)%s", k.name, unpackHint[k.name])
		}
	}
	if t := bytes.TrimLeft(b, " \t\r\n"); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		return "not a bundle: a JSON document, not an archive or a directory" + jsonHint(t)
	}
	return fmt.Sprintf("not a bundle: unknown format (first bytes % x)", b[:min(len(b), 8)])
}

// jsonHint says what a JSON file given as a bundle most likely is.
func jsonHint(b []byte) string {
	// "kubectl cluster-info dump" without --output-directory prints its
	// lists one after the other, the NodeList first (before v1.14, internal
	// types without "kind": its selfLink says it).
	if bytes.Contains(b, []byte(`"NodeList"`)) || bytes.Contains(b, []byte(`"selfLink": "/api/v1/nodes"`)) {
		return "; it looks like kubectl cluster-info dump printed to standard output: ask for " +
			"kubectl cluster-info dump --all-namespaces --output-directory=DIR and pass DIR (or a .tgz of it)"
	}
	return ""
}

// unpackHint says how to unpack an archive format the reader does not take.
var unpackHint = map[string]string{
	"xz":    "; unpack it (mkdir x && tar -xJf FILE -C x) and pass the folder",
	"bzip2": "; unpack it (mkdir x && tar -xjf FILE -C x) and pass the folder",
	"zip":   "; unpack it (unzip FILE -d x) and pass the folder",
}

// isTarHeader reports whether b starts with a tar header block whose
// checksum is right (or a zero block: an empty tar).
func isTarHeader(b []byte) bool {
	if len(b) < blockSize {
		return false
	}
	b = b[:blockSize]
	if bytes.Equal(b, make([]byte, blockSize)) {
		return true
	}
	var sum, signed int64 // old tars summed signed chars
	for i, c := range b {
		if i >= 148 && i < 156 {
			c = ' '
		}
		sum += int64(c)
		signed += int64(int8(c))
	}
	field := strings.TrimRight(strings.TrimLeft(string(b[148:156]), " \x00"), " \x00")
	var want int64
	if _, err := fmt.Sscanf(field, "%o", &want); err != nil {
		return false
	}
	return field != "" && (sum == want || signed == want)
}

// walkTar walks the entries of a tar stream.
func (w *walker) walkTar(tr *tar.Reader) error {
	for {
		hdr, err := tr.Next()
		if errors.Is(err, tar.ErrInsecurePath) {
			err = nil // our own checks below give the reason
		}
		if err == io.EOF {
			return w.endTar()
		}
		if err != nil {
			return w.classify("", err)
		}
		if err := w.tarEntry(tr, hdr); err != nil {
			return err
		}
	}
}

// tarEntry checks one tar header and visits it if it is a file.
func (w *walker) tarEntry(tr *tar.Reader, hdr *tar.Header) error {
	raw := hdr.Name
	if err := w.count(raw, hdr.Size); err != nil {
		return err
	}
	isDir := false
	switch hdr.Typeflag {
	case tar.TypeReg, tar.TypeSymlink, tar.TypeLink:
	case tar.TypeDir:
		isDir = true
	case tar.TypeXGlobalHeader:
		return nil // PAX global header (git archive writes one)
	case tar.TypeChar:
		return w.problem(raw, "character device (devices are refused)")
	case tar.TypeBlock:
		return w.problem(raw, "block device (devices are refused)")
	case tar.TypeFifo:
		return w.problem(raw, "FIFO (refused)")
	case tar.TypeGNUSparse:
		return w.problem(raw, "sparse file (refused)")
	default:
		return w.problem(raw, "unsupported entry type %q", hdr.Typeflag)
	}
	for k := range hdr.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return w.problem(raw, "sparse file (refused)")
		}
	}
	clean, perr := w.checkName(raw)
	if perr != nil {
		return perr
	}
	rel, perr := w.relName(raw, clean, isDir)
	if perr != nil {
		return perr
	}
	if perr := w.index(raw, rel, isDir); perr != nil {
		return perr
	}
	if isDir || rel == "" {
		return nil
	}
	switch hdr.Typeflag {
	case tar.TypeSymlink:
		return w.visit(w.linkEntry(raw, rel, hdr.Linkname, symlinkTarget(rel, hdr.Linkname), hdr.ModTime))
	case tar.TypeLink:
		return w.visit(w.linkEntry(raw, rel, hdr.Linkname, w.hardlinkTarget(hdr.Linkname), hdr.ModTime))
	}
	return w.visit(&Entry{
		Name:    rel,
		Size:    hdr.Size,
		ModTime: hdr.ModTime,
		raw:     raw,
		open:    func() (io.Reader, error) { return tr, nil },
	})
}

// endTar checks the end of a complete tar stream.
func (w *walker) endTar() error {
	m := w.meter
	if m.err != nil {
		return m.err
	}
	if m.zeroTail < 2*blockSize {
		// A multi-member archive cut between members ends cleanly: only
		// the missing end-of-archive blocks show it.
		return &Error{Path: w.path, Problem: "truncated archive (no end-of-archive marker)"}
	}
	if w.kind != "tar" {
		// Read to the end so the last member's checksum is verified.
		if _, err := io.Copy(io.Discard, m); err != nil {
			return w.classify("", err)
		}
	}
	if w.nfiles == 0 {
		return &Error{Path: w.path, Problem: "empty archive (no files)"}
	}
	return nil
}

// countReader counts the bytes read from the compressed file.
type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// meter counts the uncompressed tar stream, enforces MaxTotalSize and
// MaxRatio as bytes are produced, and tracks trailing zero bytes.
type meter struct {
	r        io.Reader
	src      *countReader // compressed bytes; nil for a plain tar
	w        *walker
	out      int64
	zeroTail int64
	srcEOF   bool
	err      *Error
}

func (m *meter) Read(p []byte) (int, error) {
	if m.err != nil {
		return 0, m.err
	}
	n, err := m.r.Read(p)
	if err == io.EOF {
		m.srcEOF = true
	}
	if n == 0 {
		return 0, err
	}
	m.out += int64(n)
	lim := m.w.lim
	switch {
	case m.out > lim.MaxTotalSize:
		m.err = &Error{Path: m.w.path, Problem: fmt.Sprintf("total size over the limit of %d bytes", lim.MaxTotalSize)}
	case m.src != nil && m.out > RatioMinBytes && m.out/lim.MaxRatio > m.src.n:
		m.err = &Error{Path: m.w.path, Problem: fmt.Sprintf("compression ratio over %d:1 (compression bomb?)", lim.MaxRatio)}
	}
	if m.err != nil {
		return n, m.err
	}
	i := len(p[:n])
	for i > 0 && p[i-1] == 0 {
		i--
	}
	if i == 0 {
		m.zeroTail += int64(n)
	} else {
		m.zeroTail = int64(n - i)
	}
	return n, err
}
