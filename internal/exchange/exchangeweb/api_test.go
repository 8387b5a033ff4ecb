package exchangeweb_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/exchange"
)

// queryBody is a query of the graduate-settlement purpose.
func queryBody(dataset, subject string, extra map[string]any) string {
	m := map[string]any{"dataset": dataset, "subject": subject,
		"purpose": exchange.RulePurpose(exchange.GraduateItemName), "legal_basis": exchange.DemoLegalBasis}
	for k, v := range extra {
		m[k] = v
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// TestQueryAPI calls the registry API as departments' systems with and
// without policies, as staff and citizens, and with malformed requests.
func TestQueryAPI(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		t.Parallel()
		f := newFixture(t, d)
		post := http.MethodPost
		const path = "/api/v1/exchange/query"
		logged := func(kind exchange.ActorKind, actorID string) func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
			return func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
				t.Helper()
				var res struct {
					LogSeq int64 `json:"log_seq"`
				}
				decode(t, w, &res)
				list, _, err := f.env.Store.FindEntries(context.Background(), exchange.EntryFilter{Limit: 1})
				if err != nil || len(list) != 1 || list[0].Seq != res.LogSeq || list[0].ActorKind != kind || list[0].ActorID != actorID {
					t.Errorf("newest log entry = %+v, %v; want entry %d by %s %s", list, err, res.LogSeq, kind, actorID)
				}
			}
		}
		runScenarios(t, f, []scenario{
			{name: "the HR bureau's system reads 王磊", method: post, path: path, bearer: "rs", json: queryBody("population", wangID, nil),
				status: http.StatusOK, want: []string{`"name":"王磊"`, `"hukou_division":"420106"`, `"version":1`, `"demo":true`},
				notWant: []string{"hukou_address"},
				check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
					var res struct {
						Records []struct {
							Hash   string            `json:"hash"`
							Fields map[string]string `json:"fields"`
						} `json:"records"`
					}
					decode(t, w, &res)
					if len(res.Records) != 1 || len(res.Records[0].Hash) != 64 || len(res.Records[0].Fields) != 6 {
						t.Errorf("records = %+v, want one with a hash and the policy's 6 fields", res.Records)
					}
					logged(exchange.ActorClient, "rs-talent-system")(t, f, w)
				}},
			{name: "fewer fields on request", method: post, path: path, bearer: "rs",
				json:   queryBody("education", wangID, map[string]any{"fields": []string{"level"}, "key": "199021202650002603", "reference": "SN-9"}),
				status: http.StatusOK, want: []string{`"fields":{"level":"本科"}`}, notWant: []string{"school"}},
			{name: "someone without records: an empty answer, logged", method: post, path: path, bearer: "rs",
				json: queryBody("population", "44130220020819742X", nil), status: http.StatusOK, want: []string{`"records":[]`},
				check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
					logged(exchange.ActorClient, "rs-talent-system")(t, f, w)
				}},
			{name: "a field outside the policy", method: post, path: path, bearer: "rs",
				json:   queryBody("population", wangID, map[string]any{"fields": []string{"name", "hukou_address"}}),
				status: http.StatusForbidden, check: wantProblem("exchange.fields", "")},
			{name: "another purpose", method: post, path: path, bearer: "rs",
				json: queryBody("population", wangID, map[string]any{"purpose": "市场营销"}), status: http.StatusForbidden,
				want: []string{"市场营销"}, check: wantProblem("exchange.purpose", "")},
			{name: "a department without a policy", method: post, path: path, bearer: "mz", json: queryBody("population", wangID, nil),
				status: http.StatusForbidden, want: []string{"SZMZ"}, check: wantProblem("exchange.no_policy", "")},
			{name: "a system that belongs to no department", method: post, path: path, bearer: "nodept",
				json: queryBody("population", wangID, nil), status: http.StatusForbidden, check: wantProblem("exchange.client_department", "")},
			{name: "a disabled system", method: post, path: path, bearer: "off", json: queryBody("population", wangID, nil),
				status: http.StatusUnauthorized, check: wantChallenge("invalid_token")},
			{name: "a forged token", method: post, path: path, bearer: "raw:Bearer not-a-real-token", json: queryBody("population", wangID, nil),
				status: http.StatusUnauthorized, check: wantChallenge("invalid_token")},
			{name: "another scheme", method: post, path: path, bearer: "raw:Basic cnM6c2VjcmV0", json: queryBody("population", wangID, nil),
				status: http.StatusUnauthorized, check: wantChallenge("invalid_request")},
			{name: "no credentials", method: post, path: path, json: queryBody("population", wangID, nil), status: http.StatusUnauthorized,
				check: wantProblem("exchange.credentials", "")},
			{name: "a caseworker's session reads with the department's policies", method: post, path: path, as: "rsClerk",
				json: queryBody("population", wangID, nil), status: http.StatusOK, want: []string{`"name":"王磊"`},
				check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
					logged(exchange.ActorStaff, f.users["rsClerk"].ID)(t, f, w)
				}},
			{name: "a citizen may not read registries", method: post, path: path, as: "wang", json: queryBody("population", liID, nil),
				status: http.StatusForbidden, check: wantProblem("exchange.staff_only", "")},
			{name: "a citizen's own token may not read registries either", method: post, path: path, bearer: "wang",
				json: queryBody("population", liID, nil), status: http.StatusForbidden, check: wantProblem("exchange.staff_only", "")},
			{name: "malformed JSON", method: post, path: path, bearer: "rs", json: `{"dataset": "population",`,
				status: http.StatusBadRequest, check: wantProblem("json.syntax", "")},
			{name: "an unknown member", method: post, path: path, bearer: "rs", json: queryBody("population", wangID, map[string]any{"sql": "1"}),
				status: http.StatusBadRequest, check: wantProblem("json.invalid", "")},
			{name: "a number for the subject", method: post, path: path, bearer: "rs", json: `{"dataset":"population","subject":420106}`,
				status: http.StatusUnprocessableEntity, check: wantProblem("json.type", "subject")},
			{name: "a malformed identity number", method: post, path: path, bearer: "rs", json: queryBody("population", "42010620020315345", nil),
				status: http.StatusUnprocessableEntity, check: wantProblem("idnumber.length", "subject")},
			{name: "no purpose", method: post, path: path, bearer: "rs", json: queryBody("population", wangID, map[string]any{"purpose": ""}),
				status: http.StatusUnprocessableEntity, check: wantProblem("exchange.purpose_missing", "purpose")},
			{name: "an unknown dataset", method: post, path: path, bearer: "rs", json: queryBody("tax", wangID, nil),
				status: http.StatusNotFound, check: wantProblem("exchange.dataset_unknown", "dataset")},
			{name: "in English", method: post, path: path + "?lang=en", bearer: "mz", json: queryBody("population", wangID, nil),
				status: http.StatusForbidden, want: []string{"department SZMZ has no policy allowing it to read dataset population"}},
		})
	})
}

