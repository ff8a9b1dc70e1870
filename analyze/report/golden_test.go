package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nsbundle/nsbundle/analyze"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// goldenCase is one report rendered to every format and compared with
// testdata/<name>.<format>.golden.
type goldenCase struct {
	name   string
	report *analyze.Report
}

// goldenCases returns the reports built in fixtures_test.go, then every
// report in testdata/reports/*.json (e.g. `nsbundle analyze sample.tgz -o
// json` of a real sample: drop the file there and run with -update).
func goldenCases(t *testing.T) []goldenCase {
	t.Helper()
	cases := []goldenCase{
		{"ccm-routes", ccmRoutesReport()},
		{"kcm-clusterrole", kcmClusterRoleReport()},
		{"empty", emptyReport()},
		{"escaping", hostileReport()},
	}
	files, err := filepath.Glob(filepath.Join("testdata", "reports", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var r analyze.Report
		if err := json.Unmarshal(data, &r); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		cases = append(cases, goldenCase{strings.TrimSuffix(filepath.Base(f), ".json"), &r})
	}
	return cases
}

// goldenOptions are the options every golden is rendered with: no color and
// a fixed width, so the files do not depend on the terminal.
var goldenOptions = Options{Width: DefaultWidth}

// goldenName is the golden file name (without testdata/) for a case and
// format.
func goldenName(c string, f Format) string { return c + "." + string(f) + ".golden" }

// assertGolden compares got with testdata/<name>; with -update it writes got
// there instead.
func assertGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `go test ./analyze/report -run TestGolden -update` to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (rerun with -update if the change is intended):\n%s", path, firstDiff(want, got))
	}
}

// firstDiff shows the first differing line of want and got, with its number.
func firstDiff(want, got []byte) string {
	wl := strings.Split(string(want), "\n")
	gl := strings.Split(string(got), "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g || i >= len(wl) || i >= len(gl) {
			return fmt.Sprintf("line %d:\n-want %q\n+got  %q", i+1, w, g)
		}
	}
	return "(no line differs)"
}

func TestGolden(t *testing.T) {
	t.Parallel()
	for _, c := range goldenCases(t) {
		for _, f := range Formats() {
			t.Run(c.name+"/"+string(f), func(t *testing.T) {
				t.Parallel()
				var buf bytes.Buffer
				if err := Render(&buf, c.report, f, goldenOptions); err != nil {
					t.Fatalf("Render: %v", err)
				}
				assertGolden(t, goldenName(c.name, f), buf.Bytes())
			})
		}
	}
}

// TestGoldenFilesUsed fails on a golden file no case produces (a renamed
// case or format would otherwise leave a stale file behind).
func TestGoldenFilesUsed(t *testing.T) {
	t.Parallel()
	if *update {
		t.Skip("-update: files may be in the middle of being rewritten")
	}
	want := map[string]bool{}
	for _, c := range goldenCases(t) {
		for _, f := range Formats() {
			want[goldenName(c.name, f)] = true
		}
	}
	files, err := filepath.Glob(filepath.Join("testdata", "*.golden"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !want[filepath.Base(f)] {
			t.Errorf("%s: no golden case renders it; delete it", f)
		}
	}
}
