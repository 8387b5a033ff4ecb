package appointmentstest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pengcheng-gov/pengcheng/internal/appointments"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
	"github.com/pengcheng-gov/pengcheng/internal/notify"
)

// Fixture is what the store suite runs on.
type Fixture struct {
	// Store is a new store on an empty, migrated database in which the
	// departments identitytest.DeptA and DeptB exist.
	Store appointments.Store
	// Other is a second store on the same database through its own
	// connections, as a second server instance would have; nil when the
	// database cannot be shared that way.
	Other appointments.Store
	// Accounts creates n person accounts and returns their IDs.
	Accounts func(t *testing.T, n int) []string
	// Outbox reads the notification outbox of the same database.
	Outbox MessageFinder
}

// MessageFinder reads the notification outbox; notifysql.Store
// implements it.
type MessageFinder interface {
	FindMessages(ctx context.Context, f notify.MessageFilter) ([]*notify.Message, int, error)
}

// StoreSuite is the contract every appointments.Store must pass,
// including its behaviour under concurrent requests.
func StoreSuite(t *testing.T, newFixture func(t *testing.T) *Fixture) {
	t.Run("halls", func(t *testing.T) { t.Parallel(); testHalls(t, newFixture(t)) })
	t.Run("bookings", func(t *testing.T) { t.Parallel(); testBookings(t, newFixture(t)) })
	t.Run("cancel", func(t *testing.T) { t.Parallel(); testCancel(t, newFixture(t)) })
	t.Run("move", func(t *testing.T) { t.Parallel(); testMove(t, newFixture(t)) })
	t.Run("queue", func(t *testing.T) { t.Parallel(); testQueue(t, newFixture(t)) })
	t.Run("no-shows and reminders", func(t *testing.T) { t.Parallel(); testHousekeeping(t, newFixture(t)) })
	t.Run("notices of bookings", func(t *testing.T) { t.Parallel(); testBookingNotices(t, newFixture(t)) })
	t.Run("notices of changes", func(t *testing.T) { t.Parallel(); testChangeNotices(t, newFixture(t)) })
	t.Run("notices of reminders", func(t *testing.T) { t.Parallel(); testReminderNotices(t, newFixture(t)) })
	t.Run("concurrent bookings", func(t *testing.T) { t.Parallel(); testConcurrentBookings(t, newFixture(t)) })
	t.Run("concurrent moves", func(t *testing.T) { t.Parallel(); testConcurrentMoves(t, newFixture(t)) })
	t.Run("concurrent queue", func(t *testing.T) { t.Parallel(); testConcurrentQueue(t, newFixture(t)) })
	t.Run("concurrent reminders", func(t *testing.T) { t.Parallel(); testConcurrentReminders(t, newFixture(t)) })
}

// t0 is the suite's reference time, Monday 2026-03-02 09:00 China time.
var t0 = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)

// monday is t0's date.
const monday appointments.Day = "2026-03-02"

// slot returns the start of the slot at clock on monday.
func slot(clock string) time.Time { return At(monday, clock) }

// saveHall stores the test hall, failing the test on error.
func saveHall(t *testing.T, s appointments.Store, o *HallOpts) *appointments.Hall {
	t.Helper()
	h := Hall(HallCode, o)
	h.CreatedAt, h.UpdatedAt = t0, t0
	if err := h.Validate(); err != nil {
		t.Fatalf("test hall: %v", err)
	}
	if err := s.SaveHall(context.Background(), h); err != nil {
		t.Fatalf("SaveHall: %v", err)
	}
	return h
}

// newBooking returns a booked booking of account for item of group at
// start in the test hall.
func newBooking(account, group, item string, start time.Time) *appointments.Booking {
	return &appointments.Booking{
		ID: ids.New(), Code: appointments.NewBookingCode(), AccountID: account, AccountKind: identity.Person,
		Name: "测试市民", Phone: "13900000000", IDTail: "123X", HallCode: HallCode, GroupCode: group, ItemCode: item,
		Day: appointments.DayOf(start), StartsAt: start.UTC(), EndsAt: start.Add(30 * time.Minute).UTC(),
		Status: appointments.Booked, CreatedAt: t0, UpdatedAt: t0,
	}
}

