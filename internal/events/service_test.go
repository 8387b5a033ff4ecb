package events_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/events"
	et "github.com/pengcheng-gov/pengcheng/internal/events/eventstest"
)

func env(t *testing.T, d *db.DB) *et.Env { return et.NewEnv(t, d, events.Config{}) }

// TestFullLifecycle follows a fire lane report from a citizen to its
// closure: dispatched by the routing suggestion, accepted and handled by
// the fire brigade with a photo, verified and closed by the grid worker;
// the trace, the statistics and the live changes follow.
func TestFullLifecycle(t *testing.T) {
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		e := env(t, d)
		ctx := context.Background()
		sub := e.Service.Broker().Subscribe(100)
		defer sub.Close()
		citizen, dispatcher := et.Actor(t, e.Citizen), et.Actor(t, e.Dispatcher)
		fire, worker := et.Actor(t, e.FireStaff), et.Actor(t, e.Worker)

		r := et.ReportIn(t, e.Grid, "XF01", et.XinanMicro)
		r.Photos = []string{e.Photo(t, 1)}
		ev := e.Report(t, citizen, r)
		if ev.Cell != et.XinanMicro || len(ev.Chain) != 4 || ev.Chain[1] != et.Xinan || ev.Street != et.Xinan ||
			ev.State != events.Reported || !strings.HasPrefix(ev.Code, "20260302") {
			t.Fatalf("reported event = %+v", ev)
		}
		fireZone := ev.Zone("fire")
		if fireZone == "" || ev.RouteDept != "SZXF" || ev.RouteZone != fireZone || !strings.Contains(ev.RouteReason, fireZone) {
			t.Errorf("route = %s %s %q, want SZXF and the fire zone %s", ev.RouteDept, ev.RouteZone, ev.RouteReason, fireZone)
		}
		if !ev.DueAt.Equal(ev.ReportedAt.Add(4*time.Hour)) || !ev.EscalateAt.Equal(ev.DueAt) {
			t.Errorf("due %v escalate %v, want 4 h (XF01's SLA) after %v", ev.DueAt, ev.EscalateAt, ev.ReportedAt)
		}

		e.Clock.Advance(10 * time.Minute)
		ev = e.Act(t, dispatcher, ev.ID, events.Action{Kind: events.ActDispatch, Note: "请尽快清理"})
		if ev.State != events.Dispatched || ev.AssigneeDept != "SZXF" || ev.AssigneeZone != fireZone {
			t.Errorf("dispatched = %+v", ev)
		}
		e.Clock.Advance(5 * time.Minute)
		ev = e.Act(t, fire, ev.Code, events.Action{Kind: events.ActAccept})
		e.Clock.Advance(45 * time.Minute)
		ev = e.Act(t, fire, ev.ID, events.Action{Kind: events.ActHandle, Note: "已清理杂物，通道畅通", Photos: []string{e.Photo(t, 2)},
			Where: &events.Point{Lon: r.Lon, Lat: r.Lat}})
		e.Clock.Advance(30 * time.Minute)
		ev = e.Act(t, worker, ev.ID, events.Action{Kind: events.ActVerify, Note: "现场核查通过"}, events.Action{Kind: events.ActClose})
		if ev.State != events.Closed || ev.HandlingTime() != 90*time.Minute || !ev.EscalateAt.IsZero() || ev.Overdue {
			t.Errorf("closed = %+v (handling %v)", ev, ev.HandlingTime())
		}

		_, steps, err := e.Service.Trace(ctx, citizen, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		var trail []string
		for _, s := range steps {
			trail = append(trail, string(s.Action)+":"+s.ActorRole)
		}
		want := "report:reporter dispatch:dispatcher accept:department handle:department verify:grid_worker close:grid_worker"
		if strings.Join(trail, " ") != want {
			t.Errorf("trace = %v, want %s", trail, want)
		}
		if h := steps[3]; len(h.Photos) != 1 || h.Where == nil || h.Note == "" || h.ActorName != "消防员" {
			t.Errorf("handling step = %+v", h)
		}

		day := events.DayOf(ev.ReportedAt)
		for _, g := range ev.Chain {
			st, err := e.Service.Stats(ctx, dispatcher, g, day, day)
			if err != nil {
				t.Fatal(err)
			}
			if st.Reported != 1 || st.Closed != 1 || st.ClosureRate != 1 || st.MeanHours != 1.5 || st.Overdue != 0 ||
				st.MedianHours < 1.2 || st.MedianHours > 1.8 || len(st.ByCategory) != 1 || st.ByCategory[0].Name != "消防通道堵塞" {
				t.Errorf("stats of %s = %+v", g, st)
			}
		}
		heat, err := e.Service.Heat(ctx, dispatcher, et.Xinan, day, day)
		if err != nil || len(heat) != 1 || heat[0].Cell != et.XinanMicro || heat[0].Weight != 1 {
			t.Errorf("heat = %+v, %v", heat, err)
		}

		var actions []string
		for len(sub.C) > 0 {
			c := <-sub.C
			actions = append(actions, string(c.Action))
		}
		if strings.Join(actions, " ") != "report dispatch accept handle close" {
			t.Errorf("published %v", actions)
		}
	})
}

