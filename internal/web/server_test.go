package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

func TestMetricsByRoutePattern(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	b.srv.Mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {})
	for _, id := range []string{"1", "2", "3"} {
		b.do(t, req{path: "/items/" + id})
	}
	b.do(t, req{path: "/no/such/path"})

	w := b.do(t, req{path: "/metrics"})
	body := w.Body.String()
	for _, want := range []string{
		`pengcheng_http_requests_total{code="200",method="GET",route="GET /items/{id}"} 3`,
		`pengcheng_http_requests_total{code="404",method="GET",route="unmatched"} 1`,
		`pengcheng_http_request_duration_seconds_count{method="GET",route="GET /items/{id}"} 3`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, `route="/items/1"`) {
		t.Errorf("metrics are labelled with a raw path")
	}
}

func TestRecover(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	b.srv.Mux.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) { panic("secret detail") })
	w := b.do(t, req{path: "/boom"})
	if w.Code != 500 {
		t.Errorf("status = %d, want 500", w.Code)
	}
	if strings.Contains(w.Body.String(), "secret detail") || !strings.Contains(w.Body.String(), "服务器内部错误") {
		t.Errorf("body = %s, want the internal error page without details", w.Body)
	}
	if !strings.Contains(b.logs.String(), "secret detail") {
		t.Errorf("panic not logged")
	}
	if got := counterValue(t, b, "GET /boom", "500"); got != 1 {
		t.Errorf("panicking request counted %v times with code 500, want 1", got)
	}
}

// counterValue returns the request count of a route and status code.
func counterValue(t *testing.T, b *bundle, route, code string) float64 {
	t.Helper()
	mfs, err := b.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "pengcheng_http_requests_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["route"] == route && labels["code"] == code {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *Options) { o.SecureCookies = true })
	w := b.do(t, req{path: "/healthz"})
	for h, want := range map[string]string{
		"X-Frame-Options":           "DENY",
		"X-Content-Type-Options":    "nosniff",
		"Referrer-Policy":           "strict-origin-when-cross-origin",
		"Strict-Transport-Security": "max-age=31536000",
	} {
		if got := w.Header().Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	csp := w.Header().Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe") {
		t.Errorf("CSP allows unsafe sources: %q", csp)
	}
}

func TestStaticFiles(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	tests := []struct {
		path, contentType, cache string
		status                   int
	}{
		{"/static/css/app.css?v=abc", "text/css; charset=utf-8", "public, max-age=31536000, immutable", 200},
		{"/static/js/app.js", "text/javascript; charset=utf-8", "public, max-age=3600", 200},
		{"/static/vendor/htmx/htmx.min.js", "text/javascript; charset=utf-8", "public, max-age=3600", 200},
		{"/static/vendor/htmx/LICENSE", "", "", 200},
		{"/static/", "", "", 404},
		{"/static/nope.css", "", "", 404},
	}
	for _, tt := range tests {
		w := b.do(t, req{path: tt.path})
		if w.Code != tt.status {
			t.Errorf("%s: status = %d, want %d", tt.path, w.Code, tt.status)
		}
		if tt.contentType != "" && w.Header().Get("Content-Type") != tt.contentType {
			t.Errorf("%s: content type = %q, want %q", tt.path, w.Header().Get("Content-Type"), tt.contentType)
		}
		if tt.cache != "" && w.Header().Get("Cache-Control") != tt.cache {
			t.Errorf("%s: cache control = %q, want %q", tt.path, w.Header().Get("Cache-Control"), tt.cache)
		}
	}
}

// pinger is a Pinger with a fixed answer.
type pinger struct{ err error }

func (p pinger) Ping(context.Context) error { return p.err }

func TestHealth(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		ready  []Pinger
		path   string
		status int
	}{
		{"alive", nil, "/healthz", 200},
		{"alive while the database is down", []Pinger{pinger{errors.New("down")}}, "/healthz", 200},
		{"ready", []Pinger{pinger{}}, "/readyz", 200},
		{"not ready", []Pinger{pinger{}, pinger{errors.New("connection refused")}}, "/readyz", 503},
	}
	for _, tt := range tests {
		b := setup(t, func(o *Options) { o.Ready = tt.ready })
		w := b.do(t, req{path: tt.path})
		if w.Code != tt.status {
			t.Errorf("%s: status = %d, want %d", tt.name, w.Code, tt.status)
		}
		if strings.Contains(w.Body.String(), "refused") {
			t.Errorf("%s: readiness shows the failure: %s", tt.name, w.Body)
		}
	}
}

// tokenTable is a TokenVerifier over fixed tokens.
type tokenTable map[string]*identity.Account

