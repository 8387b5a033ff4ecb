package ssoweb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/sso"
)

// storage implements op.Storage (and the optional client-credentials,
// userinfo-from-request and end-session interfaces) on the sso service.
// It holds no state of its own: every instance behind a load balancer
// reads the same database.
type storage struct {
	p *Provider
}

var (
	_ op.Storage                        = storage{}
	_ op.ClientCredentialsStorage       = storage{}
	_ op.CanSetUserinfoFromRequest      = storage{}
	_ op.CanTerminateSessionFromRequest = storage{}
)

func (s storage) svc() *sso.Service { return s.p.sso }

// CreateAuthRequest implements op.AuthStorage. userID is the subject of a
// valid id_token_hint, if any.
func (s storage) CreateAuthRequest(ctx context.Context, r *oidc.AuthRequest, userID string) (op.AuthRequest, error) {
	a := fromOIDC(r, userID)
	if err := s.svc().CreateAuthRequest(ctx, a); err != nil {
		switch {
		case errors.Is(err, sso.ErrPKCERequired), errors.Is(err, sso.ErrPKCEMethod):
			return nil, oidc.ErrInvalidRequest().WithDescription("%s", errs.As(err).MsgEN)
		case errors.Is(err, sso.ErrClientDisabled):
			return nil, oidc.ErrUnauthorizedClient().WithDescription("the client is disabled")
		}
		return nil, err
	}
	return authRequest{a}, nil
}

// AuthRequestByID implements op.AuthStorage.
func (s storage) AuthRequestByID(ctx context.Context, id string) (op.AuthRequest, error) {
	a, err := s.svc().AuthRequest(ctx, id)
	if err != nil {
		return nil, err
	}
	return authRequest{a}, nil
}

// AuthRequestByCode implements op.AuthStorage; a code works once.
func (s storage) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	a, err := s.svc().RedeemAuthCode(ctx, code)
	if err != nil {
		return nil, err
	}
	return authRequest{a}, nil
}

// SaveAuthCode implements op.AuthStorage.
func (s storage) SaveAuthCode(ctx context.Context, id, code string) error {
	return s.svc().SaveAuthCode(ctx, id, code)
}

// DeleteAuthRequest implements op.AuthStorage.
func (s storage) DeleteAuthRequest(ctx context.Context, id string) error {
	return s.svc().DeleteAuthRequest(ctx, id)
}

// grantOf describes what a token request is for.
func grantOf(req op.TokenRequest) (sso.TokenGrant, error) {
	switch r := req.(type) {
	case authRequest:
		return sso.TokenGrant{GrantID: r.ID, ClientID: r.ClientID, AccountID: r.AccountID, Scopes: r.Scopes,
			Audience: []string{r.ClientID}, AMR: r.AMR, AuthTime: r.AuthTime}, nil
	case *refreshRequest:
		return sso.TokenGrant{GrantID: r.GrantID, ClientID: r.ClientID, AccountID: r.AccountID, Scopes: r.scopes,
			Audience: r.Audience, AMR: r.AMR, AuthTime: r.AuthTime}, nil
	case *clientCredentialsRequest:
		return sso.TokenGrant{ClientID: r.clientID, Scopes: r.scopes, Audience: []string{r.clientID}}, nil
	}
	return sso.TokenGrant{}, oidc.ErrUnsupportedGrantType().WithDescription("unsupported token request %T", req)
}

// CreateAccessToken implements op.AuthStorage.
func (s storage) CreateAccessToken(ctx context.Context, req op.TokenRequest) (string, time.Time, error) {
	g, err := grantOf(req)
	if err != nil {
		return "", time.Time{}, err
	}
	t, err := s.svc().IssueAccessToken(ctx, g)
	if err != nil {
		return "", time.Time{}, tokenError(err)
	}
	return t.ID, t.ExpiresAt, nil
}

// CreateAccessAndRefreshTokens implements op.AuthStorage. On a refresh
// the presented token is consumed (rotation); the new refresh token keeps
// the grant's full scope even when the client narrowed this access token's.
func (s storage) CreateAccessAndRefreshTokens(ctx context.Context, req op.TokenRequest, current string) (string, string, time.Time, error) {
	g, err := grantOf(req)
	if err != nil {
		return "", "", time.Time{}, err
	}
	refresh := g
	if current != "" {
		old, err := s.svc().RotateRefreshToken(ctx, current)
		if err != nil {
			return "", "", time.Time{}, oidc.ErrInvalidGrant().WithDescription("the refresh token is invalid, expired or revoked").WithParent(err)
		}
		g.GrantID, refresh.GrantID, refresh.Scopes = old.GrantID, old.GrantID, old.Scopes
	}
	at, err := s.svc().IssueAccessToken(ctx, g)
	if err != nil {
		return "", "", time.Time{}, tokenError(err)
	}
	_, value, err := s.svc().IssueRefreshToken(ctx, refresh)
	if err != nil {
		return "", "", time.Time{}, err
	}
	return at.ID, value, at.ExpiresAt, nil
}