// TestRefusals checks that what may not be done is refused with the right
// kind of error and changes nothing.
func TestRefusals(t *testing.T) {
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		e := env(t, d)
		ctx := context.Background()
		citizen, other := et.Actor(t, e.Citizen), et.Actor(t, e.OtherCitizen)
		dispatcher, fire, city := et.Actor(t, e.Dispatcher), et.Actor(t, e.FireStaff), et.Actor(t, e.CityStaff)
		worker, otherWorker := et.Actor(t, e.Worker), et.Actor(t, e.OtherWorker)
		ev := e.Report(t, citizen, et.ReportIn(t, e.Grid, "XF01", et.XinanMicro))
		handled := e.Report(t, citizen, et.ReportIn(t, e.Grid, "XF02", et.XinanMicro2))
		e.Act(t, dispatcher, handled.ID, events.Action{Kind: events.ActDispatch})
		e.Act(t, fire, handled.ID, events.Action{Kind: events.ActAccept}, events.Action{Kind: events.ActHandle, Note: "已修复"})

		for _, tc := range []struct {
			name  string
			actor events.Actor
			id    string
			acts  []events.Action
			kind  errs.Kind
		}{
			{"a citizen dispatches", citizen, ev.ID, []events.Action{{Kind: events.ActDispatch}}, errs.Forbidden},
			{"accept before dispatch", et.Actor(t, e.Admin), ev.ID, []events.Action{{Kind: events.ActAccept}}, errs.Conflict},
			{"a department acts on an event it cannot see", fire, ev.ID, []events.Action{{Kind: events.ActAccept}}, errs.NotFound},
			{"a grid worker dispatches", worker, ev.ID, []events.Action{{Kind: events.ActDispatch}}, errs.Forbidden},
			{"the dispatcher verifies", dispatcher, handled.ID, []events.Action{{Kind: events.ActVerify}}, errs.Forbidden},
			{"close a reported event without a reason", dispatcher, ev.ID, []events.Action{{Kind: events.ActClose}}, errs.Invalid},
			{"dispatch to an unknown department", dispatcher, ev.ID, []events.Action{{Kind: events.ActDispatch, Department: "NOPE"}}, errs.Invalid},
			{"dispatch to someone not a grid worker", dispatcher, ev.ID, []events.Action{{Kind: events.ActDispatch, Worker: e.Citizen.ID}}, errs.Invalid},
			{"another department returns", city, handled.ID, []events.Action{{Kind: events.ActReturn, Note: "x"}}, errs.NotFound},
			{"handle twice", fire, handled.ID, []events.Action{{Kind: events.ActHandle, Note: "again"}}, errs.Conflict},
			{"a worker of another street verifies", otherWorker, handled.ID, []events.Action{{Kind: events.ActVerify}}, errs.NotFound},
			{"another citizen verifies", other, handled.ID, []events.Action{{Kind: events.ActVerify}}, errs.NotFound},
			{"reopen without a reason", worker, handled.ID, []events.Action{{Kind: events.ActReopen}}, errs.Invalid},
			{"verify then an illegal step: all or nothing", worker, handled.ID,
				[]events.Action{{Kind: events.ActVerify}, {Kind: events.ActAccept}}, errs.Conflict},
			{"merge into itself", dispatcher, ev.ID, []events.Action{{Kind: events.ActMerge, Target: ev.ID}}, errs.Invalid},
			{"an action time on a real event", events.SystemActor("x"), ev.ID, []events.Action{{Kind: events.ActDispatch, At: time.Now()}}, errs.Invalid},
			{"an unknown action", dispatcher, ev.ID, []events.Action{{Kind: "delete"}}, errs.Invalid},
			{"a missing event", dispatcher, "20990101000001", []events.Action{{Kind: events.ActAccept}}, errs.NotFound},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before, _ := e.Store.Event(ctx, tc.id)
				_, err := e.Service.Act(ctx, tc.actor, tc.id, tc.acts...)
				if errs.KindOf(err) != tc.kind {
					t.Fatalf("err = %v, want kind %v", err, tc.kind)
				}
				if e := errs.As(err); e == nil || e.Msg == "" || e.MsgEN == "" {
					t.Errorf("error %v lacks messages", err)
				}
				if before != nil {
					after, _ := e.Store.Event(ctx, tc.id)
					if after.Version != before.Version || after.State != before.State || after.Steps != before.Steps {
						t.Errorf("the refused action changed the event: %s → %s", et.Describe(before), et.Describe(after))
					}
				}
			})
		}
	})
}

