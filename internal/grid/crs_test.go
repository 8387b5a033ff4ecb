package grid

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// The expected values are published test vectors of the GCJ-02 and BD-09
// formulas (they agree with each other's implementations to ~1e-9°).
func TestCRSVectors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		fn   func(Point) Point
		in   Point
		want Point
		tol  float64
	}{
		{"wgs84→gcj02 Beijing", WGS84ToGCJ02, Point{116.404, 39.915}, Point{116.41024449916938, 39.91640428150164}, 1e-9},
		{"wgs84→gcj02 Shenzhen", WGS84ToGCJ02, Point{113.912316, 22.543847}, Point{113.9171764808363, 22.540796131694766}, 1e-9},
		{"wgs84→gcj02 Shanghai", WGS84ToGCJ02, Point{121.5272106, 31.1774276}, Point{121.531541859215, 31.17530398364597}, 1e-9},
		{"gcj02→bd09", GCJ02ToBD09, Point{116.404, 39.915}, Point{116.41036949371029, 39.92133699351021}, 1e-9},
		// The closed-form BD-09 inverse is good to ~1e-6°; ours refines it.
		{"bd09→gcj02", BD09ToGCJ02, Point{116.404, 39.915}, Point{116.39762729119315, 39.90865673957631}, 2e-6},
		// The published GCJ-02 inverse is a single step (1–2 m); ours
		// iterates to the exact inverse, which these values approximate.
		{"gcj02→wgs84 Beijing", GCJ02ToWGS84, Point{116.404, 39.915}, Point{116.39775550083061, 39.91359571849836}, 2e-5},
		{"outside China", WGS84ToGCJ02, Point{2.35, 48.85}, Point{2.35, 48.85}, 0},
		{"outside China inverse", GCJ02ToWGS84, Point{-74, 40.7}, Point{-74, 40.7}, 0},
		{"wgs84 is identity", func(p Point) Point { return ToWGS84(p, WGS84) }, Point{113.9, 22.6}, Point{113.9, 22.6}, 0},
	}
	for _, tc := range tests {
		got := tc.fn(tc.in)
		if math.Abs(got[0]-tc.want[0]) > tc.tol || math.Abs(got[1]-tc.want[1]) > tc.tol {
			t.Errorf("%s(%v) = %.12f, %.12f; want %.12f, %.12f (±%g)", tc.name, tc.in, got[0], got[1], tc.want[0], tc.want[1], tc.tol)
		}
	}
}

// TestCRSRoundTrips converts points all over China to GCJ-02 and BD-09
// and back.
func TestCRSRoundTrips(t *testing.T) {
	t.Parallel()
	for lon := 73.0; lon <= 135; lon += 0.731 {
		for lat := 4.0; lat <= 53; lat += 0.517 {
			w := Point{lon, lat}
			g := WGS84ToGCJ02(w)
			if d := math.Hypot(g[0]-w[0], g[1]-w[1]); d < 1e-4 || d > 0.02 {
				t.Fatalf("offset at %v is %g°, want between 10 m and 2 km", w, d)
			}
			if back := GCJ02ToWGS84(g); math.Abs(back[0]-w[0]) > 1e-8 || math.Abs(back[1]-w[1]) > 1e-8 {
				t.Fatalf("gcj02→wgs84(wgs84→gcj02(%v)) = %v", w, back)
			}
			b := GCJ02ToBD09(g)
			if back := ToWGS84(b, BD09); math.Abs(back[0]-w[0]) > 1e-8 || math.Abs(back[1]-w[1]) > 1e-8 {
				t.Fatalf("bd09→wgs84 of %v = %v", w, back)
			}
		}
	}
}

func TestParseCRS(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]CRS{"": WGS84, "wgs84": WGS84, "gcj02": GCJ02, "bd09": BD09} {
		if got, err := ParseCRS(in); err != nil || got != want {
			t.Errorf("ParseCRS(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"WGS84", "epsg:4326", "bd-09", " gcj02"} {
		if _, err := ParseCRS(in); err == nil {
			t.Errorf("ParseCRS(%q) accepted", in)
		}
	}
}

// FuzzCRS checks, for any point, that conversions never produce NaN or
// leave the globe, and that in China GCJ-02 and BD-09 invert to within
// 1e-6° (about 0.1 m).
func FuzzCRS(f *testing.F) {
	f.Add(113.9, 22.6)
	f.Add(116.404, 39.915)
	f.Add(72.004, 0.8293)
	f.Add(137.8347, 55.8271)
	f.Add(-180.0, -90.0)
	f.Add(0.0, 0.0)
	f.Fuzz(func(t *testing.T, lon, lat float64) {
		if math.IsNaN(lon) || math.IsNaN(lat) || math.Abs(lon) > 180 || math.Abs(lat) > 90 {
			t.Skip()
		}
		w := Point{lon, lat}
		g := WGS84ToGCJ02(w)
		b := GCJ02ToBD09(g)
		for _, p := range []Point{g, b, GCJ02ToWGS84(g), ToWGS84(b, BD09)} {
			if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
				t.Fatalf("conversion of %v gave %v", w, p)
			}
		}
		if outOfChina(w) || outOfChina(g) {
			return // the inverse is the identity there, or the point straddles the box's edge
		}
		if back := GCJ02ToWGS84(g); math.Abs(back[0]-lon) > 1e-6 || math.Abs(back[1]-lat) > 1e-6 {
			t.Fatalf("gcj02 round trip of %v = %v", w, back)
		}
		if back := ToWGS84(b, BD09); math.Abs(back[0]-lon) > 1e-6 || math.Abs(back[1]-lat) > 1e-6 {
			t.Fatalf("bd09 round trip of %v = %v", w, back)
		}
	})
}

// TestCRSOnRealOutlines converts Bao'an's GCJ-02 outline, as a Chinese map
// provider publishes it, to WGS84 and checks that it then matches the
// WGS84 outline of its streets (an independent source) far better than
// before: the ~500 m offset is gone.
func TestCRSOnRealOutlines(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../../../shared/data/geo/shenzhen-districts-gcj02.geojson")
	if err != nil {
		t.Skipf("shared reference data not available: %v", err)
	}
	var fc struct {
		Features []struct {
			Geometry   json.RawMessage `json:"geometry"`
			Properties struct{ Adcode int }
		} `json:"features"`
	}
	if err := json.Unmarshal(raw, &fc); err != nil {
		t.Fatal(err)
	}
	var gcj MultiPolygon
	for _, f := range fc.Features {
		if f.Properties.Adcode == 440306 {
			if gcj, err = ParseGeometry(f.Geometry); err != nil {
				t.Fatal(err)
			}
		}
	}
	if gcj == nil {
		t.Fatal("no Bao'an (440306) in the fixture")
	}
	wgs := gcj.Clone()
	for _, p := range wgs {
		for _, r := range p {
			for i := range r {
				r[i] = GCJ02ToWGS84(r[i])
			}
		}
	}
	streets := demoGrid(t).Cells[0].Geometry // the district: the union of the WGS84 streets
	area := streets.AreaM2()
	before, after := OverlapM2(gcj, streets)/area, OverlapM2(wgs, streets)/area
	t.Logf("share of the WGS84 outline covered: %.4f as GCJ-02, %.4f converted", before, after)
	if after < 0.985 || after-before < 0.01 {
		t.Fatalf("converted outline covers %.4f of the WGS84 outline (GCJ-02: %.4f); want ≥ 0.985 and a clear gain", after, before)
	}
}
