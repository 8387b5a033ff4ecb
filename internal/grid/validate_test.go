package grid

import (
	"slices"
	"strings"
	"testing"
)

// A small grid around Bao'an: district D of 0.02° × 0.01°, streets S1 and
// S2 its west and east halves, communities C1 (all of S1) and C2 (all of S2).
func smallGrid() []*Cell {
	x, y := 113.9, 22.6
	r := func(x0, y0, x1, y1 float64) MultiPolygon { return poly(rect(x+x0, y+y0, x+x1, y+y1)) }
	return []*Cell{
		{Code: "D", Name: "区", Level: District, Parent: "440300", Geometry: r(0, 0, 0.02, 0.01)},
		{Code: "S1", Name: "西街道", Level: Street, Parent: "D", Geometry: r(0, 0, 0.01, 0.01)},
		{Code: "S2", Name: "东街道", Level: Street, Parent: "D", Geometry: r(0.01, 0, 0.02, 0.01)},
		{Code: "C1", Name: "西社区", Level: Community, Parent: "S1", Geometry: r(0, 0, 0.01, 0.01)},
		{Code: "C2", Name: "东社区", Level: Community, Parent: "S2", Geometry: r(0.01, 0, 0.02, 0.01)},
	}
}

func cellsWith(edit func(byCode map[string]*Cell) []*Cell) []*Cell {
	cells := smallGrid()
	m := map[string]*Cell{}
	for _, c := range cells {
		m[c.Code] = c
	}
	if edit != nil {
		if extra := edit(m); extra != nil {
			return extra
		}
	}
	return cells
}

