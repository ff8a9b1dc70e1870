package bundle

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWalkRefusesHostileArchives(t *testing.T) {
	t.Parallel()
	long := "b/" + strings.Repeat("x", 1100)
	tests := []struct {
		name    string
		ents    []ent
		noEnd   bool
		lim     Limits
		entry   string // expected Error.Entry
		problem string // expected Error.Problem
	}{
		{name: "dotdot", ents: []ent{reg("b/a", "1"), reg("b/../../etc/passwd", "x")},
			entry: "b/../../etc/passwd", problem: `unsafe name: ".." element`},
		{name: "dotdot-inner", ents: []ent{reg("b/x/../y", "x")},
			entry: "b/x/../y", problem: `unsafe name: ".." element`},
		{name: "absolute", ents: []ent{reg("/etc/passwd", "x")},
			entry: "/etc/passwd", problem: "unsafe name: absolute path"},
		{name: "drive-letter", ents: []ent{reg("C:/Windows/x", "x")},
			entry: "C:/Windows/x", problem: "unsafe name: drive letter"},
		{name: "drive-relative", ents: []ent{reg("c:x", "x")},
			entry: "c:x", problem: "unsafe name: drive letter"},
		{name: "backslash", ents: []ent{reg(`b\..\..\x`, "x")},
			entry: `b\..\..\x`, problem: "unsafe name: backslash"},
		{name: "nul-in-pax-path", ents: []ent{{name: "b/a", typeflag: tar.TypeReg, data: "x", pax: map[string]string{"path": "b/a\x00/../../x"}}},
			problem: "corrupt archive: archive/tar: invalid tar header"},
		{name: "too-long", ents: []ent{{name: "b/a", typeflag: tar.TypeReg, data: "x", pax: map[string]string{"path": long}}},
			entry: long[:256] + "...", problem: "name too long (1102 bytes, limit 1024)"},
		{name: "symlink-unsafe-name", ents: []ent{reg("b/a", "1"), {name: "b/../evil", typeflag: tar.TypeSymlink, link: "a"}},
			entry: "b/../evil", problem: `unsafe name: ".." element`},
		{name: "hardlink-absolute-name", ents: []ent{{name: "/etc/evil", typeflag: tar.TypeLink, link: "b/a"}},
			entry: "/etc/evil", problem: "unsafe name: absolute path"},
		{name: "symlink-duplicate", ents: []ent{reg("b/a", "1"), {name: "b/a", typeflag: tar.TypeSymlink, link: "x"}},
			entry: "b/a", problem: "duplicate entry"},
		{name: "symlink-outside-top", ents: []ent{reg("b/a", "1"), {name: "c/l", typeflag: tar.TypeSymlink, link: "../b/a"}},
			entry: "c/l", problem: `entry outside the top folder "b"`},
		{name: "links-only", ents: []ent{{name: "b/l", typeflag: tar.TypeSymlink, link: "x"}},
			problem: "empty archive (no files)"},
		{name: "char-device", ents: []ent{{name: "b/null", typeflag: tar.TypeChar}},
			entry: "b/null", problem: "character device (devices are refused)"},
		{name: "block-device", ents: []ent{{name: "b/sda", typeflag: tar.TypeBlock}},
			entry: "b/sda", problem: "block device (devices are refused)"},
		{name: "fifo", ents: []ent{{name: "b/fifo", typeflag: tar.TypeFifo}},
			entry: "b/fifo", problem: "FIFO (refused)"},
		{name: "pax-sparse", ents: []ent{{name: "b/s", typeflag: tar.TypeReg, data: "x", pax: map[string]string{"GNU.sparse.map": "0,1", "GNU.sparse.size": "1", "GNU.sparse.major": "0", "GNU.sparse.minor": "1", "GNU.sparse.numblocks": "1"}}},
			entry: "b/s", problem: "sparse file (refused)"},
		{name: "unknown-type", ents: []ent{{name: "b/c", typeflag: 'Z'}},
			entry: "b/c", problem: `unsupported entry type 'Z'`},
		{name: "duplicate", ents: []ent{reg("b/a.json", "1"), reg("b/a.json", "2")},
			entry: "b/a.json", problem: "duplicate entry"},
		{name: "duplicate-after-clean", ents: []ent{reg("b/x/a.json", "1"), reg("b/x//./a.json", "2")},
			entry: "b/x//./a.json", problem: "duplicate entry"},
		{name: "file-then-dir", ents: []ent{reg("b/a", "1"), reg("b/a/c", "2")},
			entry: "b/a/c", problem: "file has the name of a directory"},
		{name: "dir-then-file", ents: []ent{reg("b/a/c", "1"), reg("b/a", "2")},
			entry: "b/a", problem: "file has the name of a directory"},
		{name: "outside-top", ents: []ent{reg("b/a", "1"), reg("c/a", "2")},
			entry: "c/a", problem: `entry outside the top folder "b"`},
		{name: "file-named-top", ents: []ent{{name: "b/", typeflag: tar.TypeDir}, reg("b", "2")},
			entry: "b", problem: "file has the name of the top folder"},
		{name: "too-many", ents: []ent{reg("b/1", "1"), reg("b/2", "2"), reg("b/3", "3"), reg("b/4", "4")}, lim: Limits{MaxEntries: 3},
			entry: "b/4", problem: "too many entries (limit 3)"},
		{name: "entry-size", ents: []ent{reg("b/1", "12345678901")}, lim: Limits{MaxEntrySize: 10},
			entry: "b/1", problem: "entry size 11 over the limit of 10 bytes"},
		{name: "declared-huge", ents: []ent{{name: "b/1", typeflag: tar.TypeReg, size: 8 << 30}},
			entry: "b/1", problem: "entry size 8589934592 over the limit of 4294967296 bytes"},
		{name: "dir-with-data-size", ents: []ent{{name: "b/d/", typeflag: tar.TypeDir, size: 5 << 30}},
			entry: "b/d/", problem: "entry size 5368709120 over the limit of 4294967296 bytes"},
		{name: "total-declared", ents: []ent{reg("b/1", strings.Repeat("1", 1000)), {name: "b/2", typeflag: tar.TypeReg, size: 4500}}, lim: Limits{MaxTotalSize: 5000},
			entry: "b/2", problem: "total size over the limit of 5000 bytes"},
		{name: "total-stream", ents: []ent{reg("b/1", strings.Repeat("1", 1000)), reg("b/2", "2")}, lim: Limits{MaxTotalSize: 2000},
			problem: "total size over the limit of 2000 bytes"},
		{name: "no-end-marker", ents: []ent{reg("b/1", "1")}, noEnd: true,
			problem: "truncated archive (no end-of-archive marker)"},
		{name: "no-files", ents: []ent{{name: "b/", typeflag: tar.TypeDir}},
			problem: "empty archive (no files)"},
	}
	for _, tt := range tests {
		for _, codec := range []string{"tar", "gzip", "zstd"} {
			t.Run(tt.name+"/"+codec, func(t *testing.T) {
				t.Parallel()
				b := buildTar(tt.ents, !tt.noEnd)
				switch codec {
				case "gzip":
					b = gzipBytes(t, b)
				case "zstd":
					b = zstdBytes(t, b)
				}
				path := writeTemp(t, "bundle.tgz", b)
				_, err := walkAll(path, tt.lim)
				assertBundleError(t, err, path, tt.entry, tt.problem)
			})
		}
	}
}

