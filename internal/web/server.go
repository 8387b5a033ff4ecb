package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
)

// Options configures [NewServer].
type Options struct {
	// Log receives the request log and error details. Defaults to
	// slog.Default().
	Log *slog.Logger
	// Registry receives the HTTP metrics and is served at /metrics.
	// Required; [NewRegistry] makes one with the Go and process collectors.
	Registry *prometheus.Registry
	// Sessions resolves session cookies (identity.Service). Required.
	Sessions SessionAuthenticator
	// Tokens verifies bearer tokens on /api/ paths (the single sign-on
	// module); nil leaves API requests to the session cookie alone.
	Tokens TokenVerifier
	// Ready is checked by /readyz (the database); none means always ready.
	Ready []Pinger
	// Templates are the modules' pages, messages and navigation.
	Templates []TemplateSet
	// SecureCookies marks cookies Secure and sends HSTS
	// (config.SecureCookies).
	SecureCookies bool
	// DefaultLang is the UI language when nothing else decides: "zh" (the
	// default) or "en" (config.Lang).
	DefaultLang string
	// CSRFExempt lists paths that skip the CSRF checks: the OpenID Connect
	// endpoints that relying parties call (e.g. "/oauth/token"). An entry
	// ending in "/" exempts everything under it.
	CSRFExempt []string
	// TrustedOrigins may post to the platform across origins.
	TrustedOrigins []string
	// MaxBody caps the body of a form post (uploads included); larger
	// ones are refused before any handler runs. Defaults to DefaultMaxBody.
	MaxBody int64
}

// Server is the platform's HTTP handler: a ServeMux behind the middleware
// stack. Modules register their routes on Mux; the server itself serves
// /static/, /healthz, /readyz and /metrics.
type Server struct {
	// Mux is where modules register their routes ("GET /path/{id}").
	Mux *http.ServeMux
	// Renderer draws pages; modules' handlers use it.
	Renderer *Renderer
	// Cookies sets the session and flash cookies.
	Cookies *Cookies
	// Log is the server's logger.
	Log *slog.Logger

	handler http.Handler
}

// NewServer builds the renderer, the mux and the middleware stack, in this
// order from the outside in: recover, request log, metrics by route
// pattern, security headers, session, language (after the session, so
// that an account's preference counts), bearer tokens on /api/, CSRF, and
// the mux.
func NewServer(o Options) (*Server, error) {
	if o.Registry == nil || o.Sessions == nil {
		return nil, errors.New("web server: Registry and Sessions are required")
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	lang := normLang(o.DefaultLang, "zh")
	cookies := &Cookies{Secure: o.SecureCookies}
	rd, err := NewRenderer(RendererOptions{Sets: o.Templates, DefaultLang: lang, Cookies: cookies, Log: o.Log})
	if err != nil {
		return nil, fmt.Errorf("web server: %w", err)
	}
	metrics, err := NewMetrics(o.Registry)
	if err != nil {
		return nil, fmt.Errorf("web server: %w", err)
	}
	csrf, err := NewCSRF(cookies, o.CSRFExempt, o.TrustedOrigins)
	if err != nil {
		return nil, fmt.Errorf("web server: %w", err)
	}
	csrf.MaxBody = o.MaxBody
	s := &Server{Mux: http.NewServeMux(), Renderer: rd, Cookies: cookies, Log: o.Log}
	s.Mux.Handle("GET /static/", StaticHandler())
	s.Mux.HandleFunc("GET /healthz", Healthz)
	s.Mux.Handle("GET /readyz", Readyz(o.Ready...))
	s.Mux.Handle("GET /metrics", MetricsHandler(o.Registry))

	mws := []Middleware{
		withEnvMiddleware(&env{log: o.Log, renderer: rd, lang: lang}),
		Recover,
		RequestLog(o.Log),
		metrics.Middleware,
		SecurityHeaders(o.SecureCookies),
		Sessions(o.Sessions, cookies),
		Language(cookies, lang),
	}
	if o.Tokens != nil {
		mws = append(mws, onAPI(BearerAuth(o.Tokens)))
	}
	mws = append(mws, csrf.Middleware)
	s.handler = Chain(capturePattern(s.Mux), mws...)
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// onAPI applies mw to requests under /api/ only.
func onAPI(mw Middleware) Middleware {
	return func(next http.Handler) http.Handler {
		api := mw(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/api/") {
				api.ServeHTTP(w, r)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
