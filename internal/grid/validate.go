package grid

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// Tolerance bounds the discrepancies that validation lets pass: a cell
// reaching outside its parent, two siblings overlapping, children leaving
// part of their parent uncovered. A discrepancy passes when it is at most
// AreaM2 square metres or at most Fraction of the area it is measured
// against (the cell's own area for reaching outside, the smaller sibling's
// for an overlap, the parent's for a gap), whichever is larger.
type Tolerance struct {
	AreaM2   float64
	Fraction float64
}

// DefaultTolerance is 1 m² or 0.1%: enough for boundaries digitised
// independently of each other, too little to hide a misplaced cell.
func DefaultTolerance() Tolerance { return Tolerance{AreaM2: 1, Fraction: 0.001} }

// limit returns the largest discrepancy allowed against reference area.
func (t Tolerance) limit(reference float64) float64 {
	return math.Max(t.AreaM2, t.Fraction*reference)
}

// Problem is one thing wrong with an import. Err's message names the
// cells at fault.
type Problem struct {
	Feature int      // 1-based position of the feature in the file; 0 when not about one feature
	Cells   []string // the codes of the cells at fault
	Err     *errs.Error
}

// Message returns the problem in lang ("zh" or "en").
func (p Problem) Message(lang string) string {
	m := p.Err.Message(lang)
	if p.Feature > 0 {
		if lang == "en" {
			return fmt.Sprintf("feature %d: %s", p.Feature, m)
		}
		return fmt.Sprintf("第 %d 个要素：%s", p.Feature, m)
	}
	return m
}

func problem(feature int, cells []string, code, zh, en string) Problem {
	return Problem{Feature: feature, Cells: cells, Err: errs.E(errs.Invalid, code, zh, en)}
}

// checkGeometry returns what is wrong with the shape of c: rings crossing
// themselves or each other, holes outside their outer ring, parts
// overlapping, no area.
func checkGeometry(c *Cell, tol Tolerance) *errs.Error {
	bad := func(code, zh, en string) *errs.Error {
		return errs.E(errs.Invalid, code, c.Label()+"："+zh, c.labelEN()+": "+en)
	}
	for pi, poly := range c.Geometry {
		for ri, r := range poly {
			if math.Abs(r.signedArea()) == 0 {
				return bad("grid.geometry.zero_area", fmt.Sprintf("第 %d 个多边形的第 %d 个环面积为零", pi+1, ri+1),
					fmt.Sprintf("ring %d of polygon %d has no area", ri+1, pi+1))
			}
			if ri > 0 && !ringContains(poly[0], r) {
				return bad("grid.geometry.hole_outside", fmt.Sprintf("第 %d 个多边形的第 %d 个环（洞）不在外环之内；若是飞地，应作为 MultiPolygon 的单独多边形", pi+1, ri+1),
					fmt.Sprintf("ring %d of polygon %d (a hole) lies outside the outer ring; an exclave must be a separate polygon of a MultiPolygon", ri+1, pi+1))
			}
		}
		if p, ok := selfIntersection(poly); ok {
			return bad("grid.geometry.self_intersection", fmt.Sprintf("第 %d 个多边形的边界自相交，位于 [%.6f, %.6f] 附近", pi+1, p[0], p[1]),
				fmt.Sprintf("the boundary of polygon %d crosses itself near [%.6f, %.6f]", pi+1, p[0], p[1]))
		}
	}
	for i := range c.Geometry {
		for j := i + 1; j < len(c.Geometry); j++ {
			a, b := MultiPolygon{c.Geometry[i]}, MultiPolygon{c.Geometry[j]}
			o := OverlapM2(a, b)
			if o > tol.limit(math.Min(a.AreaM2(), b.AreaM2())) {
				return bad("grid.geometry.parts_overlap", fmt.Sprintf("第 %d 与第 %d 个多边形重叠 %s", i+1, j+1, m2(o)),
					fmt.Sprintf("polygons %d and %d overlap by %s", i+1, j+1, m2EN(o)))
			}
		}
	}
	return nil
}

// selfIntersection finds two edges of poly's rings that cross or run along
// each other, other than neighbours meeting at their common vertex. It
// sweeps the edges by longitude.
func selfIntersection(poly Polygon) (Point, bool) {
	type edge struct {
		s          segment
		ring, i, n int
	}
	var es []edge
	for ri, r := range poly {
		for i := 0; i+1 < len(r); i++ {
			b := emptyBox()
			b.extend(r[i])
			b.extend(r[i+1])
			es = append(es, edge{s: segment{p: r[i], q: r[i+1], box: b}, ring: ri, i: i, n: len(r) - 1})
		}
	}
	slices.SortFunc(es, func(a, b edge) int { return cmp.Compare(a.s.box.MinLon, b.s.box.MinLon) })
	for k, a := range es {
		for _, b := range es[k+1:] {
			if b.s.box.MinLon > a.s.box.MaxLon {
				break
			}
			if !a.s.box.Intersects(b.s.box) {
				continue
			}
			adjacent := a.ring == b.ring && ((a.i+1)%a.n == b.i || (b.i+1)%b.n == a.i)
			if p, ok := badCrossing(a.s, b.s, adjacent); ok {
				return p, true
			}
		}
	}
	return Point{}, false
}