// assertBundleError checks err is an *Error with the given path, entry and
// problem.
func assertBundleError(t *testing.T, err error, path, entry, problem string) {
	t.Helper()
	var be *Error
	if !errors.As(err, &be) {
		t.Fatalf("error %v (%T), want *bundle.Error %q", err, err, problem)
	}
	if be.Path != path || be.Entry != entry || be.Problem != problem {
		t.Fatalf("got  Path %q Entry %q Problem %q\nwant Path %q Entry %q Problem %q", be.Path, be.Entry, be.Problem, path, entry, problem)
	}
}

func TestWalkRefusesBadFiles(t *testing.T) {
	t.Parallel()
	good := buildTar([]ent{reg("b/manifest.json", "{}"), reg("b/x.json", strings.Repeat("y", 5000))}, true)
	gz := gzipBytes(t, good)
	badCRC := bytes.Clone(gz)
	badCRC[len(badCRC)-8] ^= 0xff
	tests := []struct {
		name    string
		data    []byte
		problem string
	}{
		{"empty", nil, "empty file"},
		{"garbage", []byte("hello world, this is not an archive\n"), "not a bundle: unknown format (first bytes 68 65 6c 6c 6f 20 77 6f)"},
		{"short-garbage", []byte{0x01}, "not a bundle: unknown format (first bytes 01)"},
		{"json", []byte(` [{"name":"x"}]`), "not a bundle: a JSON document, not an archive or a directory"},
		{"cluster-info-dump-stdout", []byte("{\n    \"kind\": \"NodeList\",\n    \"apiVersion\": \"v1\",\n    \"items\": []\n}\n{\n    \"kind\": \"EventList\"\n}\n"),
			"not a bundle: a JSON document, not an archive or a directory; it looks like kubectl cluster-info dump printed to standard output: " +
				"ask for kubectl cluster-info dump --all-namespaces --output-directory=DIR and pass DIR (or a .tgz of it)"},
		{"cluster-info-dump-stdout-internal-types", []byte("{\n    \"selfLink\": \"/api/v1/nodes\",\n    \"resourceVersion\": \"7\",\n    \"Items\": []\n}\n"),
			"not a bundle: a JSON document, not an archive or a directory; it looks like kubectl cluster-info dump printed to standard output: " +
				"ask for kubectl cluster-info dump --all-namespaces --output-directory=DIR and pass DIR (or a .tgz of it)"},
		{"zip", []byte("PK\x03\x04\x14\x00\x00\x00"), "not a bundle: zip is not supported (want .tgz, .tar.zst, .tar or a directory); unpack it (unzip FILE -d x) and pass the folder"},
		{"xz", []byte("\xfd7zXZ\x00\x00\x04"), "not a bundle: xz is not supported (want .tgz, .tar.zst, .tar or a directory); unpack it (mkdir x && tar -xJf FILE -C x) and pass the folder"},
		{"gzipped-json", gzipBytes(t, []byte(`{"kind":"List","items":[]}`)), "not a bundle: gzip data is not a tar archive but a JSON document"},
		{"gzipped-text-block", gzipBytes(t, bytes.Repeat([]byte("not a tar header "), 100)), "not a bundle: gzip data is not a tar archive"},
		{"gzipped-nothing", gzipBytes(t, nil), "not a bundle: gzip data is not a tar archive"},
		{"zstd-json", zstdBytes(t, []byte(`{"kind":"List"}`)), "not a bundle: zstd data is not a tar archive but a JSON document"},
		{"gzipped-cluster-info-dump-stdout", gzipBytes(t, []byte("{\n    \"kind\": \"NodeList\",\n    \"items\": []\n}\n")),
			"not a bundle: gzip data is not a tar archive but a JSON document; it looks like kubectl cluster-info dump printed to standard output: " +
				"ask for kubectl cluster-info dump --all-namespaces --output-directory=DIR and pass DIR (or a .tgz of it)"},
		{"empty-tar", make([]byte, 1024), "empty archive (no files)"},
		{"truncated-gzip", gz[:len(gz)/2], "truncated archive"},
		{"truncated-gzip-trailer", gz[:len(gz)-3], "truncated archive"},
		{"truncated-zstd", func() []byte { z := zstdBytes(t, good); return z[:len(z)-10] }(), "truncated archive"},
		{"truncated-tar-data", good[:1536+100], "truncated archive"},
		{"truncated-tar-padding", good[:700], "truncated archive (no end-of-archive marker)"},
		{"truncated-tar-header", good[:1024+100], "truncated archive"},
		{"gzip-bad-crc", badCRC, "corrupt archive: gzip: invalid checksum"},
		{"zstd-huge-window", []byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x88, 0x09, 0, 0, 'x'}, "zstd window over 32 MiB (refused; recompress without --long)"},
		{"zstd-huge-single-segment", []byte{0x28, 0xb5, 0x2f, 0xfd, 0xe0, 0, 0, 0, 0, 1, 0, 0, 0, 0x09, 0, 0, 'x'}, "zstd window over 32 MiB (refused; recompress without --long)"},
		{"gzip-bad-header", []byte{0x1f, 0x8b, 0x09, 0, 0, 0, 0, 0, 0, 0}, "corrupt archive: gzip: invalid header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := writeTemp(t, "b.tgz", tt.data)
			_, err := walkAll(path, Limits{})
			assertBundleError(t, err, path, "", tt.problem)
		})
	}
}

