package appointmentsweb_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/appointments"
	"github.com/pengcheng-gov/pengcheng/internal/appointments/appointmentstest"
	"github.com/pengcheng-gov/pengcheng/internal/appointments/appointmentsweb"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
	"github.com/pengcheng-gov/pengcheng/internal/web"
	"github.com/prometheus/client_golang/prometheus"
)

// anonCSRF is the CSRF cookie and field of anonymous test requests.
const anonCSRF = "anonymous-csrf-token-for-appointmentsweb-tests-01"

// user is a fixture account with a live session.
type user struct {
	*identity.Account
	token string
	csrf  string
}

// fixture is the appointments web app on one database with a cast of
// accounts and the bookings scenarios create, by name.
type fixture struct {
	env      *appointmentstest.Env
	srv      *web.Server
	users    map[string]*user
	bookings map[string]*appointments.Booking
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	env := appointmentstest.NewEnv(t, d)
	svc := env.Identity.Service
	ptr := identitytest.Ptr[string]
	roles := func(r ...identity.Role) *[]identity.Role { return &r }
	f := &fixture{env: env, users: map[string]*user{}, bookings: map[string]*appointments.Booking{}}
	for key, a := range map[string]*identity.Account{
		"citizen": identitytest.Person(t, svc, &identitytest.PersonOpts{Name: ptr("张三丰")}),
		"other":   identitytest.Person(t, svc, &identitytest.PersonOpts{Name: ptr("李四光")}),
		"third":   identitytest.Person(t, svc, &identitytest.PersonOpts{Name: ptr("王五")}),
		"workerA": identitytest.Staff(t, svc, &identitytest.StaffOpts{Username: ptr("worker-a"), Name: ptr("甲窗口人员"),
			Department: ptr(identitytest.DeptA)}),
		"workerB": identitytest.Staff(t, svc, &identitytest.StaffOpts{Username: ptr("worker-b"), Name: ptr("乙窗口人员"),
			Department: ptr(identitytest.DeptB)}),
		"grid": identitytest.Staff(t, svc, &identitytest.StaffOpts{Username: ptr("grid-a"), Department: ptr(identitytest.DeptA),
			Roles: roles(identity.GridWorker)}),
	} {
		_, s, token, err := svc.Login(context.Background(), a.Username, identitytest.Password, identity.Client{IP: "192.0.2.1"})
		if err != nil {
			t.Fatalf("log in %s: %v", key, err)
		}
		f.users[key] = &user{Account: a, token: token, csrf: s.CSRFToken}
	}
	srv, err := web.NewServer(web.Options{
		Log: slog.New(slog.DiscardHandler), Registry: prometheus.NewRegistry(), Sessions: svc,
		Templates: []web.TemplateSet{appointmentsweb.Templates()},
	})
	if err != nil {
		t.Fatalf("web server: %v", err)
	}
	h, err := appointmentsweb.New(appointmentsweb.Deps{Service: env.Service, Renderer: srv.Renderer, Cookies: srv.Cookies,
		Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatalf("appointmentsweb.New: %v", err)
	}
	h.Routes(srv.Mux)
	f.srv = srv
	return f
}

// book books for a fixture user through the service and remembers the
// booking as name.
func (f *fixture) book(t *testing.T, name, who, item string, day appointments.Day, clock string) *appointments.Booking {
	t.Helper()
	b := f.env.Book(t, f.users[who].Account, item, appointmentstest.At(day, clock))
	f.bookings[name] = b
	return b
}

// booking reads a remembered booking's current state as the system sees
// it.
func (f *fixture) booking(t *testing.T, name string) *appointments.Booking {
	t.Helper()
	b, err := f.env.Store.FindBooking(context.Background(), f.bookings[name].ID)
	if err != nil {
		t.Fatalf("read booking %s: %v", name, err)
	}
	return b
}

// count returns how many bookings a user holds.
func (f *fixture) count(t *testing.T, who string) int {
	t.Helper()
	_, n, err := f.env.Service.MyBookings(context.Background(), f.users[who].Account, nil, 0, 1)
	if err != nil {
		t.Fatalf("MyBookings: %v", err)
	}
	return n
}

// scenario is one request and what its response must show.
type scenario struct {
	name     string
	method   string // GET when empty
	path     string
	as       string // fixture user key; "" for anonymous
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
