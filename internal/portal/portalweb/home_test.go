package portalweb_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
	"github.com/pengcheng-gov/pengcheng/internal/insights/insightstest"
	"github.com/pengcheng-gov/pengcheng/internal/portal/portalweb"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// fixture is the home page on one database with the insights scenario's
// history and sessions for a cast of accounts.
type fixture struct {
	srv    *web.Server
	tokens map[string]string
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	env := insightstest.NewEnv(t, d)
	sc := insightstest.PlayScenario(t, env)
	log := slog.New(slog.DiscardHandler)
	srv, err := web.NewServer(web.Options{Log: log, Registry: prometheus.NewRegistry(), Sessions: env.Service,
		Templates: []web.TemplateSet{portalweb.Templates()}})
	if err != nil {
		t.Fatalf("web server: %v", err)
	}
	if missing := srv.Renderer.UndefinedKeys(); len(missing) > 0 {
		t.Errorf("message keys used but not defined: %v", missing)
	}
	h, err := portalweb.New(portalweb.Deps{Insights: env.Insights, Renderer: srv.Renderer, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	h.Routes(srv.Mux)
	ptr := identitytest.Ptr[string]
	roles := func(r ...identity.Role) *[]identity.Role { return &r }
	cast := map[string]*identity.Account{
		"graduate": sc.P[1],
		"company":  identitytest.Enterprise(t, env.Service, &identitytest.EnterpriseOpts{Name: ptr("鹏城测试科技有限公司")}),
		"worker":   env.Worker(t, "SZGA"),
		"platform": identitytest.Staff(t, env.Service, &identitytest.StaffOpts{Roles: roles(identity.PlatformAdmin)}),
		"rsAdmin":  identitytest.Staff(t, env.Service, &identitytest.StaffOpts{Department: ptr("SZRS"), Roles: roles(identity.DeptAdmin)}),
	}
	f := &fixture{srv: srv, tokens: map[string]string{}}
	for key, a := range cast {
		_, _, token, err := env.Service.Login(context.Background(), a.Username, identitytest.Password, identity.Client{IP: "192.0.2.1"})
		if err != nil {
			t.Fatalf("log in %s: %v", key, err)
		}
		f.tokens[key] = token
	}
	return f
}

// section returns the HTML of the element with id, up to its </section>.
func section(body, id string) string {
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	return rest[:strings.Index(rest, "</section>")]
}

func TestHomePage(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		tests := []struct {
			name    string
			path    string
			as      string
			status  int
			want    []string
			notWant []string
			// in: section id → what it must and must not contain
			in    map[string][]string
			notIn map[string][]string
			order []string
		}{
			{name: "anonymous visitors: search, themes, popular services, indicators", path: "/", status: 200,
				want: []string{"一网通办，办事不用跑", `action="/services"`, `name="q"`, `hx-get="/services/suggest"`, `id="suggestions"`,
					`href="/services?q=%e5%8a%9e%e6%8a%a4%e7%85%a7"`, `href="/themes/GRAD_HUKOU/guide"`, "毕业生落户", `href="/themes/START_BUSINESS/guide"`,
					"portal.css", `href="/services/popular"`, `href="/stats"`, "518 项政务服务事项在线申请", "94.98%"},
				notWant: []string{`id="for-you"`, `id="staff-tools"`},
				in:      map[string][]string{"popular": {"内地居民往来港澳通行证签发", "市公安局"}},
				order:   []string{`id="themes-person"`, `id="themes-enterprise"`, `id="popular"`}},
			{name: "in English", path: "/?lang=en", status: 200,
				want: []string{"One-stop government services, online", "For individuals: life events", "Popular services", "All indicators"}},
			{name: "a signed-in graduate gets recommendations with reasons", path: "/", as: "graduate", status: 200,
				in: map[string][]string{"for-you": {"为您推荐", `href="/services/4403-SZGA-026"`, "流动人口居住登记", "非本市户籍居民常办：「办理居住证」",
					`href="/apply/4403-SZGA-026"`, "本月热门", `href="/applications"`}},
				notIn:   map[string][]string{"for-you": {insightstest.ItemGrad, insightstest.ItemHKMacao, insightstest.ItemPassport, insightstest.ItemSubsidy}},
				notWant: []string{`id="staff-tools"`}},
			{name: "the graduate's reasons in English", path: "/?lang=en", as: "graduate", status: 200,
				in: map[string][]string{"for-you": {"Recommended for you", "Often needed by residents registered elsewhere", "Popular this month"}}},
			{name: "an enterprise sees business events first", path: "/", as: "company", status: 200,
				in:    map[string][]string{"for-you": {insightstest.ItemGrad, "本月热门"}},
				order: []string{`id="for-you"`, `id="themes-enterprise"`, `id="themes-person"`}},
			{name: "a caseworker gets their tools, no recommendations", path: "/", as: "worker", status: 200,
				in:      map[string][]string{"staff-tools": {"工作台", `href="/console"`, `href="/halls"`, `href="/stats"`}},
				notIn:   map[string][]string{"staff-tools": {"/admin/accounts", "/admin/services", "/admin/sso/clients"}},
				notWant: []string{`id="for-you"`}},
			{name: "a platform admin gets the administration", path: "/", as: "platform", status: 200,
				in:    map[string][]string{"staff-tools": {`href="/admin/accounts"`, `href="/admin/services"`, `href="/admin/sso/clients"`, `href="/admin/audit"`}},
				notIn: map[string][]string{"staff-tools": {`href="/console"`}}},
			{name: "a department admin edits services and accounts", path: "/", as: "rsAdmin", status: 200,
				in:    map[string][]string{"staff-tools": {`href="/admin/services"`, `href="/admin/accounts"`}},
				notIn: map[string][]string{"staff-tools": {`href="/admin/sso/clients"`}}},
			{name: "only the root is the home page", path: "/elsewhere", status: 404},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := httptest.NewRequest(http.MethodGet, tt.path, nil)
				if token := f.tokens[tt.as]; token != "" {
					r.AddCookie(&http.Cookie{Name: web.SessionCookieName, Value: token})
				}
				w := httptest.NewRecorder()
				f.srv.ServeHTTP(w, r)
				if w.Code != tt.status {
					t.Fatalf("status = %d, want %d; body:\n%s", w.Code, tt.status, w.Body)
				}
				body := w.Body.String()
				for _, s := range tt.want {
					if !strings.Contains(body, s) {
						t.Errorf("body lacks %q", s)
					}
				}
				for _, s := range tt.notWant {
					if strings.Contains(body, s) {
						t.Errorf("body has %q", s)
					}
				}
				for id, wants := range tt.in {
					sec := section(body, id)
					if sec == "" {
						t.Errorf("no section %q", id)
					}
					for _, s := range wants {
						if !strings.Contains(sec, s) {
							t.Errorf("section %q lacks %q:\n%s", id, s, sec)
						}
					}
				}
				for id, nots := range tt.notIn {
					for _, s := range nots {
						if strings.Contains(section(body, id), s) {
							t.Errorf("section %q has %q", id, s)
						}
					}
				}
				at := 0
				for _, s := range tt.order {
					i := strings.Index(body[at:], s)
					if i < 0 {
						t.Errorf("%q does not follow the earlier parts of %v", s, tt.order)
						break
					}
					at += i
				}
			})
		}
	})
}
