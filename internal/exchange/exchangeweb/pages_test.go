package exchangeweb_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/exchange"
)

// TestMyDataUsePage checks that people and enterprises see who used their
// own data, and nobody else's.
func TestMyDataUsePage(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		t.Parallel()
		f := newFixture(t, d)
		f.read(t, exchange.Population, wangID, "SN-WANG-1")
		f.read(t, exchange.Education, wangID, "SN-WANG-1")
		f.read(t, exchange.Population, liID, "SN-LI-1")
		f.read(t, exchange.Enterprise, company, "SN-CO-1")
		runScenarios(t, f, []scenario{
			{name: "王磊 sees the reads of his data", path: "/my/data-use", as: "wang", status: http.StatusOK,
				want: []string{"我的数据使用记录", "420106********3452", "深圳市人力资源和社会保障局", "自动审批", "秒批规则：高校应届毕业生引进入户",
					"人口基础信息", "学历学位信息", "姓名", "户籍地行政区划", "秒批：高校应届毕业生引进入户", exchange.DemoLegalBasis, "SN-WANG-1"},
				notWant: []string{"SN-LI-1", "SN-CO-1", liID, "户籍地址"}},
			{name: "李芳 sees only hers", path: "/my/data-use", as: "li", status: http.StatusOK,
				want: []string{"SN-LI-1", "440304********2346"}, notWant: []string{"SN-WANG-1", "学历学位信息"}},
			{name: "the enterprise sees its own", path: "/my/data-use", as: "company", status: http.StatusOK,
				want: []string{"SN-CO-1", "商事主体登记信息", "贵单位"}, notWant: []string{"SN-WANG-1", "SN-LI-1"}},
			{name: "in English", path: "/my/data-use?lang=en", as: "wang", status: http.StatusOK,
				want: []string{"Use of my data", "Population register", "Automatic decision"}},
			{name: "a query parameter cannot name another subject", path: "/my/data-use?subject=" + liID + "&id_number=" + liID,
				as: "wang", status: http.StatusOK, want: []string{"SN-WANG-1"}, notWant: []string{"SN-LI-1"}},
			{name: "anonymous visitors are sent to log in", path: "/my/data-use", status: http.StatusSeeOther, location: "/login?next="},
			{name: "staff have no data-use records", path: "/my/data-use", as: "rsClerk", status: http.StatusForbidden,
				want: []string{"只有个人和企业账号有数据使用记录"}},
		})
	})
}