// tokenError maps a refusal to issue a token (a disabled account) to
// invalid_grant; other errors stay server errors.
func tokenError(err error) error {
	if errors.Is(err, sso.ErrInvalidToken) {
		return oidc.ErrInvalidGrant().WithDescription("the account can no longer receive tokens").WithParent(err)
	}
	return err
}

// TokenRequestByRefreshToken implements op.AuthStorage.
func (s storage) TokenRequestByRefreshToken(ctx context.Context, value string) (op.RefreshTokenRequest, error) {
	t, err := s.svc().RefreshTokenByValue(ctx, value)
	if err != nil {
		return nil, err
	}
	return &refreshRequest{RefreshToken: t, scopes: t.Scopes}, nil
}

// TerminateSession implements op.AuthStorage; TerminateSessionFromRequest
// (logout.go) is what op calls.
func (s storage) TerminateSession(ctx context.Context, userID, clientID string) error {
	return s.svc().EndClientSession(ctx, userID, clientID)
}

// RevokeToken implements op.AuthStorage (RFC 7009). tokenOrID is the id of
// an access or refresh token, or an unrecognised token, which is not an
// error. Revoking a refresh token revokes its whole grant.
func (s storage) RevokeToken(ctx context.Context, tokenOrID, userID, clientID string) *oidc.Error {
	err := s.svc().RevokeTokenByID(ctx, tokenOrID, clientID)
	switch {
	case err == nil, errs.Is(err, errs.NotFound):
		return nil
	case errs.Is(err, errs.Forbidden):
		return oidc.ErrInvalidClient().WithDescription("the token was not issued to this client")
	}
	return oidc.ErrServerError().WithParent(err)
}

// GetRefreshTokenInfo implements op.AuthStorage.
func (s storage) GetRefreshTokenInfo(ctx context.Context, clientID, value string) (string, string, error) {
	t, err := s.svc().RefreshTokenInfo(ctx, value)
	if err != nil {
		return "", "", op.ErrInvalidRefreshToken
	}
	return t.AccountID, t.ID, nil
}

// SigningKey implements op.AuthStorage.
func (s storage) SigningKey(ctx context.Context) (op.SigningKey, error) {
	k, err := s.svc().SigningKey(ctx)
	if err != nil {
		return nil, err
	}
	return signingKey{k}, nil
}

// SignatureAlgorithms implements op.AuthStorage.
func (s storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

// KeySet implements op.AuthStorage: the public keys of the JWKS.
func (s storage) KeySet(ctx context.Context) ([]op.Key, error) {
	keys, err := s.svc().PublishedKeys(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]op.Key, len(keys))
	for i, k := range keys {
		out[i] = publicKey{signingKey{k}}
	}
	return out, nil
}

// errUnknownClient is what op gets for unknown and disabled clients.
var errUnknownClient = errors.New("unknown or disabled client")

// GetClientByClientID implements op.OPStorage. Disabled clients are unknown.
func (s storage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := s.svc().ClientByID(ctx, id)
	if errs.Is(err, errs.NotFound) || (err == nil && c.Disabled) {
		return nil, errUnknownClient
	}
	if err != nil {
		return nil, oidc.ErrServerError().WithParent(err)
	}
	return client{Client: c, idTokenTTL: s.svc().Config().IDTokenTTL}, nil
}

// AuthorizeClientIDSecret implements op.OPStorage.
func (s storage) AuthorizeClientIDSecret(ctx context.Context, id, secret string) error {
	_, err := s.svc().AuthenticateClient(ctx, id, secret)
	if err != nil && !errs.Is(err, errs.Unauthenticated) {
		return oidc.ErrServerError().WithParent(err)
	}
	return err
}

