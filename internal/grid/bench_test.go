package grid

import (
	"testing"
)

// The locate benchmarks run on points spread uniformly over Bao'an and
// kept only when they fall inside the district: points outside its
// bounding box would be rejected by one comparison and flatter the figure.
// Run:
//
//	go test ./internal/grid -run '^$' -bench Locate -count 5

// benchPoints are 65,536 random points inside the district.
func benchPoints(b *testing.B, ix *Index) []Point {
	b.Helper()
	return randomPoints(ix.Cells(District, "")[0], 1<<16, true, 42)
}

func benchLocate(b *testing.B, ix *Index, wantDepth int) {
	pts := benchPoints(b, ix)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if loc := ix.Locate(pts[i&(1<<16-1)]); len(loc.Chain) != wantDepth {
			b.Fatalf("point %v: chain of %d", pts[i&(1<<16-1)], len(loc.Chain))
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
}

// BenchmarkLocate is the full answer — district, street, community and
// micro-grid, plus the zones of three layers — over the 4,833 demo
// micro-grids, whose outer cells carry the real street boundaries.
func BenchmarkLocate(b *testing.B) {
	benchLocate(b, demoIndex(b), 4)
}

// BenchmarkLocateStreets locates in an index of the district and its 10
// real streets only: few cells, each with up to 246 vertices.
func BenchmarkLocateStreets(b *testing.B) {
	g := demoGrid(b)
	benchLocate(b, NewIndex(1, DefaultLevels(), g.Cells[:11], nil, nil, nil), 2)
}

// BenchmarkLocateParallel runs the full locate on every core.
func BenchmarkLocateParallel(b *testing.B) {
	ix := demoIndex(b)
	pts := benchPoints(b, ix)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if ix.Locate(pts[i&(1<<16-1)]).Cell() == nil {
				b.Fail()
			}
			i++
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
}

// BenchmarkLocateBruteForce is the baseline the index beats: ray casting
// over every micro-grid whose bounding box holds the point.
func BenchmarkLocateBruteForce(b *testing.B) {
	ix := demoIndex(b)
	pts := benchPoints(b, ix)
	cells := ix.Cells(Microgrid, "")
	boxes := make([]Box, len(cells))
	for i, c := range cells {
		boxes[i] = c.Geometry.Bound()
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if bruteForce(cells, boxes, pts[i&(1<<16-1)]) == nil {
			b.Fatal("a point inside the district is in no micro-grid")
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
}

// BenchmarkNewIndex builds the index over the whole demo grid.
func BenchmarkNewIndex(b *testing.B) {
	g := demoGrid(b)
	for i := 0; i < b.N; i++ {
		NewIndex(1, DefaultLevels(), g.Cells, nil, nil, nil)
	}
}

// BenchmarkBuildDemo generates the demo grid from the street boundaries.
func BenchmarkBuildDemo(b *testing.B) {
	src := demoSourceBytes(b)
	for i := 0; i < b.N; i++ {
		if _, err := BuildDemo(src); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidateDemo checks the whole demo grid as an import does.
func BenchmarkValidateDemo(b *testing.B) {
	g := demoGrid(b)
	for i := 0; i < b.N; i++ {
		if _, probs := planImport(DefaultLevels(), nil, g.Cells, ImportOptions{Tolerance: DefaultTolerance()}); len(probs) > 0 {
			b.Fatal(probs[0].Message("en"))
		}
	}
}

// BenchmarkGCJ02ToWGS84 is the iterative inverse, per point.
func BenchmarkGCJ02ToWGS84(b *testing.B) {
	p := WGS84ToGCJ02(Point{113.88, 22.55})
	for i := 0; i < b.N; i++ {
		GCJ02ToWGS84(p)
	}
}
