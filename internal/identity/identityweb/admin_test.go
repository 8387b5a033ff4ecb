package identityweb_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identityweb"
)

// stored returns the account as the store has it now.
func stored(t *testing.T, f *fixture, key string) *identity.Account {
	t.Helper()
	a, err := f.env.Service.AccountByID(context.Background(), f.users[key].ID)
	if err != nil {
		t.Fatalf("load %s: %v", key, err)
	}
	return a
}

func adminScenarios(f *fixture) []scenario {
	id := func(key string) string { return f.users[key].ID }
	return []scenario{
		{name: "anonymous goes to login", path: "/admin/accounts", status: 303, location: "/login?next=%2Fadmin%2Faccounts"},
		{name: "citizens may not", path: "/admin/accounts", as: "citizen", status: 403, want: []string{"无权访问"}, notWant: []string{"甲窗口人员"}},
		{name: "caseworkers may not", path: "/admin/accounts", as: "workerA", status: 403},
		{name: "platform admin sees everybody, masked", path: "/admin/accounts", as: "platform", status: 200,
			want: []string{"张三丰", identityweb.MaskIDNumber(citizenID), "鹏城测试科技有限公司", "甲窗口人员", "乙窗口人员",
				"<summary>管理</summary>", `href="/admin/accounts/` + id("citizen") + `"`},
			notWant: []string{citizenID}},
		{name: "department admin sees own department's staff", path: "/admin/accounts", as: "deptA", status: 200,
			want:    []string{"甲窗口人员", "甲部门管理员", `href="/admin/audit"`},
			notWant: []string{"乙窗口人员", "张三丰", "鹏城测试科技有限公司", `name="kind"`}},
		{name: "kind filter", path: "/admin/accounts?kind=enterprise", as: "platform", status: 200,
			want: []string{"鹏城测试科技有限公司"}, notWant: []string{"张三丰", "甲窗口人员"}},
		{name: "query filter", path: "/admin/accounts?q=" + url.QueryEscape("窗口"), as: "platform", status: 200,
			want: []string{"甲窗口人员", "乙窗口人员"}, notWant: []string{"张三丰"}},
		{name: "department filter", path: "/admin/accounts?department=TESTB", as: "platform", status: 200,
			want: []string{"乙窗口人员"}, notWant: []string{"甲窗口人员"}},
		{name: "department admin cannot widen the filter", path: "/admin/accounts?department=TESTB&kind=person", as: "deptA", status: 200,
			notWant: []string{"乙窗口人员", "张三丰"}},
		{name: "person details, masked", path: "/admin/accounts/" + id("citizen"), as: "platform", status: 200,
			want:    []string{"张三丰", identityweb.MaskIDNumber(citizenID), `action="/admin/accounts/` + id("citizen") + `/password"`, "停用账号"},
			notWant: []string{citizenID}},
		{name: "other department's staff is not found", path: "/admin/accounts/" + id("workerB"), as: "deptA", status: 404,
			notWant: []string{"乙窗口人员"}},
		{name: "persons are not found for department admins", path: "/admin/accounts/" + id("citizen"), as: "deptA", status: 404},
		{name: "own page offers no self-disable", path: "/admin/accounts/" + id("platform"), as: "platform", status: 200,
			want: []string{"不能修改自己的角色"}, notWant: []string{`id="account-status"`}},
		{name: "department admin sees a platform admin of their department read-only", path: "/admin/accounts/" + id("platform"), as: "deptA", status: 200,
			want: []string{"您可以查看此账号，但无权修改"}, notWant: []string{`id="edit-account"`, `id="reset-password"`}},
		{name: "new staff form for a department admin", path: "/admin/accounts/new?kind=person", as: "deptA", status: 200,
			want:    []string{`name="kind" value="staff"`, `value="dept_admin"`, `value="caseworker"`, `value="TESTA" disabled`},
			notWant: []string{`value="platform_admin"`, `name="id_number"`}},
		{name: "new person form", path: "/admin/accounts/new?kind=person", as: "platform", status: 200,
			want: []string{`name="id_number"`, `name="kind" value="person"`, "自然人", "法人", "工作人员"}},
		{name: "create staff", method: "POST", path: "/admin/accounts", as: "platform", status: 303,
			form: url.Values{"kind": {"staff"}, "display_name": {"新来的调度员"}, "username": {"new-dispatcher"},
				"department": {"TESTB"}, "roles": {"dispatcher", "grid_worker"}, "password": {"Start-passw0rd"}},
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
				loc := w.Header().Get("Location")
				if !strings.HasPrefix(loc, "/admin/accounts/") {
					t.Fatalf("Location = %q", loc)
				}
				a, err := f.env.Service.AccountByID(context.Background(), strings.TrimPrefix(loc, "/admin/accounts/"))
				if err != nil {
					t.Fatal(err)
				}
				if a.Department != "TESTB" || len(a.Roles) != 2 || a.DisplayName != "新来的调度员" {
					t.Errorf("created %+v", a)
				}
			}},
		{name: "department admin creates staff in their department", method: "POST", path: "/admin/accounts", as: "deptA", status: 303,
			form: url.Values{"kind": {"staff"}, "display_name": {"甲新人"}, "username": {"a-newcomer"}, "department": {"TESTB"},
				"roles": {"caseworker"}, "password": {"Start-passw0rd"}},
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
				a, err := f.env.Service.AccountByID(context.Background(), strings.TrimPrefix(w.Header().Get("Location"), "/admin/accounts/"))
				if err != nil || a.Department != identitytest.DeptA {
					t.Errorf("created %+v (%v), want department %s", a, err, identitytest.DeptA)
				}
			}},
		{name: "department admin cannot grant platform admin", method: "POST", path: "/admin/accounts", as: "deptA", status: 403,
			form: url.Values{"kind": {"staff"}, "display_name": {"越权"}, "username": {"escalator"}, "roles": {"platform_admin"}},
			want: []string{"您无权进行此操作", `value="escalator"`}},
		{name: "bad identity number keeps the form", method: "POST", path: "/admin/accounts", as: "platform", status: 422,
			form: url.Values{"kind": {"person"}, "display_name": {"王五"}, "id_number": {"440304199001011230"}, "password": {"Secret-passw0rd"}},
			want: []string{`value="王五"`, `value="440304199001011230"`, `aria-invalid="true"`}, notWant: []string{"Secret-passw0rd"}},
		{name: "duplicate username", method: "POST", path: "/admin/accounts", as: "platform", status: 409,
			form: url.Values{"kind": {"staff"}, "display_name": {"重名"}, "username": {"worker-a"}, "department": {"TESTA"}, "roles": {"caseworker"}}},
		{name: "department admin edits own staff", method: "POST", path: "/admin/accounts/" + id("workerA"), as: "deptA", status: 303,
			form: url.Values{"display_name": {"甲窗口人员"}, "phone": {"13600136000"}, "email": {"a@example.org"},
				"department": {"TESTA"}, "roles": {"caseworker", "grid_worker"}},
			check: func(t *testing.T, f *fixture, _ *httptest.ResponseRecorder) {
				a := stored(t, f, "workerA")
				if a.Phone != "13600136000" || a.Email != "a@example.org" || !a.HasRole(identity.GridWorker) {
					t.Errorf("after edit: %+v", a)
				}
			}},
		{name: "bad phone keeps what was typed", method: "POST", path: "/admin/accounts/" + id("workerA"), as: "deptA", status: 422,
			form: url.Values{"display_name": {"甲窗口人员"}, "phone": {"123"}, "department": {"TESTA"}, "roles": {"caseworker"}},
			want: []string{`value="123"`, `aria-invalid="true"`}},
		{name: "department admin cannot move staff away", method: "POST", path: "/admin/accounts/" + id("workerA"), as: "deptA", status: 403,
			form: url.Values{"display_name": {"甲窗口人员"}, "department": {"TESTB"}, "roles": {"caseworker", "grid_worker"}},
			check: func(t *testing.T, f *fixture, _ *httptest.ResponseRecorder) {
				if a := stored(t, f, "workerA"); a.Department != identitytest.DeptA {
					t.Errorf("department changed to %s", a.Department)
				}
			}},
		{name: "department admin cannot edit other departments", method: "POST", path: "/admin/accounts/" + id("workerB"), as: "deptA", status: 404,
			form: url.Values{"display_name": {"改名"}}},
		{name: "admin edits own name, roles unchanged", method: "POST", path: "/admin/accounts/" + id("platform"), as: "platform", status: 303,
			form: url.Values{"display_name": {"平台管理员乙"}, "department": {"TESTA"}, "roles": {"platform_admin"}},
			check: func(t *testing.T, f *fixture, _ *httptest.ResponseRecorder) {
				if a := stored(t, f, "platform"); a.DisplayName != "平台管理员乙" || !a.HasRole(identity.PlatformAdmin) {
					t.Errorf("after editing oneself: %+v", a)
				}
			}},
		{name: "nobody changes their own roles", method: "POST", path: "/admin/accounts/" + id("deptA"), as: "deptA", status: 403,
			form: url.Values{"display_name": {"甲部门管理员"}, "department": {"TESTA"}, "roles": {"dept_admin", "dispatcher"}}},
		{name: "disable", method: "POST", path: "/admin/accounts/" + id("leaver") + "/status", as: "platform", status: 303,
			form: url.Values{"disabled": {"true"}},
			check: func(t *testing.T, f *fixture, _ *httptest.ResponseRecorder) {
				if !stored(t, f, "leaver").Disabled {
					t.Errorf("not disabled")
				}
				if sessionWorks(f, f.users["leaver"].token) {
					t.Errorf("the disabled account's session still works")
				}
			}},
		{name: "disabled shows enable", path: "/admin/accounts/" + id("leaver"), as: "platform", status: 200,
			want: []string{"已停用", "启用账号", `name="disabled" value="false"`}},
		{name: "cannot disable oneself", method: "POST", path: "/admin/accounts/" + id("deptA") + "/status", as: "deptA", status: 403,
			form: url.Values{"disabled": {"true"}}, want: []string{"不能修改自己的角色或停用自己的账户"}},
		{name: "reset password", method: "POST", path: "/admin/accounts/" + id("workerA") + "/password", as: "deptA", status: 303,
			form: url.Values{"password": {"Reset-passw0rd"}},
			check: func(t *testing.T, f *fixture, _ *httptest.ResponseRecorder) {
				if _, _, _, err := f.env.Service.Login(context.Background(), "worker-a", "Reset-passw0rd", testClient); err != nil {
					t.Errorf("login with the reset password: %v", err)
				}
			}},
		{name: "reset needs a valid password", method: "POST", path: "/admin/accounts/" + id("workerA") + "/password", as: "deptA", status: 422,
			form: url.Values{"password": {"abc"}}, want: []string{"密码至少需要8个字符"}},
		{name: "no reset across departments", method: "POST", path: "/admin/accounts/" + id("workerB") + "/password", as: "deptA", status: 404,
			form: url.Values{"password": {"Reset-passw0rd"}}},
	}
}

