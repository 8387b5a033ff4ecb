package appointments

import (
	"context"
	"fmt"
	"strconv"

	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
	"github.com/pengcheng-gov/pengcheng/internal/notify"
)

// Queue is a hall's bookings of one day in the groups a staff member
// operates.
type Queue struct {
	Hall    *Hall
	Day     Day
	Groups  []*Group   // the groups shown, which the actor operates
	Entries []*Booking // by slot, then queue number; cancelled bookings left out
	Counts  map[Status]int
}

// Windows returns the windows of the queue's groups, in order.
func (q *Queue) Windows() []Window {
	var out []Window
	for _, g := range q.Groups {
		out = append(out, g.Windows...)
	}
	return out
}

// OperableHalls returns the halls in which the actor operates at least one
// group. Accounts that are not staff get errs.Forbidden.
func (s *Service) OperableHalls(ctx context.Context, actor *identity.Account) ([]*Hall, error) {
	if !active(actor) {
		return nil, errUnauthenticated()
	}
	if !actor.IsStaff() {
		return nil, errNotOperator()
	}
	all, err := s.store.FindHalls(ctx)
	if err != nil {
		return nil, err
	}
	var out []*Hall
	for _, h := range all {
		if Operates(actor, h) {
			out = append(out, h)
		}
	}
	return out, nil
}

// operatedHall returns the hall and the groups of it the actor operates,
// or errs.Forbidden when none.
func (s *Service) operatedHall(ctx context.Context, actor *identity.Account, code string) (*Hall, []*Group, error) {
	if !active(actor) {
		return nil, nil, errUnauthenticated()
	}
	if !actor.IsStaff() {
		return nil, nil, errNotOperator()
	}
	h, err := s.Hall(ctx, code)
	if err != nil {
		return nil, nil, err
	}
	groups := operatedGroups(actor, h)
	if len(groups) == 0 {
		return nil, nil, errNotOperator()
	}
	return h, groups, nil
}

// Queue returns the day's queue of the groups of the hall that the actor
// operates (errs.Forbidden for anybody else).
func (s *Service) Queue(ctx context.Context, actor *identity.Account, hallCode string, day Day) (*Queue, error) {
	h, groups, err := s.operatedHall(ctx, actor, hallCode)
	if err != nil {
		return nil, err
	}
	if !day.Valid() {
		day = s.Today()
	}
	codes := make([]string, len(groups))
	for i, g := range groups {
		codes[i] = g.Code
	}
	list, _, err := s.store.FindBookings(ctx, BookingFilter{Hall: h.Code, Day: day, Groups: codes,
		Statuses: []Status{Booked, CheckedIn, Called, Served, NoShow}, QueueOrder: true, Limit: 1000})
	if err != nil {
		return nil, fmt.Errorf("queue of %s on %s: %w", h.Code, day, err)
	}
	q := &Queue{Hall: h, Day: day, Groups: groups, Entries: list, Counts: map[Status]int{}}
	for _, b := range list {
		q.Counts[b.Status]++
	}
	return q, nil
}

// CheckIn checks in the booking with code at the hall, for the person
// whose identity number or credit code ends in tail, and gives it a queue
// number. The actor is the staff member at the desk, or nil (or anybody
// who is not staff) at the kiosk.
// Check-in is open from CheckInBefore before to CheckInAfter after the
// slot's start; checking in again returns the booking with its number.
// It also returns how many checked-in people of the group are ahead.
// A wrong code or tail gets errs.NotFound, whichever was wrong.
func (s *Service) CheckIn(ctx context.Context, actor *identity.Account, hallCode, code, tail string) (*Booking, int, error) {
	h, err := s.Hall(ctx, hallCode)
	if err != nil {
		return nil, 0, err
	}
	code, okCode := NormalizeCode(code)
	tail, okTail := NormalizeTail(tail)
	if !okCode || !okTail {
		return nil, 0, errCheckInCode()
	}
	b, err := s.store.FindBookingByCode(ctx, code)
	if err != nil || b.HallCode != h.Code || b.IDTail != tail {
		return nil, 0, errCheckInCode()
	}
	switch b.Status {
	case CheckedIn, Called:
		ahead, err := s.ahead(ctx, b)
		return b, ahead, err
	case Booked:
	default:
		return nil, 0, errCheckInState(b.Status)
	}
	now := s.now()
	if from := b.StartsAt.Add(-s.policy.CheckInBefore); now.Before(from) {
		return nil, 0, errCheckInEarly(from)
	}
	if now.After(b.StartsAt.Add(s.policy.CheckInAfter)) {
		return nil, 0, errCheckInLate()
	}
	ev := &Event{ID: ids.New(), BookingID: b.ID, At: now, Kind: EventCheckedIn}
	if active(actor) && actor.IsStaff() {
		ev.ActorID, ev.Detail = actor.ID, "desk"
	} else {
		ev.Detail = "kiosk"
	}
	b, err = s.store.CheckIn(ctx, b.ID, now, ev)
	if err != nil {
		return nil, 0, fmt.Errorf("check in %s: %w", b.ID, err)
	}
	ahead, err := s.ahead(ctx, b)
	return b, ahead, err
}

