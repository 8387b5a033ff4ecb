package appointments_test

import (
	"context"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/appointments"
	"github.com/pengcheng-gov/pengcheng/internal/appointments/appointmentstest"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

func TestCheckInAndQueue(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		e := appointmentstest.NewEnv(t, d)
		c := newCast(t, e)
		ctx := context.Background()
		hall := appointmentstest.HallCode
		mine := e.Book(t, c.citizen, appointmentstest.ItemA, at(mon, "09:30"))
		firm := e.Book(t, c.company, appointmentstest.ItemEnterprise, at(mon, "09:30"))
		theirs := e.Book(t, c.other, appointmentstest.ItemB, at(mon, "10:00"))
		tail := func(a *identity.Account) string {
			if a.Kind == identity.Enterprise {
				return a.USCC[len(a.USCC)-4:]
			}
			return a.IDNumber[len(a.IDNumber)-4:]
		}

		_, _, err := e.Service.CheckIn(ctx, nil, hall, theirs.Code, tail(c.other))
		wantCode(t, "check in 60 minutes early", err, "checkin.early")
		_, _, err = e.Service.CheckIn(ctx, nil, hall, mine.Code, "0000")
		wantCode(t, "wrong identity number tail", err, "checkin.not_found")
		_, _, err = e.Service.CheckIn(ctx, nil, hall, "ZZZZZZZZ", tail(c.citizen))
		wantCode(t, "unknown code", err, "checkin.not_found")
		_, _, err = e.Service.CheckIn(ctx, nil, hall, "not a code", tail(c.citizen))
		wantCode(t, "malformed code", err, "checkin.not_found")
		if q, _ := e.Service.Queue(ctx, c.platform, hall, mon); q.Counts[appointments.CheckedIn] != 0 {
			t.Errorf("refused check-ins checked someone in")
		}

		got, ahead, err := e.Service.CheckIn(ctx, nil, hall, mine.Code, tail(c.citizen))
		if err != nil || got.QueueNumber != "A001" || ahead != 0 {
			t.Fatalf("kiosk check-in: %+v ahead %d, %v; want A001 with nobody ahead", got, ahead, err)
		}
		got, ahead, err = e.Service.CheckIn(ctx, c.workerA, hall, firm.Code, tail(c.company))
		if err != nil || got.QueueNumber != "A002" || ahead != 1 {
			t.Fatalf("desk check-in: %+v ahead %d, %v; want A002 with one ahead", got, ahead, err)
		}
		again, _, err := e.Service.CheckIn(ctx, nil, hall, mine.Code, tail(c.citizen))
		if err != nil || again.QueueNumber != "A001" {
			t.Errorf("checking in again: %+v, %v; want the same number A001", again, err)
		}

		checkQueueVisibility(t, e, c, theirs)
		checkCalling(t, e, c, mine, firm)

		// Check-in closes 15 minutes after the start.
		e.SetNow(t, at(mon, "10:15").Add(time.Second))
		_, _, err = e.Service.CheckIn(ctx, nil, hall, theirs.Code, tail(c.other))
		wantCode(t, "check in after 10:15 for 10:00", err, "checkin.late")
		_, _, err = e.Service.CheckIn(ctx, nil, hall, mine.Code, tail(c.citizen))
		wantCode(t, "check in after being served", err, "checkin.state")
	})
}

