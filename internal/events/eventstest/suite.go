package eventstest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/events"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
)

// Fixture is what the contract suite runs on: a store on an empty,
// migrated database whose categories are seeded with the defaults, and an
// existing account (for grid-worker assignments).
type Fixture struct {
	Store   events.Store
	Account string
}

// T0 is the time the suite's events are reported at: 10:00 China time on
// 2026-03-15.
var T0 = time.Date(2026, 3, 15, 2, 0, 0, 0, time.UTC)

// StoreSuite runs the contract every events.Store must pass; newFixture
// returns a fresh fixture for each subtest.
func StoreSuite(t *testing.T, newFixture func(t *testing.T) *Fixture) {
	for name, fn := range map[string]func(t *testing.T, f *Fixture, ix *grid.Index){
		"categories":       testCategories,
		"insert":           testInsert,
		"update":           testUpdate,
		"statistics":       testStats,
		"finders":          testFinders,
		"list":             testList,
		"workers":          testWorkers,
		"concurrent":       testConcurrentWrites,
		"client reference": testClientRef,
		"feed":             testFeed,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fn(t, newFixture(t), DemoIndex(t))
		})
	}
}

func mustWrite(t *testing.T, s events.Store, items ...*events.Item) {
	t.Helper()
	if err := s.Write(context.Background(), "suite", items); err != nil {
		t.Fatalf("write: %v", err)
	}
}

func testCategories(t *testing.T, f *Fixture, _ *grid.Index) {
	ctx := context.Background()
	s := f.Store
	defs := events.DefaultCategories()
	for _, c := range defs {
		c.UpdatedAt = T0
	}
	if n, err := s.SeedCategories(ctx, defs); err != nil || n != 0 {
		t.Fatalf("seed again = %d, %v; want 0 (already seeded)", n, err)
	}
	cs, err := s.Categories(ctx)
	if err != nil || len(cs) != len(defs) {
		t.Fatalf("categories = %d, %v; want %d", len(cs), err, len(defs))
	}
	c := &events.Category{Code: "T01", Name: "测试类别", NameEN: "Test", Parent: "CG", Department: "SZCG", SLAHours: 5, UpdatedAt: T0}
	if err := s.SaveCategory(ctx, c); err != nil || c.Version != 1 {
		t.Fatalf("insert: %v, version %d", err, c.Version)
	}
	again := *c
	again.Version = 0
	if err := s.SaveCategory(ctx, &again); !errs.Is(err, errs.Conflict) {
		t.Errorf("insert of a taken code = %v, want conflict", err)
	}
	c.SLAHours = 9
	if err := s.SaveCategory(ctx, c); err != nil || c.Version != 2 {
		t.Fatalf("update: %v, version %d", err, c.Version)
	}
	stale := *c
	stale.Version = 1
	if err := s.SaveCategory(ctx, &stale); !errs.Is(err, errs.Conflict) {
		t.Errorf("stale update = %v, want conflict", err)
	}
	cs, _ = s.Categories(ctx)
	got := events.Categories(cs).Find("T01")
	if got == nil || got.SLAHours != 9 || got.Version != 2 || got.Parent != "CG" || !got.UpdatedAt.Equal(T0) {
		t.Errorf("stored category = %+v", got)
	}
}

func testInsert(t *testing.T, f *Fixture, ix *grid.Index) {
	ctx := context.Background()
	s := f.Store
	a := NewEvent(ix, XinanMicro, "XF01", T0)
	a.Photos, a.ClientRef, a.SimilarTo, a.Synthetic = []string{"ab", "cd"}, "dev-1", "x", true
	b := NewEvent(ix, XixiangCell, "SR01", T0.Add(time.Minute))
	nextDay := NewEvent(ix, XinanMicro, "SR01", T0.Add(24*time.Hour))
	mustWrite(t, s, NewItem(a), NewItem(b))
	mustWrite(t, s, NewItem(nextDay))
	if a.Code != "20260315000001" || b.Code != "20260315000002" || nextDay.Code != "20260316000001" {
		t.Errorf("codes = %s %s %s, want the daily sequences", a.Code, b.Code, nextDay.Code)
	}
	got, err := s.Event(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", a) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, a)
	}
	if byCode, err := s.EventByCode(ctx, b.Code); err != nil || byCode.ID != b.ID {
		t.Errorf("by code = %v, %v", byCode, err)
	}
	if _, err := s.Event(ctx, "missing"); !errs.Is(err, errs.NotFound) {
		t.Errorf("missing event = %v, want not found", err)
	}
	if steps, err := s.Trace(ctx, a.ID); err != nil || len(steps) != 0 {
		t.Errorf("trace of a new event = %+v, %v; want none stored", steps, err)
	}
	evs, err := s.EventsByID(ctx, []string{a.ID, b.ID, "missing"})
	if err != nil || len(evs) != 2 {
		t.Errorf("by ids = %d, %v", len(evs), err)
	}
}

