package bundle

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// mkTree creates files (name -> content) under a new directory.
func mkTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestWalkDirectory(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"top-folder-stripped", map[string]string{"nsb/manifest.json": "m", "nsb/resources/core/v1/pods.json": "p"},
			"manifest.json=m resources/core/v1/pods.json=p"},
		{"flat", map[string]string{"manifest.json": "m", "resources/a.json": "a"}, "manifest.json=m resources/a.json=a"},
		{"flat-single-layout-dir", map[string]string{"resources/a.json": "a"}, "resources/a.json=a"},
		{"troubleshoot-cluster-resources-only", map[string]string{"cluster-resources/namespaces.json": "n", "cluster-resources/pods/default.json": "p"},
			"cluster-resources/namespaces.json=n cluster-resources/pods/default.json=p"},
		{"troubleshoot-all-logs-only", map[string]string{"all-logs/x.log": "l"}, "all-logs/x.log=l"},
		{"wrapped-cluster-resources", map[string]string{"sb/cluster-resources/namespaces.json": "n"}, "cluster-resources/namespaces.json=n"},
		{"near-miss-lookalike-is-a-wrapper", map[string]string{"cluster-resource/namespaces.json": "n"}, "namespaces.json=n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := walkAll(mkTree(t, tt.files), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, " ") != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWalkDirectoryRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		setup   func(t *testing.T, dir string) // dir holds top/a.json already
		lim     Limits
		entry   string
		problem string
	}{
		{"symlink-counts-as-entry", func(t *testing.T, dir string) {
			must(t, os.Symlink("/etc", filepath.Join(dir, "top", "etc")))
		}, Limits{MaxEntries: 1}, "top/etc", "too many entries (limit 1)"},
		{"fifo", func(t *testing.T, dir string) {
			must(t, syscall.Mkfifo(filepath.Join(dir, "top", "fifo"), 0o600))
		}, Limits{}, "top/fifo", "FIFO (refused)"},
		{"socket", func(t *testing.T, dir string) {
			l, err := net.Listen("unix", filepath.Join(dir, "top", "sock"))
			must(t, err)
			t.Cleanup(func() { l.Close() })
		}, Limits{}, "top/sock", "socket (refused)"},
		{"backslash-name", func(t *testing.T, dir string) {
			must(t, os.WriteFile(filepath.Join(dir, "top", `a\b`), nil, 0o600))
		}, Limits{}, `top/a\b`, "unsafe name: backslash"},
		{"too-many", func(t *testing.T, dir string) {
			must(t, os.WriteFile(filepath.Join(dir, "top", "b.json"), nil, 0o600))
		}, Limits{MaxEntries: 1}, "top/b.json", "too many entries (limit 1)"},
		{"too-big", func(t *testing.T, dir string) {
			must(t, os.WriteFile(filepath.Join(dir, "top", "b.json"), []byte("12345"), 0o600))
		}, Limits{MaxEntrySize: 4}, "top/b.json", "entry size 5 over the limit of 4 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := mkTree(t, map[string]string{"top/a.json": "a"})
			tt.setup(t, dir)
			_, err := walkAll(dir, tt.lim)
			assertBundleError(t, err, dir, tt.entry, tt.problem)
		})
	}
	empty := t.TempDir()
	_, err := walkAll(empty, Limits{})
	assertBundleError(t, err, empty, "", "empty directory (no files)")
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestWalkExtractedDirectory extracts a Writer bundle with the real tar and
// checks the directory reads like the archive.
func TestWalkExtractedDirectory(t *testing.T) {
	t.Parallel()
	tarBin, err := exec.LookPath("tar")
	if err != nil {
		t.Skip("no tar binary")
	}
	path := filepath.Join(t.TempDir(), "b.tgz")
	writeSample(t, path, CodecGzip)
	fromArchive, err := walkAll(path, Limits{})
	must(t, err)
	x := t.TempDir()
	if out, err := exec.Command(tarBin, "-xzf", path, "-C", x).CombinedOutput(); err != nil {
		t.Fatalf("tar -x: %v\n%s", err, out)
	}
	fromDir, err := walkAll(x, Limits{})
	must(t, err)
	slices.Sort(fromArchive)
	if !slices.Equal(fromArchive, fromDir) {
		t.Errorf("directory reads %d entries, archive %d", len(fromDir), len(fromArchive))
	}
	m, err := ReadManifest(x, Limits{})
	if err != nil || m.Tool.Version != "test" {
		t.Fatalf("ReadManifest(dir): %+v %v", m, err)
	}
}