// checkQueueVisibility checks who sees which part of the test hall's queue
// after the citizen and the company checked in to group A.
func checkQueueVisibility(t *testing.T, e *appointmentstest.Env, c *cast, theirs *appointments.Booking) {
	t.Helper()
	ctx := context.Background()
	hall := appointmentstest.HallCode
	q, err := e.Service.Queue(ctx, c.workerA, hall, mon)
	if err != nil || len(q.Entries) != 2 || len(q.Groups) != 1 || q.Counts[appointments.CheckedIn] != 2 {
		t.Errorf("group A's caseworker: %+v, %v; want the two group A entries", q, err)
	}
	if q, err := e.Service.Queue(ctx, c.workerB, hall, mon); err != nil || len(q.Entries) != 1 || q.Entries[0].ID != theirs.ID {
		t.Errorf("group B's caseworker sees %v, %v; want only group B's booking", q, err)
	}
	if q, err := e.Service.Queue(ctx, c.deptAdminB, hall, mon); err != nil || len(q.Entries) != 1 {
		t.Errorf("group B's department admin: %v, %v", q, err)
	}
	if q, err := e.Service.Queue(ctx, c.platform, hall, mon); err != nil || len(q.Entries) != 3 {
		t.Errorf("platform admin sees %v, %v; want all three", q, err)
	}
	for name, a := range map[string]*identity.Account{"citizen": c.citizen, "enterprise": c.company, "grid worker": c.gridA} {
		if _, err := e.Service.Queue(ctx, a, hall, mon); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("%s reads the queue: got %v, want Forbidden", name, err)
		}
	}
	if halls, err := e.Service.OperableHalls(ctx, c.workerA); err != nil || len(halls) != 1 {
		t.Errorf("OperableHalls(worker A) = %v, %v", halls, err)
	}
	if _, err := e.Service.OperableHalls(ctx, c.citizen); errs.KindOf(err) != errs.Forbidden {
		t.Errorf("OperableHalls(citizen): got %v, want Forbidden", err)
	}
}

// checkCalling calls the two checked-in people of group A, serves one and
// records the other as absent.
func checkCalling(t *testing.T, e *appointmentstest.Env, c *cast, mine, firm *appointments.Booking) {
	t.Helper()
	ctx := context.Background()
	hall := appointmentstest.HallCode
	_, err := e.Service.CallNext(ctx, c.workerA, hall, 3)
	wantCode(t, "call to another group's window", err, "hall.not_operator")
	_, err = e.Service.CallNext(ctx, c.workerA, hall, 9)
	wantCode(t, "call to no window", err, "hall.window")
	_, err = e.Service.CallNext(ctx, c.citizen, hall, 1)
	wantCode(t, "citizen calls", err, "hall.not_operator")
	called, err := e.Service.CallNext(ctx, c.workerA, hall, 2)
	if err != nil || called.ID != mine.ID || called.Window != 2 {
		t.Fatalf("CallNext: %+v, %v; want A001 to window 2", called, err)
	}
	_, err = e.Service.Serve(ctx, c.workerB, hall, called.ID)
	wantCode(t, "another group's caseworker serves", err, "booking.not_found")
	_, err = e.Service.Serve(ctx, c.citizen, hall, called.ID)
	wantCode(t, "the citizen serves", err, "hall.not_operator")
	if b, err := e.Service.Serve(ctx, c.workerA, hall, called.ID); err != nil || b.Status != appointments.Served {
		t.Errorf("Serve: %+v, %v", b, err)
	}
	_, err = e.Service.Serve(ctx, c.workerA, hall, called.ID)
	wantCode(t, "serve twice", err, "booking.stale")
	next, err := e.Service.CallNext(ctx, c.workerA, hall, 1)
	if err != nil || next.ID != firm.ID {
		t.Fatalf("second CallNext: %+v, %v", next, err)
	}
	if b, err := e.Service.Absent(ctx, c.workerA, hall, next.ID); err != nil || b.Status != appointments.NoShow {
		t.Errorf("Absent: %+v, %v", b, err)
	}
	if n := len(e.Messages(t, c.company.ID, "appointment_no_show")); n != 1 {
		t.Errorf("no-show notices to the enterprise: %d, want 1", n)
	}
	_, err = e.Service.CallNext(ctx, c.workerA, hall, 1)
	wantCode(t, "call with nobody waiting", err, "queue.empty")

}

