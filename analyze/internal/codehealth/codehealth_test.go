package codehealth

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// root is the module's root, from this package's directory.
const root = "../../.."

// overComplex lists the functions (file:Func or file:Recv.Func) above
// MaxComplexity today, with their complexity: each may only shrink, and
// leaves the list once it is at or under MaxComplexity.
var overComplex = map[string]int{}

// overLong lists the files above MaxLines today, with their length.
var overLong = map[string]int{}

// complexity counts a function body's decision points, as gocyclo does.
func complexity(fn ast.Node) int {
	n := 1
	ast.Inspect(fn, func(x ast.Node) bool {
		switch x := x.(type) {
		case *ast.IfStmt, *ast.ForStmt, *ast.RangeStmt:
			n++
		case *ast.CaseClause:
			if x.List != nil {
				n++
			}
		case *ast.CommClause:
			if x.Comm != nil {
				n++
			}
		case *ast.BinaryExpr:
			if x.Op == token.LAND || x.Op == token.LOR {
				n++
			}
		}
		return true
	})
	return n
}

func funcName(f *ast.FuncDecl) string {
	if f.Recv == nil || len(f.Recv.List) == 0 {
		return f.Name.Name
	}
	t := f.Recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	if ix, ok := t.(*ast.IndexExpr); ok {
		t = ix.X
	}
	if ix, ok := t.(*ast.IndexListExpr); ok {
		t = ix.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name + "." + f.Name.Name
	}
	return f.Name.Name
}

// sourceFiles returns the module's non-test Go files, relative to root.
func sourceFiles(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			rel, _ := filepath.Rel(root, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func TestComplexityAndLength(t *testing.T) {
	fset := token.NewFileSet()
	seen := map[string]bool{}
	for _, rel := range sourceFiles(t) {
		src, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Count(string(src), "\n")
		if limit, ok := overLong[rel]; ok {
			seen[rel] = true
			if lines > limit {
				t.Errorf("%s has %d lines, more than the %d it had when listed: split it", rel, lines, limit)
			} else if lines <= MaxLines {
				t.Errorf("%s has %d lines now: remove it from overLong", rel, lines)
			}
		} else if lines > MaxLines {
			t.Errorf("%s has %d lines, over %d: split it by concept", rel, lines, MaxLines)
		}
		f, err := parser.ParseFile(fset, rel, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			key := rel + ":" + funcName(fn)
			c := complexity(fn)
			if limit, ok := overComplex[key]; ok {
				seen[key] = true
				if c > limit {
					t.Errorf("%s: cyclomatic complexity %d, more than the %d it had when listed: split it by the facts it computes", key, c, limit)
				} else if c <= MaxComplexity {
					t.Errorf("%s: complexity %d now: remove it from overComplex", key, c)
				}
			} else if c > MaxComplexity {
				t.Errorf("%s: cyclomatic complexity %d, over %d: split it by the facts it computes", key, c, MaxComplexity)
			}
		}
	}
	for k := range overComplex {
		if !seen[k] {
			t.Errorf("overComplex lists %s, which no longer exists", k)
		}
	}
	for k := range overLong {
		if !seen[k] {
			t.Errorf("overLong lists %s, which no longer exists", k)
		}
	}
}

// TestComplexityCount: the counter counts what gocyclo counts.
func TestComplexityCount(t *testing.T) {
	src := `package p
func f(a, b bool, xs []int, c chan int) {
	if a && b || a { }
	for i := 0; i < 1; i++ { }
	for range xs { }
	switch { case a: ; case b: ; default: }
	select { case <-c: ; default: }
	_ = func() { if b { } }
}`
	f, err := parser.ParseFile(token.NewFileSet(), "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	// 1 + if + && + || + for + range + 2 cases + 1 comm + nested if = 10
	if got := complexity(f.Decls[0]); got != 10 {
		t.Errorf("complexity = %d, want 10", got)
	}
}
