package grid

import (
	"math"
)

// Point is a position [longitude, latitude] in degrees, WGS84.
type Point [2]float64

// Lon returns the longitude.
func (p Point) Lon() float64 { return p[0] }

// Lat returns the latitude.
func (p Point) Lat() float64 { return p[1] }

// Ring is a closed ring of points: the last point repeats the first, as in
// GeoJSON.
type Ring []Point

// Polygon is an outer ring followed by its holes. Outer rings run
// counter-clockwise and holes clockwise (the GeoJSON right-hand rule);
// [ParseGeometry] makes them so.
type Polygon []Ring

// MultiPolygon is the geometry of every cell: one or more polygons that do
// not overlap. A Polygon is a MultiPolygon of one part.
type MultiPolygon []Polygon

// Box is a bounding box in degrees.
type Box struct {
	MinLon, MinLat, MaxLon, MaxLat float64
}

// emptyBox is the box that [Box.extend] grows from.
func emptyBox() Box {
	return Box{MinLon: math.Inf(1), MinLat: math.Inf(1), MaxLon: math.Inf(-1), MaxLat: math.Inf(-1)}
}

func (b *Box) extend(p Point) {
	b.MinLon = math.Min(b.MinLon, p[0])
	b.MinLat = math.Min(b.MinLat, p[1])
	b.MaxLon = math.Max(b.MaxLon, p[0])
	b.MaxLat = math.Max(b.MaxLat, p[1])
}

func (b *Box) union(o Box) {
	b.MinLon = math.Min(b.MinLon, o.MinLon)
	b.MinLat = math.Min(b.MinLat, o.MinLat)
	b.MaxLon = math.Max(b.MaxLon, o.MaxLon)
	b.MaxLat = math.Max(b.MaxLat, o.MaxLat)
}

// Intersects reports whether b and o share at least a point.
func (b Box) Intersects(o Box) bool {
	return b.MinLon <= o.MaxLon && o.MinLon <= b.MaxLon && b.MinLat <= o.MaxLat && o.MinLat <= b.MaxLat
}

// Contains reports whether p lies in b, borders included.
func (b Box) Contains(p Point) bool {
	return p[0] >= b.MinLon && p[0] <= b.MaxLon && p[1] >= b.MinLat && p[1] <= b.MaxLat
}

// Bound returns the bounding box of r.
func (r Ring) Bound() Box {
	b := emptyBox()
	for _, p := range r {
		b.extend(p)
	}
	return b
}

// Bound returns the bounding box of m.
func (m MultiPolygon) Bound() Box {
	b := emptyBox()
	for _, poly := range m {
		if len(poly) > 0 {
			b.union(poly[0].Bound())
		}
	}
	return b
}

// Vertices returns how many points m has, closing points included.
func (m MultiPolygon) Vertices() int {
	n := 0
	for _, poly := range m {
		for _, r := range poly {
			n += len(r)
		}
	}
	return n
}

// signedArea is the shoelace area of r in square degrees, positive when r
// runs counter-clockwise.
func (r Ring) signedArea() float64 {
	var s float64
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return s / 2
}

// earthRadius is the mean radius of the earth in metres (IUGG).
const earthRadius = 6371008.8

// edgeArea is the edge a→b's share, in square metres, of the area on the
// sphere of a ring it belongs to: -R² ∫ (sin φ - ref) dλ along the edge,
// taken as straight in longitude and latitude (as the point-in-polygon
// test takes it). ref, the sine of a latitude near the edge, drops out of
// the sum over a closed ring; it keeps each share small, so that a
// misjudged sliver of an edge costs only the sliver's own area. The
// integral is exact, so inserting a point on an edge (as a cut does)
// changes no area. For a counter-clockwise ring the shares sum to its
// area.
func edgeArea(a, b Point, ref float64) float64 {
	const rad = math.Pi / 180
	dLon := (b[0] - a[0]) * rad
	if dLon == 0 {
		return 0
	}
	half := (b[1] - a[1]) * rad / 2
	sinc := 1.0
	if half != 0 {
		sinc = math.Sin(half) / half
	}
	// ∫ sin φ dλ = Δλ · sin φm · sinc(Δφ/2) along a straight edge.
	return -earthRadius * earthRadius * dLon * (math.Sin((a[1]+b[1])*rad/2)*sinc - ref)
}

