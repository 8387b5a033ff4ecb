package grid

import (
	"math"
)

// This file divides polygons into parts of given areas, for the demo grid,
// and dissolves neighbours that share their borders into one outline.

// Partition divides m into len(weights) parts whose areas are proportional
// to weights, by recursive cuts along meridians and parallels (a k-d
// split): the part is cut across its longer side into two pieces holding
// the first half of the weights and the rest. Parts come out in the order
// of weights and nest exactly: together they are m, with no overlap and no
// gap. A part may have several pieces where a cut crosses a concave
// boundary more than twice.
func Partition(m MultiPolygon, weights []float64) []MultiPolygon {
	out := make([]MultiPolygon, 0, len(weights))
	return partition(m, weights, out)
}

func partition(m MultiPolygon, weights []float64, out []MultiPolygon) []MultiPolygon {
	if len(weights) == 1 {
		return append(out, m)
	}
	k := len(weights) / 2
	var lo, all float64
	for i, w := range weights {
		all += w
		if i < k {
			lo += w
		}
	}
	b := m.Bound()
	w, h := b.sizeM()
	axis, min, max := 0, b.MinLon, b.MaxLon
	if h > w {
		axis, min, max = 1, b.MinLat, b.MaxLat
	}
	at := balance(m, axis, min, max, lo/all)
	below, above := cut(m, axis, at)
	out = partition(below, weights[:k], out)
	return partition(above, weights[k:], out)
}

// balance finds where along axis to cut m so that the part below holds
// share of its area, by bisection on the area below the line.
func balance(m MultiPolygon, axis int, lo, hi, share float64) float64 {
	total := 0.0
	for _, poly := range m {
		for _, r := range poly {
			total += r.signedArea()
		}
	}
	want := share * total
	for i := 0; i < 60 && hi-lo > 1e-12; i++ {
		mid := (lo + hi) / 2
		a := areaBelow(m, axis, mid)
		if math.Abs(a-want) <= 1e-6*total {
			return mid
		}
		if a < want {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// areaBelow is the area (square degrees) of the part of m where coordinate
// axis is below at. Clipping each ring to the half-plane one edge at a time
// can join separate pieces with zero-width bridges along the line; those
// add no area, so the sum is exact.
func areaBelow(m MultiPolygon, axis int, at float64) float64 {
	var s float64
	for _, poly := range m {
		for _, r := range poly {
			var first, prev Point
			n := 0
			add := func(p Point) {
				if n == 0 {
					first = p
				} else {
					s += (prev[0]*p[1] - p[0]*prev[1]) / 2
				}
				prev = p
				n++
			}
			for i := 0; i+1 < len(r); i++ {
				a, b := r[i], r[i+1]
				ina, inb := a[axis] < at, b[axis] < at
				if ina {
					add(a)
				}
				if ina != inb {
					add(cutPoint(a, b, axis, at))
				}
			}
			if n > 0 {
				s += (prev[0]*first[1] - first[0]*prev[1]) / 2
			}
		}
	}
	return s
}

// Dissolve merges polygons that share borders edge for edge (the same
// vertices, in opposite directions) into their outline: every edge that
// two of them share is dropped and the rest is chained into rings.
func Dissolve(parts []MultiPolygon) MultiPolygon {
	type edge struct{ a, b Point }
	count := map[edge]int{}
	var order []edge
	for _, m := range parts {
		for _, poly := range m {
			for _, r := range poly {
				for i := 0; i+1 < len(r); i++ {
					e := edge{r[i], r[i+1]}
					if count[edge{e.b, e.a}] > 0 {
						count[edge{e.b, e.a}]--
						continue
					}
					if count[e] == 0 {
						order = append(order, e)
					}
					count[e]++
				}
			}
		}
	}
	from := map[Point][]edge{}
	for _, e := range order {
		for range count[e] {
			from[e.a] = append(from[e.a], e)
		}
	}
	take := func(p Point) (edge, bool) {
		es := from[p]
		if len(es) == 0 {
			return edge{}, false
		}
		from[p] = es[:len(es)-1]
		return es[len(es)-1], true
	}
	var rings []Ring
	for _, e0 := range order {
		start := e0.a
		for {
			cur, ok := take(start)
			if !ok {
				break
			}
			ring := Ring{start}
			for cur.b != start {
				ring = append(ring, cur.b)
				if cur, ok = take(cur.b); !ok {
					break // an open chain: the parts did not share their borders exactly
				}
			}
			rings = append(rings, append(ring, start))
		}
	}
	return MultiPolygon(assemble(rings))
}
