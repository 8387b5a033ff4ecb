// Package notifyweb is the web face of notifications: every signed-in
// account's in-app inbox (/inbox, with an unread count for the header at
// /inbox/unread), and the platform administrators' outbox
// (/admin/outbox): every message with its channel, status, attempts, last
// error and delivery receipts, one message's attempts and parts, and a
// "retry now" action for messages not yet sent.
//
// Handlers act as the signed-in account through notify.Service's
// actor-based methods, so the service decides who may see what.
package notifyweb

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"regexp"
	"unicode/utf8"

	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/notify"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

//go:embed templates/*.html
var templateFiles embed.FS

// module is the name of this package's pages: "notify/inbox" etc.
const module = "notify"

// Notifications is what the pages need of the notify service;
// *notify.Service implements it.
type Notifications interface {
	Inbox(ctx context.Context, actor *identity.Account, unread bool, offset, limit int) ([]*notify.Message, int, error)
	MarkRead(ctx context.Context, actor *identity.Account, ids ...string) (int, error)
	UnreadCount(ctx context.Context, actor *identity.Account) (int, error)
	Messages(ctx context.Context, actor *identity.Account, f notify.MessageFilter) ([]*notify.Message, int, error)
	Message(ctx context.Context, actor *identity.Account, id string) (*notify.Message, []*notify.Attempt, error)
	Retry(ctx context.Context, actor *identity.Account, id string) error
}

// Deps are what the handlers need.
type Deps struct {
	// Notify is the notification service. Required.
	Notify Notifications
	// Renderer draws the pages; it must have been built with [Templates].
	// Required.
	Renderer *web.Renderer
	// Cookies sets flash notices. Required.
	Cookies *web.Cookies
	// ShowCodes shows one-time login codes in the admin outbox (demo
	// deployments only); otherwise they are masked. An account always sees
	// its own inbox in full.
	ShowCodes bool
	// Log defaults to slog.Default().
	Log *slog.Logger
}

// Handlers serves the notification pages.
type Handlers struct {
	Deps
}

// New returns the handlers, or an error naming a missing dependency.
func New(d Deps) (*Handlers, error) {
	if d.Notify == nil || d.Renderer == nil || d.Cookies == nil {
		return nil, errors.New("notifyweb: Notify, Renderer and Cookies are required")
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &Handlers{Deps: d}, nil
}

// Templates returns the notification pages, messages and navigation, for
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
		Funcs: template.FuncMap{
			"channelKey": func(c string) string { return "notify.channel." + c },
			"statusKey":  func(s string) string { return "notify.status." + s },
			"outcomeKey": func(s string) string { return "notify.outcome." + s },
			"viaKey":     func(s string) string { return "notify.via." + s },
			"shorten":    shorten,
		},
		Nav: []web.NavItem{
			{Label: "notify.nav.inbox", Path: "/inbox", BadgeURL: "/inbox/unread", Show: func(a *identity.Account) bool { return a != nil }},
			{Label: "notify.nav.outbox", Path: "/admin/outbox", Admin: true, Show: isPlatformAdmin},
		},
	}
}

func isPlatformAdmin(a *identity.Account) bool {
	return a.IsStaff() && a.HasRole(identity.PlatformAdmin)
}

// Routes registers the pages on mux.
func (h *Handlers) Routes(mux *http.ServeMux) {
	mux.Handle("GET /inbox", web.RequireAccount(h.inboxPage))
	mux.Handle("GET /inbox/unread", web.Handler(h.unreadBadge))
	mux.Handle("POST /inbox/read", web.RequireAccount(h.markRead))

	admin := web.RequireRole(identity.PlatformAdmin)
	mux.Handle("GET /admin/outbox", admin(h.outboxPage))
	mux.Handle("GET /admin/outbox/{id}", admin(h.messagePage))
	mux.Handle("POST /admin/outbox/{id}/retry", admin(h.retry))
}

// codePattern finds one-time codes in login-code messages.
var codePattern = regexp.MustCompile(`\d{6}`)

// maskCodes hides the codes of login-code messages.
func maskCodes(purpose, body string) string {
	if purpose != notify.TemplateLoginCode {
		return body
	}
	return codePattern.ReplaceAllString(body, "******")
}

// shorten cuts s to n runes with an ellipsis.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
