package eventssql_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/events"
	"github.com/pengcheng-gov/pengcheng/internal/events/eventssql"
	et "github.com/pengcheng-gov/pengcheng/internal/events/eventstest"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
)

// The history the statistics benchmark stands for: Bao'an's 11 M events,
// 16,400 a day for 671 days.
const (
	historyDays   = 671
	historyPerDay = 16400
)

// BenchmarkStatsHistory answers statistics queries over aggregates
// standing for the full history of 11 M events, generated directly as
// aggregate rows (13 M of them at every level of the grid, plus the heat
// map's): a year of the district, of a street and of a micro-grid, and a
// year's heat map of the district. Generating takes a few minutes; set
// PENGCHENG_STATS_DB to a directory to keep the SQLite file between runs,
// and PENGCHENG_STATS_DIALECT=postgres to use PostgreSQL.
//
//	PENGCHENG_STATS_DB=/var/tmp/pc-stats go test -run XXX -bench StatsHistory -benchtime 20x ./internal/events/eventssql/
func BenchmarkStatsHistory(b *testing.B) {
	if os.Getenv("PENGCHENG_STATS_DB") == "" && os.Getenv("PENGCHENG_STATS_DIALECT") == "" {
		b.Skip("set PENGCHENG_STATS_DB=DIR (SQLite, kept) or PENGCHENG_STATS_DIALECT=postgres: the history takes minutes to generate")
	}
	ctx := context.Background()
	ix := et.DemoIndex(b)
	d := statsDB(b)
	svc, err := events.NewService(events.Deps{Store: eventssql.New(d), Grid: et.StaticGrid{Ix: ix}})
	if err != nil {
		b.Fatal(err)
	}
	end := events.Day(20260228)
	first := end.AddDays(-(historyDays - 1))
	var n int64
	if err := d.QueryRow(ctx, `SELECT COALESCE(SUM(reported), 0) FROM event_stats WHERE grid = '440306'`).Scan(&n); err != nil {
		b.Fatal(err)
	}
	if n == 0 {
		start := time.Now()
		rows, err := generateHistory(ctx, d, ix, first, historyDays, historyPerDay)
		if err != nil {
			b.Fatal(err)
		}
		d.QueryRow(ctx, `SELECT SUM(reported) FROM event_stats WHERE grid = '440306'`).Scan(&n)
		b.Logf("generated %d aggregate rows for %d events in %s", rows, n, time.Since(start).Round(time.Second))
	}
	actor := events.SystemActor("bench")
	year := end.AddDays(-364)
	for _, q := range []struct{ name, grid string }{
		{"district", "440306"}, {"street", "440306017"}, {"community", "440306017003"}, {"microgrid", "440306017003017"},
	} {
		b.Run(q.name+"-year", func(b *testing.B) {
			var st *events.Stats
			for range b.N {
				if st, err = svc.Stats(ctx, actor, q.grid, year, end); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(st.Reported), "events")
		})
	}
	b.Run("district-all", func(b *testing.B) {
		var st *events.Stats
		for range b.N {
			if st, err = svc.Stats(ctx, actor, "440306", first, end); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(st.Reported), "events")
	})
	b.Run("heat-district-year", func(b *testing.B) {
		for range b.N {
			if _, err := svc.Heat(ctx, actor, "440306", year.AddDays(9), end.AddDays(-3)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// statsDB opens the benchmark's database.
func statsDB(b *testing.B) *db.DB {
	if os.Getenv("PENGCHENG_STATS_DIALECT") == "postgres" {
		return dbtest.Open(b, db.Postgres)
	}
	dir := os.Getenv("PENGCHENG_STATS_DB")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	d, err := db.Open(ctx, "sqlite:"+filepath.Join(dir, "stats.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	return d
}

// aggKey is an aggregate row's key below the grid.
type aggKey struct {
	day events.Day
	cat int
}

// aggRow is an aggregate row's values.
type aggRow struct {
	reported, closed, overdue, seconds int64
	hist                               events.Histogram
}

func (a *aggRow) add(o *aggRow) {
	a.reported, a.closed, a.overdue, a.seconds = a.reported+o.reported, a.closed+o.closed, a.overdue+o.overdue, a.seconds+o.seconds
	a.hist.Add(o.hist)
}

// generateHistory writes aggregate rows as a history of days×perDay
// events would leave them: each micro-grid gets its share by a hot-spot
// factor, its events fall into categories by weight, nearly all are
// closed with handling times drawn around two hours (5 % overdue); the
// rows of communities, streets and the district are the sums. It returns
// the rows written.
func generateHistory(ctx context.Context, d *db.DB, ix *grid.Index, first events.Day, days, perDay int) (int, error) {
	rng := rand.New(rand.NewPCG(11, 17))
	cats := events.DefaultCategories()
	var leaves []string
	for _, c := range cats {
		if c.Parent != "" {
			leaves = append(leaves, c.Code)
		}
	}
	micro := ix.Cells(grid.Microgrid, "")
	weights, total := make([]float64, len(micro)), 0.0
	for i := range weights {
		weights[i] = math.Exp(rng.NormFloat64() * 0.8)
		total += weights[i]
	}
	mean := map[string]float64{}
	for i, c := range micro {
		mean[c.Code] = float64(perDay) * weights[i] / total
	}
	rows := 0
	district := map[aggKey]*aggRow{}
	for _, street := range ix.Cells(grid.Street, "") {
		streetAgg := map[aggKey]*aggRow{}
		for _, community := range ix.Children(street.Code) {
			commAgg := map[aggKey]*aggRow{}
			for _, m := range ix.Children(community.Code) {
				agg := drawCell(rng, mean[m.Code], first, days, len(leaves))
				n, err := writeAgg(ctx, d, m.Code, agg, leaves, true)
				if err != nil {
					return rows, err
				}
				rows += n
				merge(commAgg, agg)
			}
			n, err := writeAgg(ctx, d, community.Code, commAgg, leaves, false)
			if err != nil {
				return rows, err
			}
			rows += n
			merge(streetAgg, commAgg)
		}
		n, err := writeAgg(ctx, d, street.Code, streetAgg, leaves, false)
		if err != nil {
			return rows, err
		}
		rows += n
		merge(district, streetAgg)
	}
	n, err := writeAgg(ctx, d, "440306", district, leaves, false)
	return rows + n, err
}

func merge(into, from map[aggKey]*aggRow) {
	for k, v := range from {
		if into[k] == nil {
			into[k] = &aggRow{}
		}
		into[k].add(v)
	}
}

// drawCell draws a micro-grid's events of every day.
func drawCell(rng *rand.Rand, mean float64, first events.Day, days, ncats int) map[aggKey]*aggRow {
	out := map[aggKey]*aggRow{}
	for i := range days {
		day := first.AddDays(i)
		n := poisson(rng, mean)
		for range n {
			k := aggKey{day, int(math.Min(float64(ncats-1), math.Abs(rng.NormFloat64())*float64(ncats)/2.5))}
			r := out[k]
			if r == nil {
				r = &aggRow{}
				out[k] = r
			}
			r.reported++
			if rng.Float64() < 0.994 {
				secs := 7200 * math.Exp(rng.NormFloat64()*0.9)
				r.closed++
				r.seconds += int64(secs)
				r.hist[events.BucketOf(secs)]++
			}
			if rng.Float64() < 0.05 {
				r.overdue++
			}
		}
	}
	return out
}

func poisson(rng *rand.Rand, mean float64) int {
	l, k, p := math.Exp(-mean), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// writeAgg writes a cell's aggregate rows (and for micro-grids the heat
// map's) in one transaction.
func writeAgg(ctx context.Context, d *db.DB, cell string, agg map[aggKey]*aggRow, leaves []string, finest bool) (int, error) {
	type row struct {
		k aggKey
		v *aggRow
	}
	rows := make([]row, 0, len(agg))
	for k, v := range agg {
		rows = append(rows, row{k, v})
	}
	err := d.WithTx(ctx, func(tx *db.Tx) error {
		for i := 0; i < len(rows); i += 400 {
			chunk := rows[i:min(i+400, len(rows))]
			args := make([]any, 0, len(chunk)*(7+events.Buckets))
			q := "INSERT INTO event_stats (grid, day, category, reported, closed, overdue, handle_seconds"
			for b := range events.Buckets {
				q += fmt.Sprintf(", h%02d", b)
			}
			q += ") VALUES "
			for j, r := range chunk {
				if j > 0 {
					q += ", "
				}
				q += "(" + "?" + repeat(", ?", 6+events.Buckets) + ")"
				args = append(args, cell, int(r.k.day), leaves[r.k.cat], r.v.reported, r.v.closed, r.v.overdue, r.v.seconds)
				for _, h := range r.v.hist {
					args = append(args, h)
				}
			}
			if _, err := tx.Exec(ctx, q, args...); err != nil {
				return err
			}
		}
		if finest {
			return writeHeat(ctx, tx, cell, agg)
		}
		return nil
	})
	return len(rows), err
}

// writeHeat writes a micro-grid's reports per day and per month.
func writeHeat(ctx context.Context, tx *db.Tx, cell string, agg map[aggKey]*aggRow) error {
	days, months := map[events.Day]int64{}, map[events.Day]int64{}
	for k, v := range agg {
		days[k.day] += v.reported
		months[k.day.Month()] += v.reported
	}
	for table, counts := range map[string]map[events.Day]int64{"event_heat_days (day": days, "event_heat_months (month": months} {
		var args []any
		for k, n := range counts {
			args = append(args, int(k), cell, n)
		}
		for i := 0; i < len(args); i += 3 * 1000 {
			part := args[i:min(i+3000, len(args))]
			q := "INSERT INTO " + table + ", cell, n) VALUES (?, ?, ?)" + repeat(", (?, ?, ?)", len(part)/3-1)
			if _, err := tx.Exec(ctx, q, part...); err != nil {
				return err
			}
		}
	}
	return nil
}

func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}