func TestPlanImport(t *testing.T) {
	t.Parallel()
	x, y := 113.9, 22.6
	r := func(x0, y0, x1, y1 float64) MultiPolygon { return poly(rect(x+x0, y+y0, x+x1, y+y1)) }
	tests := []struct {
		name   string
		stored []*Cell
		cells  []*Cell
		code   string   // of the first problem; "" for none
		names  []string // cells the problem must name
	}{
		{name: "valid", cells: smallGrid()},
		{name: "within tolerance", cells: cellsWith(func(m map[string]*Cell) []*Cell {
			m["S1"].Geometry = r(0, 0, 0.01000001, 0.01) // a 1 mm sliver over S2
			return nil
		})},
		{name: "outside parent", cells: cellsWith(func(m map[string]*Cell) []*Cell {
			m["C1"].Geometry = r(0, 0, 0.011, 0.01)
			return nil
		}), code: "grid.outside_parent", names: []string{"西社区（C1）", "西街道（S1）"}},
		{name: "overlap", cells: cellsWith(func(m map[string]*Cell) []*Cell {
			m["S1"].Geometry = r(0, 0, 0.012, 0.01)
			m["C1"].Geometry = r(0, 0, 0.012, 0.01)
			return nil
		}), code: "grid.overlap", names: []string{"西街道（S1）", "东街道（S2）"}},
		{name: "gap", cells: cellsWith(func(m map[string]*Cell) []*Cell {
			m["C2"].Geometry = r(0.01, 0, 0.02, 0.009)
			return nil
		}), code: "grid.gap", names: []string{"东街道（S2）"}},
		{name: "self-intersection", cells: cellsWith(func(m map[string]*Cell) []*Cell {
			m["C2"].Geometry = MultiPolygon{{Ring{{x + 0.01, y}, {x + 0.02, y + 0.01}, {x + 0.02, y}, {x + 0.01, y + 0.006}, {x + 0.01, y}}}}
			return nil
		}), code: "grid.geometry.self_intersection", names: []string{"东社区（C2）"}},
		{name: "islet encoded as a hole", cells: cellsWith(func(m map[string]*Cell) []*Cell {
			m["S2"].Geometry = MultiPolygon{{rect(x+0.01, y, x+0.02, y+0.01), Ring{{x + 0.03, y}, {x + 0.03, y + 0.001}, {x + 0.031, y + 0.001}, {x + 0.031, y}, {x + 0.03, y}}}}
			return nil
		}), code: "grid.geometry.hole_outside", names: []string{"东街道（S2）"}},
		{name: "duplicate", cells: append(smallGrid(), &Cell{Code: "C2", Name: "又一个", Level: Community, Parent: "S2", Geometry: r(0.01, 0, 0.02, 0.01)}),
			code: "grid.import.duplicate", names: []string{"C2"}},
		{name: "unknown level", cells: cellsWith(func(m map[string]*Cell) []*Cell {
			m["C2"].Level = "village"
			return nil
		}), code: "grid.import.level_unknown", names: []string{"东社区（C2）"}},
		{name: "missing parent", cells: cellsWith(func(m map[string]*Cell) []*Cell {
			m["C2"].Parent = "S9"
			return nil
		}), code: "grid.import.parent_missing", names: []string{"东社区（C2）", "S9"}},
		{name: "parent of the wrong level", cells: cellsWith(func(m map[string]*Cell) []*Cell {
			m["C2"].Parent = "D"
			return nil
		}), code: "grid.import.parent_level", names: []string{"东社区（C2）", "区（D）"}},
		{name: "removing a cell that has children", stored: append(smallGrid(),
			&Cell{Code: "M1", Name: "网格一", Level: Microgrid, Parent: "C1", Geometry: r(0, 0, 0.01, 0.01)}),
			cells: []*Cell{{Code: "C1b", Name: "新西社区", Level: Community, Parent: "S1", Geometry: r(0, 0, 0.01, 0.01)}},
			code:  "grid.import.orphan", names: []string{"西社区（C1）", "网格一（M1）"}},
		{name: "replacing children", stored: smallGrid(),
			cells: []*Cell{{Code: "C1b", Name: "新西社区", Level: Community, Parent: "S1", Geometry: r(0, 0, 0.01, 0.01)}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			plan, probs := planImport(DefaultLevels(), tc.stored, tc.cells, ImportOptions{Tolerance: DefaultTolerance()})
			if tc.code == "" {
				if len(probs) > 0 || plan == nil {
					t.Fatalf("problems: %v", probs)
				}
				return
			}
			if len(probs) == 0 {
				t.Fatalf("no problem; want %s", tc.code)
			}
			p := probs[0]
			if p.Err.Code != tc.code {
				t.Fatalf("problem %s (%s); want %s", p.Err.Code, p.Message("en"), tc.code)
			}
			for _, n := range tc.names {
				if !strings.Contains(p.Message("zh"), n) {
					t.Errorf("message %q does not name %s", p.Message("zh"), n)
				}
			}
			for _, n := range tc.names {
				code := n
				if i := strings.Index(n, "（"); i >= 0 {
					code = strings.TrimSuffix(n[i+len("（"):], "）")
				}
				if !strings.Contains(p.Message("en"), code) {
					t.Errorf("English message %q does not name %s", p.Message("en"), code)
				}
			}
		})
	}
}

func TestPlanImportCounts(t *testing.T) {
	t.Parallel()
	stored := smallGrid()
	cells := smallGrid()
	cells[0].Source = "another file" // the source alone changes nothing
	cells[4].Name = "东社区（改名）"
	cells = append(cells[:3], cells[4]) // drop C1 …
	cells = append(cells, &Cell{Code: "C1x", Name: "新西社区", Level: Community, Parent: "S1", Geometry: stored[3].Geometry})
	plan, probs := planImport(DefaultLevels(), stored, cells, ImportOptions{Tolerance: DefaultTolerance()})
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	rep := plan.report(DefaultLevels())
	want := []LevelCounts{{Level: District, Unchanged: 1}, {Level: Street, Unchanged: 2}, {Level: Community, Created: 1, Updated: 1, Removed: 1}}
	if !slices.Equal(rep.Levels, want) {
		t.Fatalf("counts %+v, want %+v", rep.Levels, want)
	}
	if !slices.Equal(plan.remove, []string{"C1"}) || len(plan.put) != 2 {
		t.Fatalf("remove %v, put %d; want [C1], 2", plan.remove, len(plan.put))
	}
}