func auditScenarios(f *fixture) []scenario {
	return []scenario{
		{name: "platform admin reads the log", path: "/admin/audit", as: "platform", status: 200,
			want: []string{"审计日志", `badge-red">登录失败`, "198.51.100.7", `hx-get="/admin/audit"`}},
		{name: "department admin reads their department", path: "/admin/audit", as: "deptA", status: 200,
			want: []string{"depta-admin"}, notWant: []string{"deptb-admin", "worker-b", identityweb.MaskIDNumber(citizenID)}},
		{name: "kind filter", path: "/admin/audit?kind=password_reset", as: "platform", status: 200,
			want: []string{`<span class="badge">重置密码</span>`, "worker-a"}, notWant: []string{`badge-red">登录失败`, `<span class="badge">登录</span>`}},
		{name: "account by login name", path: "/admin/audit?account=worker-b", as: "platform", status: 200,
			want: []string{"worker-b"}, notWant: []string{"depta-admin"}},
		{name: "unknown account", path: "/admin/audit?account=nobody-here", as: "platform", status: 422, want: []string{"找不到该账号"}},
		{name: "bad date", path: "/admin/audit?since=yesterday", as: "platform", status: 422, want: []string{"日期格式应为"}},
		{name: "date range before everything", path: "/admin/audit?until=2020-01-01", as: "platform", status: 200,
			want: []string{"暂无数据"}},
		{name: "htmx gets the results only", path: "/admin/audit?kind=login", as: "platform", status: 200,
			header: map[string]string{"HX-Request": "true"},
			want:   []string{"<table"}, notWant: []string{"<html", "<header"}},
		{name: "citizens may not", path: "/admin/audit", as: "citizen", status: 403},
	}
}