// TestReturnAndReopen: a misrouted event goes back to the dispatcher and
// to another department; a failed verification sends it back to the
// assignee.
func TestReturnAndReopen(t *testing.T) {
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		e := env(t, d)
		citizen, dispatcher := et.Actor(t, e.Citizen), et.Actor(t, e.Dispatcher)
		fire, city := et.Actor(t, e.FireStaff), et.Actor(t, e.CityStaff)
		ev := e.Report(t, citizen, et.ReportIn(t, e.Grid, "XF04", et.XinanMicro))
		e.Act(t, dispatcher, ev.ID, events.Action{Kind: events.ActDispatch})
		ev = e.Act(t, fire, ev.ID, events.Action{Kind: events.ActReturn, Note: "实为占道经营，非消防隐患"})
		if ev.State != events.Reported || ev.AssigneeDept != "" {
			t.Fatalf("returned = %+v", ev)
		}
		ev = e.Act(t, dispatcher, ev.ID, events.Action{Kind: events.ActDispatch, Department: "SZCG"})
		if ev.AssigneeZone != "" {
			t.Errorf("a department other than the suggestion got the suggested zone %s", ev.AssigneeZone)
		}
		e.Act(t, city, ev.ID, events.Action{Kind: events.ActAccept}, events.Action{Kind: events.ActHandle, Note: "已劝离"})
		ev = e.Act(t, citizen, ev.ID, events.Action{Kind: events.ActReopen, Note: "摊贩又回来了"})
		if ev.State != events.Dispatched || ev.AssigneeDept != "SZCG" {
			t.Fatalf("reopened = %+v", ev)
		}
		ev = e.Act(t, city, ev.ID, events.Action{Kind: events.ActAccept}, events.Action{Kind: events.ActHandle, Note: "已取缔"})
		ev = e.Act(t, citizen, ev.ID, events.Action{Kind: events.ActVerify}, events.Action{Kind: events.ActClose})
		if ev.State != events.Closed || ev.Steps != 11 {
			t.Errorf("closed = %s with %d steps, want 11", et.Describe(ev), ev.Steps)
		}
	})
}