// wantChallenge checks a 401's WWW-Authenticate error.
func wantChallenge(code string) func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
	return func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
		t.Helper()
		if h := w.Header().Get("WWW-Authenticate"); !strings.Contains(h, `error="`+code+`"`) {
			t.Errorf("WWW-Authenticate = %q, want error=%q", h, code)
		}
		wantProblem("token.invalid", "")(t, f, w)
	}
}

// TestOtherAPIs checks the datasets, policies and my-access-log
// endpoints: each caller sees only what is theirs.
func TestOtherAPIs(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		t.Parallel()
		f := newFixture(t, d)
		f.read(t, exchange.Population, wangID, "SN-WANG-1")
		f.read(t, exchange.Education, wangID, "SN-WANG-2")
		f.read(t, exchange.Population, liID, "SN-LI-1")
		mine := func(want int) func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
			return func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
				var res struct {
					Total   int `json:"total"`
					Entries []struct {
						Seq            int64  `json:"seq"`
						DepartmentName string `json:"department_name"`
						Purpose        string `json:"purpose"`
					} `json:"entries"`
				}
				decode(t, w, &res)
				if res.Total != want || len(res.Entries) != want {
					t.Errorf("%d of %d entries, want %d", len(res.Entries), res.Total, want)
				}
				for _, e := range res.Entries {
					if e.DepartmentName != "深圳市人力资源和社会保障局" || e.Purpose == "" {
						t.Errorf("entry %+v lacks the department's name or the purpose", e)
					}
				}
			}
		}
		runScenarios(t, f, []scenario{
			{name: "datasets and schemas are public", path: "/api/v1/exchange/datasets", status: http.StatusOK,
				want: []string{`"name":"population"`, `"owner":"SZGA"`, `"key_field":"certificate_no"`, `"values":["正常","注销"]`, `"type":"id_number"`}},
			{name: "a system sees its department's policies", path: "/api/v1/exchange/policies", bearer: "rs", status: http.StatusOK,
				want: []string{`"department":"SZRS"`, "人才引进入户人工复核", `"dataset":"hr_agency"`}, notWant: []string{"户籍迁入办理"}},
			{name: "a system without policies sees none", path: "/api/v1/exchange/policies", bearer: "mz", status: http.StatusOK,
				want: []string{`"policies":[]`}},
			{name: "a citizen has no policies", path: "/api/v1/exchange/policies", as: "wang", status: http.StatusForbidden,
				check: wantProblem("exchange.no_department", "")},
			{name: "王磊's session: his own entries", path: "/api/v1/exchange/my-access-log", as: "wang", status: http.StatusOK,
				check: mine(2), notWant: []string{"SN-LI-1"}},
			{name: "王磊's token: the same", path: "/api/v1/exchange/my-access-log", bearer: "wang", status: http.StatusOK,
				check: mine(2), notWant: []string{"SN-LI-1"}},
			{name: "李芳: hers", path: "/api/v1/exchange/my-access-log", as: "li", status: http.StatusOK, check: mine(1),
				notWant: []string{"SN-WANG"}},
			{name: "paging", path: "/api/v1/exchange/my-access-log?page=2", as: "wang", status: http.StatusOK,
				want: []string{`"total":2`, `"page":2`, `"entries":[]`}},
			{name: "a system has no data of its own", path: "/api/v1/exchange/my-access-log", bearer: "rs", status: http.StatusForbidden,
				check: wantProblem("exchange.no_subject", "")},
			{name: "anonymous", path: "/api/v1/exchange/my-access-log", status: http.StatusUnauthorized,
				check: wantProblem("exchange.credentials", "")},
		})
	})
}