// event returns an event of kind for booking id.
func event(id string, kind appointments.EventKind) *appointments.Event {
	return &appointments.Event{ID: ids.New(), BookingID: id, At: t0, Kind: kind}
}

// create stores b in a slot of capacity, failing the test on error.
func create(t *testing.T, s appointments.Store, b *appointments.Booking, capacity int) {
	t.Helper()
	if err := s.CreateBooking(context.Background(), b, capacity, event(b.ID, appointments.EventBooked)); err != nil {
		t.Fatalf("CreateBooking: %v", err)
	}
}

// wantErr fails unless err is target (errors.Is).
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: got error %v, want %v", what, err, target)
	}
}

// wantKind fails unless err has the kind.
func wantKind(t *testing.T, what string, err error, kind errs.Kind) {
	t.Helper()
	if got := errs.KindOf(err); err == nil || got != kind {
		t.Errorf("%s: got error %v (kind %v), want kind %v", what, err, got, kind)
	}
}

// counts returns the booked count of the test hall's group at start.
func count(t *testing.T, s appointments.Store, group string, start time.Time) int {
	t.Helper()
	m, err := s.BookedCounts(context.Background(), HallCode, group, start, start.Add(time.Minute))
	if err != nil {
		t.Fatalf("BookedCounts: %v", err)
	}
	return m[start.UTC()]
}

func testHalls(t *testing.T, f *Fixture) {
	ctx := context.Background()
	s := f.Store
	if _, err := s.FindHall(ctx, HallCode); !errs.Is(err, errs.NotFound) {
		t.Errorf("FindHall before saving: got %v, want NotFound", err)
	}
	h := saveHall(t, s, nil)
	got, err := s.FindHall(ctx, HallCode)
	if err != nil {
		t.Fatalf("FindHall: %v", err)
	}
	if d := cmp.Diff(h, got); d != "" {
		t.Errorf("FindHall mismatch (-saved +found):\n%s", d)
	}

	// Saving again replaces groups, windows, items and closed dates and
	// keeps the creation time.
	h2 := Hall(HallCode, &HallOpts{Name: ptr("改名后的大厅"), PerWindow: ptr(3), Closed: &[]appointments.ClosedDay{}})
	h2.Groups = h2.Groups[:1]
	h2.Groups[0].Items = []string{ItemA}
	h2.Groups[0].Windows = []appointments.Window{{Number: 7, Name: "7号窗口"}}
	h2.CreatedAt, h2.UpdatedAt = t0.Add(time.Hour), t0.Add(time.Hour)
	if err := s.SaveHall(ctx, h2); err != nil {
		t.Fatalf("SaveHall again: %v", err)
	}
	got, err = s.FindHall(ctx, HallCode)
	if err != nil {
		t.Fatalf("FindHall: %v", err)
	}
	h2.CreatedAt, h2.Closed = t0, nil
	if d := cmp.Diff(h2, got); d != "" {
		t.Errorf("FindHall after replacing (-saved +found):\n%s", d)
	}

	other := Hall("OTHER-1", nil)
	other.CreatedAt, other.UpdatedAt = t0, t0
	if err := s.SaveHall(ctx, other); err != nil {
		t.Fatalf("SaveHall other: %v", err)
	}
	all, err := s.FindHalls(ctx)
	if err != nil {
		t.Fatalf("FindHalls: %v", err)
	}
	if len(all) != 2 || all[0].Code != "OTHER-1" || all[1].Code != HallCode || len(all[0].Groups) != 2 || len(all[1].Groups) != 1 {
		t.Errorf("FindHalls: got %d halls, want OTHER-1 (2 groups) and TEST (1 group)", len(all))
	}

	dup := Hall("DUP", &HallOpts{Name: ptr("改名后的大厅")})
	wantKind(t, "a second hall with a taken name", s.SaveHall(ctx, dup), errs.Conflict)
	bad := Hall("BADDEPT", nil)
	bad.Groups[1].Department = "NO-SUCH-DEPT"
	wantKind(t, "a group of an unknown department", s.SaveHall(ctx, bad), errs.Invalid)
	if _, err := s.FindHall(ctx, "BADDEPT"); !errs.Is(err, errs.NotFound) {
		t.Errorf("a refused hall was stored: FindHall got %v", err)
	}
}

