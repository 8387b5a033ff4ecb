package grid

import (
	"math"
	"slices"
	"strings"
)

// Index is an immutable in-memory snapshot of the grid that answers
// point queries: which cells, from the top level down to the finest,
// contain a point, and which zone of every specialised layer it falls in.
// It is safe for concurrent use; [Service.Index] returns the current one.
//
// Each level has a bucket index: a uniform raster of small rectangles over
// the level's bounding box. For every bucket and every cell whose box
// reaches it, the build keeps only what a point in that bucket needs: the
// cell's edges that pass through the bucket (or lie to its right within
// reach of the ray), and, for the edges wholly to the right, just the
// latitudes at which they start and stop crossing the ray. A bucket lying
// wholly inside one cell answers without any arithmetic. The answer is
// bit-for-bit that of ray casting over all the cell's edges
// ([MultiPolygon.Contains]); a test checks it on random points.
type Index struct {
	revision int64
	levels   Levels
	cells    []*Cell // by code
	byCode   map[string]int
	children map[string][]*Cell
	chains   [][]*Cell   // per cell: top level first, the cell last
	zones    [][]ZoneRef // per cell: its zones, its own or its ancestors'
	zoneSize map[[2]string]int
	tiers    []*tier // per level, finest first
	layers   []*Layer
	zoneList map[string][]*Zone
}

// ZoneRef is a zone of a layer, as locate returns it.
type ZoneRef struct {
	Layer *Layer
	Zone  *Zone
}

// Location is what [Index.Locate] finds for a point.
type Location struct {
	// Chain lists the cells containing the point from the top level down
	// to the finest level that has one; empty when the point is outside
	// the grid. It is shared: do not modify it.
	Chain []*Cell
	// Zones are the specialised zones at the point, one per layer that
	// covers it, by layer code: for each layer, the zone of the deepest
	// cell of the chain assigned to one. Shared: do not modify.
	Zones []ZoneRef
}

// Cell returns the finest cell containing the point, or nil.
func (l Location) Cell() *Cell {
	if len(l.Chain) == 0 {
		return nil
	}
	return l.Chain[len(l.Chain)-1]
}

// At returns the cell of level in the chain, or nil.
func (l Location) At(level Level) *Cell {
	for _, c := range l.Chain {
		if c.Level == level {
			return c
		}
	}
	return nil
}

// Zone returns the zone of layer, or nil.
func (l Location) Zone(layer string) *Zone {
	for _, z := range l.Zones {
		if z.Layer.Code == layer {
			return z.Zone
		}
	}
	return nil
}

// bucketsPerEdge sets the raster's resolution: about this many buckets per
// edge of the level's cells, and at least minBuckets.
const (
	bucketsPerEdge = 2
	minBuckets     = 16384
)

// NewIndex builds an index over cells, their levels and the specialised
// layers. Cells whose parent is missing are kept but start their own chain.
func NewIndex(revision int64, levels Levels, cells []*Cell, layers []*Layer, zones []*Zone, as []Assignment) *Index {
	cells = slices.Clone(cells)
	slices.SortFunc(cells, func(a, b *Cell) int {
		if a.Code < b.Code {
			return -1
		}
		if a.Code > b.Code {
			return 1
		}
		return 0
	})
	ix := &Index{revision: revision, levels: levels, cells: cells, byCode: make(map[string]int, len(cells)),
		children: map[string][]*Cell{}, chains: make([][]*Cell, len(cells)), zones: make([][]ZoneRef, len(cells)),
		layers: layers, zoneList: map[string][]*Zone{}, zoneSize: map[[2]string]int{}}
	for i, c := range cells {
		ix.byCode[c.Code] = i
		ix.children[c.Parent] = append(ix.children[c.Parent], c)
	}
	for i := range cells {
		ix.chains[i] = ix.chain(i)
	}
	ix.linkZones(zones, as)
	ranked := slices.Clone(levels)
	slices.SortFunc(ranked, func(a, b LevelInfo) int { return b.Rank - a.Rank })
	for _, l := range ranked {
		var members []int
		for i, c := range cells {
			if c.Level == l.Name {
				members = append(members, i)
			}
		}
		if len(members) > 0 {
			ix.tiers = append(ix.tiers, newTier(cells, members))
		}
	}
	return ix
}

// chain returns the cells from the top down to cell i.
func (ix *Index) chain(i int) []*Cell {
	var up []*Cell
	seen := map[int]bool{}
	for j, ok := i, true; ok && !seen[j]; j, ok = ix.byCode[ix.cells[j].Parent] {
		seen[j] = true
		up = append(up, ix.cells[j])
	}
	slices.Reverse(up)
	return up
}

