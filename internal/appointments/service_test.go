package appointments_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/appointments"
	"github.com/pengcheng-gov/pengcheng/internal/appointments/appointmentstest"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
)

// Dates of the tests; the clock starts on Monday 2026-03-02 09:00 China
// time.
const (
	mon appointments.Day = "2026-03-02"
	tue appointments.Day = "2026-03-03"
	wed appointments.Day = "2026-03-04"
)

var at = appointmentstest.At

// cast is the accounts of a test.
type cast struct {
	citizen, other, company     *identity.Account
	workerA, workerB, gridA     *identity.Account
	platform, deptAdminB, staff *identity.Account
}

func newCast(t *testing.T, e *appointmentstest.Env) *cast {
	t.Helper()
	svc := e.Identity.Service
	ptr := identitytest.Ptr[string]
	roles := func(r ...identity.Role) *[]identity.Role { return &r }
	return &cast{
		citizen: e.Person(t, "张三"),
		other:   e.Person(t, "李四"),
		company: identitytest.Enterprise(t, svc, &identitytest.EnterpriseOpts{Name: ptr("测试企业"), Phone: ptr("13700137000"), Password: ptr("")}),
		workerA: identitytest.Staff(t, svc, &identitytest.StaffOpts{Username: ptr("worker-a"), Department: ptr(identitytest.DeptA), Password: ptr("")}),
		workerB: identitytest.Staff(t, svc, &identitytest.StaffOpts{Username: ptr("worker-b"), Department: ptr(identitytest.DeptB), Password: ptr("")}),
		gridA: identitytest.Staff(t, svc, &identitytest.StaffOpts{Username: ptr("grid-a"), Department: ptr(identitytest.DeptA),
			Roles: roles(identity.GridWorker), Password: ptr("")}),
		platform: identitytest.Staff(t, svc, &identitytest.StaffOpts{Username: ptr("platform"), Roles: roles(identity.PlatformAdmin), Password: ptr("")}),
		deptAdminB: identitytest.Staff(t, svc, &identitytest.StaffOpts{Username: ptr("admin-b"), Department: ptr(identitytest.DeptB),
			Roles: roles(identity.DeptAdmin), Password: ptr("")}),
	}
}

// wantCode fails unless err is an *errs.Error with code.
func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	e := errs.As(err)
	if e == nil || e.Code != code {
		t.Errorf("%s: got error %v, want code %s", what, err, code)
	}
}

// myCount returns how many bookings the account holds in any status.
func myCount(t *testing.T, e *appointmentstest.Env, a *identity.Account) int {
	t.Helper()
	_, n, err := e.Service.MyBookings(context.Background(), a, nil, 0, 100)
	if err != nil {
		t.Fatalf("MyBookings: %v", err)
	}
	return n
}

func TestBookingRules(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		e := appointmentstest.NewEnv(t, d)
		c := newCast(t, e)
		ctx := context.Background()
		e.Book(t, c.citizen, appointmentstest.ItemA, at(mon, "09:30"))
		tests := []struct {
			name  string
			actor *identity.Account
			hall  string
			item  string
			start time.Time
			code  string // "" for success
		}{
			{"anonymous", nil, "", appointmentstest.ItemA, at(mon, "10:00"), "auth.required"},
			{"slot has started", c.other, "", appointmentstest.ItemA, at(mon, "09:00"), "slot.started"},
			{"past day", c.other, "", appointmentstest.ItemA, at("2026-02-27", "10:00"), "date.past"},
			{"beyond the horizon", c.other, "", appointmentstest.ItemA, at("2026-03-17", "10:00"), "date.horizon"},
			{"closed date", c.other, "", appointmentstest.ItemA, at(appointmentstest.ClosedDay, "10:00"), "hall.closed"},
			{"sunday", c.other, "", appointmentstest.ItemA, at("2026-03-08", "10:00"), "hall.closed"},
			{"not a slot's start", c.other, "", appointmentstest.ItemA, at(mon, "09:40"), "slot.unknown"},
			{"lunch break", c.other, "", appointmentstest.ItemA, at(mon, "12:30"), "slot.unknown"},
			{"no start", c.other, "", appointmentstest.ItemA, time.Time{}, "slot.required"},
			{"item not served", c.other, "", "4403-SZGA-001", at(mon, "10:00"), "hall.item_not_served"},
			{"no item", c.other, "", "", at(mon, "10:00"), "booking.item_required"},
			{"unknown hall", c.other, "NOPE", appointmentstest.ItemA, at(mon, "10:00"), "hall.not_found"},
			{"staff cannot book", c.workerA, "", appointmentstest.ItemA, at(mon, "10:00"), "booking.not_booker"},
			{"enterprise item for a person", c.other, "", appointmentstest.ItemEnterprise, at(mon, "10:00"), "item.enterprise_only"},
			{"person item for an enterprise", c.company, "", appointmentstest.ItemA, at(mon, "10:00"), "item.person_only"},
			{"second booking of the item that day", c.citizen, "", appointmentstest.ItemA, at(mon, "16:00"), "booking.duplicate"},
			{"last day of the horizon", c.other, "", appointmentstest.ItemA, at("2026-03-16", "10:00"), ""},
			{"enterprise books its item", c.company, "", appointmentstest.ItemEnterprise, at(mon, "09:30"), ""},
			{"slot now full (2 windows)", c.other, "", appointmentstest.ItemA, at(mon, "09:30"), "slot.full"},
			{"group B counts apart", c.other, "", appointmentstest.ItemB, at(mon, "09:30"), ""},
		}
		for _, tt := range tests {
			hall := tt.hall
			if hall == "" {
				hall = appointmentstest.HallCode
			}
			before := 0
			if tt.actor != nil && tt.actor.Kind != identity.Staff {
				before = myCount(t, e, tt.actor)
			}
			b, err := e.Service.Book(ctx, tt.actor, appointments.NewBooking{Hall: hall, Item: tt.item, Start: tt.start})
			if tt.code == "" {
				if err != nil || b.Status != appointments.Booked || len(b.Code) != appointments.CodeLength {
					t.Errorf("%s: got %v, %v; want a booking", tt.name, b, err)
				}
				continue
			}
			wantCode(t, tt.name, err, tt.code)
			if tt.actor != nil && tt.actor.Kind != identity.Staff {
				if after := myCount(t, e, tt.actor); after != before {
					t.Errorf("%s: the refused booking changed the account's bookings: %d → %d", tt.name, before, after)
				}
			}
		}
		checkSlotsAfterRules(t, e, c)
	})
}

