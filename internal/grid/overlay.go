package grid

import (
	"math"
	"slices"
)

// This file measures how much two geometries overlap, which is what the
// validation of a grid needs: how much of a cell lies outside its parent,
// how much two siblings overlap, how much of a parent its children leave
// uncovered.
//
// The area of A ∩ B is the sum of [edgeArea] over the boundary of A ∩ B, which
// is made of the pieces of A's edges inside B, the pieces of B's edges
// inside A, and the pieces the two boundaries share running the same way
// (counted once). Pieces they share running opposite ways (two neighbours'
// common border) bound no common area. Each edge is split where it meets
// the other geometry's edges and each piece is judged by its midpoint, so
// concave polygons, holes, shared vertices and shared edges all come out
// right without a general polygon clipper.

// segment is an edge with its bounding box.
type segment struct {
	p, q Point
	box  Box
}

func segments(m MultiPolygon) []segment {
	var out []segment
	for _, poly := range m {
		for _, r := range poly {
			for i := 0; i+1 < len(r); i++ {
				b := emptyBox()
				b.extend(r[i])
				b.extend(r[i+1])
				out = append(out, segment{p: r[i], q: r[i+1], box: b})
			}
		}
	}
	return out
}

// collinearEps is how far (in degrees, about 0.1 mm) a point may lie from a
// line and still count as on it, for shared borders.
const collinearEps = 1e-9

// OverlapM2 returns the area of a ∩ b in square metres.
func OverlapM2(a, b MultiPolygon) float64 {
	if !a.Bound().Intersects(b.Bound()) {
		return 0
	}
	sa, sb := segments(a), segments(b)
	ref := refSine(a.Bound())
	s := boundaryInside(sa, sb, b, true, ref) + boundaryInside(sb, sa, a, false, ref)
	return math.Max(s, 0)
}

// boundaryInside sums the area shares ([edgeArea]) of
// the pieces of edges xs that lie inside y (whose edges are ys), plus, when
// shared is set, the pieces that run along y's boundary in the same
// direction.
func boundaryInside(xs, ys []segment, y MultiPolygon, shared bool, ref float64) float64 {
	yb := y.Bound()
	var sum float64
	var ts []float64
	var along []interval
	for _, e := range xs {
		if !e.box.Intersects(yb) {
			continue
		}
		ts = append(ts[:0], 0, 1)
		along = along[:0]
		for _, f := range ys {
			if !e.box.Intersects(f.box) {
				continue
			}
			ts, along = splitBy(e, f, ts, along)
		}
		slices.Sort(ts)
		for k := 0; k+1 < len(ts); k++ {
			t0, t1 := ts[k], ts[k+1]
			if t1-t0 <= 0 {
				continue
			}
			tm := (t0 + t1) / 2
			in := false
			if dir, ok := onShared(along, tm); ok {
				in = shared && dir
			} else {
				in = y.Contains(at(e, tm))
			}
			if in {
				sum += edgeArea(at(e, t0), at(e, t1), ref)
			}
		}
	}
	return sum
}

// interval is a stretch [t0, t1] of an edge that lies along an edge of the
// other geometry, running the same way (same) or the opposite way.
type interval struct {
	t0, t1 float64
	same   bool
}

func onShared(along []interval, t float64) (same, ok bool) {
	for _, iv := range along {
		if t > iv.t0 && t < iv.t1 {
			return iv.same, true
		}
	}
	return false, false
}

// at returns the point at parameter t on e; the ends are exact.
func at(e segment, t float64) Point {
	switch t {
	case 0:
		return e.p
	case 1:
		return e.q
	}
	return Point{e.p[0] + t*(e.q[0]-e.p[0]), e.p[1] + t*(e.q[1]-e.p[1])}
}

// splitBy adds to ts the parameters on e where f meets it, and to along the
// stretch where f runs along e.
func splitBy(e, f segment, ts []float64, along []interval) ([]float64, []interval) {
	dx, dy := e.q[0]-e.p[0], e.q[1]-e.p[1]
	fx, fy := f.q[0]-f.p[0], f.q[1]-f.p[1]
	l2 := dx*dx + dy*dy
	if l2 == 0 {
		return ts, along
	}
	l := math.Sqrt(l2)
	// Distances of f's ends from e's line.
	dp := (dx*(f.p[1]-e.p[1]) - dy*(f.p[0]-e.p[0])) / l
	dq := (dx*(f.q[1]-e.p[1]) - dy*(f.q[0]-e.p[0])) / l
	if math.Abs(dp) <= collinearEps && math.Abs(dq) <= collinearEps {
		tp := (dx*(f.p[0]-e.p[0]) + dy*(f.p[1]-e.p[1])) / l2
		tq := (dx*(f.q[0]-e.p[0]) + dy*(f.q[1]-e.p[1])) / l2
		lo, hi := math.Max(math.Min(tp, tq), 0), math.Min(math.Max(tp, tq), 1)
		if hi > lo {
			ts = append(ts, lo, hi)
			along = append(along, interval{t0: lo, t1: hi, same: dx*fx+dy*fy > 0})
		}
		return ts, along
	}
	d := dx*fy - dy*fx
	if d == 0 {
		return ts, along
	}
	rx, ry := f.p[0]-e.p[0], f.p[1]-e.p[1]
	t := (rx*fy - ry*fx) / d
	u := (rx*dy - ry*dx) / d
	if t > 0 && t < 1 && u >= 0 && u <= 1 {
		ts = append(ts, t)
	}
	return ts, along
}
