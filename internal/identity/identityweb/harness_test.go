package identityweb_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/catalog/catalogsql"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identityweb"
	"github.com/pengcheng-gov/pengcheng/internal/web"
	"github.com/prometheus/client_golang/prometheus"
)

// testClient is where the fixture's own logins come from.
var testClient = identity.Client{IP: "192.0.2.10", UserAgent: "identityweb-test"}

// anonCSRF is the CSRF cookie and field of anonymous test requests.
const anonCSRF = "anonymous-csrf-token-for-identityweb-tests-0123"

// user is a fixture account with a live session.
type user struct {
	*identity.Account
	token string // session cookie value
	csrf  string // the session's CSRF token
}

// fixture is the identity web app on one database with a cast of accounts.
type fixture struct {
	env   *identitytest.Env
	srv   *web.Server
	users map[string]*user
}

// The fixture's citizen's numbers.
var citizenID = identitytest.IDNumber("440304", time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), 123)

const (
	citizenPhone = "13800138000"
	otherPhone   = "13900139000"
)

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	env := identitytest.NewEnv(t, d)
	svc := env.Service
	f := &fixture{env: env, users: map[string]*user{}}
	ptr := identitytest.Ptr[string]
	roles := func(r ...identity.Role) *[]identity.Role { return &r }
	platform := identitytest.Staff(t, svc, &identitytest.StaffOpts{Username: ptr("platform-admin"), Name: ptr("平台管理员甲"),
		Roles: roles(identity.PlatformAdmin)})
	accounts := map[string]*identity.Account{
		"platform": platform,
		"citizen": identitytest.Person(t, svc, &identitytest.PersonOpts{Name: ptr("张三丰"), IDNumber: ptr(citizenID),
			Phone: ptr(citizenPhone), Email: ptr("zhang@example.org")}),
		"other":   identitytest.Person(t, svc, &identitytest.PersonOpts{Name: ptr("李四光"), Phone: ptr(otherPhone)}),
		"pwuser":  identitytest.Person(t, svc, &identitytest.PersonOpts{Name: ptr("改密者")}),
		"company": identitytest.Enterprise(t, svc, &identitytest.EnterpriseOpts{Name: ptr("鹏城测试科技有限公司")}),
		"deptA": identitytest.Staff(t, svc, &identitytest.StaffOpts{Username: ptr("depta-admin"), Name: ptr("甲部门管理员"),
			Department: ptr(identitytest.DeptA), Roles: roles(identity.DeptAdmin)}),
		"deptB": identitytest.Staff(t, svc, &identitytest.StaffOpts{Username: ptr("deptb-admin"), Name: ptr("乙部门管理员"),
			Department: ptr(identitytest.DeptB), Roles: roles(identity.DeptAdmin)}),
		"workerA": identitytest.Staff(t, svc, &identitytest.StaffOpts{Username: ptr("worker-a"), Name: ptr("甲窗口人员"),
			Department: ptr(identitytest.DeptA)}),
		"workerB": identitytest.Staff(t, svc, &identitytest.StaffOpts{Username: ptr("worker-b"), Name: ptr("乙窗口人员"),
			Department: ptr(identitytest.DeptB)}),
		"leaver": identitytest.Staff(t, svc, &identitytest.StaffOpts{Username: ptr("leaver"), Name: ptr("将停用人员"),
			Department: ptr(identitytest.DeptA)}),
	}
	for key, a := range accounts {
		f.users[key] = f.login(t, a)
	}
	// A second session of the citizen, for the logout scenario.
	f.users["citizen2"] = f.login(t, accounts["citizen"])

	reg := prometheus.NewRegistry()
	srv, err := web.NewServer(web.Options{
		Log: slog.New(slog.DiscardHandler), Registry: reg, Sessions: svc,
		Templates: []web.TemplateSet{identityweb.Templates()},
	})
	if err != nil {
		t.Fatalf("web server: %v", err)
	}
	h, err := identityweb.New(identityweb.Deps{
		Identity: svc, Renderer: srv.Renderer, Cookies: srv.Cookies,
		Departments: catalogsql.New(d), Now: env.Clock.Now,
		Federation: federation{},
	})
	if err != nil {
		t.Fatalf("identityweb.New: %v", err)
	}
	h.Routes(srv.Mux)
	f.srv = srv
	return f
}

// login starts a session for a with the fixture's password.
func (f *fixture) login(t *testing.T, a *identity.Account) *user {
	t.Helper()
	_, s, token, err := f.env.Service.Login(context.Background(), a.Username, identitytest.Password, testClient)
	if err != nil {
		t.Fatalf("log in %s: %v", a.Username, err)
	}
	return &user{Account: a, token: token, csrf: s.CSRFToken}
}

// federation offers one federated provider.
type federation struct{}

func (federation) FederationLinks(_ context.Context, next string) []web.Link {
	return []web.Link{{Label: web.Text{ZH: "粤省事账号", EN: "Yueshengshi account"}, URL: "/federation/yss/start?next=" + url.QueryEscape(next)}}
}

// scenario is one request and what its response must show, in the style
// of an API scenario table.
type scenario struct {
	name     string
	method   string // GET when empty
	path     string
	as       string // fixture user key; "" for anonymous
	form     url.Values
	header   map[string]string
	noCSRF   bool // leave the CSRF token out of a POST
	status   int
	location string                                       // expected Location header, for redirects
	want     []string                                     // substrings the body must hold
	notWant  []string                                     // substrings it must not hold
	prepare  func(t *testing.T, f *fixture, sc *scenario) // completes the scenario just before it runs
	check    func(t *testing.T, f *fixture, w *httptest.ResponseRecorder)
}

func (f *fixture) run(t *testing.T, sc scenario) *httptest.ResponseRecorder {
	t.Helper()
	method := sc.method
	if method == "" {
		method = http.MethodGet
	}
	form := url.Values{}
	for k, v := range sc.form {
		form[k] = v
	}
	var body io.Reader
	if method == http.MethodPost {
		if !sc.noCSRF {
			if u := f.users[sc.as]; u != nil {
				form.Set("_csrf", u.csrf)
			} else {
				form.Set("_csrf", anonCSRF)
			}
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
			if sc.prepare != nil {
				sc.prepare(t, f, &sc)
			}
			w := f.run(t, sc)
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

// setCookie returns the value of a cookie the response sets, and whether
// it sets it.
func setCookie(w *httptest.ResponseRecorder, name string) (string, bool) {
	for _, c := range w.Result().Cookies() {
		if c.Name == name {
			return c.Value, true
		}
	}
	return "", false
}
