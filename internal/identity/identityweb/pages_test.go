package identityweb_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identityweb"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// TestPages runs the page and API scenarios in order on one fixture per
// database; later scenarios may rely on what earlier ones changed.
func TestPages(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		t.Run("login", func(t *testing.T) { runScenarios(t, f, loginScenarios(f)) })
		t.Run("account", func(t *testing.T) { runScenarios(t, f, accountScenarios(f)) })
		t.Run("admin", func(t *testing.T) { runScenarios(t, f, adminScenarios(f)) })
		t.Run("audit", func(t *testing.T) { runScenarios(t, f, auditScenarios(f)) })
		t.Run("api", func(t *testing.T) { runScenarios(t, f, apiScenarios(f)) })
	})
}

// sessionWorks reports whether a session token still authenticates.
func sessionWorks(f *fixture, token string) bool {
	_, _, err := f.env.Service.Authenticate(context.Background(), token)
	return err == nil
}

func loginScenarios(f *fixture) []scenario {
	wantSession := func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
		t.Helper()
		tok, ok := setCookie(w, web.SessionCookieName)
		if !ok || tok == "" || !sessionWorks(f, tok) {
			t.Errorf("no working session cookie set (%q)", tok)
		}
	}
	noSession := func(t *testing.T, _ *fixture, w *httptest.ResponseRecorder) {
		t.Helper()
		if tok, ok := setCookie(w, web.SessionCookieName); ok && tok != "" {
			t.Errorf("a session cookie was set on failure")
		}
	}
	return []scenario{
		{name: "password form", path: "/login", status: 200,
			want: []string{`<form method="post" action="/login"`, `name="login"`, `name="password"`, "身份证号、统一社会信用代码、手机号或用户名",
				"短信验证码登录", `href="/federation/yss/start?next=%2F"`, "粤省事账号"},
			notWant: []string{`action="/login/code"`}},
		{name: "code form", path: "/login?method=code", status: 200,
			want: []string{`action="/login/code"`, `formaction="/login/code/send"`, `name="phone"`, `name="code"`}},
		{name: "english form", path: "/login?lang=en", status: 200,
			want:    []string{"Sign in with your unified account", "Resident ID number, unified social credit code, mobile number or username", "Yueshengshi account"},
			notWant: []string{"统一身份认证登录"}},
		{name: "next is kept", path: "/login?next=%2Foidc%2Fcontinue%3Fid%3Dabc", status: 200,
			want: []string{`name="next" value="/oidc/continue?id=abc"`, `href="/login?method=code&amp;next=%2Foidc%2Fcontinue%3Fid%3Dabc"`}},
		{name: "foreign next is dropped", path: "/login?next=%2F%2Fevil.example%2F", status: 200,
			want: []string{`name="next" value="/"`, `href="/federation/yss/start?next=%2F"`}, notWant: []string{`value="//evil.example/"`}},
		{name: "signed in goes on", path: "/login?next=%2Faccount", as: "citizen", status: 303, location: "/account"},
		{name: "wrong password", method: "POST", path: "/login", status: 401,
			form:    url.Values{"login": {"platform-admin"}, "password": {"Wrong-passw0rd-xyz"}, "next": {"/account"}},
			want:    []string{"账号或密码错误", `value="platform-admin"`, `name="next" value="/account"`},
			notWant: []string{"Wrong-passw0rd-xyz"}, check: noSession},
		{name: "empty account", method: "POST", path: "/login", status: 422,
			form: url.Values{"login": {" "}, "password": {"x"}}, want: []string{"请填写账号", `aria-invalid="true"`}},
		{name: "missing CSRF token", method: "POST", path: "/login", noCSRF: true, status: 403,
			form: url.Values{"login": {"platform-admin"}, "password": {identitytest.Password}}, check: noSession},
		{name: "password login with next", method: "POST", path: "/login", status: 303, location: "/oidc/continue?id=abc",
			form:  url.Values{"login": {"platform-admin"}, "password": {identitytest.Password}, "next": {"/oidc/continue?id=abc"}},
			check: wantSession},
		{name: "login by identity number, foreign next", method: "POST", path: "/login", status: 303, location: "/",
			form:  url.Values{"login": {citizenID}, "password": {identitytest.Password}, "next": {"https://evil.example/"}},
			check: wantSession},
		{name: "code sent to a registered phone", method: "POST", path: "/login/code/send", status: 200,
			form: url.Values{"phone": {citizenPhone}}, want: []string{"验证码已发送", `value="` + citizenPhone + `"`},
			check: func(t *testing.T, f *fixture, _ *httptest.ResponseRecorder) {
				if n := f.env.CodesSent(t, citizenPhone); n != 1 {
					t.Errorf("codes sent = %d, want 1", n)
				}
			}},
		{name: "same answer for an unknown phone", method: "POST", path: "/login/code/send", status: 200,
			form: url.Values{"phone": {"13700137000"}}, want: []string{"验证码已发送"},
			check: func(t *testing.T, f *fixture, _ *httptest.ResponseRecorder) {
				if n := f.env.CodesSent(t, "13700137000"); n != 0 {
					t.Errorf("codes sent to an unknown phone = %d, want 0", n)
				}
			}},
		{name: "malformed phone", method: "POST", path: "/login/code/send", status: 422,
			form: url.Values{"phone": {"12345"}}, notWant: []string{"验证码已发送"}},
		{name: "wrong code", method: "POST", path: "/login/code", status: 401,
			form: url.Values{"phone": {citizenPhone}, "code": {"000000"}}, want: []string{"验证码错误或已失效", `value="` + citizenPhone + `"`},
			check: noSession},
		{name: "right code", method: "POST", path: "/login/code", status: 303, location: "/account",
			prepare: func(t *testing.T, f *fixture, sc *scenario) {
				sc.form = url.Values{"phone": {citizenPhone}, "code": {f.env.LastCode(t, citizenPhone)}, "next": {"/account"}}
			},
			check: wantSession},
		{name: "a code works once", method: "POST", path: "/login/code", status: 401,
			prepare: func(t *testing.T, f *fixture, sc *scenario) {
				sc.form = url.Values{"phone": {citizenPhone}, "code": {f.env.LastCode(t, citizenPhone)}}
			},
			check: noSession},
		{name: "logout", method: "POST", path: "/logout", as: "citizen2", status: 303, location: "/",
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
				if sessionWorks(f, f.users["citizen2"].token) {
					t.Errorf("session still works after logout")
				}
				if v, ok := setCookie(w, web.SessionCookieName); !ok || v != "" {
					t.Errorf("session cookie not cleared")
				}
				if !sessionWorks(f, f.users["citizen"].token) {
					t.Errorf("logout ended the citizen's other session")
				}
			}},
		{name: "logout needs the token", method: "POST", path: "/logout", as: "citizen", noCSRF: true, status: 403,
			check: func(t *testing.T, f *fixture, _ *httptest.ResponseRecorder) {
				if !sessionWorks(f, f.users["citizen"].token) {
					t.Errorf("a forged logout ended the session")
				}
			}},
	}
}

