// Package approvalweb is the web face of instant approval (秒批) for
// department staff: the rule sets of the items they may see, one item's
// versions with the editor of its draft (a rule set that does not compile
// is shown with each problem and its line, and nothing is saved), test
// runs against the registries with expected outcomes, publication (only
// after a test run of the current draft), any version's source, and a
// decision with its replay. Its JSON API under /api/v1/approval dry-runs
// an item's published rules on an input and lists an item's versions,
// with RFC 9457 problem details.
//
// Every handler acts through approval.Service, which decides who may do
// what: department administrators write and publish their department's
// rules, its caseworkers view and test them, platform administrators all.
// Times are shown in China time (UTC+8).
package approvalweb

import (
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/pengcheng-gov/pengcheng/internal/approval"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed assets/approval.css
var stylesheet []byte

// module is the name of this package's pages: "approval/rulesets" etc.
const module = "approval"

// StylesheetPath is where the pages' own stylesheet is served.
const StylesheetPath = "/approval/assets/approval.css"

// Deps are what the handlers need.
type Deps struct {
	// Service is the approval service. Required.
	Service *approval.Service
	// Renderer draws the pages; it must have been built with [Templates].
	// Required.
	Renderer *web.Renderer
	// Cookies sets flash notices. Required.
	Cookies *web.Cookies
	// Log defaults to slog.Default().
	Log *slog.Logger
}

// Handlers serves the approval pages and API.
type Handlers struct {
	Deps
}

// New returns the handlers, or an error naming a missing dependency.
func New(d Deps) (*Handlers, error) {
	if d.Service == nil || d.Renderer == nil || d.Cookies == nil {
		return nil, errors.New("approvalweb: Service, Renderer and Cookies are required")
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &Handlers{Deps: d}, nil
}

// Templates returns the approval pages, messages and navigation, for
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
			{Label: "approval.nav.rulesets", Path: "/approval/rulesets", Admin: true, Show: isRuleStaff},
		},
	}
}

// isRuleStaff reports whether a may see instant-approval rules (for
// navigation only; the service decides): platform administrators,
// department administrators and caseworkers.
func isRuleStaff(a *identity.Account) bool {
	return a.IsStaff() && (a.HasRole(identity.PlatformAdmin) || a.HasRole(identity.DeptAdmin) || a.HasRole(identity.Caseworker))
}

// Routes registers the pages and the API on mux.
func (h *Handlers) Routes(mux *http.ServeMux) {
	in := web.RequireAccount
	mux.Handle("GET /approval/rulesets", in(h.listPage))
	mux.Handle("GET /approval/rulesets/{code}", in(h.ruleSetPage))
	mux.Handle("POST /approval/rulesets/{code}/draft", in(h.saveDraft))
	mux.Handle("POST /approval/rulesets/{code}/test", in(h.testRun))
	mux.Handle("POST /approval/rulesets/{code}/publish", in(h.publish))
	mux.Handle("GET /approval/rulesets/{code}/v/{version}", in(h.versionPage))
	mux.Handle("GET /approval/decisions/{id}", in(h.decisionPage))
	mux.Handle("POST /approval/decisions/{id}/replay", in(h.replay))
	mux.HandleFunc("GET "+StylesheetPath, serveStylesheet)

	mux.Handle("POST /api/v1/approval/services/{code}/eval", web.Handler(h.apiEval))
	mux.Handle("GET /api/v1/approval/services/{code}/rulesets", web.Handler(h.apiRuleSets))
}

// serveStylesheet serves the pages' stylesheet (the shell's content
// security policy allows only stylesheets of this site).
func serveStylesheet(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(stylesheet)
}
