// Package sso is Pengcheng's single sign-on: the OpenID Connect provider
// that departments' systems (relying parties, "clients") log people in
// through, and cross-authentication (交叉认证) with trusted upstream
// issuers such as a provincial or national platform.
//
// The package holds the domain: registered clients and their secrets,
// authorization requests, opaque access tokens and rotating refresh tokens,
// RS256 signing keys and their rotation, remembered consents, federation
// providers and the links from upstream subjects to local accounts, and
// the rules deciding which claims a client receives. It does no SQL and no
// HTTP: storage is the [Store] interface (implemented in ssosql) and the
// protocol endpoints and pages live in ssoweb, which drives
// github.com/zitadel/oidc's op package with this package's [Service].
//
// # Claims
//
// sub is the account id. Scope profile gives name, preferred_username and
// pengcheng_kind (and department and roles for staff); phone gives the
// phone number; idnumber gives id_number and id_number_verified, and only
// to clients whose registration allows the idnumber scope.
//
// # Durability
//
// Every piece of state lives in the database so that several instances
// behind a load balancer serve one provider: even the key that seals access
// tokens is generated once and stored (see [Service.Start]).
package sso

import (
	"slices"
	"time"
)

// Scopes the provider knows. Standard OpenID Connect scopes plus
// ScopeIDNumber, which gates the id_number claim.
const (
	ScopeOpenID        = "openid"
	ScopeProfile       = "profile"
	ScopeEmail         = "email"
	ScopePhone         = "phone"
	ScopeOfflineAccess = "offline_access"
	ScopeIDNumber      = "idnumber" // the person's resident identity number
)

// KnownScopes lists every scope a client may be allowed, in display order.
var KnownScopes = []string{ScopeOpenID, ScopeProfile, ScopeEmail, ScopePhone, ScopeOfflineAccess, ScopeIDNumber}

// GrantType is an OAuth 2.0 grant a client may use.
type GrantType string

// The grant types the provider supports.
const (
	GrantAuthorizationCode GrantType = "authorization_code"
	GrantRefreshToken      GrantType = "refresh_token"
	GrantClientCredentials GrantType = "client_credentials" // confidential clients only
)

// KnownGrantTypes lists the supported grant types.
var KnownGrantTypes = []GrantType{GrantAuthorizationCode, GrantRefreshToken, GrantClientCredentials}

// Client is a registered relying party: a department's system that logs
// people in through Pengcheng, or calls the API with its own credentials.
type Client struct {
	ID                     string // client_id
	Name                   string // shown on the consent page
	Department             string // owning department's code; may be empty
	RedirectURIs           []string
	PostLogoutRedirectURIs []string
	Scopes                 []string    // scopes the client may request (see KnownScopes)
	GrantTypes             []GrantType // grants the client may use
	Public                 bool        // no secret; must use PKCE (apps, single-page sites)
	Disabled               bool
	CreatedAt              time.Time
	UpdatedAt              time.Time
}

// AllowsScope reports whether the client may receive scope s.
func (c *Client) AllowsScope(s string) bool { return slices.Contains(c.Scopes, s) }

// AllowsGrant reports whether the client may use grant g.
func (c *Client) AllowsGrant(g GrantType) bool { return slices.Contains(c.GrantTypes, g) }

// AuthRequest is an authorization request in flight: created when a client
// sends a browser to the authorization endpoint, completed when the person
// signed in and consented, redeemed when the client exchanges its code.
type AuthRequest struct {
	ID                  string
	ClientID            string
	RedirectURI         string
	Scopes              []string
	State               string
	Nonce               string
	ResponseType        string
	ResponseMode        string
	Prompt              []string // none, login, consent, select_account
	MaxAge              int      // seconds; -1 when the client sent none
	LoginHint           string
	HintSubject         string // sub of a valid id_token_hint, if any
	UILocales           []string
	CodeChallenge       string
	CodeChallengeMethod string
	AccountID           string    // set once a person signed in for it
	AuthTime            time.Time // when that person authenticated
	AMR                 []string  // how: pwd, otp, fed
	CreatedAt           time.Time
	ExpiresAt           time.Time
}

// Done reports whether a person has signed in for the request.
func (a *AuthRequest) Done() bool { return a.AccountID != "" }

// HasPrompt reports whether the client asked for prompt p.
func (a *AuthRequest) HasPrompt(p string) bool { return slices.Contains(a.Prompt, p) }

// AccessToken is an issued access token. The client holds the token sealed
// with the provider's key; the record says whether it still holds.
type AccessToken struct {
	ID        string
	GrantID   string // the authorization it belongs to
	ClientID  string
	AccountID string // empty for client-credentials tokens
	Scopes    []string
	Audience  []string
	CreatedAt time.Time
	ExpiresAt time.Time
	RevokedAt time.Time // zero while valid
}

// Active reports whether the token is neither expired nor revoked at now.
func (t *AccessToken) Active(now time.Time) bool {
	return t.RevokedAt.IsZero() && now.Before(t.ExpiresAt)
}

// Subject returns the token's subject: the account, or for client
// credentials the client itself.
func (t *AccessToken) Subject() string {
	if t.AccountID != "" {
		return t.AccountID
	}
	return t.ClientID
}

// RefreshToken is an issued refresh token. The store keeps only the hash
// of its secret. Each use replaces it by a new one (rotation).
type RefreshToken struct {
	ID        string
	GrantID   string
	ClientID  string
	AccountID string
	Scopes    []string
	Audience  []string
	AMR       []string
	AuthTime  time.Time
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time // set when it was exchanged for a new one
	RevokedAt time.Time
}

// SigningKey is an RS256 key pair that signs ID tokens. PrivateKeyPEM is a
// PKCS #8 PEM block.
type SigningKey struct {
	ID            string // the JWK kid
	Generation    int    // increases by one per rotation
	Algorithm     string // RS256
	PrivateKeyPEM string
	CreatedAt     time.Time
	RetiredAt     time.Time // zero for the key that signs
}

// Consent is what a person allowed a client to receive.
type Consent struct {
	AccountID string
	ClientID  string
	Scopes    []string
	GrantedAt time.Time
}

// Covers reports whether the consent includes every scope in scopes.
func (c *Consent) Covers(scopes []string) bool {
	for _, s := range scopes {
		if !slices.Contains(c.Scopes, s) {
			return false
		}
	}
	return true
}

// FederationProvider is a trusted upstream OpenID Connect issuer whose
// logins Pengcheng accepts (交叉认证).
type FederationProvider struct {
	ID            string // short name used in URLs and in session methods ("fed:<id>")
	Name          string // shown on the login page: 使用 <Name> 登录
	Issuer        string
	ClientID      string // Pengcheng's client id at the upstream issuer
	ClientSecret  string
	Scopes        []string
	IDNumberClaim string // the claim carrying the resident identity number, e.g. id_number
	Enabled       bool
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// FederatedIdentity links a subject at an upstream issuer to a local account.
type FederatedIdentity struct {
	ProviderID  string
	Subject     string
	AccountID   string
	CreatedAt   time.Time
	LastLoginAt time.Time
}

// FederationState is an upstream login in flight.
type FederationState struct {
	StateHash    string
	ProviderID   string
	Nonce        string
	CodeVerifier string
	Next         string
	CreatedAt    time.Time
	ExpiresAt    time.Time
}
