package sso

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// TokenGrant says what a token is issued for.
type TokenGrant struct {
	GrantID   string // the authorization the token belongs to; a new one when empty
	ClientID  string
	AccountID string // empty for client credentials
	Scopes    []string
	Audience  []string
	AMR       []string
	AuthTime  time.Time
}

// ErrInvalidToken is returned for a token that is malformed, unknown,
// expired or revoked, or whose account is disabled.
var ErrInvalidToken = errs.E(errs.Unauthenticated, "token.invalid",
	"访问令牌无效或已过期", "the access token is invalid or has expired")

// errRefreshInvalid is returned for unusable refresh tokens.
var errRefreshInvalid = errs.E(errs.Invalid, "token.refresh_invalid",
	"刷新令牌无效、已过期或已被撤销", "the refresh token is invalid, expired or revoked")

// activeAccount loads an account that may still receive tokens.
func (s *Service) activeAccount(ctx context.Context, id string) (*identity.Account, error) {
	a, err := s.accounts.AccountByID(ctx, id)
	if errs.Is(err, errs.NotFound) {
		return nil, ErrInvalidToken
	}
	if err != nil {
		return nil, fmt.Errorf("load account %s: %w", id, err)
	}
	if a.Disabled {
		return nil, ErrInvalidToken
	}
	return a, nil
}

// IssueAccessToken stores a new access token for g and records it in the
// audit log. It refuses disabled accounts.
func (s *Service) IssueAccessToken(ctx context.Context, g TokenGrant) (*AccessToken, error) {
	var dept string
	if g.AccountID != "" {
		a, err := s.activeAccount(ctx, g.AccountID)
		if err != nil {
			return nil, err
		}
		dept = a.Department
	}
	now := s.now()
	if g.GrantID == "" {
		g.GrantID = ids.New()
	}
	t := &AccessToken{
		ID: ids.New(), GrantID: g.GrantID, ClientID: g.ClientID, AccountID: g.AccountID,
		Scopes: g.Scopes, Audience: g.Audience, CreatedAt: now, ExpiresAt: now.Add(s.cfg.AccessTokenTTL),
	}
	if err := s.store.CreateAccessToken(ctx, t); err != nil {
		return nil, fmt.Errorf("store access token: %w", err)
	}
	s.record(ctx, identity.AuthEvent{
		Kind: identity.EventTokenIssued, AccountID: g.AccountID, Department: dept, ClientID: g.ClientID,
		Detail: "access_token scope=" + strings.Join(g.Scopes, " "),
	})
	return t, nil
}

// IssueRefreshToken stores a new refresh token for g and returns it with
// its secret value, which only the client keeps.
func (s *Service) IssueRefreshToken(ctx context.Context, g TokenGrant) (*RefreshToken, string, error) {
	if g.AccountID == "" {
		return nil, "", fmt.Errorf("issue refresh token: no account")
	}
	now := s.now()
	if g.GrantID == "" {
		g.GrantID = ids.New()
	}
	t := &RefreshToken{
		ID: ids.New(), GrantID: g.GrantID, ClientID: g.ClientID, AccountID: g.AccountID,
		Scopes: g.Scopes, Audience: g.Audience, AMR: g.AMR, AuthTime: g.AuthTime.UTC(),
		CreatedAt: now, ExpiresAt: now.Add(s.cfg.RefreshTokenTTL),
	}
	secret := ids.Token(32)
	if err := s.store.CreateRefreshToken(ctx, t, ids.Hash(secret)); err != nil {
		return nil, "", fmt.Errorf("store refresh token: %w", err)
	}
	s.record(ctx, identity.AuthEvent{
		Kind: identity.EventTokenIssued, AccountID: g.AccountID, ClientID: g.ClientID,
		Detail: "refresh_token scope=" + strings.Join(g.Scopes, " "),
	})
	return t, secret, nil
}

// RefreshTokenByValue returns the usable refresh token with the secret
// value. Presenting a token that was already exchanged means it leaked or
// was replayed: the whole grant is revoked.
func (s *Service) RefreshTokenByValue(ctx context.Context, value string) (*RefreshToken, error) {
	t, err := s.store.FindRefreshToken(ctx, ids.Hash(value))
	if errs.Is(err, errs.NotFound) {
		return nil, errRefreshInvalid
	}
	if err != nil {
		return nil, fmt.Errorf("find refresh token: %w", err)
	}
	now := s.now()
	if !t.UsedAt.IsZero() && t.RevokedAt.IsZero() {
		s.log.WarnContext(ctx, "sso: refresh token reused; revoking its grant", "grant", t.GrantID, "client", t.ClientID)
		if err := s.store.RevokeGrant(ctx, t.GrantID, now); err != nil {
			return nil, fmt.Errorf("revoke grant after reuse: %w", err)
		}
		return nil, errRefreshInvalid
	}
	if !t.RevokedAt.IsZero() || !now.Before(t.ExpiresAt) {
		return nil, errRefreshInvalid
	}
	if _, err := s.activeAccount(ctx, t.AccountID); err != nil {
		return nil, errRefreshInvalid
	}
	return t, nil
}

