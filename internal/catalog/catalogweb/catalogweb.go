// Package catalogweb is the web face of the service catalogue: the public
// pages (the catalogue by department and by theme at /services, each
// item's page at /services/{code}, theme pages at /themes/{code}), the
// search box with as-you-type suggestions (htmx, /services/suggest), the
// public JSON API (GET /api/v1/services?q=&limit= and
// /api/v1/services/{code}), and the administrators' pages where a
// department admin edits their department's items and reads each item's
// history (/admin/services).
//
// Searching goes through the same catalogsearch engine for the page, the
// suggestions and the API. Editing goes through catalog.Service, which
// decides who may change what.
package catalogweb

import (
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/catalog/catalogsearch"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

//go:embed templates/*.html
var templateFiles embed.FS

// module is the name of this package's pages: "catalog/item" etc.
const module = "catalog"

// Deps are what the handlers need; all are required except Log.
type Deps struct {
	Catalog  *catalog.Service
	Search   *catalogsearch.Engine
	Renderer *web.Renderer // built with [Templates]
	Cookies  *web.Cookies  // for flash notices
	Log      *slog.Logger  // defaults to slog.Default()
}

// Handlers serves the catalogue pages and API.
type Handlers struct {
	Deps
}

// New returns the handlers, or an error naming a missing dependency.
func New(d Deps) (*Handlers, error) {
	if d.Catalog == nil || d.Search == nil || d.Renderer == nil || d.Cookies == nil {
		return nil, errors.New("catalogweb: Catalog, Search, Renderer and Cookies are required")
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &Handlers{Deps: d}, nil
}

// Templates returns the catalogue's pages, messages and navigation, for
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
			{Label: "catalog.nav.services", Path: "/services"},
			{Label: "catalog.nav.admin", Path: "/admin/services", Admin: true, Show: catalog.CanEditAny},
		},
	}
}

// Routes registers the pages and the API on mux.
func (h *Handlers) Routes(mux *http.ServeMux) {
	admin := web.RequireRole(identity.PlatformAdmin, identity.DeptAdmin)
	mux.Handle("GET /services", web.Handler(h.servicesPage))
	mux.Handle("GET /services/suggest", web.Handler(h.suggest))
	mux.Handle("GET /services/{code}", web.Handler(h.itemPage))
	mux.Handle("GET /themes/{code}", web.Handler(h.themePage))

	mux.Handle("GET /admin/services", admin(h.adminItemsPage))
	mux.Handle("GET /admin/services/{code}", admin(h.adminItemPage))
	mux.Handle("POST /admin/services/{code}", admin(h.saveItem))

	mux.Handle("GET /api/v1/services", web.Handler(h.apiSearch))
	mux.Handle("GET /api/v1/services/{code}", web.Handler(h.apiItem))
}
