package appointmentstest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/appointments"
	"github.com/pengcheng-gov/pengcheng/internal/appointments/appointmentssql"
	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/catalog/catalogsql"
	"github.com/pengcheng-gov/pengcheng/internal/catalog/catalogtest"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
	"github.com/pengcheng-gov/pengcheng/internal/notify"
)

// Env is an appointments service on a test database with the real
// identity service, notify service (and outbox) and catalogue, a movable
// clock starting at identitytest.Start (Monday 2026-03-02 09:00 China
// time), and the test hall [HallCode].
type Env struct {
	DB       *db.DB
	Identity *identitytest.Env // the identity service, notify service and outbox
	Clock    *identitytest.Clock
	Store    *appointmentssql.Store
	Service  *appointments.Service
	Catalog  *catalog.Service
	Hall     *appointments.Hall
}

// NewEnv builds an Env on d (migrated, e.g. from dbtest) with the default
// policy.
func NewEnv(t testing.TB, d *db.DB) *Env {
	return NewEnvPolicy(t, d, appointments.DefaultPolicy())
}

// NewEnvPolicy is NewEnv with a policy.
func NewEnvPolicy(t testing.TB, d *db.DB, p appointments.Policy) *Env {
	t.Helper()
	ie := identitytest.NewEnv(t, d)
	ctx := context.Background()
	cs := catalogsql.New(d)
	enterprise := []catalog.ApplicantKind{catalog.ApplicantEnterprise}
	both := []catalog.ApplicantKind{catalog.ApplicantPerson, catalog.ApplicantEnterprise}
	for _, it := range []*catalog.Item{
		catalogtest.Item(ItemA, &catalogtest.ItemOpts{Name: ptr("测试护照签发")}),
		catalogtest.Item(ItemEnterprise, &catalogtest.ItemOpts{Name: ptr("测试企业设立登记"), Applicants: &enterprise}),
		catalogtest.Item(ItemB, &catalogtest.ItemOpts{Name: ptr("测试工伤认定"), Department: ptr(identitytest.DeptB), Applicants: &both}),
	} {
		if err := cs.CreateItem(ctx, it); err != nil {
			t.Fatalf("create catalogue item %s: %v", it.Code, err)
		}
	}
	e := &Env{DB: d, Identity: ie, Clock: ie.Clock, Store: appointmentssql.New(d), Catalog: catalog.NewService(cs, ie.Clock.Now, nil)}
	e.Service = appointments.NewService(e.Store, ie.Notify, e.Catalog, p, ie.Clock.Now, nil)
	e.Hall = Hall(HallCode, nil)
	if err := e.Service.SaveHall(ctx, nil, e.Hall); err != nil {
		t.Fatalf("save test hall: %v", err)
	}
	return e
}

func ptr[T any](v T) *T { return &v }

// Person creates a person account without a password (fast to create),
// with a phone.
func (e *Env) Person(t testing.TB, name string) *identity.Account {
	t.Helper()
	return identitytest.Person(t, e.Identity.Service, &identitytest.PersonOpts{Name: &name, Password: ptr("")})
}

// At returns the instant of a clock time ("09:30") on day, China time.
func At(day appointments.Day, clock string) time.Time {
	var h, m int
	if _, err := fmt.Sscanf(clock, "%d:%d", &h, &m); err != nil {
		panic("appointmentstest.At: bad clock " + clock)
	}
	return day.At(h*60 + m)
}

// Book books item at the test hall at start for actor, failing the test
// on error.
func (e *Env) Book(t testing.TB, actor *identity.Account, item string, start time.Time) *appointments.Booking {
	t.Helper()
	b, err := e.Service.Book(context.Background(), actor, appointments.NewBooking{Hall: HallCode, Item: item, Start: start})
	if err != nil {
		t.Fatalf("book %s at %s: %v", item, start, err)
	}
	return b
}

// Messages returns the messages with purpose sent to account, newest
// first.
func (e *Env) Messages(t testing.TB, accountID, purpose string) []*notify.Message {
	t.Helper()
	list, _, err := e.Identity.Messages.FindMessages(context.Background(), notify.MessageFilter{AccountID: accountID, Purpose: purpose})
	if err != nil {
		t.Fatalf("read outbox: %v", err)
	}
	return list
}

// SetNow moves the clock to t (forward only).
func (e *Env) SetNow(t testing.TB, at time.Time) {
	t.Helper()
	d := at.Sub(e.Clock.Now())
	if d < 0 {
		t.Fatalf("SetNow(%s): the clock cannot go back from %s", at, e.Clock.Now())
	}
	e.Clock.Advance(d)
}
