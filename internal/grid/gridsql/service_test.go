package gridsql_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
	"github.com/pengcheng-gov/pengcheng/internal/grid/gridsql"
)

func newService(d *db.DB) *grid.Service {
	return grid.NewService(gridsql.New(d), nil, slog.New(slog.DiscardHandler))
}

func demoSource(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("../../demo/data/baoan.geojson")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDemoSeed writes the demo grid on each database, locates points
// through it, and checks that a second instance on the same database sees
// a change once it refreshes.
func TestDemoSeed(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc := newService(d)
		rep, err := grid.SeedDemo(ctx, svc, demoSource(t))
		if err != nil {
			t.Fatal(err)
		}
		want := map[grid.Level]int{grid.District: 1, grid.Street: 10, grid.Community: 124, grid.Microgrid: 4833}
		for l, n := range want {
			if rep.Counts[l] != n {
				t.Errorf("%d cells of level %s, want %d", rep.Counts[l], l, n)
			}
		}
		if !rep.Seeded || rep.Zones["police"] == 0 || rep.Zones["fire"] != 14 || rep.Zones["safety"] == 0 {
			t.Fatalf("report %+v", rep)
		}
		again, err := grid.SeedDemo(ctx, svc, demoSource(t))
		if err != nil || again.Seeded {
			t.Fatalf("second seed = %+v, %v; want nothing done", again, err)
		}
		// 宝安区政府 (the district government, 新安街道), in WGS84, GCJ-02 and BD-09.
		wgs := grid.Point{113.8836, 22.5547}
		for _, crs := range []grid.CRS{grid.WGS84, grid.GCJ02, grid.BD09} {
			in := wgs
			switch crs {
			case grid.GCJ02:
				in = grid.WGS84ToGCJ02(wgs)
			case grid.BD09:
				in = grid.GCJ02ToBD09(grid.WGS84ToGCJ02(wgs))
			}
			loc, err := svc.Locate(ctx, in[0], in[1], crs)
			if err != nil {
				t.Fatalf("%s: %v", crs, err)
			}
			if loc.At(grid.Street).Code != "440306017" || len(loc.Chain) != 4 || len(loc.Zones) != 3 {
				t.Fatalf("%s: chain %v zones %v; want 新安街道 and four levels, three zones", crs, loc.Chain, loc.Zones)
			}
		}
		if _, err := svc.Locate(ctx, 114.3, 22.7, grid.WGS84); !errs.Is(err, errs.NotFound) {
			t.Fatalf("a point in 龙岗: err = %v, want NotFound", err)
		}
		if _, err := svc.Locate(ctx, 200, 22.7, grid.WGS84); !errs.Is(err, errs.Invalid) {
			t.Fatalf("longitude 200: err = %v, want Invalid", err)
		}

		other := newService(d)
		ix, err := other.Index(ctx)
		if err != nil {
			t.Fatal(err)
		}
		m := ix.Cells(grid.Microgrid, "440306017001")[0]
		renamed := *m
		renamed.Name = "改名的网格（演示）"
		if _, err := svc.ImportCells(ctx, append([]*grid.Cell{&renamed}, ix.Cells(grid.Microgrid, "440306017001")[1:]...), grid.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		if ix2, _ := other.Index(ctx); ix2.Cell(m.Code).Name != m.Name {
			t.Fatalf("the other instance changed before refreshing")
		}
		if err := other.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		ix3, _ := other.Index(ctx)
		if ix3.Cell(m.Code).Name != "改名的网格（演示）" || ix3.Revision() <= ix.Revision() {
			t.Fatalf("after refresh: %q at revision %d", ix3.Cell(m.Code).Name, ix3.Revision())
		}
	})
}

