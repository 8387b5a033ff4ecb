// Package appointments is appointment booking and queueing at service
// halls (预约取号): citizens and enterprises book a time slot at a hall for
// a service item, change or cancel it, check in on the day to get a queue
// number, and the hall's staff call them to a window.
//
// # The model
//
// A [Hall] (服务大厅) has opening hours per weekday, a slot length, closed
// dates, and window groups. A [Group] (业务类别) is a set of service items
// served by a set of windows (窗口); its one-letter code prefixes the queue
// numbers it issues (A001, A002 …), and its department's staff operate it.
// Each item is served by at most one group of a hall. Slots are generated
// from the opening hours in China Standard Time (UTC+8, no daylight saving)
// and hold, per group, as many bookings as the group has windows times the
// hall's bookings per window (or the group's own capacity).
//
// A [Booking] moves through [Status]es: booked → checked_in → called →
// served, or booked → cancelled, or booked → no_show when nobody checked in
// by the end of the slot (and called → no_show when the person called did
// not come). Every change is recorded as an [Event].
//
// # No overbooking
//
// The number of bookings of a slot is a counter row in the database that a
// booking increments with a conditional update (only while it is below the
// capacity) in the same transaction that stores the booking, so no slot is
// ever overbooked, whatever the number of concurrent requests or server
// instances. A change of slot releases the old seat and takes the new one
// in one transaction: if the new slot is full, the old booking stays.
//
// # Who may do what
//
// The [Service] decides: people and enterprises book, change and cancel
// their own bookings and see nobody else's; staff see and operate the
// queues of the groups their department serves (platform admins: every
// hall); anybody at the hall's kiosk may check in with a booking code and
// the last four characters of the booker's identity number or credit code.
//
// # Notices
//
// The booker is told of a booking, a change, a cancellation and a no-show,
// and reminded the day before, in the in-app inbox and (except for
// no-shows) by SMS. The service composes the messages before the change
// and hands them to the store method that makes it, which writes them to
// the notification outbox in the same transaction; once that has
// committed, the service wakes the dispatcher. So a message goes out if
// and only if its change was committed, even if the process dies right
// after the commit, and idempotency keys per booking and change keep a
// change written again from sending twice.
package appointments

