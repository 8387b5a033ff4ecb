package commandweb_test

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/command/commandweb"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// TestGating: the pages open for platform administrators, dispatchers,
// grid workers and department staff, and for nobody else.
func TestGating(t *testing.T) {
	srv := newServer(t, fakeGrid{ix: testIndex()})
	for _, path := range []string{"/command", "/command/stats"} {
		for _, tc := range []struct {
			as     string
			status int
		}{
			{"", http.StatusSeeOther},         // to the login page
			{"citizen", http.StatusForbidden}, // a person holding a staff role by mistake is still no staff
			{"noroles", http.StatusForbidden},
			{"admin", http.StatusOK},
			{"dispatcher", http.StatusOK},
			{"grid", http.StatusOK},
			{"deptadmin", http.StatusOK},
			{"clerk", http.StatusOK},
		} {
			t.Run(path+" as "+tc.as, func(t *testing.T) {
				w := get(srv, path, tc.as)
				if w.Code != tc.status {
					t.Fatalf("status %d, want %d\n%s", w.Code, tc.status, w.Body)
				}
				if tc.as == "" {
					if loc := w.Header().Get("Location"); !strings.HasPrefix(loc, "/login?next=") {
						t.Errorf("anonymous request sent to %q, want the login page", loc)
					}
					return
				}
				body := w.Body.String()
				nav := strings.Contains(body, `<li><a href="/command"`)
				if nav != (tc.status == http.StatusOK) {
					t.Errorf("navigation entry 指挥中心 shown = %v, want %v", nav, tc.status == http.StatusOK)
				}
				if tc.status != http.StatusOK && strings.Contains(body, `id="command-map"`) {
					t.Error("a refused request got the map")
				}
			})
		}
	}
}

