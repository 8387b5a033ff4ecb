package casesweb_test

import (
	"bytes"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/cases/casestest"
	"github.com/pengcheng-gov/pengcheng/internal/cases/casesweb"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// visitorID is a valid identity number of a walk-in visitor.
var visitorID = identitytest.IDNumber("440307", time.Date(1985, 7, 7, 0, 0, 0, 0, time.UTC), 77)

// nothingStored checks that no application and no file was stored.
func nothingStored(t *testing.T, f *fixture, _ *httptest.ResponseRecorder) {
	t.Helper()
	if n := f.Count(t); n != 0 {
		t.Errorf("%d applications stored", n)
	}
	if n := f.StoredFiles(t); n != 0 {
		t.Errorf("%d files stored", n)
	}
}

func TestApplyForm(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		big := append(casestest.PDF("big"), bytes.Repeat([]byte("x"), casestest.MaxUpload)...)
		with := func(k string, fl file) map[string]file {
			m := hukouFiles()
			m[k] = fl
			return m
		}
		runScenarios(t, f, []scenario{
			{name: "anonymous goes to login", path: "/apply/" + casestest.ItemHukou, status: 303, location: "/login?next="},
			{name: "form from the item's fields, pre-filled", path: "/apply/" + casestest.ItemHukou, as: "citizen", status: 200,
				want: []string{"测试人才引进入户", `name="f.school"`, `name="f.degree"`, `<option value="master"`, `type="date"`,
					`name="material_0"`, `name="material_1"`, `name="material_3"`, "户口簿", "由部门共享获取", `enctype="multipart/form-data"`,
					`value="` + f.users["citizen"].IDNumber + `"`, `name="principal_number"`, `value="pickup" checked`, "64 KB"},
				notWant: []string{`name="material_2"`}},
			{name: "enterprise item for a person", path: "/apply/" + casestest.ItemLicence, as: "citizen", status: 200,
				want: []string{"您的账户类型不能申请此事项"}, notWant: []string{`id="apply-form"`}},
			{name: "window clerk enters the visitor", path: "/apply/" + casestest.ItemHukou, as: "workerA", status: 200,
				want: []string{"来访申请人", `name="principal_kind"`}},
			{name: "unknown item", path: "/apply/4403-NONE-001", as: "citizen", status: 404},
			{name: "required field missing keeps what was typed", method: "POST", path: "/apply/" + casestest.ItemHukou, as: "citizen",
				form: f.applyForm("citizen", map[string]string{"f.school": "", "f.family": "3"}), files: hukouFiles(), status: 422,
				want:  []string{"请填写毕业院校", `id="f.school" name="f.school" type="text" maxlength="50" value="" required aria-invalid="true"`, `value="3"`},
				check: nothingStored},
			{name: "bad option", method: "POST", path: "/apply/" + casestest.ItemHukou, as: "citizen",
				form: f.applyForm("citizen", map[string]string{"f.degree": "phd"}), files: hukouFiles(), status: 422,
				want: []string{"学历的选项无效"}, check: nothingStored},
			{name: "a program renamed .pdf", method: "POST", path: "/apply/" + casestest.ItemHukou, as: "citizen",
				form: f.applyForm("citizen", nil), files: with("material_1", file{"diploma.pdf", casestest.EXE}), status: 422,
				want:  []string{"「毕业证书」：只能上传 PDF、JPG 或 PNG 格式的文件", `id="material_1" name="material_1" type="file"`, `aria-invalid="true"`},
				check: nothingStored},
			{name: "oversized upload", method: "POST", path: "/apply/" + casestest.ItemHukou, as: "citizen",
				form: f.applyForm("citizen", nil), files: with("material_1", file{"diploma.pdf", big}), status: 422,
				want: []string{"「毕业证书」：文件超过大小上限 64 KB"}, check: nothingStored},
			{name: "required upload missing", method: "POST", path: "/apply/" + casestest.ItemHukou, as: "citizen",
				form: f.applyForm("citizen", nil), files: map[string]file{"material_0": {"id.pdf", casestest.PDF("id")}}, status: 422,
				want: []string{"请上传「毕业证书」"}, check: nothingStored},
			{name: "post without an address", method: "POST", path: "/apply/" + casestest.ItemHukou, as: "citizen",
				form:  f.applyForm("citizen", map[string]string{"delivery_method": "post", "recipient": "张三丰", "delivery_phone": "13800138001"}),
				files: hukouFiles(), status: 422, want: []string{"请填写完整的收件地址"}, check: nothingStored},
			{name: "agent without a mandate", method: "POST", path: "/apply/" + casestest.ItemHukou, as: "citizen",
				form:  f.applyForm("citizen", map[string]string{"principal_name": "赵六", "principal_number": visitorID}),
				files: hukouFiles(), status: 422, want: []string{"<details class=\"card form\" open>"}, check: nothingStored},
			{name: "no CSRF token", method: "POST", path: "/apply/" + casestest.ItemHukou, as: "citizen", noCSRF: true,
				form: f.applyForm("citizen", nil), files: hukouFiles(), status: 403, check: nothingStored},
			{name: "a PDF named .jpg is accepted as a PDF", method: "POST", path: "/apply/" + casestest.ItemHukou, as: "citizen",
				form: f.applyForm("citizen", nil), files: with("material_1", file{"毕业证书.jpg", casestest.PDF("diploma")}),
				status: 303, location: "/applications/",
				check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
					loc := w.Header().Get("Location")
					serial := strings.TrimSuffix(strings.TrimPrefix(loc, "/applications/"), "/receipt")
					if _, err := cases.ParseSerial(serial); err != nil || !strings.HasSuffix(loc, "/receipt") {
						t.Fatalf("Location %s: %v", loc, err)
					}
					a, err := f.Store.FindApplicationBySerial(t.Context(), serial)
					if err != nil || a.Materials[1].ContentType != "application/pdf" || a.Materials[1].FileName != "毕业证书.jpg" {
						t.Errorf("stored %+v, %v", a, err)
					}
					rec := f.run(t, scenario{path: loc, as: "citizen"})
					if rec.Code != 200 || !strings.Contains(rec.Body.String(), serial) || !strings.Contains(rec.Body.String(), "申请已提交") {
						t.Errorf("receipt %d:\n%s", rec.Code, rec.Body)
					}
					if rec := f.run(t, scenario{path: loc, as: "other"}); rec.Code != 404 {
						t.Errorf("another user's receipt: %d", rec.Code)
					}
				}},
			{name: "window clerk submits for a visitor", method: "POST", path: "/apply/" + casestest.ItemHukou, as: "workerA",
				form: f.applyForm("citizen", map[string]string{"principal_kind": "person", "principal_name": "赵六",
					"principal_number": visitorID}), files: hukouFiles(), status: 303,
				check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
					serial := strings.TrimSuffix(strings.TrimPrefix(w.Header().Get("Location"), "/applications/"), "/receipt")
					a, err := f.Store.FindApplicationBySerial(t.Context(), serial)
					if err != nil || a.Channel != cases.Window || a.Applicant.Name != "赵六" || a.FiledBy != f.users["workerA"].ID {
						t.Errorf("window application %+v, %v", a, err)
					}
				}},
		})
	})
}

