package catalogsearch_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/catalog/catalogsearch"
	"github.com/pengcheng-gov/pengcheng/internal/catalog/catalogsql"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
)

// shipped is an engine over the shipped catalogue, built once for the
// tests and benchmarks that only search.
var shipped struct {
	once   sync.Once
	engine *catalogsearch.Engine
	svc    *catalog.Service
	err    error
}

// shippedEngine returns the shared engine over the shipped catalogue on a
// SQLite database.
func shippedEngine(t testing.TB) *catalogsearch.Engine {
	t.Helper()
	shipped.once.Do(func() {
		// The database goes away with the first test that asks; the
		// engine keeps its index in memory.
		d := dbtest.Open(t, db.SQLite)
		shipped.svc, shipped.engine, shipped.err = newEngine(d)
	})
	if shipped.err != nil {
		t.Fatal(shipped.err)
	}
	return shipped.engine
}

// newEngine imports the shipped catalogue into d and returns the service
// and a built engine on it.
func newEngine(d *db.DB) (*catalog.Service, *catalogsearch.Engine, error) {
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	svc := catalog.NewService(catalogsql.New(d), nil, log)
	if _, err := svc.Import(ctx, catalog.Shipped(), nil); err != nil {
		return nil, nil, err
	}
	e, err := catalogsearch.New(svc, log)
	if err != nil {
		return nil, nil, err
	}
	return svc, e, e.Refresh(ctx)
}
