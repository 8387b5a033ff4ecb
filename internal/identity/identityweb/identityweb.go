// Package identityweb is the web face of unified identity: the login page
// (password and phone one-time code, plus links to federated providers),
// logout, the citizen's own account page, the administrators' pages for
// accounts and the authentication audit log (the message outbox is
// notifyweb's), and the
// JSON API under /api/v1 (me, accounts, audit events).
//
// Every handler acts as the signed-in account through the identity
// service's actor-based methods, so the service decides who may see and
// change what; the pages never show another person's data unless the
// service returned it to the actor.
package identityweb

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

//go:embed templates/*.html
var templateFiles embed.FS

// module is the name of this package's pages: "identity/login" etc.
const module = "identity"

// FederationLinks lists the federated login providers offered on the login
// page; the single sign-on module implements it. next is the local address
// to return to after a successful login.
type FederationLinks interface {
	FederationLinks(ctx context.Context, next string) []web.Link
}

// Departments lists the departments staff belong to; catalogsql.Store
// implements it.
type Departments interface {
	FindDepartments(ctx context.Context) ([]*catalog.Department, error)
}

// Deps are what the handlers need.
type Deps struct {
	// Identity is the identity service. Required.
	Identity *identity.Service
	// Renderer draws the pages; it must have been built with [Templates].
	// Required.
	Renderer *web.Renderer
	// Cookies sets the session cookie. Required.
	Cookies *web.Cookies
	// Federation offers federated login providers; nil offers none.
	Federation FederationLinks
	// Departments fills department choices and names; nil shows codes and
	// asks for a code in forms.
	Departments Departments
	// Log defaults to slog.Default().
	Log *slog.Logger
	// Now is the clock for showing lockouts; defaults to time.Now.
	Now func() time.Time
}

// Handlers serves the identity pages and API.
type Handlers struct {
	Deps
}

// New returns the handlers, or an error naming a missing dependency.
func New(d Deps) (*Handlers, error) {
	if d.Identity == nil || d.Renderer == nil || d.Cookies == nil {
		return nil, errors.New("identityweb: Identity, Renderer and Cookies are required")
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Handlers{Deps: d}, nil
}

// Templates returns the identity pages, messages and navigation, for
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
			{Label: "identity.nav.account", Path: "/account", Show: signedIn},
			{Label: "identity.nav.accounts", Path: "/admin/accounts", Admin: true, Show: isAdmin},
			{Label: "identity.nav.audit", Path: "/admin/audit", Admin: true, Show: isAdmin},
		},
	}
}

func signedIn(a *identity.Account) bool { return a != nil }

// isAdmin reports whether a administers accounts (for navigation only; the
// service decides what each may do).
func isAdmin(a *identity.Account) bool {
	return a.IsStaff() && (a.HasRole(identity.PlatformAdmin) || a.HasRole(identity.DeptAdmin))
}

func isPlatformAdmin(a *identity.Account) bool {
	return a.IsStaff() && a.HasRole(identity.PlatformAdmin)
}

// Routes registers the pages and the API on mux.
func (h *Handlers) Routes(mux *http.ServeMux) {
	admin := web.RequireRole(identity.PlatformAdmin, identity.DeptAdmin)
	mux.Handle("GET /login", web.Handler(h.loginPage))
	mux.Handle("POST /login", web.Handler(h.login))
	mux.Handle("POST /login/code/send", web.Handler(h.sendCode))
	mux.Handle("POST /login/code", web.Handler(h.loginWithCode))
	mux.Handle("POST /logout", web.Handler(h.logout))

	mux.Handle("GET /account", web.RequireAccount(h.accountPage))
	mux.Handle("POST /account/password", web.RequireAccount(h.changePassword))
	mux.Handle("POST /account/lang", web.RequireAccount(h.setLang))

	mux.Handle("GET /admin/accounts", admin(h.accountsPage))
	mux.Handle("GET /admin/accounts/new", admin(h.newAccountPage))
	mux.Handle("POST /admin/accounts", admin(h.createAccount))
	mux.Handle("GET /admin/accounts/{id}", admin(h.adminAccountPage))
	mux.Handle("POST /admin/accounts/{id}", admin(h.updateAccount))
	mux.Handle("POST /admin/accounts/{id}/status", admin(h.setDisabled))
	mux.Handle("POST /admin/accounts/{id}/password", admin(h.resetPassword))
	mux.Handle("GET /admin/audit", admin(h.auditPage))

	mux.Handle("GET /api/v1/me", web.RequireAccount(h.apiMe))
	mux.Handle("GET /api/v1/accounts", web.RequireAccount(h.apiAccounts))
	mux.Handle("GET /api/v1/accounts/{id}", web.RequireAccount(h.apiAccount))
	mux.Handle("GET /api/v1/audit-events", web.RequireAccount(h.apiEvents))
}
