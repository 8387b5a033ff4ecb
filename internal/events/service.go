package events

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/files"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// Grids gives the current grid index; grid.Service implements it.
type Grids interface {
	Index(ctx context.Context) (*grid.Index, error)
}

// Departments lists the departments categories may name;
// catalog.Service implements it.
type Departments interface {
	Departments(ctx context.Context) ([]*catalog.Department, error)
}

// Accounts finds accounts, to check grid workers; identity.Service
// implements it.
type Accounts interface {
	AccountByID(ctx context.Context, id string) (*identity.Account, error)
}

// Files opens stored uploads, to check photos; files.Store implements it.
type Files interface {
	Open(ctx context.Context, sha string) (io.ReadCloser, files.Blob, error)
}

// Config tunes the service. Zero fields take the defaults.
type Config struct {
	// DuplicateRadiusM and DuplicateWindow define possible duplicates:
	// open events of the same category within this distance (50 m) and
	// time (24 h).
	DuplicateRadiusM float64
	DuplicateWindow  time.Duration
	// MaxBatch bounds the reports of one batch (5,000).
	MaxBatch int
	// MaxAge bounds how long ago a report may say it was seen (30 days);
	// the platform itself (the simulation) is exempt.
	MaxAge time.Duration
	// MaxPhotos bounds the photos of a report or an action (9).
	MaxPhotos int
}

func (c *Config) complete() {
	if c.DuplicateRadiusM <= 0 {
		c.DuplicateRadiusM = 50
	}
	if c.DuplicateWindow <= 0 {
		c.DuplicateWindow = 24 * time.Hour
	}
	if c.MaxBatch <= 0 {
		c.MaxBatch = 5000
	}
	if c.MaxAge <= 0 {
		c.MaxAge = 30 * 24 * time.Hour
	}
	if c.MaxPhotos <= 0 {
		c.MaxPhotos = 9
	}
}

// Deps are what the service needs.
type Deps struct {
	Store Store // required
	Grid  Grids // required
	// Files checks that photos exist and are images; nil accepts none.
	Files Files
	// Departments validates categories' departments; nil accepts any code.
	Departments Departments
	// Accounts checks that dispatch targets and assigned workers are grid
	// workers; nil skips the check.
	Accounts Accounts
	// Broker receives every change after its commit; nil makes one.
	Broker *Broker
	Config Config
	Now    func() time.Time
	Log    *slog.Logger
}

// Service is grid events: categories, reports, the lifecycle, SLA
// escalation, statistics and live changes. It is safe for concurrent use,
// and several instances may share one database.
type Service struct {
	d      Deps
	store  Store
	cats   categoryCache
	recent *recent
	origin string // this instance, in the change feed

	centMu sync.Mutex
	centIx *grid.Index
	cents  map[string]grid.Point
}

// NewService returns the service, or an error naming a missing dependency.
func NewService(d Deps) (*Service, error) {
	if d.Store == nil || d.Grid == nil {
		return nil, errors.New("events: Store and Grid are required")
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Broker == nil {
		d.Broker = NewBroker()
	}
	d.Config.complete()
	s := &Service{d: d, store: d.Store, origin: ids.New(),
		recent: newRecent(d.Config.DuplicateRadiusM, d.Config.DuplicateWindow)}
	s.cats = categoryCache{store: d.Store, ttl: 10 * time.Second}
	return s, nil
}

// Now returns the service's current time in UTC, to the microsecond.
func (s *Service) Now() time.Time { return s.d.Now().UTC().Truncate(time.Microsecond) }

// Broker returns the broker the service publishes changes to.
func (s *Service) Broker() *Broker { return s.d.Broker }

// Config returns the service's configuration.
func (s *Service) Config() Config { return s.d.Config }

// categoryCache keeps the categories for a few seconds, so that reports
// do not read them each time while edits on other instances still show
// soon.
type categoryCache struct {
	store Store
	ttl   time.Duration

	mu     sync.Mutex
	cats   Categories
	loaded time.Time
}

func (c *categoryCache) get(ctx context.Context) (Categories, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cats != nil && time.Since(c.loaded) < c.ttl {
		return c.cats, nil
	}
	cs, err := c.store.Categories(ctx)
	if err != nil {
		return nil, fmt.Errorf("event categories: %w", err)
	}
	if len(cs) == 0 {
		defs := DefaultCategories()
		now := time.Now().UTC().Truncate(time.Microsecond)
		for _, d := range defs {
			d.UpdatedAt, d.UpdatedBy = now, "system"
		}
		if _, err := c.store.SeedCategories(ctx, defs); err != nil {
			return nil, fmt.Errorf("seed event categories: %w", err)
		}
		if cs, err = c.store.Categories(ctx); err != nil {
			return nil, fmt.Errorf("event categories: %w", err)
		}
	}
	c.cats, c.loaded = sortCategories(cs), time.Now()
	return c.cats, nil
}

func (c *categoryCache) invalidate() {
	c.mu.Lock()
	c.cats = nil
	c.mu.Unlock()
}

// SeedCategories inserts the default categories that are missing (edited
// ones are left as they are) and returns how many it inserted.
func (s *Service) SeedCategories(ctx context.Context) (int, error) {
	now := s.Now()
	cs := DefaultCategories()
	for _, c := range cs {
		c.UpdatedAt, c.UpdatedBy = now, "system"
	}
	n, err := s.store.SeedCategories(ctx, cs)
	if err != nil {
		return 0, fmt.Errorf("seed event categories: %w", err)
	}
	s.cats.invalidate()
	return n, nil
}
