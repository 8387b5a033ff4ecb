package insightssql_test

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/cases/casessql"
	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/catalog/catalogsql"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
	"github.com/pengcheng-gov/pengcheng/internal/insights"
	"github.com/pengcheng-gov/pengcheng/internal/insights/insightssql"
)

// benchApplications is the volume of the benchmarks: a year of a large
// district's applications.
const benchApplications = 50_000

// BenchmarkAggregates measures the indicators and rankings on a year of
// 50,000 applications for the 515 items of the shipped catalogue by 15,000
// applicants, written through the applications store, on each database.
// Each sub-benchmark reports the 50th and 99th percentile of one call
// (p50-ms, p99-ms); nothing is cached.
func BenchmarkAggregates(b *testing.B) {
	for _, dialect := range dbtest.Dialects() {
		b.Run(string(dialect), func(b *testing.B) {
			ctx := context.Background()
			d := dbtest.Open(b, dialect)
			cat := catalog.NewService(catalogsql.New(d), nil, slog.New(slog.DiscardHandler))
			if _, err := cat.Import(ctx, catalog.Shipped(), nil); err != nil {
				b.Fatal(err)
			}
			items, _, err := cat.Items(ctx, catalog.ItemFilter{})
			if err != nil {
				b.Fatal(err)
			}
			now := identitytest.Start
			start := time.Now()
			fill(b, d, items, now)
			b.Logf("%s: wrote %d applications in %v", dialect, benchApplications, time.Since(start).Round(time.Millisecond))
			st := insightssql.New(d)
			svc, err := insights.NewService(insights.Deps{Store: st, Catalog: cat, Now: func() time.Time { return now },
				Policy: insights.Policy{CacheTTL: -1}})
			if err != nil {
				b.Fatal(err)
			}
			last30, err := insights.ParsePeriod("", "", now)
			if err != nil {
				b.Fatal(err)
			}
			year, err := insights.ParsePeriod(now.AddDate(-1, 0, 1).In(cases.ChinaTime()).Format("2006-01-02"), "", now)
			if err != nil {
				b.Fatal(err)
			}
			top, err := st.ItemCounts(ctx, insights.Last(30*24*time.Hour, now), "", 1)
			if err != nil || len(top) == 0 {
				b.Fatalf("top item: %v", err)
			}
			construction := itemsOfTheme(items, "CONSTRUCTION")
			run := func(name string, fn func() error) {
				b.Run(name, func(b *testing.B) { percentiles(b, fn) })
			}
			run("Indicators/30days", func() error { _, err := svc.Indicators(ctx, last30, ""); return err })
			run("Indicators/365days", func() error { _, err := svc.Indicators(ctx, year, ""); return err })
			run("Indicators/30days/department", func() error { _, err := svc.Indicators(ctx, last30, "SZGA"); return err })
			run("ApplicationStats/365days", func() error { _, err := st.ApplicationStats(ctx, year.Window(), ""); return err })
			run("Popular", func() error { _, err := svc.Popular(ctx, "", 10); return err })
			run("Related/most-popular-item", func() error { _, err := svc.Related(ctx, top[0].ItemCode, 5); return err })
			run("Precedences/86-item-theme", func() error {
				_, err := st.Precedences(ctx, construction, insights.Last(365*24*time.Hour, now))
				return err
			})
		})
	}
}