// linkZones gives every cell its zones: per layer, the zone of the
// deepest cell of its chain that is assigned one.
func (ix *Index) linkZones(zones []*Zone, as []Assignment) {
	layer := map[string]*Layer{}
	for _, l := range ix.layers {
		layer[l.Code] = l
	}
	zone := map[[2]string]*Zone{}
	for _, z := range zones {
		zone[[2]string{z.Layer, z.Code}] = z
		ix.zoneList[z.Layer] = append(ix.zoneList[z.Layer], z)
	}
	own := map[int][]ZoneRef{}
	for _, a := range as {
		i, ok := ix.byCode[a.Cell]
		l, z := layer[a.Layer], zone[[2]string{a.Layer, a.Zone}]
		if ok && l != nil && z != nil {
			own[i] = append(own[i], ZoneRef{Layer: l, Zone: z})
			ix.zoneSize[[2]string{a.Layer, a.Zone}]++
		}
	}
	if len(own) == 0 {
		return
	}
	for i := range ix.cells {
		var refs []ZoneRef
		for _, c := range ix.chains[i] {
			for _, r := range own[ix.byCode[c.Code]] {
				k := slices.IndexFunc(refs, func(x ZoneRef) bool { return x.Layer == r.Layer })
				if k >= 0 {
					refs[k] = r
				} else {
					refs = append(refs, r)
				}
			}
		}
		slices.SortFunc(refs, func(a, b ZoneRef) int { return strings.Compare(a.Layer.Code, b.Layer.Code) })
		ix.zones[i] = refs
	}
}

// Revision returns the grid revision the index was built from.
func (ix *Index) Revision() int64 { return ix.revision }

// Levels returns the levels by rank.
func (ix *Index) Levels() Levels { return ix.levels }

// Locate returns the cells and zones at p (WGS84). It allocates nothing.
func (ix *Index) Locate(p Point) Location {
	for _, t := range ix.tiers {
		if i := t.find(p[0], p[1]); i >= 0 {
			return Location{Chain: ix.chains[i], Zones: ix.zones[i]}
		}
	}
	return Location{}
}

// Cell returns the cell with code, or nil.
func (ix *Index) Cell(code string) *Cell {
	if i, ok := ix.byCode[code]; ok {
		return ix.cells[i]
	}
	return nil
}

// Chain returns the cells from the top level down to the cell with code
// (nil for an unknown code). Shared: do not modify.
func (ix *Index) Chain(code string) []*Cell {
	if i, ok := ix.byCode[code]; ok {
		return ix.chains[i]
	}
	return nil
}

// Children returns the cells whose parent is code, by code. Shared: do
// not modify.
func (ix *Index) Children(code string) []*Cell { return ix.children[code] }

// Cells returns the cells of level, by code; with a parent, only its
// children. Level "" means every level.
func (ix *Index) Cells(level Level, parent string) []*Cell {
	var out []*Cell
	src := ix.cells
	if parent != "" {
		src = ix.children[parent]
	}
	for _, c := range src {
		if level == "" || c.Level == level {
			out = append(out, c)
		}
	}
	return out
}

// Layers returns the specialised layers by code.
func (ix *Index) Layers() []*Layer { return ix.layers }

// Zones returns the zones of layer by code.
func (ix *Index) Zones(layer string) []*Zone { return ix.zoneList[layer] }

// ZoneSize returns how many cells are assigned to the zone directly.
func (ix *Index) ZoneSize(layer, zone string) int { return ix.zoneSize[[2]string{layer, zone}] }

// ZonesOf returns the zones of the cell with code, its own or inherited
// from its ancestors, by layer. Shared: do not modify.
func (ix *Index) ZonesOf(code string) []ZoneRef {
	if i, ok := ix.byCode[code]; ok {
		return ix.zones[i]
	}
	return nil
}

// tier is the bucket index of one level.
type tier struct {
	box     Box
	nx, ny  int
	invW    float64  // buckets per degree of longitude
	invH    float64  // buckets per degree of latitude
	start   []uint32 // entries of bucket b: entries[start[b]:start[b+1]]
	entries []entry
	edges   [][2]Point
	breaks  []float64
}

// entry is one cell's share of one bucket.
type entry struct {
	cell   int32
	full   bool   // the bucket lies wholly inside the cell
	parity bool   // edges to the right and wholly below the bucket cross every ray from it an odd number of times
	e0, e1 uint32 // edges[e0:e1]: the cell's edges a ray from the bucket may cross
	b0, b1 uint32 // breaks[b0:b1]: latitudes where an edge to the right starts or stops crossing the ray
}

// find returns the index of the first cell (by code) that contains (x, y),
// or -1.
func (t *tier) find(x, y float64) int {
	if !(x >= t.box.MinLon && x <= t.box.MaxLon && y >= t.box.MinLat && y <= t.box.MaxLat) {
		return -1
	}
	i := int((x - t.box.MinLon) * t.invW)
	j := int((y - t.box.MinLat) * t.invH)
	if i >= t.nx {
		i = t.nx - 1
	}
	if j >= t.ny {
		j = t.ny - 1
	}
	b := j*t.nx + i
	for k := t.start[b]; k < t.start[b+1]; k++ {
		e := &t.entries[k]
		if e.full {
			return int(e.cell)
		}
		in := e.parity
		for _, br := range t.breaks[e.b0:e.b1] {
			if br <= y {
				in = !in
			}
		}
		for _, ed := range t.edges[e.e0:e.e1] {
			if crosses(ed[0], ed[1], x, y) {
				in = !in
			}
		}
		if in {
			return int(e.cell)
		}
	}
	return -1
}

