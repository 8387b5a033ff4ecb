package web

import (
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRendererPages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		page    string
		req     req
		want    []string
		notWant []string
	}{
		{name: "chinese page", page: "demo/hello", req: req{path: "/p"},
			want: []string{`<html lang="zh-CN"`, "<title>演示页 · 鹏城数字政府</title>", `<h1>演示页</h1>`, `<p class="greeting">你好</p>`,
				"鹏城 · 数字政府", ">首页<", ">登录<", `<p class="name">&lt;李&gt;</p>`}},
		{name: "english page", page: "demo/hello", req: req{path: "/p?lang=en"},
			want:    []string{`<html lang="en"`, "<title>Demo page · Pengcheng Digital Government</title>", `<p class="greeting">Hello</p>`, ">Home<", ">Sign in<"},
			notWant: []string{"你好", "演示页"}},
		{name: "missing key renders the key", page: "demo/hello", req: req{path: "/p"},
			want: []string{`<p class="missing">demo.not_defined</p>`}},
		{name: "second module with module funcs", page: "demo/bye", req: req{path: "/p"},
			want: []string{`<p class="bye">再见 X</p>`}},
		{name: "other module", page: "other/hello", req: req{path: "/p?lang=en"},
			want: []string{`<p class="other">Another module</p>`}, notWant: []string{"greeting"}},
		{name: "signed-in citizen sees logout, not admin menu", page: "other/hello", req: req{path: "/p", session: citizenToken},
			want:    []string{"张三", `action="/logout"`, `value="` + citizenCSRF + `"`, ">演示<"},
			notWant: []string{">登录<", "演示管理", ">管理<"}},
		{name: "admin sees the admin menu", page: "other/hello", req: req{path: "/p", session: adminToken},
			want: []string{"王管理", "<summary>管理</summary>", `<a href="/demo/admin">演示管理</a>`}},
		{name: "active nav entry", page: "other/hello", req: req{path: "/demo/sub"},
			want: []string{`<a href="/demo" aria-current="page">演示</a>`}},
		{name: "language switch keeps the query", page: "other/hello", req: req{path: "/p?q=a%26b"},
			want: []string{`href="/p?lang=en&amp;q=a%26b"`}},
		{name: "flash shown once", page: "other/hello", req: req{path: "/p", cookies: map[string]string{FlashCookieName: "demo.hello"}},
			want: []string{`<p class="flash" role="status">你好</p>`}},
		{name: "static files are versioned", page: "other/hello", req: req{path: "/p"},
			want: []string{`href="/static/css/app.css?v=`, `src="/static/vendor/htmx/htmx.min.js?v=`, `src="/static/js/app.js?v=`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, nil)
			b.srv.Mux.Handle("/", Handler(func(w http.ResponseWriter, r *http.Request) error {
				return b.srv.Renderer.Page(w, r, http.StatusOK, tt.page, struct{ Name string }{"<李>"})
			}))
			w := b.do(t, tt.req)
			if w.Code != 200 {
				t.Fatalf("status = %d, want 200: %s", w.Code, w.Body)
			}
			if got := w.Header().Get("Content-Type"); got != "text/html; charset=utf-8" {
				t.Errorf("content type = %q", got)
			}
			body := w.Body.String()
			for _, s := range tt.want {
				if !strings.Contains(body, s) {
					t.Errorf("page lacks %q:\n%s", s, body)
				}
			}
			for _, s := range tt.notWant {
				if strings.Contains(body, s) {
					t.Errorf("page has %q", s)
				}
			}
			if strings.Contains(body, string(b.srv.Renderer.placeholder)) {
				t.Errorf("page still holds the CSRF placeholder")
			}
		})
	}
}

func TestFlashIsCleared(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	b.srv.Mux.Handle("/", Handler(func(w http.ResponseWriter, r *http.Request) error {
		return b.srv.Renderer.Page(w, r, http.StatusOK, "other/hello", nil)
	}))
	w := b.do(t, req{path: "/", cookies: map[string]string{FlashCookieName: "saved"}})
	if v, set := cookie(w, FlashCookieName); !set || v != "" {
		t.Errorf("flash cookie after display = %q (set %v), want cleared", v, set)
	}
}

