package eventssql_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/events"
	et "github.com/pengcheng-gov/pengcheng/internal/events/eventstest"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
)

// points returns n random points inside the demo grid's micro-grids.
func points(b testing.TB, ix *grid.Index, n int, seed uint64) []grid.Point {
	rng := rand.New(rand.NewPCG(seed, 7))
	micro := ix.Cells(grid.Microgrid, "")
	out := make([]grid.Point, 0, n)
	for len(out) < n {
		c := micro[rng.IntN(len(micro))]
		bb := c.Geometry.Bound()
		p := grid.Point{bb.MinLon + rng.Float64()*(bb.MaxLon-bb.MinLon), bb.MinLat + rng.Float64()*(bb.MaxLat-bb.MinLat)}
		if ix.Locate(p).Cell() != nil {
			out = append(out, p)
		}
	}
	return out
}

var benchCategories = []string{"CG01", "CG03", "SR01", "SR02", "SR03", "SZ02", "SZ04", "XF01", "XF03", "ZA01", "AQ03", "HB01"}

func reports(pts []grid.Point, from, n int) []events.Report {
	out := make([]events.Report, n)
	for i := range out {
		p := pts[(from+i)%len(pts)]
		out[i] = events.Report{Category: benchCategories[(from+i)%len(benchCategories)], Description: "巡查发现问题，请尽快处理",
			Lon: p[0], Lat: p[1], ClientRef: fmt.Sprintf("bench-%d", from+i)}
	}
	return out
}

// BenchmarkBatch stores batches of 1,000 reports through the service
// (placement, routing, duplicate checks, trace, aggregates) on a database
// file with full synchronous durability; events/s is the figure.
//
//	go test -run XXX -bench Batch -benchtime 20x ./internal/events/eventssql/
func BenchmarkBatch(b *testing.B) {
	for _, dialect := range dbtest.Dialects() {
		b.Run(string(dialect), func(b *testing.B) {
			e := et.NewEnv(b, dbtest.Open(b, dialect), events.Config{})
			worker := et.Actor(b, e.Worker)
			pts := points(b, e.Grid, 100_000, 1)
			const size = 1000
			ctx := context.Background()
			b.ResetTimer()
			start := time.Now()
			for i := range b.N {
				res, err := e.Service.Batch(ctx, worker, reports(pts, i*size, size))
				if err != nil || res[0].Err != nil {
					b.Fatal(err, res[0].Err)
				}
			}
			b.ReportMetric(float64(b.N*size)/time.Since(start).Seconds(), "events/s")
		})
	}
}

// BenchmarkSingle reports one event per call from 32 goroutines: the group
// committer shares transactions between them.
//
//	go test -run XXX -bench Single -benchtime 20000x ./internal/events/eventssql/
func BenchmarkSingle(b *testing.B) {
	for _, dialect := range []db.Dialect{db.SQLite} {
		b.Run(string(dialect), func(b *testing.B) {
			e := et.NewEnv(b, dbtest.Open(b, dialect), events.Config{})
			worker := et.Actor(b, e.Worker)
			pts := points(b, e.Grid, 100_000, 2)
			ctx := context.Background()
			var next int64
			var mu sync.Mutex
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			for range 32 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						mu.Lock()
						i := next
						next++
						mu.Unlock()
						if i >= int64(b.N) {
							return
						}
						if _, err := e.Service.Report(ctx, worker, reports(pts, int(i), 1)[0]); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
		})
	}
}

// BenchmarkSimulate writes a day of Bao'an's synthetic history (16,400
// reports with their whole lifecycles) per iteration, on SQLite.
//
//	go test -run XXX -bench Simulate -benchtime 3x ./internal/events/eventssql/
func BenchmarkSimulate(b *testing.B) {
	e := et.NewEnv(b, dbtest.Open(b, db.SQLite), events.Config{})
	ctx := context.Background()
	end := time.Date(2026, 3, 1, 15, 59, 0, 0, time.UTC)
	b.ResetTimer()
	n := 0
	for i := range b.N {
		rep, err := e.Service.Simulate(ctx, events.SimOptions{Days: 1, PerDay: 16400, End: end.AddDate(0, 0, -i), Seed: uint64(i)})
		if err != nil {
			b.Fatal(err)
		}
		n += rep.Events
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}