// RefreshTokenInfo returns the refresh token with the secret value,
// whatever its state, for revocation.
func (s *Service) RefreshTokenInfo(ctx context.Context, value string) (*RefreshToken, error) {
	return s.store.FindRefreshToken(ctx, ids.Hash(value))
}

// RotateRefreshToken consumes the refresh token with the secret value (it
// can be exchanged once) and returns it; a second exchange, even a
// concurrent one, revokes the grant and fails.
func (s *Service) RotateRefreshToken(ctx context.Context, value string) (*RefreshToken, error) {
	t, err := s.RefreshTokenByValue(ctx, value)
	if err != nil {
		return nil, err
	}
	if err := s.store.UseRefreshToken(ctx, t.ID, s.now()); err != nil {
		if errs.Is(err, errs.Conflict) {
			if rerr := s.store.RevokeGrant(ctx, t.GrantID, s.now()); rerr != nil {
				return nil, fmt.Errorf("revoke grant after reuse: %w", rerr)
			}
			return nil, errRefreshInvalid
		}
		return nil, fmt.Errorf("use refresh token: %w", err)
	}
	return t, nil
}

// AccessTokenByID returns an active access token.
func (s *Service) AccessTokenByID(ctx context.Context, id string) (*AccessToken, error) {
	t, err := s.store.FindAccessToken(ctx, id)
	if errs.Is(err, errs.NotFound) {
		return nil, ErrInvalidToken
	}
	if err != nil {
		return nil, fmt.Errorf("find access token: %w", err)
	}
	if !t.Active(s.now()) {
		return nil, ErrInvalidToken
	}
	return t, nil
}

// SealAccessToken returns the value a client holds for t.
func (s *Service) SealAccessToken(t *AccessToken) (string, error) {
	return s.sealer.Encrypt(t.ID + ":" + t.Subject())
}

// TokenInfo is what a valid access token stands for.
type TokenInfo struct {
	Token   *AccessToken
	Account *identity.Account // nil for client-credentials tokens
}

// VerifyToken checks an access token: sealed by this provider, known,
// unexpired, unrevoked, and its account (if any) still enabled.
func (s *Service) VerifyToken(ctx context.Context, value string) (*TokenInfo, error) {
	plain, err := s.sealer.Decrypt(value)
	if err != nil {
		return nil, ErrInvalidToken
	}
	id, sub, ok := strings.Cut(plain, ":")
	if !ok {
		return nil, ErrInvalidToken
	}
	t, err := s.AccessTokenByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if t.Subject() != sub {
		return nil, ErrInvalidToken
	}
	info := &TokenInfo{Token: t}
	if t.AccountID != "" {
		if info.Account, err = s.activeAccount(ctx, t.AccountID); err != nil {
			return nil, err
		}
	}
	return info, nil
}

// VerifyAccessToken returns the account an access token was issued for;
// web.BearerAuth uses it. Tokens a client obtained for itself (client
// credentials) name no account and are refused here.
func (s *Service) VerifyAccessToken(ctx context.Context, value string) (*identity.Account, error) {
	info, err := s.VerifyToken(ctx, value)
	if err != nil {
		return nil, err
	}
	if info.Account == nil {
		return nil, errs.E(errs.Unauthenticated, "token.client_only",
			"此访问令牌属于应用本身，不代表任何用户", "this access token belongs to a client, not to a person")
	}
	return info.Account, nil
}

// RevokeAccessToken revokes one access token.
func (s *Service) RevokeAccessToken(ctx context.Context, id string) error {
	return s.store.RevokeAccessToken(ctx, id, s.now())
}

// RevokeGrant revokes every token of a grant (what revoking a refresh
// token does).
func (s *Service) RevokeGrant(ctx context.Context, grantID string) error {
	return s.store.RevokeGrant(ctx, grantID, s.now())
}

// RevokeTokenByID revokes the access token, or the grant of the refresh
// token, with id, on behalf of client clientID. It returns errs.NotFound
// for unknown ids and errs.Forbidden when the token is another client's.
func (s *Service) RevokeTokenByID(ctx context.Context, id, clientID string) error {
	if t, err := s.store.FindAccessToken(ctx, id); err == nil {
		if t.ClientID != clientID {
			return errs.E(errs.Forbidden, "token.other_client", "令牌不属于此应用", "the token was not issued to this client")
		}
		return s.store.RevokeAccessToken(ctx, id, s.now())
	} else if !errs.Is(err, errs.NotFound) {
		return err
	}
	t, err := s.store.FindRefreshTokenByID(ctx, id)
	if err != nil {
		return err
	}
	if t.ClientID != clientID {
		return errs.E(errs.Forbidden, "token.other_client", "令牌不属于此应用", "the token was not issued to this client")
	}
	return s.store.RevokeGrant(ctx, t.GrantID, s.now())
}

// RefreshTokenByID returns a refresh token by its id, whatever its state.
func (s *Service) RefreshTokenByID(ctx context.Context, id string) (*RefreshToken, error) {
	return s.store.FindRefreshTokenByID(ctx, id)
}

// EndClientSession revokes every token client holds for the account, when
// the person signs out of that client (RP-initiated logout).
func (s *Service) EndClientSession(ctx context.Context, accountID, clientID string) error {
	return s.store.RevokeClientTokens(ctx, accountID, clientID, s.now())
}