func TestWalkNotAFile(t *testing.T) {
	t.Parallel()
	err := Walk("/dev/null", Limits{}, func(*Entry) error { return nil })
	assertBundleError(t, err, "/dev/null", "", "not a regular file or directory")
	missing := filepath.Join(t.TempDir(), "nope.tgz")
	err = Walk(missing, Limits{}, func(*Entry) error { return nil })
	assertBundleError(t, err, missing, "", "cannot open: no such file or directory")
}

func TestWalkTopFolder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ents []ent
		want string
	}{
		{"top-folder", []ent{{name: "top/", typeflag: tar.TypeDir}, reg("top/manifest.json", "m"), reg("top/resources/a.json", "a")},
			"manifest.json=m resources/a.json=a"},
		{"dot-slash-top", []ent{{name: "./", typeflag: tar.TypeDir}, reg("./top/a", "a"), reg("top/b", "b")}, "a=a b=b"},
		{"flat-file-first", []ent{reg("manifest.json", "m"), reg("resources/a.json", "a")}, "manifest.json=m resources/a.json=a"},
		{"flat-dot-slash", []ent{{name: "./", typeflag: tar.TypeDir}, reg("./manifest.json", "m"), reg("./logs/x.log", "l")}, "manifest.json=m logs/x.log=l"},
		{"flat-layout-dir-first", []ent{reg("resources/a.json", "a"), reg("manifest.json", "m")}, "resources/a.json=a manifest.json=m"},
		{"troubleshoot-cluster-resources-only", []ent{{name: "cluster-resources/", typeflag: tar.TypeDir}, reg("cluster-resources/namespaces.json", "n"), reg("cluster-resources/pods/default.json", "p")},
			"cluster-resources/namespaces.json=n cluster-resources/pods/default.json=p"},
		{"troubleshoot-flat-all-logs-first", []ent{{name: "all-logs/ns/p/c.log", typeflag: tar.TypeSymlink, link: "../../../cluster-resources/pods/logs/ns/p/c.log"},
			reg("cluster-resources/pods/logs/ns/p/c.log", "l"), reg("version.yaml", "v")},
			"all-logs/ns/p/c.log->../../../cluster-resources/pods/logs/ns/p/c.log[cluster-resources/pods/logs/ns/p/c.log] cluster-resources/pods/logs/ns/p/c.log=l version.yaml=v"},
		{"troubleshoot-flat-cluster-info-first", []ent{reg("cluster-info/cluster_version.json", "v"), reg("host-collectors/run-host/x.txt", "h")},
			"cluster-info/cluster_version.json=v host-collectors/run-host/x.txt=h"},
		{"wrapped-cluster-resources", []ent{reg("support-bundle-2026/cluster-resources/namespaces.json", "n")}, "cluster-resources/namespaces.json=n"},
		{"near-miss-cluster-resources-lookalike", []ent{reg("cluster-resource/namespaces.json", "n")}, "namespaces.json=n"},
		{"pax-global-header", []ent{{name: "pax_global_header", typeflag: tar.TypeXGlobalHeader, data: paxRecord("comment", "abc")}, reg("top/a", "a")}, "a=a"},
		{"pax-long-name", []ent{{name: "top/x", typeflag: tar.TypeReg, data: "l", pax: map[string]string{"path": "top/" + strings.Repeat("p", 300)}}},
			strings.Repeat("p", 300) + "=l"},
		{"gnu-long-name", []ent{{name: "././@LongLink", typeflag: tar.TypeGNULongName, data: "top/" + strings.Repeat("q", 200) + "\x00"}, reg("top/short", "g")},
			strings.Repeat("q", 200) + "=g"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := writeTemp(t, "b.tar", buildTar(tt.ents, true))
			got, err := walkAll(path, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, " ") != tt.want {
				t.Errorf("got %q, want %q", strings.Join(got, " "), tt.want)
			}
		})
	}
}

