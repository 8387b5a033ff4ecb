// Package exchangeweb is the web face of data sharing between departments
// (一库共用): the page where citizens and enterprises see who used their
// data, when and why (我的数据使用记录); the administrators' pages for
// access policies, the datasets and the access log with its verification;
// the caseworkers' registry query; and the JSON API under
// /api/v1/exchange that departments' systems call with OpenID Connect
// client-credentials tokens, with RFC 9457 problem details.
//
// Every handler acts through the exchange service, which decides who may
// read and manage what. Times are shown in China time (UTC+8).
//
// # Callers of the API
//
// A request to /api/v1/exchange is made by a signed-in account (a session
// cookie, or a bearer token that the web shell's bearer middleware turned
// into an account) or, when it carries "Authorization: Bearer" and no
// account, by whatever the token stands for according to [TokenVerifier]:
// an account, or a client (a department's system) acting for the client's
// department. sso.Service implements TokenVerifier.
package exchangeweb

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/exchange"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

//go:embed templates/*.html
var templateFiles embed.FS

// module is the name of this package's pages: "exchange/mine" etc.
const module = "exchange"

// Departments lists the departments, for the policy form; catalog.Service
// implements it.
type Departments interface {
	Departments(ctx context.Context) ([]*catalog.Department, error)
}

// Deps are what the handlers need.
type Deps struct {
	// Service is the exchange service. Required.
	Service *exchange.Service
	// Renderer draws the pages; it must have been built with [Templates].
	// Required.
	Renderer *web.Renderer
	// Cookies sets flash notices. Required.
	Cookies *web.Cookies
	// Tokens verifies the bearer tokens of departments' systems
	// (sso.Service); nil means the API serves signed-in accounts only.
	Tokens TokenVerifier
	// Departments names the departments in the policy form; nil means the
	// form asks for a department code.
	Departments Departments
	// Log defaults to slog.Default().
	Log *slog.Logger
}

// Handlers serves the exchange pages and API.
type Handlers struct {
	Deps
}

// New returns the handlers, or an error naming a missing dependency.
func New(d Deps) (*Handlers, error) {
	if d.Service == nil || d.Renderer == nil || d.Cookies == nil {
		return nil, errors.New("exchangeweb: Service, Renderer and Cookies are required")
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &Handlers{Deps: d}, nil
}

// Templates returns the exchange pages, messages and navigation, for
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
			{Label: "exchange.nav.mine", Path: "/my/data-use", Show: hasSubject},
			{Label: "exchange.nav.query", Path: "/exchange/query", Show: isReader},
			{Label: "exchange.nav.policies", Path: "/exchange/policies", Admin: true, Show: isAdmin},
			{Label: "exchange.nav.log", Path: "/exchange/log", Admin: true, Show: isAdmin},
		},
	}
}

// hasSubject reports whether a has data of its own (for navigation only).
func hasSubject(a *identity.Account) bool {
	return a != nil && (a.Kind == identity.Person || a.Kind == identity.Enterprise)
}

// isReader reports whether a may query registries (for navigation only;
// the service decides).
func isReader(a *identity.Account) bool {
	_, err := exchange.StaffActor(a)
	return err == nil
}

// isAdmin reports whether a administers policies or the log (for
// navigation only).
func isAdmin(a *identity.Account) bool {
	return a.IsStaff() && (a.HasRole(identity.PlatformAdmin) || a.HasRole(identity.DeptAdmin))
}

// Routes registers the pages and the API on mux.
func (h *Handlers) Routes(mux *http.ServeMux) {
	in := web.RequireAccount
	mux.Handle("GET /my/data-use", in(h.minePage))
	mux.Handle("GET /exchange/query", in(h.queryPage))
	mux.Handle("POST /exchange/query", in(h.query))
	mux.Handle("GET /exchange/policies", in(h.policiesPage))
	mux.Handle("GET /exchange/policies/new", in(h.newPolicyPage))
	mux.Handle("POST /exchange/policies", in(h.createPolicy))
	mux.Handle("GET /exchange/policies/{id}", in(h.policyPage))
	mux.Handle("POST /exchange/policies/{id}", in(h.updatePolicy))
	mux.Handle("POST /exchange/policies/{id}/revoke", in(h.revokePolicy))
	mux.Handle("GET /exchange/log", in(h.logPage))
	mux.Handle("POST /exchange/log/verify", in(h.verifyLog))

	mux.Handle("GET /api/v1/exchange/datasets", web.Handler(h.apiDatasets))
	mux.Handle("GET /api/v1/exchange/policies", h.api(h.apiPolicies))
	mux.Handle("POST /api/v1/exchange/query", h.api(h.apiQuery))
	mux.Handle("GET /api/v1/exchange/my-access-log", h.api(h.apiMine))
}
