package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

func TestProblemDetails(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		lang string
		want Problem
	}{
		{"invalid", errs.E(errs.Invalid, "query.bad", "查询有误", "bad query"), "zh",
			Problem{Type: "about:blank", Title: "Bad Request", Status: 400, Detail: "查询有误", Code: "query.bad"}},
		{"invalid field", errs.Field("phone", "phone.format", "手机号格式不正确", "the phone number is malformed"), "en",
			Problem{Type: "about:blank", Title: "Unprocessable Entity", Status: 422, Detail: "the phone number is malformed", Code: "phone.format",
				Errors: []FieldProblem{{Field: "phone", Code: "phone.format", Detail: "the phone number is malformed"}}}},
		{"not found", errs.E(errs.NotFound, "account.not_found", "账号不存在", "no such account"), "zh",
			Problem{Type: "about:blank", Title: "Not Found", Status: 404, Detail: "账号不存在", Code: "account.not_found"}},
		{"conflict", errs.E(errs.Conflict, "username.taken", "用户名已被占用", "username taken"), "en",
			Problem{Type: "about:blank", Title: "Conflict", Status: 409, Detail: "username taken", Code: "username.taken"}},
		{"forbidden", errs.E(errs.Forbidden, "no", "无权操作", "not allowed"), "zh",
			Problem{Type: "about:blank", Title: "Forbidden", Status: 403, Detail: "无权操作", Code: "no"}},
		{"unauthenticated", ErrLoginRequired, "en",
			Problem{Type: "about:blank", Title: "Unauthorized", Status: 401, Detail: "Please sign in first.", Code: "login.required"}},
		{"too many", errs.E(errs.TooManyRequests, "login.throttled", "尝试过于频繁", "too many attempts"), "zh",
			Problem{Type: "about:blank", Title: "Too Many Requests", Status: 429, Detail: "尝试过于频繁", Code: "login.throttled"}},
		{"wrapped domain error keeps its kind", errs.Wrap(errs.E(errs.NotFound, "x", "无", "none"), "load"), "en",
			Problem{Type: "about:blank", Title: "Not Found", Status: 404, Detail: "none", Code: "x"}},
		{"plain error is internal", errors.New("pq: connection refused to 10.1.2.3"), "zh",
			Problem{Type: "about:blank", Title: "Internal Server Error", Status: 500, Detail: "服务器内部错误，请稍后再试", Code: "internal"}},
		{"internal domain error hides its message", &errs.Error{Kind: errs.Internal, Code: "db", Msg: "数据库密码错误", MsgEN: "db password wrong"}, "en",
			Problem{Type: "about:blank", Title: "Internal Server Error", Status: 500, Detail: "Internal error, please try again later", Code: "internal"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, nil)
			b.srv.Mux.Handle("/api/v1/fail", Handler(func(http.ResponseWriter, *http.Request) error { return tt.err }))
			w := b.do(t, req{path: "/api/v1/fail?lang=" + tt.lang})
			if got := w.Header().Get("Content-Type"); got != "application/problem+json" {
				t.Errorf("content type = %q, want application/problem+json", got)
			}
			if w.Code != tt.want.Status {
				t.Errorf("status = %d, want %d", w.Code, tt.want.Status)
			}
			var got Problem
			if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
				t.Fatalf("body is not JSON: %v: %s", err, w.Body)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("problem (-want +got):\n%s", d)
			}
			if tt.want.Status == 500 {
				if !strings.Contains(b.logs.String(), "internal error") {
					t.Errorf("internal error was not logged: %s", b.logs)
				}
				for _, secret := range []string{"10.1.2.3", "password"} {
					if strings.Contains(w.Body.String(), secret) {
						t.Errorf("response reveals %q: %s", secret, w.Body)
					}
				}
			}
		})
	}
}