// TestDuplicatesAndMerge: a second report of the same category within 50 m
// is flagged; merged, it closes with the first.
func TestDuplicatesAndMerge(t *testing.T) {
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		e := env(t, d)
		ctx := context.Background()
		citizen, dispatcher, worker := et.Actor(t, e.Citizen), et.Actor(t, e.Dispatcher), et.Actor(t, e.Worker)
		r := et.ReportIn(t, e.Grid, "SZ01", et.XinanMicro)
		first := e.Report(t, citizen, r)
		near := r
		near.Lon, near.Lat = et.Offset(r.Lon, r.Lat, 40)
		far := r
		far.Lon, far.Lat = et.Offset(r.Lon, r.Lat, 160) // 120 m from near
		otherCat := r
		otherCat.Category = "SZ02"
		dup := e.Report(t, worker, near)
		if dup.SimilarTo != first.ID {
			t.Errorf("a report 40 m away is not flagged: similar to %q", dup.SimilarTo)
		}
		if ev := e.Report(t, worker, far); ev.SimilarTo != "" {
			t.Errorf("a report 120 m away is flagged")
		}
		if ev := e.Report(t, worker, otherCat); ev.SimilarTo != "" {
			t.Errorf("another category is flagged")
		}
		e.Clock.Advance(25 * time.Hour)
		if ev := e.Report(t, worker, near); ev.SimilarTo != "" {
			t.Errorf("a report 25 h later is flagged")
		}
		dup = e.Act(t, dispatcher, dup.ID, events.Action{Kind: events.ActMerge, Target: first.Code})
		if dup.DuplicateOf != first.ID || !dup.EscalateAt.IsZero() {
			t.Fatalf("merged = %+v", dup)
		}
		if _, err := e.Service.Act(ctx, dispatcher, dup.ID, events.Action{Kind: events.ActDispatch}); !errs.Is(err, errs.Conflict) {
			t.Errorf("acting on a merged event = %v, want conflict", err)
		}
		queue, _ := e.Service.List(ctx, dispatcher, events.Filter{Queue: true})
		for _, ev := range queue.Events {
			if ev.ID == dup.ID {
				t.Error("the merged event is still in the dispatcher's queue")
			}
		}
		e.Act(t, dispatcher, first.ID, events.Action{Kind: events.ActClose, Note: "井盖已由业主单位更换"})
		got, _ := e.Store.Event(ctx, dup.ID)
		if got.State != events.Closed {
			t.Errorf("the merged event is %s after the main one closed", got.State)
		}
		st, _ := e.Service.Stats(ctx, dispatcher, et.XinanMicro, events.DayOf(first.ReportedAt), events.DayOf(first.ReportedAt))
		if st.Closed != 2 {
			t.Errorf("closed = %d, want both", st.Closed)
		}
	})
}

// TestSweep escalates overdue events up their chain, once per escalation
// time, idempotently, from two sweepers at once.
func TestSweep(t *testing.T) {
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		e := env(t, d)
		ctx := context.Background()
		citizen, dispatcher := et.Actor(t, e.Citizen), et.Actor(t, e.Dispatcher)
		ev := e.Report(t, citizen, et.ReportIn(t, e.Grid, "XF01", et.XinanMicro)) // SLA 4 h, escalations every 2 h
		closed := e.Report(t, citizen, et.ReportIn(t, e.Grid, "XF01", et.XinanMicro2))
		e.Act(t, dispatcher, closed.ID, events.Action{Kind: events.ActClose, Note: "重复上报"})
		start := e.Clock.Now()
		if n, err := e.Service.Sweep(ctx, start.Add(4*time.Hour-time.Second)); err != nil || n != 0 {
			t.Fatalf("sweep before due = %d, %v", n, err)
		}
		var wg sync.WaitGroup
		counts := make([]int, 4)
		for i := range counts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := e.Service.Sweep(ctx, start.Add(4*time.Hour))
				if err != nil {
					t.Error(err)
				}
				counts[i] = n
			}()
		}
		wg.Wait()
		if counts[0]+counts[1]+counts[2]+counts[3] != 1 {
			t.Errorf("four concurrent sweeps escalated %v times, want once in all", counts)
		}
		got, _ := e.Store.Event(ctx, ev.ID)
		if got.Escalation != 1 || got.EscalatedTo != got.Chain[2] || !got.Overdue || !got.EscalateAt.Equal(start.Add(6*time.Hour)) {
			t.Errorf("after the first escalation: %+v", got)
		}
		// A sweeper stopped for a day catches up: street, then district.
		if n, _ := e.Service.Sweep(ctx, start.Add(30*time.Hour)); n != 2 {
			t.Errorf("catching up escalated %d times, want 2", n)
		}
		got, _ = e.Store.Event(ctx, ev.ID)
		if got.Escalation != 3 || got.EscalatedTo != "440306" || !got.EscalateAt.IsZero() {
			t.Errorf("at the top: %+v", got)
		}
		if n, _ := e.Service.Sweep(ctx, start.Add(300*time.Hour)); n != 0 {
			t.Errorf("swept %d past the top", n)
		}
		st, _ := e.Service.Stats(ctx, dispatcher, et.Xinan, events.DayOf(start), events.DayOf(start))
		if st.Overdue != 1 || st.Reported != 2 {
			t.Errorf("stats = %+v, want one overdue of two", st)
		}
		if _, err := e.Service.Act(ctx, dispatcher, ev.ID, events.Action{Kind: events.ActEscalate}); !errs.Is(err, errs.Conflict) {
			t.Errorf("escalating past the top = %v", err)
		}
	})
}

