package events

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// Event returns the event with id or code, if the actor may see it
// (errs.NotFound otherwise): dispatchers, admins and systems see every
// event; reporters their own; departments those assigned to them; grid
// workers those in their cells or dispatched to them.
func (s *Service) Event(ctx context.Context, actor Actor, id string) (*Event, error) {
	id = strings.TrimSpace(id)
	var ev *Event
	var err error
	if ids.Valid(id) {
		ev, err = s.store.Event(ctx, id)
	} else {
		ev, err = s.store.EventByCode(ctx, id)
	}
	if errs.Is(err, errs.NotFound) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load event: %w", err)
	}
	if err := s.see(ctx, &work{s: s, actor: actor}, ev); err != nil {
		return nil, err
	}
	return ev, nil
}

// Trace returns the steps of the event with id, if the actor may see it.
func (s *Service) Trace(ctx context.Context, actor Actor, id string) (*Event, []*Step, error) {
	ev, err := s.Event(ctx, actor, id)
	if err != nil {
		return nil, nil, err
	}
	steps, err := s.store.Trace(ctx, ev.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("event trace: %w", err)
	}
	return ev, append([]*Step{ReportStep(ev)}, steps...), nil
}

// see returns errNotFound unless the work's actor may see ev.
func (s *Service) see(ctx context.Context, w *work, ev *Event) error {
	a := w.actor
	switch {
	case a.IsDispatcher(), a.Kind == ActorClient:
		return nil
	case a.ID != "" && (a.ID == ev.ReporterID || a.ID == ev.AssigneeWorker):
		return nil
	case a.IsDepartmentStaff(ev.AssigneeDept):
		return nil
	case a.IsGridWorker():
		cells, err := w.workerCells(ctx)
		if err != nil {
			return err
		}
		if covers(cells, ev.Chain) {
			return nil
		}
	}
	return errNotFound
}

// Allowed returns the actions the actor may take on ev now (for pages:
// the service still checks each action when it is taken).
func (s *Service) Allowed(ctx context.Context, actor Actor, ev *Event) []ActionKind {
	w := &work{s: s, actor: actor}
	var out []ActionKind
	for _, k := range Actions {
		if ev.DuplicateOf != "" || !allowsFrom(k, ev.State) {
			continue
		}
		if k == ActEscalate && ev.Escalation >= len(ev.Chain)-1 {
			continue
		}
		if w.authorize(ctx, ev, Action{Kind: k}) == nil {
			out = append(out, k)
		}
	}
	return out
}

// List returns one page of the events matching f that the actor may see,
// newest reported first.
func (s *Service) List(ctx context.Context, actor Actor, f Filter) (Page, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit, f.Offset = min(f.Limit, 5000), max(f.Offset, 0)
	for _, st := range f.States {
		if !ValidState(st) {
			return Page{}, errs.Field("state", "events.state_unknown", fmt.Sprintf("状态 %.20q 无效", st), fmt.Sprintf("unknown state %.20q", st))
		}
	}
	switch f.Synthetic {
	case "", "only", "none":
	default:
		return Page{}, errs.Field("synthetic", "events.synthetic_filter", "synthetic 应为 only 或 none", "synthetic is only or none")
	}
	if f.Category != "" {
		cats, err := s.Categories(ctx)
		if err != nil {
			return Page{}, err
		}
		f.Categories = []string{f.Category}
		for _, c := range cats.Children(f.Category) {
			f.Categories = append(f.Categories, c.Code)
		}
	}
	scope, err := s.scope(ctx, actor)
	if err != nil {
		return Page{}, err
	}
	if f.Grid != "" {
		ix, err := s.d.Grid.Index(ctx)
		if err != nil {
			return Page{}, fmt.Errorf("grid index: %w", err)
		}
		if ix.Cell(f.Grid) == nil {
			return Page{}, errs.Field("grid", "events.grid_unknown", fmt.Sprintf("网格 %.32q 不存在", f.Grid),
				fmt.Sprintf("there is no grid cell %.32q", f.Grid))
		}
		f.Street = streetOf(ix, f.Grid)
		f.Grid = chainOf(ix, f.Grid)
	}
	p, err := s.store.List(ctx, f, scope)
	if err != nil {
		return Page{}, fmt.Errorf("list events: %w", err)
	}
	return p, nil
}

// scope is what the actor may see in listings.
func (s *Service) scope(ctx context.Context, actor Actor) (Scope, error) {
	if actor.IsDispatcher() || actor.Kind == ActorClient {
		return Scope{All: true}, nil
	}
	if actor.ID == "" {
		return Scope{}, errs.E(errs.Unauthenticated, "login.required", "请先登录", "Please sign in first.")
	}
	sc := Scope{Account: actor.ID}
	if actor.IsHandler() {
		sc.Department = actor.Department
	}
	if actor.IsGridWorker() {
		cells, err := s.store.WorkerCells(ctx, actor.ID)
		if err != nil {
			return Scope{}, fmt.Errorf("grid worker's cells: %w", err)
		}
		ix, err := s.d.Grid.Index(ctx)
		if err != nil {
			return Scope{}, fmt.Errorf("grid index: %w", err)
		}
		for _, c := range compress(ix, cells) {
			sc.Chains = append(sc.Chains, chainOf(ix, c))
			sc.Streets = append(sc.Streets, streetOf(ix, c))
		}
	}
	return sc, nil
}

// chainOf returns the stored chain of the cell code: the codes from the
// top level down to it, joined by "/".
func chainOf(ix *grid.Index, code string) string {
	chain := ix.Chain(code)
	if len(chain) == 0 {
		return code
	}
	parts := make([]string, len(chain))
	for i, c := range chain {
		parts[i] = c.Code
	}
	return strings.Join(parts, "/")
}

// streetOf returns the street of the cell code's chain, or "" when the
// cell is above the streets.
func streetOf(ix *grid.Index, code string) string {
	for _, c := range ix.Chain(code) {
		if c.Level == grid.Street {
			return c.Code
		}
	}
	return ""
}

// compress replaces cells whose siblings are all present by their parent,
// repeatedly, so that a worker of a whole street is one prefix.
func compress(ix *grid.Index, cells []string) []string {
	set := map[string]bool{}
	for _, c := range cells {
		set[c] = true
	}
	for changed := true; changed; {
		changed = false
		byParent := map[string]int{}
		for c := range set {
			if cell := ix.Cell(c); cell != nil && ix.Cell(cell.Parent) != nil {
				byParent[cell.Parent]++
			}
		}
		for p, n := range byParent {
			kids := ix.Children(p)
			if n == len(kids) && n > 0 {
				for _, k := range kids {
					delete(set, k.Code)
				}
				set[p] = true
				changed = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// Visibility returns a test of which events the actor may see, for
// filtering live changes the way [Service.List] filters listings.
func (s *Service) Visibility(ctx context.Context, actor Actor) (func(*Event) bool, error) {
	sc, err := s.scope(ctx, actor)
	if err != nil {
		return nil, err
	}
	if sc.All {
		return func(*Event) bool { return true }, nil
	}
	return func(ev *Event) bool {
		if sc.Account != "" && (ev.ReporterID == sc.Account || ev.AssigneeWorker == sc.Account) {
			return true
		}
		if sc.Department != "" && ev.AssigneeDept == sc.Department {
			return true
		}
		chain := ev.ChainString()
		for _, c := range sc.Chains {
			if chain == c || strings.HasPrefix(chain, c+"/") {
				return true
			}
		}
		return false
	}, nil
}
