package events

import (
	"container/heap"
	"context"
	"math"
	"slices"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/grid"
)

// point draws a point inside a micro-grid chosen by its weight.
func (g *simGen) point() grid.Point {
	for {
		c := g.cells[g.pick(g.cellW)]
		b := c.Geometry.Bound()
		for range 20 {
			p := grid.Point{b.MinLon + g.rng.Float64()*(b.MaxLon-b.MinLon), b.MinLat + g.rng.Float64()*(b.MaxLat-b.MinLat)}
			if got := g.ix.Locate(p).Cell(); got != nil && got.Code == c.Code {
				return p
			}
		}
	}
}

// exp draws an exponential duration of mean m, within [1 min, 8m].
func (g *simGen) exp(m time.Duration) time.Duration {
	return min(max(time.Duration(g.rng.ExpFloat64()*float64(m)), time.Minute), 8*m)
}

// lognormal draws a duration around median m.
func (g *simGen) lognormal(m time.Duration, sigma float64) time.Duration {
	return max(time.Duration(float64(m)*math.Exp(g.rng.NormFloat64()*sigma)), 2*time.Minute)
}

// plan draws one event reported at at and its lifecycle.
func (g *simGen) plan(at time.Time) simPlan {
	cat := g.leaves[g.pick(g.catW)]
	p := g.point()
	r := Report{Category: cat.Code, Description: "巡查发现：" + cat.Name + "（模拟数据）", Lon: p[0], Lat: p[1], At: at,
		Source: SourceSimulation, Synthetic: true}
	sla := g.sla[cat.Code]
	t := at
	var acts []Action
	next := func(k ActionKind, d time.Duration, note string) {
		t = t.Add(d).Truncate(time.Microsecond)
		acts = append(acts, Action{Kind: k, At: t, Note: note})
	}
	next(ActDispatch, g.exp(8*time.Minute), "")
	if g.rng.Float64() < 0.03 {
		next(ActReturn, g.exp(20*time.Minute), "非本部门职责，请重新分拨（模拟）")
		next(ActDispatch, g.exp(10*time.Minute), "")
	}
	next(ActAccept, g.exp(12*time.Minute), "")
	handling := g.lognormal(min(sla*3/10, 3*time.Hour), 0.7)
	if g.rng.Float64() < 0.01 {
		handling *= time.Duration(4 + g.rng.IntN(7)) // a hard case
	}
	next(ActHandle, handling, "已现场处置完毕（模拟）")
	if g.rng.Float64() < 0.02 {
		next(ActReopen, g.exp(30*time.Minute), "核查发现问题仍存在（模拟）")
		next(ActAccept, g.exp(10*time.Minute), "")
		next(ActHandle, g.lognormal(time.Hour, 0.5), "已再次处置（模拟）")
	}
	next(ActVerify, g.exp(25*time.Minute), "现场核查通过（模拟）")
	next(ActClose, g.exp(2*time.Minute), "")
	// The sweeper's escalations, as they would have happened.
	step, closeAt := max(sla/2, time.Hour), acts[len(acts)-1].At
	for e, n := at.Add(sla), 0; !e.After(closeAt) && n < 3; e, n = e.Add(step), n+1 {
		acts = append(acts, Action{Kind: ActEscalate, At: e.Truncate(time.Microsecond), Note: "超过时限，自动升级（模拟）"})
	}
	slices.SortStableFunc(acts, func(a, b Action) int { return a.At.Compare(b.At) })
	return simPlan{report: r, actions: acts}
}

// sign gives a simulated step the role that would have taken it.
func (g *simGen) sign(st *Step, ev *Event) {
	switch st.Action {
	case ActDispatch:
		st.ActorName, st.ActorRole = "调度员（模拟）", "dispatcher"
	case ActAccept, ActHandle, ActReturn:
		dept := ev.AssigneeDept
		if st.Action == ActReturn {
			dept = st.Department
		}
		st.ActorName, st.ActorRole = dept+" 处置人员（模拟）", "department"
	case ActVerify, ActReopen, ActClose:
		st.ActorName, st.ActorRole = "网格员（模拟）", "grid_worker"
	case ActEscalate:
		st.ActorName, st.ActorRole = "超时自动升级", "system"
	}
}

// LiveOptions tune [Service.SimulateLive].
type LiveOptions struct {
	Rate  float64 // reports per second
	Speed float64 // how much faster than real time the lifecycles run (1 = real time)
	Seed  uint64
	// Progress, if set, is called about once a second.
	Progress func(reported, actions int)
}

// SimulateLive generates live synthetic traffic until ctx ends: reports at
// o.Rate per second, each then dispatched, accepted, handled, verified and
// closed on the simulation's schedule run o.Speed times faster than real
// time, through the same service calls as people's (so the changes reach
// live streams, through the change feed on other instances). An action
// that a person's action made impossible meanwhile ends that event's plan.
func (s *Service) SimulateLive(ctx context.Context, o LiveOptions) error {
	g, err := s.newSimGen(ctx, o.Seed)
	if err != nil {
		return err
	}
	o.Speed = max(o.Speed, 1)
	q := &actionQueue{}
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	start, reported, acted, carry := time.Now(), 0, 0, 0.0
	last := start
	for {
		select {
		case <-ctx.Done():
			return nil
		case now := <-t.C:
			carry += now.Sub(last).Seconds() * o.Rate
			last = now
			n := int(carry)
			carry -= float64(n)
			if err := s.liveReports(ctx, g, q, n, o.Speed); err != nil {
				return err
			}
			reported += n
			acted += s.liveActions(ctx, q, now)
			if o.Progress != nil && now.Sub(start) >= time.Second {
				o.Progress(reported, acted)
				start = now
			}
		}
	}
}

// liveReports reports n simulated events now and queues their plans.
func (s *Service) liveReports(ctx context.Context, g *simGen, q *actionQueue, n int, speed float64) error {
	if n == 0 {
		return nil
	}
	now := time.Now()
	plans := make([]simPlan, n)
	reps := make([]Report, n)
	for i := range plans {
		plans[i] = g.plan(now)
		reps[i] = plans[i].report
		reps[i].At = time.Time{}
	}
	res, err := s.Batch(ctx, simulator, reps)
	if err != nil {
		return err
	}
	for i, r := range res {
		if r.Err != nil {
			continue
		}
		for _, a := range plans[i].actions {
			due := now.Add(time.Duration(float64(a.At.Sub(now)) / speed))
			a.At = time.Time{}
			heap.Push(q, queued{due: due, id: r.Event.ID, action: a})
		}
	}
	return nil
}

// liveActions takes the queued actions that are due; it returns how many.
func (s *Service) liveActions(ctx context.Context, q *actionQueue, now time.Time) int {
	done := 0
	dropped := map[string]bool{}
	for q.Len() > 0 && !(*q)[0].due.After(now) {
		it := heap.Pop(q).(queued)
		if dropped[it.id] {
			continue
		}
		if _, err := s.Act(ctx, simulator, it.id, it.action); err != nil {
			dropped[it.id] = true // someone acted on it meanwhile: its plan ends
			continue
		}
		done++
	}
	return done
}

// queued is an action of the live simulation and when it is due.
type queued struct {
	due    time.Time
	id     string
	action Action
}

// actionQueue is a min-heap of queued actions by due time.
type actionQueue []queued

func (q actionQueue) Len() int           { return len(q) }
func (q actionQueue) Less(i, j int) bool { return q[i].due.Before(q[j].due) }
func (q actionQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *actionQueue) Push(x any)        { *q = append(*q, x.(queued)) }
func (q *actionQueue) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}
