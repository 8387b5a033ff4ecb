package grid

import (
	"bytes"
	"strings"
	"testing"
)

func TestParseGeometry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		code     string // "" for valid
		parts    int
	}{
		{"polygon", `{"type":"Polygon","coordinates":[[[0,0],[0,1],[1,1],[1,0],[0,0]]]}`, "", 1},
		{"with altitude", `{"type":"Polygon","coordinates":[[[0,0,0],[1,0,0],[1,1,0],[0,0,0]]]}`, "", 1},
		{"multipolygon", `{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[2,0],[3,0],[3,1],[2,0]]]]}`, "", 2},
		{"missing", `null`, "geometry.missing", 0},
		{"point", `{"type":"Point","coordinates":[0,0]}`, "geometry.type", 0},
		{"open ring", `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}`, "geometry.ring_open", 0},
		{"short ring", `{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}`, "geometry.ring_short", 0},
		{"out of range", `{"type":"Polygon","coordinates":[[[0,0],[181,0],[1,1],[0,0]]]}`, "geometry.range", 0},
		{"one number", `{"type":"Polygon","coordinates":[[[0],[1,0],[1,1],[0]]]}`, "geometry.position", 0},
		{"strings", `{"type":"Polygon","coordinates":[[["0","0"]]]}`, "geometry.coordinates", 0},
		{"empty multipolygon", `{"type":"MultiPolygon","coordinates":[]}`, "geometry.empty", 0},
		{"no rings", `{"type":"Polygon","coordinates":[]}`, "geometry.polygon_empty", 0},
		{"syntax", `{"type":`, "geometry.syntax", 0},
	}
	for _, tc := range tests {
		m, err := ParseGeometry([]byte(tc.in))
		if tc.code == "" {
			if err != nil || len(m) != tc.parts {
				t.Errorf("%s: %v, %v; want %d parts", tc.name, m, err, tc.parts)
			}
			for _, p := range m {
				if p[0].signedArea() <= 0 {
					t.Errorf("%s: outer ring not counter-clockwise", tc.name)
				}
			}
			continue
		}
		ge, ok := err.(*GeometryError)
		if !ok || ge.Code != tc.code || ge.Msg == "" || ge.MsgEN == "" {
			t.Errorf("%s: err = %v; want %s with messages", tc.name, err, tc.code)
		}
	}
}

// FuzzParseGeometry checks that parsing never panics, that what it accepts
// obeys the package's invariants, and that writing it out and reading it
// back gives the same geometry.
func FuzzParseGeometry(f *testing.F) {
	f.Add([]byte(`{"type":"Polygon","coordinates":[[[0,0],[0,1],[1,1],[1,0],[0,0]]]}`))
	f.Add([]byte(`{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]],[[0.2,0.1],[0.8,0.1],[0.8,0.2],[0.2,0.1]]]]}`))
	f.Add([]byte(`{"type":"Polygon","coordinates":[[[113.9,22.6,0],[114,22.6,0],[114,22.7,0],[113.9,22.6,0]]]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseGeometry(b)
		if err != nil {
			if _, ok := err.(*GeometryError); !ok {
				t.Fatalf("error %T is not a *GeometryError", err)
			}
			return
		}
		for _, p := range m {
			for i, r := range p {
				if len(r) < 4 || r[0] != r[len(r)-1] {
					t.Fatalf("ring %v accepted", r)
				}
				if a := r.signedArea(); (i == 0 && a < 0) || (i > 0 && a > 0) {
					t.Fatalf("ring %d of %v has the wrong orientation", i, p)
				}
			}
		}
		out := m.AppendGeoJSON(nil)
		back, err := ParseGeometry(out)
		if err != nil || !bytes.Equal(back.AppendGeoJSON(nil), out) {
			t.Fatalf("round trip of %s: %s, %v", b, back.AppendGeoJSON(nil), err)
		}
		_ = checkGeometry(&Cell{Code: "X", Name: "X", Geometry: m}, DefaultTolerance())
	})
}

// FuzzReadFeatures checks that no file makes the reader panic and that
// every feature is either a cell or a problem.
func FuzzReadFeatures(f *testing.F) {
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"A","name":"甲","level":"street","parent":"D"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":440306,"name":null}}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		cells, probs, err := ReadFeatures(bytes.NewReader(b), "fuzz")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cells {
			if !validCode(c.Code) || !validName(c.Name) || len(c.Geometry) == 0 {
				t.Fatalf("cell %+v accepted", c)
			}
		}
		for _, p := range probs {
			if p.Err == nil || p.Err.Msg == "" || p.Err.MsgEN == "" || strings.TrimSpace(p.Message("en")) == "" {
				t.Fatalf("problem without messages: %+v", p)
			}
		}
	})
}