func testBookings(t *testing.T, f *Fixture) {
	ctx := context.Background()
	s := f.Store
	saveHall(t, s, nil)
	acc := f.Accounts(t, 2)
	b := newBooking(acc[0], "A", ItemA, slot("10:00"))
	b.RemindedAt = t0
	create(t, s, b, 2)
	got, err := s.FindBooking(ctx, b.ID)
	if err != nil {
		t.Fatalf("FindBooking: %v", err)
	}
	if d := cmp.Diff(b, got); d != "" {
		t.Errorf("FindBooking mismatch (-created +found):\n%s", d)
	}
	if got, err := s.FindBookingByCode(ctx, b.Code); err != nil || got.ID != b.ID {
		t.Errorf("FindBookingByCode: got %v, %v; want booking %s", got, err, b.ID)
	}
	if _, err := s.FindBooking(ctx, ids.New()); !errs.Is(err, errs.NotFound) {
		t.Errorf("FindBooking(unknown): got %v, want NotFound", err)
	}
	if _, err := s.FindBookingByCode(ctx, "ZZZZZZZZ"); !errs.Is(err, errs.NotFound) {
		t.Errorf("FindBookingByCode(unknown): got %v, want NotFound", err)
	}

	// One active booking per account, item and day; the counter is not
	// taken by a refused booking.
	wantErr(t, "same account, item and day", s.CreateBooking(ctx, newBooking(acc[0], "A", ItemA, slot("11:00")), 2, nil), appointments.ErrDuplicate)
	if n := count(t, s, "A", slot("11:00")); n != 0 {
		t.Errorf("a refused duplicate holds a place: count %d, want 0", n)
	}
	taken := newBooking(acc[1], "A", ItemA, slot("10:00"))
	taken.Code = b.Code
	wantErr(t, "a taken booking code", s.CreateBooking(ctx, taken, 2, nil), appointments.ErrCodeTaken)
	create(t, s, newBooking(acc[0], "A", ItemEnterprise, slot("10:00")), 2) // another item the same day is fine
	wantErr(t, "a full slot", s.CreateBooking(ctx, newBooking(acc[1], "A", ItemA, slot("10:00")), 2, nil), appointments.ErrSlotFull)
	if n := count(t, s, "A", slot("10:00")); n != 2 {
		t.Errorf("count of the full slot = %d, want 2", n)
	}
	create(t, s, newBooking(acc[1], "B", ItemB, slot("10:00")), 1) // other groups count apart

	list, total, err := s.FindBookings(ctx, appointments.BookingFilter{AccountID: acc[0]})
	if err != nil || total != 2 || len(list) != 2 {
		t.Errorf("FindBookings(account): got %d of %d, %v; want 2 of 2", len(list), total, err)
	}
	list, total, err = s.FindBookings(ctx, appointments.BookingFilter{Hall: HallCode, Day: monday, Groups: []string{"B"},
		Statuses: []appointments.Status{appointments.Booked}})
	if err != nil || total != 1 || len(list) != 1 || list[0].AccountID != acc[1] {
		t.Errorf("FindBookings(group B): got %d of %d, %v; want acc[1]'s booking", len(list), total, err)
	}
	if _, total, _ := s.FindBookings(ctx, appointments.BookingFilter{Day: "2026-03-03"}); total != 0 {
		t.Errorf("FindBookings(another day): total %d, want 0", total)
	}
	evs, err := s.FindEvents(ctx, b.ID)
	if err != nil || len(evs) != 1 || evs[0].Kind != appointments.EventBooked {
		t.Errorf("FindEvents: got %v, %v; want one booked event", evs, err)
	}
}

