package gridsql_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
	"github.com/pengcheng-gov/pengcheng/internal/grid/gridsql"
	"github.com/pengcheng-gov/pengcheng/internal/grid/gridtest"
)

func TestStore(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := gridsql.New(d)
		now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		district := &grid.Division{Code: "440306", Name: "宝安区", Level: grid.District, CreatedAt: now}
		street := &grid.Division{Code: "440306017", Name: "新安街道", Level: grid.Street, Parent: "440306",
			Boundary: json.RawMessage(`{"type":"Polygon","coordinates":[[[113.8,22.5],[113.9,22.5],[113.9,22.6],[113.8,22.5]]]}`), CreatedAt: now}
		for _, dv := range []*grid.Division{district, street} {
			if err := s.UpsertDivision(ctx, dv); err != nil {
				t.Fatalf("upsert %s: %v", dv.Code, err)
			}
		}
		street.Name = "新安街道（改）"
		if err := s.UpsertDivision(ctx, street); err != nil {
			t.Fatalf("update: %v", err)
		}
		got, err := s.FindDivision(ctx, "440306017")
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "新安街道（改）" || got.Parent != "440306" || got.Level != grid.Street || !got.CreatedAt.Equal(now) {
			t.Fatalf("got %+v", got)
		}
		var geom struct{ Type string }
		if err := json.Unmarshal(got.Boundary, &geom); err != nil || geom.Type != "Polygon" {
			t.Fatalf("boundary = %s (%v), want a Polygon", got.Boundary, err)
		}
		kids, err := s.FindChildren(ctx, "440306")
		if err != nil || len(kids) != 1 || kids[0].Code != "440306017" {
			t.Fatalf("children = %v, %v; want [440306017]", kids, err)
		}
		if _, err := s.FindDivision(ctx, "999999"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("unknown code: err = %v, want NotFound", err)
		}
		orphan := &grid.Division{Code: "1", Name: "x", Level: grid.Street, Parent: "nope", CreatedAt: now}
		if err := s.UpsertDivision(ctx, orphan); !db.IsForeignKeyViolation(err) {
			t.Fatalf("orphan: err = %v, want foreign key violation", err)
		}
	})
}

func TestCellStore(t *testing.T) {
	t.Parallel()
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			gridtest.StoreSuite(t, func(t *testing.T) grid.CellStore { return gridsql.New(dbtest.Open(t, dialect)) })
		})
	}
}