// TestPolicyPages walks the administrators' policy pages: who may see and
// change what, a new policy that lets another department read, and a
// revocation that stops it.
func TestPolicyPages(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		t.Parallel()
		f := newFixture(t, d)
		var created string
		mzRead := func(t *testing.T) error {
			t.Helper()
			_, err := f.env.Service.Read(context.Background(), exchange.Request{
				Actor:   exchange.Actor{Kind: exchange.ActorStaff, ID: f.users["mzClerk"].ID, Name: "民政", Department: "SZMZ"},
				Dataset: exchange.Population, Subject: wangID, Purpose: "最低生活保障家庭核查", LegalBasis: "《社会救助暂行办法》"})
			return err
		}
		form := url.Values{"dataset": {"population"}, "department": {"SZMZ"}, "fields": {"id_number", "name", "status"},
			"purpose": {"最低生活保障家庭核查"}, "legal_basis": {"《社会救助暂行办法》"}, "valid_from": {"2026-01-01"}, "valid_until": {"2026-12-31"}}
		runScenarios(t, f, []scenario{
			{name: "platform admin sees every policy and the datasets", path: "/exchange/policies", as: "platform", status: http.StatusOK,
				want: []string{"数据共享授权", "人口基础信息", "学信网", "秒批：高校应届毕业生引进入户", "户籍迁入办理", "新增授权", `id="datasets"`}},
			{name: "a caseworker sees their department's policies only", path: "/exchange/policies", as: "rsClerk", status: http.StatusOK,
				want: []string{"人才引进入户人工复核"}, notWant: []string{"户籍迁入办理", "新增授权"}},
			{name: "citizens may not see policies", path: "/exchange/policies", as: "wang", status: http.StatusForbidden},
			{name: "the owner's admin opens the form", path: "/exchange/policies/new?dataset=population", as: "gaAdmin", status: http.StatusOK,
				want: []string{`name="fields" value="hukou_address"`, "户籍地址", `name="purpose"`}},
			{name: "an admin who owns no dataset of that kind gets the ones they own", path: "/exchange/policies/new?dataset=population",
				as: "rsAdmin", status: http.StatusOK, want: []string{`value="hr_agency"`}, notWant: []string{`name="fields" value="hukou_address"`}},
			{name: "a caseworker may not create policies", path: "/exchange/policies/new", as: "rsClerk", status: http.StatusForbidden},
			{name: "another department's admin may not create on population", method: http.MethodPost, path: "/exchange/policies",
				as: "rsAdmin", form: form, status: http.StatusForbidden, want: []string{"只有平台管理员和数据集「人口基础信息」所属部门（SZGA）的管理员"}},
			{name: "a policy without fields is refused with the form again", method: http.MethodPost, path: "/exchange/policies", as: "gaAdmin",
				form: without(form, "fields"), status: http.StatusUnprocessableEntity, want: []string{"请至少选择一个允许读取的字段", `aria-invalid="true"`}},
			{name: "a malformed date is refused", method: http.MethodPost, path: "/exchange/policies", as: "gaAdmin",
				form: with(form, "valid_from", "2026/01/01"), status: http.StatusUnprocessableEntity, want: []string{"YYYY-MM-DD"}},
			{name: "without the CSRF token nothing happens", method: http.MethodPost, path: "/exchange/policies", as: "gaAdmin",
				form: form, noCSRF: true, status: http.StatusForbidden,
				check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
					if err := mzRead(t); err == nil {
						t.Error("a policy was created without the CSRF token")
					}
				}},
			{name: "the owner's admin creates it", method: http.MethodPost, path: "/exchange/policies", as: "gaAdmin", form: form,
				status: http.StatusSeeOther, location: "/exchange/policies/",
				check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
					created = strings.TrimPrefix(w.Header().Get("Location"), "/exchange/policies/")
					if err := mzRead(t); err != nil {
						t.Errorf("SZMZ reads under the new policy: %v", err)
					}
				}},
			{name: "the same purpose twice is a conflict", method: http.MethodPost, path: "/exchange/policies", as: "gaAdmin", form: form,
				status: http.StatusConflict, want: []string{"已有读取"}},
			{name: "the policy's page shows it with the last day", as: "gaAdmin", status: http.StatusOK,
				prepare: func(t *testing.T, f *fixture, sc *scenario) { sc.path = "/exchange/policies/" + created },
				want:    []string{"最低生活保障家庭核查", `value="2026-12-31"`, "撤销授权"}},
			{name: "SZMZ's caseworker sees it read-only", as: "mzClerk", status: http.StatusOK,
				prepare: func(t *testing.T, f *fixture, sc *scenario) { sc.path = "/exchange/policies/" + created },
				want:    []string{"最低生活保障家庭核查", "<fieldset disabled>"}, notWant: []string{"撤销授权"}},
			{name: "a department that neither owns nor reads it cannot see it", as: "rsClerk", status: http.StatusNotFound,
				prepare: func(t *testing.T, f *fixture, sc *scenario) { sc.path = "/exchange/policies/" + created }},
			{name: "the admin narrows the fields", method: http.MethodPost, as: "gaAdmin", status: http.StatusSeeOther,
				prepare: func(t *testing.T, f *fixture, sc *scenario) {
					sc.path = "/exchange/policies/" + created
					sc.form = with(with(form, "version", "1"), "fields", "status")
				},
				check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
					p, err := f.env.Service.Policy(context.Background(), f.users["gaAdmin"].Account, created)
					if err != nil || len(p.Fields) != 1 || p.Fields[0] != "status" || p.Version != 2 {
						t.Errorf("after the change: %+v, %v", p, err)
					}
				}},
			{name: "a stale form is a conflict", method: http.MethodPost, as: "gaAdmin", status: http.StatusConflict,
				prepare: func(t *testing.T, f *fixture, sc *scenario) {
					sc.path = "/exchange/policies/" + created
					sc.form = with(form, "version", "1")
				},
				want: []string{"已被他人修改"}},
			{name: "the admin revokes it, and the department can no longer read", method: http.MethodPost, as: "gaAdmin",
				status:  http.StatusSeeOther,
				prepare: func(t *testing.T, f *fixture, sc *scenario) { sc.path = "/exchange/policies/" + created + "/revoke" },
				check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
					if err := mzRead(t); err == nil || !strings.Contains(err.Error(), "revoked") {
						t.Errorf("read after revocation: %v, want refused as revoked", err)
					}
				}},
			{name: "revoked policies are listed on request", path: "/exchange/policies?revoked=1&department=szmz", as: "platform",
				status: http.StatusOK, want: []string{"最低生活保障家庭核查", "已撤销"}},
		})
	})
}

