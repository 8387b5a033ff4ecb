// Package insightsweb is the web face of smart ranking and recommendation
// and of the public indicators: the popular services (/services/popular,
// overall or per department), the items that applicants of an item also
// applied for (/services/{code}/related), each theme as a guide of
// numbered steps (/themes/{code}/guide), the public dashboard of
// indicators with charts (/stats), and the JSON API under /api/v1
// (services/popular, services/{code}/related, themes/{code}/guide,
// stats/services, and a signed-in applicant's recommendations).
//
// The popular and related pages answer htmx requests (HX-Request) with the
// list alone, so that another page, such as a catalogue item's page or a
// department's list, can include them with hx-get. Every page and API
// response is computed by insights.Service; bad parameters are
// problem+json 422 errors naming the parameter.
package insightsweb

import (
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/pengcheng-gov/pengcheng/internal/insights"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

//go:embed templates/*.html
var templateFiles embed.FS

// module is the name of this package's pages: "insights/stats" etc.
const module = "insights"

// Deps are what the handlers need.
type Deps struct {
	// Insights computes the rankings and indicators. Required.
	Insights *insights.Service
	// Renderer draws the pages; it must have been built with [Templates].
	// Required.
	Renderer *web.Renderer
	// Log defaults to slog.Default().
	Log *slog.Logger
}

// Handlers serves the rankings' and indicators' pages and API.
type Handlers struct {
	Deps
}

// New returns the handlers, or an error naming a missing dependency.
func New(d Deps) (*Handlers, error) {
	if d.Insights == nil || d.Renderer == nil {
		return nil, errors.New("insightsweb: Insights and Renderer are required")
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &Handlers{Deps: d}, nil
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
		Nav:      []web.NavItem{{Label: "insights.nav.stats", Path: "/stats"}},
	}
}

// Routes registers the pages and the API on mux. None of the patterns
// overlaps the catalogue's (/services/{code}, /themes/{code}): a literal
// segment or an extra one tells them apart.
func (h *Handlers) Routes(mux *http.ServeMux) {
	mux.Handle("GET /services/popular", web.Handler(h.popularPage))
	mux.Handle("GET /services/{code}/related", web.Handler(h.relatedPage))
	mux.Handle("GET /themes/{code}/guide", web.Handler(h.guidePage))
	mux.Handle("GET /stats", web.Handler(h.statsPage))

	mux.Handle("GET /api/v1/services/popular", web.Handler(h.apiPopular))
	mux.Handle("GET /api/v1/services/{code}/related", web.Handler(h.apiRelated))
	mux.Handle("GET /api/v1/themes/{code}/guide", web.Handler(h.apiGuide))
	mux.Handle("GET /api/v1/stats/services", web.Handler(h.apiStats))
	mux.Handle("GET /api/v1/recommendations", web.RequireAccount(h.apiRecommendations))
}

// isHTMX reports whether r is an htmx request, which gets a fragment.
func isHTMX(r *http.Request) bool { return r.Header.Get("HX-Request") == "true" }
