package appointmentsweb_test

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/appointments"
	"github.com/pengcheng-gov/pengcheng/internal/appointments/appointmentstest"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// The test dates; the clock starts on Monday 2026-03-02 09:00 China time.
const (
	mon appointments.Day = "2026-03-02"
	tue appointments.Day = "2026-03-03"
)

// slotValue is a slot's start as the booking form sends it.
func slotValue(day appointments.Day, clock string) string {
	return appointmentstest.At(day, clock).UTC().Format(time.RFC3339)
}

const (
	itemA = appointmentstest.ItemA
	itemB = appointmentstest.ItemB
)

// TestPages runs the page and API scenarios in order on one fixture per
// database; later scenarios may rely on what earlier ones changed.
func TestPages(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		t.Run("booking", func(t *testing.T) { runScenarios(t, f, bookingScenarios()) })
		t.Run("change and cancel", func(t *testing.T) { runScenarios(t, f, changeScenarios()) })
		t.Run("halls and kiosk", func(t *testing.T) { runScenarios(t, f, kioskScenarios()) })
		t.Run("queue", func(t *testing.T) { runScenarios(t, f, queueScenarios()) })
		t.Run("api", func(t *testing.T) { runScenarios(t, f, apiScenarios()) })
	})
}

// TestMessages proves every message key the templates use is defined in
// both languages.
func TestMessages(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t, "sqlite")
	f := newFixture(t, d)
	if missing := f.srv.Renderer.UndefinedKeys(); len(missing) > 0 {
		t.Errorf("message keys used but not defined: %v", missing)
	}
}

// unchanged checks that who still holds n bookings.
func unchanged(who string, n int) func(t *testing.T, f *fixture, _ *httptest.ResponseRecorder) {
	return func(t *testing.T, f *fixture, _ *httptest.ResponseRecorder) {
		t.Helper()
		if got := f.count(t, who); got != n {
			t.Errorf("%s holds %d bookings, want %d", who, got, n)
		}
	}
}

