package grid

import (
	"math"
	"math/rand/v2"
	"testing"
)

// rect is an axis-parallel rectangle in degrees, counter-clockwise.
func rect(x0, y0, x1, y1 float64) Ring {
	return Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
}

func poly(rings ...Ring) MultiPolygon { return MultiPolygon{Polygon(rings)} }

// uShape is a U open to the north: 3 × 3 with the middle column of the top
// two rows cut out.
func uShape() MultiPolygon {
	return poly(Ring{{0, 0}, {3, 0}, {3, 3}, {2, 3}, {2, 1}, {1, 1}, {1, 3}, {0, 3}, {0, 0}})
}

// deg2 converts square degrees near the equator to square metres.
const deg2 = metresPerDegree * metresPerDegree

func near(a, b, rel float64) bool {
	return math.Abs(a-b) <= rel*math.Max(math.Abs(a), math.Abs(b))+1e-9
}

func TestAreaAndContains(t *testing.T) {
	t.Parallel()
	holed := poly(rect(0, 0, 0.01, 0.01), Ring{{0.004, 0.004}, {0.004, 0.006}, {0.006, 0.006}, {0.006, 0.004}, {0.004, 0.004}})
	tests := []struct {
		name string
		m    MultiPolygon
		area float64 // square degrees (near the equator)
		in   []Point
		out  []Point
	}{
		{"square", poly(rect(0, 0, 0.01, 0.01)), 1e-4, []Point{{0.005, 0.005}, {0.0001, 0.0099}}, []Point{{0.011, 0.005}, {-0.001, 0.005}}},
		{"hole", holed, 1e-4 - 4e-6, []Point{{0.001, 0.001}, {0.0039, 0.005}}, []Point{{0.005, 0.005}, {0.0059, 0.0041}}},
		{"concave", uShape(), 7, []Point{{1.5, 0.5}, {0.5, 2.5}, {2.5, 2.9}}, []Point{{1.5, 2}, {1.5, 1.01}, {3.5, 1}}},
		{"two parts", MultiPolygon{{rect(0, 0, 1, 1)}, {rect(2, 0, 3, 1)}}, 2, []Point{{0.5, 0.5}, {2.5, 0.5}}, []Point{{1.5, 0.5}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// Equal-area projection: a square degree at the equator is
			// metresPerDegree² (less away from it, hence the tolerance).
			if got := tc.m.AreaM2(); !near(got, tc.area*deg2, 1e-3) {
				t.Errorf("area = %g m², want ≈ %g", got, tc.area*deg2)
			}
			for _, p := range tc.in {
				if !tc.m.Contains(p) {
					t.Errorf("Contains(%v) = false, want true", p)
				}
			}
			for _, p := range tc.out {
				if tc.m.Contains(p) {
					t.Errorf("Contains(%v) = true, want false", p)
				}
			}
		})
	}
}

func TestOverlap(t *testing.T) {
	t.Parallel()
	sq := poly(rect(0, 0, 1, 1))
	tests := []struct {
		name string
		a, b MultiPolygon
		want float64 // square degrees
	}{
		{"same", sq, sq, 1},
		{"shared edge", sq, poly(rect(1, 0, 2, 1)), 0},
		{"shared corner", sq, poly(rect(1, 1, 2, 2)), 0},
		{"half", sq, poly(rect(0.5, 0, 1.5, 1)), 0.5},
		{"quarter", sq, poly(rect(0.5, 0.5, 1.5, 1.5)), 0.25},
		{"inside", sq, poly(rect(0.25, 0.25, 0.75, 0.75)), 0.25},
		{"inside touching", sq, poly(rect(0, 0, 0.5, 1)), 0.5},
		{"T-junction neighbours", poly(rect(0, 0, 1, 2)), poly(rect(1, 0.5, 2, 1.5)), 0},
		{"disjoint", sq, poly(rect(3, 3, 4, 4)), 0},
		{"U and its gap", uShape(), poly(rect(1, 1, 2, 3)), 0},
		{"U and a bar", uShape(), poly(rect(0, 2, 3, 2.5)), 1},
		{"hole excluded", poly(rect(0, 0, 1, 1), Ring{{0.25, 0.25}, {0.25, 0.75}, {0.75, 0.75}, {0.75, 0.25}, {0.25, 0.25}}), sq, 0.75},
		{"in the hole", poly(rect(0, 0, 1, 1), Ring{{0.25, 0.25}, {0.25, 0.75}, {0.75, 0.75}, {0.75, 0.25}, {0.25, 0.25}}), poly(rect(0.25, 0.25, 0.75, 0.75)), 0},
		{"diamond", sq, poly(Ring{{0.5, -0.5}, {1.5, 0.5}, {0.5, 1.5}, {-0.5, 0.5}, {0.5, -0.5}}), 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// Scale to a small area near Bao'an so that the projection is
			// nearly uniform.
			a, b := shrink(tc.a), shrink(tc.b)
			want := tc.want * 1e-4 * deg2 * math.Cos(22.6*math.Pi/180)
			for _, got := range []float64{OverlapM2(a, b), OverlapM2(b, a)} {
				if !near(got, want, 1e-3) {
					t.Errorf("overlap = %g m², want %g", got, want)
				}
			}
		})
	}
}

