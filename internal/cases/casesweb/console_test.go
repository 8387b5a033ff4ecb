package casesweb_test

import (
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/cases/casestest"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
)

// unchanged checks that an application kept its state and version.
func unchanged(serial string, st cases.State, v int) func(*testing.T, *fixture, *httptest.ResponseRecorder) {
	return func(t *testing.T, f *fixture, _ *httptest.ResponseRecorder) {
		t.Helper()
		if gst, gv := f.state(t, serial); gst != st || gv != v {
			t.Errorf("application %s is %s v%d, want %s v%d", serial, gst, gv, st, v)
		}
	}
}

func TestConsole(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		app := f.submit(t, "citizen", nil)
		s := app.Serial
		firm := f.submit(t, "company", nil)
		post := f.submit(t, "citizen", &casestest.SubmitOpts{Delivery: &cases.Delivery{Method: cases.Post, Recipient: "张三丰",
			Phone: "13800138001", Address: "深圳市宝安区新安街道 1 号"}})
		approved := casestest.Advance(t, f.Env, post, f.users["workerA"].Account, cases.Approved)
		act := func(action string) string { return "/console/applications/" + s + "/actions/" + action }
		runScenarios(t, f, []scenario{
			{name: "citizens have no console", path: "/console", as: "citizen", status: 403},
			{name: "staff without the role", path: "/console", as: "adminA", status: 403},
			{name: "department queue", path: "/console", as: "workerA", status: 200,
				want:    []string{s, approved.Serial, "张三丰", "测试人才引进入户", `href="/console/applications/` + s + `"`},
				notWant: []string{firm.Serial}},
			{name: "other department's queue", path: "/console", as: "workerB", status: 200, want: []string{firm.Serial}, notWant: []string{s}},
			{name: "filter by state", path: "/console?state=approved", as: "workerA", status: 200, want: []string{approved.Serial}, notWant: []string{">" + s + "<"}},
			{name: "bad state filter", path: "/console?state=bogus", as: "workerA", status: 422, want: []string{"状态无效"}},
			{name: "case page with actions", path: "/console/applications/" + s, as: "workerA", status: 200,
				want: []string{`id="act-accept"`, `id="act-return"`, `id="act-refuse"`, `id="act-claim"`, `name="fix" value="毕业证书"`,
					`id="act-handover"`, "甲窗口同事", f.users["citizen"].IDNumber[:4]},
				notWant: []string{`id="act-approve"`}},
			{name: "another department's case page", path: "/console/applications/" + s, as: "workerB", status: 404, notWant: []string{"张三丰"}},
			{name: "a citizen forges an approval", method: "POST", path: act("approve"), as: "citizen",
				form: url.Values{"version": {"1"}}, status: 403, check: unchanged(s, cases.Submitted, 1)},
			{name: "another department forges an acceptance", method: "POST", path: act("accept"), as: "workerB",
				form: url.Values{"version": {"1"}}, status: 404, check: unchanged(s, cases.Submitted, 1)},
			{name: "approve before review", method: "POST", path: act("approve"), as: "workerA",
				form: url.Values{"version": {"1"}}, status: 409, want: []string{"办件当前状态为「已提交」，不能执行「准予许可」操作"},
				check: unchanged(s, cases.Submitted, 1)},
			{name: "refuse without reasons", method: "POST", path: act("refuse"), as: "workerA",
				form: url.Values{"version": {"1"}}, status: 422, want: []string{"请填写不予受理的理由", `aria-invalid="true"`},
				check: unchanged(s, cases.Submitted, 1)},
			{name: "return without a checklist", method: "POST", path: act("return"), as: "workerA",
				form: url.Values{"version": {"1"}, "items": {"  "}}, status: 422, check: unchanged(s, cases.Submitted, 1)},
			{name: "accept without a version", method: "POST", path: act("accept"), as: "workerA",
				form: url.Values{}, status: 303, check: unchanged(s, cases.Accepted, 2)},
			{name: "accept again", method: "POST", path: act("accept"), as: "workerA",
				form: url.Values{"version": {"1"}}, status: 409, want: []string{"办件当前状态为「已受理」，不能执行「受理」操作"},
				check: unchanged(s, cases.Accepted, 2)},
			{name: "stale form", method: "POST", path: act("review"), as: "workerA",
				form: url.Values{"version": {"1"}}, status: 409, want: []string{"办件已被他人更新"}, check: unchanged(s, cases.Accepted, 2)},
			{name: "hand over", method: "POST", path: act("handover"), as: "workerA",
				form: url.Values{"version": {"2"}, "assignee": {f.users["workerA2"].ID}}, status: 303, location: "/console/applications/" + s,
				check: func(t *testing.T, f *fixture, _ *httptest.ResponseRecorder) {
					a, _ := f.Store.FindApplicationBySerial(t.Context(), s)
					if a.AssigneeName != "甲窗口同事" {
						t.Errorf("assignee %s", a.AssigneeName)
					}
				}},
			{name: "mine only", path: "/console?mine=1", as: "workerA2", status: 200, want: []string{s}, notWant: []string{approved.Serial}},
			{name: "ship a posted result", method: "POST", path: "/console/applications/" + approved.Serial + "/actions/ship", as: "workerA",
				form: url.Values{"tracking_no": {"1151234567890"}}, status: 303},
			{name: "shipped result page offers tracking", path: "/console/applications/" + approved.Serial, as: "workerA", status: 200,
				want: []string{`id="act-track"`, "1151234567890", "已交寄"}, notWant: []string{`id="act-ship"`, `id="act-deliver"`}},
			{name: "courier reports receipt", method: "POST", path: "/console/applications/" + approved.Serial + "/actions/track", as: "workerA",
				form: url.Values{"status": {"delivered"}}, status: 303, check: unchanged(approved.Serial, cases.Delivered, 6)},
			{name: "the applicant sees the shipment", path: "/applications/" + approved.Serial, as: "citizen", status: 200,
				want: []string{"已签收", "1151234567890", "已送达"}},
		})
	})
}

