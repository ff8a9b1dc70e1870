package bundle

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits cap what the reader accepts from an untrusted bundle. A zero (or
// negative) field means the default from DefaultLimits, so a caller can
// raise one cap and keep the others.
type Limits struct {
	// MaxEntries caps the number of archive entries (files, directories and
	// PAX global headers; a directory counts each file and subdirectory).
	MaxEntries int
	// MaxEntrySize caps the size of one entry, in bytes.
	MaxEntrySize int64
	// MaxTotalSize caps the uncompressed size of the whole archive (the tar
	// stream with its headers), and the sum of all declared entry sizes.
	MaxTotalSize int64
	// MaxRatio caps uncompressed/compressed bytes, measured continuously once
	// RatioMinBytes have been produced, so a compression bomb stops early.
	MaxRatio int64
	// MaxNameLen caps the length of an entry name in bytes, top folder
	// included.
	MaxNameLen int
}

// Default caps. They are sized for a 5,000-node, 150,000-pod cluster, whose
// bundle holds about 2.3 GB of JSON (the pods list alone about 1.5 GB) and
// compresses about 11-17x.
const (
	// DefaultMaxEntries (500,000) allows every namespaced type split per
	// namespace for 5,000 namespaces with 100 types each; the name index
	// costs about 100 bytes per entry (~50 MB at the cap).
	DefaultMaxEntries = 500_000
	// DefaultMaxEntrySize (4 GiB) is about 2.5x the pods list of a
	// 150,000-pod cluster.
	DefaultMaxEntrySize int64 = 4 << 30
	// DefaultMaxTotalSize (16 GiB) is about 7x the JSON of a 150,000-pod
	// cluster, leaving room for logs. At ~1 GB/s decompression it bounds the
	// work of a hostile archive to seconds, not hours.
	DefaultMaxTotalSize int64 = 16 << 30
	// DefaultMaxRatio (500:1) marks a compression bomb. Measured: pod JSON
	// compresses 11-17x; a GNU tar of 20,000 near-empty List files 67x
	// (gzip -9) and 98x (zstd -19); the most compressible legitimate archive
	// found, 40,000 empty files written by archive/tar (headers only), 108x
	// with gzip -9 and 180x with zstd (TestWalkAcceptsManyEmptyFiles). A
	// gzip stream of zeros reaches ~1,030:1 and zstd over 20,000:1, so both
	// are stopped after RatioMinBytes. Below the cap, MaxTotalSize still
	// bounds the work.
	DefaultMaxRatio int64 = 500
	// DefaultMaxNameLen (1,024 bytes) fits logs/<namespace 63>/<pod 253>/
	// <container 63>.previous.log under a top folder of up to 600 bytes.
	DefaultMaxNameLen = 1024
	// RatioMinBytes (16 MiB) is how much uncompressed output is allowed
	// before MaxRatio is enforced: tiny archives (a few headers and zero
	// blocks) can compress better than 500:1 and are harmless.
	RatioMinBytes int64 = 16 << 20
)

// DefaultLimits returns the default caps (see the Default* constants).
func DefaultLimits() Limits {
	return Limits{
		MaxEntries:   DefaultMaxEntries,
		MaxEntrySize: DefaultMaxEntrySize,
		MaxTotalSize: DefaultMaxTotalSize,
		MaxRatio:     DefaultMaxRatio,
		MaxNameLen:   DefaultMaxNameLen,
	}
}

// withDefaults fills zero fields from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxEntries <= 0 {
		l.MaxEntries = d.MaxEntries
	}
	if l.MaxEntrySize <= 0 {
		l.MaxEntrySize = d.MaxEntrySize
	}
	if l.MaxTotalSize <= 0 {
		l.MaxTotalSize = d.MaxTotalSize
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = d.MaxRatio
	}
	if l.MaxNameLen <= 0 {
		l.MaxNameLen = d.MaxNameLen
	}
	return l
}

// Error is a bundle the reader refuses or cannot read. Problem is a short
// fixed sentence (tests compare it exactly); Err is the underlying error,
// if any.
type Error struct {
	// Path is the bundle file or directory.
	Path string
	// Entry is the entry's name as stored in the archive (cut to 256 bytes),
	// or empty for a problem with the archive as a whole.
	Entry string
	// Problem says what is wrong, e.g. "unsafe name: absolute path".
	Problem string
	// Err is the underlying error, if any.
	Err error
}

// Error returns "<path>: <entry>: <problem>", or "<path>: <problem>" without
// an entry. Names with control characters or invalid UTF-8 are quoted, so a
// hostile name cannot write escape sequences to a terminal.
func (e *Error) Error() string {
	s := printable(e.Path)
	if e.Entry != "" {
		s += ": " + printable(e.Entry)
	}
	return s + ": " + e.Problem
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// printable returns s, quoted if it holds anything but printable UTF-8.
func printable(s string) string {
	if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return !strconv.IsPrint(r) }) {
		return strconv.Quote(s)
	}
	return s
}

// shortName cuts an entry name kept in an Error to 256 bytes.
func shortName(s string) string {
	if len(s) > 256 {
		return s[:256] + "..."
	}
	return s
}
