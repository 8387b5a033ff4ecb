package grid

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// Service is the governance grid: import and validation of cells, the
// specialised layers, listings, and point location through an in-memory
// [Index] that follows the database's revision. It is safe for concurrent
// use, and several instances may share one database.
type Service struct {
	store CellStore
	now   func() time.Time
	log   *slog.Logger

	index   atomic.Pointer[Index]
	buildMu sync.Mutex // one build at a time
}

// NewService returns a service on store. now may be nil for time.Now; log
// may be nil for slog.Default.
func NewService(store CellStore, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	return &Service{store: store, now: now, log: log}
}

// Now returns the service's current time in UTC, to the microsecond.
func (s *Service) Now() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Levels returns the levels by rank.
func (s *Service) Levels(ctx context.Context) (Levels, error) {
	ls, err := s.store.Levels(ctx)
	if err != nil {
		return nil, fmt.Errorf("grid levels: %w", err)
	}
	return ls, nil
}

// AddLevel adds a level below the finest one, e.g. buildings.
func (s *Service) AddLevel(ctx context.Context, name Level, title, titleEN string) error {
	ls, err := s.Levels(ctx)
	if err != nil {
		return err
	}
	if !validCode(string(name)) || !validName(title) || !validName(titleEN) {
		return errs.E(errs.Invalid, "grid.level.invalid", "层级名称应为字母、数字，标题为 1–100 个字符",
			"a level's name must be letters and digits, its titles 1–100 characters")
	}
	rank := 1
	for _, l := range ls {
		rank = max(rank, l.Rank+1)
	}
	if err := s.store.AddLevel(ctx, LevelInfo{Name: name, Rank: rank, Title: title, TitleEN: titleEN}); err != nil {
		return fmt.Errorf("add level %s: %w", name, err)
	}
	s.invalidate()
	return nil
}

// Cells lists the cells of level (and, when parent is not empty, only
// those in parent), by code, from the database. An unknown level is an
// errs.Invalid error on field "level".
func (s *Service) Cells(ctx context.Context, level Level, parent string) ([]*Cell, error) {
	ls, err := s.Levels(ctx)
	if err != nil {
		return nil, err
	}
	if _, ok := ls.Find(level); !ok {
		return nil, errs.Field("level", "grid.level_unknown",
			fmt.Sprintf("层级 %.30q 未定义（可用：%v）", level, ls.Names()),
			fmt.Sprintf("unknown level %.30q (known: %v)", level, ls.Names()))
	}
	cells, err := s.store.FindCells(ctx, level, parent)
	if err != nil {
		return nil, fmt.Errorf("grid cells: %w", err)
	}
	return cells, nil
}

// Cell returns the cell with code.
func (s *Service) Cell(ctx context.Context, code string) (*Cell, error) {
	return s.store.FindCell(ctx, code)
}

// Counts returns how many cells each level has.
func (s *Service) Counts(ctx context.Context) (map[Level]int, error) {
	n, err := s.store.CountCells(ctx)
	if err != nil {
		return nil, fmt.Errorf("count cells: %w", err)
	}
	return n, nil
}

// Revision returns the grid's revision in the database, which every change
// of cells or layers increases.
func (s *Service) Revision(ctx context.Context) (int64, error) {
	rev, err := s.store.Revision(ctx)
	if err != nil {
		return 0, fmt.Errorf("grid revision: %w", err)
	}
	return rev, nil
}

// Index returns the current index, building it from the database the first
// time and after this instance's own changes. Changes made by other
// instances are picked up by [Service.Refresh] (see [Service.Watch]).
func (s *Service) Index(ctx context.Context) (*Index, error) {
	if ix := s.index.Load(); ix != nil {
		return ix, nil
	}
	return s.rebuild(ctx, -1)
}

// Refresh rebuilds the index if the database's revision differs from the
// index's.
func (s *Service) Refresh(ctx context.Context) error {
	rev, err := s.store.Revision(ctx)
	if err != nil {
		return fmt.Errorf("grid revision: %w", err)
	}
	if ix := s.index.Load(); ix != nil && ix.revision == rev {
		return nil
	}
	_, err = s.rebuild(ctx, rev)
	return err
}

// Watch calls Refresh every interval until ctx ends, logging failures.
func (s *Service) Watch(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.Refresh(ctx); err != nil && ctx.Err() == nil {
				s.log.ErrorContext(ctx, "grid index refresh", "err", err)
			}
		}
	}
}

// invalidate drops the index after a change made here.
func (s *Service) invalidate() { s.index.Store(nil) }

// rebuild loads the grid and builds an index, unless another caller built
// one of revision want (or any, for want < 0) meanwhile.
func (s *Service) rebuild(ctx context.Context, want int64) (*Index, error) {
	s.buildMu.Lock()
	defer s.buildMu.Unlock()
	if ix := s.index.Load(); ix != nil && (want < 0 || ix.revision == want) {
		return ix, nil
	}
	start := time.Now()
	ix, err := s.load(ctx)
	if err != nil {
		return nil, err
	}
	s.index.Store(ix)
	s.log.InfoContext(ctx, "grid index built", "revision", ix.revision, "cells", len(ix.cells),
		"took", time.Since(start).Round(time.Millisecond))
	return ix, nil
}

func (s *Service) load(ctx context.Context) (*Index, error) {
	rev, err := s.store.Revision(ctx)
	if err != nil {
		return nil, fmt.Errorf("load grid: %w", err)
	}
	levels, err := s.store.Levels(ctx)
	if err != nil {
		return nil, fmt.Errorf("load grid: %w", err)
	}
	cells, err := s.store.AllCells(ctx)
	if err != nil {
		return nil, fmt.Errorf("load grid: %w", err)
	}
	layers, err := s.store.Layers(ctx)
	if err != nil {
		return nil, fmt.Errorf("load grid: %w", err)
	}
	zones, err := s.store.Zones(ctx)
	if err != nil {
		return nil, fmt.Errorf("load grid: %w", err)
	}
	as, err := s.store.Assignments(ctx)
	if err != nil {
		return nil, fmt.Errorf("load grid: %w", err)
	}
	return NewIndex(rev, levels, cells, layers, zones, as), nil
}

// Located is the answer of [Service.Locate].
type Located struct {
	Input    Point // as given
	CRS      CRS   // of Input
	Point    Point // in WGS84
	Location       // the cells and zones at Point
}

// Locate finds the cells and zones at (lon, lat), given in crs. Bad
// coordinates are errs.Invalid; a point outside the grid is errs.NotFound.
func (s *Service) Locate(ctx context.Context, lon, lat float64, crs CRS) (*Located, error) {
	if math.IsNaN(lon) || math.IsNaN(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90 {
		return nil, errs.E(errs.Invalid, "grid.locate.range", "经度应在 -180 到 180 之间，纬度应在 -90 到 90 之间",
			"longitude must lie between -180 and 180 and latitude between -90 and 90")
	}
	ix, err := s.Index(ctx)
	if err != nil {
		return nil, err
	}
	in := Point{lon, lat}
	p := ToWGS84(in, crs)
	loc := ix.Locate(p)
	if len(loc.Chain) == 0 {
		return nil, errs.E(errs.NotFound, "grid.locate.outside",
			fmt.Sprintf("该点（WGS84 %.6f, %.6f）不在任何网格内", p[0], p[1]),
			fmt.Sprintf("the point (WGS84 %.6f, %.6f) lies in no grid cell", p[0], p[1]))
	}
	return &Located{Input: in, CRS: crs, Point: p, Location: loc}, nil
}