// refSine is the sine of the latitude in the middle of b, for edgeArea.
func refSine(b Box) float64 { return math.Sin((b.MinLat + b.MaxLat) / 2 * math.Pi / 180) }

// ringAreaM2 is the signed area of r in square metres on the sphere,
// positive when r runs counter-clockwise.
func ringAreaM2(r Ring) float64 {
	if len(r) == 0 {
		return 0
	}
	ref := math.Sin(r[0][1] * math.Pi / 180)
	var s float64
	for i := 0; i+1 < len(r); i++ {
		s += edgeArea(r[i], r[i+1], ref)
	}
	return s
}

// AreaM2 returns the area of m in square metres: outer rings minus holes.
func (m MultiPolygon) AreaM2() float64 {
	var s float64
	for _, poly := range m {
		for _, r := range poly {
			s += ringAreaM2(r) // holes run clockwise: their area is negative
		}
	}
	return s
}

// Contains reports whether p lies inside m: inside an outer ring and
// outside its holes. It casts a ray towards increasing longitude and counts
// the edges it crosses, each edge counting when one end lies above the ray
// and the other on or below it. The spatial index decides exactly as this
// method does, on every point.
func (m MultiPolygon) Contains(p Point) bool {
	in := false
	for _, poly := range m {
		for _, r := range poly {
			for i := 0; i+1 < len(r); i++ {
				if crosses(r[i], r[i+1], p[0], p[1]) {
					in = !in
				}
			}
		}
	}
	return in
}

// crosses reports whether the edge a–b crosses the ray from (x, y) towards
// increasing x. Every point-in-polygon test in this package goes through
// this one function so that they agree to the last bit.
func crosses(a, b Point, x, y float64) bool {
	return (a[1] > y) != (b[1] > y) && x < a[0]+(y-a[1])*(b[0]-a[0])/(b[1]-a[1])
}

// Centroid returns the area-weighted centre of m's outer rings (not
// necessarily inside m).
func (m MultiPolygon) Centroid() Point {
	var cx, cy, w float64
	for _, poly := range m {
		for _, r := range poly {
			for i := 0; i+1 < len(r); i++ {
				c := r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
				cx += (r[i][0] + r[i+1][0]) * c
				cy += (r[i][1] + r[i+1][1]) * c
				w += c
			}
		}
	}
	if w == 0 {
		b := m.Bound()
		return Point{(b.MinLon + b.MaxLon) / 2, (b.MinLat + b.MaxLat) / 2}
	}
	return Point{cx / (3 * w), cy / (3 * w)}
}

// orient makes outer rings counter-clockwise and holes clockwise.
func (m MultiPolygon) orient() {
	for _, poly := range m {
		for i, r := range poly {
			a := r.signedArea()
			if (i == 0 && a < 0) || (i > 0 && a > 0) {
				reverse(r)
			}
		}
	}
}

func reverse(r Ring) {
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
}

// Clone returns a deep copy of m.
func (m MultiPolygon) Clone() MultiPolygon {
	out := make(MultiPolygon, len(m))
	for i, poly := range m {
		out[i] = make(Polygon, len(poly))
		for j, r := range poly {
			out[i][j] = append(Ring(nil), r...)
		}
	}
	return out
}

// metresPerDegree is the length of a degree of latitude (and of longitude
// at the equator) in metres.
const metresPerDegree = earthRadius * math.Pi / 180

// sizeM returns the width and height of b in metres.
func (b Box) sizeM() (w, h float64) {
	lat := (b.MinLat + b.MaxLat) / 2 * math.Pi / 180
	return (b.MaxLon - b.MinLon) * metresPerDegree * math.Cos(lat), (b.MaxLat - b.MinLat) * metresPerDegree
}
