package ssoweb

import (
	"log/slog"
	"net/url"
	"slices"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/pengcheng-gov/pengcheng/internal/sso"
)

// This file adapts the domain's types to the interfaces of the op package.

// authRequest adapts sso.AuthRequest to op.AuthRequest.
type authRequest struct{ *sso.AuthRequest }

var _ op.AuthRequest = authRequest{}

func (a authRequest) GetID() string          { return a.ID }
func (a authRequest) GetACR() string         { return "" }
func (a authRequest) GetAMR() []string       { return a.AMR }
func (a authRequest) GetAudience() []string  { return []string{a.ClientID} }
func (a authRequest) GetAuthTime() time.Time { return a.AuthTime }
func (a authRequest) GetClientID() string    { return a.ClientID }
func (a authRequest) GetNonce() string       { return a.Nonce }
func (a authRequest) GetRedirectURI() string { return a.RedirectURI }
func (a authRequest) GetScopes() []string    { return a.Scopes }
func (a authRequest) GetState() string       { return a.State }
func (a authRequest) GetSubject() string     { return a.AccountID }
func (a authRequest) Done() bool             { return a.AuthRequest.Done() }
func (a authRequest) GetResponseType() oidc.ResponseType {
	return oidc.ResponseType(a.ResponseType)
}
func (a authRequest) GetResponseMode() oidc.ResponseMode {
	return oidc.ResponseMode(a.ResponseMode)
}
func (a authRequest) GetCodeChallenge() *oidc.CodeChallenge {
	if a.CodeChallenge == "" {
		return nil
	}
	return &oidc.CodeChallenge{Challenge: a.CodeChallenge, Method: oidc.CodeChallengeMethod(a.CodeChallengeMethod)}
}

// LogValue keeps secrets (state, nonce, challenge) out of the op's logs.
func (a authRequest) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", a.ID), slog.String("client_id", a.ClientID), slog.Any("scopes", a.Scopes))
}

// fromOIDC converts a parsed authorization request.
func fromOIDC(r *oidc.AuthRequest, hintSubject string) *sso.AuthRequest {
	maxAge := -1
	if r.MaxAge != nil {
		maxAge = int(*r.MaxAge)
	}
	var locales []string
	for _, l := range r.UILocales {
		locales = append(locales, l.String())
	}
	return &sso.AuthRequest{
		ClientID: r.ClientID, RedirectURI: r.RedirectURI, Scopes: r.Scopes, State: r.State, Nonce: r.Nonce,
		ResponseType: string(r.ResponseType), ResponseMode: string(r.ResponseMode), Prompt: r.Prompt,
		MaxAge: maxAge, LoginHint: r.LoginHint, HintSubject: hintSubject, UILocales: locales,
		CodeChallenge: r.CodeChallenge, CodeChallengeMethod: string(r.CodeChallengeMethod),
	}
}

// refreshRequest adapts a refresh token to op.RefreshTokenRequest.
type refreshRequest struct {
	*sso.RefreshToken
	scopes []string // narrowed by the client, or the token's
}

var _ op.RefreshTokenRequest = (*refreshRequest)(nil)

func (r *refreshRequest) GetAMR() []string            { return r.AMR }
func (r *refreshRequest) GetAudience() []string       { return r.Audience }
func (r *refreshRequest) GetAuthTime() time.Time      { return r.AuthTime }
func (r *refreshRequest) GetClientID() string         { return r.ClientID }
func (r *refreshRequest) GetScopes() []string         { return r.scopes }
func (r *refreshRequest) GetSubject() string          { return r.AccountID }
func (r *refreshRequest) SetCurrentScopes(s []string) { r.scopes = s }

// clientCredentialsRequest is the token request of a client acting for itself.
type clientCredentialsRequest struct {
	clientID string
	scopes   []string
}

func (c *clientCredentialsRequest) GetSubject() string    { return c.clientID }
func (c *clientCredentialsRequest) GetAudience() []string { return []string{c.clientID} }
func (c *clientCredentialsRequest) GetScopes() []string   { return c.scopes }

// client adapts sso.Client to op.Client.
type client struct {
	*sso.Client
	idTokenTTL time.Duration
}

var _ op.Client = client{}

func (c client) GetID() string                    { return c.ID }
func (c client) RedirectURIs() []string           { return c.Client.RedirectURIs }
func (c client) PostLogoutRedirectURIs() []string { return c.Client.PostLogoutRedirectURIs }

// ApplicationType: confidential clients are web applications; public ones
// are native or browser apps, for which op accepts loopback redirects on
// any port and private schemes.
func (c client) ApplicationType() op.ApplicationType {
	if c.Public {
		return op.ApplicationTypeNative
	}
	return op.ApplicationTypeWeb
}

func (c client) AuthMethod() oidc.AuthMethod {
	if c.Public {
		return oidc.AuthMethodNone
	}
	return oidc.AuthMethodBasic
}

func (c client) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}

func (c client) GrantTypes() []oidc.GrantType {
	out := make([]oidc.GrantType, len(c.Client.GrantTypes))
	for i, g := range c.Client.GrantTypes {
		out[i] = oidc.GrantType(g)
	}
	return out
}

// LoginURL sends the browser to our continuation page, which signs the
// person in (or sends them to the login page) and asks for consent.
func (c client) LoginURL(id string) string { return continuePath + "?id=" + url.QueryEscape(id) }

func (c client) AccessTokenType() op.AccessTokenType { return op.AccessTokenTypeBearer }
func (c client) IDTokenLifetime() time.Duration      { return c.idTokenTTL }
func (c client) DevMode() bool                       { return false }
func (c client) ClockSkew() time.Duration            { return 0 }

// The ID token carries the claims of the scopes granted, like userinfo.
func (c client) IDTokenUserinfoClaimsAssertion() bool { return true }

func (c client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

func (c client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

// IsScopeAllowed reports whether the client may receive a non-standard
// scope (op always lets the standard ones through; the claims are gated
// again by sso.Claims).
func (c client) IsScopeAllowed(scope string) bool { return slices.Contains(c.Scopes, scope) }

// signingKey adapts a key pair to op.SigningKey and op.Key.
type signingKey struct{ *sso.KeyPair }

func (k signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k signingKey) Algorithm() jose.SignatureAlgorithm          { return jose.RS256 }
func (k signingKey) Key() any                                    { return k.Private }
func (k signingKey) ID() string                                  { return k.KeyPair.ID }
func (k signingKey) Use() string                                 { return "sig" }

// publicKey is the published half of a key.
type publicKey struct{ signingKey }

func (k publicKey) Key() any { return &k.Private.PublicKey }
