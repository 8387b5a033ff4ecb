package events

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
)

// Day is a calendar day in China time as the number YYYYMMDD (a month as
// YYYYMM00), the key of the aggregates.
type Day int

// chinaTime is UTC+8 (China has no daylight saving time).
var chinaTime = time.FixedZone("CST", 8*60*60)

// DayOf returns the China day of t.
func DayOf(t time.Time) Day {
	y, m, d := t.In(chinaTime).Date()
	return Day(y*10000 + int(m)*100 + d)
}

// ParseDay parses YYYY-MM-DD.
func ParseDay(s string) (Day, error) {
	t, err := time.ParseInLocation(time.DateOnly, s, chinaTime)
	if err != nil {
		return 0, fmt.Errorf("parse day %q: %w", s, err)
	}
	return DayOf(t), nil
}

// Time returns the start of the day in China time.
func (d Day) Time() time.Time {
	return time.Date(int(d)/10000, time.Month(int(d)/100%100), max(int(d)%100, 1), 0, 0, 0, 0, chinaTime)
}

// Month returns the month of d as a Day with day 0.
func (d Day) Month() Day { return d / 100 * 100 }

// String formats d as YYYY-MM-DD.
func (d Day) String() string { return d.Time().Format(time.DateOnly) }

// AddDays returns the day n days later.
func (d Day) AddDays(n int) Day { return DayOf(d.Time().AddDate(0, 0, n)) }

// Buckets is the number of buckets of a [Histogram].
const Buckets = 24

// bucketBase is the upper edge of the first bucket: five minutes.
const bucketBase = 300.0

// Histogram counts handling times in buckets whose edges grow by √2 from
// five minutes: bucket 0 holds [0, 5 min), bucket k (1 ≤ k ≤ 22)
// [300·√2^(k-1), 300·√2^k) seconds, bucket 23 everything from 7.1 days on.
// A median read from it is within a factor √2^½ (±19 %) of the true one,
// and much closer when times spread over several buckets.
type Histogram [Buckets]int64

// BucketOf returns the bucket of a handling time in seconds.
func BucketOf(seconds float64) int {
	if seconds < bucketBase {
		return 0
	}
	k := int(math.Floor(2*math.Log2(seconds/bucketBase))) + 1
	return min(k, Buckets-1)
}

// bucketEdges returns the bounds of bucket k in seconds (hi is +Inf for the
// last).
func bucketEdges(k int) (lo, hi float64) {
	switch {
	case k == 0:
		return 0, bucketBase
	case k == Buckets-1:
		return bucketBase * math.Pow(2, float64(k-1)/2), math.Inf(1)
	}
	return bucketBase * math.Pow(2, float64(k-1)/2), bucketBase * math.Pow(2, float64(k)/2)
}

// Add adds o to h.
func (h *Histogram) Add(o Histogram) {
	for i := range h {
		h[i] += o[i]
	}
}

// Count returns the number of times counted.
func (h *Histogram) Count() int64 {
	var n int64
	for _, c := range h {
		n += c
	}
	return n
}

// Median estimates the median in seconds: it finds the bucket of the
// middle rank and interpolates within it geometrically (linearly in the
// first bucket). 0 for an empty histogram.
func (h *Histogram) Median() float64 {
	n := h.Count()
	if n == 0 {
		return 0
	}
	target := float64(n) / 2
	var cum float64
	for k, c := range h {
		if c == 0 || cum+float64(c) < target {
			cum += float64(c)
			continue
		}
		f := (target - cum) / float64(c)
		lo, hi := bucketEdges(k)
		switch {
		case k == 0:
			return f * hi
		case math.IsInf(hi, 1):
			return lo * math.Pow(math.Sqrt2, f)
		}
		return lo * math.Pow(hi/lo, f)
	}
	lo, _ := bucketEdges(Buckets - 1)
	return lo
}

