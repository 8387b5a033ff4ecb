package catalogweb_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// editForm returns the edit form of it as the page fills it, with
// overrides applied (a value of "" removes the field).
func editForm(it *catalog.Item, overrides map[string]string) url.Values {
	v := url.Values{
		"version": {strconv.Itoa(it.Version)}, "name": {it.Name}, "description": {it.Description},
		"max_trips": {strconv.Itoa(it.MaxTrips)}, "legal_days": {strconv.Itoa(it.LegalDays)},
		"promised_days": {strconv.Itoa(it.PromisedDays)}, "keywords": {strings.Join(it.Keywords, "\n")},
		"m_count": {strconv.Itoa(len(it.Materials))}, "f_count": {strconv.Itoa(len(it.FormFields))},
	}
	if it.OnlineFullProcess {
		v.Set("online_full_process", "on")
	}
	if it.NoMeetingBatch1 {
		v.Set("no_meeting_batch1", "on")
	}
	for i, m := range it.Materials {
		p := "m" + strconv.Itoa(i) + "_"
		v.Set(p+"name", m.Name)
		v.Set(p+"source", string(m.Source))
		if m.Required {
			v.Set(p+"required", "on")
		}
	}
	for i, f := range it.FormFields {
		p := "f" + strconv.Itoa(i) + "_"
		v.Set(p+"name", f.Name)
		v.Set(p+"label_zh", f.LabelZH)
		v.Set(p+"label_en", f.LabelEN)
		v.Set(p+"type", string(f.Type))
		if f.Required {
			v.Set(p+"required", "on")
		}
		if f.MaxLength > 0 {
			v.Set(p+"max_length", strconv.Itoa(f.MaxLength))
		}
		var opts []string
		for _, o := range f.Options {
			opts = append(opts, o.Value+"|"+o.LabelZH+"|"+o.LabelEN)
		}
		v.Set(p+"options", strings.Join(opts, "\n"))
	}
	for k, s := range overrides {
		if s == "" {
			v.Del(k)
		} else {
			v.Set(k, s)
		}
	}
	return v
}