func TestNoShowsPauseBooking(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		e := appointmentstest.NewEnv(t, d)
		c := newCast(t, e)
		ctx := context.Background()
		for _, day := range []appointments.Day{mon, tue, wed} {
			e.Book(t, c.citizen, appointmentstest.ItemA, at(day, "16:30"))
		}
		e.Book(t, c.citizen, appointmentstest.ItemB, at(wed, "09:00"))
		checked := e.Book(t, c.other, appointmentstest.ItemA, at(mon, "16:30"))
		e.SetNow(t, at(mon, "16:20"))
		if _, _, err := e.Service.CheckIn(ctx, nil, appointmentstest.HallCode, checked.Code, c.other.IDNumber[14:]); err != nil {
			t.Fatalf("CheckIn: %v", err)
		}
		for i, day := range []appointments.Day{mon, tue, wed} {
			e.SetNow(t, at(day, "17:00"))
			n, err := e.Service.MarkNoShows(ctx, e.Clock.Now())
			want := 1
			if day == wed {
				want = 2 // the 09:00 booking of item B too
			}
			if err != nil || n != want {
				t.Errorf("MarkNoShows on day %d: %d, %v; want %d", i+1, n, err, want)
			}
		}
		if b, _ := e.Service.Booking(ctx, c.other, checked.ID); b.Status != appointments.CheckedIn {
			t.Errorf("a checked-in booking was marked: %s", b.Status)
		}
		if n := len(e.Messages(t, c.citizen.ID, "appointment_no_show")); n != 4 {
			t.Errorf("no-show notices: %d, want 4", n)
		}
		list, _, _ := e.Service.MyBookings(ctx, c.citizen, []appointments.Status{appointments.NoShow}, 0, 10)
		if len(list) != 4 {
			t.Errorf("the citizen sees %d no-shows, want 4", len(list))
		}

		until, n, err := e.Service.Pause(ctx, c.citizen)
		if err != nil || n != 4 || !until.Equal(at(wed, "17:00").Add(7*24*time.Hour)) {
			t.Errorf("Pause: until %v, %d no-shows, %v; want a week after the last", until, n, err)
		}
		_, err = e.Service.Book(ctx, c.citizen, appointments.NewBooking{Hall: appointmentstest.HallCode, Item: appointmentstest.ItemA, Start: at("2026-03-05", "10:00")})
		wantCode(t, "book while paused", err, "booking.paused")
		if e := errs.As(err); e == nil || e.Kind != errs.Forbidden || e.Message("zh") != "您在 30 天内有 4 次预约未到，预约功能暂停至 2026-03-11 17:00" {
			t.Errorf("pause message: %v", err)
		}
		if until, _, _ := e.Service.Pause(ctx, c.other); !until.IsZero() {
			t.Errorf("the other citizen is paused")
		}

		e.SetNow(t, at("2026-03-11", "17:00"))
		e.Book(t, c.citizen, appointmentstest.ItemA, at("2026-03-12", "10:00"))
	})
}

func TestReminders(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		e := appointmentstest.NewEnv(t, d)
		c := newCast(t, e)
		ctx := context.Background()
		soon := e.Book(t, c.other, appointmentstest.ItemA, at(mon, "14:00"))
		later := e.Book(t, c.citizen, appointmentstest.ItemA, at(wed, "10:00"))
		if soon.RemindedAt.IsZero() || !later.RemindedAt.IsZero() {
			t.Errorf("reminded at booking: soon %v, later %v; want only the booking within a day", soon.RemindedAt, later.RemindedAt)
		}
		if n, err := e.Service.SendReminders(ctx, e.Clock.Now()); err != nil || n != 0 {
			t.Errorf("SendReminders two days ahead: %d, %v; want 0", n, err)
		}
		e.SetNow(t, at(tue, "10:00"))
		if err := e.Service.Housekeeping(ctx); err != nil {
			t.Fatalf("Housekeeping: %v", err)
		}
		if n := len(e.Messages(t, c.citizen.ID, "appointment_reminder")); n != 2 {
			t.Errorf("reminders: %d, want in-app and SMS", n)
		}
		if n, _ := e.Service.SendReminders(ctx, e.Clock.Now()); n != 0 {
			t.Errorf("reminded twice: %d", n)
		}
		if n := len(e.Messages(t, c.other.ID, "appointment_reminder")); n != 0 {
			t.Errorf("a booking made within the day got a reminder: %d", n)
		}
		if b, _ := e.Service.Booking(ctx, c.other, soon.ID); b.Status != appointments.NoShow {
			t.Errorf("housekeeping did not mark yesterday's unchecked booking: %s", b.Status)
		}
	})
}