import (
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// Hall is a service hall (服务大厅) where people are served at windows.
type Hall struct {
	Code     string // upper-case letters, digits and hyphens, e.g. SMZX
	Name     string // e.g. 深圳市民中心行政服务大厅
	NameEN   string // English name, may be empty
	Address  string
	Division string // GB/T 2260 code of the government running it, e.g. 440300
	Phone    string // enquiries; may be empty
	Hours    Hours  // opening periods per weekday, China time
	// SlotMinutes is the length of a bookable slot; 30 unless set.
	SlotMinutes int
	// PerWindow is how many bookings one window takes per slot; 1 unless
	// set.
	PerWindow int
	Groups    []*Group    // in display order
	Closed    []ClosedDay // dates the hall does not open, whatever its hours
	Demo      bool        // generated demo data (演示)
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Group is a set of service items (业务类别) served by a set of windows.
type Group struct {
	// Code is one upper-case letter, the prefix of its queue numbers.
	Code string
	Name string // e.g. 出入境业务
	// Department is the code of the department whose staff operate the
	// group's windows.
	Department string
	Items      []string // service item codes
	Windows    []Window
	// Capacity is the bookings per slot; 0 means one per window times the
	// hall's PerWindow.
	Capacity int
}

// Window is a service window (窗口) of a hall.
type Window struct {
	Number int    // unique in the hall, from 1
	Name   string // e.g. 1号窗口; may be empty
}

// ClosedDay is a date a hall is closed (a public holiday, maintenance).
type ClosedDay struct {
	Day    Day
	Reason string // e.g. 劳动节
}

// Period is an opening period of a day, in minutes after midnight in China
// time: Open ≤ a slot's start, a slot's end ≤ Close.
type Period struct {
	Open  int
	Close int
}

// Hours are the opening periods of each weekday, indexed by time.Weekday
// (Sunday is 0). A weekday without periods is closed.
type Hours [7][]Period

// Status is the state of a booking.
type Status string

// The states of a booking.
const (
	Booked    Status = "booked"     // 已预约
	Cancelled Status = "cancelled"  // 已取消
	CheckedIn Status = "checked_in" // 已签到，等候叫号
	Called    Status = "called"     // 已叫号
	Served    Status = "served"     // 已办理
	NoShow    Status = "no_show"    // 未到（爽约）
)

// Statuses lists the states in display order.
var Statuses = []Status{Booked, CheckedIn, Called, Served, Cancelled, NoShow}

// Active reports whether a booking in status s still holds its slot or its
// place in the queue.
func (s Status) Active() bool { return s == Booked || s == CheckedIn || s == Called }

// Booking is an appointment: one person's or enterprise's slot at a hall
// for one service item.
type Booking struct {
	ID string
	// Code is the booking code (预约码) shown to the booker and typed at
	// the kiosk: 8 characters without 0, 1, I and O.
	Code        string
	AccountID   string
	AccountKind identity.Kind
	Name        string // the booker's display name
	Phone       string // the booker's mobile at booking time, for reminders; may be empty
	// IDTail is the last four characters of the booker's identity number
	// or credit code, asked for at check-in.
	IDTail      string
	HallCode    string
	GroupCode   string
	ItemCode    string
	Day         Day // the slot's date in China time
	StartsAt    time.Time
	EndsAt      time.Time
	Status      Status
	QueueSeq    int    // 0 until check-in
	QueueNumber string // e.g. A007; empty until check-in
	Window      int    // the window that called the booker; 0 before
	CheckedInAt time.Time
	CalledAt    time.Time
	ServedAt    time.Time
	CancelledAt time.Time
	NoShowAt    time.Time
	RemindedAt  time.Time // when the reminder went out; zero before
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Slot returns the slot the booking holds.
func (b *Booking) Slot() SlotRef {
	return SlotRef{Hall: b.HallCode, Group: b.GroupCode, Start: b.StartsAt}
}

// EventKind is the kind of a booking event.
type EventKind string

// The kinds of booking events.
const (
	EventBooked    EventKind = "booked"
	EventMoved     EventKind = "moved"
	EventCancelled EventKind = "cancelled"
	EventCheckedIn EventKind = "checked_in"
	EventCalled    EventKind = "called"
	EventServed    EventKind = "served"
	EventNoShow    EventKind = "no_show"
)

// Event is an entry of a booking's history: who did what, when.
type Event struct {
	ID        string
	BookingID string
	At        time.Time
	Kind      EventKind
	ActorID   string // empty for the kiosk and the system
	Detail    string // e.g. the old and new slot of a move, the window that called
}

// SlotRef names a slot: a hall's group at a start time.
type SlotRef struct {
	Hall  string
	Group string
	Start time.Time // UTC
}

// Equal reports whether r and o name the same slot.
func (r SlotRef) Equal(o SlotRef) bool {
	return r.Hall == o.Hall && r.Group == o.Group && r.Start.Equal(o.Start)
}

// Less orders slot references, so that transactions that touch two slots
// lock them in the same order.
func (r SlotRef) Less(o SlotRef) bool {
	if r.Hall != o.Hall {
		return r.Hall < o.Hall
	}
	if r.Group != o.Group {
		return r.Group < o.Group
	}
	return r.Start.Before(o.Start)
}

// Slot is a bookable time slot of a hall's group with its occupancy.
type Slot struct {
	Start    time.Time
	End      time.Time
	Capacity int
	Booked   int
	// Available reports whether the slot can be booked now: it has not
	// started and is not full.
	Available bool
}

// Remaining returns the free places of the slot.
func (s Slot) Remaining() int { return max(0, s.Capacity-s.Booked) }

// DaySlots are a group's slots on one day at a hall.
type DaySlots struct {
	Hall   *Hall
	Group  *Group
	Item   string
	Day    Day
	Closed bool   // the hall is closed that day
	Reason string // why, for closed dates; empty on days without opening hours
	Slots  []Slot
}

// Policy holds the booking rules. Start from [DefaultPolicy]; NewService
// fills zero fields with the defaults.
type Policy struct {
	// HorizonDays is how many days ahead one may book: today plus 14
	// days by default.
	HorizonDays int
	// CheckInBefore and CheckInAfter bound check-in around the slot's
	// start: from 30 minutes before to 15 minutes after by default.
	CheckInBefore time.Duration
	CheckInAfter  time.Duration
	// NoShowLimit no-shows within NoShowWindow pause booking for
	// NoShowPause after the latest: 3 in 30 days pause for 7 days by
	// default.
	NoShowLimit  int
	NoShowWindow time.Duration
	NoShowPause  time.Duration
	// ReminderBefore is how long before the slot the reminder goes out;
	// 24 hours by default.
	ReminderBefore time.Duration
}

// DefaultPolicy returns the default booking rules.
func DefaultPolicy() Policy {
	return Policy{
		HorizonDays:    14,
		CheckInBefore:  30 * time.Minute,
		CheckInAfter:   15 * time.Minute,
		NoShowLimit:    3,
		NoShowWindow:   30 * 24 * time.Hour,
		NoShowPause:    7 * 24 * time.Hour,
		ReminderBefore: 24 * time.Hour,
	}
}

func (p Policy) withDefaults() Policy {
	d := DefaultPolicy()
	if p.HorizonDays <= 0 {
		p.HorizonDays = d.HorizonDays
	}
	if p.CheckInBefore <= 0 {
		p.CheckInBefore = d.CheckInBefore
	}
	if p.CheckInAfter <= 0 {
		p.CheckInAfter = d.CheckInAfter
	}
	if p.NoShowLimit <= 0 {
		p.NoShowLimit = d.NoShowLimit
	}
	if p.NoShowWindow <= 0 {
		p.NoShowWindow = d.NoShowWindow
	}
	if p.NoShowPause <= 0 {
		p.NoShowPause = d.NoShowPause
	}
	if p.ReminderBefore <= 0 {
		p.ReminderBefore = d.ReminderBefore
	}
	return p
}
