// Package insightstest helps test the rankings, recommendations and
// indicators: an environment with the shipped catalogue, the real
// applications service and the insights service on a test database
// ([NewEnv]), and a known history of applications played through the
// applications service ([PlayScenario]) whose every count is worked out
// by hand in the scenario's table.
package insightstest

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/cases/casestest"
	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
	"github.com/pengcheng-gov/pengcheng/internal/insights"
	"github.com/pengcheng-gov/pengcheng/internal/insights/insightssql"
)

// Env is the insights service on a test database with the shipped
// catalogue, the applications service and its test items, and the
// identity environment whose clock every service shares (it starts at
// identitytest.Start, a Monday at 09:00 China time).
type Env struct {
	*casestest.Env
	// CatalogService is the catalogue with the shipped catalogue imported.
	CatalogService *catalog.Service
	Store          *insightssql.Store
	// Insights computes without a cache, so that tests see every change.
	Insights *insights.Service

	mu      sync.Mutex
	workers map[string]*identity.Account
}

// NewEnv builds an Env on d (migrated, e.g. from dbtest).
func NewEnv(t testing.TB, d *db.DB) *Env {
	t.Helper()
	ce := casestest.NewEnv(t, d)
	log := slog.New(slog.DiscardHandler)
	cat := catalog.NewService(ce.Catalog, ce.Clock.Now, log)
	if _, err := cat.Import(context.Background(), catalog.Shipped(), nil); err != nil {
		t.Fatalf("import the shipped catalogue: %v", err)
	}
	st := insightssql.New(d)
	svc, err := insights.NewService(insights.Deps{Store: st, Catalog: cat, Now: ce.Clock.Now, Log: log,
		Policy: insights.Policy{CacheTTL: -1}})
	if err != nil {
		t.Fatal(err)
	}
	return &Env{Env: ce, CatalogService: cat, Store: st, Insights: svc, workers: map[string]*identity.Account{}}
}

// Worker returns a caseworker of department, created on first use.
func (e *Env) Worker(t testing.TB, department string) *identity.Account {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	if w := e.workers[department]; w != nil {
		return w
	}
	w := identitytest.Staff(t, e.Service, &identitytest.StaffOpts{Department: &department,
		Name: identitytest.Ptr("窗口人员" + department)})
	e.workers[department] = w
	return w
}

// Play replays the stories through the applications service, in order,
// and returns the applications.
func (e *Env) Play(t testing.TB, stories ...cases.Story) []*cases.Application {
	t.Helper()
	var out []*cases.Application
	for i, st := range stories {
		app, err := e.Cases.Replay(context.Background(), st)
		if err != nil {
			t.Fatalf("story %d (%s): %v", i+1, st.ItemCode, err)
		}
		out = append(out, app)
	}
	return out
}

// At returns an instant in China time, for stories.
func At(y int, m time.Month, d, hour, minute int) time.Time {
	return time.Date(y, m, d, hour, minute, 0, 0, cases.ChinaTime()).UTC()
}

// Person creates a person born on birth (a date) whose identity number
// was issued in division (6 digits), with name.
func (e *Env) Person(t testing.TB, name, division string, birth time.Time, seq int) *identity.Account {
	t.Helper()
	return identitytest.Person(t, e.Service, &identitytest.PersonOpts{Name: &name,
		IDNumber: identitytest.Ptr(identitytest.IDNumber(division, birth, seq))})
}
