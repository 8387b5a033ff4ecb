package cases

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/files"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/notify"
)

// Catalog reads the service catalogue; catalogsql.Store implements it.
type Catalog interface {
	FindItem(ctx context.Context, code string) (*catalog.Item, error)
	FindDepartment(ctx context.Context, code string) (*catalog.Department, error)
}

// Accounts finds accounts; identity.Service implements it.
type Accounts interface {
	AccountByID(ctx context.Context, id string) (*identity.Account, error)
	// AccountByLogin finds an account by username, identity number,
	// credit code or phone.
	AccountByLogin(ctx context.Context, login string) (*identity.Account, error)
}

// Notifier composes the notices about applications, which the store
// enqueues in the transaction of the change, and delivers them once it
// has committed; notify.Service implements it.
type Notifier interface {
	Compose(d notify.Draft) (*notify.Message, error)
	Wake()
}

// Throttle counts requests in fixed windows shared by every instance;
// identitysql.Store implements it on the throttle table.
type Throttle interface {
	Hit(ctx context.Context, key string, window time.Duration, now time.Time) (int, error)
}

// Hall is a service hall where results can be collected.
type Hall struct {
	Code string
	Name string
}

// DefaultHalls are the halls of the demo city: the municipal citizen
// centre and the Bao'an district government service centre, with the
// codes the appointments module gives them.
func DefaultHalls() []Hall {
	return []Hall{
		{Code: "SMZX", Name: "深圳市民中心行政服务大厅"},
		{Code: "BAZW", Name: "宝安区政务服务中心"},
	}
}

// PhysicalResult is the default rule for which items have a paper result
// to collect or post: every item except filings (备案), which are
// acknowledged online.
func PhysicalResult(it *catalog.Item) bool {
	return !strings.Contains(it.Name, "备案")
}

// Deps are what the service needs. Store, Catalog, Accounts and Files are
// required.
type Deps struct {
	Store    Store
	Catalog  Catalog
	Accounts Accounts
	Files    files.Store
	// Notifier sends notices of state changes; nil sends none.
	Notifier Notifier
	// Throttle limits public progress look-ups per client address; nil
	// does not limit them.
	Throttle Throttle
	// Courier ships posted results; defaults to Manual (staff enter the
	// courier's tracking number and statuses).
	Courier Courier
	// Calendar counts working days; defaults to ChinaCalendar().
	Calendar *Calendar
	// Halls are where results can be collected; defaults to
	// DefaultHalls().
	Halls []Hall
	// PhysicalResult tells items with a paper result; defaults to
	// PhysicalResult.
	PhysicalResult func(*catalog.Item) bool
	// MaxUploadBytes limits one uploaded file; defaults to 10 MiB
	// (config.MaxUploadBytes).
	MaxUploadBytes int64
	// ProgressLimit is how many progress look-ups one client address may
	// make per ProgressWindow; default 30 per 10 minutes.
	ProgressLimit  int
	ProgressWindow time.Duration
	// Now is the clock; defaults to time.Now.
	Now func() time.Time
	// Log defaults to slog.Default().
	Log *slog.Logger
}

// Service is the applications API: submitting (一窗受理), the caseworkers'
// work, delivery, and the public progress look-up. Every method that takes
// an actor decides what that account may see and do. It is safe for
// concurrent use.
type Service struct {
	d Deps
}

// NewService returns the service, or an error naming a missing
// dependency.
func NewService(d Deps) (*Service, error) {
	if d.Store == nil || d.Catalog == nil || d.Accounts == nil || d.Files == nil {
		return nil, errors.New("cases: Store, Catalog, Accounts and Files are required")
	}
	if d.Courier == nil {
		d.Courier = Manual{}
	}
	if d.Calendar == nil {
		d.Calendar = ChinaCalendar()
	}
	if d.Halls == nil {
		d.Halls = DefaultHalls()
	}
	if d.PhysicalResult == nil {
		d.PhysicalResult = PhysicalResult
	}
	if d.MaxUploadBytes <= 0 {
		d.MaxUploadBytes = 10 << 20
	}
	if d.ProgressLimit <= 0 {
		d.ProgressLimit = 30
	}
	if d.ProgressWindow <= 0 {
		d.ProgressWindow = 10 * time.Minute
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &Service{d: d}, nil
}

// WithClock returns a service like s whose clock is now, for replaying
// history (the demo seed); both share every dependency.
func (s *Service) WithClock(now func() time.Time) *Service {
	d := s.d
	d.Now = now
	return &Service{d: d}
}

// now returns the current time in UTC.
func (s *Service) now() time.Time { return s.d.Now().UTC() }

// Calendar returns the working-day calendar in force.
func (s *Service) Calendar() *Calendar { return s.d.Calendar }

// Halls returns the halls where results can be collected.
func (s *Service) Halls() []Hall { return append([]Hall(nil), s.d.Halls...) }

// MaxUploadBytes returns the limit of one uploaded file.
func (s *Service) MaxUploadBytes() int64 { return s.d.MaxUploadBytes }

// HasPhysicalResult reports whether applications for it choose pick-up or
// post for a paper result.
func (s *Service) HasPhysicalResult(it *catalog.Item) bool { return s.d.PhysicalResult(it) }

// hall returns the hall with code, or false.
func (s *Service) hall(code string) (Hall, bool) {
	for _, h := range s.d.Halls {
		if h.Code == code {
			return h, true
		}
	}
	return Hall{}, false
}