func testCancel(t *testing.T, f *Fixture) {
	ctx := context.Background()
	s := f.Store
	saveHall(t, s, nil)
	acc := f.Accounts(t, 2)
	b := newBooking(acc[0], "A", ItemA, slot("10:00"))
	create(t, s, b, 1)
	if _, err := s.CancelBooking(ctx, b.ID, slot("10:00"), event(b.ID, appointments.EventCancelled)); !errors.Is(err, appointments.ErrStale) {
		t.Errorf("cancel at the slot's start: got %v, want ErrStale", err)
	}
	got, err := s.CancelBooking(ctx, b.ID, t0, event(b.ID, appointments.EventCancelled))
	if err != nil {
		t.Fatalf("CancelBooking: %v", err)
	}
	if got.Status != appointments.Cancelled || !got.CancelledAt.Equal(t0) {
		t.Errorf("cancelled booking: status %s at %v, want cancelled at %v", got.Status, got.CancelledAt, t0)
	}
	if n := count(t, s, "A", slot("10:00")); n != 0 {
		t.Errorf("count after cancelling = %d, want 0", n)
	}
	if _, err := s.CancelBooking(ctx, b.ID, t0, nil); !errors.Is(err, appointments.ErrStale) {
		t.Errorf("cancel twice: got %v, want ErrStale", err)
	}
	// The freed place and the same item on the same day can be booked again.
	create(t, s, newBooking(acc[1], "A", ItemA, slot("10:00")), 1)
	create(t, s, newBooking(acc[0], "A", ItemA, slot("11:00")), 1)
}

func testMove(t *testing.T, f *Fixture) {
	ctx := context.Background()
	s := f.Store
	saveHall(t, s, nil)
	acc := f.Accounts(t, 3)
	b := newBooking(acc[0], "A", ItemA, slot("10:00"))
	create(t, s, b, 1)
	full := newBooking(acc[1], "A", ItemA, slot("11:00"))
	create(t, s, full, 1)
	move := func(id string, from appointments.SlotRef, start time.Time, capacity int) (*appointments.Booking, error) {
		to := newBooking("", "A", "", start)
		to.UpdatedAt = t0.Add(time.Minute)
		return s.MoveBooking(ctx, id, from, to, capacity, t0, event(id, appointments.EventMoved))
	}
	if _, err := move(b.ID, b.Slot(), slot("11:00"), 1); !errors.Is(err, appointments.ErrSlotFull) {
		t.Errorf("move to a full slot: got %v, want ErrSlotFull", err)
	}
	if got, _ := s.FindBooking(ctx, b.ID); got == nil || !got.StartsAt.Equal(b.StartsAt) || got.Status != appointments.Booked {
		t.Errorf("a refused move lost the old slot: %+v", got)
	}
	if a, c := count(t, s, "A", slot("10:00")), count(t, s, "A", slot("11:00")); a != 1 || c != 1 {
		t.Errorf("counts after a refused move: %d and %d, want 1 and 1", a, c)
	}
	next := At("2026-03-03", "14:30")
	got, err := move(b.ID, b.Slot(), next, 1)
	if err != nil {
		t.Fatalf("MoveBooking: %v", err)
	}
	if !got.StartsAt.Equal(next) || got.Day != "2026-03-03" || !got.EndsAt.Equal(next.Add(30*time.Minute)) || got.Code != b.Code {
		t.Errorf("moved booking: %s %s-%s code %s; want 2026-03-03 %s, code kept", got.Day, got.StartsAt, got.EndsAt, got.Code, next)
	}
	if a, c := count(t, s, "A", slot("10:00")), count(t, s, "A", next); a != 0 || c != 1 {
		t.Errorf("counts after the move: old %d, new %d; want 0 and 1", a, c)
	}
	if _, err := move(b.ID, b.Slot(), slot("12:00"), 1); !errors.Is(err, appointments.ErrStale) {
		t.Errorf("move from a slot the booking no longer holds: got %v, want ErrStale", err)
	}
	// Moving onto a day with another active booking of the item is refused.
	other := newBooking(acc[0], "A", ItemA, At("2026-03-04", "09:00"))
	create(t, s, other, 5)
	if _, err := move(other.ID, other.Slot(), At("2026-03-03", "15:00"), 5); !errors.Is(err, appointments.ErrDuplicate) {
		t.Errorf("move onto a day already booked: got %v, want ErrDuplicate", err)
	}
	if n := count(t, s, "A", At("2026-03-04", "09:00")); n != 1 {
		t.Errorf("a refused move released the old place: count %d, want 1", n)
	}
	evs, _ := s.FindEvents(ctx, b.ID)
	if len(evs) != 2 || evs[1].Kind != appointments.EventMoved {
		t.Errorf("events after a move: %d, want booked and moved", len(evs))
	}
}

