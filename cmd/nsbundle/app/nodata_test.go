package app

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeFiles writes name -> content under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// tarFiles writes name -> content as a plain tar file and returns its path.
func tarFiles(t *testing.T, dir string, names []string, files map[string]string) string {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, n := range names {
		if err := tw.WriteHeader(&tar.Header{Name: n, Mode: 0o600, Size: int64(len(files[n])), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(files[n]))
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "input.tar")
	if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAnalyzeNothingDecoded(t *testing.T) {
	t.Parallel()
	const nsList = `{"kind":"NamespaceList","apiVersion":"v1","items":[{"metadata":{"name":"default"},"status":{"phase":"Active"}}]}`
	etc := map[string]string{"etc/hostname": "node-1\n", "etc/hosts": "127.0.0.1 localhost\n", "etc/motd": "hello\n"}
	cases := []struct {
		name  string
		input func(t *testing.T, dir string) string
		code  int
		files string // "(N files" expected in the message; "" for a readable input
	}{
		{"tar of text files", func(t *testing.T, dir string) string {
			return tarFiles(t, dir, []string{"etc/hostname", "etc/hosts", "etc/motd"}, etc)
		}, ExitUnreadable, "(3 files;"},
		{"folder of text tickets", func(t *testing.T, dir string) string {
			writeFiles(t, dir, map[string]string{"ticket-1.txt": "customer says it hangs", "ticket-2.txt": "still hangs"})
			if err := os.Mkdir(filepath.Join(dir, "empty"), 0o700); err != nil {
				t.Fatal(err)
			}
			return dir
		}, ExitUnreadable, "(2 files;"},
		{"empty-ish folder", func(t *testing.T, dir string) string {
			writeFiles(t, dir, map[string]string{"bundle/notes/README": ""})
			return dir
		}, ExitUnreadable, "(1 file;"},
		{"troubleshoot analysis.json only", func(t *testing.T, dir string) string {
			writeFiles(t, dir, map[string]string{"support-bundle-2026-12-03/analysis.json": `[{"name":"x","isPass":true}]`,
				"support-bundle-2026-12-03/version.yaml": "apiVersion: troubleshoot.sh/v1beta2\n"})
			return dir
		}, ExitUnreadable, "(2 files;"},
		{"json that is not a list", func(t *testing.T, dir string) string {
			writeFiles(t, dir, map[string]string{"cluster-resources/pods/default.json": "not json"})
			return dir
		}, ExitUnreadable, "(1 file;"},
		{"an app's nodes.json of graph nodes (JSON, not Kubernetes objects)", func(t *testing.T, dir string) string {
			writeFiles(t, dir, map[string]string{"seed/nodes.json": `[{"city":"Minsk","neighbors":[{"name":"Brest","time":4}]},{"city":"Brest","neighbors":[]}]`,
				"seed/Dockerfile": "FROM scratch\n"})
			return dir
		}, ExitUnreadable, "(2 files;"},
		// Healthy look-alikes (inspect refuses them as not nsbundle bundles): little, but cluster data.
		{"troubleshoot with one list", func(t *testing.T, dir string) string {
			writeFiles(t, dir, map[string]string{"cluster-resources/namespaces.json": nsList, "analysis.json": "[]"})
			return dir
		}, ExitOK, ""},
		{"tar with one list among text files", func(t *testing.T, dir string) string {
			files := map[string]string{"sb/notes.txt": "x", "sb/cluster-resources/namespaces.json": nsList}
			return tarFiles(t, dir, []string{"sb/notes.txt", "sb/cluster-resources/namespaces.json"}, files)
		}, ExitOK, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := tc.input(t, t.TempDir())
			code, stdout, stderr := run(t, "nsbundle", "analyze", p)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tc.code, stderr)
			}
			if tc.files == "" {
				if stderr != "" || stdout == "" {
					t.Errorf("readable input: stdout %q, stderr %q", stdout, stderr)
				}
				// inspect shows what analyze reads from it.
				code, stdout, stderr = run(t, "nsbundle", "inspect", p)
				if code != ExitOK || stderr != "" || !strings.Contains(stdout, "Layout:        troubleshoot (no nsbundle manifest)") ||
					!strings.Contains(stdout, "│ namespaces │ 1       │ complete │") {
					t.Errorf("inspect of a foreign bundle: exit %d, stdout %q, stderr %q", code, stdout, stderr)
				}
				code, stdout, _ = run(t, "nsbundle", "inspect", "--json", p)
				if code != ExitOK || !strings.Contains(stdout, `"resource": "namespaces"`) || !strings.Contains(stdout, `"layout": "troubleshoot"`) {
					t.Errorf("inspect --json of a foreign bundle: exit %d, stdout %q", code, stdout)
				}
				return
			}
			want := "Error: " + p + ": nothing in it could be read as cluster data " + tc.files
			checkOneLine(t, stdout, stderr, want)
			// inspect says the same.
			code, stdout, stderr = run(t, "nsbundle", "inspect", p)
			if code != ExitUnreadable {
				t.Fatalf("inspect: exit %d, want %d; stderr %q", code, ExitUnreadable, stderr)
			}
			checkOneLine(t, stdout, stderr, want)
		})
	}
}

// checkOneLine checks nothing went to stdout and stderr is one line that
// starts with want and says what was looked for.
func checkOneLine(t *testing.T, stdout, stderr, want string) {
	t.Helper()
	if stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, want) ||
		!strings.HasSuffix(stderr, " no Kubernetes lists, logs or discovery found)\n") {
		t.Errorf("stdout %q\nstderr %q\nwant one line starting %q", stdout, stderr, want)
	}
}