func TestApplicantPages(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		app := f.submit(t, "citizen", nil)
		s := app.Serial
		returned := f.submit(t, "citizen", nil)
		casestestReturn(t, f, returned.Serial)
		runScenarios(t, f, []scenario{
			{name: "my applications", path: "/applications", as: "citizen", status: 200,
				want: []string{s, returned.Serial, "测试人才引进入户", "待补正", `href="/applications"`}},
			{name: "another's list is empty", path: "/applications", as: "other", status: 200, notWant: []string{s}},
			{name: "timeline and materials", path: "/applications/" + s, as: "citizen", status: 200,
				want: []string{s, "提交申请", "张三丰", "4403**********", "由部门共享获取", `href="/applications/` + s + `/materials/1?inline=1"`,
					`id="withdraw-form"`, "深圳市民中心行政服务大厅"},
				notWant: []string{f.users["citizen"].IDNumber}},
			{name: "another user's serial is not found", path: "/applications/" + s, as: "other", status: 404, notWant: []string{"张三丰"}},
			{name: "another department's caseworker", path: "/applications/" + s, as: "workerB", status: 404},
			{name: "download own material", path: "/applications/" + s + "/materials/1", as: "citizen", status: 200,
				want: []string{"%PDF-"}, check: func(t *testing.T, _ *fixture, w *httptest.ResponseRecorder) {
					if ct := w.Header().Get("Content-Type"); ct != "application/pdf" {
						t.Errorf("Content-Type %s", ct)
					}
					if cd := w.Header().Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "UTF-8''") {
						t.Errorf("Content-Disposition %s", cd)
					}
				}},
			{name: "the department downloads it", path: "/applications/" + s + "/materials/0", as: "workerA", status: 200},
			{name: "nobody else downloads it", path: "/applications/" + s + "/materials/1", as: "other", status: 404, notWant: []string{"%PDF-"}},
			{name: "staff without the caseworker role", path: "/applications/" + s + "/materials/1", as: "adminA", status: 404},
			{name: "the exchange material has no file", path: "/applications/" + s + "/materials/2", as: "citizen", status: 404},
			{name: "correction checklist shown", path: "/applications/" + returned.Serial, as: "citizen", status: 200,
				want: []string{"需要补正", "请重新提交「毕业证书」", `href="/applications/` + returned.Serial + `/correct"`}},
			{name: "correction form", path: "/applications/" + returned.Serial + "/correct", as: "citizen", status: 200,
				want: []string{`id="correct-form"`, `name="material_1"`, `value="` + f.users["citizen"].IDNumber + `"`}},
			{name: "no correction when none was asked", path: "/applications/" + s + "/correct", as: "citizen", status: 409},
			{name: "correction with a bad file changes nothing", method: "POST", path: "/applications/" + returned.Serial + "/correct", as: "citizen",
				form: url.Values{"version": {"2"}}, files: map[string]file{"material_1": {"new.pdf", casestest.EXE}}, status: 422,
				want: []string{"只能上传 PDF"}, check: func(t *testing.T, f *fixture, _ *httptest.ResponseRecorder) {
					if st, v := f.state(t, returned.Serial); st != cases.Correction || v != 2 {
						t.Errorf("after a refused correction: %s v%d", st, v)
					}
				}},
			{name: "correction resubmits", method: "POST", path: "/applications/" + returned.Serial + "/correct", as: "citizen",
				form: url.Values{"version": {"2"}}, files: map[string]file{"material_1": {"new.png", casestest.PNG}}, status: 303,
				check: func(t *testing.T, f *fixture, _ *httptest.ResponseRecorder) {
					a, _ := f.Store.FindApplicationBySerial(t.Context(), returned.Serial)
					if a.State != cases.Submitted || a.Materials[1].ContentType != "image/png" || a.Form["school"] == "" {
						t.Errorf("after correction: %s %+v %v", a.State, a.Materials[1], a.Form)
					}
				}},
			{name: "another citizen cannot withdraw", method: "POST", path: "/applications/" + s + "/withdraw", as: "other",
				form: url.Values{"version": {"1"}}, status: 404},
			{name: "stale withdrawal", method: "POST", path: "/applications/" + s + "/withdraw", as: "citizen",
				form: url.Values{"version": {"9"}}, status: 409, want: []string{"办件已被他人更新"}},
			{name: "withdraw", method: "POST", path: "/applications/" + s + "/withdraw", as: "citizen",
				form: url.Values{"version": {"1"}, "reason": {"不办了"}}, status: 303, location: "/applications/" + s,
				check: func(t *testing.T, f *fixture, _ *httptest.ResponseRecorder) {
					if st, _ := f.state(t, s); st != cases.Withdrawn {
						t.Errorf("state %s", st)
					}
				}},
		})
	})
}

