package appointmentssql_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/appointments"
	"github.com/pengcheng-gov/pengcheng/internal/appointments/appointmentssql"
	"github.com/pengcheng-gov/pengcheng/internal/appointments/appointmentstest"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitysql"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
	"github.com/pengcheng-gov/pengcheng/internal/notify/notifysql"
)

// TestStore runs the contract suite on each database, with a second store
// on its own connections to the same database standing for a second
// server instance.
func TestStore(t *testing.T) {
	t.Parallel()
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			appointmentstest.StoreSuite(t, func(t *testing.T) *appointmentstest.Fixture {
				return newFixture(t, dialect)
			})
		})
	}
}

// newFixture opens a fresh database twice: once for the store, once for
// the other instance.
func newFixture(t *testing.T, dialect db.Dialect) *appointmentstest.Fixture {
	t.Helper()
	ctx := context.Background()
	dsn := dbtest.DSN(t, dialect)
	open := func() *db.DB {
		d, err := db.Open(ctx, dsn)
		if err != nil {
			t.Fatalf("open %s: %v", dialect, err)
		}
		t.Cleanup(func() { d.Close() })
		return d
	}
	d := open()
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	identitytest.CreateDepartments(t, d)
	people := identitysql.New(d)
	seq := 0
	return &appointmentstest.Fixture{
		Store:  appointmentssql.New(d),
		Other:  appointmentssql.New(open()),
		Outbox: notifysql.New(d),
		Accounts: func(t *testing.T, n int) []string {
			t.Helper()
			out := make([]string, n)
			for i := range out {
				seq++
				now := time.Now().UTC()
				num := identitytest.IDNumber("440306", time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, seq), seq)
				a := &identity.Account{ID: ids.New(), Kind: identity.Person, Username: num, DisplayName: fmt.Sprintf("市民%d", seq),
					IDNumber: num, Lang: "zh", CreatedAt: now, UpdatedAt: now}
				if err := people.CreateAccount(ctx, a, ""); err != nil {
					t.Fatalf("create account: %v", err)
				}
				out[i] = a.ID
			}
			return out
		},
	}
}

// TestDemoHallsStore saves the demo halls and reads them back whole.
func TestDemoHallsStore(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		for _, code := range []string{"SZGA", "SZRS", "SZSC"} {
			if _, err := d.Exec(ctx, `INSERT INTO departments (code, name, short_name, division_code, created_at) VALUES (?, ?, ?, ?, ?)`,
				code, "部门"+code, code, "440300", time.Now().UTC()); err != nil {
				t.Fatalf("create department %s: %v", code, err)
			}
		}
		s := appointmentssql.New(d)
		svc := appointments.NewService(s, nil, nil, appointments.Policy{}, nil, nil)
		for range 2 { // seeding twice changes nothing
			if n, err := appointments.SeedDemo(ctx, svc); err != nil || n != 2 {
				t.Fatalf("SeedDemo: %d, %v", n, err)
			}
		}
		for _, want := range appointments.DemoHalls() {
			got, err := s.FindHall(ctx, want.Code)
			if err != nil {
				t.Fatalf("FindHall(%s): %v", want.Code, err)
			}
			if !got.Demo || len(got.Groups) != len(want.Groups) || len(got.Closed) != len(want.Closed) || got.Hours[1][1] != want.Hours[1][1] {
				t.Errorf("demo hall %s read back differently: %+v", want.Code, got)
			}
			for i, g := range got.Groups {
				if len(g.Items) != len(want.Groups[i].Items) || len(g.Windows) != len(want.Groups[i].Windows) {
					t.Errorf("demo hall %s group %s: %d items and %d windows, want %d and %d", want.Code, g.Code,
						len(g.Items), len(g.Windows), len(want.Groups[i].Items), len(want.Groups[i].Windows))
				}
			}
		}
	})
}
