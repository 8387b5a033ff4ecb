package gridsql_test

import (
	"context"
	"os"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
)

// BenchmarkSeedDemo writes the whole demo grid — generation, validation,
// 4,968 cells, three layers — into a fresh database, as the demo does on
// its first start:
//
//	go test ./internal/grid/gridsql -run '^$' -bench SeedDemo -count 5
func BenchmarkSeedDemo(b *testing.B) {
	src, err := os.ReadFile("../../demo/data/baoan.geojson")
	if err != nil {
		b.Fatal(err)
	}
	for _, dialect := range dbtest.Dialects() {
		b.Run(string(dialect), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				svc := newService(dbtest.Open(b, dialect))
				b.StartTimer()
				if _, err := grid.SeedDemo(context.Background(), svc, src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLoadIndex reads the demo grid from the database and builds the
// index, as an instance does on start and after a change.
func BenchmarkLoadIndex(b *testing.B) {
	src, err := os.ReadFile("../../demo/data/baoan.geojson")
	if err != nil {
		b.Fatal(err)
	}
	for _, dialect := range dbtest.Dialects() {
		b.Run(string(dialect), func(b *testing.B) {
			d := dbtest.Open(b, dialect)
			if _, err := grid.SeedDemo(context.Background(), newService(d), src); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := newService(d).Index(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
