package appointments

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// NewBooking is a request for a slot.
type NewBooking struct {
	Hall  string
	Item  string
	Start time.Time // the slot's start
}

// target is a validated slot to book: the hall, the group serving the
// item, and the slot.
type target struct {
	hall  *Hall
	group *Group
	span  Span
}

// resolve checks that hall serves item and has a bookable slot at start.
func (s *Service) resolve(ctx context.Context, hallCode, item string, start time.Time) (*target, error) {
	if item == "" {
		return nil, errItemRequired()
	}
	if start.IsZero() {
		return nil, errs.Field("start", "slot.required", "请选择预约时段", "please choose a slot")
	}
	h, err := s.Hall(ctx, hallCode)
	if err != nil {
		return nil, err
	}
	g := h.GroupOf(item)
	if g == nil {
		return nil, errNotServed(item)
	}
	start = start.UTC()
	day := DayOf(start)
	if err := s.checkDay(day); err != nil {
		return nil, err
	}
	if closed, reason := h.ClosedOn(day); closed {
		return nil, errClosed(day, reason)
	}
	span, ok := h.SlotAt(start)
	if !ok {
		return nil, errNoSuchSlot()
	}
	if !span.Start.After(s.now()) {
		return nil, errSlotStarted()
	}
	return &target{hall: h, group: g, span: span}, nil
}

// checkApplicant refuses items of the catalogue that are not for the
// actor's kind of account.
func (s *Service) checkApplicant(ctx context.Context, actor *identity.Account, item string) error {
	if s.items == nil {
		return nil
	}
	it, err := s.items.Item(ctx, item)
	if err != nil || len(it.Applicants) == 0 {
		return nil // unknown to the catalogue: the hall's configuration decides
	}
	if actor.Kind == identity.Enterprise && !it.ForApplicant(catalog.ApplicantEnterprise) {
		return errApplicantKind(false)
	}
	if actor.Kind == identity.Person && !it.ForApplicant(catalog.ApplicantPerson) {
		return errApplicantKind(true)
	}
	return nil
}

