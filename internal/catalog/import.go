package catalog

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// The files of a catalogue directory.
const (
	DepartmentsFile = "departments.json"
	ThemesFile      = "themes.json"
	ItemsFile       = "items.json"
)

// ImportProblem is one thing wrong with an import file.
type ImportProblem struct {
	File   string // departments.json, themes.json or items.json
	Record int    // 1-based record number in the file; 0 for the file as a whole
	Line   int    // 1-based line; 0 when unknown
	Code   string // the record's code, when it could be read
	Field  string // the field's path, e.g. materials[2].source; "" for the record
	Err    *errs.Error
}

// Message describes the problem in lang ("en" or Chinese) with its place.
func (p ImportProblem) Message(lang string) string {
	var b strings.Builder
	if lang == "en" {
		fmt.Fprintf(&b, "%s:%d", p.File, p.Line)
		if p.Record > 0 {
			fmt.Fprintf(&b, ": record %d", p.Record)
		}
		if p.Code != "" {
			fmt.Fprintf(&b, " (%s)", p.Code)
		}
	} else {
		fmt.Fprintf(&b, "%s 第 %d 行", p.File, p.Line)
		if p.Record > 0 {
			fmt.Fprintf(&b, "，第 %d 条记录", p.Record)
		}
		if p.Code != "" {
			fmt.Fprintf(&b, "（%s）", p.Code)
		}
	}
	return b.String() + ": " + p.Err.Message(lang)
}

// ImportCounts counts the records of one kind that an import created,
// updated and left unchanged.
type ImportCounts struct {
	Created, Updated, Unchanged int
}

// Total is the number of records the files held.
func (c ImportCounts) Total() int { return c.Created + c.Updated + c.Unchanged }

// ImportReport is the outcome of [Service.Import].
type ImportReport struct {
	Departments ImportCounts
	Themes      ImportCounts
	Items       ImportCounts
	// Kept counts the items in the database that the files do not list;
	// an import never deletes them.
	Kept int
	// Problems lists everything wrong with the files; when there is any,
	// nothing was imported.
	Problems []ImportProblem
}

// Changed reports whether the import created or updated anything.
func (r *ImportReport) Changed() bool {
	return r.Departments.Created+r.Departments.Updated+r.Themes.Created+r.Themes.Updated+
		r.Items.Created+r.Items.Updated > 0
}

// Import loads a catalogue directory (departments.json, themes.json and
// items.json, in the format described in data/README.md; a missing file
// is skipped, but one must exist) into the catalogue, as the system.
//
// Every record is checked first: unknown fields, wrong types, missing or
// null required fields, invalid values, duplicate codes and names, and
// references to departments and themes that neither the files nor the
// database have. When anything is wrong, the report lists every problem
// with its file, record, line and field, nothing is imported, and the
// error is errs.Invalid. Otherwise everything is written in one
// transaction: new records are created, changed ones updated (items with
// a recorded [Change]), and unchanged ones left alone, so importing the
// same files again changes nothing. Items missing from the files are kept.
// progress, when not nil, is called after each record is written with the
// number done and the total.
func (s *Service) Import(ctx context.Context, fsys fs.FS, progress func(done, total int)) (*ImportReport, error) {
	rep := &ImportReport{}
	in, err := s.readImport(ctx, fsys, rep)
	if err != nil {
		return rep, err
	}
	if len(rep.Problems) > 0 {
		return rep, errs.E(errs.Invalid, "catalog.import.invalid",
			fmt.Sprintf("导入文件有 %d 处问题，未导入任何内容", len(rep.Problems)),
			fmt.Sprintf("the import files have %d problems; nothing was imported", len(rep.Problems)))
	}
	if err := s.writeImport(ctx, in, rep, progress); err != nil && !errors.Is(err, errUnchanged) {
		return &ImportReport{}, fmt.Errorf("import catalogue: %w", err)
	}
	if rep.Changed() {
		s.log.InfoContext(ctx, "catalogue imported", "items_created", rep.Items.Created,
			"items_updated", rep.Items.Updated, "items_unchanged", rep.Items.Unchanged)
		s.changed()
	}
	return rep, nil
}

// importInput is what the files hold, checked.
type importInput struct {
	depts  []*Department
	themes []*Theme
	items  []*importedItem
}

// importedItem is an item read from items.json.
type importedItem struct {
	*Item
	hasForm bool    // the record gave form_fields
	rec     *record // where it was read, for later problems
}

