package commandweb_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pengcheng-gov/pengcheng/internal/command/commandweb"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
	"github.com/pengcheng-gov/pengcheng/internal/grid/gridtest"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// now is the tests' clock: 2026-03-10 09:30 in China (01:30 UTC).
var now = time.Date(2026, 3, 10, 1, 30, 0, 0, time.UTC)

// fakeGrid serves a fixed index: gridtest's small grid of district D,
// streets S1 and S2, communities C1 and C2 and micro-grids M1 and M2.
type fakeGrid struct {
	ix  *grid.Index
	err error
}

func (g fakeGrid) Index(context.Context) (*grid.Index, error) { return g.ix, g.err }

func testIndex() *grid.Index {
	return grid.NewIndex(1, grid.DefaultLevels(), gridtest.Cells(), nil, nil, nil)
}

// sessions resolves the session tokens of the tests: the token is the key
// of an account in accounts.
type sessions map[string]*identity.Account

func (s sessions) Authenticate(_ context.Context, token string) (*identity.Account, *identity.Session, error) {
	a := s[token]
	if a == nil {
		return nil, nil, errs.E(errs.Unauthenticated, "session.unknown", "会话无效", "unknown session")
	}
	return a, &identity.Session{ID: "s-" + token, AccountID: a.ID, CSRFToken: "csrf-" + token, ExpiresAt: now.Add(time.Hour)}, nil
}

func staff(id string, roles ...identity.Role) *identity.Account {
	return &identity.Account{ID: id, Kind: identity.Staff, Username: id, DisplayName: id, Department: "SZCG", Roles: roles}
}

// accounts are the actors of the tests, by session token.
var accounts = sessions{
	"admin":      staff("admin", identity.PlatformAdmin),
	"dispatcher": staff("dispatcher", identity.Dispatcher),
	"grid":       staff("grid", identity.GridWorker),
	"deptadmin":  staff("deptadmin", identity.DeptAdmin),
	"clerk":      staff("clerk", identity.Caseworker),
	"noroles":    staff("noroles"),
	"citizen":    {ID: "citizen", Kind: identity.Person, Username: "110101199003077777", DisplayName: "市民", Roles: []identity.Role{identity.Dispatcher}},
}

// newServer is the command centre on the shell with g as its grid.
func newServer(t *testing.T, g commandweb.Grid) *web.Server {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	srv, err := web.NewServer(web.Options{Log: log, Registry: prometheus.NewRegistry(), Sessions: accounts,
		Templates: []web.TemplateSet{commandweb.Templates()}})
	if err != nil {
		t.Fatalf("web server: %v", err)
	}
	if missing := srv.Renderer.UndefinedKeys(); len(missing) > 0 {
		t.Errorf("message keys used but not defined: %v", missing)
	}
	h, err := commandweb.New(commandweb.Deps{Grid: g, Renderer: srv.Renderer, Log: log, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	h.Routes(srv.Mux)
	return srv
}

// get requests path as the account with token as (none when "").
func get(srv http.Handler, path, as string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, path, nil)
	r.Header.Set("Accept", "text/html")
	if as != "" {
		r.AddCookie(&http.Cookie{Name: web.SessionCookieName, Value: as})
	}
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	return w
}

// pageConfig returns the JSON of <script type="application/json" id=id>.
func pageConfig(t *testing.T, body, id string, into any) {
	t.Helper()
	m := regexp.MustCompile(`<script type="application/json" id="` + id + `">([^<]*)</script>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s in the page", id)
	}
	if err := json.Unmarshal([]byte(m[1]), into); err != nil {
		t.Fatalf("%s: %v\n%s", id, err, m[1])
	}
}

// noInline fails when the page holds a script or a style the content
// security policy would block: an inline script other than JSON data, a
// style element or attribute, or an event handler attribute.
func noInline(t *testing.T, body string) {
	t.Helper()
	for _, m := range regexp.MustCompile(`<script([^>]*)>`).FindAllStringSubmatch(body, -1) {
		if !strings.Contains(m[1], ` src="`) && !strings.Contains(m[1], `type="application/json"`) {
			t.Errorf("inline script %s", m[0])
		}
	}
	for _, bad := range []string{"<style", ` style="`, ` onclick=`, ` onload=`, ` onchange=`} {
		if strings.Contains(body, bad) {
			t.Errorf("page holds %q, which the content security policy blocks", bad)
		}
	}
}