// casestestReturn returns an application for correction as workerA.
func casestestReturn(t *testing.T, f *fixture, serial string) {
	t.Helper()
	if _, err := f.Cases.Act(t.Context(), f.users["workerA"].Account, serial,
		cases.ActionInput{Action: cases.ActReturn, Items: []string{"请重新提交「毕业证书」"}}); err != nil {
		t.Fatal(err)
	}
}

func TestEveryMessageKeyIsDefined(t *testing.T) {
	t.Parallel()
	r, err := web.NewRenderer(web.RendererOptions{Sets: []web.TemplateSet{casesweb.Templates()}})
	if err != nil {
		t.Fatal(err)
	}
	if keys := r.UndefinedKeys(); len(keys) > 0 {
		t.Errorf("templates use undefined message keys %v", keys)
	}
	var dynamic []string
	for _, s := range cases.States {
		dynamic = append(dynamic, "cases.state."+string(s))
	}
	for _, a := range cases.Actions {
		dynamic = append(dynamic, "cases.action."+string(a))
	}
	for _, c := range cases.Channels {
		dynamic = append(dynamic, "cases.channel."+string(c))
	}
	for _, s := range cases.ShipmentStatuses {
		dynamic = append(dynamic, "cases.shipment."+string(s))
	}
	dynamic = append(dynamic, "cases.rep.self", "cases.rep.enterprise", "cases.rep.agent", "cases.delivery.pickup",
		"cases.delivery.post", "cases.delivery.electronic", "cases.deadline.ok", "cases.deadline.soon", "cases.deadline.overdue",
		"cases.source.upload", "cases.source.licence", "cases.source.exchange", "cases.flash.withdrawn", "cases.flash.resubmitted", "cases.flash.done")
	for _, k := range dynamic {
		if r.T("zh", k) == k || r.T("en", k) == k {
			t.Errorf("message %s is not defined in both languages", k)
		}
	}
}
