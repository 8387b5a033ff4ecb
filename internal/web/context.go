package web

import (
	"context"
	"log/slog"
	"net"
	"net/http"

	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

type ctxKey int

const (
	keyAuth ctxKey = iota
	keyLang
	keyCSRF
	keyEnv
)

// auth is what the session or bearer middleware learnt about the caller.
type auth struct {
	account *identity.Account
	session *identity.Session
}

// env is the server-wide state that error rendering needs; the outermost
// middleware puts it in every request's context.
type env struct {
	log      *slog.Logger
	renderer *Renderer
	lang     string // default language
}

func withEnv(ctx context.Context, e *env) context.Context {
	return context.WithValue(ctx, keyEnv, e)
}

// envFrom returns the request's env. Requests that did not pass through the
// stack (tests of single handlers) get one that logs to slog's default
// logger and renders errors as plain HTML without the layout.
func envFrom(ctx context.Context) *env {
	if e, ok := ctx.Value(keyEnv).(*env); ok {
		return e
	}
	return &env{log: slog.Default(), lang: "zh"}
}

// WithAccount returns ctx carrying the signed-in account a and its session s
// (s is nil for bearer-token requests). The session and bearer middleware
// use it; tests use it to act as someone.
func WithAccount(ctx context.Context, a *identity.Account, s *identity.Session) context.Context {
	return context.WithValue(ctx, keyAuth, auth{account: a, session: s})
}

// AccountFrom returns the signed-in account, or nil for anonymous requests.
func AccountFrom(ctx context.Context) *identity.Account {
	a, _ := ctx.Value(keyAuth).(auth)
	return a.account
}

// SessionFrom returns the login session of the request, or nil when there
// is none (anonymous, or authenticated by a bearer token).
func SessionFrom(ctx context.Context) *identity.Session {
	a, _ := ctx.Value(keyAuth).(auth)
	return a.session
}

// WithLang returns ctx with the UI language set to lang ("zh" or "en").
func WithLang(ctx context.Context, lang string) context.Context {
	return context.WithValue(ctx, keyLang, normLang(lang, "zh"))
}

// LangFrom returns the request's UI language, "zh" or "en". It defaults to
// the server's default language, or "zh" outside the stack.
func LangFrom(ctx context.Context) string {
	if l, ok := ctx.Value(keyLang).(string); ok {
		return l
	}
	return envFrom(ctx).lang
}

// withCSRF returns ctx carrying the CSRF token that forms must send back.
func withCSRF(ctx context.Context, token string) context.Context {
	return context.WithValue(ctx, keyCSRF, token)
}

// CSRFToken returns the token that state-changing requests must carry in
// the _csrf form field or the X-CSRF-Token header: the session's token for
// signed-in users, or the anonymous pc_csrf cookie's value. It is empty
// outside the stack.
func CSRFToken(ctx context.Context) string {
	if t, ok := ctx.Value(keyCSRF).(string); ok {
		return t
	}
	if s := SessionFrom(ctx); s != nil {
		return s.CSRFToken
	}
	return ""
}

// ClientOf describes where r comes from: the remote IP address without its
// port, and the User-Agent header. The address is the TCP peer's; a
// deployment behind a proxy must have the proxy set RemoteAddr (for example
// with its PROXY protocol support).
func ClientOf(r *http.Request) identity.Client {
	ip := r.RemoteAddr
	if h, _, err := net.SplitHostPort(ip); err == nil {
		ip = h
	}
	ua := r.UserAgent()
	if len(ua) > 512 {
		ua = ua[:512]
	}
	return identity.Client{IP: ip, UserAgent: ua}
}
