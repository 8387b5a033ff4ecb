package appointments

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/notify"
)

// Notifier composes the messages about bookings, which the store
// enqueues in the transaction of the change that causes them, and delivers
// them once that has committed; notify.Service implements it.
type Notifier interface {
	// Compose checks a draft and returns the message to enqueue.
	Compose(d notify.Draft) (*notify.Message, error)
	// Wake asks the dispatcher to deliver what was just committed.
	Wake()
}

// Items looks up service items of the catalogue by code; catalog.Service
// implements it.
type Items interface {
	Item(ctx context.Context, code string) (*catalog.Item, error)
}

// Service is the appointments API. It is safe for concurrent use.
type Service struct {
	store  Store
	notify Notifier
	items  Items
	policy Policy
	now    func() time.Time
	log    *slog.Logger
}

// NewService returns the service on store. notify may be nil to send no
// messages (the store is then given none); items may be nil, in which case item codes stand for their
// names and the applicant kind of items is not checked. Zero fields of
// policy take the defaults of [DefaultPolicy]; now defaults to time.Now
// and log to slog.Default().
func NewService(store Store, notify Notifier, items Items, policy Policy, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	return &Service{store: store, notify: notify, items: items, policy: policy.withDefaults(),
		now: func() time.Time { return now().UTC() }, log: log}
}

// Policy returns the booking rules in force.
func (s *Service) Policy() Policy { return s.policy }

// Now returns the service's current time, in UTC.
func (s *Service) Now() time.Time { return s.now() }

// Today returns the current date in China time.
func (s *Service) Today() Day { return DayOf(s.now()) }

// Halls lists every hall by code. Halls are public.
func (s *Service) Halls(ctx context.Context) ([]*Hall, error) {
	return s.store.FindHalls(ctx)
}

// Hall returns the hall with code, or errs.NotFound.
func (s *Service) Hall(ctx context.Context, code string) (*Hall, error) {
	if !hallCodePattern.MatchString(code) {
		return nil, errHallNotFound(code)
	}
	return s.store.FindHall(ctx, code)
}

// HallsServing lists the halls that serve item.
func (s *Service) HallsServing(ctx context.Context, item string) ([]*Hall, error) {
	all, err := s.store.FindHalls(ctx)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(h *Hall) bool { return !h.Serves(item) }), nil
}

// SaveHall creates or replaces a hall after validating it. The actor must
// be a platform admin, or nil for the system (the demo seed, the command
// line).
func (s *Service) SaveHall(ctx context.Context, actor *identity.Account, h *Hall) error {
	if actor != nil && !isPlatformAdmin(actor) {
		return errs.E(errs.Forbidden, "hall.admin_only", "只有平台管理员可以配置服务大厅", "Only platform administrators may configure service halls.")
	}
	if err := h.Validate(); err != nil {
		return err
	}
	now := s.now()
	if h.CreatedAt.IsZero() {
		h.CreatedAt = now
	}
	h.UpdatedAt = now
	if err := s.store.SaveHall(ctx, h); err != nil {
		return fmt.Errorf("save hall %s: %w", h.Code, err)
	}
	return nil
}

// ItemName returns the name of a service item, or its code when the
// catalogue does not know it (or none is configured).
func (s *Service) ItemName(ctx context.Context, code string) string {
	if s.items == nil || code == "" {
		return code
	}
	it, err := s.items.Item(ctx, code)
	if err != nil {
		if !errs.Is(err, errs.NotFound) {
			s.log.WarnContext(ctx, "look up service item", "item", code, "err", err)
		}
		return code
	}
	return it.Name
}

// BookableDays returns the dates one may book from today: today and the
// next HorizonDays days.
func (s *Service) BookableDays() []Day {
	today := s.Today()
	out := make([]Day, 0, s.policy.HorizonDays+1)
	for i := 0; i <= s.policy.HorizonDays; i++ {
		out = append(out, today.AddDays(i))
	}
	return out
}

// checkDay returns an errs.Invalid error when d is in the past or beyond
// the booking horizon.
func (s *Service) checkDay(d Day) error {
	today := s.Today()
	switch {
	case d < today:
		return errPastDay()
	case d > today.AddDays(s.policy.HorizonDays):
		return errBeyondHorizon(s.policy.HorizonDays)
	}
	return nil
}

// Slots returns the slots of the group of hall that serves item on day,
// with their occupancy. It returns errs.NotFound for an unknown hall,
// errs.Invalid when the hall does not serve the item or the date is past
// or beyond the booking horizon. A closed day has no slots and Closed set.
func (s *Service) Slots(ctx context.Context, hallCode, item string, day Day) (*DaySlots, error) {
	if item == "" {
		return nil, errItemRequired()
	}
	if !day.Valid() {
		return nil, errs.Field("date", "date.format", "日期格式应为 年-月-日，例如 2026-03-02", "dates must look like 2026-03-02")
	}
	h, err := s.Hall(ctx, hallCode)
	if err != nil {
		return nil, err
	}
	g := h.GroupOf(item)
	if g == nil {
		return nil, errNotServed(item)
	}
	if err := s.checkDay(day); err != nil {
		return nil, err
	}
	ds := &DaySlots{Hall: h, Group: g, Item: item, Day: day}
	if ds.Closed, ds.Reason = h.ClosedOn(day); ds.Closed {
		return ds, nil
	}
	counts, err := s.store.BookedCounts(ctx, h.Code, g.Code, day.Start(), day.AddDays(1).Start())
	if err != nil {
		return nil, fmt.Errorf("slots of %s/%s on %s: %w", h.Code, g.Code, day, err)
	}
	now, capacity := s.now(), h.Capacity(g)
	for _, sp := range h.SlotTimes(day) {
		sl := Slot{Start: sp.Start, End: sp.End, Capacity: capacity, Booked: counts[sp.Start]}
		sl.Available = sp.Start.After(now) && sl.Booked < sl.Capacity
		ds.Slots = append(ds.Slots, sl)
	}
	return ds, nil
}

// Pause returns until when the account may not book because of repeated
// no-shows, and how many no-shows count; a zero time means it may book.
func (s *Service) Pause(ctx context.Context, actor *identity.Account) (time.Time, int, error) {
	if !active(actor) {
		return time.Time{}, 0, errUnauthenticated()
	}
	now := s.now()
	times, err := s.store.NoShowTimes(ctx, actor.ID, now.Add(-s.policy.NoShowWindow))
	if err != nil {
		return time.Time{}, 0, fmt.Errorf("no-shows of %s: %w", actor.ID, err)
	}
	if len(times) < s.policy.NoShowLimit {
		return time.Time{}, len(times), nil
	}
	until := times[0].Add(s.policy.NoShowPause)
	if !until.After(now) {
		return time.Time{}, len(times), nil
	}
	return until, len(times), nil
}
