package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/fifogo/fifo"

// ergoAllowed lists the folders whose packages may import ergo: the
// runtime layer, supervisors, and the actor shells of actors/, apps/ and
// agent/. Pure logic (internal/*) never does.
var ergoAllowed = []string{"internal/runtime", "supervisors", "actors", "apps", "agent"}

type pkgFiles struct {
	dir   string
	files map[string]*ast.File
}

// repoPackages parses every non-test Go file of the module, by folder.
func repoPackages(t *testing.T) []pkgFiles {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found from %s: %v", root, err)
	}
	byDir := map[string]*pkgFiles{}
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "bin" || name == "data" || name == "dist") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		p := byDir[rel]
		if p == nil {
			p = &pkgFiles{dir: filepath.ToSlash(rel), files: map[string]*ast.File{}}
			byDir[rel] = p
		}
		p.files[filepath.Base(path)] = f
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var out []pkgFiles
	for _, p := range byDir {
		out = append(out, *p)
	}
	if len(out) < 10 {
		t.Fatalf("found only %d packages: the walk is broken", len(out))
	}
	return out
}

func allowedErgo(dir string) bool {
	for _, a := range ergoAllowed {
		if dir == a || strings.HasPrefix(dir, a+"/") {
			return true
		}
	}
	return false
}

func TestOnlyTheRuntimeLayerAndActorsImportErgo(t *testing.T) {
	seen := false
	for _, p := range repoPackages(t) {
		for name, f := range p.files {
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				if !strings.HasPrefix(path, "github.com/ergo-services/ergo") {
					continue
				}
				seen = true
				if !allowedErgo(p.dir) {
					t.Errorf("%s/%s imports %s: only %v may import ergo", p.dir, name, path, ergoAllowed)
				}
			}
		}
	}
	if !seen {
		t.Fatal("no package imports ergo: the check is not looking at the right files")
	}
}

func TestEverythingExportedIsDocumented(t *testing.T) {
	for _, p := range repoPackages(t) {
		hasPkgDoc := false
		for name, f := range p.files {
			if f.Doc != nil {
				hasPkgDoc = true
			}
			for _, d := range f.Decls {
				for _, n := range undocumented(d) {
					t.Errorf("%s/%s: exported %s has no doc comment", p.dir, name, n)
				}
			}
		}
		if !hasPkgDoc {
			t.Errorf("package %s has no package doc comment", p.dir)
		}
	}
}

// undocumented lists the exported names a declaration leaves without a
// doc comment. Methods of unexported types and grouped declarations under
// one doc comment count as documented.
func undocumented(d ast.Decl) []string {
	var out []string
	switch d := d.(type) {
	case *ast.FuncDecl:
		if !d.Name.IsExported() || d.Doc != nil {
			return nil
		}
		if d.Recv != nil && len(d.Recv.List) > 0 {
			if !exportedRecv(d.Recv.List[0].Type) {
				return nil
			}
		}
		out = append(out, d.Name.Name)
	case *ast.GenDecl:
		if d.Tok == token.IMPORT {
			return nil
		}
		grouped := d.Lparen.IsValid() && d.Doc != nil
		for _, s := range d.Specs {
			switch s := s.(type) {
			case *ast.TypeSpec:
				if s.Name.IsExported() && s.Doc == nil && d.Doc == nil && s.Comment == nil {
					out = append(out, s.Name.Name)
				}
			case *ast.ValueSpec:
				for _, n := range s.Names {
					if n.IsExported() && s.Doc == nil && s.Comment == nil && d.Doc == nil && !grouped {
						out = append(out, n.Name)
					}
				}
			}
		}
	}
	return out
}

func exportedRecv(e ast.Expr) bool {
	switch t := e.(type) {
	case *ast.StarExpr:
		return exportedRecv(t.X)
	case *ast.IndexExpr:
		return exportedRecv(t.X)
	case *ast.IndexListExpr:
		return exportedRecv(t.X)
	case *ast.Ident:
		return t.IsExported()
	}
	return false
}

// pureCores are packages whose logic must take time and randomness as
// arguments (house rule 3): no time.Now, no global math/rand.
var pureCores = []string{"internal/crdt", "internal/record", "internal/perm", "internal/placement", "apps/snarl/credential"}

func TestPureCoresTakeTimeAndRandomnessAsArguments(t *testing.T) {
	checked := 0
	for _, p := range repoPackages(t) {
		pure := false
		for _, c := range pureCores {
			if p.dir == c {
				pure = true
			}
		}
		if !pure {
			continue
		}
		checked++
		for name, f := range p.files {
			for _, imp := range f.Imports {
				if path, _ := strconv.Unquote(imp.Path.Value); strings.HasPrefix(path, "math/rand") {
					t.Errorf("%s/%s imports %s: take randomness as an argument", p.dir, name, path)
				}
			}
			ast.Inspect(f, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok || sel.Sel.Name != "Now" {
					return true
				}
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == "time" {
					t.Errorf("%s/%s calls time.Now: take the time as an argument", p.dir, name)
				}
				return true
			})
		}
	}
	if checked != len(pureCores) {
		t.Fatalf("checked %d of %d pure packages: a folder moved?", checked, len(pureCores))
	}
}
