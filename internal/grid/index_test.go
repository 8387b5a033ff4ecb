package grid

import (
	"math/rand/v2"
	"os"
	"sync"
	"testing"
)

// demoSourcePath is the embedded demo data of the demo package.
const demoSourcePath = "../demo/data/baoan.geojson"

// demoOnce builds the demo grid once per test binary.
var demoOnce = sync.OnceValues(func() (*DemoGrid, error) {
	src, err := os.ReadFile(demoSourcePath)
	if err != nil {
		return nil, err
	}
	return BuildDemo(src)
})

func demoSourceBytes(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(demoSourcePath)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func demoGrid(t testing.TB) *DemoGrid {
	t.Helper()
	g, err := demoOnce()
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func demoIndex(t testing.TB) *Index {
	t.Helper()
	g := demoGrid(t)
	var zones []*Zone
	var as []Assignment
	var layers []*Layer
	for _, l := range g.Layers {
		layers = append(layers, l.Layer)
		zones = append(zones, l.Zones...)
		as = append(as, l.Assignments...)
	}
	return NewIndex(1, DefaultLevels(), g.Cells, layers, zones, as)
}

// bruteForce returns the first cell of level, by code, that contains p.
func bruteForce(cells []*Cell, boxes []Box, p Point) *Cell {
	for i, c := range cells {
		if boxes[i].Contains(p) && c.Geometry.Contains(p) {
			return c
		}
	}
	return nil
}

// randomPoints returns n points spread uniformly over the district's
// bounding box; inside keeps only those inside the district.
func randomPoints(district *Cell, n int, inside bool, seed uint64) []Point {
	box := district.Geometry.Bound()
	rng := rand.New(rand.NewPCG(seed, seed+1))
	pts := make([]Point, 0, n)
	for len(pts) < n {
		p := Point{box.MinLon + rng.Float64()*(box.MaxLon-box.MinLon), box.MinLat + rng.Float64()*(box.MaxLat-box.MinLat)}
		if !inside || district.Geometry.Contains(p) {
			pts = append(pts, p)
		}
	}
	return pts
}

// awkwardPoints are points where the arithmetic is most likely to differ:
// every vertex of every micro-grid, the midpoints of their edges, and
// points a hair beside them.
func awkwardPoints(cells []*Cell) []Point {
	var pts []Point
	for _, c := range cells {
		for _, poly := range c.Geometry {
			for _, r := range poly {
				for i := 0; i+1 < len(r); i++ {
					a, b := r[i], r[i+1]
					mid := Point{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2}
					pts = append(pts, a, mid, Point{mid[0] + 1e-12, mid[1]}, Point{a[0] - 1e-12, a[1] + 1e-12})
				}
			}
		}
	}
	return pts
}

// TestIndexAgreesWithBruteForce checks the index against ray casting over
// every cell, level by level, on 100,000 random points over the district's
// bounding box (inside and outside it) and on every vertex and edge
// midpoint of the micro-grids.
func TestIndexAgreesWithBruteForce(t *testing.T) {
	t.Parallel()
	ix := demoIndex(t)
	district := ix.Cells(District, "")[0]
	micro := ix.Cells(Microgrid, "")
	pts := append(randomPoints(district, 100_000, false, 7), awkwardPoints(micro)...)
	levels := []Level{Microgrid, Community, Street, District}
	byLevel := map[Level][]*Cell{}
	boxes := map[Level][]Box{}
	for _, l := range levels {
		byLevel[l] = ix.Cells(l, "")
		for _, c := range byLevel[l] {
			boxes[l] = append(boxes[l], c.Geometry.Bound())
		}
	}
	inside, mismatches := 0, 0
	for _, p := range pts {
		loc := ix.Locate(p)
		// The index answers at the finest level that has a cell; the
		// brute force must find the same cell there and nothing finer.
		var want *Cell
		for _, l := range levels {
			if want = bruteForce(byLevel[l], boxes[l], p); want != nil {
				break
			}
		}
		if got := loc.Cell(); got != want {
			mismatches++
			if mismatches <= 10 {
				t.Errorf("point [%.17g, %.17g]: index %v, brute force %v", p[0], p[1], got, want)
			}
			continue
		}
		if want != nil {
			inside++
		}
	}
	if mismatches > 0 {
		t.Fatalf("%d of %d points disagree", mismatches, len(pts))
	}
	if inside < len(pts)/3 {
		t.Fatalf("only %d of %d points inside the grid: the test is not testing", inside, len(pts))
	}
	t.Logf("%d points agree, %d inside the grid", len(pts), inside)
}

// TestLocateChain checks that every point inside the district gets the
// whole chain, each cell containing the point and lying in the next.
func TestLocateChain(t *testing.T) {
	t.Parallel()
	ix := demoIndex(t)
	district := ix.Cells(District, "")[0]
	for _, p := range randomPoints(district, 20_000, true, 11) {
		loc := ix.Locate(p)
		if len(loc.Chain) != 4 {
			t.Fatalf("point %v: chain %v, want 4 levels", p, loc.Chain)
		}
		for i, c := range loc.Chain {
			if want := []Level{District, Street, Community, Microgrid}[i]; c.Level != want {
				t.Fatalf("point %v: chain[%d] is a %s, want %s", p, i, c.Level, want)
			}
			if i > 0 && c.Parent != loc.Chain[i-1].Code {
				t.Fatalf("point %v: %s's parent is %s, not %s", p, c.Code, c.Parent, loc.Chain[i-1].Code)
			}
			if !c.Geometry.Contains(p) {
				t.Fatalf("point %v is not inside %s", p, c.Code)
			}
		}
		if len(loc.Zones) != 3 || loc.Zone("police") == nil || loc.Zone("fire") == nil || loc.Zone("safety") == nil {
			t.Fatalf("point %v: zones %v, want fire, police and safety", p, loc.Zones)
		}
	}
	if loc := ix.Locate(Point{114.5, 22.6}); len(loc.Chain) != 0 || loc.Cell() != nil {
		t.Fatalf("a point in Longgang located in %v", loc.Chain)
	}
}
