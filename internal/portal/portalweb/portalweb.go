// Package portalweb is the portal's home page (GET /): a prominent search
// box that searches the catalogue (/services?q=) with the catalogue's
// as-you-type suggestions (/services/suggest), the life-event and
// enterprise-event themes as tiles leading to their step-by-step guides,
// the popular services, the headline indicators, and, for a signed-in
// person or enterprise, their recommendations each with a one-line reason;
// staff find links to the tools their roles open to them.
//
// The page reads everything through insights.Service; it owns no data.
package portalweb

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

// module is the name of this package's pages: "portal/home".
const module = "portal"

// Deps are what the home page needs.
type Deps struct {
	// Insights gives the themes, rankings, recommendations and
	// indicators. Required.
	Insights *insights.Service
	// Renderer draws the page; it must have been built with [Templates].
	// Required.
	Renderer *web.Renderer
	// Log defaults to slog.Default().
	Log *slog.Logger
}

// Handlers serves the home page.
type Handlers struct {
	Deps
}

// New returns the handlers, or an error naming a missing dependency.
func New(d Deps) (*Handlers, error) {
	if d.Insights == nil || d.Renderer == nil {
		return nil, errors.New("portalweb: Insights and Renderer are required")
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &Handlers{Deps: d}, nil
}

// Templates returns the home page and its messages, for web.NewServer's
// Templates. The header's 首页 entry is the web shell's.
func Templates() web.TemplateSet {
	sub, err := fs.Sub(templateFiles, "templates")
	if err != nil {
		panic(err) // the directory is embedded above
	}
	return web.TemplateSet{Module: module, FS: sub, Messages: messages}
}

// Routes registers the home page on mux at exactly "/".
func (h *Handlers) Routes(mux *http.ServeMux) {
	mux.Handle("GET /{$}", web.Handler(h.home))
}