// orient2 is the sign of the turn a→b→c: positive counter-clockwise.
func orient2(a, b, c Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

// badCrossing reports whether segments e and f cross properly, or overlap
// along a stretch; for adjacent edges only an overlap (a spike) counts.
func badCrossing(e, f segment, adjacent bool) (Point, bool) {
	d1, d2 := orient2(e.p, e.q, f.p), orient2(e.p, e.q, f.q)
	d3, d4 := orient2(f.p, f.q, e.p), orient2(f.p, f.q, e.q)
	if d1 == 0 && d2 == 0 {
		// Collinear: bad if they share more than a point.
		ax := 0
		if math.Abs(e.q[0]-e.p[0]) < math.Abs(e.q[1]-e.p[1]) {
			ax = 1
		}
		lo := math.Max(math.Min(e.p[ax], e.q[ax]), math.Min(f.p[ax], f.q[ax]))
		hi := math.Min(math.Max(e.p[ax], e.q[ax]), math.Max(f.p[ax], f.q[ax]))
		if hi > lo {
			return e.p, true
		}
		return Point{}, false
	}
	if adjacent {
		return Point{}, false
	}
	if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
		t := d3 / (d3 - d4)
		return Point{e.p[0] + t*(e.q[0]-e.p[0]), e.p[1] + t*(e.q[1]-e.p[1])}, true
	}
	return Point{}, false
}

// m2 formats an area for Chinese messages.
func m2(a float64) string {
	if a >= 1e6 {
		return fmt.Sprintf("%.2f 平方公里", a/1e6)
	}
	return fmt.Sprintf("%.1f 平方米", a)
}

// m2EN formats an area for English messages.
func m2EN(a float64) string {
	if a >= 1e6 {
		return fmt.Sprintf("%.2f km²", a/1e6)
	}
	return fmt.Sprintf("%.1f m²", a)
}

// checkGroup checks the children of parent (nil for the top level, whose
// cells need only not overlap): each inside the parent, no two
// overlapping, and together covering it.
func checkGroup(parent *Cell, children []*Cell, tol Tolerance) []Problem {
	var out []Problem
	areas := make([]float64, len(children))
	boxes := make([]Box, len(children))
	for i, c := range children {
		areas[i] = c.AreaM2()
		boxes[i] = c.Geometry.Bound()
	}
	covered := 0.0
	if parent != nil {
		for i, c := range children {
			in := OverlapM2(c.Geometry, parent.Geometry)
			covered += in
			if outside := areas[i] - in; outside > tol.limit(areas[i]) {
				out = append(out, problem(0, []string{c.Code, parent.Code}, "grid.outside_parent",
					fmt.Sprintf("%s有 %s 位于上级网格%s之外（容差 %s）", c.Label(), m2(outside), parent.Label(), m2(tol.limit(areas[i]))),
					fmt.Sprintf("%s reaches %s outside its parent %s (tolerance %s)", c.labelEN(), m2EN(outside), parent.labelEN(), m2EN(tol.limit(areas[i])))))
			}
		}
	}
	for i, a := range children {
		for j := i + 1; j < len(children); j++ {
			if !boxes[i].Intersects(boxes[j]) {
				continue
			}
			b := children[j]
			o := OverlapM2(a.Geometry, b.Geometry)
			covered -= o
			if lim := tol.limit(math.Min(areas[i], areas[j])); o > lim {
				out = append(out, problem(0, []string{a.Code, b.Code}, "grid.overlap",
					fmt.Sprintf("%s与%s重叠 %s（容差 %s）", a.Label(), b.Label(), m2(o), m2(lim)),
					fmt.Sprintf("%s and %s overlap by %s (tolerance %s)", a.labelEN(), b.labelEN(), m2EN(o), m2EN(lim))))
			}
		}
	}
	if parent != nil && len(children) > 0 {
		pa := parent.AreaM2()
		if gap := pa - covered; gap > tol.limit(pa) {
			out = append(out, problem(0, []string{parent.Code}, "grid.gap",
				fmt.Sprintf("%s的 %d 个下级网格未覆盖其中 %s（容差 %s）", parent.Label(), len(children), m2(gap), m2(tol.limit(pa))),
				fmt.Sprintf("the %d cells in %s leave %s of it uncovered (tolerance %s)", len(children), parent.labelEN(), m2EN(gap), m2EN(tol.limit(pa)))))
		}
	}
	return out
}
