package events_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/events"
	et "github.com/pengcheng-gov/pengcheng/internal/events/eventstest"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
)

// TestSimulate writes a small history and checks that it is labelled
// synthetic, numbered by day, that its traces are whole lifecycles, that
// the statistics agree with the events, and that it is not replayed on
// live streams.
func TestSimulate(t *testing.T) {
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		e := env(t, d)
		ctx := context.Background()
		sub := e.Service.Broker().Subscribe(10)
		defer sub.Close()
		end := e.Clock.Now()
		progress := 0
		rep, err := e.Service.Simulate(ctx, events.SimOptions{Days: 3, PerDay: 300, End: end, Seed: 7, Batch: 250,
			Progress: func(events.SimProgress) { progress++ }})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Events < 450 || rep.Events > 1000 || // the last day ends at 09:00
			progress < 3 || rep.ByState[events.Closed] < rep.Events/2 {
			t.Errorf("report = %+v (progress called %d times)", rep, progress)
		}
		if len(sub.C) != 0 {
			t.Errorf("the history was published: %d changes", len(sub.C))
		}
		dispatcher := et.Actor(t, e.Dispatcher)
		st, err := e.Service.Stats(ctx, dispatcher, "440306", rep.From, rep.To)
		if err != nil {
			t.Fatal(err)
		}
		if st.Reported != int64(rep.Events) || st.Closed != int64(rep.ByState[events.Closed]) || st.Overdue != int64(rep.Overdue) ||
			st.MedianHours <= 0 || st.MeanHours <= 0 {
			t.Errorf("stats %+v disagree with the simulation %+v", st, rep)
		}
		p, err := e.Service.List(ctx, dispatcher, events.Filter{States: []events.State{events.Closed}, Limit: 5})
		if err != nil || len(p.Events) == 0 {
			t.Fatal(err)
		}
		ev := p.Events[0]
		if !ev.Synthetic || ev.Source != events.SourceSimulation || !strings.HasPrefix(ev.Code, events.DayOf(ev.ReportedAt).String()[:4]) {
			t.Errorf("simulated event = %+v", ev)
		}
		if events.DayOf(ev.ReportedAt) != mustDay(t, ev.Code[:8]) {
			t.Errorf("code %s is not numbered by the report's day %s", ev.Code, events.DayOf(ev.ReportedAt))
		}
		_, steps, err := e.Service.Trace(ctx, dispatcher, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		var acts []string
		for i, s := range steps {
			acts = append(acts, string(s.Action))
			if i > 0 && s.At.Before(steps[i-1].At) {
				t.Errorf("step %d goes back in time", i)
			}
		}
		trail := strings.Join(acts, " ")
		if !strings.HasPrefix(trail, "report dispatch") || !strings.HasSuffix(trail, "verify close") {
			t.Errorf("trace %s is not a lifecycle", trail)
		}
		if steps[1].ActorName != "调度员（模拟）" {
			t.Errorf("dispatched by %q", steps[1].ActorName)
		}
	})
}

func mustDay(t *testing.T, yyyymmdd string) events.Day {
	t.Helper()
	d, err := events.ParseDay(yyyymmdd[:4] + "-" + yyyymmdd[4:6] + "-" + yyyymmdd[6:])
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestSimulateLive runs live traffic briefly, fast: events are reported
// and move on, and the changes are published.
func TestSimulateLive(t *testing.T) {
	e := env(t, dbtest.Open(t, db.SQLite))
	sub := e.Service.Broker().Subscribe(10000)
	defer sub.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
	defer cancel()
	var reported, acted int
	err := e.Service.SimulateLive(ctx, events.LiveOptions{Rate: 40, Speed: 20000, Seed: 3,
		Progress: func(r, a int) { reported, acted = r, a }})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[events.ActionKind]int{}
	for len(sub.C) > 0 {
		kinds[(<-sub.C).Action]++
	}
	if reported < 20 || acted == 0 || kinds[events.ActReport] < 20 || kinds[events.ActDispatch] == 0 || kinds[events.ActClose] == 0 {
		t.Errorf("reported %d, acted %d; published %v", reported, acted, kinds)
	}
}

// TestSeedDemo assigns the demo grid worker and generates a history once.
func TestSeedDemo(t *testing.T) {
	e := env(t, dbtest.Open(t, db.SQLite))
	ctx := context.Background()
	ptr := identitytest.Ptr[string]
	w := identitytest.Staff(t, e.Identity.Service, &identitytest.StaffOpts{Username: ptr("grid-demo"), Department: ptr("SZCG"),
		Roles: &[]identity.Role{identity.GridWorker}})
	o := events.DemoOptions{Worker: "grid-demo", Street: et.Xinan, Days: 2, PerDay: 100, Seed: 1}
	rep, err := events.SeedDemo(ctx, e.Service, e.Identity.Service, o)
	if err != nil {
		t.Fatal(err)
	}
	cells, _ := e.Service.WorkerCells(ctx, et.Actor(t, w), w.ID)
	if rep.WorkerCells == 0 || len(cells) != rep.WorkerCells || !strings.HasPrefix(cells[0], et.Xinan) || rep.Events == 0 {
		t.Errorf("first seed = %+v (cells %d)", rep, len(cells))
	}
	again, err := events.SeedDemo(ctx, e.Service, e.Identity.Service, o)
	if err != nil || again != (events.DemoReport{}) {
		t.Errorf("second seed = %+v, %v; want nothing done", again, err)
	}
}