func TestErrorPageForBrowsers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		err      error
		method   string
		path     string
		accept   string
		status   int
		want     []string
		notWant  []string
		location string
	}{
		{name: "not found in Chinese", err: errs.E(errs.NotFound, "x", "事项不存在", "no such item"),
			status: 404, want: []string{"页面不存在", "事项不存在", `<html lang="zh-CN"`, "返回首页"}},
		{name: "not found in English", err: errs.E(errs.NotFound, "x", "事项不存在", "no such item"), path: "/fail?lang=en",
			status: 404, want: []string{"Page not found", "no such item", `<html lang="en"`}, notWant: []string{"事项不存在"}},
		{name: "internal hides details", err: errors.New("disk /var/db full"),
			status: 500, want: []string{"服务器内部错误"}, notWant: []string{"/var/db"}},
		{name: "anonymous GET goes to login", err: ErrLoginRequired, path: "/fail?x=1",
			status: 303, location: "/login?next=%2Ffail%3Fx%3D1"},
		{name: "anonymous POST gets a page with a login link", err: ErrLoginRequired, method: "POST",
			status: 401, want: []string{"需要登录", "请先登录", `href="/login?next=%2Ffail"`}},
		{name: "json accept gets a problem", err: errs.E(errs.Conflict, "c", "冲突", "clash"), accept: "application/json",
			status: 409, want: []string{`"status":409`, `"detail":"冲突"`}},
		{name: "html accept wins over json listed later", err: errs.E(errs.Conflict, "c", "冲突", "clash"),
			accept: "text/html,application/json;q=0.9", status: 409, want: []string{"<!doctype html>", "操作冲突"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, nil)
			b.srv.Mux.Handle("/fail", Handler(func(http.ResponseWriter, *http.Request) error { return tt.err }))
			path := tt.path
			if path == "" {
				path = "/fail"
			}
			const tok = "anonymous-csrf-token-0123456789abcdefghijk"
			rq := req{method: tt.method, path: path, header: map[string]string{},
				cookies: map[string]string{CSRFCookieName: tok}, form: url.Values{"_csrf": {tok}}}
			if tt.accept != "" {
				rq.header["Accept"] = tt.accept
			}
			w := b.do(t, rq)
			if w.Code != tt.status {
				t.Errorf("status = %d, want %d; body %s", w.Code, tt.status, w.Body)
			}
			if tt.location != "" {
				if got := w.Header().Get("Location"); got != tt.location {
					t.Errorf("Location = %q, want %q", got, tt.location)
				}
			}
			body := w.Body.String()
			for _, s := range tt.want {
				if !strings.Contains(body, s) {
					t.Errorf("body lacks %q:\n%s", s, body)
				}
			}
			for _, s := range tt.notWant {
				if strings.Contains(body, s) {
					t.Errorf("body has %q:\n%s", s, body)
				}
			}
		})
	}
}

func TestHandlerWithoutStack(t *testing.T) {
	t.Parallel()
	h := Handler(func(http.ResponseWriter, *http.Request) error {
		return errs.E(errs.Forbidden, "no", "无权<b>操作</b>", "no")
	})
	w := newRecorder(h, "GET", "/x")
	if w.Code != 403 {
		t.Errorf("status = %d, want 403", w.Code)
	}
	if !strings.Contains(w.Body.String(), "无权&lt;b&gt;操作&lt;/b&gt;") {
		t.Errorf("message not escaped in plain error page: %s", w.Body)
	}
}

func TestStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want int
	}{
		{errs.E(errs.Invalid, "", "", ""), 400},
		{errs.Field("f", "", "", ""), 422},
		{errs.E(errs.NotFound, "", "", ""), 404},
		{errs.E(errs.Conflict, "", "", ""), 409},
		{errs.E(errs.Forbidden, "", "", ""), 403},
		{errs.E(errs.Unauthenticated, "", "", ""), 401},
		{errs.E(errs.TooManyRequests, "", "", ""), 429},
		{errs.E(errs.Internal, "", "", ""), 500},
		{errors.New("x"), 500},
	}
	for _, tt := range tests {
		if got := Status(tt.err); got != tt.want {
			t.Errorf("Status(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}
