// Package gridtest holds the contract that every grid.CellStore must
// meet, run by the store packages on each database.
package gridtest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
)

// t0 is the suite's reference time.
var t0 = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)

// square is a counter-clockwise square with south-west corner (x, y) and
// side d degrees.
func square(x, y, d float64) grid.MultiPolygon {
	return grid.MultiPolygon{{grid.Ring{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}}}
}

// Cells returns a small valid grid: district D, streets S1 and S2, and
// micro-grids are not needed for the store's contract.
func Cells() []*grid.Cell {
	return []*grid.Cell{
		{Code: "D", Name: "测试区", Level: grid.District, Parent: "440300", Geometry: grid.MultiPolygon{{grid.Ring{{113.9, 22.6}, {113.92, 22.6}, {113.92, 22.61}, {113.9, 22.61}, {113.9, 22.6}}}}, Source: "test", UpdatedAt: t0},
		{Code: "S1", Name: "西街道", Level: grid.Street, Parent: "D", Geometry: square(113.9, 22.6, 0.01), Source: "test", UpdatedAt: t0},
		{Code: "S2", Name: "东街道", Level: grid.Street, Parent: "D", Geometry: square(113.91, 22.6, 0.01), Synthetic: true, Source: "test", UpdatedAt: t0},
		{Code: "C1", Name: "西社区", Level: grid.Community, Parent: "S1", Geometry: square(113.9, 22.6, 0.01), Source: "test", UpdatedAt: t0},
		{Code: "C2", Name: "东社区", Level: grid.Community, Parent: "S2", Geometry: square(113.91, 22.6, 0.01), Source: "test", UpdatedAt: t0},
		{Code: "M1", Name: "西网格", Level: grid.Microgrid, Parent: "C1", Geometry: square(113.9, 22.6, 0.01), Source: "test", UpdatedAt: t0},
		{Code: "M2", Name: "东网格", Level: grid.Microgrid, Parent: "C2", Geometry: square(113.91, 22.6, 0.01), Source: "test", UpdatedAt: t0},
	}
}

// StoreSuite is the contract of grid.CellStore. newStore returns a store
// on a fresh, migrated database.
func StoreSuite(t *testing.T, newStore func(t *testing.T) grid.CellStore) {
	t.Run("levels", func(t *testing.T) { t.Parallel(); testLevels(t, newStore(t)) })
	t.Run("cells", func(t *testing.T) { t.Parallel(); testCells(t, newStore(t)) })
	t.Run("layers", func(t *testing.T) { t.Parallel(); testLayers(t, newStore(t)) })
}

func testLevels(t *testing.T, s grid.CellStore) {
	ctx := context.Background()
	ls, err := s.Levels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ls, grid.DefaultLevels()) {
		t.Fatalf("levels %v, want the defaults %v", ls, grid.DefaultLevels())
	}
	building := grid.LevelInfo{Name: "building", Rank: 5, Title: "楼栋", TitleEN: "building"}
	if err := s.AddLevel(ctx, building); err != nil {
		t.Fatal(err)
	}
	if err := s.AddLevel(ctx, building); !errs.Is(err, errs.Conflict) {
		t.Fatalf("adding a level twice: err = %v, want Conflict", err)
	}
	if ls, err = s.Levels(ctx); err != nil || len(ls) != 5 || ls[4] != building {
		t.Fatalf("levels after adding: %v, %v", ls, err)
	}
}

