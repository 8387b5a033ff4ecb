package casesweb_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/cases/casestest"
	"github.com/pengcheng-gov/pengcheng/internal/cases/casesweb"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// anonCSRF is the CSRF cookie and field of anonymous test requests.
const anonCSRF = "anonymous-csrf-token-for-casesweb-tests-0123456789"

// user is a fixture account with a live session.
type user struct {
	*identity.Account
	token string
	csrf  string
}

// fixture is the applications web app on one database with a cast.
type fixture struct {
	*casestest.Env
	srv   *web.Server
	users map[string]*user
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	env := casestest.NewEnv(t, d)
	svc := env.Service
	ptr := identitytest.Ptr[string]
	roles := func(r ...identity.Role) *[]identity.Role { return &r }
	f := &fixture{Env: env, users: map[string]*user{}}
	accounts := map[string]*identity.Account{
		"citizen":  identitytest.Person(t, svc, &identitytest.PersonOpts{Name: ptr("张三丰"), Phone: ptr("13800138001")}),
		"other":    identitytest.Person(t, svc, &identitytest.PersonOpts{Name: ptr("李四光")}),
		"company":  identitytest.Enterprise(t, svc, &identitytest.EnterpriseOpts{Name: ptr("鹏城测试科技有限公司")}),
		"workerA":  identitytest.Staff(t, svc, &identitytest.StaffOpts{Username: ptr("worker-a"), Name: ptr("甲窗口人员")}),
		"workerA2": identitytest.Staff(t, svc, &identitytest.StaffOpts{Username: ptr("worker-a2"), Name: ptr("甲窗口同事")}),
		"workerB": identitytest.Staff(t, svc, &identitytest.StaffOpts{Username: ptr("worker-b"), Name: ptr("乙窗口人员"),
			Department: ptr(identitytest.DeptB)}),
		"adminA": identitytest.Staff(t, svc, &identitytest.StaffOpts{Username: ptr("admin-a"), Name: ptr("甲管理员"),
			Roles: roles(identity.DeptAdmin)}),
	}
	for key, a := range accounts {
		_, s, token, err := svc.Login(context.Background(), a.Username, identitytest.Password, identity.Client{IP: "192.0.2.1"})
		if err != nil {
			t.Fatalf("log in %s: %v", key, err)
		}
		f.users[key] = &user{Account: a, token: token, csrf: s.CSRFToken}
	}
	srv, err := web.NewServer(web.Options{Log: slog.New(slog.DiscardHandler), Registry: prometheus.NewRegistry(),
		Sessions: svc, Templates: []web.TemplateSet{casesweb.Templates()}})
	if err != nil {
		t.Fatalf("web server: %v", err)
	}
	h, err := casesweb.New(casesweb.Deps{Cases: env.Cases, Catalog: env.Catalog, Files: env.Files,
		Renderer: srv.Renderer, Cookies: srv.Cookies, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	h.Routes(srv.Mux)
	f.srv = srv
	return f
}

// file is an uploaded file of a multipart scenario.
type file struct {
	name    string
	content []byte
}

// scenario is one request and what its response must show.
type scenario struct {
	name     string
	method   string // GET when empty
	path     string
	as       string // fixture user key; "" for anonymous
	form     url.Values
	files    map[string]file // makes the request multipart
	json     string          // a JSON body
	raw      []byte          // a raw body
	header   map[string]string
	noCSRF   bool
	status   int
	location string // prefix of the Location header
	want     []string
	notWant  []string
	check    func(t *testing.T, f *fixture, w *httptest.ResponseRecorder)
}

func (f *fixture) request(t *testing.T, sc scenario) *http.Request {
	t.Helper()
	method := sc.method
	if method == "" {
		method = http.MethodGet
	}
	form := url.Values{}
	for k, v := range sc.form {
		form[k] = v
	}
	if method == http.MethodPost && !sc.noCSRF && sc.json == "" && sc.raw == nil {
		if u := f.users[sc.as]; u != nil {
			form.Set("_csrf", u.csrf)
		} else {
			form.Set("_csrf", anonCSRF)
		}
	}
	var body io.Reader
	ctype := ""
	switch {
	case sc.json != "":
		body, ctype = strings.NewReader(sc.json), "application/json"
	case sc.raw != nil:
		body, ctype = bytes.NewReader(sc.raw), "application/octet-stream"
	case sc.files != nil:
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, vs := range form {
			for _, v := range vs {
				mw.WriteField(k, v)
			}
		}
		for field, fl := range sc.files {
			w, _ := mw.CreateFormFile(field, fl.name)
			w.Write(fl.content)
		}
		mw.Close()
		body, ctype = &buf, mw.FormDataContentType()
	case method == http.MethodPost && !strings.HasPrefix(sc.path, "/api/"):
		body, ctype = strings.NewReader(form.Encode()), "application/x-www-form-urlencoded"
	}
	r := httptest.NewRequest(method, sc.path, body)
	r.RemoteAddr = "198.51.100.7:40000"
	if ctype != "" {
		r.Header.Set("Content-Type", ctype)
	}
	r.AddCookie(&http.Cookie{Name: web.CSRFCookieName, Value: anonCSRF})
	if u := f.users[sc.as]; u != nil {
		r.AddCookie(&http.Cookie{Name: web.SessionCookieName, Value: u.token})
	}
	for k, v := range sc.header {
		r.Header.Set(k, v)
	}
	return r
}

func (f *fixture) run(t *testing.T, sc scenario) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, f.request(t, sc))
	return w
}

// runScenarios runs the scenarios in order against one fixture.
func runScenarios(t *testing.T, f *fixture, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			w := f.run(t, sc)
			if w.Code != sc.status {
				t.Errorf("status = %d, want %d; body:\n%s", w.Code, sc.status, w.Body)
			}
			if sc.location != "" && !strings.HasPrefix(w.Header().Get("Location"), sc.location) {
				t.Errorf("Location = %q, want prefix %q", w.Header().Get("Location"), sc.location)
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

// submit files an application through the service.
func (f *fixture) submit(t *testing.T, key string, o *casestest.SubmitOpts) *cases.Application {
	t.Helper()
	return casestest.Submit(t, f.Env, f.users[key].Account, o)
}

// state returns an application's stored state and version.
func (f *fixture) state(t *testing.T, serial string) (cases.State, int) {
	t.Helper()
	a, err := f.Store.FindApplicationBySerial(context.Background(), serial)
	if err != nil {
		t.Fatal(err)
	}
	return a.State, a.Version
}

// applyForm returns valid text fields of the application form for
// ItemHukou by the user.
func (f *fixture) applyForm(key string, changes map[string]string) url.Values {
	u := f.users[key].Account
	v := url.Values{}
	for k, x := range casestest.Submission(u, nil).Form {
		v.Set("f."+k, x)
	}
	v.Set("delivery_method", "pickup")
	v.Set("hall", cases.DefaultHalls()[0].Code)
	for k, x := range changes {
		if x == "" {
			v.Del(k)
		} else {
			v.Set(k, x)
		}
	}
	return v
}

// hukouFiles are valid uploads for ItemHukou.
func hukouFiles() map[string]file {
	return map[string]file{
		"material_0": {"身份证.pdf", casestest.PDF("id")},
		"material_1": {"毕业证书.pdf", casestest.PDF("diploma")},
	}
}