func bookingScenarios() []scenario {
	return []scenario{
		{name: "anonymous goes to login", path: "/appointments", status: 303, location: "/login?next=%2Fappointments"},
		{name: "no appointments yet", path: "/appointments", as: "citizen", status: 200,
			want: []string{"我的预约", "您还没有预约", `href="/appointments/new"`, "3 次预约未到，将暂停预约 7 天"}},
		{name: "choose an item", path: "/appointments/new", as: "citizen", status: 200,
			want: []string{"请选择要办理的事项", "测试护照签发", `href="/appointments/new?item=` + itemA + `&amp;hall=TEST"`}},
		{name: "slots of today", path: "/appointments/new?item=" + itemA, as: "citizen", status: 200,
			want: []string{`hx-get="/appointments/picker"`, `name="hall"`, `<option value="2026-03-02" selected>3月2日 周一</option>`,
				`value="` + slotValue(mon, "09:30") + `"`, "09:30–10:00", "余 2", "已过", "周一至周五 09:00-12:00 14:00-17:00", "周六 09:00-12:00",
				`<option value="2026-03-06">3月6日 周五 （休息）</option>`, `<option value="2026-03-08">3月8日 周日 （休息）</option>`},
			notWant: []string{`value="` + slotValue(mon, "09:00") + `" required`}},
		{name: "english", path: "/appointments/new?item=" + itemA + "&lang=en", as: "citizen", status: 200,
			want: []string{"Book an appointment", "Mon 2 Mar", "2 free", "Mon–Fri 09:00-12:00 14:00-17:00"}},
		{name: "bad date", path: "/appointments/new?item=" + itemA + "&date=2026-13-45", as: "citizen", status: 422,
			want: []string{"日期格式应为 年-月-日", `aria-invalid="true"`}},
		{name: "past date", path: "/appointments/new?item=" + itemA + "&date=2026-02-27", as: "citizen", status: 422,
			want: []string{"不能预约已经过去的日期"}},
		{name: "beyond the horizon", path: "/appointments/new?item=" + itemA + "&date=2026-04-02", as: "citizen", status: 422,
			want: []string{"只能预约今天起 14 天内的时段"}},
		{name: "closed day", path: "/appointments/new?item=" + itemA + "&date=2026-03-06", as: "citizen", status: 200,
			want: []string{"大厅当天休息（测试休息日）"}, notWant: []string{`name="start"`}},
		{name: "item no hall serves", path: "/appointments/new?item=4403-SZGA-001", as: "citizen", status: 404,
			want: []string{"目前没有服务大厅可预约办理此事项"}},
		{name: "htmx fragment", path: "/appointments/picker?item=" + itemA + "&hall=TEST&date=2026-03-03", as: "citizen", status: 200,
			want: []string{`<div id="picker">`, `value="` + slotValue(tue, "09:00") + `"`, `name="_csrf" value="`}, notWant: []string{"<html", "<header"}},
		{name: "slot that has started", method: "POST", path: "/appointments", as: "citizen", status: 422,
			form: url.Values{"item": {itemA}, "hall": {"TEST"}, "start": {slotValue(mon, "09:00")}},
			want: []string{"该时段已开始或已过去"}, check: unchanged("citizen", 0)},
		{name: "malformed start", method: "POST", path: "/appointments", as: "citizen", status: 422,
			form: url.Values{"item": {itemA}, "hall": {"TEST"}, "start": {"tomorrow"}},
			want: []string{"时段时间格式应为 RFC 3339"}, check: unchanged("citizen", 0)},
		{name: "no slot chosen", method: "POST", path: "/appointments", as: "citizen", status: 422,
			form: url.Values{"item": {itemA}, "hall": {"TEST"}}, want: []string{"请选择预约时段"}, check: unchanged("citizen", 0)},
		{name: "not a slot", method: "POST", path: "/appointments", as: "citizen", status: 422,
			form: url.Values{"item": {itemA}, "hall": {"TEST"}, "start": {slotValue(tue, "10:10")}},
			want: []string{"所选时段不存在"}, check: unchanged("citizen", 0)},
		{name: "past day", method: "POST", path: "/appointments", as: "citizen", status: 422,
			form: url.Values{"item": {itemA}, "hall": {"TEST"}, "start": {slotValue("2026-02-27", "10:00")}},
			want: []string{"不能预约已经过去的日期"}, check: unchanged("citizen", 0)},
		{name: "item the hall does not serve", method: "POST", path: "/appointments", as: "citizen", status: 422,
			form: url.Values{"item": {"4403-SZGA-001"}, "hall": {"TEST"}, "start": {slotValue(tue, "10:00")}},
			want: []string{"该大厅不办理此事项：4403-SZGA-001"}, check: unchanged("citizen", 0)},
		{name: "staff cannot book", method: "POST", path: "/appointments", as: "workerA", status: 403,
			form: url.Values{"item": {itemA}, "hall": {"TEST"}, "start": {slotValue(tue, "10:00")}},
			want: []string{"工作人员账户不能预约"}},
		{name: "without the CSRF token", method: "POST", path: "/appointments", as: "citizen", noCSRF: true, status: 403,
			form: url.Values{"item": {itemA}, "hall": {"TEST"}, "start": {slotValue(tue, "10:00")}}, check: unchanged("citizen", 0)},
		{name: "book", method: "POST", path: "/appointments", as: "citizen", status: 303, location: "/appointments/",
			form: url.Values{"item": {itemA}, "hall": {"TEST"}, "start": {slotValue(tue, "10:00")}},
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
				list, _, _ := f.env.Service.MyBookings(t.Context(), f.users["citizen"].Account, nil, 0, 10)
				if len(list) != 1 || w.Header().Get("Location") != "/appointments/"+list[0].ID {
					t.Fatalf("after booking: %d bookings, Location %q", len(list), w.Header().Get("Location"))
				}
				f.bookings["mine"] = list[0]
			}},
		{name: "the confirmation", as: "citizen", status: 200,
			prepare: func(t *testing.T, f *fixture, sc *scenario) {
				sc.path = "/appointments/" + f.bookings["mine"].ID
				sc.want = []string{f.bookings["mine"].Code, "测试护照签发", "3月3日 周二 10:00–10:30", "请于 09:30 至 10:15 到大厅自助签到机",
					`action="/appointments/` + f.bookings["mine"].ID + `/cancel"`, `href="/appointments/` + f.bookings["mine"].ID + `/change"`, "办理记录"}
			}},
		{name: "someone else's booking", as: "other", status: 404,
			prepare: func(t *testing.T, f *fixture, sc *scenario) {
				sc.path = "/appointments/" + f.bookings["mine"].ID
				sc.notWant = []string{f.bookings["mine"].Code, "张三丰"}
			}},
		{name: "my list", path: "/appointments", as: "citizen", status: 200, want: []string{"测试护照签发", "2026-03-03 10:00–10:30", "已预约"}},
		{name: "the slot fills up", method: "POST", path: "/appointments", as: "third", status: 409,
			form:    url.Values{"item": {itemA}, "hall": {"TEST"}, "start": {slotValue(tue, "10:00")}},
			prepare: func(t *testing.T, f *fixture, sc *scenario) { f.book(t, "others", "other", itemA, tue, "10:00") },
			want:    []string{"该时段已约满，请选择其他时段", `checked`}, check: unchanged("third", 0)},
	}
}