func TestWalkWriterOutput(t *testing.T) {
	t.Parallel()
	for _, codec := range []Codec{CodecGzip, CodecZstd} {
		t.Run(string(codec), func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "b.bin") // no telling extension
			want := writeSample(t, path, codec)
			first := ""
			n := 0
			err := Walk(path, Limits{}, func(e *Entry) error {
				if first == "" {
					first = e.Name
				}
				b, err := e.ReadAll()
				if err != nil {
					return err
				}
				if e.Name != ManifestPath && !bytes.Equal(b, want[e.Name]) {
					t.Errorf("%s differs", e.Name)
				}
				n++
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if first != ManifestPath || n != len(want)+1 {
				t.Errorf("first %q, %d entries", first, n)
			}
			m, err := ReadManifest(path, Limits{})
			if err != nil || m.Tool.Version != "test" || m.FormatVersion != FormatVersion {
				t.Fatalf("ReadManifest: %+v, %v", m, err)
			}
		})
	}
}

func TestWalkTruncatedBetweenMembers(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "b.tgz")
	writeSample(t, path, CodecGzip)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cp, _ := newCodecPool(CodecGzip)
	last, _ := cp.member(make([]byte, 2*blockSize))
	if !bytes.HasSuffix(b, last) {
		t.Fatal("archive does not end with the end-of-archive member")
	}
	cut := writeTemp(t, "cut.tgz", b[:len(b)-len(last)])
	_, err = walkAll(cut, Limits{})
	assertBundleError(t, err, cut, "", "truncated archive (no end-of-archive marker)")
}