func testCells(t *testing.T, s grid.CellStore) {
	ctx := context.Background()
	if rev, err := s.Revision(ctx); err != nil || rev != 0 {
		t.Fatalf("revision of a new grid = %d, %v; want 0", rev, err)
	}
	cells := Cells()
	rev, err := s.ApplyCells(ctx, 0, nil, cells)
	if err != nil || rev != 1 {
		t.Fatalf("apply = %d, %v; want revision 1", rev, err)
	}
	all, err := s.AllCells(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(cells) {
		t.Fatalf("%d cells stored, want %d", len(all), len(cells))
	}
	byCode := map[string]*grid.Cell{}
	for _, c := range cells {
		byCode[c.Code] = c
	}
	for i, got := range all {
		if i > 0 && all[i-1].Code >= got.Code {
			t.Fatalf("cells not in code order: %s after %s", got.Code, all[i-1].Code)
		}
		want := byCode[got.Code]
		if got.Name != want.Name || got.Level != want.Level || got.Parent != want.Parent || got.Synthetic != want.Synthetic ||
			got.Source != want.Source || !got.UpdatedAt.Equal(t0) ||
			string(got.Geometry.AppendGeoJSON(nil)) != string(want.Geometry.AppendGeoJSON(nil)) {
			t.Fatalf("stored %+v, want %+v", got, want)
		}
	}
	streets, err := s.FindCells(ctx, grid.Street, "")
	if err != nil || len(streets) != 2 || streets[0].Code != "S1" {
		t.Fatalf("streets = %v, %v", streets, err)
	}
	if kids, err := s.FindCells(ctx, grid.Community, "S2"); err != nil || len(kids) != 1 || kids[0].Code != "C2" {
		t.Fatalf("communities of S2 = %v, %v", kids, err)
	}
	if _, err := s.FindCell(ctx, "nope"); !errs.Is(err, errs.NotFound) {
		t.Fatalf("unknown cell: err = %v, want NotFound", err)
	}
	if n, err := s.CountCells(ctx); err != nil || n[grid.Street] != 2 || n[grid.Microgrid] != 2 || n[grid.District] != 1 {
		t.Fatalf("counts = %v, %v", n, err)
	}
	// A stale revision changes nothing.
	renamed := *cells[1]
	renamed.Name = "改名"
	if _, err := s.ApplyCells(ctx, 0, []string{"M2"}, []*grid.Cell{&renamed}); !errs.Is(err, errs.Conflict) {
		t.Fatalf("stale apply: err = %v, want Conflict", err)
	}
	if c, _ := s.FindCell(ctx, "S1"); c == nil || c.Name != "西街道" {
		t.Fatalf("a refused apply changed S1: %+v", c)
	}
	if _, err := s.FindCell(ctx, "M2"); err != nil {
		t.Fatalf("a refused apply removed M2: %v", err)
	}
	// An unknown level fails the whole apply.
	bad := &grid.Cell{Code: "X", Name: "X", Level: "village", Parent: "M1", Geometry: square(0, 0, 1), UpdatedAt: t0}
	if _, err := s.ApplyCells(ctx, 1, []string{"M2"}, []*grid.Cell{&renamed, bad}); err == nil {
		t.Fatal("a cell of an unknown level was stored")
	}
	if rev, _ := s.Revision(ctx); rev != 1 {
		t.Fatalf("revision after a failed apply = %d, want 1", rev)
	}
	if _, err := s.FindCell(ctx, "M2"); err != nil {
		t.Fatalf("a failed apply removed M2: %v", err)
	}
	// Update and remove.
	if rev, err = s.ApplyCells(ctx, 1, []string{"M2"}, []*grid.Cell{&renamed}); err != nil || rev != 2 {
		t.Fatalf("apply = %d, %v; want revision 2", rev, err)
	}
	if c, _ := s.FindCell(ctx, "S1"); c == nil || c.Name != "改名" {
		t.Fatalf("S1 after update: %+v", c)
	}
	if _, err := s.FindCell(ctx, "M2"); !errs.Is(err, errs.NotFound) {
		t.Fatalf("M2 after removal: err = %v, want NotFound", err)
	}
}

func testLayers(t *testing.T, s grid.CellStore) {
	ctx := context.Background()
	if _, err := s.ApplyCells(ctx, 0, nil, Cells()); err != nil {
		t.Fatal(err)
	}
	police := &grid.Layer{Code: "police", Name: "警务网格", NameEN: "police beats", Synthetic: true}
	zones := []*grid.Zone{{Layer: "police", Code: "P1", Name: "第一警务区"}, {Layer: "police", Code: "P2", Name: "第二警务区", Synthetic: true}}
	as := []grid.Assignment{{Layer: "police", Cell: "M1", Zone: "P1"}, {Layer: "police", Cell: "M2", Zone: "P2"}}
	rev, err := s.ReplaceLayer(ctx, police, zones, as)
	if err != nil || rev != 2 {
		t.Fatalf("replace layer = %d, %v; want revision 2", rev, err)
	}
	ls, err := s.Layers(ctx)
	if err != nil || len(ls) != 1 || *ls[0] != *police {
		t.Fatalf("layers = %v, %v", ls, err)
	}
	zs, err := s.Zones(ctx)
	if err != nil || len(zs) != 2 || *zs[1] != *zones[1] {
		t.Fatalf("zones = %v, %v", zs, err)
	}
	got, err := s.Assignments(ctx)
	if err != nil || !slices.Equal(got, as) {
		t.Fatalf("assignments = %v, %v; want %v", got, err, as)
	}
	// Replacing drops what the layer had.
	if _, err := s.ReplaceLayer(ctx, police, zones[:1], as[:1]); err != nil {
		t.Fatal(err)
	}
	if zs, _ := s.Zones(ctx); len(zs) != 1 {
		t.Fatalf("zones after replacing: %v", zs)
	}
	// An unknown cell changes nothing.
	if _, err := s.ReplaceLayer(ctx, police, zones, append(slices.Clone(as), grid.Assignment{Layer: "police", Cell: "nope", Zone: "P1"})); err == nil {
		t.Fatal("an assignment to an unknown cell was stored")
	}
	if got, _ := s.Assignments(ctx); len(got) != 1 {
		t.Fatalf("a failed replace changed the assignments: %v", got)
	}
	// Removing a cell removes its assignments.
	rev, _ = s.Revision(ctx)
	if _, err := s.ApplyCells(ctx, rev, []string{"M1"}, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Assignments(ctx); len(got) != 0 {
		t.Fatalf("assignments of a removed cell remain: %v", got)
	}
}