// Stats are the statistics of a grid cell over a period.
type Stats struct {
	Grid        string
	GridName    string
	From, To    Day
	Reported    int64
	Closed      int64
	Overdue     int64
	ClosureRate float64 // Closed / Reported, 0 when nothing was reported
	MeanHours   float64 // of the closed
	MedianHours float64 // estimated from the histogram
	ByCategory  []CategoryStats
	Took        time.Duration
}

// CategoryStats are one category's share of [Stats].
type CategoryStats struct {
	Code, Name, NameEN        string
	Parent                    string
	Reported, Closed, Overdue int64
	MeanHours, MedianHours    float64
	Seconds                   int64     // handling seconds of the closed
	Hist                      Histogram // their handling times
}

// MaxStatsDays bounds the period of a statistics query (ten years).
const MaxStatsDays = 3660

// Stats returns the statistics of the events reported in the cell grid (of
// any level) on the days from..to (China time, inclusive): reported,
// closed, closure rate, mean and median handling time, overdue, by
// category. Staff may read them.
func (s *Service) Stats(ctx context.Context, actor Actor, gridCode string, from, to Day) (*Stats, error) {
	start := time.Now()
	if actor.Kind != ActorStaff && actor.Kind != ActorSystem {
		return nil, errForbidden
	}
	cell, err := s.period(ctx, gridCode, from, to)
	if err != nil {
		return nil, err
	}
	rows, err := s.store.Stats(ctx, cell.Code, from, to)
	if err != nil {
		return nil, fmt.Errorf("event statistics: %w", err)
	}
	cats, err := s.Categories(ctx)
	if err != nil {
		return nil, err
	}
	st := &Stats{Grid: cell.Code, GridName: cell.Name, From: from, To: to}
	var all Histogram
	var seconds int64
	for _, r := range rows {
		st.Reported += r.Reported
		st.Closed += r.Closed
		st.Overdue += r.Overdue
		seconds += r.Seconds
		all.Add(r.Hist)
		cs := CategoryStats{Code: r.Category, Name: r.Category, Reported: r.Reported, Closed: r.Closed, Overdue: r.Overdue,
			MedianHours: r.Hist.Median() / 3600, Seconds: r.Seconds, Hist: r.Hist}
		if c := cats.Find(r.Category); c != nil {
			cs.Name, cs.NameEN, cs.Parent = c.Name, c.NameEN, c.Parent
		}
		if r.Closed > 0 {
			cs.MeanHours = float64(r.Seconds) / float64(r.Closed) / 3600
		}
		st.ByCategory = append(st.ByCategory, cs)
	}
	if st.Reported > 0 {
		st.ClosureRate = float64(st.Closed) / float64(st.Reported)
	}
	if st.Closed > 0 {
		st.MeanHours = float64(seconds) / float64(st.Closed) / 3600
	}
	st.MedianHours = all.Median() / 3600
	st.Took = time.Since(start)
	return st, nil
}

// period checks a statistics query's cell and days.
func (s *Service) period(ctx context.Context, gridCode string, from, to Day) (*grid.Cell, error) {
	if from <= 0 || to <= 0 || to < from {
		return nil, errs.Field("from", "events.stats.period", "请给出起止日期（YYYY-MM-DD），起始不晚于截止",
			"give the first and last day (YYYY-MM-DD), the first not after the last")
	}
	if to.Time().Sub(from.Time()) > MaxStatsDays*24*time.Hour {
		return nil, errs.Field("to", "events.stats.too_long", "统计期间不超过十年", "the period may be at most ten years")
	}
	ix, err := s.d.Grid.Index(ctx)
	if err != nil {
		return nil, fmt.Errorf("grid index: %w", err)
	}
	if gridCode == "" {
		cells := ix.Cells(ix.Levels().Top().Name, "")
		if len(cells) == 0 {
			return nil, errs.Field("grid", "events.grid_unknown", "网格尚未建立", "the grid has no cells yet")
		}
		return cells[0], nil
	}
	c := ix.Cell(gridCode)
	if c == nil {
		return nil, errs.Field("grid", "events.grid_unknown", fmt.Sprintf("网格 %.32q 不存在", gridCode),
			fmt.Sprintf("there is no grid cell %.32q", gridCode))
	}
	return c, nil
}

