package web

import (
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestCSRF(t *testing.T) {
	t.Parallel()
	const anonToken = "anonymous-csrf-token-0123456789abcdefghijk"
	anon := map[string]string{CSRFCookieName: anonToken}
	tests := []struct {
		name    string
		req     req
		status  int
		ran     bool
		message string // expected in the body when refused
	}{
		{name: "get needs no token", req: req{path: "/things"}, status: 200, ran: true},
		{name: "signed in, right token in form",
			req:    req{method: "POST", path: "/things", session: citizenToken, form: url.Values{"_csrf": {citizenCSRF}}},
			status: 200, ran: true},
		{name: "signed in, right token in header",
			req:    req{method: "DELETE", path: "/things", session: citizenToken, header: map[string]string{"X-CSRF-Token": citizenCSRF}},
			status: 200, ran: true},
		{name: "signed in, no token",
			req:    req{method: "POST", path: "/things", session: citizenToken, form: url.Values{"a": {"1"}}},
			status: 403, message: "表单已过期或无效"},
		{name: "signed in, wrong token",
			req:    req{method: "POST", path: "/things", session: citizenToken, form: url.Values{"_csrf": {anonToken}}},
			status: 403, message: "表单已过期或无效"},
		{name: "signed in, another session's token",
			req:    req{method: "POST", path: "/things", session: citizenToken, form: url.Values{"_csrf": {testSessions()[adminToken].CSRFToken}}},
			status: 403},
		{name: "anonymous, cookie token matches",
			req:    req{method: "POST", path: "/things", cookies: anon, form: url.Values{"_csrf": {anonToken}}},
			status: 200, ran: true},
		{name: "anonymous, no cookie",
			req:    req{method: "POST", path: "/things", form: url.Values{"_csrf": {anonToken}}},
			status: 403},
		{name: "anonymous, cookie but no field",
			req:    req{method: "POST", path: "/things", cookies: anon},
			status: 403},
		{name: "cross-origin post with right token",
			req: req{method: "POST", path: "/things", session: citizenToken, form: url.Values{"_csrf": {citizenCSRF}},
				header: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}},
			status: 403, message: "拒绝了来自其他网站的请求"},
		{name: "same-origin browser post",
			req: req{method: "POST", path: "/things", session: citizenToken, form: url.Values{"_csrf": {citizenCSRF}},
				header: map[string]string{"Sec-Fetch-Site": "same-origin"}},
			status: 200, ran: true},
		{name: "api post without token",
			req:    req{method: "POST", path: "/api/v1/things", session: citizenToken},
			status: 200, ran: true},
		{name: "api post from another site with a cookie",
			req:    req{method: "POST", path: "/api/v1/things", session: citizenToken, header: map[string]string{"Sec-Fetch-Site": "cross-site"}},
			status: 403},
		{name: "api post with bearer from another site",
			req:    req{method: "POST", path: "/api/v1/things", header: map[string]string{"Sec-Fetch-Site": "cross-site", "Authorization": "Bearer x"}},
			status: 200, ran: true},
		{name: "exempt protocol endpoint",
			req:    req{method: "POST", path: "/oauth/token", header: map[string]string{"Origin": "https://rp.example", "Sec-Fetch-Site": "cross-site"}},
			status: 200, ran: true},
		{name: "exempt prefix",
			req:    req{method: "POST", path: "/hooks/sms"},
			status: 200, ran: true},
		{name: "exact exemption is not a prefix",
			req:    req{method: "POST", path: "/oauth/token2"},
			status: 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ran := false
			b := setup(t, nil)
			h := func(w http.ResponseWriter, r *http.Request) { ran = true }
			for _, p := range []string{"/things", "/api/v1/things", "/oauth/token", "/oauth/token2", "/hooks/sms"} {
				b.srv.Mux.HandleFunc(p, h)
			}
			w := b.do(t, tt.req)
			if w.Code != tt.status {
				t.Errorf("status = %d, want %d; body %s", w.Code, tt.status, w.Body)
			}
			if ran != tt.ran {
				t.Errorf("handler ran = %v, want %v", ran, tt.ran)
			}
			if tt.message != "" && !strings.Contains(w.Body.String(), tt.message) {
				t.Errorf("body lacks %q: %s", tt.message, w.Body)
			}
		})
	}
}

func TestCSRFCookieForAnonymousVisitors(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	b.srv.Mux.Handle("GET /demo", Handler(func(w http.ResponseWriter, r *http.Request) error {
		return b.srv.Renderer.Page(w, r, 200, "demo/hello", struct{ Name string }{"x"})
	}))
	w := b.do(t, req{path: "/demo"})
	tok, ok := cookie(w, CSRFCookieName)
	if !ok || len(tok) < 32 {
		t.Fatalf("pc_csrf cookie = %q (set %v), want a fresh token", tok, ok)
	}
	if !strings.Contains(w.Body.String(), `name="_csrf" value="`+tok+`"`) {
		t.Errorf("the form does not carry the cookie's token %q:\n%s", tok, w.Body)
	}

	// A visitor who has the cookie keeps it.
	w = b.do(t, req{path: "/demo", cookies: map[string]string{CSRFCookieName: tok}})
	if _, set := cookie(w, CSRFCookieName); set {
		t.Errorf("pc_csrf was set again for a visitor who has one")
	}

	// A signed-in user's forms carry the session's token.
	w = b.do(t, req{path: "/demo", session: citizenToken})
	if !strings.Contains(w.Body.String(), `value="`+citizenCSRF+`"`) {
		t.Errorf("signed-in page lacks the session's CSRF token")
	}
}

func TestCSRFCapsFormBodies(t *testing.T) {
	t.Parallel()
	c, err := NewCSRF(&Cookies{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.MaxBody = 1 << 20
	ran := false
	h := c.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { ran = true }))
	const token = "0123456789abcdef0123456789abcdef0123456789ab"
	tests := []struct {
		name   string
		size   int
		status int
		want   string
	}{
		{"small multipart", 1000, 200, ""},
		{"multipart over the cap", 2 << 20, 400, "提交的内容过大"},
	}
	for _, tt := range tests {
		var body strings.Builder
		mw := multipart.NewWriter(&body)
		mw.WriteField("_csrf", token)
		fw, _ := mw.CreateFormFile("file", "a.pdf")
		fw.Write([]byte(strings.Repeat("x", tt.size)))
		mw.Close()
		r := httptest.NewRequest("POST", "/apply/x", strings.NewReader(body.String()))
		r.Header.Set("Content-Type", mw.FormDataContentType())
		r.AddCookie(&http.Cookie{Name: CSRFCookieName, Value: token})
		w := httptest.NewRecorder()
		ran = false
		h.ServeHTTP(w, r)
		if w.Code != tt.status || ran != (tt.status == 200) || !strings.Contains(w.Body.String(), tt.want) {
			t.Errorf("%s: status %d, handler ran %t, body %.200q; want %d", tt.name, w.Code, ran, w.Body.String(), tt.status)
		}
	}
}