func TestIsStaff(t *testing.T) {
	disabled := staff("off", identity.Dispatcher)
	disabled.Disabled = true
	for _, tc := range []struct {
		name string
		a    *identity.Account
		want bool
	}{
		{"anonymous", nil, false},
		{"person", accounts["citizen"], false},
		{"staff without roles", accounts["noroles"], false},
		{"disabled dispatcher", disabled, false},
		{"dispatcher", accounts["dispatcher"], true},
		{"grid worker", accounts["grid"], true},
		{"caseworker", accounts["clerk"], true},
		{"department admin", accounts["deptadmin"], true},
		{"platform admin", accounts["admin"], true},
	} {
		if got := commandweb.IsStaff(tc.a); got != tc.want {
			t.Errorf("%s: IsStaff = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// mapConfig is the part of the map's configuration the tests read.
type mapConfig struct {
	Levels []string          `json:"levels"`
	Filter map[string]string `json:"filter"`
	Limit  int               `json:"limit"`
	API    map[string]string `json:"api"`
	Text   map[string]string `json:"text"`
	Lang   string            `json:"lang"`
}

func TestMapPage(t *testing.T) {
	srv := newServer(t, fakeGrid{ix: testIndex()})
	w := get(srv, "/command", "dispatcher")
	if w.Code != http.StatusOK {
		t.Fatalf("status %d\n%s", w.Code, w.Body)
	}
	body := w.Body.String()
	for _, want := range []string{
		`<title>指挥中心`, `id="command-map"`, `role="region"`, `id="events-unavailable"`, `id="command-status"`,
		`href="/static/vendor/leaflet/leaflet.css?v=`, `src="/static/vendor/leaflet/leaflet.js?v=`,
		`src="/static/vendor/leaflet-heat/leaflet-heat.js?v=`, `src="/static/js/command-common.js?v=`,
		`src="/static/js/command-map.js?v=`, `href="/static/css/command.css?v=`,
		`<option value="S1">西街道</option>`, `<option value="S2">东街道</option>`,
		`<option value="reported">已上报</option>`, `<option value="closed">已结案</option>`,
		`<option value="7d" selected>近 7 天</option>`, `id="layer-heat"`, `id="layer-communities"`, `id="layer-microgrids"`,
		`<details class="command-panel" id="command-filters">`, `aria-current="page">态势地图</a>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(body, `id="filter-problems"`) {
		t.Error("problems shown without filters")
	}
	noInline(t, body)
	if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP %q", csp)
	}
	var c mapConfig
	pageConfig(t, body, "command-config", &c)
	if strings.Join(c.Levels, ",") != "district,street,community,microgrid" || c.Limit != commandweb.MarkerLimit || c.Lang != "zh" {
		t.Errorf("config %+v", c)
	}
	for k, want := range map[string]string{"cells": "/api/v1/grid/cells", "map": "/api/v1/events/map", "stream": "/api/v1/events/stream",
		"heat": "/api/v1/events/heat", "categories": "/api/v1/events/categories", "event": "/events/"} {
		if c.API[k] != want {
			t.Errorf("api %s = %q, want %q", k, c.API[k], want)
		}
	}
	for _, k := range []string{"js.events_failed", "js.count", "js.open_event", "state.reported", "state.closed"} {
		if c.Text[k] == "" || strings.HasPrefix(c.Text[k], "command.") {
			t.Errorf("text %s = %q", k, c.Text[k])
		}
	}
	if c.Filter["period"] != "7d" || c.Filter["state"] != "" || c.Filter["street"] != "" {
		t.Errorf("default filter %v", c.Filter)
	}
}

func TestMapFilters(t *testing.T) {
	srv := newServer(t, fakeGrid{ix: testIndex()})
	tests := []struct {
		name     string
		query    string
		filter   map[string]string
		want     []string
		problems []string // fields marked invalid
	}{
		{name: "all chosen", query: "?category=CG-01.2&state=dispatched&street=S2&period=24h",
			filter: map[string]string{"category": "CG-01.2", "state": "dispatched", "street": "S2", "period": "24h"},
			want:   []string{`<option value="S2" selected>东街道</option>`, `<option value="dispatched" selected>已分拨</option>`, `<option value="CG-01.2" selected>CG-01.2</option>`, `<option value="24h" selected>`}},
		{name: "everything wrong", query: "?category=%3Cscript%3E&state=lost&street=C1&period=1y",
			filter:   map[string]string{"category": "", "state": "", "street": "", "period": "7d"},
			want:     []string{`id="filter-problems"`, "没有这个事件状态", "没有这个街道", "事件类别代码格式不正确", "时间范围不正确"},
			problems: []string{"category", "state", "street", "period"}},
		{name: "unknown street", query: "?street=S9", filter: map[string]string{"street": "", "period": "7d"},
			want: []string{"没有这个街道"}, problems: []string{"street"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := get(srv, "/command"+tc.query, "grid")
			if w.Code != http.StatusOK {
				t.Fatalf("status %d", w.Code)
			}
			body := w.Body.String()
			for _, s := range tc.want {
				if !strings.Contains(body, s) {
					t.Errorf("page lacks %q", s)
				}
			}
			if strings.Contains(body, "<script>") {
				t.Error("the category was echoed unescaped")
			}
			var c mapConfig
			pageConfig(t, body, "command-config", &c)
			for k, v := range tc.filter {
				if c.Filter[k] != v {
					t.Errorf("filter %s = %q, want %q", k, c.Filter[k], v)
				}
			}
			if n := strings.Count(body, `aria-invalid="true"`); n != len(tc.problems) {
				t.Errorf("%d fields marked invalid, want %d (%v)", n, len(tc.problems), tc.problems)
			}
			for _, f := range tc.problems {
				if !strings.Contains(body, `name="`+f+`" aria-invalid="true"`) {
					t.Errorf("field %s not marked invalid", f)
				}
			}
		})
	}
}

func TestMapPageInEnglish(t *testing.T) {
	srv := newServer(t, fakeGrid{ix: testIndex()})
	w := get(srv, "/command?lang=en", "admin")
	body := w.Body.String()
	for _, want := range []string{"<title>Command centre", "Filters and layers", "Heat map", `<option value="handled">Handled</option>`} {
		if !strings.Contains(body, want) {
			t.Errorf("English page lacks %q", want)
		}
	}
	var c mapConfig
	pageConfig(t, body, "command-config", &c)
	if c.Lang != "en" || !strings.Contains(c.Text["js.events_failed"], "unavailable") {
		t.Errorf("English config: lang %q, events_failed %q", c.Lang, c.Text["js.events_failed"])
	}
}

// TestNoGrid: without a grid the pages say so; a failing grid is an
// internal error.
func TestNoGrid(t *testing.T) {
	empty := grid.NewIndex(0, grid.Levels{}, nil, nil, nil, nil)
	for _, tc := range []struct {
		name   string
		g      fakeGrid
		status int
		want   string
	}{
		{"empty", fakeGrid{ix: empty}, http.StatusNotFound, "尚未导入网格"},
		{"failing", fakeGrid{err: errors.New("database down")}, http.StatusInternalServerError, "服务器内部错误"},
	} {
		srv := newServer(t, tc.g)
		for _, path := range []string{"/command", "/command/stats"} {
			w := get(srv, path, "admin")
			if w.Code != tc.status || !strings.Contains(w.Body.String(), tc.want) {
				t.Errorf("%s %s: status %d, want %d with %q", tc.name, path, w.Code, tc.status, tc.want)
			}
		}
	}
}

// statsConfig is the dashboard's configuration.
type statsConfig struct {
	Grid, Name, Level, From, To, Lang string
	ChildLevel                        string `json:"child_level"`
	API                               map[string]string
	Text                              map[string]string
}

func TestStatsPage(t *testing.T) {
	srv := newServer(t, fakeGrid{ix: testIndex()})
	tests := []struct {
		name    string
		query   string
		config  statsConfig
		want    []string
		notWant []string
	}{
		{name: "defaults: the district over 30 days", query: "",
			config: statsConfig{Grid: "D", Name: "测试区", Level: "district", ChildLevel: "street", From: "2026-02-09", To: "2026-03-10"},
			want: []string{`<option value="D" selected>测试区</option>`, `<optgroup label="街道">`, `<optgroup label="西街道 · 社区">`,
				`<option value="C2">东社区</option>`, `href="/command/stats?from=2026-02-09&amp;grid=D&amp;to=2026-03-10" aria-current="true">近 30 天`,
				`href="/command/stats?from=2026-03-01&amp;grid=D&amp;to=2026-03-10">本月`, `href="/command/stats?from=2026-01-01&amp;grid=D&amp;to=2026-03-10">本年`,
				`id="stat-reported"`, `id="stat-closure-rate"`, `id="stat-median-hours"`, `id="chart-categories"`, `id="node-map"`,
				`src="/static/vendor/chartjs/chart.umd.min.js?v=`, `src="/static/js/command-stats.js?v=`, `id="stats-unavailable"`,
				`aria-current="page">事件统计</a>`},
			notWant: []string{`id="stats-error"`}},
		{name: "a community keeps its chain", query: "?grid=C1&from=2026-01-01&to=2026-01-31",
			config: statsConfig{Grid: "C1", Name: "西社区", Level: "community", ChildLevel: "microgrid", From: "2026-01-01", To: "2026-01-31"},
			want: []string{`<a href="/command/stats?from=2026-01-01&amp;grid=D&amp;to=2026-01-31">测试区</a> › <a href="/command/stats?from=2026-01-01&amp;grid=S1&amp;to=2026-01-31">西街道</a> › <strong aria-current="page">西社区</strong>`,
				`<option value="C1" selected>西社区</option>`}},
		{name: "a micro-grid is offered when chosen", query: "?grid=M2",
			config: statsConfig{Grid: "M2", Name: "东网格", Level: "microgrid", ChildLevel: "", From: "2026-02-09", To: "2026-03-10"},
			want:   []string{`<optgroup label="东网格">`, `<option value="M2" selected>东网格</option>`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := get(srv, "/command/stats"+tc.query, "clerk")
			if w.Code != http.StatusOK {
				t.Fatalf("status %d\n%s", w.Code, w.Body)
			}
			body := w.Body.String()
			for _, s := range tc.want {
				if !strings.Contains(body, s) {
					t.Errorf("page lacks %q", s)
				}
			}
			for _, s := range tc.notWant {
				if strings.Contains(body, s) {
					t.Errorf("page has %q", s)
				}
			}
			noInline(t, body)
			var c statsConfig
			pageConfig(t, body, "stats-config", &c)
			got := c
			got.API, got.Text, got.Lang = nil, nil, ""
			if got.Grid != tc.config.Grid || got.Name != tc.config.Name || got.Level != tc.config.Level ||
				got.ChildLevel != tc.config.ChildLevel || got.From != tc.config.From || got.To != tc.config.To {
				t.Errorf("config %+v, want %+v", got, tc.config)
			}
			if c.API["stats"] != "/api/v1/events/stats" || c.API["cells"] != "/api/v1/grid/cells" || c.Text["stats.js.unavailable"] == "" {
				t.Errorf("config api %v, text %v", c.API, c.Text)
			}
		})
	}
}

func TestStatsBadParameters(t *testing.T) {
	srv := newServer(t, fakeGrid{ix: testIndex()})
	for _, tc := range []struct {
		query, field, want string
	}{
		{"?grid=NOPE", "grid", "没有这个网格"},
		{"?from=2026-13-01", "from", "开始日期应为 YYYY-MM-DD 格式"},
		{"?to=yesterday", "to", "结束日期应为 YYYY-MM-DD 格式"},
		{"?from=2026-03-02&to=2026-03-01", "to", "结束日期不能早于开始日期"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			w := get(srv, "/command/stats"+tc.query, "admin")
			body := w.Body.String()
			if w.Code != http.StatusUnprocessableEntity {
				t.Errorf("status %d, want 422", w.Code)
			}
			if !strings.Contains(body, `id="stats-error"`) || !strings.Contains(body, tc.want) {
				t.Errorf("page lacks the error %q", tc.want)
			}
			if strings.Count(body, `aria-invalid="true"`) != 1 || !regexp.MustCompile(`id="`+tc.field+`"[^>]*aria-invalid="true"`).MatchString(body) {
				t.Errorf("field %s not (alone) marked invalid", tc.field)
			}
			if strings.Contains(body, `id="stats-config"`) || strings.Contains(body, `id="stat-reported"`) {
				t.Error("a page with bad parameters asks for statistics")
			}
		})
	}
}

// TestScriptTexts: every text the scripts look up (T["key"]) is in the
// configuration the page hands them, in both languages.
func TestScriptTexts(t *testing.T) {
	srv := newServer(t, fakeGrid{ix: testIndex()})
	for _, tc := range []struct {
		script, page, config string
	}{
		{"command-map.js", "/command", "command-config"},
		{"command-stats.js", "/command/stats", "stats-config"},
	} {
		src, err := os.ReadFile(filepath.Join("..", "..", "web", "static", "js", tc.script))
		if err != nil {
			t.Fatal(err)
		}
		keys := regexp.MustCompile(`T\["([^"]+)"\]`).FindAllStringSubmatch(string(src), -1)
		if len(keys) < 5 {
			t.Fatalf("%s: only %d texts found; has the script changed how it looks them up?", tc.script, len(keys))
		}
		for _, lang := range []string{"zh", "en"} {
			var c struct{ Text map[string]string }
			pageConfig(t, get(srv, tc.page+"?lang="+lang, "admin").Body.String(), tc.config, &c)
			for _, k := range keys {
				if c.Text[k[1]] == "" {
					t.Errorf("%s (%s): no text %q", tc.script, lang, k[1])
				}
			}
		}
	}
}
