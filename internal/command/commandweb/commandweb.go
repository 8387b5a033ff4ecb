// Package commandweb is the command centre (指挥中心) of grid governance:
// the map of the grid with live events (/command) and the statistics
// dashboard of any grid node and period (/command/stats), for staff —
// platform administrators, dispatchers, grid workers and department staff.
//
// The pages are server-rendered shells; what they show comes from the
// JSON APIs, fetched by the pages' scripts (static files, as the content
// security policy allows no inline script or style):
//
//   - the grid layers from GET /api/v1/grid/cells (the district and the
//     streets at once; communities and micro-grids when zoomed in or
//     switched on, fetched lazily by parent);
//   - the events from GET /api/v1/events/map, kept live by the server-sent
//     events of GET /api/v1/events/stream, and the heat map from GET
//     /api/v1/events/heat, with the filters (category, state, street,
//     period) sent to the API;
//   - the figures of GET /api/v1/events/stats on the dashboard.
//
// The events API is another module's; when it answers with an error (or
// not at all) the pages say so and still show the grid. The server side
// reads only the grid (for the choices of street and node) and checks the
// filters it echoes; who may see which events is the events API's
// decision.
package commandweb

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/grid"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

//go:embed templates/*.html
var templateFiles embed.FS

// module is the name of this package's pages: "command/map" etc.
const module = "command"

// Grid is what the pages read of the grid; *grid.Service implements it.
type Grid interface {
	Index(ctx context.Context) (*grid.Index, error)
}

// Deps are what the handlers need.
type Deps struct {
	// Grid lists the streets and nodes to choose from. Required.
	Grid Grid
	// Renderer draws the pages; it must have been built with [Templates].
	// Required.
	Renderer *web.Renderer
	// Now is the clock, for the dashboard's default period; defaults to
	// time.Now.
	Now func() time.Time
	// Log defaults to slog.Default().
	Log *slog.Logger
}

// Handlers serves the command-centre pages.
type Handlers struct {
	Deps
	loc *time.Location // China time, for the days of a period
}

// New returns the handlers, or an error naming a missing dependency.
func New(d Deps) (*Handlers, error) {
	if d.Grid == nil || d.Renderer == nil {
		return nil, errors.New("commandweb: Grid and Renderer are required")
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		loc = time.FixedZone("CST", 8*60*60)
	}
	return &Handlers{Deps: d, loc: loc}, nil
}

// Templates returns the pages, messages and navigation, for
// web.NewServer's Templates.
func Templates() web.TemplateSet {
	sub, err := fs.Sub(templateFiles, "templates")
	if err != nil {
		panic(err) // the directory is embedded above
	}
	return web.TemplateSet{
		Module:   module,
		FS:       sub,
		Messages: messages,
		Funcs:    templateFuncs(),
		Nav:      []web.NavItem{{Label: "command.nav", Path: "/command", Show: IsStaff}},
	}
}

// staffRoles are the roles that open the command centre: platform
// administrators, dispatchers, grid workers, and department staff
// (department administrators and caseworkers).
var staffRoles = []identity.Role{identity.PlatformAdmin, identity.Dispatcher, identity.GridWorker,
	identity.DeptAdmin, identity.Caseworker}

// IsStaff reports whether a may open the command centre: an enabled staff
// account holding one of the staff roles.
func IsStaff(a *identity.Account) bool {
	if !a.IsStaff() || a.Disabled {
		return false
	}
	for _, r := range staffRoles {
		if a.HasRole(r) {
			return true
		}
	}
	return false
}

// staffOnly lets through the accounts [IsStaff] accepts: anonymous
// requests get web.ErrLoginRequired (browsers go to the login page),
// others web.ErrNoPermission.
func staffOnly(h web.Handler) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		a := web.AccountFrom(r.Context())
		switch {
		case a == nil:
			return web.ErrLoginRequired
		case !IsStaff(a):
			return web.ErrNoPermission
		}
		return h(w, r)
	}
}

// Routes registers the pages on mux.
func (h *Handlers) Routes(mux *http.ServeMux) {
	mux.Handle("GET /command", staffOnly(h.mapPage))
	mux.Handle("GET /command/stats", staffOnly(h.statsPage))
}
