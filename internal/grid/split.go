package grid

import (
	"math"
	"slices"
)

// This file cuts polygons with axis-parallel lines, which is how the demo
// subdivision is made. A cut is a clip by two half-planes at once; it works
// for concave polygons with holes, where a half may fall apart into several
// pieces. Both halves share the crossing points exactly, so the pieces of a
// parent fit together without slivers.

// crossing is where a ring's edge crosses the cutting line.
type crossing struct {
	pos  float64 // position along the line (the other coordinate)
	pt   Point   // the point, exactly on the line
	ring int     // ring index within the polygon
	edge int     // the edge r[edge]–r[edge+1]
	into int     // side the edge enters: 0 below the line, 1 above
}

// side returns 0 when p lies below the line (p[axis] < at) and 1 otherwise.
func side(p Point, axis int, at float64) int {
	if p[axis] < at {
		return 0
	}
	return 1
}

// cutPoint is where the edge a–b meets the line; its axis coordinate is at
// exactly.
func cutPoint(a, b Point, axis int, at float64) Point {
	o := 1 - axis
	t := (at - a[axis]) / (b[axis] - a[axis])
	var p Point
	p[axis] = at
	p[o] = a[o] + t*(b[o]-a[o])
	// Keep the point within the edge's extent despite rounding.
	lo, hi := math.Min(a[o], b[o]), math.Max(a[o], b[o])
	p[o] = math.Min(math.Max(p[o], lo), hi)
	return p
}

// nudge moves at off every vertex of m, so that no vertex lies on the
// cutting line and every crossing is a proper one.
func nudge(m MultiPolygon, axis int, at float64) float64 {
	for {
		hit := false
		for _, poly := range m {
			for _, r := range poly {
				for _, p := range r {
					if p[axis] == at {
						hit = true
					}
				}
			}
		}
		if !hit {
			return at
		}
		at = math.Nextafter(at, math.Inf(1))
	}
}

// cut splits m along the line where coordinate axis (0 longitude, 1
// latitude) equals at, into the part below and the part above. Parts of
// zero area are dropped.
func cut(m MultiPolygon, axis int, at float64) (below, above MultiPolygon) {
	at = nudge(m, axis, at)
	for _, poly := range m {
		b, a := cutPolygon(poly, axis, at)
		below = append(below, b...)
		above = append(above, a...)
	}
	return below, above
}

func cutPolygon(poly Polygon, axis int, at float64) (below, above []Polygon) {
	var xs []crossing
	for ri, r := range poly {
		for i := 0; i+1 < len(r); i++ {
			sa, sb := side(r[i], axis, at), side(r[i+1], axis, at)
			if sa != sb {
				xs = append(xs, crossing{pt: cutPoint(r[i], r[i+1], axis, at), ring: ri, edge: i, into: sb})
			}
		}
	}
	if len(xs) == 0 {
		if side(poly[0][0], axis, at) == 0 {
			return []Polygon{poly}, nil
		}
		return nil, []Polygon{poly}
	}
	o := 1 - axis
	for i := range xs {
		xs[i].pos = xs[i].pt[o]
	}
	// Along the line, the crossings pair up: between the first and the
	// second the line runs inside the polygon, and so on.
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if xs[a].pos < xs[b].pos {
			return -1
		}
		if xs[a].pos > xs[b].pos {
			return 1
		}
		return 0
	})
	partner := make([]int, len(xs))
	for k := 0; k+1 < len(order); k += 2 {
		partner[order[k]], partner[order[k+1]] = order[k+1], order[k]
	}
	for s := 0; s <= 1; s++ {
		rings := traceSide(poly, xs, partner, axis, at, s)
		polys := assemble(rings)
		if s == 0 {
			below = polys
		} else {
			above = polys
		}
	}
	return below, above
}

// traceSide follows the boundary on side s of the line: from each crossing
// into s along the ring to the next crossing out of s, then along the line
// to that crossing's partner, which leads into s again, until the ring
// closes. Rings that the line does not touch are kept whole.
func traceSide(poly Polygon, xs []crossing, partner []int, axis int, at float64, s int) []Ring {
	// next[i] is the crossing after crossing i along its ring.
	byRing := map[int][]int{}
	for i, x := range xs {
		byRing[x.ring] = append(byRing[x.ring], i)
	}
	next := make([]int, len(xs))
	for _, idx := range byRing {
		for k, i := range idx {
			next[i] = idx[(k+1)%len(idx)]
		}
	}
	var out []Ring
	used := make([]bool, len(xs))
	for start := range xs {
		if used[start] || xs[start].into != s {
			continue
		}
		var ring Ring
		for i, steps := start, 0; steps <= len(xs); steps++ {
			used[i] = true
			x := xs[i]
			ring = append(ring, x.pt)
			// Walk the ring from the edge after the crossing to the exit.
			r := poly[x.ring]
			exit := next[i]
			n := len(r) - 1 // distinct vertices
			for v := (x.edge + 1) % n; ; v = (v + 1) % n {
				ring = append(ring, r[v])
				if v == xs[exit].edge {
					break
				}
			}
			ring = append(ring, xs[exit].pt)
			used[exit] = true
			i = partner[exit]
			if i == start || used[i] {
				break // closed (or, for an invalid polygon, stuck)
			}
		}
		ring = append(ring, ring[0])
		out = append(out, dedupe(ring))
	}
	for ri, r := range poly {
		touched := false
		for _, x := range xs {
			if x.ring == ri {
				touched = true
				break
			}
		}
		if !touched && side(r[0], axis, at) == s {
			out = append(out, r)
		}
	}
	return out
}

// dedupe drops consecutive repeated points.
func dedupe(r Ring) Ring {
	out := r[:1]
	for _, p := range r[1:] {
		if p != out[len(out)-1] {
			out = append(out, p)
		}
	}
	return out
}

// minPartArea is the area in square degrees below which a cut piece is
// taken for rounding dust (about 1e-4 m²).
const minPartArea = 1e-14

// assemble turns rings into polygons: counter-clockwise rings are outer
// rings, and each clockwise ring becomes a hole of the smallest outer ring
// that contains it.
func assemble(rings []Ring) []Polygon {
	var outers []Polygon
	var areas []float64
	var holes []Ring
	for _, r := range rings {
		if len(r) < 4 {
			continue
		}
		a := r.signedArea()
		switch {
		case math.Abs(a) < minPartArea:
		case a > 0:
			outers = append(outers, Polygon{r})
			areas = append(areas, a)
		default:
			holes = append(holes, r)
		}
	}
	for _, h := range holes {
		best := -1
		for i, o := range outers {
			if ringContains(o[0], h) && (best < 0 || areas[i] < areas[best]) {
				best = i
			}
		}
		if best >= 0 {
			outers[best] = append(outers[best], h)
		}
	}
	return outers
}

// ringContains reports whether hole h lies inside ring r, judged by a
// point of h that is not on r.
func ringContains(r, h Ring) bool {
	for _, p := range h {
		if onRing(r, p) {
			continue
		}
		return MultiPolygon{{r}}.Contains(p)
	}
	return false
}

func onRing(r Ring, p Point) bool {
	for _, q := range r {
		if q == p {
			return true
		}
	}
	return false
}
