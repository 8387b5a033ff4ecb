package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// TokenVerifier checks an OAuth 2.0 access token and returns the account it
// was issued to; the single sign-on module implements it. It returns an
// error (errs.Unauthenticated for bad tokens) when the token is not valid.
type TokenVerifier interface {
	VerifyAccessToken(ctx context.Context, token string) (*identity.Account, error)
}

var errInvalidToken = errs.E(errs.Unauthenticated, "token.invalid",
	"访问令牌无效或已过期", "The access token is invalid or has expired.")

// BearerAuth returns the middleware that authenticates requests carrying
// "Authorization: Bearer TOKEN" through v and puts the account in the
// context (with no session). A request with an invalid token gets a 401
// problem with WWW-Authenticate: Bearer error="invalid_token"; a request
// without the header passes on unchanged. Failures of v that are not
// errs.Unauthenticated are internal errors.
func BearerAuth(v TokenVerifier) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := r.Header.Get("Authorization")
			if h == "" {
				next.ServeHTTP(w, r)
				return
			}
			scheme, token, _ := strings.Cut(h, " ")
			token = strings.TrimSpace(token)
			if !strings.EqualFold(scheme, "Bearer") || token == "" {
				w.Header().Set("WWW-Authenticate", `Bearer realm="pengcheng", error="invalid_request"`)
				WriteProblem(w, r, errs.E(errs.Unauthenticated, "token.malformed",
					"Authorization 请求头应为 Bearer 访问令牌", "The Authorization header must be a Bearer access token."))
				return
			}
			a, err := v.VerifyAccessToken(r.Context(), token)
			switch {
			case clientOnly(err):
				// A system's own token (client credentials) names no
				// account: handlers that serve systems verify it themselves;
				// the others see an anonymous request, even when a session
				// cookie came along.
				next.ServeHTTP(w, r.WithContext(WithAccount(r.Context(), nil, nil)))
			case err == nil && a != nil:
				next.ServeHTTP(w, r.WithContext(WithAccount(r.Context(), a, nil)))
			case err == nil || errs.KindOf(err) == errs.Unauthenticated || errs.KindOf(err) == errs.NotFound:
				w.Header().Set("WWW-Authenticate", `Bearer realm="pengcheng", error="invalid_token"`)
				WriteProblem(w, r, errInvalidToken)
			default:
				WriteProblem(w, r, errs.Wrap(err, "verify access token"))
			}
		})
	}
}

// clientOnly reports whether err says the token is valid but belongs to a
// system rather than a person (sso's "token.client_only").
func clientOnly(err error) bool {
	e := errs.As(err)
	return e != nil && e.Code == "token.client_only"
}
