package appointmentstest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/appointments"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
	"github.com/pengcheng-gov/pengcheng/internal/notify"
)

// testPurpose is the purpose of the suite's messages.
const testPurpose = "appointment_test"

// notice returns an in-app message to account with the idempotency key,
// as the service composes them.
func notice(account, key string) *notify.Message {
	return &notify.Message{ID: ids.New(), Channel: notify.InApp, Recipient: account, AccountID: account, Purpose: testPurpose,
		Subject: "测试通知", Body: "测试通知：" + key, Status: notify.StatusPending, CreatedAt: t0, NextAttemptAt: t0,
		IdempotencyKey: key}
}

// unstorable returns a message the outbox refuses: its account does not
// exist.
func unstorable() *notify.Message { return notice(ids.New(), "bad:"+ids.New()) }

// queued returns the suite's messages in the outbox by idempotency key.
func queued(t *testing.T, f *Fixture) map[string]*notify.Message {
	t.Helper()
	list, _, err := f.Outbox.FindMessages(context.Background(), notify.MessageFilter{Purpose: testPurpose, Limit: 500})
	if err != nil {
		t.Fatalf("FindMessages: %v", err)
	}
	out := map[string]*notify.Message{}
	for _, m := range list {
		out[m.IdempotencyKey] = m
	}
	return out
}

// wantQueued checks which of keys are in the outbox: those in want, and
// none of the others; and that nothing else is.
func wantQueued(t *testing.T, f *Fixture, what string, want ...string) {
	t.Helper()
	got := queued(t, f)
	for _, k := range want {
		m := got[k]
		if m == nil {
			t.Errorf("%s: message %s is not in the outbox", what, k)
			continue
		}
		if m.Status != notify.StatusPending {
			t.Errorf("%s: message %s is %s, want pending", what, k, m.Status)
		}
		delete(got, k)
	}
	for k := range got {
		t.Errorf("%s: unexpected message %s in the outbox", what, k)
	}
}

// testBookingNotices: CreateBooking enqueues its messages if and only if
// the booking is stored.
func testBookingNotices(t *testing.T, f *Fixture) {
	ctx := context.Background()
	s := f.Store
	saveHall(t, s, nil)
	acc := f.Accounts(t, 3)

	b := newBooking(acc[0], "A", ItemA, slot("10:00"))
	if err := s.CreateBooking(ctx, b, 1, event(b.ID, appointments.EventBooked), notice(acc[0], "booked:0:inbox"),
		notice(acc[0], "booked:0:sms")); err != nil {
		t.Fatalf("CreateBooking with notices: %v", err)
	}
	wantQueued(t, f, "after a booking", "booked:0:inbox", "booked:0:sms")

	full := newBooking(acc[1], "A", ItemA, slot("10:00"))
	wantErr(t, "book a full slot", s.CreateBooking(ctx, full, 1, event(full.ID, appointments.EventBooked),
		notice(acc[1], "booked:1:inbox")), appointments.ErrSlotFull)
	wantQueued(t, f, "after a booking refused as full", "booked:0:inbox", "booked:0:sms")

	// A message that cannot be stored refuses the booking, and the
	// message stored before it in the transaction is rolled back.
	lost := newBooking(acc[2], "A", ItemA, slot("11:00"))
	err := s.CreateBooking(ctx, lost, 1, event(lost.ID, appointments.EventBooked), notice(acc[2], "booked:2:inbox"), unstorable())
	if err == nil {
		t.Fatalf("CreateBooking with an unstorable notice succeeded")
	}
	if _, err := s.FindBooking(ctx, lost.ID); !errs.Is(err, errs.NotFound) {
		t.Errorf("a booking whose notice failed was stored: FindBooking got %v", err)
	}
	if n := count(t, s, "A", slot("11:00")); n != 0 {
		t.Errorf("a booking whose notice failed holds a place: count %d", n)
	}
	wantQueued(t, f, "after a booking whose notice failed", "booked:0:inbox", "booked:0:sms")

	// A key already stored is not stored again.
	again := newBooking(acc[2], "A", ItemA, slot("11:00"))
	if err := s.CreateBooking(ctx, again, 1, event(again.ID, appointments.EventBooked), notice(acc[2], "booked:0:inbox")); err != nil {
		t.Fatalf("CreateBooking with a stored key: %v", err)
	}
	if m := queued(t, f)["booked:0:inbox"]; m == nil || m.AccountID != acc[0] {
		t.Errorf("a message with a stored key replaced the first: %+v", m)
	}
	wantQueued(t, f, "after a booking with a stored key", "booked:0:inbox", "booked:0:sms")
}