// TestVisibility: who sees which events, one by one and in lists.
func TestVisibility(t *testing.T) {
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		e := env(t, d)
		ctx := context.Background()
		citizen := et.Actor(t, e.Citizen)
		xa := e.Report(t, citizen, et.ReportIn(t, e.Grid, "XF01", et.XinanMicro))
		xx := e.Report(t, citizen, et.ReportIn(t, e.Grid, "SR01", et.XixiangCell))
		e.Act(t, et.Actor(t, e.Dispatcher), xx.ID, events.Action{Kind: events.ActDispatch})
		for _, tc := range []struct {
			who  string
			a    events.Actor
			want string // of xa, xx: "1" visible
		}{
			{"the reporter", citizen, "11"},
			{"another citizen", et.Actor(t, e.OtherCitizen), "00"},
			{"the dispatcher", et.Actor(t, e.Dispatcher), "11"},
			{"新安's grid worker", et.Actor(t, e.Worker), "10"},
			{"西乡's grid worker", et.Actor(t, e.OtherWorker), "01"},
			{"city management (assigned 西乡's event)", et.Actor(t, e.CityStaff), "01"},
			{"the fire brigade (nothing assigned)", et.Actor(t, e.FireStaff), "00"},
			{"an Open311 client", events.ClientActor("o311", "test"), "11"},
		} {
			t.Run(tc.who, func(t *testing.T) {
				got := ""
				p, err := e.Service.List(ctx, tc.a, events.Filter{})
				if err != nil {
					t.Fatal(err)
				}
				listed := map[string]bool{}
				for _, ev := range p.Events {
					listed[ev.ID] = true
				}
				for _, ev := range []*events.Event{xa, xx} {
					_, err := e.Service.Event(ctx, tc.a, ev.ID)
					if (err == nil) != listed[ev.ID] {
						t.Errorf("%s: Event says %v but List says %v", ev.Code, err, listed[ev.ID])
					}
					if err == nil {
						got += "1"
					} else if errs.Is(err, errs.NotFound) {
						got += "0"
					} else {
						t.Fatal(err)
					}
				}
				if got != tc.want {
					t.Errorf("sees %s, want %s", got, tc.want)
				}
			})
		}
	})
}