func changeScenarios() []scenario {
	path := func(suffix string) func(t *testing.T, f *fixture, sc *scenario) {
		return func(t *testing.T, f *fixture, sc *scenario) {
			sc.path = "/appointments/" + f.bookings["mine"].ID + suffix
		}
	}
	at := func(clock string) func(t *testing.T, f *fixture, _ *httptest.ResponseRecorder) {
		return func(t *testing.T, f *fixture, _ *httptest.ResponseRecorder) {
			if b := f.booking(t, "mine"); !b.StartsAt.Equal(appointmentstest.At(tue, clock)) || b.Status != appointments.Booked {
				t.Errorf("the booking is %s at %s, want booked at %s", b.Status, appointments.FormatTime(b.StartsAt, "15:04"), clock)
			}
		}
	}
	return []scenario{
		{name: "change page", as: "citizen", status: 200, prepare: path("/change"),
			want: []string{"当前预约：2026-03-03 10:00–10:30", `<input type="hidden" name="change"`, `<option value="2026-03-03" selected>`}},
		{name: "someone else's change page", as: "other", status: 404, prepare: path("/change")},
		{name: "someone else moves it", method: "POST", as: "other", status: 404, prepare: path("/change"),
			form: url.Values{"hall": {"TEST"}, "start": {slotValue(tue, "14:00")}}, check: at("10:00")},
		{name: "someone else cancels it", method: "POST", as: "other", status: 404, prepare: path("/cancel"), check: at("10:00")},
		{name: "move", method: "POST", as: "citizen", status: 303, prepare: path("/change"),
			form: url.Values{"hall": {"TEST"}, "start": {slotValue(tue, "11:00")}}, check: at("11:00")},
		{name: "move to a full slot", method: "POST", as: "citizen", status: 409, prepare: func(t *testing.T, f *fixture, sc *scenario) {
			f.book(t, "full1", "other", itemB, tue, "14:00") // B has one window: 14:00 is full for B
			sc.path = "/appointments/" + f.bookings["mine"].ID + "/change"
			f.book(t, "full2", "third", itemA, tue, "10:00") // A at 10:00 now holds other's and third's
		}, form: url.Values{"hall": {"TEST"}, "start": {slotValue(tue, "10:00")}},
			want: []string{"该时段已约满"}, check: at("11:00")},
		{name: "cancel", method: "POST", as: "citizen", status: 303, prepare: path("/cancel"),
			check: func(t *testing.T, f *fixture, _ *httptest.ResponseRecorder) {
				if b := f.booking(t, "mine"); b.Status != appointments.Cancelled {
					t.Errorf("status after cancelling: %s", b.Status)
				}
			}},
		{name: "cancel again", method: "POST", as: "citizen", status: 409, prepare: path("/cancel"),
			want: []string{"只能在时段开始前取消尚未签到的预约", "已取消"}},
		{name: "cancelled booking offers no change", as: "citizen", status: 200, prepare: path(""),
			notWant: []string{"/change\"", "/cancel\""}, want: []string{"已取消", "取消"}},
	}
}

