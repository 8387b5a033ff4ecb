package insightsweb_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
	"github.com/pengcheng-gov/pengcheng/internal/insights/insightstest"
	"github.com/pengcheng-gov/pengcheng/internal/insights/insightsweb"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// fixture is the insights web app on one database with the scenario's
// history played, and sessions for some of its people.
type fixture struct {
	*insightstest.Env
	sc     *insightstest.Scenario
	srv    *web.Server
	tokens map[string]string // session tokens by user key
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	env := insightstest.NewEnv(t, d)
	f := &fixture{Env: env, sc: insightstest.PlayScenario(t, env), tokens: map[string]string{}}
	log := slog.New(slog.DiscardHandler)
	srv, err := web.NewServer(web.Options{Log: log, Registry: prometheus.NewRegistry(), Sessions: env.Service,
		Templates: []web.TemplateSet{insightsweb.Templates()}})
	if err != nil {
		t.Fatalf("web server: %v", err)
	}
	if missing := srv.Renderer.UndefinedKeys(); len(missing) > 0 {
		t.Errorf("message keys used but not defined: %v", missing)
	}
	h, err := insightsweb.New(insightsweb.Deps{Insights: env.Insights, Renderer: srv.Renderer, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	h.Routes(srv.Mux)
	f.srv = srv
	for key, a := range map[string]*identity.Account{"graduate": f.sc.P[1], "staff": env.Worker(t, "SZGA")} {
		_, _, token, err := env.Service.Login(context.Background(), a.Username, identitytest.Password, identity.Client{IP: "192.0.2.1"})
		if err != nil {
			t.Fatalf("log in %s: %v", key, err)
		}
		f.tokens[key] = token
	}
	return f
}

// scenario is one request and what its response must show.
type scenario struct {
	name    string
	path    string
	as      string // user key; "" for anonymous
	header  map[string]string
	status  int
	want    []string
	notWant []string
	check   func(t *testing.T, w *httptest.ResponseRecorder)
}

func (f *fixture) run(t *testing.T, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, sc.path, nil)
			if token := f.tokens[sc.as]; token != "" {
				r.AddCookie(&http.Cookie{Name: web.SessionCookieName, Value: token})
			}
			for k, v := range sc.header {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			f.srv.ServeHTTP(w, r)
			if w.Code != sc.status {
				t.Errorf("status = %d, want %d; body:\n%s", w.Code, sc.status, w.Body)
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
				sc.check(t, w)
			}
		})
	}
}

// problem checks a problem+json answer naming field.
func problem(field string) func(t *testing.T, w *httptest.ResponseRecorder) {
	return func(t *testing.T, w *httptest.ResponseRecorder) {
		t.Helper()
		if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
			t.Errorf("Content-Type = %q, want application/problem+json", ct)
		}
		var p web.Problem
		if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
			t.Fatalf("problem: %v", err)
		}
		if field == "" {
			return
		}
		if len(p.Errors) != 1 || p.Errors[0].Field != field || p.Detail == "" {
			t.Errorf("problem %+v, want one error on %q", p, field)
		}
	}
}

// decode reads a JSON answer into v.
func decode(t *testing.T, w *httptest.ResponseRecorder, v any) {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	if err := json.Unmarshal(w.Body.Bytes(), v); err != nil {
		t.Fatalf("decode %s: %v", w.Body, err)
	}
}

// inOrder checks that the strings appear in the body in this order.
func inOrder(parts ...string) func(t *testing.T, w *httptest.ResponseRecorder) {
	return func(t *testing.T, w *httptest.ResponseRecorder) {
		t.Helper()
		body, at := w.Body.String(), 0
		for _, p := range parts {
			i := strings.Index(body[at:], p)
			if i < 0 {
				t.Errorf("%q does not follow the earlier parts", p)
				return
			}
			at += i + len(p)
		}
	}
}
