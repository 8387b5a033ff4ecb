package approvalweb_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/approval"
	"github.com/pengcheng-gov/pengcheng/internal/approval/approvaltest"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
)

const evalPath = "/api/v1/approval/services/" + item + "/eval"

// inputJSON returns the dry-run input of approvaltest.Input changed by
// fn, as JSON.
func inputJSON(t *testing.T, fn func(in *approval.Input)) string {
	t.Helper()
	in := approvaltest.Input()
	if fn != nil {
		fn(&in)
	}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// keys returns the sorted keys of a JSON object.
func keys(m map[string]json.RawMessage) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// wantEval returns a check that the response is exactly a dry run's
// answer with the outcome and version, and the given results of rules
// by id (the others pass).
func wantEval(outcome approval.Outcome, version int, results map[string]approval.Result) func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
	return func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
		t.Helper()
		if ct := w.Header().Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type = %q", ct)
		}
		var top map[string]json.RawMessage
		decode(t, w, &top)
		if got := keys(top); !slices.Equal(got, []string{"outcome", "rules", "ruleset_version"}) {
			t.Errorf("keys %v, want exactly outcome, rules, ruleset_version", got)
		}
		var raw []map[string]json.RawMessage
		if err := json.Unmarshal(top["rules"], &raw); err != nil {
			t.Fatal(err)
		}
		for _, r := range raw {
			if got := keys(r); !slices.Equal(got, []string{"id", "reason", "result"}) {
				t.Errorf("rule keys %v, want exactly id, result, reason", got)
			}
		}
		var res approval.DryRunResult
		decode(t, w, &res)
		if res.Outcome != outcome || res.RuleSetVersion != version || len(res.Rules) != 8 {
			t.Fatalf("answer %+v, want %s by version %d with 8 rules", res, outcome, version)
		}
		for _, r := range res.Rules {
			want, ok := results[r.ID]
			if !ok {
				want = approval.Pass
			}
			if r.Result != want || r.Reason == "" {
				t.Errorf("rule %s: %s (%s), want %s with a reason", r.ID, r.Result, r.Reason, want)
			}
		}
	}
}

// TestEvalAPI dry-runs the published rules through the API: the exact
// answer for 王磊 and for people who fail, problems for bad input, and
// refusals for those who may not try the department's rules.
func TestEvalAPI(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		t.Parallel()
		f := newFixture(t, d)
		wang := inputJSON(t, nil)
		zhao := inputJSON(t, func(in *approval.Input) {
			in.Applicant.IDNumber, in.Applicant.Name = "430102200109090869", "赵婷"
			in.Education.CertificateNo, in.Education.DegreeCertificateNo = "199031202650002604", "1990342026002604"
		})
		late := inputJSON(t, func(in *approval.Input) { in.AppliedOn = "2029-07-01" })
		runScenarios(t, f, []scenario{
			{name: "王磊 is approved", method: http.MethodPost, path: evalPath, as: "rsClerk", json: wang, status: http.StatusOK,
				want:  []string{`"reason":"身份证号码有效，姓名与人口信息库一致，户籍状态正常"`},
				check: wantEval(approval.Approve, 1, nil)},
			{name: "the department's administrator may too", method: http.MethodPost, path: evalPath, as: "rsAdmin", json: wang,
				status: http.StatusOK, check: wantEval(approval.Approve, 1, nil)},
			{name: "赵婷 studied part-time", method: http.MethodPost, path: evalPath, as: "rsClerk", json: zhao, status: http.StatusOK,
				want: []string{"学习形式为「非全日制」"}, check: wantEval(approval.Reject, 1, map[string]approval.Result{"education": approval.Fail})},
			{name: "three years later 王磊 is no longer a recent graduate", method: http.MethodPost, path: evalPath, as: "platform",
				json: late, status: http.StatusOK, want: []string{"不属于应届毕业生"},
				check: wantEval(approval.Reject, 1, map[string]approval.Result{"graduation_window": approval.Fail})},
			{name: "malformed JSON", method: http.MethodPost, path: evalPath, as: "rsClerk", json: `{"channel": "individual",`,
				status: http.StatusBadRequest, check: wantProblem("json.syntax", "")},
			{name: "an unknown field", method: http.MethodPost, path: evalPath, as: "rsClerk",
				json: strings.Replace(wang, `"channel"`, `"chanel"`, 1), status: http.StatusUnprocessableEntity,
				check: wantProblem("approval.input_json", "input")},
			{name: "an unknown channel", method: http.MethodPost, path: evalPath, as: "rsClerk",
				json: strings.Replace(wang, `"individual"`, `"lottery"`, 1), status: http.StatusUnprocessableEntity,
				check: wantProblem("approval.channel", "channel")},
			{name: "a body that is too large", method: http.MethodPost, path: evalPath, as: "rsClerk",
				json: `{"form": {"x": "` + strings.Repeat("a", 70<<10) + `"}}`, status: http.StatusBadRequest,
				check: wantProblem("json.too_large", "")},
			{name: "an item without published rules", method: http.MethodPost, path: "/api/v1/approval/services/" + approvaltest.ItemHukou + "/eval",
				as: "gaClerk", json: wang, status: http.StatusNotFound, check: wantProblem("approval.no_ruleset", "")},
			{name: "an unknown item", method: http.MethodPost, path: "/api/v1/approval/services/4403-NOPE-001/eval", as: "platform",
				json: wang, status: http.StatusNotFound},
			{name: "another department's caseworker", method: http.MethodPost, path: evalPath, as: "gaClerk", json: wang,
				status: http.StatusForbidden, check: wantProblem("approval.forbidden_try", "")},
			{name: "a citizen", method: http.MethodPost, path: evalPath, as: "wang", json: wang,
				status: http.StatusForbidden, check: wantProblem("approval.forbidden_try", "")},
			{name: "anonymous", method: http.MethodPost, path: evalPath, json: wang,
				status: http.StatusUnauthorized, check: wantProblem("login.required", "")},
			{name: "the versions", path: "/api/v1/approval/services/" + item + "/rulesets", as: "rsClerk", status: http.StatusOK,
				want:    []string{`"item":"4403-SZRS-001"`, `"version":1`, `"status":"published"`, `"published_at":"`, "+08:00"},
				notWant: []string{"source", "graduation_window_years"}},
			{name: "the versions are not for citizens", path: "/api/v1/approval/services/" + item + "/rulesets", as: "wang",
				status: http.StatusForbidden, check: wantProblem("approval.forbidden_try", "")},
			{name: "nor for anonymous callers", path: "/api/v1/approval/services/" + item + "/rulesets",
				status: http.StatusUnauthorized, check: wantProblem("login.required", "")},
		})
	})
}
