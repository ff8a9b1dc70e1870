package rules

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// sharedViews maps the functions that read a shared view to that view.
var sharedViews = map[string]snapshot.AnyView{
	"readKCM":              kcmView,
	"bootstrapDiffs":       bootstrapDiffView,
	"kcmView.Of":           kcmView,
	"bootstrapDiffView.Of": bootstrapDiffView,
}

// TestRulesDeclareTheViewsTheyRead: a rule whose file reads a shared view
// lists it in Requires, so the engine knows what each rule depends on.
func TestRulesDeclareTheViewsTheyRead(t *testing.T) {
	t.Parallel()
	byType := map[string]analyze.Rule{}
	for _, r := range All() {
		byType[reflect.TypeOf(r).Name()] = r
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		// read: the views each receiver type's methods read ("" for free
		// functions, counted for every rule of the file).
		read := map[string]map[snapshot.AnyView]bool{}
		var types []string
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			recv := ""
			if fn.Recv != nil && len(fn.Recv.List) == 1 {
				if id, ok := fn.Recv.List[0].Type.(*ast.Ident); ok {
					recv = id.Name
					if fn.Name.Name == "ID" {
						types = append(types, recv)
					}
				}
			}
			ast.Inspect(fn, func(n ast.Node) bool {
				if c, ok := n.(*ast.CallExpr); ok {
					if v, ok := sharedViews[callName(c.Fun)]; ok {
						if read[recv] == nil {
							read[recv] = map[snapshot.AnyView]bool{}
						}
						read[recv][v] = true
					}
				}
				return true
			})
		}
		for _, typ := range types {
			r, ok := byType[typ]
			if !ok {
				t.Errorf("%s: rule type %s is not in All()", name, typ)
				continue
			}
			var declared []snapshot.AnyView
			if rr, ok := r.(analyze.Requirer); ok {
				declared = rr.Requires()
			}
			for _, recv := range []string{typ, ""} {
				for v := range read[recv] {
					found := false
					for _, d := range declared {
						found = found || d == v
					}
					if !found {
						t.Errorf("%s: rule %s reads view %q without listing it in Requires", name, r.ID(), v.Name())
					}
				}
			}
		}
	}
}

func callName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok {
			return x.Name + "." + e.Sel.Name
		}
	}
	return ""
}