// ClientCredentials implements op.ClientCredentialsStorage.
func (s storage) ClientCredentials(ctx context.Context, id, secret string) (op.Client, error) {
	c, err := s.svc().AuthenticateClient(ctx, id, secret)
	if err != nil {
		if !errs.Is(err, errs.Unauthenticated) {
			return nil, oidc.ErrServerError().WithParent(err)
		}
		return nil, err
	}
	return client{Client: c, idTokenTTL: s.svc().Config().IDTokenTTL}, nil
}

// ClientCredentialsTokenRequest implements op.ClientCredentialsStorage:
// the token carries the requested scopes that the client is allowed.
func (s storage) ClientCredentialsTokenRequest(ctx context.Context, id string, scopes []string) (op.TokenRequest, error) {
	c, err := s.svc().ClientByID(ctx, id)
	if err != nil {
		return nil, err
	}
	var granted []string
	for _, sc := range scopes {
		if c.AllowsScope(sc) {
			granted = append(granted, sc)
		}
	}
	return &clientCredentialsRequest{clientID: id, scopes: granted}, nil
}

// SetUserinfoFromScopes implements op.OPStorage; op deprecated it in
// favour of SetUserinfoFromRequest, which does the work.
func (s storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

// SetUserinfoFromRequest implements op.CanSetUserinfoFromRequest, for ID tokens.
func (s storage) SetUserinfoFromRequest(ctx context.Context, info *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	return s.setUserinfo(ctx, info, req.GetSubject(), req.GetClientID(), scopes)
}

// SetUserinfoFromToken implements op.OPStorage, for the userinfo endpoint.
func (s storage) SetUserinfoFromToken(ctx context.Context, info *oidc.UserInfo, tokenID, subject, _ string) error {
	t, err := s.svc().AccessTokenByID(ctx, tokenID)
	if err != nil {
		return err
	}
	if t.Subject() != subject || t.AccountID == "" {
		return sso.ErrInvalidToken
	}
	return s.setUserinfo(ctx, info, t.AccountID, t.ClientID, t.Scopes)
}

func (s storage) setUserinfo(ctx context.Context, info *oidc.UserInfo, accountID, clientID string, scopes []string) error {
	claims, err := s.svc().UserClaims(ctx, accountID, clientID, scopes)
	if err != nil {
		return err
	}
	info.Subject = accountID
	for k, v := range claims {
		switch k {
		case "name":
			info.Name, _ = v.(string)
		case "preferred_username":
			info.PreferredUsername, _ = v.(string)
		case "email":
			info.Email, _ = v.(string)
		case "phone_number":
			info.PhoneNumber, _ = v.(string)
		default:
			info.AppendClaims(k, v)
		}
	}
	return nil
}

// SetIntrospectionFromToken implements op.OPStorage (RFC 7662). A client
// may introspect only tokens issued to it.
func (s storage) SetIntrospectionFromToken(ctx context.Context, resp *oidc.IntrospectionResponse, tokenID, subject, clientID string) error {
	t, err := s.svc().AccessTokenByID(ctx, tokenID)
	if err != nil {
		return err
	}
	if t.Subject() != subject || t.ClientID != clientID {
		return sso.ErrInvalidToken
	}
	if t.AccountID != "" {
		info := new(oidc.UserInfo)
		if err := s.setUserinfo(ctx, info, t.AccountID, t.ClientID, t.Scopes); err != nil {
			return err
		}
		resp.SetUserInfo(info)
	}
	resp.Scope, resp.ClientID, resp.TokenType, resp.Subject = t.Scopes, t.ClientID, oidc.BearerToken, t.Subject()
	resp.Audience, resp.JWTID = t.Audience, t.ID
	resp.Expiration, resp.IssuedAt = oidc.FromTime(t.ExpiresAt), oidc.FromTime(t.CreatedAt)
	return nil
}

// GetPrivateClaimsFromScopes implements op.OPStorage; it only matters for
// JWT access tokens, which Pengcheng does not issue.
func (s storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

// GetKeyByIDAndClientID implements op.OPStorage; clients do not
// authenticate with their own keys (private_key_jwt) here.
func (s storage) GetKeyByIDAndClientID(_ context.Context, keyID, clientID string) (*jose.JSONWebKey, error) {
	return nil, fmt.Errorf("client %s has no registered key %s: private_key_jwt is not supported", clientID, keyID)
}

// ValidateJWTProfileScopes implements op.OPStorage; the JWT profile grant
// is not supported.
func (s storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, oidc.ErrUnsupportedGrantType().WithDescription("the JWT profile grant is not supported")
}

// Health implements op.Storage; readiness is the web server's /readyz.
func (s storage) Health(context.Context) error { return nil }
