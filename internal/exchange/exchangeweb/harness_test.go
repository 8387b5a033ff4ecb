package exchangeweb_test

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

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/exchange"
	"github.com/pengcheng-gov/pengcheng/internal/exchange/exchangetest"
	"github.com/pengcheng-gov/pengcheng/internal/exchange/exchangeweb"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
	"github.com/pengcheng-gov/pengcheng/internal/sso"
	"github.com/pengcheng-gov/pengcheng/internal/sso/ssosql"
	"github.com/pengcheng-gov/pengcheng/internal/web"
	"github.com/prometheus/client_golang/prometheus"
)

// anonCSRF is the CSRF cookie and field of anonymous test requests.
const anonCSRF = "anonymous-csrf-token-for-exchangeweb-tests-0001"

// The demo people whose data the scenarios read.
const (
	wangID  = "420106200203153452" // 王磊
	liID    = "440304199508202346" // 李芳
	company = "91440300MA5F0X1Y2K"
)

// user is a fixture account with a live session.
type user struct {
	*identity.Account
	token string
	csrf  string
}

// fixture is the exchange web app on one database with the demo
// registries and policies, a cast of accounts, and departments' systems
// with client-credentials tokens.
type fixture struct {
	env    *exchangetest.Env
	sso    *sso.Service
	srv    *web.Server
	users  map[string]*user
	tokens map[string]string // bearer tokens by name
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	env := exchangetest.NewEnv(t, d)
	if _, err := exchange.SeedDemo(ctx, env.Service); err != nil {
		t.Fatal(err)
	}
	ids := env.Identity.Service
	ptr := identitytest.Ptr[string]
	roles := func(r ...identity.Role) *[]identity.Role { return &r }
	f := &fixture{env: env, users: map[string]*user{}, tokens: map[string]string{}}
	for key, a := range map[string]*identity.Account{
		"wang":     identitytest.Person(t, ids, &identitytest.PersonOpts{Name: ptr("王磊"), IDNumber: ptr(wangID)}),
		"li":       identitytest.Person(t, ids, &identitytest.PersonOpts{Name: ptr("李芳"), IDNumber: ptr(liID)}),
		"company":  identitytest.Enterprise(t, ids, &identitytest.EnterpriseOpts{USCC: ptr(company)}),
		"rsClerk":  identitytest.Staff(t, ids, &identitytest.StaffOpts{Username: ptr("rs-clerk"), Name: ptr("陈晓华"), Department: ptr("SZRS")}),
		"mzClerk":  identitytest.Staff(t, ids, &identitytest.StaffOpts{Username: ptr("mz-clerk"), Department: ptr("SZMZ")}),
		"platform": identitytest.Staff(t, ids, &identitytest.StaffOpts{Username: ptr("admin"), Department: ptr("SZGA"), Roles: roles(identity.PlatformAdmin)}),
		"gaAdmin":  identitytest.Staff(t, ids, &identitytest.StaffOpts{Username: ptr("ga-admin"), Department: ptr("SZGA"), Roles: roles(identity.DeptAdmin)}),
		"rsAdmin":  identitytest.Staff(t, ids, &identitytest.StaffOpts{Username: ptr("rs-admin"), Department: ptr("SZRS"), Roles: roles(identity.DeptAdmin)}),
	} {
		_, s, token, err := ids.Login(ctx, a.Username, identitytest.Password, identity.Client{IP: "192.0.2.1"})
		if err != nil {
			t.Fatalf("log in %s: %v", key, err)
		}
		f.users[key] = &user{Account: a, token: token, csrf: s.CSRFToken}
	}
	f.startSSO(t)
	srv, err := web.NewServer(web.Options{
		Log: slog.New(slog.DiscardHandler), Registry: prometheus.NewRegistry(), Sessions: ids,
		Templates: []web.TemplateSet{exchangeweb.Templates()},
	})
	if err != nil {
		t.Fatalf("web server: %v", err)
	}
	if missing := srv.Renderer.UndefinedKeys(); len(missing) > 0 {
		t.Errorf("message keys without text: %v", missing)
	}
	h, err := exchangeweb.New(exchangeweb.Deps{Service: env.Service, Renderer: srv.Renderer, Cookies: srv.Cookies,
		Tokens: f.sso, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	h.Routes(srv.Mux)
	f.srv = srv
	return f
}

// startSSO starts the single sign-on service and registers departments'
// systems, giving each a client-credentials access token, and gives 王磊
// an access token of his own.
func (f *fixture) startSSO(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	svc, err := sso.NewService(ssosql.New(f.env.DB), f.env.Identity.Service, sso.DefaultConfig(), f.env.Clock.Now, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	f.sso = svc
	grant := []sso.GrantType{sso.GrantClientCredentials}
	for name, in := range map[string]sso.ClientInput{
		"rs":     {ID: "rs-talent-system", Name: "人社局人才引进系统", Department: "SZRS", GrantTypes: grant},
		"mz":     {ID: "mz-assistance-system", Name: "民政局救助系统", Department: "SZMZ", GrantTypes: grant},
		"nodept": {ID: "unowned-system", Name: "无归属系统", GrantTypes: grant},
		"off":    {ID: "retired-system", Name: "已停用系统", Department: "SZRS", GrantTypes: grant, Disabled: true},
	} {
		c, _, err := svc.CreateClient(ctx, f.users["platform"].Account, in)
		if err != nil {
			t.Fatalf("create client %s: %v", name, err)
		}
		f.tokens[name] = f.issue(t, sso.TokenGrant{ClientID: c.ID})
	}
	f.tokens["wang"] = f.issue(t, sso.TokenGrant{ClientID: "rs-talent-system", AccountID: f.users["wang"].ID, Scopes: []string{"openid"}})
}

func (f *fixture) issue(t *testing.T, g sso.TokenGrant) string {
	t.Helper()
	at, err := f.sso.IssueAccessToken(context.Background(), g)
	if err != nil {
		t.Fatalf("issue token: %v", err)
	}
	v, err := f.sso.SealAccessToken(at)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// read reads as the graduate-settlement rules do, with a reference.
func (f *fixture) read(t *testing.T, dataset, subject, reference string) *exchange.Result {
	t.Helper()
	res, err := f.env.Service.Read(context.Background(), exchange.Request{
		Actor:   exchange.RuleActor("SZRS", exchange.GraduateItemCode, exchange.GraduateItemName),
		Dataset: dataset, Subject: subject, Purpose: exchange.RulePurpose(exchange.GraduateItemName),
		LegalBasis: exchange.DemoLegalBasis, Reference: reference})
	if err != nil {
		t.Fatalf("read %s %s: %v", dataset, subject, err)
	}
	return res
}

// scenario is one request and what its response must show.
type scenario struct {
	name     string
	method   string // GET when empty
	path     string
	as       string // fixture user key; "" for anonymous
	bearer   string // fixture token name, or a literal token prefixed with "raw:"
	form     url.Values
	json     string // a JSON body instead of a form
	noCSRF   bool
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
		if !sc.noCSRF {
			if u := f.users[sc.as]; u != nil {
				form.Set("_csrf", u.csrf)
			} else {
				form.Set("_csrf", anonCSRF)
			}
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
	switch {
	case strings.HasPrefix(sc.bearer, "raw:"):
		r.Header.Set("Authorization", strings.TrimPrefix(sc.bearer, "raw:"))
	case sc.bearer != "":
		r.Header.Set("Authorization", "Bearer "+f.tokens[sc.bearer])
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
