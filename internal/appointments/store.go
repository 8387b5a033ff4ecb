package appointments

import (
	"context"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/notify"
)

// Store persists halls, slot occupancy, bookings and their events. Finders
// return errs.NotFound for unknown halls and bookings. Every method that
// changes a booking writes the given event in the same transaction.
//
// The methods that take msgs enqueue those messages in the notification
// outbox in the transaction of the change, in order, so that they exist if
// and only if the change was committed: a refused change (an error)
// enqueues none, and a message that cannot be stored refuses the change.
// A message whose idempotency key is already stored is not stored again.
type Store interface {
	// SaveHall creates the hall or replaces it (groups, windows, items and
	// closed dates), keeping its creation time. It returns errs.Invalid
	// when a group's department does not exist.
	SaveHall(ctx context.Context, h *Hall) error
	FindHall(ctx context.Context, code string) (*Hall, error)
	// FindHalls lists every hall by code.
	FindHalls(ctx context.Context) ([]*Hall, error)

	// BookedCounts returns the number of bookings held per slot start of a
	// hall's group, for slots starting in [from, to).
	BookedCounts(ctx context.Context, hall, group string, from, to time.Time) (map[time.Time]int, error)

	// CreateBooking takes a place in b's slot, only while fewer than
	// capacity are taken, and stores b, in one transaction. It returns
	// [ErrSlotFull] when the slot is full, [ErrDuplicate] when the account
	// already has an active booking for the item that day, and
	// [ErrCodeTaken] when b.Code is taken (the caller draws another).
	CreateBooking(ctx context.Context, b *Booking, capacity int, ev *Event, msgs ...*notify.Message) error
	// MoveBooking moves the booked (not yet started at now) booking id
	// from slot from to b's hall, group, day, start and end, in one
	// transaction: it releases the old place and takes a new one only
	// while fewer than capacity are taken. It returns [ErrSlotFull] (and
	// changes nothing) when the new slot is full, [ErrDuplicate] as
	// CreateBooking, and [ErrStale] when the booking is no longer booked in
	// slot from or its slot has started.
	MoveBooking(ctx context.Context, id string, from SlotRef, to *Booking, capacity int, now time.Time, ev *Event,
		msgs ...*notify.Message) (*Booking, error)
	// CancelBooking cancels the booked booking id whose slot starts after
	// now and releases its place. It returns [ErrStale] otherwise.
	CancelBooking(ctx context.Context, id string, now time.Time, ev *Event, msgs ...*notify.Message) (*Booking, error)
	// CheckIn marks the booked booking id checked in at now and gives it
	// the next queue number of its hall, day and group (the group's code
	// and a sequence from 1). It returns [ErrStale] when it is not booked.
	CheckIn(ctx context.Context, id string, now time.Time, ev *Event) (*Booking, error)
	// CallNext marks the checked-in booking of the hall's group on day
	// with the lowest queue number as called to window at now, so that
	// two windows never call the same person; ev is written for the
	// called booking (its BookingID is filled in). It returns
	// [ErrQueueEmpty] when nobody is waiting.
	CallNext(ctx context.Context, hall string, day Day, group string, window int, now time.Time, ev *Event) (*Booking, error)
	// Transition moves booking id from status from to status to at now,
	// setting the time of the new status. It returns [ErrStale] when the
	// booking is not in status from.
	Transition(ctx context.Context, id string, from, to Status, now time.Time, ev *Event, msgs ...*notify.Message) (*Booking, error)
	// DueNoShows returns up to limit booked bookings whose slot ended at
	// or before now, earliest slot first; the caller marks each with
	// Transition.
	DueNoShows(ctx context.Context, now time.Time, limit int) ([]*Booking, error)
	// DueReminders returns up to limit booked, unreminded bookings whose
	// slot starts in (now, startsBy], earliest slot first.
	DueReminders(ctx context.Context, now, startsBy time.Time, limit int) ([]*Booking, error)
	// ClaimReminder marks booking id reminded at now and enqueues msgs, in
	// one transaction, only while it is booked, unreminded and still in
	// slot; otherwise (another caller claimed it first, or it was moved,
	// cancelled or checked in) it returns [ErrStale] and enqueues nothing.
	// Each booking is so claimed once per slot, even by concurrent
	// callers.
	ClaimReminder(ctx context.Context, id string, slot SlotRef, now time.Time, msgs ...*notify.Message) error

	FindBooking(ctx context.Context, id string) (*Booking, error)
	// FindBookingByCode finds a booking by its booking code.
	FindBookingByCode(ctx context.Context, code string) (*Booking, error)
	// FindBookings returns one page of the bookings matching f and how
	// many match in all.
	FindBookings(ctx context.Context, f BookingFilter) ([]*Booking, int, error)
	// NoShowTimes returns the times of the account's no-shows at or after
	// since, newest first.
	NoShowTimes(ctx context.Context, accountID string, since time.Time) ([]time.Time, error)
	// FindEvents lists a booking's events, oldest first.
	FindEvents(ctx context.Context, bookingID string) ([]*Event, error)
}

// BookingFilter selects bookings. Zero fields do not filter.
type BookingFilter struct {
	AccountID string
	Hall      string
	Day       Day
	Groups    []string // any of these groups
	Statuses  []Status // any of these states
	// QueueOrder sorts by slot start, then queue number; otherwise the
	// newest slot comes first.
	QueueOrder bool
	// BeforeSeq keeps checked-in bookings with a queue number below it
	// (for "people ahead of you"); 0 does not filter.
	BeforeSeq int
	Offset    int
	Limit     int // defaults to 50, at most 1000
}
