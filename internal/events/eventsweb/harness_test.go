package eventsweb_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/catalog/catalogsql"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/events"
	et "github.com/pengcheng-gov/pengcheng/internal/events/eventstest"
	"github.com/pengcheng-gov/pengcheng/internal/events/eventsweb"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// anonCSRF is the CSRF cookie and field of anonymous test requests.
const anonCSRF = "anonymous-csrf-token-for-eventsweb-tests-00001"

// user is a fixture account with a live session.
type user struct {
	*identity.Account
	token string
	csrf  string
}

// fixture is the events web app on one database with the demo grid and
// the cast of eventstest.
type fixture struct {
	env      *et.Env
	srv      *web.Server
	handlers *eventsweb.Handlers
	users    map[string]*user
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	env := et.NewEnv(t, d, events.Config{})
	f := &fixture{env: env, users: map[string]*user{}}
	for key, a := range map[string]*identity.Account{
		"citizen": env.Citizen, "other": env.OtherCitizen, "dispatcher": env.Dispatcher, "worker": env.Worker,
		"otherWorker": env.OtherWorker, "fire": env.FireStaff, "city": env.CityStaff, "admin": env.Admin,
	} {
		_, s, token, err := env.Identity.Service.Login(ctx, a.Username, identitytest.Password, identity.Client{IP: "192.0.2.1"})
		if err != nil {
			t.Fatalf("log in %s: %v", key, err)
		}
		f.users[key] = &user{Account: a, token: token, csrf: s.CSRFToken}
	}
	srv, err := web.NewServer(web.Options{
		Log: slog.New(slog.DiscardHandler), Registry: prometheus.NewRegistry(), Sessions: env.Identity.Service,
		Templates: []web.TemplateSet{eventsweb.Templates()},
	})
	if err != nil {
		t.Fatalf("web server: %v", err)
	}
	if missing := srv.Renderer.UndefinedKeys(); len(missing) > 0 {
		t.Errorf("message keys without text: %v", missing)
	}
	h, err := eventsweb.New(eventsweb.Deps{Service: env.Service, Grid: et.StaticGrid{Ix: env.Grid}, Files: env.Files,
		Renderer: srv.Renderer, Cookies: srv.Cookies, Accounts: env.Identity.Service,
		Departments: catalog.NewService(catalogsql.New(d), nil, slog.New(slog.DiscardHandler)), Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	h.Routes(srv.Mux)
	f.srv, f.handlers = srv, h
	return f
}

// request is one request of a scenario.
type request struct {
	method string // GET when empty
	path   string
	as     string // fixture user key; "" for anonymous
	form   url.Values
	json   string
	files  map[string][][]byte // multipart file fields
}

func (f *fixture) do(t *testing.T, rq request) *httptest.ResponseRecorder {
	t.Helper()
	method := rq.method
	if method == "" {
		method = http.MethodGet
	}
	var body io.Reader
	contentType := ""
	csrf := anonCSRF
	if u := f.users[rq.as]; u != nil {
		csrf = u.csrf
	}
	switch {
	case rq.json != "":
		body, contentType = strings.NewReader(rq.json), "application/json"
	case rq.files != nil:
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		mw.WriteField("_csrf", csrf)
		for k, vs := range rq.form {
			for _, v := range vs {
				mw.WriteField(k, v)
			}
		}
		for k, contents := range rq.files {
			for i, c := range contents {
				fw, _ := mw.CreateFormFile(k, "photo"+string(rune('a'+i))+".png")
				fw.Write(c)
			}
		}
		mw.Close()
		body, contentType = &b, mw.FormDataContentType()
	case method != http.MethodGet:
		form := url.Values{"_csrf": {csrf}}
		for k, v := range rq.form {
			form[k] = v
		}
		body, contentType = strings.NewReader(form.Encode()), "application/x-www-form-urlencoded"
	}
	r := httptest.NewRequest(method, rq.path, body)
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	if strings.HasPrefix(rq.path, "/api/") && method != http.MethodGet {
		r.Header.Set("X-CSRF-Token", csrf) // same-origin fetch
	}
	r.AddCookie(&http.Cookie{Name: web.CSRFCookieName, Value: anonCSRF})
	if u := f.users[rq.as]; u != nil {
		r.AddCookie(&http.Cookie{Name: web.SessionCookieName, Value: u.token})
	}
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, r)
	return w
}

// must does rq and fails unless the status is want.
func (f *fixture) must(t *testing.T, rq request, want int) *httptest.ResponseRecorder {
	t.Helper()
	w := f.do(t, rq)
	if w.Code != want {
		t.Fatalf("%s %s as %q: status %d, want %d; body:\n%.2000s", rq.method, rq.path, rq.as, w.Code, want, w.Body)
	}
	return w
}

// decode decodes a JSON response into v.
func decode(t *testing.T, w *httptest.ResponseRecorder, v any) {
	t.Helper()
	if err := json.Unmarshal(w.Body.Bytes(), v); err != nil {
		t.Fatalf("decode %.500s: %v", w.Body, err)
	}
}

// actor returns a fixture user's actor.
func (f *fixture) actor(t *testing.T, key string) events.Actor {
	return et.Actor(t, f.users[key].Account)
}
