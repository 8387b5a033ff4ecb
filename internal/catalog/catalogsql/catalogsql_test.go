package catalogsql_test

import (
	"context"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/catalog/catalogsql"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

func TestStore(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := catalogsql.New(d)
		now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		rs := &catalog.Department{Code: "SZRS", Name: "深圳市人力资源和社会保障局", ShortName: "市人力资源保障局", Division: "440300", CreatedAt: now}
		ga := &catalog.Department{Code: "SZGA", Name: "深圳市公安局", ShortName: "市公安局", Division: "440300", CreatedAt: now}
		for _, dep := range []*catalog.Department{rs, ga} {
			if err := s.UpsertDepartment(ctx, dep); err != nil {
				t.Fatal(err)
			}
		}
		rs.ShortName = "市人社局"
		if err := s.UpsertDepartment(ctx, rs); err != nil {
			t.Fatal(err)
		}
		got, err := s.FindDepartment(ctx, "SZRS")
		if err != nil || got.ShortName != "市人社局" || !got.CreatedAt.Equal(now) {
			t.Fatalf("got %+v, %v", got, err)
		}
		all, err := s.FindDepartments(ctx)
		if err != nil || len(all) != 2 || all[0].Code != "SZGA" {
			t.Fatalf("all = %v, %v; want SZGA, SZRS", all, err)
		}
		if _, err := s.FindDepartment(ctx, "NOPE"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("unknown: err = %v, want NotFound", err)
		}
		dup := &catalog.Department{Code: "SZXX", Name: "深圳市公安局", ShortName: "x", Division: "440300", CreatedAt: now}
		if err := s.UpsertDepartment(ctx, dup); !errs.Is(err, errs.Conflict) {
			t.Fatalf("duplicate name: err = %v, want Conflict", err)
		}
	})
}
