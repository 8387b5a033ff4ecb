package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/app"
	"github.com/pengcheng-gov/pengcheng/internal/config"
	"github.com/pengcheng-gov/pengcheng/internal/events"
	"github.com/pengcheng-gov/pengcheng/internal/events/eventssql"
)

const eventsUsage = "pengcheng events simulate --days N --per-day M [--seed S] [--end YYYY-MM-DD] | " +
	"pengcheng events simulate --live --rate R [--speed K] [--duration D] | pengcheng events sweep"

// runEvents is `pengcheng events`: the simulation of synthetic grid events
// (a history of days, or live traffic for the command centre) and a sweep
// of overdue events.
func runEvents(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || (args[0] != "simulate" && args[0] != "sweep") {
		return fmt.Errorf("%w: %s", errUsage, eventsUsage)
	}
	sub := args[0]
	var cfg config.Config
	fs, err := flags(env, "events "+sub, &cfg)
	if err != nil {
		return err
	}
	var o events.SimOptions
	var live events.LiveOptions
	var liveMode bool
	var end string
	var duration time.Duration
	if sub == "simulate" {
		fs.IntVar(&o.Days, "days", 30, "days of history, ending today (or at --end)")
		fs.IntVar(&o.PerDay, "per-day", 16400, "reports on an average weekday (Bao'an: 16,400)")
		fs.Uint64Var(&o.Seed, "seed", 2017, "the same seed gives the same history")
		fs.StringVar(&end, "end", "", "the last day of the history (YYYY-MM-DD, China time); default now")
		fs.BoolVar(&liveMode, "live", false, "generate live traffic instead of history")
		fs.Float64Var(&live.Rate, "rate", 2, "live: reports per second")
		fs.Float64Var(&live.Speed, "speed", 60, "live: how much faster than real time events are handled")
		fs.DurationVar(&duration, "duration", 0, "live: stop after this long (default: until interrupted)")
	}
	a, err := openApp(ctx, env, fs, &cfg, args[1:])
	if err != nil {
		return err
	}
	defer a.Close()
	svc, err := eventsService(a)
	if err != nil {
		return err
	}
	switch {
	case sub == "sweep":
		n, err := svc.Sweep(ctx, time.Now())
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%d escalations of overdue events\n", n)
		return nil
	case liveMode:
		return simulateLive(ctx, env, svc, live, duration)
	}
	if end != "" {
		d, err := events.ParseDay(end)
		if err != nil {
			return fmt.Errorf("%w: --end must be YYYY-MM-DD", errUsage)
		}
		o.End = d.Time().Add(24*time.Hour - time.Second)
	}
	return simulateHistory(ctx, env, svc, o)
}

// eventsService builds the events service on the app's database and grid
// (the same as the server's).
func eventsService(a *app.App) (*events.Service, error) {
	return events.NewService(events.Deps{Store: eventssql.New(a.DB), Grid: a.Grid, Files: a.Files, Departments: a.Catalog,
		Accounts: a.Identity, Now: a.Now, Log: a.Log})
}

func simulateHistory(ctx context.Context, env Env, svc *events.Service, o events.SimOptions) error {
	o.Progress = func(p events.SimProgress) {
		fmt.Fprintf(env.Stderr, "\rday %d/%d: %d events (%.0f/s)", p.Day, p.Days, p.Events, float64(p.Events)/max(p.Elapsed.Seconds(), 0.001))
	}
	rep, err := svc.Simulate(ctx, o)
	fmt.Fprintln(env.Stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "simulated %d synthetic events reported %s to %s in %s (%.0f events/s)\n", rep.Events, rep.From, rep.To,
		rep.Took.Round(time.Millisecond), float64(rep.Events)/max(rep.Took.Seconds(), 0.001))
	for _, st := range events.States {
		fmt.Fprintf(env.Stdout, "  %-10s %9d\n", st, rep.ByState[st])
	}
	fmt.Fprintf(env.Stdout, "  overdue %d, returned as misrouted %d, reopened after verification %d, escalations %d\n",
		rep.Overdue, rep.Returned, rep.Reopened, rep.Escalations)
	st, err := svc.Stats(ctx, events.SystemActor("cli"), "", rep.From, rep.To)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "statistics of %s over the period (answered in %.1f ms): %d reported, %d closed (%.2f %%), mean %.1f h, median %.1f h, %d overdue\n",
		st.GridName, float64(st.Took.Microseconds())/1000, st.Reported, st.Closed, 100*st.ClosureRate, st.MeanHours, st.MedianHours, st.Overdue)
	return nil
}

func simulateLive(ctx context.Context, env Env, svc *events.Service, o events.LiveOptions, d time.Duration) error {
	if d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	fmt.Fprintf(env.Stderr, "live synthetic events: %.1f reports/s, handled %.0f× faster than real time; interrupt to stop\n", o.Rate, o.Speed)
	fmt.Fprintln(env.Stderr, "(a running server shows them on its map through the change feed)")
	o.Progress = func(r, a int) { fmt.Fprintf(env.Stderr, "\r%d reported, %d actions", r, a) }
	err := svc.SimulateLive(ctx, o)
	fmt.Fprintln(env.Stderr)
	return err
}
