package storage

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The package's house rules, checked on its own sources: no ergo import (it
// is a pure library under the actors), no sleeps in tests, and no mutable
// package state outside tests.
func TestHouseRules(t *testing.T) {
	files, err := filepath.Glob("*.go")
	must(t, err)
	fset := token.NewFileSet()
	for _, name := range files {
		src, err := os.ReadFile(name)
		must(t, err)
		f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
		must(t, err)
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if strings.Contains(path, "ergo") {
				t.Errorf("%s imports %s", name, path)
			}
		}
		isTest := strings.HasSuffix(name, "_test.go")
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				if id, ok := n.X.(*ast.Ident); ok && id.Name == "time" && n.Sel.Name == "Sleep" {
					t.Errorf("%s: time.Sleep at %v", name, fset.Position(n.Pos()))
				}
			}
			return true
		})
		if isTest {
			continue
		}
		for _, decl := range f.Decls { // top level only
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, spec := range gd.Specs {
				for _, id := range spec.(*ast.ValueSpec).Names {
					if !strings.HasPrefix(id.Name, "Err") && id.Name != "metaKey" {
						t.Errorf("%s: package variable %s", name, id.Name)
					}
				}
			}
		}
	}
}
