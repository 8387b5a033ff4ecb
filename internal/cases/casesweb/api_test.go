package casesweb_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/cases/casestest"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
)

// blobOf uploads content through the API and returns its SHA-256.
func (f *fixture) blobOf(t *testing.T, content []byte) string {
	t.Helper()
	w := f.run(t, scenario{method: "POST", path: "/api/v1/files", as: "citizen", raw: content})
	var b struct{ SHA256 string }
	if w.Code != 201 || json.Unmarshal(w.Body.Bytes(), &b) != nil || b.SHA256 == "" {
		t.Fatalf("upload: %d %s", w.Code, w.Body)
	}
	return b.SHA256
}

func TestAPI(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		id, diploma := f.blobOf(t, casestest.PDF("id")), f.blobOf(t, casestest.JPEG)
		form, _ := json.Marshal(casestest.Submission(f.users["citizen"].Account, nil).Form)
		body := func(materials string, extra string) string {
			return fmt.Sprintf(`{"item_code":%q,"channel":"mobile","form":%s,"materials":[%s],"delivery":{"method":"pickup","hall":"SMZX"}%s}`,
				casestest.ItemHukou, form, materials, extra)
		}
		good := fmt.Sprintf(`{"material":"居民身份证","blob":%q},{"material":"毕业证书","blob":%q,"file_name":"d.jpg"}`, id, diploma)
		var serial string
		runScenarios(t, f, []scenario{
			{name: "upload needs an account", method: "POST", path: "/api/v1/files", raw: casestest.PDF("x"), status: 401},
			{name: "upload a program", method: "POST", path: "/api/v1/files", as: "citizen", raw: casestest.EXE, status: 400,
				want: []string{`"code":"file.type"`},
				check: func(t *testing.T, _ *fixture, w *httptest.ResponseRecorder) {
					if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
						t.Errorf("Content-Type %s", ct)
					}
				}},
			{name: "upload too large", method: "POST", path: "/api/v1/files", as: "citizen",
				raw: append(casestest.PDF("big"), make([]byte, casestest.MaxUpload)...), status: 400, want: []string{`"code":"file.too_large"`}},
			{name: "submit with an unknown field", method: "POST", path: "/api/v1/applications", as: "citizen",
				json: strings.Replace(body(good, ""), `"form":{`, `"form":{"salary":"1",`, 1), status: 422,
				want: []string{`"code":"form.unknown"`, `"field":"salary"`}},
			{name: "submit with an unknown blob", method: "POST", path: "/api/v1/applications", as: "citizen",
				json:   body(fmt.Sprintf(`{"material":"居民身份证","blob":%q},{"material":"毕业证书","blob":"%s"}`, id, strings.Repeat("0", 64)), ""),
				status: 422, want: []string{`"code":"case.blob_unknown"`, `"field":"material_1"`}},
			{name: "submit with unknown JSON", method: "POST", path: "/api/v1/applications", as: "citizen",
				json: body(good, `,"priority":"high"`), status: 400},
			{name: "submit", method: "POST", path: "/api/v1/applications", as: "citizen", json: body(good, ""), status: 201,
				want: []string{`"state":"submitted"`, `"channel":"mobile"`, `"content_type":"image/jpeg"`, `"actions":["withdraw"]`,
					`"applicant":{"kind":"person","name":"张三丰","number":"` + f.users["citizen"].IDNumber[:4] + `**********`},
				check: func(t *testing.T, _ *fixture, w *httptest.ResponseRecorder) {
					var a struct{ Serial string }
					json.Unmarshal(w.Body.Bytes(), &a)
					serial = a.Serial
					if _, err := cases.ParseSerial(serial); err != nil || w.Header().Get("Location") != "/api/v1/applications/"+serial {
						t.Errorf("serial %q (%v), Location %s", serial, err, w.Header().Get("Location"))
					}
				}},
		})
		if serial == "" {
			t.Fatal("no application submitted")
		}
		one := "/api/v1/applications/" + serial
		runScenarios(t, f, []scenario{
			{name: "list mine", path: "/api/v1/applications", as: "citizen", status: 200, want: []string{`"total":1`, serial}},
			{name: "another's list", path: "/api/v1/applications", as: "other", status: 200, want: []string{`"total":0`, `"items":[]`}},
			{name: "department queue", path: "/api/v1/applications?scope=department", as: "workerA", status: 200, want: []string{serial}},
			{name: "citizens have no queue", path: "/api/v1/applications?scope=department", as: "citizen", status: 403},
			{name: "bad paging", path: "/api/v1/applications?limit=9999", as: "citizen", status: 422},
			{name: "read own", path: one, as: "citizen", status: 200,
				want: []string{`"role":"applicant"`, `"download":"/applications/` + serial + `/materials/1"`, `"kind":"exchange"`}},
			{name: "another user's serial", path: one, as: "other", status: 404, want: []string{`"code":"case.not_found"`}, notWant: []string{"张三丰"}},
			{name: "another department", path: one, as: "workerB", status: 404},
			{name: "anonymous", path: one, status: 401},
			{name: "a citizen forges an approval", method: "POST", path: one + "/actions/approve", as: "citizen", json: `{}`, status: 403,
				want: []string{`"code":"case.forbidden"`}, check: unchanged(serial, cases.Submitted, 1)},
			{name: "another citizen withdraws", method: "POST", path: one + "/actions/withdraw", as: "other", status: 404,
				check: unchanged(serial, cases.Submitted, 1)},
			{name: "another department accepts", method: "POST", path: one + "/actions/accept", as: "workerB", status: 404,
				check: unchanged(serial, cases.Submitted, 1)},
			{name: "an unknown action", method: "POST", path: one + "/actions/teleport", as: "workerA", status: 422,
				check: unchanged(serial, cases.Submitted, 1)},
			{name: "stale version", method: "POST", path: one + "/actions/accept", as: "workerA", json: `{"version":5}`, status: 409,
				check: unchanged(serial, cases.Submitted, 1)},
			{name: "return for correction", method: "POST", path: one + "/actions/return", as: "workerA",
				json: `{"version":1,"items":["毕业证书照片模糊"]}`, status: 200,
				want: []string{`"state":"correction"`, `"role":"caseworker"`, f.users["citizen"].IDNumber, `"corrections":["毕业证书照片模糊"]`}},
			{name: "resubmit with a new file", method: "POST", path: one + "/actions/resubmit", as: "citizen",
				json: fmt.Sprintf(`{"version":2,"materials":[{"material":"毕业证书","blob":%q}]}`, id), status: 200,
				want: []string{`"state":"submitted"`, `"action":"resubmit"`},
				check: func(t *testing.T, f *fixture, _ *httptest.ResponseRecorder) {
					a, _ := f.Store.FindApplicationBySerial(t.Context(), serial)
					if a.Materials[1].SHA256 != id {
						t.Errorf("material after resubmission: %+v", a.Materials[1])
					}
				}},
			{name: "accept", method: "POST", path: one + "/actions/accept", as: "workerA", json: `{"version":3}`, status: 200,
				want: []string{`"state":"accepted"`, `"due_at":`, `"deadline":"ok"`}},
		})
	})
}