// TestImportRefusesAndChangesNothing imports files with mistakes over a
// stored grid and checks that each is refused with problems naming the
// cells, and that nothing changed.
func TestImportRefusesAndChangesNothing(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc := newService(d)
		// The district outline in demoSource comes from another source
		// than the streets: they do not fit, and the import says where.
		rep, err := svc.Import(ctx, bytes.NewReader(demoSource(t)), grid.ImportOptions{})
		if !errs.Is(err, errs.Invalid) || len(rep.Problems) != 7 || rep.Problems[4].Err.Code != "grid.outside_parent" ||
			!strings.Contains(rep.Problems[4].Message("zh"), "燕罗街道（440306025）") || rep.Problems[6].Err.Code != "grid.gap" {
			t.Fatalf("importing mismatched outlines: %v, %v", err, rep.Problems)
		}
		// The streets with the district as their union fit.
		g, err := grid.BuildDemo(demoSource(t))
		if err != nil {
			t.Fatal(err)
		}
		src := grid.AppendFeatureCollection(nil, g.Cells[:11])
		if rep, err = svc.Import(ctx, bytes.NewReader(src), grid.ImportOptions{}); err != nil {
			t.Fatalf("importing the real streets: %v %v", err, rep.Problems)
		}
		if len(rep.Levels) != 2 || rep.Levels[1].Created != 10 {
			t.Fatalf("report %+v", rep)
		}
		before, _ := svc.Cells(ctx, grid.Street, "")
		tests := []struct {
			name, code, names string
			edit              func(fc map[string]any)
		}{
			{"islet as a hole", "grid.geometry.hole_outside", "航城街道", func(fc map[string]any) {
				// As the street data is published: 航城's islet as a second
				// ring of one polygon.
				f := feature(fc, "440306019")
				g := f["geometry"].(map[string]any)
				parts := g["coordinates"].([]any)
				g["type"], g["coordinates"] = "Polygon", []any{parts[0].([]any)[0], parts[1].([]any)[0]}
			}},
			{"a street moved out of the district", "grid.outside_parent", "新安街道", func(fc map[string]any) {
				shift(feature(fc, "440306017"), 0.05)
			}},
			{"unknown level", "grid.import.level_unknown", "石岩街道", func(fc map[string]any) {
				feature(fc, "440306026")["properties"].(map[string]any)["level"] = "town"
			}},
		}
		for _, tc := range tests {
			var fc map[string]any
			if err := json.Unmarshal(src, &fc); err != nil {
				t.Fatal(err)
			}
			tc.edit(fc)
			b, _ := json.Marshal(fc)
			rep, err := svc.Import(ctx, bytes.NewReader(b), grid.ImportOptions{})
			if !errs.Is(err, errs.Invalid) || len(rep.Problems) == 0 {
				t.Fatalf("%s: err = %v, problems %v; want Invalid with problems", tc.name, err, rep.Problems)
			}
			p := rep.Problems[0]
			if p.Err.Code != tc.code || !strings.Contains(p.Message("zh"), tc.names) || !strings.Contains(p.Message("en"), tc.names) {
				t.Fatalf("%s: problem %s %q; want %s naming %s", tc.name, p.Err.Code, p.Message("en"), tc.code, tc.names)
			}
		}
		after, _ := svc.Cells(ctx, grid.Street, "")
		if len(after) != len(before) {
			t.Fatalf("streets %d after refused imports, %d before", len(after), len(before))
		}
		for i := range after {
			if string(after[i].Geometry.AppendGeoJSON(nil)) != string(before[i].Geometry.AppendGeoJSON(nil)) || after[i].Level != before[i].Level {
				t.Fatalf("street %s changed", after[i].Code)
			}
		}
		if _, err := svc.Cells(ctx, "town", ""); !errs.Is(err, errs.Invalid) {
			t.Fatalf("listing an unknown level: err = %v, want Invalid", err)
		}
	})
}

func feature(fc map[string]any, code string) map[string]any {
	for _, f := range fc["features"].([]any) {
		f := f.(map[string]any)
		if f["properties"].(map[string]any)["code"] == code {
			return f
		}
	}
	panic("no feature " + code)
}

// shift moves every position of f's geometry east by d degrees.
func shift(f map[string]any, d float64) {
	var walk func(v any)
	walk = func(v any) {
		a, ok := v.([]any)
		if !ok {
			return
		}
		if len(a) >= 2 {
			if x, ok := a[0].(float64); ok {
				a[0] = x + d
				return
			}
		}
		for _, e := range a {
			walk(e)
		}
	}
	walk(f["geometry"].(map[string]any)["coordinates"])
}

