// Package casesweb is the web face of the one window (一窗受理): the
// application form of every service item with uploads (/apply/{code}),
// the submission receipt with the serial number, the citizen's "my
// applications" pages with each application's timeline, corrections and
// withdrawal, the public progress look-up (/progress), the caseworkers'
// console (/console) with the department's queue and every action, and
// the JSON API under /api/v1 (applications, their actions, file uploads,
// progress).
//
// Every handler acts as the signed-in account through the cases service,
// which decides what the account may see and do: an application the
// account may not see is "not found", whatever page or API asked.
package casesweb

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/files"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

//go:embed templates/*.html
var templateFiles embed.FS

// module is the name of this package's pages: "cases/apply" etc.
const module = "cases"

// Catalog reads items and departments; catalogsql.Store implements it.
type Catalog interface {
	FindItem(ctx context.Context, code string) (*catalog.Item, error)
	FindDepartment(ctx context.Context, code string) (*catalog.Department, error)
	FindDepartments(ctx context.Context) ([]*catalog.Department, error)
}

// Deps are what the handlers need.
type Deps struct {
	// Cases is the applications service. Required.
	Cases *cases.Service
	// Catalog reads the items and departments. Required.
	Catalog Catalog
	// Files stores uploads made through POST /api/v1/files. Required.
	Files files.Store
	// Renderer draws the pages; it must have been built with [Templates].
	// Required.
	Renderer *web.Renderer
	// Cookies sets flash notices. Required.
	Cookies *web.Cookies
	// Submitter files submissions and corrections; defaults to Cases.
	// Instant approval (approval.Service) decides them as they arrive.
	Submitter Submitter
	// Panel, if set, adds to the receipt and the application page (e.g.
	// an instant-approval decision with its reasons).
	Panel func(r *http.Request, v *cases.View) (template.HTML, error)
	// Log defaults to slog.Default().
	Log *slog.Logger
}

// Submitter files submissions and corrections.
type Submitter interface {
	Submit(ctx context.Context, actor *identity.Account, sub cases.Submission) (*cases.Application, error)
	Resubmit(ctx context.Context, actor *identity.Account, serial string, c cases.Amendment) (*cases.Application, error)
}

// ViewSubmitter is a Submitter that answers a submission with the
// submitter's view of the stored application, sparing the API a read.
type ViewSubmitter interface {
	SubmitView(ctx context.Context, actor *identity.Account, sub cases.Submission) (*cases.View, error)
}

// panel renders the extra panel of an application, if any.
func (h *Handlers) panel(r *http.Request, v *cases.View) (template.HTML, error) {
	if h.Panel == nil {
		return "", nil
	}
	return h.Panel(r, v)
}

// Handlers serves the applications' pages and API.
type Handlers struct {
	Deps
}

// New returns the handlers, or an error naming a missing dependency.
func New(d Deps) (*Handlers, error) {
	if d.Cases == nil || d.Catalog == nil || d.Files == nil || d.Renderer == nil || d.Cookies == nil {
		return nil, errors.New("casesweb: Cases, Catalog, Files, Renderer and Cookies are required")
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Submitter == nil {
		d.Submitter = d.Cases
	}
	return &Handlers{Deps: d}, nil
}

// Templates returns the applications' pages, messages and navigation, for
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
			{Label: "cases.nav.mine", Path: "/applications", Show: isCitizen},
			{Label: "cases.nav.progress", Path: "/progress"},
			{Label: "cases.nav.console", Path: "/console", Show: cases.IsCaseworker},
		},
	}
}

// isCitizen reports whether a is a signed-in person or enterprise.
func isCitizen(a *identity.Account) bool {
	return a != nil && (a.Kind == identity.Person || a.Kind == identity.Enterprise)
}

// Routes registers the pages and the API on mux.
func (h *Handlers) Routes(mux *http.ServeMux) {
	signedIn := web.RequireAccount
	console := web.RequireRole(identity.Caseworker)
	mux.Handle("GET /apply/{code}", signedIn(h.applyPage))
	mux.Handle("POST /apply/{code}", signedIn(h.apply))
	mux.Handle("GET /applications", signedIn(h.minePage))
	mux.Handle("GET /applications/{serial}", signedIn(h.applicationPage))
	mux.Handle("GET /applications/{serial}/receipt", signedIn(h.receiptPage))
	mux.Handle("POST /applications/{serial}/withdraw", signedIn(h.withdraw))
	mux.Handle("GET /applications/{serial}/correct", signedIn(h.correctPage))
	mux.Handle("POST /applications/{serial}/correct", signedIn(h.correct))
	mux.Handle("GET /applications/{serial}/materials/{index}", signedIn(h.download))

	mux.Handle("GET /progress", web.Handler(h.progressPage))
	mux.Handle("POST /progress", web.Handler(h.progressLookup))

	mux.Handle("GET /console", console(h.consolePage))
	mux.Handle("GET /console/applications/{serial}", console(h.consoleCasePage))
	mux.Handle("POST /console/applications/{serial}/actions/{action}", console(h.consoleAct))

	mux.Handle("POST /api/v1/files", signedIn(h.apiUpload))
	mux.Handle("POST /api/v1/applications", signedIn(h.apiSubmit))
	mux.Handle("GET /api/v1/applications", signedIn(h.apiList))
	mux.Handle("GET /api/v1/applications/{serial}", signedIn(h.apiApplication))
	mux.Handle("POST /api/v1/applications/{serial}/actions/{action}", signedIn(h.apiAct))
	mux.Handle("GET /api/v1/progress", web.Handler(h.apiProgress))
}
