package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// SessionAuthenticator resolves a session token to its account and session;
// identity.Service implements it. It returns an errs.Unauthenticated error
// for unknown, expired or disabled sessions.
type SessionAuthenticator interface {
	Authenticate(ctx context.Context, token string) (*identity.Account, *identity.Session, error)
}

// Sessions returns the middleware that reads the pc_session cookie and, when
// it names a live session, puts the account and session in the context. A
// stale cookie is cleared and the request goes on anonymously; other
// failures (the database is down) are internal errors. A live session's
// cookie is renewed to its sliding expiry on page requests.
func Sessions(auth SessionAuthenticator, c *Cookies) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ck, err := r.Cookie(SessionCookieName)
			if err != nil || ck.Value == "" || strings.HasPrefix(r.URL.Path, "/static/") {
				next.ServeHTTP(w, r)
				return
			}
			a, s, err := auth.Authenticate(r.Context(), ck.Value)
			switch {
			case errs.Is(err, errs.Unauthenticated):
				c.ClearSession(w)
				next.ServeHTTP(w, r)
				return
			case err != nil:
				WriteError(w, r, errs.Wrap(err, "authenticate session"))
				return
			}
			if ttl := time.Until(s.ExpiresAt); ttl > 0 && !strings.HasPrefix(r.URL.Path, "/api/") {
				c.SetSession(w, ck.Value, ttl)
			}
			next.ServeHTTP(w, r.WithContext(WithAccount(r.Context(), a, s)))
		})
	}
}
