package eventsweb_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/events"
	et "github.com/pengcheng-gov/pengcheng/internal/events/eventstest"
)

func contains(t *testing.T, body string, want ...string) {
	t.Helper()
	for _, s := range want {
		if !strings.Contains(body, s) {
			t.Errorf("page lacks %q", s)
		}
	}
}

// TestPagesLifecycle goes through an event's life on the pages, as the
// people involved would on their phones: a grid worker reports with a
// photo, the dispatcher dispatches from the queue, the fire brigade
// accepts and handles with a photo, the worker verifies and closes.
func TestPagesLifecycle(t *testing.T) {
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		body := f.must(t, request{path: "/events/new", as: "worker"}, 200).Body.String()
		contains(t, body, `id="report-form"`, "消防通道堵塞", `name="photos"`, "vendor/leaflet/leaflet.js", "使用我的位置")

		lon, lat := et.PointIn(t, f.env.Grid, et.XinanMicro)
		form := url.Values{"category": {"XF01"}, "description": {"楼道堆放杂物堵塞消防通道"}, "lon": {ftoa(lon)}, "lat": {ftoa(lat)}}
		bad := url.Values{"category": {"XF01"}, "description": {"无位置"}}
		body = f.must(t, request{method: "POST", path: "/events", as: "worker", form: bad, files: map[string][][]byte{}}, 422).Body.String()
		contains(t, body, `id="report-error"`, "无位置")
		w := f.must(t, request{method: "POST", path: "/events", as: "worker", form: form, files: map[string][][]byte{"photos": {et.PNG(1)}}}, 303)
		loc := w.Header().Get("Location")
		id := strings.TrimPrefix(loc, "/events/")
		ev, err := f.env.Store.Event(ctx, id)
		if err != nil || len(ev.Photos) != 1 || ev.Source != events.SourceWeb {
			t.Fatalf("stored event %+v, %v", ev, err)
		}

		body = f.must(t, request{path: "/events/list/queue", as: "dispatcher"}, 200).Body.String()
		contains(t, body, ev.Code, "按建议分拨")
		f.must(t, request{path: "/events/list/queue", as: "citizen"}, 403)
		body = f.must(t, request{path: loc, as: "dispatcher"}, 200).Body.String()
		contains(t, body, `id="form-dispatch"`, "楼道堆放杂物", "宝安消防", `id="trace"`, "/photos/"+ev.Photos[0])
		f.must(t, request{method: "POST", path: loc + "/act", as: "dispatcher", form: url.Values{"action": {"dispatch"}, "next": {"/events/list/queue"}}}, 303)

		body = f.must(t, request{path: "/events", as: "fire"}, 200).Body.String()
		contains(t, body, "本部门待办", ev.Code)
		f.must(t, request{method: "POST", path: loc + "/act", as: "fire", form: url.Values{"action": {"accept"}}}, 303)
		body = f.must(t, request{method: "POST", path: loc + "/act", as: "fire", form: url.Values{"action": {"handle"}},
			files: map[string][][]byte{"photos": {et.PNG(2)}}}, 422).Body.String()
		contains(t, body, `id="act-error"`, "请填写处置结果")
		f.must(t, request{method: "POST", path: loc + "/act", as: "fire", form: url.Values{"action": {"handle"}, "note": {"已清理"},
			"lon": {ftoa(lon)}, "lat": {ftoa(lat)}}, files: map[string][][]byte{"photos": {et.PNG(2)}}}, 303)

		body = f.must(t, request{path: "/events", as: "worker"}, 200).Body.String()
		contains(t, body, "待核查", ev.Code, `id="patrol"`)
		body = f.must(t, request{path: loc, as: "worker"}, 200).Body.String()
		contains(t, body, `id="form-verify"`, "已清理")
		f.must(t, request{method: "POST", path: loc + "/act", as: "worker", form: url.Values{"action": {"verify"}, "and_close": {"1"}}}, 303)
		body = f.must(t, request{path: loc, as: "worker"}, 200).Body.String()
		contains(t, body, "已办结", "办理用时", "核查通过", "消防员", "（承办部门）", "（网格员）")
		got, _ := f.env.Store.Event(ctx, id)
		if got.State != events.Closed || got.Steps != 6 {
			t.Errorf("after the pages: %s", et.Describe(got))
		}

		f.must(t, request{path: loc + "/photos/" + ev.Photos[0], as: "worker"}, 200)
		f.must(t, request{path: loc + "/photos/" + ev.Photos[0], as: "other"}, 404)
		f.must(t, request{path: loc, as: "other"}, 404)
		f.must(t, request{path: loc}, 303) // to the login page
	})
}

