package insights

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
)

// day is 24 hours; windows are counted in them.
const day = 24 * time.Hour

// Policy tunes the rankings. Zero fields take the defaults given.
type Policy struct {
	// PopularWindow is how far back Popular counts applications;
	// defaults to 30 days.
	PopularWindow time.Duration
	// RelatedWindow is how far back Related pairs an applicant's
	// applications; defaults to 180 days.
	RelatedWindow time.Duration
	// GuideWindow is how far back Guide reads which item applicants took
	// first; defaults to 365 days.
	GuideWindow time.Duration
	// HistoryWindow is how far back Recommend reads what someone applied
	// for (and so will not suggest again); defaults to 180 days.
	HistoryWindow time.Duration
	// MinSupport is how many applicants a pair of items needs before
	// Related or Guide draws anything from it; defaults to 3.
	MinSupport int
	// City is the division-code prefix of the city's own household
	// registration (户籍), for profiles; defaults to "4403" (Shenzhen).
	City string
	// CacheTTL is how long rankings and indicators are reused before they
	// are computed again; defaults to 5 minutes, negative disables the
	// cache.
	CacheTTL time.Duration
}

func (p Policy) withDefaults() Policy {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&p.PopularWindow, 30*day)
	def(&p.RelatedWindow, 180*day)
	def(&p.GuideWindow, 365*day)
	def(&p.HistoryWindow, 180*day)
	if p.MinSupport <= 0 {
		p.MinSupport = 3
	}
	if p.City == "" {
		p.City = "4403"
	}
	if p.CacheTTL == 0 {
		p.CacheTTL = 5 * time.Minute
	}
	return p
}

// Deps are what the service needs; Store and Catalog are required.
type Deps struct {
	Store   Store
	Catalog Catalog
	Policy  Policy
	// Now is the clock every window ends at; defaults to time.Now.
	Now func() time.Time
	// Log defaults to slog.Default().
	Log *slog.Logger
}

// Service ranks items, recommends them and computes the public
// indicators. It is safe for concurrent use.
type Service struct {
	store   Store
	catalog Catalog
	policy  Policy
	now     func() time.Time
	log     *slog.Logger
	cache   *cache

	mu    sync.Mutex
	index *catalogIndex
}

// NewService returns the service, or an error naming a missing
// dependency.
func NewService(d Deps) (*Service, error) {
	if d.Store == nil || d.Catalog == nil {
		return nil, errors.New("insights: Store and Catalog are required")
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	p := d.Policy.withDefaults()
	return &Service{store: d.Store, catalog: d.Catalog, policy: p, now: d.Now, log: d.Log, cache: newCache(p.CacheTTL)}, nil
}

// Policy returns the policy in force, defaults filled in.
func (s *Service) Policy() Policy { return s.policy }

// Now returns the service's current time, in UTC.
func (s *Service) Now() time.Time { return s.now().UTC() }

// catalogIndex is the catalogue in memory at one revision.
type catalogIndex struct {
	revision   int64
	items      map[string]*catalog.Item
	ordered    []*catalog.Item // by code: the catalogue's order
	themes     []*catalog.Theme
	themeByKey map[string]*catalog.Theme
	themeItems map[string][]*catalog.Item // by code
	depts      []*catalog.Department
	deptByCode map[string]*catalog.Department
}

// catalogue returns the catalogue in memory, reloading it when its
// revision changed since the last load.
func (s *Service) catalogue(ctx context.Context) (*catalogIndex, error) {
	rev, err := s.catalog.Revision(ctx)
	if err != nil {
		return nil, fmt.Errorf("catalogue revision: %w", err)
	}
	s.mu.Lock()
	idx := s.index
	s.mu.Unlock()
	if idx != nil && idx.revision == rev {
		return idx, nil
	}
	idx, err = s.loadCatalogue(ctx, rev)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.index = idx
	s.mu.Unlock()
	return idx, nil
}

func (s *Service) loadCatalogue(ctx context.Context, rev int64) (*catalogIndex, error) {
	items, _, err := s.catalog.Items(ctx, catalog.ItemFilter{})
	if err != nil {
		return nil, fmt.Errorf("load catalogue items: %w", err)
	}
	themes, err := s.catalog.Themes(ctx)
	if err != nil {
		return nil, fmt.Errorf("load themes: %w", err)
	}
	depts, err := s.catalog.Departments(ctx)
	if err != nil {
		return nil, fmt.Errorf("load departments: %w", err)
	}
	idx := &catalogIndex{revision: rev, items: map[string]*catalog.Item{}, ordered: items, themes: themes,
		themeByKey: map[string]*catalog.Theme{}, themeItems: map[string][]*catalog.Item{},
		depts: depts, deptByCode: map[string]*catalog.Department{}}
	for _, it := range items {
		idx.items[it.Code] = it
		for _, t := range it.Themes {
			idx.themeItems[t] = append(idx.themeItems[t], it)
		}
	}
	for _, t := range themes {
		idx.themeByKey[t.Code] = t
	}
	for _, d := range depts {
		idx.deptByCode[d.Code] = d
	}
	return idx, nil
}

// Themes returns the catalogue's themes, person themes first.
func (s *Service) Themes(ctx context.Context) ([]*catalog.Theme, error) {
	idx, err := s.catalogue(ctx)
	if err != nil {
		return nil, err
	}
	return idx.themes, nil
}

// Departments returns the departments by code.
func (s *Service) Departments(ctx context.Context) ([]*catalog.Department, error) {
	idx, err := s.catalogue(ctx)
	if err != nil {
		return nil, err
	}
	return idx.depts, nil
}

// department returns the department with code, or an errs.Invalid error
// naming the field "department" when there is none.
func (idx *catalogIndex) department(code string) (*catalog.Department, error) {
	if d := idx.deptByCode[code]; d != nil {
		return d, nil
	}
	return nil, errUnknownDepartment(code)
}