// shrink maps the unit-ish test shapes to 0.01° squares at Bao'an.
func shrink(m MultiPolygon) MultiPolygon {
	out := m.Clone()
	for _, p := range out {
		for _, r := range p {
			for i := range r {
				r[i] = Point{113.9 + r[i][0]*0.01, 22.6 + r[i][1]*0.01}
			}
		}
	}
	return out
}

func TestCut(t *testing.T) {
	t.Parallel()
	holed := poly(rect(0, 0, 4, 4), Ring{{1, 1}, {1, 3}, {3, 3}, {3, 1}, {1, 1}})
	tests := []struct {
		name         string
		m            MultiPolygon
		axis         int
		at           float64
		below, above int // parts
	}{
		{"square", poly(rect(0, 0, 1, 1)), 0, 0.3, 1, 1},
		{"U across its arms", uShape(), 1, 2, 1, 2},
		{"U along", uShape(), 0, 1.5, 1, 1},
		{"U on a vertex line", uShape(), 1, 1, 1, 2},
		{"holed through the hole", holed, 0, 2, 1, 1},
		{"holed beside the hole", holed, 0, 0.5, 1, 1},
		{"miss", poly(rect(0, 0, 1, 1)), 0, 5, 1, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := shrink(tc.m)
			at := tc.at*0.01 + []float64{113.9, 22.6}[tc.axis]
			lo, hi := cut(m, tc.axis, at)
			if len(lo) != tc.below || len(hi) != tc.above {
				t.Fatalf("parts = %d below, %d above; want %d, %d", len(lo), len(hi), tc.below, tc.above)
			}
			total := m.AreaM2()
			if s := lo.AreaM2() + hi.AreaM2(); !near(s, total, 1e-9) {
				t.Errorf("areas %g + %g = %g, want %g", lo.AreaM2(), hi.AreaM2(), s, total)
			}
			if o := OverlapM2(lo, hi); o > 1e-6 {
				t.Errorf("halves overlap by %g m²", o)
			}
			for _, part := range []MultiPolygon{lo, hi} {
				if len(part) > 0 && !near(OverlapM2(part, m), part.AreaM2(), 1e-9) {
					t.Errorf("a half is not inside the whole")
				}
			}
		})
	}
}

// TestCutRealStreets cuts every real street boundary (concave, one with an
// islet) at random meridians and parallels: the halves must add up to the
// street, not overlap, and be valid polygons.
func TestCutRealStreets(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	for _, s := range demoGrid(t).Cells[1:11] {
		b := s.Geometry.Bound()
		total := s.AreaM2()
		for range 40 {
			axis := rng.IntN(2)
			lo, hi := []float64{b.MinLon, b.MinLat}[axis], []float64{b.MaxLon, b.MaxLat}[axis]
			below, above := cut(s.Geometry, axis, lo+rng.Float64()*(hi-lo))
			if d := math.Abs(below.AreaM2() + above.AreaM2() - total); d > 1e-3 {
				t.Fatalf("%s: halves differ from the whole by %g m²", s.Name, d)
			}
			if o := OverlapM2(below, above); o > 1e-3 {
				t.Fatalf("%s: halves overlap by %g m²", s.Name, o)
			}
			for _, h := range []MultiPolygon{below, above} {
				if err := checkGeometry(&Cell{Code: "h", Name: "h", Geometry: h}, Tolerance{AreaM2: 1e-3}); err != nil {
					t.Fatalf("%s: %v", s.Name, err)
				}
			}
		}
	}
}
