package appointmentstest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/appointments"
)

// stores returns the fixture's stores: Store, and Other when there is one,
// as two server instances.
func (f *Fixture) stores() []appointments.Store {
	if f.Other != nil {
		return []appointments.Store{f.Store, f.Other}
	}
	return []appointments.Store{f.Store}
}

// concurrently runs fn(i) for i in [0, n) in n goroutines that start
// together, and waits for them.
func concurrently(n int, fn func(i int)) {
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			fn(i)
		}()
	}
	close(start)
	wg.Wait()
}

// outcomes counts results by error.
type outcomes struct {
	mu    sync.Mutex
	ok    int
	full  int
	other []error
}

func (o *outcomes) add(err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	switch {
	case err == nil:
		o.ok++
	case errors.Is(err, appointments.ErrSlotFull):
		o.full++
	default:
		o.other = append(o.other, err)
	}
}

func (o *outcomes) check(t *testing.T, what string, attempts int) {
	t.Helper()
	for i, err := range o.other {
		if i < 5 {
			t.Errorf("%s: unexpected error: %v", what, err)
		}
	}
	if o.ok+o.full != attempts {
		t.Errorf("%s: %d succeeded and %d found the slot full, want %d in all", what, o.ok, o.full, attempts)
	}
}

// booked returns the booked bookings of the test hall's group at start.
func booked(t *testing.T, s appointments.Store, group string, start time.Time) int {
	t.Helper()
	list, _, err := s.FindBookings(context.Background(), appointments.BookingFilter{Hall: HallCode, Day: appointments.DayOf(start),
		Groups: []string{group}, Statuses: []appointments.Status{appointments.Booked}, Limit: 1000})
	if err != nil {
		t.Fatalf("FindBookings: %v", err)
	}
	n := 0
	for _, b := range list {
		if b.StartsAt.Equal(start) {
			n++
		}
	}
	return n
}

// testConcurrentBookings: 200 accounts book a slot of capacity 5 at once,
// through both instances: exactly 5 succeed, the others find it full.
func testConcurrentBookings(t *testing.T, f *Fixture) {
	const (
		attempts = 200
		capacity = 5
	)
	saveHall(t, f.Store, nil)
	acc := f.Accounts(t, attempts)
	stores := f.stores()
	start := slot("10:00")
	var o outcomes
	concurrently(attempts, func(i int) {
		s := stores[i%len(stores)]
		b := newBooking(acc[i], "A", ItemA, start)
		o.add(s.CreateBooking(context.Background(), b, capacity, event(b.ID, appointments.EventBooked)))
	})
	o.check(t, "concurrent bookings", attempts)
	if o.ok != capacity || o.full != attempts-capacity {
		t.Errorf("concurrent bookings: %d succeeded, %d full; want %d and %d", o.ok, o.full, capacity, attempts-capacity)
	}
	if n := count(t, f.Store, "A", start); n != capacity {
		t.Errorf("slot counter = %d, want %d", n, capacity)
	}
	if n := booked(t, f.Store, "A", start); n != capacity {
		t.Errorf("bookings stored in the slot = %d, want %d", n, capacity)
	}
}

// testConcurrentMoves: bookings move both ways between two slots at once;
// nobody holds two slots or loses theirs, no slot exceeds its capacity,
// the counters match the bookings, and no transaction deadlocks.
func testConcurrentMoves(t *testing.T, f *Fixture) {
	const (
		inX, inY = 40, 20
		capX     = 100
		capY     = 25
	)
	ctx := context.Background()
	saveHall(t, f.Store, nil)
	acc := f.Accounts(t, inX+inY)
	x, y := slot("10:00"), slot("11:00")
	var fromX, fromY []*appointments.Booking
	for i, a := range acc {
		if i < inX {
			b := newBooking(a, "A", ItemA, x)
			create(t, f.Store, b, capX)
			fromX = append(fromX, b)
		} else {
			b := newBooking(a, "A", ItemA, y)
			create(t, f.Store, b, capY)
			fromY = append(fromY, b)
		}
	}
	stores := f.stores()
	var toY, toX outcomes
	concurrently(inX+inY, func(i int) {
		s := stores[i%len(stores)]
		if i < inX {
			b := fromX[i]
			to := newBooking("", "A", "", y)
			_, err := s.MoveBooking(ctx, b.ID, b.Slot(), to, capY, t0, event(b.ID, appointments.EventMoved))
			toY.add(err)
			return
		}
		b := fromY[i-inX]
		to := newBooking("", "A", "", x)
		_, err := s.MoveBooking(ctx, b.ID, b.Slot(), to, capX, t0, event(b.ID, appointments.EventMoved))
		toX.add(err)
	})
	toY.check(t, "moves to the smaller slot", inX)
	toX.check(t, "moves to the larger slot", inY)
	if toX.ok != inY {
		t.Errorf("moves into the roomy slot: %d succeeded, want all %d", toX.ok, inY)
	}
	if toY.ok < capY-inY || toY.ok > capY {
		t.Errorf("moves into the small slot: %d succeeded, want %d to %d", toY.ok, capY-inY, capY)
	}
	cx, cy := count(t, f.Store, "A", x), count(t, f.Store, "A", y)
	bx, by := booked(t, f.Store, "A", x), booked(t, f.Store, "A", y)
	if cx != bx || cy != by {
		t.Errorf("counters (%d, %d) differ from the bookings held (%d, %d)", cx, cy, bx, by)
	}
	if bx+by != inX+inY {
		t.Errorf("bookings held after the moves: %d + %d, want %d in all", bx, by, inX+inY)
	}
	if cy > capY || cy != toY.ok {
		t.Errorf("small slot holds %d, want the %d moved in (at most %d)", cy, toY.ok, capY)
	}
}