func testUpdate(t *testing.T, f *Fixture, ix *grid.Index) {
	ctx := context.Background()
	s := f.Store
	ev := NewEvent(ix, XinanMicro, "XF01", T0)
	mustWrite(t, s, NewItem(ev))
	change := func(optional bool, version int) *events.Item {
		c := *ev
		c.State, c.AssigneeDept, c.Version, c.Steps = events.Dispatched, "SZXF", version, 2
		c.EscalateAt, c.ClosedAt = time.Time{}, T0.Add(time.Hour)
		st := &events.Step{EventID: ev.ID, Seq: 2, Action: events.ActDispatch, From: events.Reported, To: events.Dispatched,
			At: T0.Add(time.Minute), Department: "SZXF"}
		return &events.Item{Event: &c, Steps: []*events.Step{st}, Optional: optional,
			Stats: []events.StatDelta{{Grid: XinanMicro, Day: events.DayOf(T0), Category: "XF01", Overdue: 1, Bucket: -1}}}
	}
	stale := change(false, 3)
	if err := s.Write(ctx, "suite", []*events.Item{stale}); !errs.Is(err, errs.Conflict) {
		t.Errorf("stale update = %v, want conflict", err)
	}
	skipped := change(true, 3)
	if err := s.Write(ctx, "suite", []*events.Item{skipped, NewItem(NewEvent(ix, XinanMicro, "SR01", T0))}); err != nil || !skipped.Skipped {
		t.Errorf("optional stale update: %v, skipped %v", err, skipped.Skipped)
	}
	if steps, _ := s.Trace(ctx, ev.ID); len(steps) != 0 {
		t.Errorf("a skipped item wrote %d steps", len(steps))
	}
	if rows, _ := s.Stats(ctx, XinanMicro, events.DayOf(T0), events.DayOf(T0)); sumOverdue(rows) != 0 {
		t.Errorf("a skipped item counted overdue")
	}
	ok := change(false, 2)
	mustWrite(t, s, ok)
	got, err := s.Event(ctx, ev.ID)
	if err != nil || got.State != events.Dispatched || got.AssigneeDept != "SZXF" || got.Version != 2 || !got.EscalateAt.IsZero() ||
		!got.ClosedAt.Equal(T0.Add(time.Hour)) {
		t.Errorf("updated event = %+v, %v", got, err)
	}
	if steps, _ := s.Trace(ctx, ev.ID); len(steps) != 1 || steps[0].Department != "SZXF" || steps[0].Seq != 2 {
		t.Errorf("trace after update = %+v", steps)
	}
}

func sumOverdue(rows []events.StatRow) (n int64) {
	for _, r := range rows {
		n += r.Overdue
	}
	return n
}

func testStats(t *testing.T, f *Fixture, ix *grid.Index) {
	ctx := context.Background()
	s := f.Store
	day := events.DayOf(T0)
	var items []*events.Item
	for i := range 3 {
		items = append(items, NewItem(NewEvent(ix, XinanMicro, "XF01", T0.Add(time.Duration(i)*time.Minute))))
	}
	items = append(items, NewItem(NewEvent(ix, XixiangCell, "SR01", T0)), NewItem(NewEvent(ix, XinanMicro2, "XF01", T0.Add(48*time.Hour))))
	mustWrite(t, s, items...)
	closed := items[0].Event
	mustWrite(t, s, &events.Item{Event: &events.Event{ID: closed.ID, Code: closed.Code, State: events.Closed, Version: 2, Steps: 2,
		ReportedAt: closed.ReportedAt, DueAt: closed.DueAt, UpdatedAt: T0}, Stats: []events.StatDelta{
		{Grid: "440306", Day: day, Category: "XF01", Closed: 1, Seconds: 7200, Bucket: events.BucketOf(7200)},
		{Grid: Xinan, Day: day, Category: "XF01", Closed: 1, Seconds: 7200, Bucket: events.BucketOf(7200), Overdue: 1},
	}, Steps: []*events.Step{{EventID: closed.ID, Seq: 2, Action: events.ActClose, From: events.Reported, To: events.Closed, At: T0}}})
	rows, err := s.Stats(ctx, Xinan, day, day)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Category != "XF01" || rows[0].Reported != 3 || rows[0].Closed != 1 || rows[0].Overdue != 1 ||
		rows[0].Seconds != 7200 || rows[0].Hist[events.BucketOf(7200)] != 1 || rows[0].Hist.Count() != 1 {
		t.Errorf("新安 on the day = %+v", rows)
	}
	rows, _ = s.Stats(ctx, "440306", day, day.AddDays(2))
	byCat := map[string]events.StatRow{}
	for _, r := range rows {
		byCat[r.Category] = r
	}
	if byCat["XF01"].Reported != 4 || byCat["SR01"].Reported != 1 || byCat["XF01"].Closed != 1 || byCat["XF01"].Overdue != 0 {
		t.Errorf("the district over three days = %+v", rows)
	}
	if rows, _ := s.Stats(ctx, Xinan, day.AddDays(1), day.AddDays(1)); len(rows) != 0 {
		t.Errorf("a day without events = %+v", rows)
	}
	heat, err := s.HeatDays(ctx, day, day)
	if err != nil || !slices.Contains(heat, events.HeatCell{Cell: XinanMicro, N: 3}) || !slices.Contains(heat, events.HeatCell{Cell: XixiangCell, N: 1}) || len(heat) != 2 {
		t.Errorf("heat of the day = %+v, %v", heat, err)
	}
	months, err := s.HeatMonths(ctx, day, day)
	if err != nil || !slices.Contains(months, events.HeatCell{Cell: XinanMicro2, N: 1}) || len(months) != 3 {
		t.Errorf("heat of the month = %+v, %v", months, err)
	}
}

