package appointments_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/appointments"
	"github.com/pengcheng-gov/pengcheng/internal/appointments/appointmentstest"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
	"github.com/pengcheng-gov/pengcheng/internal/notify"
)

// countingNotifier is the real notifier, counting its wake-ups.
type countingNotifier struct {
	*notify.Service
	wakes atomic.Int32
}

func (n *countingNotifier) Wake() { n.wakes.Add(1); n.Service.Wake() }

// failingStore is a store whose changes fail after they wrote their
// messages: each is given one more message, which the outbox refuses
// (its account does not exist), so the transaction rolls back.
type failingStore struct{ appointments.Store }

func unstorable() *notify.Message {
	return &notify.Message{ID: ids.New(), Channel: notify.InApp, Recipient: "nobody", AccountID: ids.New(),
		Purpose: "appointment_test", Body: "不能存储", Status: notify.StatusPending, CreatedAt: time.Now().UTC()}
}

func (s failingStore) CreateBooking(ctx context.Context, b *appointments.Booking, capacity int, ev *appointments.Event,
	msgs ...*notify.Message) error {
	return s.Store.CreateBooking(ctx, b, capacity, ev, append(msgs, unstorable())...)
}

func (s failingStore) CancelBooking(ctx context.Context, id string, now time.Time, ev *appointments.Event,
	msgs ...*notify.Message) (*appointments.Booking, error) {
	return s.Store.CancelBooking(ctx, id, now, ev, append(msgs, unstorable())...)
}

// outbox returns the messages with purpose to account, failing the test
// unless there are want of them, all pending (stored, not yet delivered).
func outbox(t *testing.T, e *appointmentstest.Env, accountID, purpose string, want int) []*notify.Message {
	t.Helper()
	list := e.Messages(t, accountID, purpose)
	if len(list) != want {
		t.Errorf("%s messages in the outbox: %d, want %d", purpose, len(list), want)
	}
	for _, m := range list {
		if m.Status != notify.StatusPending {
			t.Errorf("%s message by %s is %s, want pending until the dispatcher runs", purpose, m.Channel, m.Status)
		}
	}
	return list
}

// TestNoticesCommitWithTheChange: a booking's confirmation is in the
// outbox once the booking has committed, and the notifier is woken after;
// a booking or a cancellation whose store write fails leaves no message
// and wakes nobody.
func TestNoticesCommitWithTheChange(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		e := appointmentstest.NewEnv(t, d)
		c := newCast(t, e)
		ctx := context.Background()
		n := &countingNotifier{Service: e.Identity.Notify}
		svc := appointments.NewService(e.Store, n, e.Catalog, appointments.Policy{}, e.Clock.Now, nil)
		broken := appointments.NewService(failingStore{e.Store}, n, e.Catalog, appointments.Policy{}, e.Clock.Now, nil)
		nb := appointments.NewBooking{Hall: appointmentstest.HallCode, Item: appointmentstest.ItemA, Start: at(tue, "10:00")}

		if _, err := broken.Book(ctx, c.citizen, nb); err == nil {
			t.Fatalf("a booking whose store write failed succeeded")
		}
		outbox(t, e, c.citizen.ID, "appointment_booked", 0)
		if k := myCount(t, e, c.citizen); k != 0 {
			t.Errorf("a booking whose store write failed was kept: %d bookings", k)
		}
		if w := n.wakes.Load(); w != 0 {
			t.Errorf("a failed booking woke the notifier %d times", w)
		}

		b, err := svc.Book(ctx, c.citizen, nb)
		if err != nil {
			t.Fatalf("Book: %v", err)
		}
		if w := n.wakes.Load(); w != 1 {
			t.Errorf("the notifier was woken %d times after the booking, want once", w)
		}
		keys := map[string]string{}
		for _, m := range outbox(t, e, c.citizen.ID, "appointment_booked", 2) {
			keys[m.Channel] = m.IdempotencyKey
			if !strings.Contains(m.Body, b.Code) {
				t.Errorf("%s confirmation lacks the code %s: %s", m.Channel, b.Code, m.Body)
			}
		}
		if keys[notify.InApp] != "appt:"+b.ID+":booked:inbox" || keys[notify.SMS] != "appt:"+b.ID+":booked:sms" {
			t.Errorf("confirmation keys: %v", keys)
		}

		if _, err := broken.Cancel(ctx, c.citizen, b.ID); err == nil {
			t.Fatalf("a cancellation whose store write failed succeeded")
		}
		outbox(t, e, c.citizen.ID, "appointment_cancelled", 0)
		if got, _ := svc.Booking(ctx, c.citizen, b.ID); got == nil || got.Status != appointments.Booked {
			t.Errorf("a cancellation whose store write failed cancelled the booking: %+v", got)
		}
		if _, err := svc.Cancel(ctx, c.citizen, b.ID); err != nil {
			t.Fatalf("Cancel: %v", err)
		}
		outbox(t, e, c.citizen.ID, "appointment_cancelled", 2)
		if w := n.wakes.Load(); w != 2 {
			t.Errorf("the notifier was woken %d times after booking and cancelling, want twice", w)
		}
	})
}

// TestNoticeKeys: every change is told once, even two changes at the same
// instant; a reminder goes out once per booking and slot, even when the
// booking is claimed for it again.
func TestNoticeKeys(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		e := appointmentstest.NewEnv(t, d)
		c := newCast(t, e)
		ctx := context.Background()
		b := e.Book(t, c.citizen, appointmentstest.ItemA, at(wed, "10:00"))
		for _, start := range []time.Time{at(wed, "10:30"), at(wed, "10:00")} { // the clock stands still
			if _, err := e.Service.Change(ctx, c.citizen, b.ID, "", start); err != nil {
				t.Fatalf("Change to %s: %v", start, err)
			}
		}
		outbox(t, e, c.citizen.ID, "appointment_changed", 4)

		remind := func(want int) {
			t.Helper()
			if n, err := e.Service.SendReminders(ctx, e.Clock.Now()); err != nil || n != want {
				t.Errorf("SendReminders at %s: %d, %v; want %d", e.Clock.Now(), n, err, want)
			}
		}
		e.SetNow(t, at(tue, "10:00"))
		remind(1)
		outbox(t, e, c.citizen.ID, "appointment_reminder", 2)
		// Claimed again (as after a lost acknowledgement): the keys stop
		// a second reminder of the same slot.
		if _, err := d.Exec(ctx, `UPDATE appointments SET reminded_at = NULL WHERE id = ?`, b.ID); err != nil {
			t.Fatalf("reset reminded_at: %v", err)
		}
		remind(1)
		outbox(t, e, c.citizen.ID, "appointment_reminder", 2)

		// Moved to another day, the booking is reminded of its new slot.
		if _, err := e.Service.Change(ctx, c.citizen, b.ID, "", at("2026-03-05", "10:00")); err != nil {
			t.Fatalf("Change to Thursday: %v", err)
		}
		remind(0)
		e.SetNow(t, at(wed, "10:00"))
		remind(1)
		list := outbox(t, e, c.citizen.ID, "appointment_reminder", 4)
		if len(list) == 4 && !strings.Contains(list[0].Body, "2026-03-05 10:00") {
			t.Errorf("the newest reminder is not of the new slot: %s", list[0].Body)
		}
		remind(0)
	})
}