// bucketEps widens buckets (in degrees, about 0.1 mm) when sorting edges
// into them, so that rounding in the bucket arithmetic never matters.
const bucketEps = 1e-9

func newTier(cells []*Cell, members []int) *tier {
	t := &tier{box: emptyBox()}
	nEdges := 0
	for _, i := range members {
		t.box.union(cells[i].Geometry.Bound())
		nEdges += cells[i].Geometry.Vertices()
	}
	w, h := t.box.sizeM()
	w, h = math.Max(w, 1), math.Max(h, 1)
	side := math.Sqrt(w * h / float64(max(bucketsPerEdge*nEdges, minBuckets)))
	t.nx = min(max(int(math.Ceil(w/side)), 1), 4096)
	t.ny = min(max(int(math.Ceil(h/side)), 1), 4096)
	dw := (t.box.MaxLon - t.box.MinLon) / float64(t.nx)
	dh := (t.box.MaxLat - t.box.MinLat) / float64(t.ny)
	if dw == 0 {
		dw = 1e-9
	}
	if dh == 0 {
		dh = 1e-9
	}
	t.invW, t.invH = 1/dw, 1/dh
	buckets := make([][]entry, t.nx*t.ny)
	for _, ci := range members {
		t.addCell(buckets, int32(ci), cells[ci], dw, dh)
	}
	t.start = make([]uint32, len(buckets)+1)
	for b, es := range buckets {
		for _, e := range es {
			t.entries = append(t.entries, e)
			if e.full {
				break // nothing after it is ever looked at
			}
		}
		t.start[b+1] = uint32(len(t.entries))
	}
	return t
}

// addCell adds cell c's entries to the buckets its box reaches.
func (t *tier) addCell(buckets [][]entry, ci int32, c *Cell, dw, dh float64) {
	var edges [][2]Point
	for _, poly := range c.Geometry {
		for _, r := range poly {
			for k := 0; k+1 < len(r); k++ {
				if r[k][1] != r[k+1][1] { // level edges never cross a ray
					edges = append(edges, [2]Point{r[k], r[k+1]})
				}
			}
		}
	}
	cb := c.Geometry.Bound()
	i0, i1 := t.bucketX(cb.MinLon-bucketEps), t.bucketX(cb.MaxLon+bucketEps)
	j0, j1 := t.bucketY(cb.MinLat-bucketEps), t.bucketY(cb.MaxLat+bucketEps)
	var row [][2]Point
	for j := j0; j <= j1; j++ {
		y0 := t.box.MinLat + float64(j)*dh - bucketEps
		y1 := t.box.MinLat + float64(j+1)*dh + bucketEps
		row = row[:0]
		for _, e := range edges {
			lo, hi := math.Min(e[0][1], e[1][1]), math.Max(e[0][1], e[1][1])
			if hi >= y0 && lo <= y1 {
				row = append(row, e)
			}
		}
		for i := i0; i <= i1; i++ {
			x0 := t.box.MinLon + float64(i)*dw - bucketEps
			x1 := t.box.MinLon + float64(i+1)*dw + bucketEps
			if e, keep := t.entryFor(ci, row, x0, x1, y0, y1); keep {
				buckets[j*t.nx+i] = append(buckets[j*t.nx+i], e)
			}
		}
	}
	// Buckets left of the cell's box, in its rows, need nothing: a point
	// there is outside the cell.
}

// entryFor sorts the edges of one cell that reach the bucket's row into
// what a point of the bucket [x0, x1] × [y0, y1] needs.
func (t *tier) entryFor(ci int32, row [][2]Point, x0, x1, y0, y1 float64) (entry, bool) {
	e := entry{cell: ci, e0: uint32(len(t.edges)), b0: uint32(len(t.breaks))}
	for _, ed := range row {
		minX, maxX := math.Min(ed[0][0], ed[1][0]), math.Max(ed[0][0], ed[1][0])
		switch {
		case maxX < x0:
			// Wholly left of the bucket: a ray going right never meets it.
		case minX > x1:
			// Wholly right: the ray from (x, y) crosses it exactly when
			// lo <= y < hi, whatever x is.
			lo, hi := math.Min(ed[0][1], ed[1][1]), math.Max(ed[0][1], ed[1][1])
			if lo < y0 {
				e.parity = !e.parity
			} else {
				t.breaks = append(t.breaks, lo)
			}
			if hi <= y1 {
				t.breaks = append(t.breaks, hi)
			}
		default:
			t.edges = append(t.edges, ed)
		}
	}
	e.e1, e.b1 = uint32(len(t.edges)), uint32(len(t.breaks))
	if e.e1 == e.e0 && e.b1 == e.b0 {
		// The cell's boundary misses the bucket: all in or all out.
		return entry{cell: ci, full: e.parity}, e.parity
	}
	return e, true
}

func (t *tier) bucketX(x float64) int {
	return min(max(int((x-t.box.MinLon)*t.invW), 0), t.nx-1)
}

func (t *tier) bucketY(y float64) int {
	return min(max(int((y-t.box.MinLat)*t.invH), 0), t.ny-1)
}