func kioskScenarios() []scenario {
	tail := func(f *fixture, who string) string {
		n := f.users[who].IDNumber
		return n[len(n)-4:]
	}
	return []scenario{
		{name: "halls for everybody", path: "/halls", status: 200,
			want:    []string{"测试大厅 TEST", "深圳市宝安区测试路 1 号", `href="/halls/TEST/checkin"`, "A · 甲类业务"},
			notWant: []string{`href="/halls/TEST/queue"`}},
		{name: "halls for staff", path: "/halls", as: "workerA", status: 200, want: []string{`href="/halls/TEST/queue"`}},
		{name: "halls for a grid worker", path: "/halls", as: "grid", status: 200, notWant: []string{`href="/halls/TEST/queue"`}},
		{name: "kiosk form", path: "/halls/TEST/checkin", status: 200, want: []string{`name="code"`, `name="id_tail"`, "自助签到取号"}},
		{name: "unknown hall's kiosk", path: "/halls/NOPE/checkin", status: 404},
		{name: "wrong tail", method: "POST", path: "/halls/TEST/checkin", status: 404,
			prepare: func(t *testing.T, f *fixture, sc *scenario) {
				b := f.book(t, "today", "citizen", itemA, mon, "09:30")
				sc.form = url.Values{"code": {b.Code}, "id_tail": {"0000"}}
			},
			want: []string{"未找到预约，请核对预约码和证件号码后四位"},
			check: func(t *testing.T, f *fixture, _ *httptest.ResponseRecorder) {
				if b := f.booking(t, "today"); b.Status != appointments.Booked {
					t.Errorf("a refused check-in changed the booking: %s", b.Status)
				}
			}},
		{name: "too early", method: "POST", path: "/halls/TEST/checkin", status: 409,
			prepare: func(t *testing.T, f *fixture, sc *scenario) {
				b := f.book(t, "later", "other", itemA, mon, "11:00")
				sc.form = url.Values{"code": {b.Code}, "id_tail": {tail(f, "other")}}
			},
			want: []string{"尚未到签到时间，请于 10:30 后签到"}},
		{name: "check in", method: "POST", path: "/halls/TEST/checkin", status: 200,
			prepare: func(t *testing.T, f *fixture, sc *scenario) {
				sc.form = url.Values{"code": {strings.ToLower(f.bookings["today"].Code)}, "id_tail": {tail(f, "citizen")}}
			},
			want:    []string{`<h1 id="queue-number">A001</h1>`, `<dd id="ahead">0</dd>`, "1–2 号窗口"},
			notWant: []string{"张三丰"}},
	}
}

func queueScenarios() []scenario {
	queuePath := "/halls/TEST/queue"
	status := func(name string, want appointments.Status) func(t *testing.T, f *fixture, _ *httptest.ResponseRecorder) {
		return func(t *testing.T, f *fixture, _ *httptest.ResponseRecorder) {
			if b := f.booking(t, name); b.Status != want {
				t.Errorf("booking %s is %s, want %s", name, b.Status, want)
			}
		}
	}
	return []scenario{
		{name: "citizen reads the queue", path: queuePath, as: "citizen", status: 403, notWant: []string{"A001"}},
		{name: "grid worker reads the queue", path: queuePath, as: "grid", status: 403},
		{name: "anonymous", path: queuePath, status: 303, location: "/login"},
		{name: "group B's caseworker", path: queuePath, as: "workerB", status: 200, notWant: []string{"张三丰", "A001"}},
		{name: "group A's caseworker", path: queuePath, as: "workerA", status: 200,
			want:    []string{"张三丰", "A001", `hx-trigger="every 10s"`, `action="/halls/TEST/queue/call"`, "1 号窗口 · 甲类业务"},
			notWant: []string{"3 号窗口"}},
		{name: "bad date", path: queuePath + "?date=2026-02-30", as: "workerA", status: 422},
		{name: "live fragment", path: queuePath + "/live", as: "workerA", status: 200,
			want: []string{`id="queue-live"`, "A001"}, notWant: []string{"<html"}},
		{name: "citizen calls", method: "POST", path: queuePath + "/call", as: "citizen", status: 403,
			form: url.Values{"window": {"1"}}, check: status("today", appointments.CheckedIn)},
		{name: "call to another group's window", method: "POST", path: queuePath + "/call", as: "workerA", status: 403,
			form: url.Values{"window": {"3"}}, check: status("today", appointments.CheckedIn)},
		{name: "call", method: "POST", path: queuePath + "/call", as: "workerA", status: 303, location: queuePath + "?window=2",
			form: url.Values{"window": {"2"}}, check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
				status("today", appointments.Called)(t, f, w)
				if got := flash(w); got != "已叫 A001 号到 2 号窗口。" {
					t.Errorf("flash = %q, want the number and window called", got)
				}
			}},
		{name: "called shows", path: queuePath + "?window=2", as: "workerA", status: 200,
			want: []string{`<option value="2" selected>`, "/served\"", "/absent\""}},
		{name: "nobody left", method: "POST", path: queuePath + "/call", as: "workerA", status: 409,
			form: url.Values{"window": {"1"}}, want: []string{"当前没有等候叫号的群众"}},
		{name: "citizen marks served", method: "POST", as: "citizen", status: 403,
			prepare: func(t *testing.T, f *fixture, sc *scenario) {
				sc.path = queuePath + "/" + f.bookings["today"].ID + "/served"
			}, check: status("today", appointments.Called)},
		{name: "other group marks served", method: "POST", as: "workerB", status: 404,
			prepare: func(t *testing.T, f *fixture, sc *scenario) {
				sc.path = queuePath + "/" + f.bookings["today"].ID + "/served"
			}, check: status("today", appointments.Called)},
		{name: "served", method: "POST", as: "workerA", status: 303,
			prepare: func(t *testing.T, f *fixture, sc *scenario) {
				sc.path = queuePath + "/" + f.bookings["today"].ID + "/served"
			}, check: status("today", appointments.Served)},
		{name: "desk check-in", method: "POST", path: queuePath + "/checkin", as: "workerA", status: 303,
			prepare: func(t *testing.T, f *fixture, sc *scenario) {
				f.env.SetNow(t, appointmentstest.At(mon, "10:40"))
				n := f.users["other"].IDNumber
				sc.form = url.Values{"code": {f.bookings["later"].Code}, "id_tail": {n[len(n)-4:]}}
			}, check: status("later", appointments.CheckedIn)},
		{name: "desk check-in with a wrong code", method: "POST", path: queuePath + "/checkin", as: "workerA", status: 404,
			form: url.Values{"code": {"ZZZZZZZZ"}, "id_tail": {"1234"}}, want: []string{"未找到预约"}},
		{name: "citizen uses the desk", method: "POST", path: queuePath + "/checkin", as: "citizen", status: 403,
			form: url.Values{"code": {"ZZZZZZZZ"}, "id_tail": {"1234"}}},
		{name: "the citizen sees it served", as: "citizen", status: 200,
			prepare: func(t *testing.T, f *fixture, sc *scenario) { sc.path = "/appointments/" + f.bookings["today"].ID },
			want:    []string{"已办理", "A001", "2 号窗口", "签到取号", "叫号", "办理完成"}},
	}
}