// TestBatch: valid reports are stored together, refused ones say why,
// a device's retry returns what it stored, and reports of one batch flag
// each other as duplicates.
func TestBatch(t *testing.T) {
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		e := env(t, d)
		ctx := context.Background()
		worker := et.Actor(t, e.Worker)
		a := et.ReportIn(t, e.Grid, "SR01", et.XinanMicro)
		a.ClientRef = "pda-1/1"
		b := a
		b.ClientRef = "pda-1/2"
		b.Lon, b.Lat = et.Offset(a.Lon, a.Lat, 10)
		bad := a
		bad.ClientRef, bad.Category = "pda-1/3", "NOPE"
		outside := a
		outside.ClientRef, outside.Lon, outside.Lat = "pda-1/4", 116.4, 39.9
		old := a
		old.ClientRef, old.At = "pda-1/5", e.Clock.Now().Add(-40*24*time.Hour)
		res, err := e.Service.Batch(ctx, worker, []events.Report{a, b, bad, outside, old})
		if err != nil {
			t.Fatal(err)
		}
		if res[0].Err != nil || res[1].Err != nil || res[1].Event.SimilarTo != res[0].Event.ID || res[0].Event.Source != events.SourceBatch {
			t.Errorf("valid reports: %+v %+v", res[0], res[1])
		}
		for i, code := range map[int]string{2: "events.category.unknown", 3: "events.location.outside", 4: "events.at.old"} {
			if e := errs.As(res[i].Err); e == nil || e.Code != code {
				t.Errorf("report %d: %v, want %s", i, res[i].Err, code)
			}
		}
		again, err := e.Service.Batch(ctx, worker, []events.Report{a, b})
		if err != nil || !again[0].Existing || again[0].Event.ID != res[0].Event.ID || again[1].Event.Code != res[1].Event.Code {
			t.Errorf("retry = %+v, %v", again, err)
		}
		p, _ := e.Service.List(ctx, worker, events.Filter{})
		if len(p.Events) != 2 {
			t.Errorf("%d events stored, want 2", len(p.Events))
		}
		if _, err := e.Service.Batch(ctx, et.Actor(t, e.Citizen), []events.Report{a}); !errs.Is(err, errs.Forbidden) {
			t.Errorf("a citizen's batch = %v", err)
		}
		if _, err := e.Service.Batch(ctx, worker, nil); !errs.Is(err, errs.Invalid) {
			t.Errorf("an empty batch = %v", err)
		}
		syn := a
		syn.ClientRef, syn.Synthetic = "", true
		if _, err := e.Service.Report(ctx, worker, syn); !errs.Is(err, errs.Forbidden) {
			t.Errorf("a synthetic report from a worker = %v", err)
		}
	})
}

// TestCategoriesAdmin: platform admins edit categories; edits apply to new
// reports' SLAs at once; others may not.
func TestCategoriesAdmin(t *testing.T) {
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		e := env(t, d)
		ctx := context.Background()
		admin := et.Actor(t, e.Admin)
		c, err := e.Service.Category(ctx, "SR01")
		if err != nil {
			t.Fatal(err)
		}
		edit := *c
		edit.SLAHours = 2
		if _, err := e.Service.SaveCategory(ctx, et.Actor(t, e.Dispatcher), edit); !errs.Is(err, errs.Forbidden) {
			t.Errorf("a dispatcher edits = %v", err)
		}
		for _, bad := range []func(c *events.Category){
			func(c *events.Category) { c.Department = "NOPE" },
			func(c *events.Category) { c.Layer = "water" },
			func(c *events.Category) { c.SLAHours = 0 },
			func(c *events.Category) { c.Parent = "SR02" },
			func(c *events.Category) { c.Name = "" },
		} {
			b := *c
			bad(&b)
			if _, err := e.Service.SaveCategory(ctx, admin, b); !errs.Is(err, errs.Invalid) {
				t.Errorf("invalid edit %+v = %v", b, err)
			}
		}
		if _, err := e.Service.SaveCategory(ctx, admin, edit); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Service.SaveCategory(ctx, admin, edit); !errs.Is(err, errs.Conflict) {
			t.Errorf("a stale edit = %v", err)
		}
		ev := e.Report(t, et.Actor(t, e.Citizen), et.ReportIn(t, e.Grid, "SR01", et.XinanMicro))
		if ev.DueAt.Sub(ev.ReportedAt) != 2*time.Hour {
			t.Errorf("due after %v, want the new SLA of 2 h", ev.DueAt.Sub(ev.ReportedAt))
		}
		n := events.Category{Code: "SR09", Name: "测试", Parent: "SR", Department: "SZCG", SLAHours: 3}
		if _, err := e.Service.SaveCategory(ctx, admin, n); err != nil {
			t.Fatal(err)
		}
		if cs, _ := e.Service.Categories(ctx); cs.Find("SR09") == nil || len(cs.Children("SR")) != 5 {
			t.Error("the new category is missing")
		}
	})
}