// ahead counts the checked-in people of b's group and day with a lower
// queue number.
func (s *Service) ahead(ctx context.Context, b *Booking) (int, error) {
	if b.Status != CheckedIn {
		return 0, nil
	}
	_, n, err := s.store.FindBookings(ctx, BookingFilter{Hall: b.HallCode, Day: b.Day, Groups: []string{b.GroupCode},
		Statuses: []Status{CheckedIn}, BeforeSeq: b.QueueSeq, Limit: 1})
	if err != nil {
		return 0, fmt.Errorf("people ahead of %s: %w", b.ID, err)
	}
	return n, nil
}

// CallNext calls the next checked-in person of the group of window at the
// hall, today, to that window. The actor must operate the window's group.
// It returns [ErrQueueEmpty] when nobody is waiting.
func (s *Service) CallNext(ctx context.Context, actor *identity.Account, hallCode string, window int) (*Booking, error) {
	h, _, err := s.operatedHall(ctx, actor, hallCode)
	if err != nil {
		return nil, err
	}
	g := h.WindowGroup(window)
	if g == nil {
		return nil, errNoWindow(window)
	}
	if !operates(actor, g) {
		return nil, errNotOperator()
	}
	now := s.now()
	ev := &Event{ID: ids.New(), At: now, Kind: EventCalled, ActorID: actor.ID, Detail: "window " + strconv.Itoa(window)}
	b, err := s.store.CallNext(ctx, h.Code, DayOf(now), g.Code, window, now, ev)
	if err != nil {
		return nil, fmt.Errorf("call next at %s window %d: %w", h.Code, window, err)
	}
	return b, nil
}

// Serve marks the called booking id of the hall as served.
func (s *Service) Serve(ctx context.Context, actor *identity.Account, hallCode, id string) (*Booking, error) {
	return s.staffTransition(ctx, actor, hallCode, id, Called, Served, EventServed)
}

// Absent records that the called person of booking id did not come to
// the window: a no-show.
func (s *Service) Absent(ctx context.Context, actor *identity.Account, hallCode, id string) (*Booking, error) {
	return s.staffTransition(ctx, actor, hallCode, id, Called, NoShow, EventNoShow)
}

// staffTransition moves a booking of a group the actor operates from one
// status to another.
func (s *Service) staffTransition(ctx context.Context, actor *identity.Account, hallCode, id string, from, to Status, kind EventKind) (*Booking, error) {
	h, _, err := s.operatedHall(ctx, actor, hallCode)
	if err != nil {
		return nil, err
	}
	b, err := s.Booking(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if g := h.Group(b.GroupCode); b.HallCode != h.Code || g == nil || !operates(actor, g) {
		return nil, errBookingNotFound()
	}
	if b.Status != from {
		return nil, ErrStale
	}
	now := s.now()
	ev := &Event{ID: ids.New(), BookingID: id, At: now, Kind: kind, ActorID: actor.ID}
	var msgs []*notify.Message
	if to == NoShow {
		msgs = s.notices(ctx, b, h, purposeNoShow, "")
	}
	b, err = s.store.Transition(ctx, id, from, to, now, ev, msgs...)
	if err != nil {
		return nil, fmt.Errorf("booking %s %s → %s: %w", id, from, to, err)
	}
	if len(msgs) > 0 {
		s.wake()
	}
	return b, nil
}
