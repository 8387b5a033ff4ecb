package open311

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/events"
)

// Events is what the service needs of grid events; events.Service
// implements it.
type Events interface {
	Categories(ctx context.Context) (events.Categories, error)
	Report(ctx context.Context, actor events.Actor, r events.Report) (*events.Event, error)
	Event(ctx context.Context, actor events.Actor, id string) (*events.Event, error)
	List(ctx context.Context, actor events.Actor, f events.Filter) (events.Page, error)
}

// Submission is what a POST said beyond the event: the submitter's
// contact details, the attributes and the media URL, kept for the
// dispatcher. Ref is the event's ClientRef.
type Submission struct {
	Ref        string
	KeyID      string
	Email      string
	FirstName  string
	LastName   string
	Phone      string
	DeviceID   string
	AccountID  string
	MediaURL   string
	Attributes map[string][]string
	CreatedAt  time.Time
}

// empty reports whether the submission says nothing worth keeping.
func (s *Submission) empty() bool {
	return s.Email == "" && s.FirstName == "" && s.LastName == "" && s.Phone == "" && s.DeviceID == "" &&
		s.AccountID == "" && s.MediaURL == "" && len(s.Attributes) == 0
}

// Store persists keys and submissions.
type Store interface {
	KeyStore
	AddSubmission(ctx context.Context, s *Submission) error
	DeleteSubmission(ctx context.Context, ref string) error
	// Submissions returns the stored submissions among refs, by ref.
	Submissions(ctx context.Context, refs []string) (map[string]*Submission, error)
}

// Deps are what the service needs.
type Deps struct {
	Store  Store  // required
	Events Events // required
	Grid   events.Grids
	// Departments names the agencies responsible; nil shows their codes.
	Departments events.Departments
	// PublicReads lets anyone read service requests without an API key,
	// as the spec allows. Off by default: events may name people and
	// businesses.
	PublicReads bool
	Now         func() time.Time
	Log         *slog.Logger
}

// Service answers the Open311 GeoReport v2 methods over grid events.
type Service struct {
	d    Deps
	keys *Keys
}

// NewService returns the service, or an error naming a missing dependency.
func NewService(d Deps) (*Service, error) {
	if d.Store == nil || d.Events == nil || d.Grid == nil {
		return nil, errors.New("open311: Store, Events and Grid are required")
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &Service{d: d, keys: NewKeys(d.Store, d.Now)}, nil
}

// Keys returns the service's key management.
func (s *Service) Keys() *Keys { return s.keys }

// PublicReads reports whether service requests may be read without a key.
func (s *Service) PublicReads() bool { return s.d.PublicReads }

// publicReader is the actor of reads without a key.
var publicReader = events.ClientActor(ReporterPrefix+"public", "Open311")

// reader returns the actor that reads service requests with apiKey: the
// key's client, or the public when reads are public and no key is given.
// A wrong key is refused even then.
func (s *Service) reader(ctx context.Context, apiKey string) (events.Actor, error) {
	if apiKey == "" && s.d.PublicReads {
		return publicReader, nil
	}
	k, err := s.keys.Authenticate(ctx, apiKey)
	if err != nil {
		return events.Actor{}, err
	}
	return k.Actor(), nil
}

// departments returns the departments' names by code ("" codes map to
// themselves when the catalogue is unavailable).
func (s *Service) departments(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	if s.d.Departments == nil {
		return out, nil
	}
	ds, err := s.d.Departments.Departments(ctx)
	if err != nil {
		return nil, fmt.Errorf("departments: %w", err)
	}
	for _, d := range ds {
		out[d.Code] = deptName(d)
	}
	return out, nil
}

func deptName(d *catalog.Department) string {
	if d.Name != "" {
		return d.Name
	}
	return d.Code
}

// categories returns the catalogue.
func (s *Service) categories(ctx context.Context) (events.Categories, error) {
	cs, err := s.d.Events.Categories(ctx)
	if err != nil {
		return nil, fmt.Errorf("event categories: %w", err)
	}
	return cs, nil
}

// errUnknownService is a service_code that names no category.
// The spec answers it with 404.
func errUnknownService(code string) error {
	return &errs.Error{Kind: errs.NotFound, Code: "open311.service_code.unknown", Field: "service_code",
		Msg: fmt.Sprintf("service_code %.40q 不存在", code), MsgEN: fmt.Sprintf("service_code %.40q was not found", code)}
}

// Changeset returns when the services last changed (the latest edit of a
// category), for discovery.
func (s *Service) Changeset(ctx context.Context) (time.Time, error) {
	cs, err := s.categories(ctx)
	if err != nil {
		return time.Time{}, err
	}
	var last time.Time
	for _, c := range cs {
		if c.UpdatedAt.After(last) {
			last = c.UpdatedAt
		}
	}
	return last.UTC(), nil
}
