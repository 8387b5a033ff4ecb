package approvalweb_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/approval/approvaltest"
	"github.com/pengcheng-gov/pengcheng/internal/approval/approvalweb"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
	"github.com/pengcheng-gov/pengcheng/internal/web"
	"github.com/prometheus/client_golang/prometheus"
)

// anonCSRF is the CSRF cookie and field of anonymous test requests.
const anonCSRF = "anonymous-csrf-token-for-approvalweb-tests-0001"

// user is a fixture account with a live session.
type user struct {
	*identity.Account
	token string
	csrf  string
}

// fixture is the approval web app on one database: the approval test
// environment (the flagship rules published as version 1) and its
// accounts signed in.
type fixture struct {
	env   *approvaltest.Env
	srv   *web.Server
	users map[string]*user
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	env := approvaltest.NewEnv(t, d)
	f := &fixture{env: env}
	f.login(t)
	srv, err := web.NewServer(web.Options{
		Log: slog.New(slog.DiscardHandler), Registry: prometheus.NewRegistry(), Sessions: env.Identity,
		Templates: []web.TemplateSet{approvalweb.Templates()},
	})
	if err != nil {
		t.Fatalf("web server: %v", err)
	}
	if missing := srv.Renderer.UndefinedKeys(); len(missing) > 0 {
		t.Errorf("message keys without text: %v", missing)
	}
	h, err := approvalweb.New(approvalweb.Deps{Service: env.Service, Renderer: srv.Renderer, Cookies: srv.Cookies,
		Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	h.Routes(srv.Mux)
	f.srv = srv
	return f
}

// login signs the accounts in (again, after the clock moved on).
func (f *fixture) login(t *testing.T) {
	t.Helper()
	e := f.env
	f.users = map[string]*user{}
	for key, a := range map[string]*identity.Account{
		"rsAdmin": e.SZRSAdmin, "rsClerk": e.SZRSCaseworker, "gaClerk": e.SZGACaseworker,
		"gaAdmin": e.SZGAAdmin, "platform": e.PlatformAdmin, "wang": e.WangLei, "company": e.Enterprise,
	} {
		_, s, token, err := e.Identity.Login(context.Background(), a.Username, identitytest.Password, identity.Client{IP: "192.0.2.1"})
		if err != nil {
			t.Fatalf("log in %s: %v", key, err)
		}
		f.users[key] = &user{Account: a, token: token, csrf: s.CSRFToken}
	}
}

// scenario is one request and what its response must show.
type scenario struct {
	name     string
	method   string // GET when empty
	path     string
	as       string // fixture user key; "" for anonymous
	form     url.Values
	json     string // a JSON body instead of a form
	status   int
	location string   // expected Location header prefix, for redirects
	want     []string // substrings the body must hold
	notWant  []string
	prepare  func(t *testing.T, f *fixture, sc *scenario)
	check    func(t *testing.T, f *fixture, w *httptest.ResponseRecorder)
}

func (f *fixture) run(t *testing.T, sc scenario) *httptest.ResponseRecorder {
	t.Helper()
	method := sc.method
	if method == "" {
		method = http.MethodGet
	}
	var body io.Reader
	contentType := ""
	switch {
	case sc.json != "":
		body, contentType = strings.NewReader(sc.json), "application/json"
	case method != http.MethodGet:
		form := url.Values{}
		for k, v := range sc.form {
			form[k] = v
		}
		if u := f.users[sc.as]; u != nil {
			form.Set("_csrf", u.csrf)
		} else {
			form.Set("_csrf", anonCSRF)
		}
		body, contentType = strings.NewReader(form.Encode()), "application/x-www-form-urlencoded"
	}
	r := httptest.NewRequest(method, sc.path, body)
	r.RemoteAddr = "198.51.100.7:40000"
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	r.AddCookie(&http.Cookie{Name: web.CSRFCookieName, Value: anonCSRF})
	if u := f.users[sc.as]; u != nil {
		r.AddCookie(&http.Cookie{Name: web.SessionCookieName, Value: u.token})
	}
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, r)
	return w
}

// runScenarios runs the scenarios in order against one fixture.
func runScenarios(t *testing.T, f *fixture, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			if sc.prepare != nil {
				sc.prepare(t, f, &sc)
			}
			w := f.run(t, sc)
			if w.Code != sc.status {
				t.Errorf("status = %d, want %d; body:\n%s", w.Code, sc.status, w.Body)
			}
			if sc.location != "" && !strings.HasPrefix(w.Header().Get("Location"), sc.location) {
				t.Errorf("Location = %q, want it to start with %q", w.Header().Get("Location"), sc.location)
			}
			body := w.Body.String()
			for _, s := range sc.want {
				if !strings.Contains(body, s) {
					t.Errorf("body lacks %q:\n%s", s, body)
				}
			}
			for _, s := range sc.notWant {
				if strings.Contains(body, s) {
					t.Errorf("body has %q", s)
				}
			}
			if sc.check != nil {
				sc.check(t, f, w)
			}
		})
	}
}

// decode decodes a JSON response into v, failing the test otherwise.
func decode(t *testing.T, w *httptest.ResponseRecorder, v any) {
	t.Helper()
	if err := json.Unmarshal(w.Body.Bytes(), v); err != nil {
		t.Fatalf("decode %s: %v", w.Body, err)
	}
}

// problem is an RFC 9457 problem as the API writes it.
type problem struct {
	Status int    `json:"status"`
	Code   string `json:"code"`
	Detail string `json:"detail"`
	Errors []struct {
		Field string `json:"field"`
	} `json:"errors"`
}

// wantProblem returns a check that the response is a problem with the
// code (and, if given, about the field).
func wantProblem(code, field string) func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
	return func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
		t.Helper()
		if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
			t.Errorf("Content-Type = %q, want application/problem+json", ct)
		}
		var p problem
		decode(t, w, &p)
		if p.Code != code || p.Detail == "" || p.Status != w.Code {
			t.Errorf("problem = %+v, want code %s with a detail", p, code)
		}
		if field != "" && (len(p.Errors) != 1 || p.Errors[0].Field != field) {
			t.Errorf("problem errors = %+v, want one on %s", p.Errors, field)
		}
	}
}
