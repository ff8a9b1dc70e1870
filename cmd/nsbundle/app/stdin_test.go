package app

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

// TestBundleFromStdin: "-" reads the bundle from standard input, with the
// same report as from the file, and the same exit codes.
func TestBundleFromStdin(t *testing.T) {
	t.Parallel()
	const sample = "../../../samples/failed-discovery-check.tgz"
	data, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	code, wantOut, _ := run(t, "nsbundle", "analyze", "-o", "json", sample)
	if code != ExitFindings {
		t.Fatalf("analyze %s: exit %d", sample, code)
	}
	cases := []struct {
		name      string
		args      []string
		in        []byte
		code      int
		stdoutHas string
		stderrHas string
	}{
		{"analyze", []string{"analyze", "-o", "json", "-"}, data, ExitFindings, `"path": "standard input"`, ""},
		{"inspect", []string{"inspect", "-"}, data, ExitOK, "Cluster:       v1.37.2", ""},
		{"garbage", []string{"analyze", "-"}, []byte("not a bundle at all"), ExitUnreadable, "", "standard input: not a bundle"},
		{"empty", []string{"analyze", "-"}, nil, ExitUnreadable, "", "standard input: empty file"},
		{"truncated", []string{"analyze", "-"}, data[:len(data)/2], ExitUnreadable, "", "standard input"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out, errOut bytes.Buffer
			code := Run(context.Background(), Streams{In: bytes.NewReader(tc.in), Out: &out, ErrOut: &errOut}, "nsbundle", tc.args)
			if code != tc.code {
				t.Fatalf("exit code %d, want %d (stderr %q)", code, tc.code, errOut.String())
			}
			if !strings.Contains(out.String(), tc.stdoutHas) || !strings.Contains(errOut.String(), tc.stderrHas) {
				t.Fatalf("stdout %.300q, stderr %q; want %q and %q", out.String(), errOut.String(), tc.stdoutHas, tc.stderrHas)
			}
			if tc.name == "analyze" {
				// Everything but the bundle's name is as from the file.
				got := strings.Replace(out.String(), `"path": "standard input"`, `"path": "`+sample+`"`, 1)
				if got != wantOut {
					t.Errorf("report from standard input differs from the report from the file")
				}
			}
		})
	}
}