func accountScenarios(f *fixture) []scenario {
	c := f.users["citizen"]
	return []scenario{
		{name: "anonymous goes to login", path: "/account", status: 303, location: "/login?next=%2Faccount"},
		{name: "own profile, masked", path: "/account", as: "citizen", status: 200,
			want: []string{"张三丰", identityweb.MaskIDNumber(citizenID), "138****8000", "zhang@example.org", "已核验", "最近登录活动",
				"登录", `action="/account/password"`, `name="old_password"`, ">退出<", "我的账户"},
			notWant: []string{citizenID, citizenPhone, "李四光", "<summary>管理</summary>"}},
		{name: "staff profile shows department and roles", path: "/account", as: "workerA", status: 200,
			want: []string{"测试部门 TESTA", "窗口/审批人员"}},
		{name: "new passwords differ", method: "POST", path: "/account/password", as: "pwuser", status: 422,
			form: url.Values{"old_password": {identitytest.Password}, "password": {"New-passw0rd-1"}, "password_confirm": {"New-passw0rd-2"}},
			want: []string{"两次输入的新密码不一致"}},
		{name: "wrong current password", method: "POST", path: "/account/password", as: "pwuser", status: 422,
			form: url.Values{"old_password": {"not-it-123"}, "password": {"New-passw0rd-1"}, "password_confirm": {"New-passw0rd-1"}},
			want: []string{"原密码不正确"}},
		{name: "weak new password", method: "POST", path: "/account/password", as: "pwuser", status: 422,
			form: url.Values{"old_password": {identitytest.Password}, "password": {"short1"}, "password_confirm": {"short1"}},
			want: []string{"密码至少需要8个字符"}},
		{name: "password changed", method: "POST", path: "/account/password", as: "pwuser", status: 303, location: "/account",
			form: url.Values{"old_password": {identitytest.Password}, "password": {"New-passw0rd-1"}, "password_confirm": {"New-passw0rd-1"}},
			check: func(t *testing.T, f *fixture, _ *httptest.ResponseRecorder) {
				if _, _, _, err := f.env.Service.Login(context.Background(), f.users["pwuser"].Username, "New-passw0rd-1", testClient); err != nil {
					t.Errorf("login with the new password: %v", err)
				}
			}},
		{name: "language preference", method: "POST", path: "/account/lang", as: "other", status: 303, location: "/account",
			form: url.Values{"lang": {"en"}},
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
				if v, _ := setCookie(w, web.LangCookieName); v != "en" {
					t.Errorf("pc_lang = %q, want en", v)
				}
				w2 := f.run(t, scenario{path: "/account", as: "other"})
				if !strings.Contains(w2.Body.String(), "My account") {
					t.Errorf("the account page is not in English after choosing English")
				}
			}},
		{name: "bad language", method: "POST", path: "/account/lang", as: "citizen", status: 422,
			form: url.Values{"lang": {"fr"}}, want: []string{"界面语言应为中文"}},
		{name: "citizen profile never shows another person", path: "/account", as: "other", status: 200,
			notWant: []string{"张三丰", c.Email}},
	}
}
