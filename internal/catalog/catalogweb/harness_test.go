package catalogweb_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/catalog/catalogsearch"
	"github.com/pengcheng-gov/pengcheng/internal/catalog/catalogsql"
	"github.com/pengcheng-gov/pengcheng/internal/catalog/catalogweb"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
	"github.com/pengcheng-gov/pengcheng/internal/web"
	"github.com/prometheus/client_golang/prometheus"
)

// anonCSRF is the CSRF cookie and field of anonymous test requests.
const anonCSRF = "anonymous-csrf-token-for-catalogweb-tests-0123"

// user is a fixture account with a live session.
type user struct {
	*identity.Account
	token string
	csrf  string
}

// fixture is the catalogue web app on one database with the shipped
// catalogue and a cast of accounts.
type fixture struct {
	env    *identitytest.Env
	svc    *catalog.Service
	search *catalogsearch.Engine
	srv    *web.Server
	users  map[string]*user
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	svc := catalog.NewService(catalogsql.New(d), nil, log)
	if _, err := svc.Import(ctx, catalog.Shipped(), nil); err != nil {
		t.Fatalf("import: %v", err)
	}
	engine, err := catalogsearch.New(svc, log)
	if err != nil {
		t.Fatal(err)
	}
	svc.OnChange(func() {
		if err := engine.Refresh(ctx); err != nil {
			t.Errorf("refresh: %v", err)
		}
	})
	env := identitytest.NewEnv(t, d)
	f := &fixture{env: env, svc: svc, search: engine, users: map[string]*user{}}
	ptr := identitytest.Ptr[string]
	roles := func(r ...identity.Role) *[]identity.Role { return &r }
	accounts := map[string]*identity.Account{
		"platform": identitytest.Staff(t, env.Service, &identitytest.StaffOpts{Username: ptr("platform-admin"), Name: ptr("平台管理员甲"),
			Roles: roles(identity.PlatformAdmin)}),
		"rsAdmin": identitytest.Staff(t, env.Service, &identitytest.StaffOpts{Username: ptr("rs-admin"), Name: ptr("人社管理员"),
			Department: ptr("SZRS"), Roles: roles(identity.DeptAdmin)}),
		"gaAdmin": identitytest.Staff(t, env.Service, &identitytest.StaffOpts{Username: ptr("ga-admin"), Name: ptr("公安管理员"),
			Department: ptr("SZGA"), Roles: roles(identity.DeptAdmin)}),
		"rsWorker": identitytest.Staff(t, env.Service, &identitytest.StaffOpts{Username: ptr("rs-worker"), Name: ptr("人社窗口"),
			Department: ptr("SZRS")}),
		"citizen": identitytest.Person(t, env.Service, &identitytest.PersonOpts{Name: ptr("张三丰")}),
	}
	for key, a := range accounts {
		_, s, token, err := env.Service.Login(ctx, a.Username, identitytest.Password, identity.Client{IP: "192.0.2.10", UserAgent: "catalogweb-test"})
		if err != nil {
			t.Fatalf("log in %s: %v", key, err)
		}
		f.users[key] = &user{Account: a, token: token, csrf: s.CSRFToken}
	}
	srv, err := web.NewServer(web.Options{Log: log, Registry: prometheus.NewRegistry(), Sessions: env.Service,
		Templates: []web.TemplateSet{catalogweb.Templates()}})
	if err != nil {
		t.Fatalf("web server: %v", err)
	}
	h, err := catalogweb.New(catalogweb.Deps{Catalog: svc, Search: engine, Renderer: srv.Renderer, Cookies: srv.Cookies, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	h.Routes(srv.Mux)
	f.srv = srv
	return f
}

// scenario is one request and what its response must show.
type scenario struct {
	name     string
	method   string // GET when empty
	path     string
	as       string // fixture user key; "" for anonymous
	form     url.Values
	header   map[string]string
	status   int
	location string
	want     []string
	notWant  []string
	check    func(t *testing.T, f *fixture, w *httptest.ResponseRecorder)
}

func (f *fixture) run(sc scenario) *httptest.ResponseRecorder {
	method := sc.method
	if method == "" {
		method = http.MethodGet
	}
	var body io.Reader
	if method == http.MethodPost {
		form := url.Values{}
		for k, v := range sc.form {
			form[k] = v
		}
		if u := f.users[sc.as]; u != nil {
			form.Set("_csrf", u.csrf)
		} else {
			form.Set("_csrf", anonCSRF)
		}
		body = strings.NewReader(form.Encode())
	}
	r := httptest.NewRequest(method, sc.path, body)
	r.RemoteAddr = "198.51.100.7:40000"
	if body != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	r.AddCookie(&http.Cookie{Name: web.CSRFCookieName, Value: anonCSRF})
	if u := f.users[sc.as]; u != nil {
		r.AddCookie(&http.Cookie{Name: web.SessionCookieName, Value: u.token})
	}
	for k, v := range sc.header {
		r.Header.Set(k, v)
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
			w := f.run(sc)
			if w.Code != sc.status {
				t.Errorf("status = %d, want %d; body:\n%s", w.Code, sc.status, w.Body)
			}
			if sc.location != "" && w.Header().Get("Location") != sc.location {
				t.Errorf("Location = %q, want %q", w.Header().Get("Location"), sc.location)
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
