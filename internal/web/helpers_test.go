package web

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/prometheus/client_golang/prometheus"
)

// sessionTable is a SessionAuthenticator over a fixed set of tokens.
type sessionTable map[string]*identity.Session

func (st sessionTable) Authenticate(_ context.Context, token string) (*identity.Account, *identity.Session, error) {
	s, ok := st[token]
	if !ok {
		return nil, nil, errs.E(errs.Unauthenticated, "session.unknown", "会话无效", "unknown session")
	}
	return accounts[s.AccountID], s, nil
}

// The accounts of the tests, by id.
var accounts = map[string]*identity.Account{
	"citizen": {ID: "citizen", Kind: identity.Person, DisplayName: "张三", Lang: "zh"},
	"english": {ID: "english", Kind: identity.Person, DisplayName: "Li Si", Lang: "en"},
	"admin":   {ID: "admin", Kind: identity.Staff, DisplayName: "王管理", Roles: []identity.Role{identity.PlatformAdmin}},
}

// Session tokens of the tests.
const (
	citizenToken = "citizen-session-token"
	englishToken = "english-session-token"
	adminToken   = "admin-session-token"
	citizenCSRF  = "citizen-csrf-token-0123456789abcdefghijklmnop"
)

func testSessions() sessionTable {
	exp := time.Now().Add(time.Hour)
	return sessionTable{
		citizenToken: {ID: "s1", AccountID: "citizen", CSRFToken: citizenCSRF, ExpiresAt: exp},
		englishToken: {ID: "s2", AccountID: "english", CSRFToken: "english-csrf-token-0123456789abcdefghijklmnop", ExpiresAt: exp},
		adminToken:   {ID: "s3", AccountID: "admin", CSRFToken: "admin-csrf-token-0123456789abcdefghijklmnopq", ExpiresAt: exp},
	}
}

// demoSet is a module with two pages, a partial and a nav entry.
func demoSet() TemplateSet {
	return TemplateSet{
		Module: "demo",
		FS: fstest.MapFS{
			"_partial.html": {Data: []byte(`{{define "greeting"}}<p class="greeting">{{t "demo.hello"}}</p>{{end}}`)},
			"hello.html": {Data: []byte(`{{define "title"}}{{t "demo.title"}}{{end}}
{{define "content"}}<h1>{{t "demo.title"}}</h1>{{template "greeting" .}}
<p class="missing">{{t "demo.not_defined"}}</p><p class="name">{{.Data.Name}}</p>
<form method="post" action="/things">{{csrfField}}</form>
<div id="rows">{{block "rows" .}}<span class="row">{{.Data.Name}}</span>{{end}}</div>{{end}}`)},
			"bye.html": {Data: []byte(`{{define "title"}}bye{{end}}{{define "content"}}<p class="bye">{{t "demo.bye"}} {{shout "x"}}</p>{{end}}`)},
		},
		Messages: Messages{
			"demo.title": {ZH: "演示页", EN: "Demo page"},
			"demo.hello": {ZH: "你好", EN: "Hello"},
			"demo.bye":   {ZH: "再见", EN: "Goodbye"},
			"demo.nav":   {ZH: "演示", EN: "Demo"},
			"demo.admin": {ZH: "演示管理", EN: "Demo admin"},
		},
		Funcs: map[string]any{"shout": strings.ToUpper},
		Nav: []NavItem{
			{Label: "demo.nav", Path: "/demo"},
			{Label: "demo.admin", Path: "/demo/admin", Admin: true, Show: func(a *identity.Account) bool { return a.HasRole(identity.PlatformAdmin) }},
		},
	}
}

// otherSet is a second module, to show that sets do not clash.
func otherSet() TemplateSet {
	return TemplateSet{
		Module: "other",
		FS: fstest.MapFS{
			"hello.html": {Data: []byte(`{{define "title"}}other{{end}}{{define "content"}}<p class="other">{{t "other.hello"}}</p>{{end}}`)},
		},
		Messages: Messages{"other.hello": {ZH: "另一个模块", EN: "Another module"}},
	}
}

// bundle is a test server and what it was built from.
type bundle struct {
	srv  *Server
	reg  *prometheus.Registry
	logs *bytes.Buffer
}

func setup(t *testing.T, edit func(*Options)) *bundle {
	t.Helper()
	b := &bundle{reg: prometheus.NewRegistry(), logs: &bytes.Buffer{}}
	o := Options{
		Log:        slog.New(slog.NewTextHandler(b.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Registry:   b.reg,
		Sessions:   testSessions(),
		Templates:  []TemplateSet{demoSet(), otherSet()},
		CSRFExempt: []string{"/oauth/token", "/hooks/"},
	}
	if edit != nil {
		edit(&o)
	}
	srv, err := NewServer(o)
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	b.srv = srv
	return b
}

// req describes a test request.
type req struct {
	method  string
	path    string
	session string            // session cookie value
	cookies map[string]string // other cookies
	header  map[string]string
	form    url.Values
}

func (b *bundle) do(t *testing.T, rq req) *httptest.ResponseRecorder {
	t.Helper()
	if rq.method == "" {
		rq.method = http.MethodGet
	}
	var body io.Reader
	if rq.form != nil {
		body = strings.NewReader(rq.form.Encode())
	}
	r := httptest.NewRequest(rq.method, rq.path, body)
	if rq.form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if rq.session != "" {
		r.AddCookie(&http.Cookie{Name: SessionCookieName, Value: rq.session})
	}
	for k, v := range rq.cookies {
		r.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	for k, v := range rq.header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	b.srv.ServeHTTP(w, r)
	return w
}

// cookie returns the value of a cookie set by a response, and whether it
// was set.
func cookie(w *httptest.ResponseRecorder, name string) (string, bool) {
	for _, c := range w.Result().Cookies() {
		if c.Name == name {
			return c.Value, true
		}
	}
	return "", false
}
func newRecorder(h http.Handler, method, target string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(method, target, nil))
	return w
}