func testFinders(t *testing.T, f *Fixture, ix *grid.Index) {
	ctx := context.Background()
	s := f.Store
	a := NewEvent(ix, XinanMicro, "XF01", T0)
	near := NewEvent(ix, XinanMicro, "XF01", T0.Add(time.Hour))
	near.Lon, near.Lat = Offset(a.Lon, a.Lat, 30)
	other := NewEvent(ix, XinanMicro, "SR01", T0)
	old := NewEvent(ix, XinanMicro, "XF01", T0.Add(-48*time.Hour))
	merged := NewEvent(ix, XinanMicro, "XF01", T0)
	merged.DuplicateOf = a.ID
	due := NewEvent(ix, XixiangCell, "XF01", T0)
	due.EscalateAt = T0.Add(-time.Minute)
	mustWrite(t, s, NewItem(a), NewItem(near), NewItem(other), NewItem(old), NewItem(merged), NewItem(due))
	closed := NewEvent(ix, XinanMicro, "XF01", T0)
	closed.State = events.Closed
	mustWrite(t, s, NewItem(closed))
	rec, err := s.Recent(ctx, T0.Add(-24*time.Hour))
	var got []string
	for _, e := range rec {
		got = append(got, e.ID)
		if e.Category == "" || e.Lon == 0 || e.ReportedAt.IsZero() {
			t.Errorf("recent event = %+v", e)
		}
	}
	if err != nil || !slices.Contains(got, a.ID) || !slices.Contains(got, near.ID) || !slices.Contains(got, other.ID) ||
		slices.Contains(got, old.ID) || slices.Contains(got, merged.ID) || slices.Contains(got, closed.ID) {
		t.Errorf("recent = %v, %v; want the open unmerged events of the day", got, err)
	}
	if ms, err := s.Merged(ctx, a.ID); err != nil || len(ms) != 1 || ms[0].ID != merged.ID {
		t.Errorf("merged = %v, %v", ms, err)
	}
	ds, err := s.DueForEscalation(ctx, T0, 10)
	if err != nil || len(ds) != 2 || ds[0].ID != old.ID || ds[1].ID != due.ID {
		t.Errorf("due for escalation = %v, %v; want old then due", ds, err)
	}
}