func (f *fixture) item(t *testing.T, code string) *catalog.Item {
	t.Helper()
	it, err := f.svc.Item(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return it
}

func TestAdminPages(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		rs2 := f.item(t, "4403-SZRS-002")
		ga4 := f.item(t, "4403-SZGA-004")
		unchanged := func(code string, version int) func(t *testing.T, f *fixture, _ *httptest.ResponseRecorder) {
			return func(t *testing.T, f *fixture, _ *httptest.ResponseRecorder) {
				if it := f.item(t, code); it.Version != version {
					t.Errorf("%s changed to version %d", code, it.Version)
				}
			}
		}
		edited := editForm(rs2, map[string]string{
			"name": "在职人才引进入户（核准类）", "keywords": "人才引进\n核准入户\n在职入户",
			"promised_days": "3", "m_count": strconv.Itoa(len(rs2.Materials) + 2),
			"m" + strconv.Itoa(len(rs2.Materials)) + "_name": "劳动合同", "m" + strconv.Itoa(len(rs2.Materials)) + "_source": "upload",
			"m" + strconv.Itoa(len(rs2.Materials)) + "_required": "on",
			"f_count": strconv.Itoa(len(rs2.FormFields) + 1),
			"f" + strconv.Itoa(len(rs2.FormFields)) + "_name":     "education",
			"f" + strconv.Itoa(len(rs2.FormFields)) + "_label_zh": "最高学历",
			"f" + strconv.Itoa(len(rs2.FormFields)) + "_type":     "select",
			"f" + strconv.Itoa(len(rs2.FormFields)) + "_required": "on",
			"f" + strconv.Itoa(len(rs2.FormFields)) + "_options":  "bachelor|本科|Bachelor\nmaster|硕士|Master",
		})
		runScenarios(t, f, []scenario{
			{name: "anonymous goes to login", path: "/admin/services", status: 303, location: "/login?next=%2Fadmin%2Fservices"},
			{name: "citizens may not", path: "/admin/services", as: "citizen", status: 403},
			{name: "caseworkers may not", path: "/admin/services", as: "rsWorker", status: 403},
			{name: "department admin lists own items", path: "/admin/services?department=SZGA", as: "rsAdmin", status: 200,
				want:    []string{"高校应届毕业生引进入户", `href="/admin/services/4403-SZRS-001"`, "共 23 条", `href="/admin/services"`},
				notWant: []string{"内地居民往来港澳通行证", `name="department"`}},
			{name: "platform admin filters by department", path: "/admin/services?department=SZGA", as: "platform", status: 200,
				want: []string{"内地居民往来港澳通行证签注", `name="department"`, `value="SZGA" selected`}, notWant: []string{"高校应届毕业生引进入户"}},
			{name: "edit page", path: "/admin/services/4403-SZRS-002", as: "rsAdmin", status: 200,
				want: []string{`value="在职人才引进入户"`, `name="version" value="1"`, `name="m0_name"`, `name="f0_name"`,
					"修改记录", "系统导入", "目录导入", "创建事项", `action="/admin/services/4403-SZRS-002"`}},
			{name: "no edit page for another department", path: "/admin/services/4403-SZGA-004", as: "rsAdmin", status: 403},
			{name: "unknown item", path: "/admin/services/4403-SZRS-999", as: "rsAdmin", status: 404},
			{name: "save", method: "POST", path: "/admin/services/4403-SZRS-002", as: "rsAdmin", form: edited, status: 303,
				location: "/admin/services/4403-SZRS-002",
				check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
					if !strings.Contains(w.Header().Get("Set-Cookie"), web.FlashCookieName) {
						t.Errorf("no flash notice set: %q", w.Header().Values("Set-Cookie"))
					}
					it := f.item(t, "4403-SZRS-002")
					last := it.FormFields[len(it.FormFields)-1]
					if it.Name != "在职人才引进入户（核准类）" || it.Version != 2 || it.PromisedDays != 3 ||
						it.Materials[len(it.Materials)-1].Name != "劳动合同" || len(it.Keywords) != 3 ||
						last.Name != "education" || last.Type != catalog.FieldSelect || len(last.Options) != 2 || last.Options[1].LabelEN != "Master" {
						t.Errorf("saved item = %+v", it)
					}
				}},
			{name: "history shows the change", path: "/admin/services/4403-SZRS-002", as: "rsAdmin", status: 200,
				want: []string{"人社管理员", "管理员编辑", "<del>在职人才引进入户</del> → <ins>在职人才引进入户（核准类）</ins>",
					"劳动合同（upload）", `name="version" value="2"`}},
			{name: "search finds the new keyword", path: "/api/v1/services?q=" + url.QueryEscape("在职入户") + "&limit=1", status: 200,
				want: []string{`"code":"4403-SZRS-002"`, "核准类"}},
			{name: "the same form again is stale", method: "POST", path: "/admin/services/4403-SZRS-002", as: "rsAdmin", form: edited,
				status: 409, want: []string{"该事项已被他人修改", `name="version" value="2"`}, check: unchanged("4403-SZRS-002", 2)},
			{name: "promised beyond legal keeps what was typed", method: "POST", path: "/admin/services/4403-SZRS-002", as: "rsAdmin",
				form:   editForm(f.item(t, "4403-SZRS-002"), map[string]string{"version": "2", "name": "改个名字", "promised_days": "999"}),
				status: 422, want: []string{"承诺办结时限应在 0 到法定办结时限之间", `value="改个名字"`, `id="promised_days" name="promised_days" type="number" min="0" value="999" aria-invalid="true"`},
				check: unchanged("4403-SZRS-002", 2)},
			{name: "not a number", method: "POST", path: "/admin/services/4403-SZRS-002", as: "rsAdmin",
				form:   editForm(rs2, map[string]string{"version": "2", "max_trips": "two"}),
				status: 422, want: []string{"请填写整数"}, check: unchanged("4403-SZRS-002", 2)},
			{name: "bad material source", method: "POST", path: "/admin/services/4403-SZRS-002", as: "rsAdmin",
				form:   editForm(rs2, map[string]string{"version": "2", "m0_source": "fax"}),
				status: 422, want: []string{"材料来源应为", `name="m0_name" type="text" value="` + rs2.Materials[0].Name + `" maxlength="100" aria-label="材料名称" aria-invalid="true"`},
				check: unchanged("4403-SZRS-002", 2)},
			{name: "department admin cannot save another department's item", method: "POST", path: "/admin/services/4403-SZGA-004",
				as: "rsAdmin", form: editForm(ga4, map[string]string{"name": "越权修改"}), status: 403, check: unchanged("4403-SZGA-004", 1)},
			{name: "citizens cannot save", method: "POST", path: "/admin/services/4403-SZGA-004", as: "citizen",
				form: editForm(ga4, map[string]string{"name": "越权修改"}), status: 403, check: unchanged("4403-SZGA-004", 1)},
			{name: "public security admin saves theirs", method: "POST", path: "/admin/services/4403-SZGA-004", as: "gaAdmin",
				form: editForm(ga4, map[string]string{"keywords": "港澳签注\n续签港澳"}), status: 303,
				check: func(t *testing.T, f *fixture, _ *httptest.ResponseRecorder) {
					if it := f.item(t, "4403-SZGA-004"); it.Version != 2 || len(it.Keywords) != 2 {
						t.Errorf("after the edit: %+v", it)
					}
				}},
		})
	})
}