// TestPagesRender renders every page for the people who use it, in both
// languages.
func TestPagesRender(t *testing.T) {
	f := newFixture(t, dbtest.Open(t, db.SQLite))
	ev := f.env.Report(t, f.actor(t, "citizen"), et.ReportIn(t, f.env.Grid, "SZ01", et.XinanMicro))
	near := et.ReportIn(t, f.env.Grid, "SZ01", et.XinanMicro)
	near.Lon, near.Lat = et.Offset(near.Lon, near.Lat, 10)
	dup := f.env.Report(t, f.actor(t, "worker"), near)
	for _, tc := range []struct {
		path, as string
		status   int
		want     []string
	}{
		{"/events", "citizen", 200, []string{"我的上报", ev.Code}},
		{"/events?lang=en", "dispatcher", 200, []string{"To dispatch", "Command-centre map"}},
		{"/events", "worker", 200, []string{"巡查打卡", "负责网格：", "待核查"}},
		{"/events/list/mine", "citizen", 200, []string{ev.Code}},
		{"/events/list/all", "citizen", 403, nil},
		{"/events/list/nothing", "citizen", 404, nil},
		{"/events/list/overdue", "dispatcher", 200, nil},
		{"/events/" + dup.ID, "dispatcher", 200, []string{`id="ev-similar"`, `id="form-merge"`, ev.Code, `id="form-escalate"`}},
		{"/events/" + dup.Code + "?lang=en", "dispatcher", 200, []string{"May duplicate", "Routing suggestion"}},
		{"/events/new?lang=en", "citizen", 200, []string{"Report an event", "Blocked fire lane"}},
		{"/events/categories", "admin", 200, []string{"CG01", "占道经营", "时限", `id="new-category"`}},
		{"/events/categories", "dispatcher", 403, nil},
	} {
		t.Run(tc.path+" as "+tc.as, func(t *testing.T) {
			w := f.must(t, request{path: tc.path, as: tc.as}, tc.status)
			contains(t, w.Body.String(), tc.want...)
		})
	}
	w := f.must(t, request{method: "POST", path: "/events/" + dup.ID + "/act", as: "dispatcher",
		form: url.Values{"action": {"merge"}, "target": {ev.Code}}}, 303)
	if w.Header().Get("Location") != "/events/"+dup.ID {
		t.Errorf("merge redirects to %s", w.Header().Get("Location"))
	}
	body := f.must(t, request{path: "/events/" + dup.ID, as: "dispatcher"}, 200).Body.String()
	contains(t, body, `id="ev-merged"`)

	form := url.Values{"code": {"SZ01"}, "name": {"井盖缺失"}, "name_en": {"Missing manhole cover"}, "parent": {"SZ"},
		"department": {"SZSW"}, "layer": {""}, "sla_hours": {"2"}, "position": {"1"}, "version": {"1"}}
	f.must(t, request{method: "POST", path: "/events/categories", as: "admin", form: form}, 303)
	body = f.must(t, request{method: "POST", path: "/events/categories", as: "admin", form: form}, 409).Body.String()
	contains(t, body, `id="category-error"`)
	c, _ := f.env.Service.Category(context.Background(), "SZ01")
	if c.SLAHours != 2 || c.Name != "井盖缺失" {
		t.Errorf("saved category = %+v", c)
	}

	lon, lat := et.PointIn(t, f.env.Grid, et.XinanMicro)
	w = f.must(t, request{method: "POST", path: "/events/patrols", as: "worker", form: url.Values{"lon": {ftoa(lon)}, "lat": {ftoa(lat)}}}, 303)
	body = f.must(t, request{path: "/events", as: "worker"}, 200).Body.String()
	contains(t, body, "在责任网格内")
}

func ftoa(f float64) string { return strings.TrimRight(strings.TrimRight(fmtFloat(f), "0"), ".") }

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'f', 8, 64) }