func testList(t *testing.T, f *Fixture, ix *grid.Index) {
	ctx := context.Background()
	s := f.Store
	var all []*events.Event
	for i, c := range []string{XinanMicro, XinanMicro2, XixiangCell, XinanMicro} {
		ev := NewEvent(ix, c, []string{"XF01", "XF02", "SR01", "SR02"}[i], T0.Add(time.Duration(i)*time.Minute))
		all = append(all, ev)
	}
	all[1].State, all[1].AssigneeDept = events.Dispatched, "SZXF"
	all[2].ReporterID, all[2].Synthetic = "someone", true
	all[3].DuplicateOf = all[0].ID
	for _, ev := range all {
		mustWrite(t, s, NewItem(ev))
	}
	chain := func(code string) string {
		var parts []string
		for _, c := range ix.Chain(code) {
			parts = append(parts, c.Code)
		}
		return joinSlash(parts)
	}
	for _, tc := range []struct {
		name  string
		f     events.Filter
		scope events.Scope
		want  []int
	}{
		{"everything, newest first", events.Filter{}, events.Scope{All: true}, []int{3, 2, 1, 0}},
		{"a street", events.Filter{Grid: chain(Xinan), Street: Xinan}, events.Scope{All: true}, []int{3, 1, 0}},
		{"a micro-grid", events.Filter{Grid: chain(XinanMicro), Street: Xinan}, events.Scope{All: true}, []int{3, 0}},
		{"the district", events.Filter{Grid: chain("440306")}, events.Scope{All: true}, []int{3, 2, 1, 0}},
		{"the dispatcher's queue", events.Filter{Queue: true}, events.Scope{All: true}, []int{2, 0}},
		{"a state", events.Filter{States: []events.State{events.Dispatched}}, events.Scope{All: true}, []int{1}},
		{"categories", events.Filter{Categories: []string{"XF01", "XF02"}}, events.Scope{All: true}, []int{1, 0}},
		{"a department", events.Filter{Department: "SZXF"}, events.Scope{All: true}, []int{1}},
		{"synthetic only", events.Filter{Synthetic: "only"}, events.Scope{All: true}, []int{2}},
		{"a period", events.Filter{Since: T0.Add(time.Minute), Until: T0.Add(3 * time.Minute)}, events.Scope{All: true}, []int{2, 1}},
		{"a page", events.Filter{Offset: 1, Limit: 2}, events.Scope{All: true}, []int{2, 1}},
		{"a worker's cells", events.Filter{}, events.Scope{Chains: []string{chain("440306017002"), chain(Xixiang)},
			Streets: []string{Xinan, Xixiang}}, []int{2, 1}},
		{"a department's scope", events.Filter{}, events.Scope{Department: "SZXF"}, []int{1}},
		{"a reporter's scope", events.Filter{}, events.Scope{Account: "someone"}, []int{2}},
		{"an empty scope", events.Filter{}, events.Scope{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.f.Limit == 0 {
				tc.f.Limit = 50
			}
			p, err := s.List(ctx, tc.f, tc.scope)
			if err != nil {
				t.Fatal(err)
			}
			var got, want []string
			for _, ev := range p.Events {
				got = append(got, ev.ID)
			}
			for _, i := range tc.want {
				want = append(want, all[i].ID)
			}
			if !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
			if tc.name == "a page" && !p.More {
				t.Error("a page before the last says there is no more")
			}
		})
	}
}

func joinSlash(parts []string) string {
	s := ""
	for i, p := range parts {
		if i > 0 {
			s += "/"
		}
		s += p
	}
	return s
}

func testWorkers(t *testing.T, f *Fixture, _ *grid.Index) {
	ctx := context.Background()
	s := f.Store
	if err := s.SetWorkerCells(ctx, f.Account, []string{XinanMicro, XinanMicro2}, "test", T0); err != nil {
		t.Fatal(err)
	}
	if err := s.SetWorkerCells(ctx, f.Account, []string{XinanMicro2, Xixiang}, "test", T0); err != nil {
		t.Fatal(err)
	}
	if cells, err := s.WorkerCells(ctx, f.Account); err != nil || !slices.Equal(cells, []string{XinanMicro2, Xixiang}) {
		t.Errorf("cells = %v, %v; want the second assignment only", cells, err)
	}
	if ws, err := s.CellWorkers(ctx, []string{"440306", Xixiang}); err != nil || !slices.Equal(ws, []string{f.Account}) {
		t.Errorf("workers = %v, %v", ws, err)
	}
	for i, at := range []time.Time{T0, T0.Add(time.Hour), T0.Add(-72 * time.Hour)} {
		if err := s.AddPatrol(ctx, &events.Patrol{ID: fmt.Sprintf("p%d", i), AccountID: f.Account, Cell: XinanMicro2, Lon: 113.9,
			Lat: 22.5, At: at, Inside: i == 0}); err != nil {
			t.Fatal(err)
		}
	}
	ps, err := s.Patrols(ctx, f.Account, T0.Add(-time.Hour), 10)
	if err != nil || len(ps) != 2 || ps[0].ID != "p1" || !ps[1].Inside || !ps[1].At.Equal(T0) {
		t.Errorf("patrols = %+v, %v", ps, err)
	}
}

