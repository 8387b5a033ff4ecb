package events

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// MaxWorkerCells bounds the cells one grid worker is assigned to.
const MaxWorkerCells = 5000

// AssignCells makes cells (of any level: a micro-grid, or a whole
// community) the grid worker account's responsibility, replacing what it
// had. Platform admins and dispatchers may.
func (s *Service) AssignCells(ctx context.Context, actor Actor, account string, cells []string) ([]string, error) {
	if !actor.IsDispatcher() {
		return nil, errs.E(errs.Forbidden, "events.workers.forbidden", "只有调度员和平台管理员可以分配网格员",
			"Only dispatchers and platform admins may assign grid workers.")
	}
	if _, err := s.gridWorker(ctx, account); err != nil {
		return nil, err
	}
	if len(cells) > MaxWorkerCells {
		return nil, errs.Field("cells", "events.workers.many", fmt.Sprintf("每名网格员最多负责 %d 个网格", MaxWorkerCells),
			fmt.Sprintf("a grid worker has at most %d cells", MaxWorkerCells))
	}
	ix, err := s.d.Grid.Index(ctx)
	if err != nil {
		return nil, fmt.Errorf("grid index: %w", err)
	}
	var clean []string
	for _, c := range cells {
		c = strings.TrimSpace(c)
		if c == "" || slices.Contains(clean, c) {
			continue
		}
		if ix.Cell(c) == nil {
			return nil, errs.Field("cells", "events.grid_unknown", fmt.Sprintf("网格 %.32q 不存在", c),
				fmt.Sprintf("there is no grid cell %.32q", c))
		}
		clean = append(clean, c)
	}
	slices.Sort(clean)
	if err := s.store.SetWorkerCells(ctx, account, clean, actor.Name, s.Now()); err != nil {
		return nil, fmt.Errorf("assign grid worker: %w", err)
	}
	return clean, nil
}

// WorkerCells returns the cells the grid worker account is assigned to.
// Workers see their own; dispatchers and admins anyone's.
func (s *Service) WorkerCells(ctx context.Context, actor Actor, account string) ([]string, error) {
	if actor.ID != account && !actor.IsDispatcher() {
		return nil, errForbidden
	}
	cells, err := s.store.WorkerCells(ctx, account)
	if err != nil {
		return nil, fmt.Errorf("grid worker's cells: %w", err)
	}
	return cells, nil
}

// Workers returns the grid workers responsible for a cell: those assigned
// to it or to a cell above it.
func (s *Service) Workers(ctx context.Context, actor Actor, cell string) ([]string, error) {
	if !actor.IsStaffViewer() {
		return nil, errForbidden
	}
	ix, err := s.d.Grid.Index(ctx)
	if err != nil {
		return nil, fmt.Errorf("grid index: %w", err)
	}
	var chain []string
	for _, c := range ix.Chain(cell) {
		chain = append(chain, c.Code)
	}
	if len(chain) == 0 {
		return nil, nil
	}
	ws, err := s.store.CellWorkers(ctx, chain)
	if err != nil {
		return nil, fmt.Errorf("grid workers of a cell: %w", err)
	}
	return ws, nil
}

// CheckIn records a grid worker's patrol check-in (巡查打卡) at a point
// given in crs, and says whether it lies in one of the worker's cells.
func (s *Service) CheckIn(ctx context.Context, actor Actor, lon, lat float64, crs grid.CRS) (*Patrol, error) {
	if !actor.IsGridWorker() {
		return nil, errs.E(errs.Forbidden, "events.patrol.forbidden", "只有网格员可以巡查打卡", "Only grid workers check in on patrol.")
	}
	ix, err := s.d.Grid.Index(ctx)
	if err != nil {
		return nil, fmt.Errorf("grid index: %w", err)
	}
	p := &Patrol{ID: ids.New(), AccountID: actor.ID, At: s.Now()}
	loc, pt, err := locate(ix, lon, lat, crs)
	if err != nil && !errs.Is(err, errs.Invalid) {
		return nil, err
	}
	if loc.Cell() == nil && (pt == grid.Point{}) {
		return nil, err
	}
	p.Lon, p.Lat = pt[0], pt[1]
	if c := loc.Cell(); c != nil {
		p.Cell = c.Code
		cells, err := s.store.WorkerCells(ctx, actor.ID)
		if err != nil {
			return nil, fmt.Errorf("grid worker's cells: %w", err)
		}
		var chain []string
		for _, c := range loc.Chain {
			chain = append(chain, c.Code)
		}
		p.Inside = covers(cells, chain)
	}
	if err := s.store.AddPatrol(ctx, p); err != nil {
		return nil, fmt.Errorf("record check-in: %w", err)
	}
	return p, nil
}

// Patrols returns a grid worker's check-ins of the last days, newest
// first: their own, or anyone's for dispatchers.
func (s *Service) Patrols(ctx context.Context, actor Actor, account string, days int) ([]*Patrol, error) {
	if actor.ID != account && !actor.IsDispatcher() {
		return nil, errForbidden
	}
	since := s.Now().Add(-time.Duration(max(days, 1)) * 24 * time.Hour)
	ps, err := s.store.Patrols(ctx, account, since, 500)
	if err != nil {
		return nil, fmt.Errorf("patrols: %w", err)
	}
	return ps, nil
}