// TestAddedLevel adds a level below the micro-grids, imports two buildings
// that split one micro-grid, and locates down to them.
func TestAddedLevel(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc := newService(d)
		if _, err := grid.SeedDemo(ctx, svc, demoSource(t)); err != nil {
			t.Fatal(err)
		}
		if err := svc.AddLevel(ctx, "building", "楼栋", "building"); err != nil {
			t.Fatal(err)
		}
		if err := svc.AddLevel(ctx, "building", "楼栋", "building"); !errs.Is(err, errs.Conflict) {
			t.Fatalf("adding the level twice: err = %v, want Conflict", err)
		}
		m, err := svc.Cell(ctx, "440306017001034")
		if err != nil {
			t.Fatal(err)
		}
		parts := grid.Partition(m.Geometry, []float64{1, 1})
		buildings := []*grid.Cell{
			{Code: "440306017001034-1", Name: "一号楼", Level: "building", Parent: m.Code, Geometry: parts[0]},
			{Code: "440306017001034-2", Name: "二号楼", Level: "building", Parent: m.Code, Geometry: parts[1]},
		}
		if _, err := svc.ImportCells(ctx, buildings, grid.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		ix, err := svc.Index(ctx)
		if err != nil {
			t.Fatal(err)
		}
		p := parts[1].Centroid()
		loc := ix.Locate(p)
		if !parts[1].Contains(p) {
			t.Skip("the half's centroid lies outside it")
		}
		// The building inherits its micro-grid's zones.
		if len(loc.Chain) != 5 || loc.Cell().Code != "440306017001034-2" || loc.At(grid.Microgrid).Code != m.Code ||
			len(loc.Zones) != 3 || loc.Zone("police") != ix.ZonesOf(m.Code)[1].Zone {
			t.Fatalf("chain %v, zones %v", loc.Chain, loc.Zones)
		}
		// A layer may not put a cell and its ancestor in zones.
		layer := &grid.Layer{Code: "hygiene", Name: "卫生网格", NameEN: "hygiene zones"}
		zones := []*grid.Zone{{Layer: "hygiene", Code: "H1", Name: "一区"}}
		err = svc.SetLayer(ctx, layer, zones, []grid.Assignment{{Layer: "hygiene", Cell: m.Code, Zone: "H1"}, {Layer: "hygiene", Cell: buildings[0].Code, Zone: "H1"}})
		if !errs.Is(err, errs.Invalid) || errs.As(err).Code != "grid.assignment.nested" || !strings.Contains(err.Error(), "一号楼") {
			t.Fatalf("nested assignment: err = %v", err)
		}
		if err := svc.SetLayer(ctx, layer, zones, []grid.Assignment{{Layer: "hygiene", Cell: "440306017001", Zone: "H1"}}); err != nil {
			t.Fatal(err)
		}
		if ix, _ = svc.Index(ctx); ix.Locate(p).Zone("hygiene") == nil || ix.ZoneSize("hygiene", "H1") != 1 {
			t.Fatalf("a community's zone is not inherited by its buildings")
		}
		// A point elsewhere (in 石岩街道) still ends at its micro-grid,
		// with its zones.
		found := false
		for _, c := range ix.Cells(grid.Microgrid, "440306026001") {
			if q := c.Geometry.Centroid(); c.Geometry.Contains(q) {
				if loc := ix.Locate(q); len(loc.Chain) != 4 || loc.Cell() != c || len(loc.Zones) != 3 {
					t.Fatalf("elsewhere: chain %v, zones %v", loc.Chain, loc.Zones)
				}
				found = true
				break
			}
		}
		if !found {
			t.Fatal("no micro-grid of 440306026001 contains its centroid")
		}
		wrong := []*grid.Cell{{Code: "B9", Name: "错层楼", Level: "building", Parent: "440306017001", Geometry: parts[0]}}
		rep, err := svc.ImportCells(ctx, wrong, grid.ImportOptions{})
		if !errs.Is(err, errs.Invalid) || rep.Problems[0].Err.Code != "grid.import.parent_level" {
			t.Fatalf("a building in a community: %v %v", err, rep.Problems)
		}
	})
}
