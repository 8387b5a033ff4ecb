package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

func TestSafeNext(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"/account", "/account"},
		{"/oidc/continue?id=abc&x=%2F%2F", "/oidc/continue?id=abc&x=%2F%2F"},
		{"/", "/"},
		{"", "/"},
		{"account", "/"},
		{"//evil.example", "/"},
		{"//evil.example/path", "/"},
		{"/\\evil.example", "/"},
		{"/a\\b", "/"},
		{"https://evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"/\t/evil.example", "/"},
		{"/\n/evil.example", "/"},
		{"/path\x00", "/"},
		{" /account", "/"},
		{"/%2F%2Fevil.example", "/%2F%2Fevil.example"},
		{"/办事指南", "/办事指南"},
		{"/\xff", "/"},
		{"/" + strings.Repeat("a", 3000), "/"},
	}
	for _, tt := range tests {
		if got := SafeNext(tt.in); got != tt.want {
			t.Errorf("SafeNext(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzSafeNext checks that whatever SafeNext returns, a browser resolving
// it against this site stays on this site.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/a", "//x", "/\\x", "http://x", "/\t/x", "/a?b=//c", "\\\\x", "/.//x", "/%09/x"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://pengcheng.example/some/page")
	f.Fuzz(func(t *testing.T, s string) {
		got := SafeNext(s)
		if got != "/" && got != s {
			t.Fatalf("SafeNext(%q) = %q, neither the input nor /", s, got)
		}
		// Browsers drop tabs and newlines and read backslashes as slashes.
		browser := strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(got)
		if !strings.HasPrefix(browser, "/") || strings.HasPrefix(browser, "//") {
			t.Fatalf("SafeNext(%q) = %q, which a browser reads as %q, not a local path", s, got, browser)
		}
		u, err := url.Parse(browser)
		if err != nil {
			return
		}
		if u.Scheme != "" || u.Host != "" || base.ResolveReference(u).Host != base.Host {
			t.Fatalf("SafeNext(%q) = %q leaves the site: %v", s, got, base.ResolveReference(u))
		}
	})
}

func TestRequireAccountAndRole(t *testing.T) {
	t.Parallel()
	ok := func(w http.ResponseWriter, r *http.Request) error { _, err := w.Write([]byte("secret")); return err }
	tests := []struct {
		name    string
		path    string
		session string
		status  int
	}{
		{"anonymous account page", "/api/mine", "", 401},
		{"signed-in account page", "/api/mine", citizenToken, 200},
		{"anonymous admin page", "/api/admin", "", 401},
		{"citizen admin page", "/api/admin", citizenToken, 403},
		{"admin admin page", "/api/admin", adminToken, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, nil)
			b.srv.Mux.Handle("GET /api/mine", RequireAccount(ok))
			b.srv.Mux.Handle("GET /api/admin", RequireRole(identity.PlatformAdmin, identity.DeptAdmin)(ok))
			w := b.do(t, req{path: tt.path, session: tt.session})
			if w.Code != tt.status {
				t.Errorf("status = %d, want %d", w.Code, tt.status)
			}
			if leaked := strings.Contains(w.Body.String(), "secret"); leaked != (tt.status == 200) {
				t.Errorf("handler output shown = %v, want %v", leaked, tt.status == 200)
			}
		})
	}
}