// checkSlotsAfterRules checks the full-slot message and the slots that
// TestBookingRules leaves.
func checkSlotsAfterRules(t *testing.T, e *appointmentstest.Env, c *cast) {
	t.Helper()
	ctx := context.Background()
	_, err := e.Service.Book(ctx, c.other, appointments.NewBooking{Hall: appointmentstest.HallCode, Item: appointmentstest.ItemA, Start: at(mon, "09:30")})
	if e := errs.As(err); e == nil || e.Message("zh") != "该时段已约满，请选择其他时段" || e.Kind != errs.Conflict {
		t.Errorf("full slot error: got %v, want the Conflict 该时段已约满，请选择其他时段", err)
	}
	ds, err := e.Service.Slots(ctx, appointmentstest.HallCode, appointmentstest.ItemA, mon)
	if err != nil {
		t.Fatalf("Slots: %v", err)
	}
	for _, s := range ds.Slots {
		switch appointments.FormatTime(s.Start, "15:04") {
		case "09:00":
			if s.Available {
				t.Errorf("the slot that has started is offered")
			}
		case "09:30":
			if s.Available || s.Remaining() != 0 || s.Booked != 2 || s.Capacity != 2 {
				t.Errorf("09:30 slot: %+v, want full with 2 of 2", s)
			}
		case "10:00":
			if !s.Available || s.Remaining() != 2 {
				t.Errorf("10:00 slot: %+v, want 2 free", s)
			}
		}
	}
	if ds, err := e.Service.Slots(ctx, appointmentstest.HallCode, appointmentstest.ItemA, appointmentstest.ClosedDay); err != nil || !ds.Closed || ds.Reason != "测试休息日" || len(ds.Slots) != 0 {
		t.Errorf("Slots on the closed day: %+v, %v", ds, err)
	}
	for _, bad := range []appointments.Day{"2026-02-27", "2026-03-17", "2026-3-2"} {
		if _, err := e.Service.Slots(ctx, appointmentstest.HallCode, appointmentstest.ItemA, bad); errs.KindOf(err) != errs.Invalid {
			t.Errorf("Slots(%s): got %v, want Invalid", bad, err)
		}
	}
}

func TestConfirmationMessages(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		e := appointmentstest.NewEnv(t, d)
		c := newCast(t, e)
		b := e.Book(t, c.citizen, appointmentstest.ItemA, at(tue, "10:00"))
		msgs := e.Messages(t, c.citizen.ID, "appointment_booked")
		if len(msgs) != 2 {
			t.Fatalf("confirmation messages: %d, want in-app and SMS", len(msgs))
		}
		for _, m := range msgs {
			for _, want := range []string{b.Code, "测试护照签发", "2026-03-03 10:00-10:30", "测试大厅 TEST"} {
				if !strings.Contains(m.Body, want) {
					t.Errorf("%s confirmation lacks %q: %s", m.Channel, want, m.Body)
				}
			}
		}
	})
}

