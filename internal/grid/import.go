package grid

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// ImportOptions tune an import.
type ImportOptions struct {
	// Tolerance bounds the discrepancies allowed; the zero value means
	// [DefaultTolerance].
	Tolerance Tolerance
	// Source is recorded on the cells written ("import" when empty).
	Source string
	// Progress, if set, hears what the import is doing: a stage
	// ("read", "check", "write") and how far it is.
	Progress func(stage string, done, total int)
}

// LevelCounts counts what an import did to the cells of one level.
type LevelCounts struct {
	Level                                Level
	Created, Updated, Unchanged, Removed int
}

// ImportReport is the outcome of an import.
type ImportReport struct {
	Levels []LevelCounts // by rank, only levels the import touched
	// Problems lists everything wrong (up to [maxProblems]); when there is
	// any, nothing was imported.
	Problems []Problem
	// More counts the problems found beyond those listed.
	More     int
	Revision int64 // the grid's revision after the import
}

// Changed reports whether the import wrote anything.
func (r *ImportReport) Changed() bool {
	for _, l := range r.Levels {
		if l.Created+l.Updated+l.Removed > 0 {
			return true
		}
	}
	return false
}

// maxProblems bounds the problems an import lists.
const maxProblems = 200

// feature is one GeoJSON feature of an import file.
type feature struct {
	Type       string          `json:"type"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties struct {
		Code      any   `json:"code"`
		Name      any   `json:"name"`
		Level     any   `json:"level"`
		Parent    any   `json:"parent"`
		Synthetic *bool `json:"synthetic"`
	} `json:"properties"`
}

// ReadFeatures reads a GeoJSON FeatureCollection of cells: each feature
// has a Polygon or MultiPolygon geometry and the properties code, name,
// level and parent (and, optionally, synthetic). Features that cannot be
// read are reported as problems; the cells returned are those that could.
func ReadFeatures(r io.Reader, source string) ([]*Cell, []Problem, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("read features: %w", err)
	}
	var fc struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf")), &fc); err != nil || fc.Type != "FeatureCollection" {
		return nil, []Problem{problem(0, nil, "grid.import.not_collection", "文件不是 GeoJSON FeatureCollection",
			"the file is not a GeoJSON FeatureCollection")}, nil
	}
	var cells []*Cell
	var probs []Problem
	for i, rf := range fc.Features {
		c, p := readFeature(i+1, rf, source)
		if p != nil {
			probs = append(probs, *p)
			continue
		}
		cells = append(cells, c)
	}
	if len(fc.Features) == 0 {
		probs = append(probs, problem(0, nil, "grid.import.empty", "文件中没有要素", "the file has no features"))
	}
	return cells, probs, nil
}

func readFeature(n int, raw json.RawMessage, source string) (*Cell, *Problem) {
	var f feature
	if err := json.Unmarshal(raw, &f); err != nil || f.Type != "Feature" {
		p := problem(n, nil, "grid.import.not_feature", "不是 GeoJSON Feature", "not a GeoJSON Feature")
		return nil, &p
	}
	str := func(v any) (string, bool) {
		switch x := v.(type) {
		case string:
			return x, true
		case float64: // codes written as numbers
			return fmt.Sprintf("%.0f", x), x == float64(int64(x))
		case nil:
			return "", true
		}
		return "", false
	}
	code, okC := str(f.Properties.Code)
	name, okN := str(f.Properties.Name)
	level, okL := str(f.Properties.Level)
	parent, okP := str(f.Properties.Parent)
	bad := func(code, zh, en string) (*Cell, *Problem) {
		p := problem(n, nil, code, zh, en)
		return nil, &p
	}
	switch {
	case !okC || !validCode(code):
		return bad("grid.import.code", fmt.Sprintf("属性 code 应为 1–32 位字母、数字或 - _ .，而不是 %.40v", f.Properties.Code),
			fmt.Sprintf("property code must be 1–32 letters, digits, '-', '_' or '.', not %.40v", f.Properties.Code))
	case !okN || !validName(name):
		return bad("grid.import.name", "网格 "+code+" 的属性 name 应为 1–100 个字符", "property name of cell "+code+" must be 1–100 characters")
	case !okL || level == "":
		return bad("grid.import.level", "网格 "+code+" 缺少属性 level", "cell "+code+" has no property level")
	case !okP || (parent != "" && !validCode(parent)):
		return bad("grid.import.parent", "网格 "+code+" 的属性 parent 不是有效的网格编码", "property parent of cell "+code+" is not a valid code")
	}
	c := &Cell{Code: code, Name: name, Level: Level(level), Parent: parent, Source: source}
	if f.Properties.Synthetic != nil {
		c.Synthetic = *f.Properties.Synthetic
	}
	g, err := ParseGeometry(f.Geometry)
	if err != nil {
		ge := err.(*GeometryError)
		p := problem(n, []string{code}, ge.Code, c.Label()+"："+ge.Msg, c.labelEN()+": "+ge.MsgEN)
		return nil, &p
	}
	c.Geometry = g
	return c, nil
}

// Import reads a FeatureCollection of cells (see [ReadFeatures]) and
// applies it with [Service.ImportCells].
func (s *Service) Import(ctx context.Context, r io.Reader, opts ImportOptions) (*ImportReport, error) {
	if opts.Source == "" {
		opts.Source = "import"
	}
	cells, probs, err := ReadFeatures(r, opts.Source)
	if err != nil {
		return &ImportReport{}, err
	}
	if opts.Progress != nil {
		opts.Progress("read", len(cells), len(cells)+len(probs))
	}
	if len(probs) > 0 {
		return failed(probs)
	}
	return s.ImportCells(ctx, cells, opts)
}

func failed(probs []Problem) (*ImportReport, error) {
	rep := &ImportReport{Problems: probs}
	if len(probs) > maxProblems {
		rep.Problems, rep.More = probs[:maxProblems], len(probs)-maxProblems
	}
	return rep, errs.E(errs.Invalid, "grid.import.invalid",
		fmt.Sprintf("导入内容有 %d 处问题，未导入任何内容", len(probs)),
		fmt.Sprintf("the import has %d problems; nothing was imported", len(probs)))
}

// ImportCells validates cells against the grid as it is and, only if
// everything is valid, writes them in one transaction.
//
// The cells replace, for every parent they name, that parent's children:
// a stored cell whose parent the import names and that the import does not
// list is removed (its zone assignments too). Every cell must have a known
// level; the parent of a cell below the top level must be a cell, in the
// import or stored, of the level just above. Each group of siblings that
// the import touches is checked: every child inside its parent, no two
// overlapping, together covering the parent, all within the tolerance.
// Problems name the cells at fault.
func (s *Service) ImportCells(ctx context.Context, cells []*Cell, opts ImportOptions) (*ImportReport, error) {
	if opts.Tolerance == (Tolerance{}) {
		opts.Tolerance = DefaultTolerance()
	}
	levels, err := s.store.Levels(ctx)
	if err != nil {
		return &ImportReport{}, fmt.Errorf("import cells: %w", err)
	}
	base, err := s.store.Revision(ctx)
	if err != nil {
		return &ImportReport{}, fmt.Errorf("import cells: %w", err)
	}
	stored, err := s.store.AllCells(ctx)
	if err != nil {
		return &ImportReport{}, fmt.Errorf("import cells: %w", err)
	}
	plan, probs := planImport(levels, stored, cells, opts)
	if len(probs) > 0 {
		return failed(probs)
	}
	rep := plan.report(levels)
	if !rep.Changed() {
		rep.Revision = base
		return rep, nil
	}
	if opts.Progress != nil {
		opts.Progress("write", 0, len(plan.put))
	}
	now := s.Now()
	for _, c := range plan.put {
		c.UpdatedAt = now
	}
	if rep.Revision, err = s.store.ApplyCells(ctx, base, plan.remove, plan.put); err != nil {
		return &ImportReport{}, fmt.Errorf("import cells: %w", err)
	}
	if opts.Progress != nil {
		opts.Progress("write", len(plan.put), len(plan.put))
	}
	s.log.InfoContext(ctx, "grid cells imported", "written", len(plan.put), "removed", len(plan.remove), "revision", rep.Revision)
	s.invalidate()
	return rep, nil
}

// importPlan is what an import will write.
type importPlan struct {
	put     []*Cell
	remove  []string
	counts  map[Level]*LevelCounts
	removed map[string]*Cell
}

func (p *importPlan) count(l Level) *LevelCounts {
	if p.counts[l] == nil {
		p.counts[l] = &LevelCounts{Level: l}
	}
	return p.counts[l]
}

func (p *importPlan) report(levels Levels) *ImportReport {
	rep := &ImportReport{}
	for _, name := range levels.Names() {
		if c := p.counts[Level(name)]; c != nil {
			rep.Levels = append(rep.Levels, *c)
		}
	}
	return rep
}

// planImport works out the grid after the import and checks it.
func planImport(levels Levels, stored, cells []*Cell, opts ImportOptions) (*importPlan, []Problem) {
	plan := &importPlan{counts: map[Level]*LevelCounts{}, removed: map[string]*Cell{}}
	var probs []Problem
	state := make(map[string]*Cell, len(stored)+len(cells))
	for _, c := range stored {
		state[c.Code] = c
	}
	old := maps.Clone(state)
	position := map[string]int{}
	parents := map[string]bool{}
	for i, c := range cells {
		if j, dup := position[c.Code]; dup {
			probs = append(probs, problem(i+1, []string{c.Code}, "grid.import.duplicate",
				fmt.Sprintf("网格编码 %s 重复（另见第 %d 个要素）", c.Code, j+1), fmt.Sprintf("cell code %s appears twice (see also feature %d)", c.Code, j+1)))
			continue
		}
		position[c.Code] = i
		parents[c.Parent] = true
		if _, ok := levels.Find(c.Level); !ok {
			probs = append(probs, problem(i+1, []string{c.Code}, "grid.import.level_unknown",
				fmt.Sprintf("%s 的层级 %.30q 未定义（可用：%v）", c.Label(), c.Level, levels.Names()),
				fmt.Sprintf("%s has the unknown level %.30q (known: %v)", c.labelEN(), c.Level, levels.Names())))
		}
		if e := checkGeometry(c, opts.Tolerance); e != nil {
			probs = append(probs, Problem{Feature: i + 1, Cells: []string{c.Code}, Err: e})
		}
	}
	if len(probs) > 0 {
		return nil, probs
	}
	for _, c := range stored {
		if _, listed := position[c.Code]; !listed && parents[c.Parent] {
			delete(state, c.Code)
			plan.removed[c.Code] = c
		}
	}
	for _, c := range cells {
		state[c.Code] = c
	}
	probs = append(probs, checkTree(levels, state, cells, position, plan.removed)...)
	if len(probs) > 0 {
		return nil, probs
	}
	probs = append(probs, checkGroups(state, cells, parents, opts)...)
	if len(probs) > 0 {
		return nil, probs
	}
	for _, c := range cells {
		o, existed := old[c.Code]
		switch {
		case !existed:
			plan.count(c.Level).Created++
			plan.put = append(plan.put, c)
		case sameCell(o, c):
			plan.count(c.Level).Unchanged++
		default:
			plan.count(c.Level).Updated++
			plan.put = append(plan.put, c)
		}
	}
	for _, code := range slices.Sorted(maps.Keys(plan.removed)) {
		plan.remove = append(plan.remove, code)
		plan.count(plan.removed[code].Level).Removed++
	}
	return plan, nil
}

// checkTree checks that every cell's parent is a cell of the level just
// above (or, for the top level, not a cell at all).
func checkTree(levels Levels, state map[string]*Cell, cells []*Cell, position map[string]int, removed map[string]*Cell) []Problem {
	var probs []Problem
	for _, c := range cells {
		n := position[c.Code] + 1
		above, hasAbove := levels.Above(c.Level)
		p, isCell := state[c.Parent]
		switch {
		case !hasAbove && isCell:
			probs = append(probs, problem(n, []string{c.Code, p.Code}, "grid.import.parent_level",
				fmt.Sprintf("%s 属于最高层级 %s，不能有上级网格 %s", c.Label(), c.Level, p.Label()),
				fmt.Sprintf("%s is of the top level %s and cannot lie in cell %s", c.labelEN(), c.Level, p.labelEN())))
		case hasAbove && !isCell:
			probs = append(probs, problem(n, []string{c.Code}, "grid.import.parent_missing",
				fmt.Sprintf("%s 的上级网格 %.32q 不存在（既不在文件中，也未导入过）", c.Label(), c.Parent),
				fmt.Sprintf("the parent %.32q of %s does not exist (neither in the file nor stored)", c.Parent, c.labelEN())))
		case hasAbove && p.Level != above.Name:
			probs = append(probs, problem(n, []string{c.Code, p.Code}, "grid.import.parent_level",
				fmt.Sprintf("%s 是 %s 层级，其上级应为 %s 层级，但 %s 是 %s 层级", c.Label(), c.Level, above.Name, p.Label(), p.Level),
				fmt.Sprintf("%s is a %s, so its parent must be a %s, but %s is a %s", c.labelEN(), c.Level, above.Name, p.labelEN(), p.Level)))
		}
	}
	// Stored cells whose parent the import removes.
	for _, code := range slices.Sorted(maps.Keys(state)) {
		c := state[code]
		if r, gone := removed[c.Parent]; gone {
			probs = append(probs, problem(0, []string{c.Code, r.Code}, "grid.import.orphan",
				fmt.Sprintf("导入会删除 %s（文件未列出它，却列出了与它同一上级的网格），但已有的下级网格 %s 仍在其中；请一并导入其替代网格，或保留它", r.Label(), c.Label()),
				fmt.Sprintf("the import would remove %s (the file lists its siblings but not it), but the stored cell %s lies in it; import its replacement too, or keep it", r.labelEN(), c.labelEN())))
		}
	}
	return probs
}

// checkGroups checks the sibling groups the import touches: the children
// of every parent it names and of every cell it lists.
func checkGroups(state map[string]*Cell, cells []*Cell, parents map[string]bool, opts ImportOptions) []Problem {
	children := map[string][]*Cell{}
	for _, code := range slices.Sorted(maps.Keys(state)) {
		c := state[code]
		children[c.Parent] = append(children[c.Parent], c)
	}
	groups := maps.Clone(parents)
	for _, c := range cells {
		groups[c.Code] = true
	}
	keys := slices.Sorted(maps.Keys(groups))
	var probs []Problem
	for i, key := range keys {
		if opts.Progress != nil {
			opts.Progress("check", i, len(keys))
		}
		kids := children[key]
		if len(kids) == 0 {
			continue
		}
		probs = append(probs, checkGroup(state[key], kids, opts.Tolerance)...)
	}
	if opts.Progress != nil {
		opts.Progress("check", len(keys), len(keys))
	}
	return probs
}

// sameCell reports whether an import of c would change nothing in o. The
// source is not compared: an unchanged cell keeps the source it came from.
func sameCell(o, c *Cell) bool {
	if o.Name != c.Name || o.Level != c.Level || o.Parent != c.Parent || o.Synthetic != c.Synthetic ||
		len(o.Geometry) != len(c.Geometry) {
		return false
	}
	for i := range o.Geometry {
		if !slices.EqualFunc(o.Geometry[i], c.Geometry[i], func(a, b Ring) bool { return slices.Equal(a, b) }) {
			return false
		}
	}
	return true
}
