package events

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/grid"
)

// Simulation is the platform's generator of synthetic events (labelled
// synthetic, source "simulation"): a history of days, written through the
// same placement, routing, lifecycle and aggregates as real reports, or
// live traffic ([Service.SimulateLive]).
//
// The model: reports per day vary by weekday (weekends 80 %) and ±10 %; the
// hour of a report follows a day's rhythm (few at night, peaks mid-morning
// and mid-afternoon); categories are weighted as a district's grid sees
// them (city management and cityscape most, labour disputes and food
// least); places are drawn in micro-grids weighted by a seeded hot-spot
// factor, and points inside them. Each event is dispatched (3 % are
// returned as misrouted and dispatched again), accepted, handled after a
// time that grows with its category's SLA, verified (2 % fail and are
// handled again) and closed; about 1 % take far longer and breach their
// SLA, escalated up the grid as the sweeper would. Events whose next step
// lies after the end stay in the state they reached.
type SimOptions struct {
	Days   int       // days of history, ending at End
	PerDay int       // reports on an average weekday
	End    time.Time // the end of the history; zero means now
	Seed   uint64    // the same seed gives the same history
	Batch  int       // reports per write (default 1,000)
	// Progress, if set, is called after each write.
	Progress func(SimProgress)
}

// SimProgress says how far a simulation is.
type SimProgress struct {
	Day, Days int
	Events    int
	Elapsed   time.Duration
}

// SimReport summarises a simulation.
type SimReport struct {
	Events      int
	ByState     map[State]int
	Overdue     int
	Returned    int
	Reopened    int
	Escalations int
	From, To    Day
	Took        time.Duration
}

// simulator is the actor of simulated reports and actions.
var simulator = Actor{Kind: ActorSystem, ID: "system:simulation", Name: "模拟数据"}

// Simulate writes a synthetic history of o.Days days through the batch
// path (placement, routing, the lifecycle with its trace, the aggregates),
// out of the change feed so that live streams do not replay it.
func (s *Service) Simulate(ctx context.Context, o SimOptions) (*SimReport, error) {
	if o.Days <= 0 || o.PerDay <= 0 || o.Days > MaxStatsDays || o.PerDay > 1_000_000 {
		return nil, errors.New("simulate: days must be 1–3660 and reports per day 1–1,000,000")
	}
	if o.End.IsZero() {
		o.End = s.Now()
	}
	if o.Batch <= 0 {
		o.Batch = 1000
	}
	g, err := s.newSimGen(ctx, o.Seed)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	first := DayOf(o.End).AddDays(-(o.Days - 1))
	rep := &SimReport{ByState: map[State]int{}, From: first, To: DayOf(o.End)}
	for d := range o.Days {
		plans := g.day(first.AddDays(d), o.PerDay, o.End)
		for chunk := range slices.Chunk(plans, o.Batch) {
			if err := s.simWrite(ctx, g, chunk, o.End, rep); err != nil {
				return rep, err
			}
			if o.Progress != nil {
				o.Progress(SimProgress{Day: d + 1, Days: o.Days, Events: rep.Events, Elapsed: time.Since(start)})
			}
		}
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
	}
	rep.Took = time.Since(start)
	return rep, nil
}

// simPlan is one generated event: its report and its lifecycle.
type simPlan struct {
	report  Report
	actions []Action
}

// simWrite places, plays and writes one batch of planned events.
func (s *Service) simWrite(ctx context.Context, g *simGen, plans []simPlan, end time.Time, rep *SimReport) error {
	w := &work{s: s, actor: simulator, now: s.Now(), items: map[string]*Item{}, orig: map[string]int{}}
	if err := s.recent.ensure(ctx, s.store, w.now); err != nil {
		return err
	}
	batch := newRecent(s.d.Config.DuplicateRadiusM, s.d.Config.DuplicateWindow)
	for i := range plans {
		p := &plans[i]
		ev, err := s.place(ctx, simulator, &p.report, g.ix, g.cats, w.now)
		if err != nil {
			return fmt.Errorf("simulated report: %w", err)
		}
		ev.ReceivedAt = ev.ReportedAt // numbered by the day it was reported
		ev.ReporterName = "网格员（模拟）"
		if g.rng.IntN(5) == 0 {
			ev.ReporterName = "市民（模拟）"
		}
		ev.SimilarTo = s.recent.find(ev, batch)
		batch.add(ev)
		it := reportItem(ev)
		it.Quiet = true
		w.items[ev.ID], w.orig[ev.ID] = it, 0
		w.order = append(w.order, it)
		for _, a := range p.actions {
			if a.At.After(end) {
				break
			}
			if err := w.apply(ctx, ev, a); err != nil {
				return fmt.Errorf("simulated %s: %w", a.Kind, err)
			}
			g.sign(it.Steps[len(it.Steps)-1], ev)
		}
		rep.Events++
		rep.ByState[ev.State]++
		if ev.Overdue {
			rep.Overdue++
		}
		for _, st := range it.Steps {
			switch st.Action {
			case ActReturn:
				rep.Returned++
			case ActReopen:
				rep.Reopened++
			case ActEscalate:
				rep.Escalations++
			}
		}
	}
	return w.commit(ctx)
}