func (tt tokenTable) VerifyAccessToken(_ context.Context, token string) (*identity.Account, error) {
	if token == "broken" {
		return nil, errors.New("key store unavailable")
	}
	if token == "system" {
		return nil, errs.E(errs.Unauthenticated, "token.client_only", "该令牌属于系统", "the token belongs to a system")
	}
	if a, ok := tt[token]; ok {
		return a, nil
	}
	return nil, errs.E(errs.Unauthenticated, "token.invalid", "令牌无效", "invalid token")
}

func TestBearerAuth(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		path    string
		auth    string
		session string
		status  int
		who     string
		wwwAuth string
	}{
		{name: "valid token", path: "/api/v1/me", auth: "Bearer good", status: 200, who: "admin"},
		{name: "lower-case scheme", path: "/api/v1/me", auth: "bearer good", status: 200, who: "admin"},
		{name: "invalid token", path: "/api/v1/me", auth: "Bearer bad", status: 401, wwwAuth: `error="invalid_token"`},
		{name: "not bearer", path: "/api/v1/me", auth: "Basic dXNlcjpwdw==", status: 401, wwwAuth: `error="invalid_request"`},
		{name: "verifier failure", path: "/api/v1/me", auth: "Bearer broken", status: 500},
		{name: "no token, anonymous", path: "/api/v1/me", status: 200, who: ""},
		{name: "no token, session cookie", path: "/api/v1/me", session: citizenToken, status: 200, who: "citizen"},
		{name: "token beats the cookie", path: "/api/v1/me", auth: "Bearer good", session: citizenToken, status: 200, who: "admin"},
		{name: "system token passes on anonymous", path: "/api/v1/me", auth: "Bearer system", session: citizenToken, status: 200, who: ""},
		{name: "pages ignore bearer", path: "/page", auth: "Bearer bad", status: 200, who: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, func(o *Options) { o.Tokens = tokenTable{"good": accounts["admin"]} })
			who := "not run"
			h := func(w http.ResponseWriter, r *http.Request) {
				who = ""
				if a := AccountFrom(r.Context()); a != nil {
					who = a.ID
				}
			}
			b.srv.Mux.HandleFunc("GET /api/v1/me", h)
			b.srv.Mux.HandleFunc("GET /page", h)
			w := b.do(t, req{path: tt.path, session: tt.session, header: map[string]string{"Authorization": tt.auth}})
			if w.Code != tt.status {
				t.Errorf("status = %d, want %d: %s", w.Code, tt.status, w.Body)
			}
			if tt.status == 200 && who != tt.who {
				t.Errorf("account = %q, want %q", who, tt.who)
			}
			if tt.status != 200 {
				if who != "not run" {
					t.Errorf("handler ran for a refused request")
				}
				if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
					t.Errorf("content type = %q, want problem+json", ct)
				}
			}
			if tt.wwwAuth != "" && !strings.Contains(w.Header().Get("WWW-Authenticate"), tt.wwwAuth) {
				t.Errorf("WWW-Authenticate = %q, want it to contain %q", w.Header().Get("WWW-Authenticate"), tt.wwwAuth)
			}
		})
	}
}

// failingSessions fails every lookup as if the database were down.
type failingSessions struct{}

func (failingSessions) Authenticate(context.Context, string) (*identity.Account, *identity.Session, error) {
	return nil, nil, errors.New("database is down")
}

func TestSessions(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	var got *identity.Account
	b.srv.Mux.HandleFunc("GET /who", func(w http.ResponseWriter, r *http.Request) { got = AccountFrom(r.Context()) })

	w := b.do(t, req{path: "/who", session: citizenToken})
	if got == nil || got.ID != "citizen" {
		t.Errorf("account = %v, want citizen", got)
	}
	if v, set := cookie(w, SessionCookieName); !set || v != citizenToken {
		t.Errorf("live session cookie not renewed: %q %v", v, set)
	}

	w = b.do(t, req{path: "/who", session: "stale"})
	if got != nil {
		t.Errorf("stale session gave account %v", got)
	}
	if v, set := cookie(w, SessionCookieName); !set || v != "" {
		t.Errorf("stale session cookie not cleared: %q %v", v, set)
	}

	fb := setup(t, func(o *Options) { o.Sessions = failingSessions{} })
	fb.srv.Mux.HandleFunc("GET /who", func(w http.ResponseWriter, r *http.Request) { t.Error("handler ran") })
	if w := fb.do(t, req{path: "/who", session: "x"}); w.Code != 500 {
		t.Errorf("session store failure: status = %d, want 500", w.Code)
	}
}