// testConcurrentWrites writes single events from many goroutines (the
// group-commit path): every one is stored with a distinct code.
func testConcurrentWrites(t *testing.T, f *Fixture, ix *grid.Index) {
	ctx := context.Background()
	s := f.Store
	const n = 64
	evs := make([]*events.Event, n)
	var wg sync.WaitGroup
	errc := make(chan error, n)
	for i := range n {
		evs[i] = NewEvent(ix, XinanMicro, "SR02", T0)
		wg.Add(1)
		go func() {
			defer wg.Done()
			errc <- s.Write(ctx, "suite", []*events.Item{NewItem(evs[i])})
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Fatal(err)
		}
	}
	codes := map[string]bool{}
	for _, ev := range evs {
		got, err := s.Event(ctx, ev.ID)
		if err != nil || got.Code != ev.Code {
			t.Fatalf("event %s: %v (code %s, want %s)", ev.ID, err, got.Code, ev.Code)
		}
		codes[ev.Code] = true
	}
	if len(codes) != n {
		t.Errorf("%d distinct codes for %d events", len(codes), n)
	}
	rows, _ := s.Stats(ctx, XinanMicro, events.DayOf(T0), events.DayOf(T0))
	if len(rows) != 1 || rows[0].Reported != n {
		t.Errorf("statistics after concurrent reports = %+v, want %d reported", rows, n)
	}
}

func testClientRef(t *testing.T, f *Fixture, ix *grid.Index) {
	ctx := context.Background()
	s := f.Store
	a := NewEvent(ix, XinanMicro, "SR01", T0)
	a.ClientRef = "device-7/1"
	mustWrite(t, s, NewItem(a))
	b := NewEvent(ix, XinanMicro, "SR01", T0)
	b.ClientRef = "device-7/1"
	if err := s.Write(ctx, "suite", []*events.Item{NewItem(b)}); !errs.Is(err, errs.Conflict) {
		t.Errorf("a second event with the reporter's reference = %v, want conflict", err)
	}
	c := NewEvent(ix, XinanMicro, "SR01", T0)
	c.ClientRef, c.ReporterID = "device-7/1", "reporter-2"
	mustWrite(t, s, NewItem(c))
	got, err := s.EventsByClientRef(ctx, "reporter-1", []string{"device-7/1", "device-7/2"})
	if err != nil || len(got) != 1 || got["device-7/1"].ID != a.ID {
		t.Errorf("by reference = %v, %v", got, err)
	}
}

func testFeed(t *testing.T, f *Fixture, ix *grid.Index) {
	ctx := context.Background()
	s := f.Store
	head, err := s.FeedHead(ctx)
	if err != nil || head != 0 {
		t.Fatalf("head of an empty feed = %d, %v", head, err)
	}
	a, b := NewEvent(ix, XinanMicro, "SR01", T0), NewEvent(ix, XinanMicro, "SR01", T0)
	if err := s.Write(ctx, "one", []*events.Item{NewItem(a), NewItem(b)}); err != nil {
		t.Fatal(err)
	}
	c := *a
	c.State, c.Version, c.Steps, c.UpdatedAt = events.Dispatched, 2, 2, T0.Add(time.Hour)
	stale := c
	stale.ID = b.ID
	stale.Version = 5
	if err := s.Write(ctx, "two", []*events.Item{
		{Event: &c, Action: events.ActDispatch, Steps: []*events.Step{{EventID: a.ID, Seq: 2, Action: events.ActDispatch, To: events.Dispatched, At: T0}}},
		{Event: &stale, Action: events.ActEscalate, Optional: true},
	}); err != nil {
		t.Fatal(err)
	}
	es, err := s.Feed(ctx, 0, nil, 10)
	if err != nil || len(es) != 2 {
		t.Fatalf("feed = %+v, %v", es, err)
	}
	if es[0].Origin != "one" || len(es[0].Changes) != 2 || es[0].Changes[0] != (events.FeedChange{Action: events.ActReport, ID: a.ID}) {
		t.Errorf("first entry = %+v", es[0])
	}
	if es[1].Origin != "two" || len(es[1].Changes) != 1 || es[1].Changes[0].ID != a.ID || !es[1].At.Equal(T0.Add(time.Hour)) {
		t.Errorf("second entry = %+v (the skipped item must not appear)", es[1])
	}
	if head, _ := s.FeedHead(ctx); head != es[1].Seq {
		t.Errorf("head = %d, want %d", head, es[1].Seq)
	}
	if again, _ := s.Feed(ctx, es[1].Seq, []int64{es[0].Seq}, 10); len(again) != 1 || again[0].Seq != es[0].Seq {
		t.Errorf("feed after the head with a gap asked again = %+v", again)
	}
	if err := s.TrimFeed(ctx, T0.Add(30*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if left, _ := s.Feed(ctx, 0, nil, 10); len(left) != 1 || left[0].Seq != es[1].Seq {
		t.Errorf("after trimming = %+v", left)
	}
}