// HeatPoint is a cell's centroid weighted by the events reported in it.
type HeatPoint struct {
	Cell     string
	Lon, Lat float64
	Weight   int64
}

// MaxHeatPoints bounds a heat map.
const MaxHeatPoints = 5000

// Heat returns, for the finest cells inside gridCode, how many events were
// reported there on the days from..to, at the cells' centroids (at most
// [MaxHeatPoints], the heaviest). Whole months are read from monthly
// aggregates, so a year costs about as much as two months.
func (s *Service) Heat(ctx context.Context, actor Actor, gridCode string, from, to Day) ([]HeatPoint, error) {
	if !actor.IsStaffViewer() && actor.Kind != ActorSystem {
		return nil, errForbidden
	}
	cell, err := s.period(ctx, gridCode, from, to)
	if err != nil {
		return nil, err
	}
	counts := map[string]int64{}
	add := func(hs []HeatCell, err error) error {
		if err != nil {
			return fmt.Errorf("heat map: %w", err)
		}
		for _, h := range hs {
			counts[h.Cell] += h.N
		}
		return nil
	}
	for _, r := range splitMonths(from, to) {
		if r.month {
			err = add(s.store.HeatMonths(ctx, r.from, r.to))
		} else {
			err = add(s.store.HeatDays(ctx, r.from, r.to))
		}
		if err != nil {
			return nil, err
		}
	}
	ix, err := s.d.Grid.Index(ctx)
	if err != nil {
		return nil, fmt.Errorf("grid index: %w", err)
	}
	cents := s.centroids(ix)
	var out []HeatPoint
	for code, n := range counts {
		if !inCell(ix, code, cell.Code) {
			continue
		}
		p, ok := cents[code]
		if !ok {
			continue
		}
		out = append(out, HeatPoint{Cell: code, Lon: p[0], Lat: p[1], Weight: n})
	}
	sortHeat(out)
	if len(out) > MaxHeatPoints {
		out = out[:MaxHeatPoints]
	}
	return out, nil
}

// dayRange is a part of a period: days, or whole months.
type dayRange struct {
	from, to Day
	month    bool
}

// splitMonths splits from..to into leading days, whole months and
// trailing days.
func splitMonths(from, to Day) []dayRange {
	first := from
	if from%100 != 1 {
		first = DayOf(from.Month().Time().AddDate(0, 1, 0))
	}
	last := to
	if to.AddDays(1)%100 != 1 { // not the last day of its month
		last = DayOf(to.Month().Time().Add(-time.Hour))
	}
	if first > last {
		return []dayRange{{from, to, false}}
	}
	var out []dayRange
	if from < first {
		out = append(out, dayRange{from, first.AddDays(-1), false})
	}
	out = append(out, dayRange{first.Month(), last.Month(), true})
	if last < to {
		out = append(out, dayRange{last.AddDays(1), to, false})
	}
	return out
}

// inCell reports whether the cell code lies in (or is) the cell within.
func inCell(ix *grid.Index, code, within string) bool {
	for _, c := range ix.Chain(code) {
		if c.Code == within {
			return true
		}
	}
	return false
}

// sortHeat orders points by weight, heaviest first, then by cell.
func sortHeat(ps []HeatPoint) {
	slices.SortFunc(ps, func(a, b HeatPoint) int {
		if a.Weight != b.Weight {
			return cmp.Compare(b.Weight, a.Weight)
		}
		return strings.Compare(a.Cell, b.Cell)
	})
}

// centroids returns the centroids of the index's cells, computed once per
// index.
func (s *Service) centroids(ix *grid.Index) map[string]grid.Point {
	s.centMu.Lock()
	defer s.centMu.Unlock()
	if s.centIx == ix {
		return s.cents
	}
	m := make(map[string]grid.Point)
	for _, c := range ix.Cells("", "") {
		m[c.Code] = c.Geometry.Centroid()
	}
	s.centIx, s.cents = ix, m
	return m
}
