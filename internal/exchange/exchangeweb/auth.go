package exchangeweb

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/exchange"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/sso"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// TokenVerifier checks the bearer tokens of the API's callers;
// sso.Service implements it. VerifyToken returns what a valid token
// stands for (an account, or only a client for client-credentials tokens)
// and an errs.Unauthenticated error otherwise; ClientByID returns a
// registered client (errs.NotFound when there is none).
type TokenVerifier interface {
	VerifyToken(ctx context.Context, token string) (*sso.TokenInfo, error)
	ClientByID(ctx context.Context, id string) (*sso.Client, error)
}

// caller is who calls the API: an account, or a department's system.
type caller struct {
	account *identity.Account // nil for a system
	client  *exchange.Actor   // the system, nil for an account
}

// actor returns the reader the caller is: the system, or the account as
// staff (errs.Forbidden for accounts that are not staff who may read).
func (c caller) actor() (exchange.Actor, error) {
	if c.client != nil {
		return *c.client, nil
	}
	return exchange.StaffActor(c.account)
}

// department returns the department the caller acts for, or "".
func (c caller) department() string {
	if c.client != nil {
		return c.client.Department
	}
	if c.account.IsStaff() {
		return c.account.Department
	}
	return ""
}

var (
	errNoCredentials = errs.E(errs.Unauthenticated, "exchange.credentials",
		"请登录，或使用本平台签发的访问令牌（Authorization: Bearer）调用接口",
		"Sign in, or call the API with an access token issued by this platform (Authorization: Bearer).")
	errBadToken = errs.E(errs.Unauthenticated, "token.invalid", "访问令牌无效或已过期", "The access token is invalid or has expired.")
)

// tokenFailure is an authentication failure that must tell the client
// how to retry (RFC 6750 §3).
type tokenFailure struct {
	err       error
	challenge string // the WWW-Authenticate value
}

// Error implements error.
func (f *tokenFailure) Error() string { return f.err.Error() }

// Unwrap returns the error shown to the client.
func (f *tokenFailure) Unwrap() error { return f.err }

// caller identifies the caller of an API request: the signed-in account,
// else the bearer token's account or client.
func (h *Handlers) caller(r *http.Request) (caller, error) {
	if a := web.AccountFrom(r.Context()); a != nil {
		return caller{account: a}, nil
	}
	header := r.Header.Get("Authorization")
	if header == "" {
		return caller{}, &tokenFailure{err: errNoCredentials, challenge: `Bearer realm="pengcheng"`}
	}
	scheme, token, _ := strings.Cut(header, " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || token == "" || h.Tokens == nil {
		return caller{}, &tokenFailure{err: errBadToken, challenge: `Bearer realm="pengcheng", error="invalid_request"`}
	}
	invalid := &tokenFailure{err: errBadToken, challenge: `Bearer realm="pengcheng", error="invalid_token"`}
	info, err := h.Tokens.VerifyToken(r.Context(), token)
	switch {
	case errs.Is(err, errs.Unauthenticated) || errs.Is(err, errs.NotFound):
		return caller{}, invalid
	case err != nil:
		return caller{}, fmt.Errorf("verify access token: %w", err)
	case info.Account != nil:
		return caller{account: info.Account}, nil
	}
	client, err := h.Tokens.ClientByID(r.Context(), info.Token.ClientID)
	switch {
	case errs.Is(err, errs.NotFound):
		return caller{}, invalid
	case err != nil:
		return caller{}, fmt.Errorf("load client: %w", err)
	case client.Disabled:
		return caller{}, invalid
	}
	actor, err := exchange.ClientActor(client.ID, client.Name, client.Department)
	if err != nil {
		return caller{}, err
	}
	return caller{client: &actor}, nil
}

// api wraps an API handler that needs a caller. Token failures get their
// WWW-Authenticate challenge.
func (h *Handlers) api(fn func(w http.ResponseWriter, r *http.Request, c caller) error) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := h.caller(r)
		if f, ok := err.(*tokenFailure); ok {
			w.Header().Set("WWW-Authenticate", f.challenge)
			return f.err
		}
		if err != nil {
			return err
		}
		return fn(w, r, c)
	}
}
