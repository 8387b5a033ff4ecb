package approval

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/exchange"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// Registries reads the shared registries; exchange.Service implements it.
type Registries interface {
	ReadMany(ctx context.Context, reqs []exchange.Request) ([]exchange.Answer, error)
	ReadVersion(ctx context.Context, vr exchange.VersionRequest) (*exchange.Result, error)
	Dataset(name string) (*exchange.Dataset, error)
}

// Catalog reads service items and departments; catalogsql.Store
// implements it.
type Catalog interface {
	FindItem(ctx context.Context, code string) (*catalog.Item, error)
	FindDepartment(ctx context.Context, code string) (*catalog.Department, error)
}

// Accounts finds accounts; identity.Service implements it.
type Accounts interface {
	AccountByLogin(ctx context.Context, login string) (*identity.Account, error)
}

// Deps are what the service needs; all but Now and Log are required.
type Deps struct {
	Store      Store
	Registries Registries
	Catalog    Catalog
	Accounts   Accounts
	Cases      *cases.Service
	Now        func() time.Time
	Log        *slog.Logger
	// CacheFor is how long a published rule set is used before checking
	// for a newer one published by another instance (default 5 s; this
	// instance's own publications take effect at once).
	CacheFor time.Duration
}

// Service manages rule sets, evaluates applications and records
// decisions. It is safe for concurrent use.
type Service struct {
	d Deps

	mu    sync.Mutex
	cache map[string]*cached // by item code
}

// cached is an item's published program, or the knowledge that it has
// none.
type cached struct {
	rs      *RuleSet // nil: no published rule set
	prg     *Program
	fetched time.Time
}

// NewService returns the service, or an error naming a missing
// dependency.
func NewService(d Deps) (*Service, error) {
	if d.Store == nil || d.Registries == nil || d.Catalog == nil || d.Accounts == nil || d.Cases == nil {
		return nil, errors.New("approval: Store, Registries, Catalog, Accounts and Cases are required")
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.CacheFor <= 0 {
		d.CacheFor = 5 * time.Second
	}
	return &Service{d: d, cache: map[string]*cached{}}, nil
}

func (s *Service) now() time.Time { return s.d.Now().UTC().Truncate(time.Microsecond) }

// datasets checks dataset names for Compile.
func (s *Service) datasets(name string) error {
	_, err := s.d.Registries.Dataset(name)
	return err
}

// Compile parses and compiles a rule set source against the registries'
// datasets.
func (s *Service) Compile(src []byte) (*Program, error) { return ParseAndCompile(src, s.datasets) }

// current returns the item's published rule set and program, or nil ones
// when it has none.
func (s *Service) current(ctx context.Context, itemCode string) (*RuleSet, *Program, error) {
	now := time.Now()
	s.mu.Lock()
	c := s.cache[itemCode]
	s.mu.Unlock()
	if c != nil && now.Sub(c.fetched) < s.d.CacheFor {
		return c.rs, c.prg, nil
	}
	rs, err := s.d.Store.LatestPublished(ctx, itemCode)
	switch {
	case errs.Is(err, errs.NotFound):
		c = &cached{fetched: now}
	case err != nil:
		return nil, nil, fmt.Errorf("published rule set of %s: %w", itemCode, err)
	case c != nil && c.rs != nil && c.rs.Version == rs.Version:
		c = &cached{rs: c.rs, prg: c.prg, fetched: now}
	default:
		prg, err := s.Compile([]byte(rs.Source))
		if err != nil {
			return nil, nil, fmt.Errorf("published rule set %s v%d does not compile: %w", itemCode, rs.Version, err)
		}
		c = &cached{rs: rs, prg: prg, fetched: now}
	}
	s.mu.Lock()
	s.cache[itemCode] = c
	s.mu.Unlock()
	return c.rs, c.prg, nil
}

// forget drops an item's cached rule set.
func (s *Service) forget(itemCode string) {
	s.mu.Lock()
	delete(s.cache, itemCode)
	s.mu.Unlock()
}

// Decides reports whether applications for the item are decided
// instantly (it has a published rule set).
func (s *Service) Decides(ctx context.Context, itemCode string) (bool, error) {
	rs, _, err := s.current(ctx, itemCode)
	return rs != nil, err
}

// errSignIn is returned to anonymous callers.
func errSignIn() error {
	return errs.E(errs.Unauthenticated, "login.required", "请先登录", "Please sign in first.")
}

// mayAuthor returns nil when actor may write and publish the rule sets of
// department: its department administrators and platform administrators.
func mayAuthor(actor *identity.Account, department string) error {
	if actor == nil || actor.Disabled {
		return errSignIn()
	}
	if actor.IsStaff() && (actor.HasRole(identity.PlatformAdmin) ||
		(actor.HasRole(identity.DeptAdmin) && actor.Department == department)) {
		return nil
	}
	return errs.E(errs.Forbidden, "approval.forbidden", "只有本部门管理员可以编写和发布秒批规则",
		"only the department's administrators may write and publish its instant-approval rules")
}

// mayTry returns nil when actor may dry-run the rules of department and
// read its decisions: its staff (caseworkers and administrators) and
// platform administrators. A nil actor is the operator at the command
// line, who may.
func mayTry(actor *identity.Account, department string, operator bool) error {
	if actor == nil && operator {
		return nil
	}
	if actor == nil || actor.Disabled {
		return errSignIn()
	}
	if actor.IsStaff() && (actor.HasRole(identity.PlatformAdmin) ||
		((actor.HasRole(identity.DeptAdmin) || actor.HasRole(identity.Caseworker)) && actor.Department == department)) {
		return nil
	}
	return errs.E(errs.Forbidden, "approval.forbidden_try", "只有本部门工作人员可以试运行秒批规则",
		"only the department's staff may try its instant-approval rules")
}
