package appointments_test

import (
	"context"
	"sync"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/appointments"
	"github.com/pengcheng-gov/pengcheng/internal/appointments/appointmentssql"
	"github.com/pengcheng-gov/pengcheng/internal/appointments/appointmentstest"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// twoInstances returns a test environment and a second appointments
// service on its own connections to the same database, as a second server
// instance would have.
func twoInstances(t *testing.T, dialect db.Dialect) (*appointmentstest.Env, *appointments.Service) {
	t.Helper()
	ctx := context.Background()
	dsn := dbtest.DSN(t, dialect)
	open := func() *db.DB {
		d, err := db.Open(ctx, dsn)
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		t.Cleanup(func() { d.Close() })
		return d
	}
	d := open()
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	e := appointmentstest.NewEnv(t, d)
	other := appointments.NewService(appointmentssql.New(open()), e.Identity.Notify, e.Catalog, appointments.Policy{}, e.Clock.Now, nil)
	return e, other
}

// TestConcurrentBookings: 200 people book a slot of capacity 5 at once
// through two instances; exactly 5 get it and the others are told it is
// full.
func TestConcurrentBookings(t *testing.T) {
	t.Parallel()
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			const people, capacity = 200, 5
			e, other := twoInstances(t, dialect)
			ctx := context.Background()
			h := appointmentstest.Hall("FIVE", &appointmentstest.HallOpts{CapacityA: ptr(capacity)})
			if err := e.Service.SaveHall(ctx, nil, h); err != nil {
				t.Fatalf("SaveHall: %v", err)
			}
			accounts := make([]*identity.Account, people)
			for i := range accounts {
				accounts[i] = e.Person(t, "并发市民")
			}
			services := []*appointments.Service{e.Service, other}
			start := at(tue, "10:00")
			var (
				mu         sync.Mutex
				wg         sync.WaitGroup
				ok, full   int
				unexpected []error
				gate       = make(chan struct{})
			)
			for i, a := range accounts {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-gate
					_, err := services[i%2].Book(ctx, a, appointments.NewBooking{Hall: "FIVE", Item: appointmentstest.ItemA, Start: start})
					mu.Lock()
					defer mu.Unlock()
					switch e := errs.As(err); {
					case err == nil:
						ok++
					case e != nil && e.Code == "slot.full" && e.Message("zh") == "该时段已约满，请选择其他时段":
						full++
					default:
						unexpected = append(unexpected, err)
					}
				}()
			}
			close(gate)
			wg.Wait()
			for _, err := range unexpected[:min(len(unexpected), 5)] {
				t.Errorf("unexpected error: %v", err)
			}
			if ok != capacity || full != people-capacity {
				t.Errorf("%d booked and %d told the slot is full; want %d and %d", ok, full, capacity, people-capacity)
			}
			ds, err := e.Service.Slots(ctx, "FIVE", appointmentstest.ItemA, tue)
			if err != nil {
				t.Fatalf("Slots: %v", err)
			}
			for _, s := range ds.Slots {
				if s.Start.Equal(start) && (s.Booked != capacity || s.Available) {
					t.Errorf("slot after the rush: %d of %d booked, available %v", s.Booked, s.Capacity, s.Available)
				}
			}
		})
	}
}

// TestConcurrentSameAccount: one account sends 20 bookings of one item for
// different slots of a day at once (a double-clicking user): exactly one
// is kept.
func TestConcurrentSameAccount(t *testing.T) {
	t.Parallel()
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			e, other := twoInstances(t, dialect)
			ctx := context.Background()
			a := e.Person(t, "手快的市民")
			slots := e.Hall.SlotTimes(wed)
			services := []*appointments.Service{e.Service, other}
			var (
				mu       sync.Mutex
				wg       sync.WaitGroup
				ok, dupl int
				gate     = make(chan struct{})
			)
			for i := range 20 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-gate
					_, err := services[i%2].Book(ctx, a, appointments.NewBooking{Hall: appointmentstest.HallCode,
						Item: appointmentstest.ItemA, Start: slots[i%len(slots)].Start})
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil:
						ok++
					case errs.As(err) != nil && errs.As(err).Code == "booking.duplicate":
						dupl++
					default:
						t.Errorf("unexpected error: %v", err)
					}
				}()
			}
			close(gate)
			wg.Wait()
			if ok != 1 || dupl != 19 {
				t.Errorf("%d kept, %d refused as duplicates; want 1 and 19", ok, dupl)
			}
			total := 0
			ds, _ := e.Service.Slots(ctx, appointmentstest.HallCode, appointmentstest.ItemA, wed)
			for _, s := range ds.Slots {
				total += s.Booked
			}
			if total != 1 {
				t.Errorf("places held on the day: %d, want 1", total)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