func TestProgressPage(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t, db.SQLite)
	f := newFixture(t, d)
	app := casestest.Advance(t, f.Env, f.submit(t, "citizen", nil), f.users["workerA"].Account, cases.Accepted)
	id4 := f.users["citizen"].IDNumber[14:]
	notFound := "未找到该办件，请核对流水号"
	never, _ := cases.FormatSerial("440300", f.Clock.Now(), 999)
	runScenarios(t, f, []scenario{
		{name: "form for anybody", path: "/progress?serial=" + app.Serial, status: 200, want: []string{`id="progress-form"`, `value="` + app.Serial + `"`}},
		{name: "right pair", method: "POST", path: "/progress", form: url.Values{"serial": {app.Serial}, "id4": {id4}}, status: 200,
			want: []string{`id="progress-result"`, "已受理", "测试人才引进入户", "测试部门 TESTA"}, notWant: []string{"张三丰", "甲窗口人员"}},
		{name: "wrong pair", method: "POST", path: "/progress", form: url.Values{"serial": {app.Serial}, "id4": {"0000"}}, status: 404,
			want: []string{notFound}, notWant: []string{`id="progress-result"`}},
		{name: "API, right pair", path: "/api/v1/progress?serial=" + app.Serial + "&id4=" + id4, status: 200,
			want: []string{`"state":"accepted"`, `"state_name":"已受理"`, `"steps":[`}, notWant: []string{"张三丰"}},
		{name: "API, unknown serial", path: "/api/v1/progress?serial=" + never + "&id4=" + id4, status: 404,
			want: []string{`"code":"case.not_found"`}},
		{name: "fifth look-up", method: "POST", path: "/progress", form: url.Values{"serial": {app.Serial}, "id4": {id4}}, status: 200},
		{name: "throttled", method: "POST", path: "/progress", form: url.Values{"serial": {app.Serial}, "id4": {id4}}, status: 429,
			want: []string{"查询过于频繁"}},
		{name: "throttled API", path: "/api/v1/progress?serial=" + app.Serial + "&id4=" + id4, status: 429,
			want: []string{`"status":429`}},
	})
}
