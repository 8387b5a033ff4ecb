package commandweb

import (
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
	"github.com/pengcheng-gov/pengcheng/internal/grid/gridtest"
)

// FuzzReadMapFilter: whatever the query, the filter the map echoes into
// the page is valid, and every value that was replaced is reported once.
func FuzzReadMapFilter(f *testing.F) {
	ix := grid.NewIndex(1, grid.DefaultLevels(), gridtest.Cells(), nil, nil, nil)
	f.Add("CG-01", "reported", "S1", "24h")
	f.Add("<b>", "lost", "C1", "1y")
	f.Add("", "", "", "")
	f.Add(" closed ", "closed ", " S2", "all")
	f.Fuzz(func(t *testing.T, category, state, street, per string) {
		q := url.Values{"category": {category}, "state": {state}, "street": {street}, "period": {per}}
		got, problems := readMapFilter(q, ix, grid.Street)
		if got.Category != "" && !codePattern.MatchString(got.Category) {
			t.Errorf("category %q kept", got.Category)
		}
		if got.State != "" && !slices.Contains(States, got.State) {
			t.Errorf("state %q kept", got.State)
		}
		if got.Street != "" && (ix.Cell(got.Street) == nil || ix.Cell(got.Street).Level != grid.Street) {
			t.Errorf("street %q kept", got.Street)
		}
		if !slices.ContainsFunc(Periods, func(p period) bool { return p.Code == got.Period }) {
			t.Errorf("period %q kept", got.Period)
		}
		fields := map[string]bool{}
		for _, p := range problems {
			e := errs.As(p)
			if e == nil || e.Kind != errs.Invalid || e.Field == "" || fields[e.Field] {
				t.Errorf("problem %v: want one field error per field", p)
				continue
			}
			fields[e.Field] = true
		}
	})
}

// FuzzReadStatsParams: parameters accepted name a node of the grid and a
// period of real days in order.
func FuzzReadStatsParams(f *testing.F) {
	ix := grid.NewIndex(1, grid.DefaultLevels(), gridtest.Cells(), nil, nil, nil)
	today := time.Date(2026, 3, 10, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))
	f.Add("C1", "2026-01-01", "2026-01-31")
	f.Add("", "", "")
	f.Add("X", "2026-02-30", "2026-01-01")
	f.Add("D", "2026-03-02", "2026-03-01")
	f.Fuzz(func(t *testing.T, code, from, to string) {
		p, err := readStatsParams(url.Values{"grid": {code}, "from": {from}, "to": {to}}, ix, "D", today)
		if err != nil {
			if e := errs.As(err); e == nil || e.Field == "" {
				t.Errorf("error %v is not a field error", err)
			}
			return
		}
		if ix.Cell(p.Grid) == nil {
			t.Errorf("node %q accepted", p.Grid)
		}
		a, errA := time.Parse(dateLayout, p.From)
		b, errB := time.Parse(dateLayout, p.To)
		if errA != nil || errB != nil || b.Before(a) {
			t.Errorf("period %q–%q accepted", p.From, p.To)
		}
	})
}

func TestDefaultStatsPeriod(t *testing.T) {
	ix := grid.NewIndex(1, grid.DefaultLevels(), gridtest.Cells(), nil, nil, nil)
	// 00:30 on 1 March in China is still 28 February in UTC: the days are China's.
	today := time.Date(2026, 2, 28, 16, 30, 0, 0, time.UTC).In(time.FixedZone("CST", 8*3600))
	p, err := readStatsParams(url.Values{}, ix, "D", today)
	if err != nil || p != (statsParams{Grid: "D", From: "2026-01-31", To: "2026-03-01"}) {
		t.Fatalf("defaults %+v, %v", p, err)
	}
}