func TestWalkReadErrorEndsWalk(t *testing.T) {
	t.Parallel()
	gz := gzipBytes(t, buildTar([]ent{reg("b/a", strings.Repeat("z", 200000))}, true))
	path := writeTemp(t, "b.tgz", gz[:len(gz)/2])
	var read error
	err := Walk(path, Limits{}, func(e *Entry) error {
		_, read = io.Copy(io.Discard, e.Reader())
		return nil // the callback swallows the error
	})
	assertBundleError(t, err, path, "", "truncated archive")
	assertBundleError(t, read, path, "", "truncated archive")
}

func TestWalkEntryAfterCallback(t *testing.T) {
	t.Parallel()
	path := writeTemp(t, "b.tar", buildTar([]ent{reg("b/a", "1"), reg("b/c", "2")}, true))
	var kept *Entry
	var names []string
	err := Walk(path, Limits{}, func(e *Entry) error {
		names = append(names, e.Name)
		if kept == nil {
			kept = e
			return nil
		}
		return fs.SkipAll
	})
	if err != nil || strings.Join(names, ",") != "a,c" {
		t.Fatalf("Walk: %v %v", names, err)
	}
	if _, err := kept.ReadAll(); err == nil || err.Error() != "read a: entry read after its Walk callback returned" {
		t.Fatalf("late read: %v", err)
	}
	sentinel := errors.New("stop")
	if err := Walk(path, Limits{}, func(*Entry) error { return sentinel }); err != sentinel {
		t.Fatalf("callback error: %v", err)
	}
}

func TestReadManifestErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		ents    []ent
		entry   string
		problem string
	}{
		{"none", []ent{reg("b/a", "1")}, "", "no manifest.json (not an nsbundle bundle)"},
		{"invalid", []ent{reg("b/manifest.json", "{")}, "b/manifest.json", "invalid manifest: unexpected EOF"},
		{"version", []ent{reg("b/manifest.json", `{"formatVersion":"nsbundle/v2"}`)}, "b/manifest.json", `unsupported format version "nsbundle/v2" (this nsbundle reads nsbundle/v1)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := writeTemp(t, "b.tar", buildTar(tt.ents, true))
			_, err := ReadManifest(path, Limits{})
			assertBundleError(t, err, path, tt.entry, tt.problem)
		})
	}
}

func TestErrorText(t *testing.T) {
	t.Parallel()
	e := &Error{Path: "b.tgz", Entry: "x/\x1b[31mred", Problem: "duplicate entry"}
	if got := e.Error(); got != `b.tgz: "x/\x1b[31mred": duplicate entry` {
		t.Errorf("Error() = %q", got)
	}
	e = &Error{Path: "b.tgz", Problem: "truncated archive", Err: io.ErrUnexpectedEOF}
	if got := e.Error(); got != "b.tgz: truncated archive" || !errors.Is(e, io.ErrUnexpectedEOF) {
		t.Errorf("Error() = %q", got)
	}
}

func TestWalkForeignBundles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file  string
		files int
		probe string
	}{
		{"cluster-info-dump-missing-endpoints.tgz", 36, "kube-system/services.json"},
		{"troubleshoot-support-bundle-missing-endpoints.tar.gz", 135, "cluster-resources/groups-resources-errors.json"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join("..", "..", "shared", "fixtures", "foreign", tt.file)
			if _, err := os.Stat(path); err != nil {
				t.Skipf("fixture absent: %v", err)
			}
			got, err := walkAll(path, DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, g := range got {
				found = found || strings.HasPrefix(g, tt.probe+"=")
			}
			if len(got) != tt.files || !found {
				t.Errorf("%d files (want %d), %s found: %v", len(got), tt.files, tt.probe, found)
			}
			if _, err := ReadManifest(path, Limits{}); err == nil || !strings.HasSuffix(err.Error(), "no manifest.json (not an nsbundle bundle)") {
				t.Errorf("ReadManifest: %v", err)
			}
		})
	}
}

// TestWalkInsecurePathGodebug checks the refusal text does not depend on
// GODEBUG=tarinsecurepath=0 (archive/tar then reports ErrInsecurePath).
func TestWalkInsecurePathGodebug(t *testing.T) {
	t.Setenv("GODEBUG", "tarinsecurepath=0")
	path := writeTemp(t, "b.tar", buildTar([]ent{reg("b/a", "1"), reg("../x", "2")}, true))
	_, err := walkAll(path, Limits{})
	assertBundleError(t, err, path, "../x", `unsafe name: ".." element`)
}

// TestWalkReader reads an archive from a stream (standard input) as Walk
// reads it from its file; ReadManifestReader finds the manifest.
func TestWalkReader(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "b.tgz")
	writeSample(t, path, CodecGzip)
	names := func(walk func(fn func(e *Entry) error) error) []string {
		var out []string
		if err := walk(func(e *Entry) error {
			b, err := e.ReadAll()
			out = append(out, fmt.Sprintf("%s:%d", e.Name, len(b)))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fromFile := names(func(fn func(e *Entry) error) error { return Walk(path, DefaultLimits(), fn) })
	fromStream := names(func(fn func(e *Entry) error) error {
		return WalkReader("standard input", bytes.NewReader(data), DefaultLimits(), fn)
	})
	if strings.Join(fromFile, ",") != strings.Join(fromStream, ",") || len(fromFile) < 2 {
		t.Fatalf("from the file %q, from the stream %q", fromFile, fromStream)
	}
	m, err := ReadManifestReader("standard input", bytes.NewReader(data), DefaultLimits())
	if err != nil || m.FormatVersion != FormatVersion {
		t.Fatalf("ReadManifestReader: %v, %+v", err, m)
	}
	if err := WalkReader("standard input", strings.NewReader("garbage"), DefaultLimits(), func(*Entry) error { return nil }); err == nil ||
		!strings.Contains(err.Error(), "standard input: not a bundle") {
		t.Errorf("garbage: %v", err)
	}
}