func apiScenarios() []scenario {
	return []scenario{
		{name: "halls", path: "/api/v1/halls", status: 200, want: []string{`"code":"TEST"`, `"mon":["09:00-12:00","14:00-17:00"]`, `"capacity":2`}},
		{name: "unknown hall", path: "/api/v1/halls/NOPE", status: 404, want: []string{`"status":404`, `"code":"hall.not_found"`}},
		{name: "slots", path: "/api/v1/halls/TEST/slots?item=" + itemA + "&date=2026-03-04", status: 200,
			want: []string{`"start":"2026-03-04T09:00:00+08:00"`, `"remaining":2`, `"available":true`}},
		{name: "slots on a bad date", path: "/api/v1/halls/TEST/slots?item=" + itemA + "&date=2026-02-30", status: 422,
			want: []string{`"field":"date"`, "日期格式应为"}},
		{name: "slots in English", path: "/api/v1/halls/TEST/slots?item=" + itemA + "&date=2026-02-27&lang=en", status: 422,
			want: []string{"that date has passed"}},
		{name: "slots of an item not served", path: "/api/v1/halls/TEST/slots?item=X-1&date=2026-03-04", status: 422,
			want: []string{`"code":"hall.item_not_served"`}},
		{name: "book anonymously", method: "POST", path: "/api/v1/appointments", status: 401,
			json: `{"hall":"TEST","item":"` + itemA + `","start":"2026-03-04T09:00:00+08:00"}`},
		{name: "unknown field", method: "POST", path: "/api/v1/appointments", as: "citizen", status: 400,
			json: `{"hall":"TEST","item":"` + itemA + `","start":"2026-03-04T09:00:00+08:00","seats":9}`, check: unchanged("citizen", 2)},
		{name: "bad start", method: "POST", path: "/api/v1/appointments", as: "citizen", status: 422,
			json: `{"hall":"TEST","item":"` + itemA + `","start":"2026-03-04 09:00"}`, want: []string{`"field":"start"`}, check: unchanged("citizen", 2)},
		{name: "book", method: "POST", path: "/api/v1/appointments", as: "citizen", status: 201,
			json: `{"hall":"TEST","item":"` + itemA + `","start":"2026-03-04T09:00:00+08:00"}`,
			want: []string{`"status":"booked"`, `"start":"2026-03-04T09:00:00+08:00"`, `"item_name":"测试护照签发"`},
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
				loc := w.Header().Get("Location")
				list, _, _ := f.env.Service.MyBookings(t.Context(), f.users["citizen"].Account, nil, 0, 1)
				if len(list) == 0 || loc != "/api/v1/appointments/"+list[0].ID {
					t.Fatalf("Location %q does not name the new booking", loc)
				}
				f.bookings["api"] = list[0]
			}},
		{name: "full slot", method: "POST", path: "/api/v1/appointments", as: "third", status: 409,
			prepare: func(t *testing.T, f *fixture, sc *scenario) { f.book(t, "api2", "other", itemA, "2026-03-04", "09:00") },
			json:    `{"hall":"TEST","item":"` + itemA + `","start":"2026-03-04T09:00:00+08:00"}`,
			want:    []string{`"code":"slot.full"`, "该时段已约满，请选择其他时段"}, check: unchanged("third", 1)},
		{name: "someone else's booking", as: "other", status: 404,
			prepare: func(t *testing.T, f *fixture, sc *scenario) { sc.path = "/api/v1/appointments/" + f.bookings["api"].ID },
			notWant: []string{"张三丰"}},
		{name: "someone else cancels", method: "DELETE", as: "other", status: 404,
			prepare: func(t *testing.T, f *fixture, sc *scenario) { sc.path = "/api/v1/appointments/" + f.bookings["api"].ID },
			check: func(t *testing.T, f *fixture, _ *httptest.ResponseRecorder) {
				if b := f.booking(t, "api"); b.Status != appointments.Booked {
					t.Errorf("status: %s", b.Status)
				}
			}},
		{name: "change", method: "PATCH", as: "citizen", status: 200, json: `{"start":"2026-03-04T14:30:00+08:00"}`,
			prepare: func(t *testing.T, f *fixture, sc *scenario) { sc.path = "/api/v1/appointments/" + f.bookings["api"].ID },
			want:    []string{`"start":"2026-03-04T14:30:00+08:00"`}},
		{name: "change to a full slot", method: "PATCH", as: "citizen", status: 409, json: `{"start":"2026-03-04T09:00:00+08:00"}`,
			prepare: func(t *testing.T, f *fixture, sc *scenario) {
				f.book(t, "api3", "third", itemA, "2026-03-04", "09:00")
				sc.path = "/api/v1/appointments/" + f.bookings["api"].ID
			},
			check: func(t *testing.T, f *fixture, _ *httptest.ResponseRecorder) {
				if b := f.booking(t, "api"); !b.StartsAt.Equal(appointmentstest.At("2026-03-04", "14:30")) {
					t.Errorf("the booking lost its slot: %s", b.StartsAt)
				}
			}},
		{name: "my bookings", path: "/api/v1/appointments", as: "citizen", status: 200, want: []string{`"total":3`}},
		{name: "cancel", method: "DELETE", as: "citizen", status: 200, want: []string{`"status":"cancelled"`},
			prepare: func(t *testing.T, f *fixture, sc *scenario) { sc.path = "/api/v1/appointments/" + f.bookings["api"].ID }},
		{name: "citizen reads a queue", path: "/api/v1/halls/TEST/queue", as: "citizen", status: 403,
			want: []string{`"code":"hall.not_operator"`}},
		{name: "citizen calls", method: "POST", path: "/api/v1/halls/TEST/queue/next", as: "citizen", status: 403, json: `{"window":1}`},
		{name: "staff reads the queue", path: "/api/v1/halls/TEST/queue", as: "workerA", status: 200, want: []string{`"queue_number":"A001"`}},
		{name: "kiosk API with a wrong code", method: "POST", path: "/api/v1/halls/TEST/checkin", status: 404,
			json: `{"code":"ZZZZZZZZ","id_tail":"1234"}`, want: []string{`"code":"checkin.not_found"`}},
		{name: "call through the API", method: "POST", path: "/api/v1/halls/TEST/queue/next", as: "workerA", status: 200, json: `{"window":1}`,
			want: []string{`"status":"called"`, `"window":1`, `"queue_number":"A002"`}},
		{name: "problem details", path: "/api/v1/appointments/not-an-id", as: "citizen", status: 404,
			check: func(t *testing.T, _ *fixture, w *httptest.ResponseRecorder) {
				if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
					t.Errorf("Content-Type = %q", ct)
				}
			}},
	}
}

// flash returns the flash notice a response sets, decoded.
func flash(w *httptest.ResponseRecorder) string {
	for _, c := range w.Result().Cookies() {
		if c.Name == web.FlashCookieName {
			v, _ := url.QueryUnescape(c.Value)
			return v
		}
	}
	return ""
}