func TestFragment(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	b.srv.Mux.Handle("/", Handler(func(w http.ResponseWriter, r *http.Request) error {
		return b.srv.Renderer.Fragment(w, r, "demo/hello", "rows", struct{ Name string }{"行"})
	}))
	w := b.do(t, req{path: "/"})
	if got, want := strings.TrimSpace(w.Body.String()), `<span class="row">行</span>`; got != want {
		t.Errorf("fragment = %q, want %q", got, want)
	}
}

func TestRendererErrors(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	b.srv.Mux.Handle("/nopage", Handler(func(w http.ResponseWriter, r *http.Request) error {
		return b.srv.Renderer.Page(w, r, http.StatusOK, "demo/none", nil)
	}))
	b.srv.Mux.Handle("/badfield", Handler(func(w http.ResponseWriter, r *http.Request) error {
		return b.srv.Renderer.Page(w, r, http.StatusOK, "demo/hello", struct{ Other int }{1})
	}))
	for _, p := range []string{"/nopage", "/badfield"} {
		w := b.do(t, req{path: p})
		if w.Code != 500 {
			t.Errorf("%s: status = %d, want 500", p, w.Code)
		}
		if !strings.Contains(w.Body.String(), "服务器内部错误") || strings.Contains(w.Body.String(), "演示页") {
			t.Errorf("%s: want only the error page, got %s", p, w.Body)
		}
	}
}

func TestUndefinedKeys(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	if d := cmp.Diff([]string{"demo.not_defined"}, b.srv.Renderer.UndefinedKeys()); d != "" {
		t.Errorf("undefined keys (-want +got):\n%s", d)
	}
	shell, err := NewRenderer(RendererOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := shell.UndefinedKeys(); len(got) != 0 {
		t.Errorf("the layout and error page use undefined keys %v", got)
	}
}

func TestNewRendererRefusesBadSets(t *testing.T) {
	t.Parallel()
	page := fstest.MapFS{"p.html": {Data: []byte(`{{define "title"}}{{end}}{{define "content"}}{{end}}`)}}
	tests := []struct {
		name string
		sets []TemplateSet
	}{
		{"duplicate module", []TemplateSet{{Module: "a", FS: page}, {Module: "a", FS: page}}},
		{"module named like the shell", []TemplateSet{{Module: "web", FS: page}}},
		{"empty module", []TemplateSet{{FS: page}}},
		{"duplicate key", []TemplateSet{
			{Module: "a", FS: page, Messages: Messages{"k": {ZH: "一", EN: "one"}}},
			{Module: "b", FS: page, Messages: Messages{"k": {ZH: "一", EN: "one"}}}}},
		{"key without English", []TemplateSet{{Module: "a", FS: page, Messages: Messages{"k": {ZH: "一"}}}}},
		{"syntax error", []TemplateSet{{Module: "a", FS: fstest.MapFS{"p.html": {Data: []byte(`{{define "title"}}`)}}}}},
		{"unknown function", []TemplateSet{{Module: "a", FS: fstest.MapFS{"p.html": {Data: []byte(`{{nosuch}}`)}}}}},
	}
	for _, tt := range tests {
		if _, err := NewRenderer(RendererOptions{Sets: tt.sets}); err == nil {
			t.Errorf("%s: NewRenderer succeeded, want an error", tt.name)
		}
	}
}

func TestFmtTime(t *testing.T) {
	t.Parallel()
	r, err := NewRenderer(RendererOptions{})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2024, 3, 1, 16, 30, 0, 0, time.UTC)
	if got, want := r.formatTime(at, "2006-01-02 15:04"), "2024-03-02 00:30"; got != want {
		t.Errorf("formatTime = %q, want %q (China Standard Time)", got, want)
	}
	if got := r.formatTime(time.Time{}, "2006-01-02"); got != "" {
		t.Errorf("zero time = %q, want empty", got)
	}
}

func TestTextIn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		t          Text
		lang, want string
	}{
		{Text{ZH: "中", EN: "en"}, "zh", "中"},
		{Text{ZH: "中", EN: "en"}, "en", "en"},
		{Text{ZH: "中"}, "en", "中"},
		{Text{EN: "en"}, "zh", "en"},
	}
	for _, tt := range tests {
		if got := tt.t.In(tt.lang); got != tt.want {
			t.Errorf("%+v.In(%q) = %q, want %q", tt.t, tt.lang, got, tt.want)
		}
	}
}