// Book books the slot of nb for the actor, a person or an enterprise. It
// refuses (errs.Invalid) unknown or started slots, closed dates, dates
// beyond the horizon and items the hall does not serve; (errs.Forbidden)
// staff accounts and accounts paused for no-shows; (errs.Conflict)
// [ErrSlotFull] and [ErrDuplicate]. The booker's confirmation is enqueued
// with the booking, in its transaction.
func (s *Service) Book(ctx context.Context, actor *identity.Account, nb NewBooking) (*Booking, error) {
	if !active(actor) {
		return nil, errUnauthenticated()
	}
	if !canBook(actor) {
		return nil, errNotBooker()
	}
	if until, n, err := s.Pause(ctx, actor); err != nil {
		return nil, err
	} else if !until.IsZero() {
		return nil, errPaused(until, n, s.policy.NoShowWindow)
	}
	t, err := s.resolve(ctx, nb.Hall, nb.Item, nb.Start)
	if err != nil {
		return nil, err
	}
	if err := s.checkApplicant(ctx, actor, nb.Item); err != nil {
		return nil, err
	}
	now := s.now()
	b := &Booking{
		ID: ids.New(), AccountID: actor.ID, AccountKind: actor.Kind, Name: actor.DisplayName, Phone: actor.Phone,
		IDTail: idTail(actor), HallCode: t.hall.Code, GroupCode: t.group.Code, ItemCode: nb.Item,
		Day: DayOf(t.span.Start), StartsAt: t.span.Start, EndsAt: t.span.End, Status: Booked,
		CreatedAt: now, UpdatedAt: now,
	}
	if t.span.Start.Sub(now) <= s.policy.ReminderBefore {
		b.RemindedAt = now // the confirmation is reminder enough
	}
	ev := &Event{BookingID: b.ID, At: now, Kind: EventBooked, ActorID: actor.ID, Detail: t.hall.Code + " " + slotText(b.StartsAt, b.EndsAt)}
	for range 5 {
		b.Code = NewBookingCode()
		ev.ID = ids.New()
		msgs := s.notices(ctx, b, t.hall, purposeBooked, "") // the text holds the code
		err = s.store.CreateBooking(ctx, b, t.hall.Capacity(t.group), ev, msgs...)
		if !errors.Is(err, ErrCodeTaken) {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("book %s at %s: %w", nb.Item, t.hall.Code, err)
	}
	s.wake()
	return b, nil
}

// Change moves the actor's booking id to the slot at start of hall (the
// same item), atomically: the booking never holds two slots, and when the
// new slot is full it keeps the old one ([ErrSlotFull]). Only a booking
// that is still booked and whose slot has not started may change. The
// notice of the change is enqueued with it.
func (s *Service) Change(ctx context.Context, actor *identity.Account, id, hallCode string, start time.Time) (*Booking, error) {
	old, err := s.Booking(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if old.AccountID != actor.ID {
		return nil, errBookingNotFound() // staff read bookings but do not move them
	}
	if old.Status != Booked || !old.StartsAt.After(s.now()) {
		return nil, errs.E(errs.Conflict, "booking.not_changeable", "只能在时段开始前改约尚未签到的预约",
			"Only appointments not yet checked in can be changed, and only before the slot starts.")
	}
	if hallCode == "" {
		hallCode = old.HallCode
	}
	t, err := s.resolve(ctx, hallCode, old.ItemCode, start)
	if err != nil {
		return nil, err
	}
	if t.hall.Code == old.HallCode && t.span.Start.Equal(old.StartsAt) {
		return nil, errSameSlot()
	}
	now := s.now()
	to := &Booking{HallCode: t.hall.Code, GroupCode: t.group.Code, Day: DayOf(t.span.Start),
		StartsAt: t.span.Start, EndsAt: t.span.End, UpdatedAt: now}
	if t.span.Start.Sub(now) <= s.policy.ReminderBefore {
		to.RemindedAt = now
	}
	ev := &Event{ID: ids.New(), BookingID: id, At: now, Kind: EventMoved, ActorID: actor.ID,
		Detail: old.HallCode + " " + slotText(old.StartsAt, old.EndsAt) + " → " + t.hall.Code + " " + slotText(to.StartsAt, to.EndsAt)}
	moved := *old
	moved.HallCode, moved.GroupCode, moved.Day, moved.StartsAt, moved.EndsAt = to.HallCode, to.GroupCode, to.Day, to.StartsAt, to.EndsAt
	msgs := s.notices(ctx, &moved, t.hall, purposeChanged, ev.ID)
	b, err := s.store.MoveBooking(ctx, id, old.Slot(), to, t.hall.Capacity(t.group), now, ev, msgs...)
	if err != nil {
		return nil, fmt.Errorf("move booking %s: %w", id, err)
	}
	s.wake()
	return b, nil
}

// Cancel cancels the actor's booking id, releasing its slot, until the
// slot starts. The notice of the cancellation is enqueued with it.
func (s *Service) Cancel(ctx context.Context, actor *identity.Account, id string) (*Booking, error) {
	old, err := s.Booking(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if old.AccountID != actor.ID {
		return nil, errBookingNotFound()
	}
	now := s.now()
	if old.Status != Booked || !old.StartsAt.After(now) {
		return nil, errs.E(errs.Conflict, "booking.not_cancellable", "只能在时段开始前取消尚未签到的预约",
			"Only appointments not yet checked in can be cancelled, and only before the slot starts.")
	}
	ev := &Event{ID: ids.New(), BookingID: id, At: now, Kind: EventCancelled, ActorID: actor.ID}
	h, _ := s.store.FindHall(ctx, old.HallCode) // for its name; the code stands in without it
	msgs := s.notices(ctx, old, h, purposeCancelled, "")
	b, err := s.store.CancelBooking(ctx, id, now, ev, msgs...)
	if err != nil {
		return nil, fmt.Errorf("cancel booking %s: %w", id, err)
	}
	s.wake()
	return b, nil
}

// Booking returns booking id if the actor may read it: its booker, or
// staff operating its group. Others get errs.NotFound.
func (s *Service) Booking(ctx context.Context, actor *identity.Account, id string) (*Booking, error) {
	if !active(actor) {
		return nil, errUnauthenticated()
	}
	if !ids.Valid(id) {
		return nil, errBookingNotFound()
	}
	b, err := s.store.FindBooking(ctx, id)
	if err != nil {
		if errs.Is(err, errs.NotFound) {
			return nil, errBookingNotFound()
		}
		return nil, err
	}
	var h *Hall
	if b.AccountID != actor.ID {
		if h, err = s.store.FindHall(ctx, b.HallCode); err != nil && !errs.Is(err, errs.NotFound) {
			return nil, err
		}
	}
	if !mayRead(actor, b, h) {
		return nil, errBookingNotFound()
	}
	return b, nil
}

// History returns the events of a booking the actor may read, oldest
// first.
func (s *Service) History(ctx context.Context, actor *identity.Account, id string) ([]*Event, error) {
	if _, err := s.Booking(ctx, actor, id); err != nil {
		return nil, err
	}
	return s.store.FindEvents(ctx, id)
}

// MyBookings returns one page of the actor's own bookings, newest slot
// first, and how many there are.
func (s *Service) MyBookings(ctx context.Context, actor *identity.Account, statuses []Status, offset, limit int) ([]*Booking, int, error) {
	if !active(actor) {
		return nil, 0, errUnauthenticated()
	}
	return s.store.FindBookings(ctx, BookingFilter{AccountID: actor.ID, Statuses: statuses, Offset: offset, Limit: limit})
}

// idTail returns the last four characters of an account's identity number
// or credit code, upper-case.
func idTail(a *identity.Account) string {
	n := a.IDNumber
	if a.Kind == identity.Enterprise {
		n = a.USCC
	}
	if len(n) < 4 {
		return strings.ToUpper(n)
	}
	return strings.ToUpper(n[len(n)-4:])
}
