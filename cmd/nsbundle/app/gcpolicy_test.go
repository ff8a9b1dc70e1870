package app

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
)

func TestGCPolicyRestores(t *testing.T) {
	if testing.Short() {
		t.Skip("changes process-wide GC settings")
	}
	t.Setenv("GOGC", "") // Begin reads the variables, the runtime does not re-read them
	t.Setenv("GOMEMLIMIT", "")
	before := debug.SetGCPercent(-1)
	debug.SetGCPercent(before)
	limit := debug.SetMemoryLimit(-1)
	var g GCPolicy
	end1 := g.Begin()
	end2 := g.Begin() // a concurrent load
	if got := debug.SetMemoryLimit(-1); got != loadMemoryLimit {
		t.Errorf("limit while loading %d, want %d", got, loadMemoryLimit)
	}
	g.Progress()
	end1()
	if got := debug.SetMemoryLimit(-1); got < loadMemoryLimit {
		t.Errorf("limit restored while another load runs: %d", got)
	}
	end2()
	if got := debug.SetMemoryLimit(-1); got != limit {
		t.Errorf("limit after %d, want %d", got, limit)
	}
	if got := debug.SetGCPercent(before); got != before {
		t.Errorf("GC percent after %d, want %d", got, before)
	}
}

// TestNoLibraryTunesGC checks that only commands (cmd/...) change the
// process-wide GC percent or memory limit: a library that did would
// override the settings of every program importing it. Test files may.
func TestNoLibraryTunesGC(t *testing.T) {
	t.Parallel()
	root := moduleRoot(t)
	fset := token.NewFileSet()
	checked := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == "cmd" || strings.HasSuffix(rel, "/cmd") || rel == "testdata" || strings.HasSuffix(rel, "/testdata") || strings.HasPrefix(d.Name(), ".") && rel != "." {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		checked++
		for _, call := range gcSettingCalls(f) {
			t.Errorf("%s: %s changes a process-wide setting; only a command may (pass a load.MemoryPolicy)", fset.Position(call.Pos()), call.Sel.Name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 20 {
		t.Fatalf("checked only %d files under %s", checked, root)
	}
}

// gcSettingCalls returns the uses of runtime/debug's SetGCPercent and
// SetMemoryLimit in f, whatever name the package is imported under.
func gcSettingCalls(f *ast.File) []*ast.SelectorExpr {
	names := map[string]bool{}
	for _, im := range f.Imports {
		if p, _ := strconv.Unquote(im.Path.Value); p == "runtime/debug" {
			name := "debug"
			if im.Name != nil {
				name = im.Name.Name
			}
			names[name] = true
		}
	}
	var out []*ast.SelectorExpr
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if x, ok := sel.X.(*ast.Ident); ok && names[x.Name] && (sel.Sel.Name == "SetGCPercent" || sel.Sel.Name == "SetMemoryLimit") {
			out = append(out, sel)
		}
		return true
	})
	return out
}

func TestGCSettingCalls(t *testing.T) {
	t.Parallel()
	src := `package p
import (
	d "runtime/debug"
	"runtime/debug"
)
func f() { d.SetGCPercent(1); debug.SetMemoryLimit(2); debug.FreeOSMemory() }
`
	f, err := parser.ParseFile(token.NewFileSet(), "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range gcSettingCalls(f) {
		got = append(got, s.Sel.Name)
	}
	if strings.Join(got, ",") != "SetGCPercent,SetMemoryLimit" {
		t.Errorf("found %q", got)
	}
}

// moduleRoot is the directory holding go.mod, above the test's.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}
