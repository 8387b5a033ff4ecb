package cli

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/loadgen"
)

const loadgenEventsUsage = "pengcheng loadgen events --url URL [--batch N] [--rate R] [--duration D] [--workers W] [--login L --password P]"

// runLoadgenEvents is `pengcheng loadgen events`: grid-event reports
// offered to a running server through its JSON API — batches of N reports
// as patrol devices send them (POST /api/v1/events:batch), or with
// --batch 0 single reports (POST /api/v1/events) — at points inside the
// server's micro-grids, with latency percentiles and events per second.
func runLoadgenEvents(ctx context.Context, env Env, args []string) error {
	fs := flag.NewFlagSet("pengcheng loadgen events", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	url := fs.String("url", "http://127.0.0.1:8080", "the running server")
	login := fs.String("login", "grid-xa", "a grid worker (or dispatcher) who may send batches")
	password := fs.String("password", "Demo@2026", "its password")
	batch := fs.Int("batch", 1000, "reports per batch; 0 sends single reports")
	var plan loadgen.Plan
	fs.Float64Var(&plan.Rate, "rate", 0, "requests (batches or single reports) offered per second; 0 for as many as --workers can send")
	fs.DurationVar(&plan.Duration, "duration", 30*time.Second, "how long to offer load")
	fs.IntVar(&plan.Workers, "workers", 0, "requests in flight at most (default 16 for batches, 32 for single reports)")
	seed := fs.Uint64("seed", 1, "seeds the points drawn inside the micro-grids")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || *batch < 0 || *batch > 5000 {
		return fmt.Errorf("%w: %s", errUsage, loadgenEventsUsage)
	}
	if plan.Workers <= 0 {
		plan.Workers = 16
		if *batch == 0 {
			plan.Workers = 32
		}
	}
	c, err := loadgen.SignIn(ctx, *url, *login, *password, plan.Workers)
	if err != nil {
		return err
	}
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	l, err := loadgen.NewEventLoad(ctx, c, *seed, 200_000, run)
	if err != nil {
		return err
	}
	what := fmt.Sprintf("batches of %d reports", *batch)
	if *batch == 0 {
		what = "single reports"
	}
	fmt.Fprintf(env.Stderr, "offering %s to %s (rate %.0f/s, %d in flight, %s)\n", what, *url, plan.Rate, plan.Workers, plan.Duration)
	size := max(*batch, 1)
	plan.Progress = func(done, errs int) { fmt.Fprintf(env.Stderr, "\r%d events stored, %d errors", done*size, errs) }
	rep := loadgen.Run(ctx, plan, func(ctx context.Context, i int) (string, error) {
		if *batch == 0 {
			return l.Single(ctx, i)
		}
		return l.Batch(ctx, i, *batch)
	})
	fmt.Fprintln(env.Stderr)
	fmt.Fprintln(env.Stdout, rep.String())
	fmt.Fprintf(env.Stdout, "%.0f events/s stored durably (%d events)\n", rep.Throughput()*float64(size), rep.Done*size)
	if rep.FirstError != nil {
		fmt.Fprintf(env.Stdout, "first error: %v\n", rep.FirstError)
	}
	return nil
}
