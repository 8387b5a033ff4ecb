// Package eventsweb is the web face of grid events: the phone-friendly
// report page (browser geolocation, a pin on the map, photos), the
// dispatcher's queue, a department's work list, a grid worker's checks and
// patrol check-in, each event's page with its full trace, the category
// administration, and the JSON API under /api/v1/events — single reports
// and batches from patrol devices, listings, actions, categories, and for
// the command-centre map its GeoJSON, live stream (server-sent events),
// heat map and statistics.
//
// Every handler acts through the events service, which decides who may
// see and do what. Times are shown in China time (UTC+8); API times are
// RFC 3339 with +08:00.
package eventsweb

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"

	"github.com/pengcheng-gov/pengcheng/internal/events"
	"github.com/pengcheng-gov/pengcheng/internal/files"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

//go:embed templates/*.html
var templateFiles embed.FS

// module is the name of this package's pages: "events/report" etc.
const module = "events"

// Accounts names the people in traces; identity.Service implements it.
type Accounts interface {
	AccountByID(ctx context.Context, id string) (*identity.Account, error)
}

// Deps are what the handlers need.
type Deps struct {
	// Service is the events service. Required.
	Service *events.Service
	// Grid names cells (grid.Service). Required.
	Grid events.Grids
	// Files stores the photos of the report and handling forms and serves
	// them. Required.
	Files files.Store
	// Renderer draws the pages; it must have been built with [Templates].
	// Required.
	Renderer *web.Renderer
	// Cookies sets flash notices. Required.
	Cookies *web.Cookies
	// Departments names departments (catalog.Service); nil shows codes.
	Departments events.Departments
	// Accounts lists grid workers by name for dispatch; nil hides the
	// choice of a worker.
	Accounts Accounts
	// MaxUploadBytes bounds a photo (default 10 MiB).
	MaxUploadBytes int64
	// Log defaults to slog.Default().
	Log *slog.Logger
}

// Handlers serves the events pages and API.
type Handlers struct {
	Deps

	mu   sync.Mutex
	done chan struct{} // closed by Shutdown: live streams end
}

// New returns the handlers, or an error naming a missing dependency.
func New(d Deps) (*Handlers, error) {
	if d.Service == nil || d.Grid == nil || d.Files == nil || d.Renderer == nil || d.Cookies == nil {
		return nil, errors.New("eventsweb: Service, Grid, Files, Renderer and Cookies are required")
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.MaxUploadBytes <= 0 {
		d.MaxUploadBytes = 10 << 20
	}
	return &Handlers{Deps: d, done: make(chan struct{})}, nil
}

// Shutdown ends the live streams, so that a server shutting down does not
// wait for them (register it with http.Server.RegisterOnShutdown).
func (h *Handlers) Shutdown() {
	h.mu.Lock()
	defer h.mu.Unlock()
	select {
	case <-h.done:
	default:
		close(h.done)
	}
}

// Templates returns the events pages, messages and navigation, for
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
		Nav: []web.NavItem{
			{Label: "events.nav", Path: "/events", Show: func(a *identity.Account) bool { return a != nil }},
			{Label: "events.nav.categories", Path: "/events/categories", Admin: true, Show: isAdmin},
		},
	}
}

// isAdmin reports whether a administers the platform (for navigation
// only; the service decides).
func isAdmin(a *identity.Account) bool { return a.IsStaff() && a.HasRole(identity.PlatformAdmin) }

// Routes registers the pages and the API on mux.
func (h *Handlers) Routes(mux *http.ServeMux) {
	in := web.RequireAccount
	mux.Handle("GET /events", in(h.hubPage))
	mux.Handle("GET /events/new", in(h.reportPage))
	mux.Handle("POST /events", in(h.report))
	mux.Handle("GET /events/list/{view}", in(h.listPage))
	mux.Handle("GET /events/categories", in(h.categoriesPage))
	mux.Handle("POST /events/categories", in(h.saveCategory))
	mux.Handle("POST /events/patrols", in(h.checkIn))
	mux.Handle("GET /events/{id}", in(h.eventPage))
	mux.Handle("POST /events/{id}/act", in(h.act))
	mux.Handle("GET /events/{id}/photos/{sha}", in(h.photo))

	mux.Handle("GET /api/v1/events/categories", web.Handler(h.apiCategories))
	mux.Handle("POST /api/v1/events/categories", in(h.apiSaveCategory))
	mux.Handle("PUT /api/v1/events/categories/{code}", in(h.apiSaveCategory))
	mux.Handle("POST /api/v1/events", in(h.apiReport))
	mux.Handle("POST /api/v1/events:batch", in(h.apiBatch))
	mux.Handle("GET /api/v1/events", in(h.apiList))
	mux.Handle("GET /api/v1/events/map", in(h.apiMap))
	mux.Handle("GET /api/v1/events/stream", in(h.apiStream))
	mux.Handle("GET /api/v1/events/heat", in(h.apiHeat))
	mux.Handle("GET /api/v1/events/stats", in(h.apiStats))
	mux.Handle("POST /api/v1/events/patrols", in(h.apiCheckIn))
	mux.Handle("GET /api/v1/events/workers/{account}/cells", in(h.apiWorkerCells))
	mux.Handle("PUT /api/v1/events/workers/{account}/cells", in(h.apiAssignCells))
	mux.Handle("GET /api/v1/events/{id}", in(h.apiEvent))
	mux.Handle("POST /api/v1/events/{id}/actions", in(h.apiAct))
}

// actor returns the signed-in account as an events actor.
func actor(r *http.Request) (events.Actor, error) {
	return events.AccountActor(web.AccountFrom(r.Context()))
}