func TestChangeAndCancel(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		e := appointmentstest.NewEnv(t, d)
		c := newCast(t, e)
		ctx := context.Background()
		second := appointmentstest.Hall("TEST-2", &appointmentstest.HallOpts{Name: identitytest.Ptr("第二测试大厅")})
		if err := e.Service.SaveHall(ctx, nil, second); err != nil {
			t.Fatalf("SaveHall: %v", err)
		}
		b := e.Book(t, c.citizen, appointmentstest.ItemA, at(tue, "10:00"))
		e.Book(t, c.other, appointmentstest.ItemA, at(tue, "11:00"))
		e.Book(t, c.company, appointmentstest.ItemEnterprise, at(tue, "11:00")) // 11:00 is now full

		moved, err := e.Service.Change(ctx, c.citizen, b.ID, "", at(tue, "10:30"))
		if err != nil || !moved.StartsAt.Equal(at(tue, "10:30")) || moved.Code != b.Code {
			t.Fatalf("Change: got %+v, %v; want 10:30 with the same code", moved, err)
		}
		if n := len(e.Messages(t, c.citizen.ID, "appointment_changed")); n != 2 {
			t.Errorf("change messages: %d, want in-app and SMS", n)
		}
		_, err = e.Service.Change(ctx, c.citizen, b.ID, "", at(tue, "11:00"))
		wantCode(t, "change to a full slot", err, "slot.full")
		if got, _ := e.Service.Booking(ctx, c.citizen, b.ID); got == nil || !got.StartsAt.Equal(at(tue, "10:30")) {
			t.Errorf("a refused change lost the booking's slot: %+v", got)
		}
		_, err = e.Service.Change(ctx, c.citizen, b.ID, "", at(tue, "10:30"))
		wantCode(t, "change to the same slot", err, "slot.same")
		_, err = e.Service.Change(ctx, c.citizen, b.ID, "", at(tue, "10:10"))
		wantCode(t, "change to no slot", err, "slot.unknown")
		_, err = e.Service.Change(ctx, c.other, b.ID, "", at(tue, "14:00"))
		wantCode(t, "someone else changes it", err, "booking.not_found")
		_, err = e.Service.Change(ctx, c.workerA, b.ID, "", at(tue, "14:00"))
		wantCode(t, "staff change it", err, "booking.not_found")
		_, err = e.Service.Cancel(ctx, c.other, b.ID)
		wantCode(t, "someone else cancels it", err, "booking.not_found")
		_, err = e.Service.Booking(ctx, c.other, b.ID)
		wantCode(t, "someone else reads it", err, "booking.not_found")
		if _, err := e.Service.Booking(ctx, c.workerA, b.ID); err != nil {
			t.Errorf("the operating caseworker cannot read the booking: %v", err)
		}
		_, err = e.Service.Booking(ctx, c.workerB, b.ID)
		wantCode(t, "a caseworker of another group reads it", err, "booking.not_found")

		moved, err = e.Service.Change(ctx, c.citizen, b.ID, "TEST-2", at(wed, "09:00"))
		if err != nil || moved.HallCode != "TEST-2" || moved.Day != wed {
			t.Fatalf("change of hall: %+v, %v", moved, err)
		}
		ds, _ := e.Service.Slots(ctx, appointmentstest.HallCode, appointmentstest.ItemA, tue)
		for _, s := range ds.Slots {
			if appointments.FormatTime(s.Start, "15:04") == "10:30" && s.Booked != 0 {
				t.Errorf("the old slot still counts the moved booking: %d", s.Booked)
			}
		}

		cancelled, err := e.Service.Cancel(ctx, c.citizen, b.ID)
		if err != nil || cancelled.Status != appointments.Cancelled {
			t.Fatalf("Cancel: %+v, %v", cancelled, err)
		}
		_, err = e.Service.Cancel(ctx, c.citizen, b.ID)
		wantCode(t, "cancel twice", err, "booking.not_cancellable")
		_, err = e.Service.Change(ctx, c.citizen, b.ID, "", at(wed, "10:00"))
		wantCode(t, "change a cancelled booking", err, "booking.not_changeable")
		evs, err := e.Service.History(ctx, c.citizen, b.ID)
		if err != nil || len(evs) != 4 || evs[3].Kind != appointments.EventCancelled || evs[1].ActorID != c.citizen.ID {
			t.Errorf("History: %d events, %v; want booked, moved, moved, cancelled", len(evs), err)
		}

		// Until the slot starts.
		late := e.Book(t, c.citizen, appointmentstest.ItemB, at(mon, "10:00"))
		e.SetNow(t, at(mon, "10:00"))
		_, err = e.Service.Cancel(ctx, c.citizen, late.ID)
		wantCode(t, "cancel once the slot started", err, "booking.not_cancellable")
		_, err = e.Service.Change(ctx, c.citizen, late.ID, "", at(tue, "10:00"))
		wantCode(t, "change once the slot started", err, "booking.not_changeable")
	})
}