// readImport reads and checks the files, reporting problems in rep.
func (s *Service) readImport(ctx context.Context, fsys fs.FS, rep *ImportReport) (*importInput, error) {
	read := func(name string) (*jsonDoc, error) {
		b, err := fs.ReadFile(fsys, name)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		return newJSONDoc(name, b, &rep.Problems), nil
	}
	var docs [3]*jsonDoc
	for i, name := range []string{DepartmentsFile, ThemesFile, ItemsFile} {
		d, err := read(name)
		if err != nil {
			return nil, err
		}
		docs[i] = d
	}
	if docs[0] == nil && docs[1] == nil && docs[2] == nil {
		return nil, errs.E(errs.Invalid, "catalog.import.empty", "目录中没有 departments.json、themes.json 或 items.json",
			"the directory has none of departments.json, themes.json and items.json")
	}
	known, err := s.knownRefs(ctx)
	if err != nil {
		return nil, err
	}
	in := &importInput{}
	if docs[0] != nil {
		in.depts = readDepartments(docs[0], known)
	}
	if docs[1] != nil {
		in.themes = readThemes(docs[1], known)
	}
	if docs[2] != nil {
		in.items = readItems(docs[2], known)
	}
	return in, nil
}

// knownRefs are the codes and names that records may refer to or clash
// with: the database's, then the files' as they are read.
type knownRefs struct {
	depts      map[string]bool   // department code → exists
	themeCodes map[string]string // theme name → code
	dbItems    map[string]*Item  // item code → stored item
}

func (s *Service) knownRefs(ctx context.Context) (*knownRefs, error) {
	k := &knownRefs{depts: map[string]bool{}, themeCodes: map[string]string{}, dbItems: map[string]*Item{}}
	depts, err := s.store.FindDepartments(ctx)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	for _, d := range depts {
		k.depts[d.Code] = true
	}
	themes, err := s.store.FindThemes(ctx)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	for _, t := range themes {
		k.themeCodes[t.Name] = t.Code
	}
	items, _, err := s.store.FindItems(ctx, ItemFilter{})
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	for _, it := range items {
		k.dbItems[it.Code] = it
	}
	return k, nil
}

// uniques reports the second and later records that repeat a code or a
// name.
type uniques struct {
	doc  *jsonDoc
	seen map[string]int // "code:X" or "name:X" → line of the first record
}

func newUniques(doc *jsonDoc) *uniques { return &uniques{doc: doc, seen: map[string]int{}} }

// check reports r when its value for field was seen before; it returns
// whether the value is new.
func (u *uniques) check(r *record, field, value string) bool {
	if value == "" {
		return true
	}
	key := field + ":" + value
	if first, dup := u.seen[key]; dup {
		r.problem(field, r.keys[field], "import.duplicate_"+field,
			fmt.Sprintf("与第 %d 行的记录重复：%s", first, value),
			fmt.Sprintf("repeats the record on line %d: %s", first, value))
		return false
	}
	u.seen[key] = u.doc.line(r.off)
	return true
}

var departmentFields = []string{"code", "name", "short_name", "gbt2260"}

func readDepartments(doc *jsonDoc, known *knownRefs) []*Department {
	var out []*Department
	u := newUniques(doc)
	for i, v := range doc.array() {
		r := doc.newRecord(i+1, "", v, departmentFields, "")
		if r == nil {
			continue
		}
		d := &Department{Code: r.str("code", true)}
		r.code = d.Code
		d.Name, d.ShortName, d.Division = r.str("name", true), r.str("short_name", true), r.str("gbt2260", true)
		for _, e := range d.Check() {
			r.fieldError(e)
		}
		u.check(r, "code", d.Code)
		u.check(r, "name", d.Name)
		if !r.failed {
			known.depts[d.Code] = true
			out = append(out, d)
		}
	}
	return out
}

var themeFields = []string{"code", "name", "description", "audience"}

func readThemes(doc *jsonDoc, known *knownRefs) []*Theme {
	var out []*Theme
	u := newUniques(doc)
	for i, v := range doc.array() {
		r := doc.newRecord(i+1, "", v, themeFields, "")
		if r == nil {
			continue
		}
		t := &Theme{Code: r.str("code", true)}
		r.code = t.Code
		t.Name, t.Description = r.str("name", true), r.str("description", false)
		t.Audience = ApplicantKind(r.str("audience", true))
		for _, e := range t.Check() {
			r.fieldError(e)
		}
		u.check(r, "code", t.Code)
		u.check(r, "name", t.Name)
		if code, ok := known.themeCodes[t.Name]; ok && code != t.Code && !r.failed {
			r.problem("name", r.keys["name"], "import.theme_name_taken", "已被主题 "+code+" 使用："+t.Name,
				"is already the name of theme "+code+": "+t.Name)
		}
		if !r.failed {
			known.themeCodes[t.Name] = t.Code
			out = append(out, t)
		}
	}
	return out
}