// TestConcurrentDispatch: two dispatchers act at once; one wins, the
// other gets a conflict.
func TestConcurrentDispatch(t *testing.T) {
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		e := env(t, d)
		ctx := context.Background()
		ev := e.Report(t, et.Actor(t, e.Citizen), et.ReportIn(t, e.Grid, "XF01", et.XinanMicro))
		dispatcher := et.Actor(t, e.Dispatcher)
		var wg sync.WaitGroup
		errsOut := make([]error, 8)
		for i := range errsOut {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errsOut[i] = e.Service.Act(ctx, dispatcher, ev.ID, events.Action{Kind: events.ActDispatch, Note: "第" + string(rune('1'+i))})
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errsOut {
			switch {
			case err == nil:
				ok++
			case !errs.Is(err, errs.Conflict):
				t.Errorf("unexpected %v", err)
			}
		}
		got, _ := e.Store.Event(ctx, ev.ID)
		if ok < 1 || got.Steps != 1+ok || got.Version != 1+ok {
			t.Errorf("%d dispatches succeeded; event has %d steps, version %d", ok, got.Steps, got.Version)
		}
	})
}

// TestFollow: a second instance on the same database publishes the first
// one's changes on its own broker and flags duplicates of its reports.
func TestFollow(t *testing.T) {
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		e := env(t, d)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		other, err := events.NewService(events.Deps{Store: e.Store, Grid: et.StaticGrid{Ix: e.Grid}, Now: e.Clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		sub := other.Broker().Subscribe(10)
		defer sub.Close()
		own := e.Service.Broker().Subscribe(10)
		defer own.Close()
		r := et.ReportIn(t, e.Grid, "SZ01", et.XinanMicro)
		first := r
		first.Category = "SR01"
		if _, err := other.Report(ctx, et.Actor(t, e.Citizen), first); err != nil { // loads other's cache of recent events
			t.Fatal(err)
		}
		<-sub.C // its own report
		select {
		case c := <-own.C:
			t.Fatalf("an instance without Follow published another's change %v", c.Action)
		case <-time.After(50 * time.Millisecond):
		}
		go other.Follow(ctx, 20*time.Millisecond)
		time.Sleep(100 * time.Millisecond) // the follower starts at the feed's head
		ev := e.Report(t, et.Actor(t, e.Citizen), r)
		select {
		case c := <-sub.C:
			if c.Action == events.ActReport && c.Event.ID == ev.ID {
				break
			}
			t.Fatalf("the follower published %v %s", c.Action, c.Event.ID)
		case <-time.After(5 * time.Second):
			t.Fatal("the other instance's report was not published")
		}
		e.Act(t, et.Actor(t, e.Dispatcher), ev.ID, events.Action{Kind: events.ActDispatch})
		select {
		case c := <-sub.C:
			if c.Action != events.ActDispatch || c.Event.State != events.Dispatched {
				t.Errorf("published %v in state %s", c.Action, c.Event.State)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the dispatch was not published")
		}
		for len(own.C) > 0 {
			<-own.C
		}
		dup, err := other.Report(ctx, et.Actor(t, e.Citizen), r)
		if err != nil || dup.SimilarTo != ev.ID {
			t.Errorf("the follower's instance did not flag a duplicate: %+v, %v", dup, err)
		}
		select {
		case c := <-sub.C:
			if c.Event.ID != dup.ID {
				t.Errorf("an instance published %s; its own report %s only once", c.Event.ID, dup.ID)
			}
		case <-time.After(time.Second):
		}
		select {
		case c := <-sub.C:
			t.Errorf("an instance republished %v %s from the feed", c.Action, c.Event.ID)
		case <-time.After(200 * time.Millisecond):
		}
	})
}
