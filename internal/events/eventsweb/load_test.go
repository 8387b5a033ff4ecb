package eventsweb_test

import (
	"context"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/events"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
	"github.com/pengcheng-gov/pengcheng/internal/loadgen"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// TestIngestLoad offers reports through the HTTP API of a server on a
// SQLite file with full synchronous durability — batches from patrol
// devices, then single reports from 32 clients — with the load generator,
// and checks that every report is stored. Briefly by default; to measure
// (docs/benchmarks.md), set PENGCHENG_LOAD_SECONDS, and optionally
// PENGCHENG_LOAD_BATCH (reports per batch, 1,000), PENGCHENG_LOAD_RATE
// (batches or singles offered per second, 0 for as many as the workers
// can send) and PENGCHENG_LOAD_MODE (batch or single, both by default).
func TestIngestLoad(t *testing.T) {
	f := newFixture(t, dbtest.Open(t, db.SQLite))
	for _, p := range strings.Fields(os.Getenv("PENGCHENG_LOAD_PRAGMAS")) { // e.g. cache_size=-65536 (to compare settings)
		q := "PRAGMA " + p
		if strings.HasPrefix(p, "drop:") {
			q = "DROP INDEX " + strings.TrimPrefix(p, "drop:")
		}
		if _, err := f.env.DB.Exec(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(f.srv)
	defer srv.Close()
	seconds, _ := strconv.Atoi(os.Getenv("PENGCHENG_LOAD_SECONDS"))
	measuring := seconds > 0
	if !measuring {
		seconds = 2
	}
	size := envInt("PENGCHENG_LOAD_BATCH", 1000)
	rate, _ := strconv.ParseFloat(os.Getenv("PENGCHENG_LOAD_RATE"), 64)
	c, err := loadgen.SessionClient(srv.URL, web.SessionCookieName, f.users["worker"].token, 64)
	if err != nil {
		t.Fatal(err)
	}
	var pts []grid.Point
	rng := rand.New(rand.NewPCG(1, 2))
	cells := f.env.Grid.Cells(grid.Microgrid, "")
	for len(pts) < 200_000 {
		b := cells[rng.IntN(len(cells))].Geometry.Bound()
		p := grid.Point{b.MinLon + rng.Float64()*(b.MaxLon-b.MinLon), b.MinLat + rng.Float64()*(b.MaxLat-b.MinLat)}
		if f.env.Grid.Locate(p).Cell() != nil {
			pts = append(pts, p)
		}
	}
	cats := []string{"CG01", "CG03", "SR01", "SR02", "SR03", "SZ02", "SZ04", "XF01", "XF03", "ZA01", "AQ03", "HB01"}
	l := loadgen.EventLoadAt(c, pts, cats, "t"+strconv.FormatInt(time.Now().UnixNano(), 36))
	ctx := context.Background()
	mode := os.Getenv("PENGCHENG_LOAD_MODE")
	stored := 0
	if mode == "" || mode == "batch" {
		plan := loadgen.Plan{Rate: rate, Duration: time.Duration(seconds) * time.Second, Workers: envInt("PENGCHENG_LOAD_WORKERS", 4)}
		if !measuring {
			plan.Rate = 5
		}
		rep := loadgen.Run(ctx, plan, func(ctx context.Context, i int) (string, error) { return l.Batch(ctx, i, size) })
		t.Logf("batches of %d: %s; %.0f events/s", size, rep, rep.Throughput()*float64(size))
		if rep.Errors > 0 || rep.Done == 0 {
			t.Fatalf("%s; first error %v", rep, rep.FirstError)
		}
		stored += rep.Done * size
	}
	if mode == "" || mode == "single" {
		plan := loadgen.Plan{Rate: rate, Duration: time.Duration(seconds) * time.Second, Workers: 32}
		if !measuring {
			plan.Rate = 200
		}
		rep := loadgen.Run(ctx, plan, func(ctx context.Context, i int) (string, error) { return l.Single(ctx, 1_000_000+i) })
		t.Logf("single reports from 32 clients: %s", rep)
		if rep.Errors > 0 || rep.Done == 0 {
			t.Fatalf("%s; first error %v", rep, rep.FirstError)
		}
		stored += rep.Done
	}
	p, err := f.env.Service.List(ctx, events.SystemActor("test"), events.Filter{Limit: 1})
	if err != nil || len(p.Events) != 1 {
		t.Fatal(err)
	}
	var n int
	if err := f.env.DB.QueryRow(ctx, `SELECT COUNT(*) FROM events`).Scan(&n); err != nil || n != stored {
		t.Errorf("%d events stored, %d acknowledged (%v)", n, stored, err)
	}
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}