// simGen draws simulated events.
type simGen struct {
	rng    *rand.Rand
	ix     *grid.Index
	cats   Categories
	leaves []*Category
	catW   []float64 // cumulative weights of leaves
	cells  []*grid.Cell
	cellW  []float64 // cumulative weights of cells
	sla    map[string]time.Duration
}

// topWeights are the shares of the top-level categories.
var topWeights = map[string]float64{"CG": 30, "SR": 25, "SZ": 12, "XF": 8, "ZA": 6, "HB": 7, "AQ": 6, "LZ": 3, "SP": 3}

func (s *Service) newSimGen(ctx context.Context, seed uint64) (*simGen, error) {
	ix, err := s.d.Grid.Index(ctx)
	if err != nil {
		return nil, fmt.Errorf("grid index: %w", err)
	}
	cats, err := s.Categories(ctx)
	if err != nil {
		return nil, err
	}
	g := &simGen{rng: rand.New(rand.NewPCG(seed, seed^0x51a1a7e)), ix: ix, cats: cats, sla: map[string]time.Duration{}}
	sum := 0.0
	for _, c := range cats {
		if c.Parent == "" || c.Disabled {
			continue
		}
		w, ok := topWeights[c.Parent]
		if !ok {
			w = 2
		}
		sum += w / float64(len(cats.Children(c.Parent)))
		g.leaves, g.catW = append(g.leaves, c), append(g.catW, sum)
		g.sla[c.Code] = c.SLA()
	}
	g.cells = ix.Cells(ix.Levels().Finest().Name, "")
	hot := rand.New(rand.NewPCG(seed^0x407, 11))
	sum = 0
	for range g.cells {
		sum += math.Exp(hot.NormFloat64() * 0.8) // a few busy micro-grids, many quiet ones
		g.cellW = append(g.cellW, sum)
	}
	if len(g.leaves) == 0 || len(g.cells) == 0 {
		return nil, errors.New("simulate: no categories or no grid")
	}
	return g, nil
}

// pick returns an index drawn by cumulative weights.
func (g *simGen) pick(cum []float64) int {
	x := g.rng.Float64() * cum[len(cum)-1]
	i, _ := slices.BinarySearch(cum, x)
	return min(i, len(cum)-1)
}

// hourWeights is the share of reports by hour of the day (China time).
var hourWeights = [24]float64{1, 0.6, 0.4, 0.3, 0.3, 0.5, 1.5, 3.5, 6, 8, 8.5, 8, 6, 6.5, 8, 8.5, 8, 7, 5.5, 4.5, 4, 3.5, 2.5, 1.5}

// day plans the events of day d.
func (g *simGen) day(d Day, perDay int, end time.Time) []simPlan {
	n := float64(perDay) * (0.9 + 0.2*g.rng.Float64())
	if wd := d.Time().Weekday(); wd == time.Saturday || wd == time.Sunday {
		n *= 0.8
	}
	var cum [24]float64
	sum := 0.0
	for h, w := range hourWeights {
		sum += w
		cum[h] = sum
	}
	var out []simPlan
	for range int(n) {
		h := g.pick(cum[:])
		at := d.Time().Add(time.Duration(h)*time.Hour + time.Duration(g.rng.Int64N(int64(time.Hour))))
		if at.After(end) {
			continue
		}
		out = append(out, g.plan(at.UTC().Truncate(time.Microsecond)))
	}
	slices.SortFunc(out, func(a, b simPlan) int { return a.report.At.Compare(b.report.At) })
	return out
}
