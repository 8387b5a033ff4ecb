package exchangesql_test

import (
	"context"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/exchange/exchangesql"
	"github.com/pengcheng-gov/pengcheng/internal/exchange/exchangetest"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
)

// TestStore runs the contract suite on each database, with a second store
// on its own connections to the same database standing for a second
// server instance.
func TestStore(t *testing.T) {
	t.Parallel()
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			exchangetest.StoreSuite(t, func(t *testing.T) *exchangetest.Fixture {
				return newFixture(t, dialect)
			})
		})
	}
}

// newFixture opens a fresh database twice: once for the store, once for
// the other instance.
func newFixture(t *testing.T, dialect db.Dialect) *exchangetest.Fixture {
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
	env := identitytest.NewEnv(t, d)
	exchangetest.CreateDepartments(t, d)
	admin := identitytest.Staff(t, env.Service, nil)
	return &exchangetest.Fixture{Store: exchangesql.New(d), Other: exchangesql.New(open()), Account: admin.ID}
}
