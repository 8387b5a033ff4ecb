package events

import (
	"context"
	"fmt"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// LoginFinder finds accounts by login name; identity.Service implements it.
type LoginFinder interface {
	AccountByLogin(ctx context.Context, login string) (*identity.Account, error)
}

// DemoOptions tune [SeedDemo].
type DemoOptions struct {
	// Worker is the login of the demo grid worker (grid-xa), assigned the
	// micro-grids of Street (440306017, 新安街道) unless already assigned.
	Worker string
	Street string
	// Days and PerDay size the synthetic history generated when there are
	// no events yet; 0 days generates none.
	Days, PerDay int
	Seed         uint64
}

// DemoReport says what SeedDemo did.
type DemoReport struct {
	Categories  int // default categories inserted
	WorkerCells int // micro-grids assigned to the demo grid worker
	Events      int // synthetic events generated
}

// SeedDemo prepares the demo city's grid events: the default categories,
// the demo grid worker's micro-grids, and on the first start a short
// synthetic history (labelled synthetic) so that the map, the queues and
// the statistics have something to show. It is safe to run on every
// start.
func SeedDemo(ctx context.Context, s *Service, accounts LoginFinder, o DemoOptions) (DemoReport, error) {
	var rep DemoReport
	var err error
	if rep.Categories, err = s.SeedCategories(ctx); err != nil {
		return rep, err
	}
	if o.Worker != "" {
		if rep.WorkerCells, err = s.seedWorker(ctx, accounts, o.Worker, o.Street); err != nil {
			return rep, err
		}
	}
	if o.Days <= 0 || o.PerDay <= 0 {
		return rep, nil
	}
	p, err := s.List(ctx, SystemActor("demo"), Filter{Limit: 1})
	if err != nil || len(p.Events) > 0 {
		return rep, err
	}
	sim, err := s.Simulate(ctx, SimOptions{Days: o.Days, PerDay: o.PerDay, Seed: o.Seed})
	if err != nil {
		return rep, fmt.Errorf("demo events: %w", err)
	}
	rep.Events = sim.Events
	return rep, nil
}

// seedWorker assigns the micro-grids of street to the grid worker login,
// unless the worker has cells already.
func (s *Service) seedWorker(ctx context.Context, accounts LoginFinder, login, street string) (int, error) {
	acc, err := accounts.AccountByLogin(ctx, login)
	if errs.Is(err, errs.NotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("demo grid worker: %w", err)
	}
	have, err := s.store.WorkerCells(ctx, acc.ID)
	if err != nil || len(have) > 0 {
		return 0, err
	}
	ix, err := s.d.Grid.Index(ctx)
	if err != nil {
		return 0, fmt.Errorf("grid index: %w", err)
	}
	var cells []string
	for _, community := range ix.Children(street) {
		for _, m := range ix.Cells(grid.Microgrid, community.Code) {
			cells = append(cells, m.Code)
		}
	}
	if len(cells) == 0 {
		return 0, nil
	}
	got, err := s.AssignCells(ctx, SystemActor("demo"), acc.ID, cells)
	return len(got), err
}