// testChangeNotices: MoveBooking, CancelBooking and Transition enqueue
// their messages if and only if the change is made.
func testChangeNotices(t *testing.T, f *Fixture) {
	ctx := context.Background()
	s := f.Store
	saveHall(t, s, nil)
	acc := f.Accounts(t, 2)
	b := newBooking(acc[0], "A", ItemA, slot("10:00"))
	create(t, s, b, 1)
	create(t, s, newBooking(acc[1], "A", ItemA, slot("11:00")), 1)
	to := func(start time.Time) *appointments.Booking {
		n := newBooking("", "A", "", start)
		n.UpdatedAt = t0.Add(time.Minute)
		return n
	}
	var want []string
	check := func(what string, err error, target error, key string) {
		t.Helper()
		switch {
		case target == nil && err != nil:
			t.Errorf("%s: %v", what, err)
		case target == nil:
			want = append(want, key)
		case target == errAny && err == nil, target != errAny && !errors.Is(err, target):
			t.Errorf("%s: got error %v, want %v", what, err, target)
		}
		wantQueued(t, f, what, want...)
	}

	_, err := s.MoveBooking(ctx, b.ID, b.Slot(), to(slot("11:00")), 1, t0, event(b.ID, appointments.EventMoved), notice(acc[0], "moved:full"))
	check("move to a full slot", err, appointments.ErrSlotFull, "")
	_, err = s.MoveBooking(ctx, b.ID, b.Slot(), to(slot("14:00")), 1, t0, event(b.ID, appointments.EventMoved),
		notice(acc[0], "moved:lost"), unstorable())
	check("a move whose notice failed", err, errAny, "")
	if got, _ := s.FindBooking(ctx, b.ID); got == nil || !got.StartsAt.Equal(b.StartsAt) {
		t.Errorf("a move whose notice failed moved the booking: %+v", got)
	}
	if a, c := count(t, s, "A", slot("10:00")), count(t, s, "A", slot("14:00")); a != 1 || c != 0 {
		t.Errorf("counts after a move whose notice failed: %d and %d, want 1 and 0", a, c)
	}
	moved, err := s.MoveBooking(ctx, b.ID, b.Slot(), to(slot("14:00")), 1, t0, event(b.ID, appointments.EventMoved), notice(acc[0], "moved:ok"))
	check("a move", err, nil, "moved:ok")
	_, err = s.MoveBooking(ctx, b.ID, b.Slot(), to(slot("15:00")), 1, t0, event(b.ID, appointments.EventMoved), notice(acc[0], "moved:stale"))
	check("a stale move", err, appointments.ErrStale, "")

	_, err = s.CancelBooking(ctx, b.ID, t0, event(b.ID, appointments.EventCancelled), notice(acc[0], "cancelled:lost"), unstorable())
	check("a cancellation whose notice failed", err, errAny, "")
	if got, _ := s.FindBooking(ctx, b.ID); got == nil || got.Status != appointments.Booked || count(t, s, "A", moved.StartsAt) != 1 {
		t.Errorf("a cancellation whose notice failed cancelled the booking: %+v", got)
	}
	_, err = s.CancelBooking(ctx, b.ID, t0, event(b.ID, appointments.EventCancelled), notice(acc[0], "cancelled:ok"))
	check("a cancellation", err, nil, "cancelled:ok")
	_, err = s.CancelBooking(ctx, b.ID, t0, event(b.ID, appointments.EventCancelled), notice(acc[0], "cancelled:again"))
	check("a second cancellation", err, appointments.ErrStale, "")

	c := newBooking(acc[0], "A", ItemA, slot("16:00"))
	create(t, s, c, 1)
	_, err = s.Transition(ctx, c.ID, appointments.Booked, appointments.NoShow, t0, event(c.ID, appointments.EventNoShow),
		notice(acc[0], "no_show:lost"), unstorable())
	check("a no-show whose notice failed", err, errAny, "")
	if got, _ := s.FindBooking(ctx, c.ID); got == nil || got.Status != appointments.Booked {
		t.Errorf("a no-show whose notice failed was marked: %+v", got)
	}
	_, err = s.Transition(ctx, c.ID, appointments.Booked, appointments.NoShow, t0, event(c.ID, appointments.EventNoShow), notice(acc[0], "no_show:ok"))
	check("a no-show", err, nil, "no_show:ok")
	_, err = s.Transition(ctx, c.ID, appointments.Booked, appointments.NoShow, t0, event(c.ID, appointments.EventNoShow), notice(acc[0], "no_show:again"))
	check("a second no-show", err, appointments.ErrStale, "")
}

// errAny stands for any error in testChangeNotices.
var errAny = errors.New("any error")

// testReminderNotices: ClaimReminder enqueues its messages only for the
// claim that marks the booking.
func testReminderNotices(t *testing.T, f *Fixture) {
	ctx := context.Background()
	s := f.Store
	saveHall(t, s, nil)
	acc := f.Accounts(t, 1)
	b := newBooking(acc[0], "A", ItemA, At("2026-03-03", "10:00"))
	create(t, s, b, 1)
	if err := s.ClaimReminder(ctx, b.ID, b.Slot(), t0, notice(acc[0], "reminder:lost"), unstorable()); err == nil {
		t.Errorf("ClaimReminder with an unstorable notice succeeded")
	}
	if got, _ := s.FindBooking(ctx, b.ID); got == nil || !got.RemindedAt.IsZero() {
		t.Errorf("a reminder whose notice failed marked the booking: %+v", got)
	}
	wantQueued(t, f, "after a reminder whose notice failed")
	if err := s.ClaimReminder(ctx, b.ID, b.Slot(), t0, notice(acc[0], "reminder:ok")); err != nil {
		t.Fatalf("ClaimReminder: %v", err)
	}
	wantErr(t, "a second reminder", s.ClaimReminder(ctx, b.ID, b.Slot(), t0, notice(acc[0], "reminder:again")), appointments.ErrStale)
	wantQueued(t, f, "after reminding twice", "reminder:ok")
}
