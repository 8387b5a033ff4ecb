package web

import (
	"net/http"
	"unicode/utf8"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// ErrLoginRequired is returned by [RequireAccount] for anonymous requests.
var ErrLoginRequired = errs.E(errs.Unauthenticated, "login.required", "请先登录", "Please sign in first.")

// ErrNoPermission is returned by [RequireRole] when the account holds none
// of the roles.
var ErrNoPermission = errs.E(errs.Forbidden, "permission.denied", "您没有权限访问此页面", "You do not have permission to access this page.")

// RequireAccount wraps h so that anonymous requests get [ErrLoginRequired]
// (browsers asking for a page are sent to the login page).
func RequireAccount(h Handler) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if AccountFrom(r.Context()) == nil {
			return ErrLoginRequired
		}
		return h(w, r)
	}
}

// RequireRole returns a wrapper that lets through only accounts holding at
// least one of roles: anonymous requests get [ErrLoginRequired], others
// [ErrNoPermission].
func RequireRole(roles ...identity.Role) func(Handler) Handler {
	return func(h Handler) Handler {
		return func(w http.ResponseWriter, r *http.Request) error {
			a := AccountFrom(r.Context())
			if a == nil {
				return ErrLoginRequired
			}
			for _, role := range roles {
				if a.HasRole(role) {
					return h(w, r)
				}
			}
			return ErrNoPermission
		}
	}
}

// SafeNext returns s when it is a path on this site, so that redirecting to
// it cannot leave the site, and "/" otherwise. A safe path starts with a
// single "/" and holds no backslash, no control character and no invalid UTF-8 (browsers
// treat "/\evil.example" and "/\t/evil.example" as "//evil.example").
func SafeNext(s string) string {
	if len(s) == 0 || len(s) > 2048 || s[0] != '/' {
		return "/"
	}
	if len(s) > 1 && s[1] == '/' {
		return "/"
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c == '\\' {
			return "/"
		}
	}
	if !utf8.ValidString(s) {
		return "/"
	}
	return s
}
