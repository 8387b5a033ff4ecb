package archtest

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// root returns the repository root (two levels above this package).
func root(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(wd, "..", "..")
}

// packages maps each Go package directory (relative, slash-separated) to
// its parsed non-test files.
func packages(t *testing.T) map[string][]string {
	t.Helper()
	pkgs := map[string][]string{}
	base := root(t)
	err := filepath.WalkDir(base, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".") && path != base) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(base, filepath.Dir(path))
		pkgs[filepath.ToSlash(rel)] = append(pkgs[filepath.ToSlash(rel)], path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}

func TestEveryPackageHasADocComment(t *testing.T) {
	t.Parallel()
	for dir, files := range packages(t) {
		documented := false
		for _, f := range files {
			file, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ParseComments|parser.PackageClauseOnly)
			if err != nil {
				t.Fatal(err)
			}
			if file.Doc != nil && strings.TrimSpace(file.Doc.Text()) != "" {
				documented = true
				break
			}
		}
		if !documented {
			t.Errorf("package %s has no doc comment", dir)
		}
	}
}

// domainPackages are the capability packages that must stay free of I/O
// adapters: their storage and HTTP live in sub-packages.
var domainPackages = []string{
	"internal/identity",
	"internal/catalog",
	"internal/grid",
	"internal/notify",
	"internal/sso",
	"internal/appointments",
	"internal/cases",
	"internal/files",
	"internal/insights",
	"internal/exchange",
	"internal/events",
	"internal/events/open311",
}

const module = "github.com/pengcheng-gov/pengcheng/"

var forbidden = []string{"net/http", "database/sql", "html/template", module + "internal/db", module + "internal/web"}

func TestDomainPackagesImportNoAdapters(t *testing.T) {
	t.Parallel()
	pkgs := packages(t)
	for _, dir := range domainPackages {
		files, ok := pkgs[dir]
		if !ok {
			continue
		}
		for _, f := range files {
			file, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range file.Imports {
				path := strings.Trim(imp.Path.Value, `"`)
				if slices.Contains(forbidden, path) || strings.HasPrefix(path, module+dir+"/") {
					t.Errorf("%s/%s imports %s: domain packages must not depend on HTTP, SQL or their adapters", dir, filepath.Base(f), path)
				}
			}
		}
	}
}