func testQueue(t *testing.T, f *Fixture) {
	ctx := context.Background()
	s := f.Store
	saveHall(t, s, nil)
	acc := f.Accounts(t, 4)
	var bs []*appointments.Booking
	for i, a := range acc {
		group, item := "A", ItemA
		if i == 3 {
			group, item = "B", ItemB
		}
		b := newBooking(a, group, item, slot("09:30"))
		create(t, s, b, 5)
		bs = append(bs, b)
	}
	if _, err := s.CallNext(ctx, HallCode, monday, "A", 1, t0, event("", appointments.EventCalled)); !errors.Is(err, appointments.ErrQueueEmpty) {
		t.Errorf("call with nobody waiting: got %v, want ErrQueueEmpty", err)
	}
	want := []string{"A001", "A002", "A003", "B001"}
	order := []int{1, 0, 2, 3} // check-in order: acc[1] first
	for i, k := range order {
		got, err := s.CheckIn(ctx, bs[k].ID, t0, event(bs[k].ID, appointments.EventCheckedIn))
		if err != nil {
			t.Fatalf("CheckIn: %v", err)
		}
		if got.QueueNumber != want[i] || got.Status != appointments.CheckedIn || !got.CheckedInAt.Equal(t0) {
			t.Errorf("check-in %d: number %s status %s; want %s checked_in", i, got.QueueNumber, got.Status, want[i])
		}
	}
	if _, err := s.CheckIn(ctx, bs[0].ID, t0, nil); !errors.Is(err, appointments.ErrStale) {
		t.Errorf("check in twice: got %v, want ErrStale", err)
	}
	if _, n, _ := s.FindBookings(ctx, appointments.BookingFilter{Hall: HallCode, Day: monday, Groups: []string{"A"},
		Statuses: []appointments.Status{appointments.CheckedIn}, BeforeSeq: 3}); n != 2 {
		t.Errorf("people ahead of A003: %d, want 2", n)
	}
	called, err := s.CallNext(ctx, HallCode, monday, "A", 2, t0, event("", appointments.EventCalled))
	if err != nil {
		t.Fatalf("CallNext: %v", err)
	}
	if called.ID != bs[1].ID || called.Window != 2 || called.Status != appointments.Called {
		t.Errorf("CallNext: got %s (%s) to window %d, want A001 to window 2", called.QueueNumber, called.Status, called.Window)
	}
	if evs, _ := s.FindEvents(ctx, called.ID); len(evs) != 3 || evs[2].Kind != appointments.EventCalled || evs[2].BookingID != called.ID {
		t.Errorf("events of the called booking: %+v", evs)
	}
	served, err := s.Transition(ctx, called.ID, appointments.Called, appointments.Served, t0, event(called.ID, appointments.EventServed))
	if err != nil || served.Status != appointments.Served || !served.ServedAt.Equal(t0) {
		t.Errorf("Transition to served: got %+v, %v", served, err)
	}
	if _, err := s.Transition(ctx, called.ID, appointments.Called, appointments.NoShow, t0, nil); !errors.Is(err, appointments.ErrStale) {
		t.Errorf("transition from the wrong status: got %v, want ErrStale", err)
	}
	next, err := s.CallNext(ctx, HallCode, monday, "A", 1, t0, event("", appointments.EventCalled))
	if err != nil || next.QueueNumber != "A002" {
		t.Errorf("second CallNext: got %v, %v; want A002", next, err)
	}
	// The next day numbers start again.
	tomorrow := newBooking(acc[0], "A", ItemA, At("2026-03-03", "09:00"))
	create(t, s, tomorrow, 5)
	if got, err := s.CheckIn(ctx, tomorrow.ID, t0, nil); err != nil || got.QueueNumber != "A001" {
		t.Errorf("first check-in of the next day: got %v, %v; want A001", got, err)
	}
}