// decode parses a JSON body into v.
func decode(t *testing.T, w *httptest.ResponseRecorder, v any) {
	t.Helper()
	if err := json.Unmarshal(w.Body.Bytes(), v); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, w.Body)
	}
}

func apiScenarios(f *fixture) []scenario {
	id := func(key string) string { return f.users[key].ID }
	type list struct {
		Items []map[string]any `json:"items"`
		Total int              `json:"total"`
	}
	return []scenario{
		{name: "me", path: "/api/v1/me", as: "workerB", status: 200,
			want:    []string{`"id":"` + id("workerB") + `"`, `"kind":"staff"`, `"display_name":"乙窗口人员"`, `"roles":["caseworker"]`, `"department":"TESTB"`},
			notWant: []string{"password", "argon2"}},
		{name: "me for a person hides numbers", path: "/api/v1/me", as: "citizen", status: 200,
			want: []string{`"kind":"person"`, `"roles":[]`}, notWant: []string{citizenID, citizenPhone, "password"}},
		{name: "me anonymous", path: "/api/v1/me", status: 401, want: []string{`"status":401`}},
		{name: "accounts for citizens", path: "/api/v1/accounts", as: "citizen", status: 403},
		{name: "accounts for a department admin", path: "/api/v1/accounts?limit=100", as: "deptA", status: 200,
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
				var l list
				decode(t, w, &l)
				if l.Total == 0 || len(l.Items) != l.Total {
					t.Fatalf("total %d, items %d", l.Total, len(l.Items))
				}
				for _, a := range l.Items {
					if a["department"] != identitytest.DeptA || a["kind"] != "staff" {
						t.Errorf("department admin sees %v", a)
					}
				}
			}},
		{name: "accounts paging", path: "/api/v1/accounts?limit=2&offset=1", as: "platform", status: 200,
			want: []string{`"limit":2`, `"offset":1`},
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
				var l list
				decode(t, w, &l)
				if len(l.Items) != 2 || l.Total < 10 {
					t.Errorf("items %d, total %d", len(l.Items), l.Total)
				}
			}},
		{name: "bad limit", path: "/api/v1/accounts?limit=9999", as: "platform", status: 422, want: []string{`"field":"limit"`}},
		{name: "one account, masked", path: "/api/v1/accounts/" + id("citizen"), as: "platform", status: 200,
			want:    []string{`"id_number":"` + identityweb.MaskIDNumber(citizenID) + `"`, `"phone":"138****8000"`, `"id_verified":true`},
			notWant: []string{citizenID, citizenPhone, "password"}},
		{name: "one's own account", path: "/api/v1/accounts/" + id("other"), as: "other", status: 200, want: []string{"李四光"}},
		{name: "another person's account", path: "/api/v1/accounts/" + id("citizen"), as: "other", status: 404,
			want: []string{`"status":404`}, notWant: []string{"张三丰"}},
		{name: "own audit events only", path: "/api/v1/audit-events?limit=500", as: "citizen", status: 200,
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
				var l list
				decode(t, w, &l)
				if len(l.Items) == 0 {
					t.Fatal("no events")
				}
				for _, e := range l.Items {
					if e["account_id"] != f.users["citizen"].ID {
						t.Errorf("citizen sees event %v", e)
					}
					if e["login"] == citizenID {
						t.Errorf("event shows the identity number unmasked")
					}
				}
			}},
		{name: "audit events since", path: "/api/v1/audit-events?since=2999-01-01T00:00:00Z", as: "platform", status: 200,
			want: []string{`"items":[]`, `"total":0`}},
		{name: "audit events bad time", path: "/api/v1/audit-events?since=yesterday", as: "platform", status: 422,
			want: []string{`"field":"since"`}},
	}
}