// testConcurrentQueue: 100 people check in at once and get 100 distinct
// numbers from 001; then several windows call at once and everybody is
// called exactly once.
func testConcurrentQueue(t *testing.T, f *Fixture) {
	const people, windows = 100, 8
	ctx := context.Background()
	saveHall(t, f.Store, nil)
	acc := f.Accounts(t, people)
	var bs []*appointments.Booking
	for _, a := range acc {
		b := newBooking(a, "A", ItemA, slot("09:30"))
		create(t, f.Store, b, people)
		bs = append(bs, b)
	}
	stores := f.stores()
	var (
		mu      sync.Mutex
		numbers = map[string]string{}
		errs    []error
	)
	concurrently(people, func(i int) {
		got, err := stores[i%len(stores)].CheckIn(ctx, bs[i].ID, t0, event(bs[i].ID, appointments.EventCheckedIn))
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			errs = append(errs, err)
			return
		}
		if prev, dup := numbers[got.QueueNumber]; dup {
			errs = append(errs, fmt.Errorf("number %s issued to %s and %s", got.QueueNumber, prev, got.ID))
		}
		numbers[got.QueueNumber] = got.ID
	})
	for _, err := range errs {
		t.Errorf("concurrent check-in: %v", err)
	}
	for i := 1; i <= people; i++ {
		if _, ok := numbers[fmt.Sprintf("A%03d", i)]; !ok {
			t.Errorf("number A%03d was not issued", i)
		}
	}

	called := map[string]int{}
	errs = nil
	concurrently(windows, func(w int) {
		for {
			b, err := stores[w%len(stores)].CallNext(ctx, HallCode, monday, "A", w+1, t0, event("", appointments.EventCalled))
			mu.Lock()
			if err != nil {
				if !errors.Is(err, appointments.ErrQueueEmpty) {
					errs = append(errs, err)
				}
				mu.Unlock()
				return
			}
			called[b.ID]++
			mu.Unlock()
		}
	})
	for _, err := range errs {
		t.Errorf("concurrent calls: %v", err)
	}
	if len(called) != people {
		t.Errorf("people called: %d, want %d", len(called), people)
	}
	for id, n := range called {
		if n != 1 {
			t.Errorf("booking %s called %d times, want once", id, n)
		}
	}
}

// testConcurrentReminders: several callers, through both instances, claim
// the reminders of the same bookings at once, each with its own message:
// every booking is claimed once, and only the winner's message is in the
// outbox.
func testConcurrentReminders(t *testing.T, f *Fixture) {
	const bookings, callers = 10, 6
	ctx := context.Background()
	saveHall(t, f.Store, nil)
	acc := f.Accounts(t, bookings)
	var bs []*appointments.Booking
	for _, a := range acc {
		b := newBooking(a, "A", ItemA, At("2026-03-03", "10:00"))
		create(t, f.Store, b, bookings)
		bs = append(bs, b)
	}
	stores := f.stores()
	var (
		mu   sync.Mutex
		won  = map[string]int{}
		errs []error
	)
	concurrently(callers, func(c int) {
		s := stores[c%len(stores)]
		for _, b := range bs {
			err := s.ClaimReminder(ctx, b.ID, b.Slot(), t0, notice(b.AccountID, fmt.Sprintf("reminder:%s:%d", b.ID, c)))
			mu.Lock()
			switch {
			case err == nil:
				won[b.ID]++
			case !errors.Is(err, appointments.ErrStale):
				errs = append(errs, err)
			}
			mu.Unlock()
		}
	})
	for _, err := range errs {
		t.Errorf("concurrent reminders: %v", err)
	}
	for _, b := range bs {
		if won[b.ID] != 1 {
			t.Errorf("booking %s claimed %d times, want once", b.ID, won[b.ID])
		}
	}
	per := map[string]int{}
	for _, m := range queued(t, f) {
		per[m.AccountID]++
	}
	for _, b := range bs {
		if per[b.AccountID] != 1 {
			t.Errorf("reminders of booking %s in the outbox: %d, want 1", b.ID, per[b.AccountID])
		}
	}
}
