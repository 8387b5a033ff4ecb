package eventssql_test

import (
	"context"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/events"
	"github.com/pengcheng-gov/pengcheng/internal/events/eventssql"
	"github.com/pengcheng-gov/pengcheng/internal/events/eventstest"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
)

// TestStore runs the contract suite on each database.
func TestStore(t *testing.T) {
	t.Parallel()
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			eventstest.StoreSuite(t, func(t *testing.T) *eventstest.Fixture { return newFixture(t, dialect) })
		})
	}
}

func newFixture(t *testing.T, dialect db.Dialect) *eventstest.Fixture {
	t.Helper()
	d := dbtest.Open(t, dialect)
	env := identitytest.NewEnv(t, d)
	a := identitytest.Staff(t, env.Service, nil)
	s := eventssql.New(d)
	defs := events.DefaultCategories()
	for _, c := range defs {
		c.UpdatedAt = eventstest.T0
	}
	if _, err := s.SeedCategories(context.Background(), defs); err != nil {
		t.Fatal(err)
	}
	return &eventstest.Fixture{Store: s, Account: a.ID}
}
