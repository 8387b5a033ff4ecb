// Package eventstest helps test code that uses grid events: the demo grid
// built in memory ([DemoIndex]), an events service on a test database with
// the real identity service, departments and a cast of accounts
// ([NewEnv]), report factories, and the contract suite every events.Store
// must pass ([StoreSuite]).
package eventstest

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/catalog/catalogsql"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/events"
	"github.com/pengcheng-gov/pengcheng/internal/events/eventssql"
	"github.com/pengcheng-gov/pengcheng/internal/files"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
)

var (
	demoOnce sync.Once
	demoIx   *grid.Index
	demoErr  error
)

// DemoIndex returns the index of the demo grid (1 + 10 + 124 + 4,833 with
// its police, fire and safety layers), built in memory once per test
// binary from the demo's street boundaries.
func DemoIndex(t testing.TB) *grid.Index {
	t.Helper()
	demoOnce.Do(func() {
		_, file, _, _ := runtime.Caller(0)
		src, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "demo", "data", "baoan.geojson"))
		if err != nil {
			demoErr = err
			return
		}
		g, err := grid.BuildDemo(src)
		if err != nil {
			demoErr = err
			return
		}
		var layers []*grid.Layer
		var zones []*grid.Zone
		var as []grid.Assignment
		for _, l := range g.Layers {
			layers = append(layers, l.Layer)
			zones = append(zones, l.Zones...)
			as = append(as, l.Assignments...)
		}
		demoIx = grid.NewIndex(1, grid.DefaultLevels(), g.Cells, layers, zones, as)
	})
	if demoErr != nil {
		t.Fatalf("demo grid: %v", demoErr)
	}
	return demoIx
}

// StaticGrid serves one index.
type StaticGrid struct{ Ix *grid.Index }

// Index implements events.Grids.
func (g StaticGrid) Index(context.Context) (*grid.Index, error) { return g.Ix, nil }

// Departments are the departments NewEnv creates: every department the
// default categories name.
var Departments = map[string]string{
	"SZCG": "深圳市城市管理局", "SZGT": "深圳市规划和国土资源委员会", "SZJT": "深圳市交通运输委员会",
	"SZGA": "深圳市公安局", "SZXF": "深圳市公安消防支队", "SZAJ": "深圳市安全生产监督管理局",
	"SZZJ": "深圳市住房和建设局", "SZSW": "深圳市水务局", "SZJJ": "深圳市公安局交通警察局",
	"SZRJ": "深圳市人居环境委员会", "SZRS": "深圳市人力资源和社会保障局", "SZSY": "深圳市食品药品监督管理局",
}

// Env is an events service on a test database with the demo grid, the
// departments, an uploads directory, a movable clock starting at
// identitytest.Start, and a cast of accounts with their actors.
type Env struct {
	DB       *db.DB
	Identity *identitytest.Env
	Clock    *identitytest.Clock
	Grid     *grid.Index
	Files    files.Store
	Store    *eventssql.Store
	Service  *events.Service

	// The cast: a dispatcher (SZXF, as in the demo), a grid worker of
	// 新安街道 (SZCG), a second grid worker of 西乡街道, fire-brigade and
	// city-management staff, a platform admin, two citizens.
	Dispatcher, Worker, OtherWorker, FireStaff, CityStaff, Admin, Citizen, OtherCitizen *identity.Account
}

// Actor returns the actor of account a.
func Actor(t testing.TB, a *identity.Account) events.Actor {
	t.Helper()
	actor, err := events.AccountActor(a)
	if err != nil {
		t.Fatal(err)
	}
	return actor
}

// NewEnv builds an Env on d (migrated, e.g. from dbtest). The grid worker
// is assigned every micro-grid of 新安街道 (440306017), the other one the
// street 西乡街道 (440306018) as a whole.
func NewEnv(t testing.TB, d *db.DB, cfg events.Config) *Env {
	t.Helper()
	ctx := context.Background()
	ie := identitytest.NewEnv(t, d)
	cs := catalogsql.New(d)
	for code, name := range Departments {
		if err := cs.UpsertDepartment(ctx, &catalog.Department{Code: code, Name: name, ShortName: name, Division: "440300",
			CreatedAt: identitytest.Start}); err != nil {
			t.Fatalf("create department %s: %v", code, err)
		}
	}
	fs, err := files.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e := &Env{DB: d, Identity: ie, Clock: ie.Clock, Grid: DemoIndex(t), Files: fs, Store: eventssql.New(d)}
	e.Service, err = events.NewService(events.Deps{Store: e.Store, Grid: StaticGrid{e.Grid}, Files: fs,
		Departments: catalog.NewService(cs, ie.Clock.Now, slog.New(slog.DiscardHandler)), Accounts: ie.Service,
		Config: cfg, Now: ie.Clock.Now, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	e.cast(t)
	return e
}

func (e *Env) cast(t testing.TB) {
	t.Helper()
	ids := e.Identity.Service
	ptr := identitytest.Ptr[string]
	roles := func(r ...identity.Role) *[]identity.Role { return &r }
	staff := func(user, name, dept string, r ...identity.Role) *identity.Account {
		return identitytest.Staff(t, ids, &identitytest.StaffOpts{Username: ptr(user), Name: ptr(name), Department: ptr(dept), Roles: roles(r...)})
	}
	e.Dispatcher = staff("dispatch", "吴敏", "SZXF", identity.Dispatcher)
	e.Worker = staff("grid-xa", "周勇", "SZCG", identity.GridWorker)
	e.OtherWorker = staff("grid-xx", "林强", "SZCG", identity.GridWorker)
	e.FireStaff = staff("xf-staff", "消防员", "SZXF", identity.Caseworker)
	e.CityStaff = staff("cg-staff", "城管队员", "SZCG", identity.Caseworker)
	e.Admin = staff("admin", "管理员", "SZCG", identity.PlatformAdmin)
	e.Citizen = identitytest.Person(t, ids, &identitytest.PersonOpts{Name: ptr("张晓明")})
	e.OtherCitizen = identitytest.Person(t, ids, &identitytest.PersonOpts{Name: ptr("李芳")})
	ctx := context.Background()
	var xa []string
	for _, community := range e.Grid.Children("440306017") {
		for _, m := range e.Grid.Children(community.Code) {
			xa = append(xa, m.Code)
		}
	}
	sys := events.SystemActor("test")
	if _, err := e.Service.AssignCells(ctx, sys, e.Worker.ID, xa); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Service.AssignCells(ctx, sys, e.OtherWorker.ID, []string{"440306018"}); err != nil {
		t.Fatal(err)
	}
}