// percentiles runs fn b.N times and reports the median and 99th
// percentile of one call.
func percentiles(b *testing.B, fn func() error) {
	took := make([]time.Duration, 0, b.N)
	for b.Loop() {
		t := time.Now()
		if err := fn(); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(t))
	}
	slices.Sort(took)
	at := func(p float64) float64 {
		i := int(math.Ceil(p*float64(len(took)))) - 1
		return float64(took[max(i, 0)]) / float64(time.Millisecond)
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// itemsOfTheme returns the codes of a theme's items.
func itemsOfTheme(items []*catalog.Item, theme string) []string {
	var out []string
	for _, it := range items {
		if slices.Contains(it.Themes, theme) {
			out = append(out, it.Code)
		}
	}
	return out
}

// fill writes benchApplications applications submitted over the year
// before now through the applications store: items by a Zipf-like law
// over the catalogue, 60% online, 25% mobile, 15% at a window; most
// decided within their promised time, some late, some refused, some still
// open.
func fill(b testing.TB, d *db.DB, items []*catalog.Item, now time.Time) {
	b.Helper()
	rng := rand.New(rand.NewPCG(42, 7))
	rng.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
	weights := make([]float64, len(items))
	total := 0.0
	for i := range items {
		weights[i] = 1 / math.Pow(float64(i+1), 0.8)
		total += weights[i]
	}
	apps := make([]*cases.Application, benchApplications)
	for i := range apps {
		apps[i] = benchApp(rng, items[pickWeighted(rng, weights, total)], now)
	}
	st := casessql.New(d)
	workers := 1
	if d.Dialect() == db.Postgres {
		workers = 8
	}
	var wg sync.WaitGroup
	errc := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(apps); i += workers {
				if err := st.CreateApplication(context.Background(), apps[i], nil); err != nil {
					errc <- fmt.Errorf("application %d: %w", i, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	if err := <-errc; err != nil {
		b.Fatal(err)
	}
	// Statistics for the planners, as a running database has them
	// (PostgreSQL's autovacuum also keeps the visibility map that lets
	// index-only scans skip the table).
	maintain := "ANALYZE"
	if d.Dialect() == db.Postgres {
		maintain = "VACUUM ANALYZE applications"
	}
	if _, err := d.Exec(context.Background(), maintain); err != nil {
		b.Fatal(err)
	}
}

func pickWeighted(rng *rand.Rand, weights []float64, total float64) int {
	x := rng.Float64() * total
	for i, w := range weights {
		if x -= w; x < 0 {
			return i
		}
	}
	return len(weights) - 1
}

// benchApp draws one application for it submitted in the year before now.
func benchApp(rng *rand.Rand, it *catalog.Item, now time.Time) *cases.Application {
	submitted := now.Add(-time.Duration(rng.Int64N(int64(365 * 24 * time.Hour)))).Truncate(time.Second)
	app := &cases.Application{ID: ids.New(), ItemCode: it.Code, ItemName: it.Name, Department: it.Department,
		Region: "440300", PromisedDays: it.PromisedDays, State: cases.Submitted, Representation: cases.Self,
		Applicant:   cases.Party{Kind: catalog.ApplicantPerson, Name: "测试申请人", Number: fmt.Sprintf("BENCH%013d", rng.IntN(15_000))},
		FiledByName: "测试申请人", Form: map[string]string{}, SubmittedAt: submitted, CreatedAt: submitted, UpdatedAt: submitted, Version: 1}
	switch r := rng.IntN(100); {
	case r < 60:
		app.Channel = cases.Online
	case r < 85:
		app.Channel = cases.Mobile
	default:
		app.Channel = cases.Window
	}
	switch r := rng.IntN(100); {
	case r < 45:
		app.Delivery = cases.Delivery{Method: cases.Post, Recipient: "测试申请人", Phone: "13800138000", Address: "深圳市宝安区（演示）"}
	case r < 90:
		app.Delivery = cases.Delivery{Method: cases.Pickup, Hall: "SMZX"}
	default:
		app.Delivery = cases.Delivery{Method: cases.Electronic}
	}
	hours := func(lo, hi int) time.Duration { return time.Duration(lo+rng.IntN(hi-lo+1)) * time.Hour }
	switch r := rng.IntN(100); {
	case r < 3: // not accepted
		app.State, app.DecidedAt = cases.NotAccepted, submitted.Add(hours(1, 24))
	case r < 6:
		app.State = cases.Withdrawn
	default:
		app.AcceptedAt = submitted.Add(hours(1, 48))
		app.DueAt = app.AcceptedAt.Add(time.Duration(max(it.PromisedDays, 1)) * 24 * time.Hour)
		app.State = cases.UnderReview
		late := rng.IntN(100) < 8
		span := app.DueAt.Sub(app.AcceptedAt)
		decided := app.AcceptedAt.Add(time.Duration(rng.Float64() * float64(span)))
		if late {
			decided = app.DueAt.Add(hours(1, 96))
		}
		if decided.Before(now) {
			app.DecidedAt, app.State = decided, cases.Closed
			if rng.IntN(100) < 6 {
				app.State = cases.Rejected
			}
		}
	}
	if !app.DecidedAt.IsZero() {
		app.UpdatedAt = app.DecidedAt
	}
	return app
}