func testHousekeeping(t *testing.T, f *Fixture) {
	ctx := context.Background()
	s := f.Store
	saveHall(t, s, nil)
	acc := f.Accounts(t, 3)
	early := newBooking(acc[0], "A", ItemA, slot("09:30"))
	late := newBooking(acc[1], "A", ItemA, slot("11:00"))
	tomorrow := newBooking(acc[2], "A", ItemA, At("2026-03-03", "10:00"))
	checked := newBooking(acc[2], "A", ItemEnterprise, slot("09:30"))
	for _, b := range []*appointments.Booking{early, late, tomorrow, checked} {
		create(t, s, b, 5)
	}
	if _, err := s.CheckIn(ctx, checked.ID, t0, nil); err != nil {
		t.Fatalf("CheckIn: %v", err)
	}
	now := slot("10:00") // the 09:30 slot has just ended
	due, err := s.DueNoShows(ctx, now, 10)
	if err != nil {
		t.Fatalf("DueNoShows: %v", err)
	}
	if len(due) != 1 || due[0].ID != early.ID {
		t.Fatalf("DueNoShows: got %d bookings, want only the unchecked 09:30 one", len(due))
	}
	marked, err := s.Transition(ctx, early.ID, appointments.Booked, appointments.NoShow, now,
		&appointments.Event{ID: ids.New(), BookingID: early.ID, At: now, Kind: appointments.EventNoShow})
	if err != nil || marked.Status != appointments.NoShow || !marked.NoShowAt.Equal(now) {
		t.Errorf("mark the no-show: got %+v, %v", marked, err)
	}
	if again, err := s.DueNoShows(ctx, now, 10); err != nil || len(again) != 0 {
		t.Errorf("DueNoShows after marking: got %d, %v; want none", len(again), err)
	}
	if evs, _ := s.FindEvents(ctx, early.ID); len(evs) != 2 || evs[1].Kind != appointments.EventNoShow {
		t.Errorf("events of the no-show: %+v", evs)
	}
	times, err := s.NoShowTimes(ctx, acc[0], now.Add(-time.Hour))
	if err != nil || len(times) != 1 || !times[0].Equal(now) {
		t.Errorf("NoShowTimes: got %v, %v; want [%v]", times, err, now)
	}
	if times, _ := s.NoShowTimes(ctx, acc[0], now.Add(time.Minute)); len(times) != 0 {
		t.Errorf("NoShowTimes after the no-show: got %v, want none", times)
	}

	// Reminders: slots starting within the next day, once each.
	got, err := s.DueReminders(ctx, now, now.Add(24*time.Hour), 10)
	if err != nil {
		t.Fatalf("DueReminders: %v", err)
	}
	if len(got) != 2 || got[0].ID != late.ID || got[1].ID != tomorrow.ID {
		t.Fatalf("DueReminders: got %d bookings, want the 11:00 one and tomorrow's, in that order", len(got))
	}
	if first, _ := s.DueReminders(ctx, now, now.Add(24*time.Hour), 1); len(first) != 1 || first[0].ID != late.ID {
		t.Errorf("DueReminders with limit 1: got %d, want the 11:00 booking", len(first))
	}
	if err := s.ClaimReminder(ctx, late.ID, late.Slot(), now); err != nil {
		t.Errorf("ClaimReminder: %v", err)
	}
	if r, _ := s.FindBooking(ctx, late.ID); r == nil || !r.RemindedAt.Equal(now) {
		t.Errorf("the claimed booking is not marked reminded: %+v", r)
	}
	wantErr(t, "claim a reminder twice", s.ClaimReminder(ctx, late.ID, late.Slot(), now), appointments.ErrStale)
	moved := tomorrow.Slot()
	moved.Start = moved.Start.Add(30 * time.Minute)
	wantErr(t, "claim a reminder for a slot the booking no longer holds", s.ClaimReminder(ctx, tomorrow.ID, moved, now), appointments.ErrStale)
	wantErr(t, "claim a reminder of a checked-in booking", s.ClaimReminder(ctx, checked.ID, checked.Slot(), now), appointments.ErrStale)
	if rest, _ := s.DueReminders(ctx, now, now.Add(24*time.Hour), 10); len(rest) != 1 || rest[0].ID != tomorrow.ID {
		t.Errorf("DueReminders after a claim: got %d, want tomorrow's only", len(rest))
	}
}