func with(v url.Values, key, value string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = vs
	}
	out.Set(key, value)
	return out
}

func without(v url.Values, key string) url.Values {
	out := with(v, key, "")
	delete(out, key)
	return out
}

// TestQueryAndLogPages queries a registry as a caseworker, then checks
// the administrators' log and its verification.
func TestQueryAndLogPages(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		t.Parallel()
		f := newFixture(t, d)
		manual := func(t *testing.T) string {
			ps, err := f.env.Service.DepartmentPolicies(context.Background(), "SZRS")
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ps {
				if p.Dataset == exchange.Population && p.Purpose == "人才引进入户人工复核" {
					return p.ID
				}
			}
			t.Fatal("no manual-review policy")
			return ""
		}
		runScenarios(t, f, []scenario{
			{name: "the caseworker's form offers the department's purposes", path: "/exchange/query?dataset=population", as: "rsClerk",
				status: http.StatusOK, want: []string{"人才引进入户人工复核", "秒批：高校应届毕业生引进入户", `name="subject"`}},
			{name: "a department without a policy is told so", path: "/exchange/query", as: "mzClerk", status: http.StatusOK,
				want: []string{"本部门没有读取该数据集的有效授权"}, notWant: []string{`name="subject"`}},
			{name: "citizens may not query", path: "/exchange/query", as: "wang", status: http.StatusForbidden},
			{name: "the caseworker reads 王磊's record", method: http.MethodPost, path: "/exchange/query", as: "rsClerk", status: http.StatusOK,
				prepare: func(t *testing.T, f *fixture, sc *scenario) {
					sc.form = url.Values{"dataset": {"population"}, "subject": {wangID}, "policy": {manual(t)}, "reference": {"SN-REVIEW-7"}}
				},
				want: []string{`id="query-result"`, "王磊", "420106", "正常", "演示数据", "v1"}, notWant: []string{"户籍地址"}},
			{name: "a malformed identity number is refused on its field", method: http.MethodPost, path: "/exchange/query", as: "rsClerk",
				status: http.StatusUnprocessableEntity,
				prepare: func(t *testing.T, f *fixture, sc *scenario) {
					sc.form = url.Values{"dataset": {"population"}, "subject": {"420106200203153453"}, "policy": {manual(t)}}
				},
				want: []string{"校验位错误", `aria-invalid="true"`}},
			{name: "a purpose outside the department's policies is refused", method: http.MethodPost, path: "/exchange/query",
				as: "rsClerk", form: url.Values{"dataset": {"population"}, "subject": {wangID}, "policy": {"someone-elses"}},
				status: http.StatusUnprocessableEntity, want: []string{"请选择本部门在该数据集上有效的授权用途"}},
			{name: "王磊 sees the caseworker's read", path: "/my/data-use", as: "wang", status: http.StatusOK,
				want: []string{"工作人员查询", "陈晓华", "人才引进入户人工复核", "SN-REVIEW-7"}},
			{name: "the platform admin sees the log", path: "/exchange/log", as: "platform", status: http.StatusOK,
				want: []string{"数据访问日志", "420106********3452", "SN-REVIEW-7", "校验日志完整性"}},
			{name: "the platform admin verifies it", method: http.MethodPost, path: "/exchange/log/verify", as: "platform",
				status: http.StatusOK, want: []string{"校验通过：1 条记录完整无误"}},
			{name: "tampering shows on verification", method: http.MethodPost, path: "/exchange/log/verify", as: "platform",
				status: http.StatusOK, want: []string{"校验失败：从第 1 条记录起哈希链断裂"},
				prepare: func(t *testing.T, f *fixture, sc *scenario) {
					if _, err := f.env.DB.Exec(context.Background(), `UPDATE exchange_access_log SET reference = 'X' WHERE seq = 1`); err != nil {
						t.Fatal(err)
					}
				}},
			{name: "a department admin sees their department's reads but cannot verify", path: "/exchange/log", as: "rsAdmin",
				status: http.StatusOK, want: []string{"420106********3452"}, notWant: []string{"校验日志完整性"}},
			{name: "another department's admin sees none of them", path: "/exchange/log", as: "gaAdmin", status: http.StatusOK,
				notWant: []string{"420106********3452"}},
			{name: "a department admin may not verify", method: http.MethodPost, path: "/exchange/log/verify", as: "rsAdmin",
				status: http.StatusForbidden},
			{name: "caseworkers may not read the log", path: "/exchange/log", as: "rsClerk", status: http.StatusForbidden},
		})
	})
}
