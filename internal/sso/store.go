package sso

import (
	"context"
	"time"
)

// Store persists everything the provider knows. Methods return
// errs.NotFound when a thing does not exist and errs.Conflict when a unique
// key is taken.
type Store interface {
	ClientStore
	GrantStore
	KeyStore
	ConsentStore
	FederationStore
}

// ClientStore persists registered clients.
type ClientStore interface {
	CreateClient(ctx context.Context, c *Client, secretHash string) error
	FindClientByID(ctx context.Context, id string) (*Client, error)
	FindClients(ctx context.Context) ([]*Client, error)
	// UpdateClient replaces the client's registration (everything but the
	// id, secret and creation time).
	UpdateClient(ctx context.Context, c *Client) error
	ClientSecretHash(ctx context.Context, id string) (string, error)
	SetClientSecretHash(ctx context.Context, id, hash string, now time.Time) error
	DeleteClient(ctx context.Context, id string) error
}

// GrantStore persists authorization requests and tokens.
type GrantStore interface {
	CreateAuthRequest(ctx context.Context, a *AuthRequest) error
	// FindAuthRequest returns the unexpired request with id.
	FindAuthRequest(ctx context.Context, id string, now time.Time) (*AuthRequest, error)
	// CompleteAuthRequest records who signed in for the request.
	CompleteAuthRequest(ctx context.Context, id, accountID string, authTime time.Time, amr []string) error
	// SetAuthCode records the hash of the code issued for the request and
	// shortens the request's life to expires.
	SetAuthCode(ctx context.Context, id, codeHash string, expires time.Time) error
	// RedeemAuthCode marks the code used and returns its request. It returns
	// errs.NotFound for unknown, expired or already redeemed codes: a code
	// works once, even under concurrent requests.
	RedeemAuthCode(ctx context.Context, codeHash string, now time.Time) (*AuthRequest, error)
	DeleteAuthRequest(ctx context.Context, id string) error

	CreateAccessToken(ctx context.Context, t *AccessToken) error
	FindAccessToken(ctx context.Context, id string) (*AccessToken, error)
	CreateRefreshToken(ctx context.Context, t *RefreshToken, tokenHash string) error
	FindRefreshToken(ctx context.Context, tokenHash string) (*RefreshToken, error)
	FindRefreshTokenByID(ctx context.Context, id string) (*RefreshToken, error)
	// UseRefreshToken marks an unused, unrevoked refresh token used. It
	// returns errs.Conflict when the token was already used or revoked.
	UseRefreshToken(ctx context.Context, id string, now time.Time) error
	RevokeAccessToken(ctx context.Context, id string, now time.Time) error
	// RevokeGrant revokes every access and refresh token of a grant.
	RevokeGrant(ctx context.Context, grantID string, now time.Time) error
	// RevokeClientTokens revokes every token a client holds for an account.
	RevokeClientTokens(ctx context.Context, accountID, clientID string, now time.Time) error
	// DeleteExpired removes expired authorization requests, tokens and
	// federation states, and returns how many rows went.
	DeleteExpired(ctx context.Context, now time.Time) (int, error)
}

// KeyStore persists signing keys and the provider's shared secrets.
type KeyStore interface {
	// CreateSigningKey stores a key; errs.Conflict when its generation exists.
	CreateSigningKey(ctx context.Context, k *SigningKey) error
	// FindSigningKeys returns every stored key, newest generation first.
	FindSigningKeys(ctx context.Context) ([]*SigningKey, error)
	RetireSigningKeys(ctx context.Context, belowGeneration int, at time.Time) error
	DeleteSigningKey(ctx context.Context, id string) error
	// EnsureSecret stores value under name unless a value is already there,
	// and returns the stored value: every instance gets the same.
	EnsureSecret(ctx context.Context, name, value string, now time.Time) (string, error)
}

// ConsentStore persists consents.
type ConsentStore interface {
	FindConsent(ctx context.Context, accountID, clientID string) (*Consent, error)
	// FindConsents returns an account's consents, newest first.
	FindConsents(ctx context.Context, accountID string) ([]*Consent, error)
	// SaveConsent creates or replaces the consent of an account for a client.
	SaveConsent(ctx context.Context, c *Consent) error
	DeleteConsent(ctx context.Context, accountID, clientID string) error
}

// FederationStore persists federation providers, links and states.
type FederationStore interface {
	CreateFederationProvider(ctx context.Context, p *FederationProvider) error
	UpdateFederationProvider(ctx context.Context, p *FederationProvider) error
	FindFederationProvider(ctx context.Context, id string) (*FederationProvider, error)
	FindFederationProviders(ctx context.Context) ([]*FederationProvider, error)

	CreateFederatedIdentity(ctx context.Context, f *FederatedIdentity) error
	FindFederatedIdentity(ctx context.Context, providerID, subject string) (*FederatedIdentity, error)
	TouchFederatedIdentity(ctx context.Context, providerID, subject string, at time.Time) error

	CreateFederationState(ctx context.Context, s *FederationState) error
	// ConsumeFederationState deletes and returns the unexpired state; a
	// state works once.
	ConsumeFederationState(ctx context.Context, stateHash string, now time.Time) (*FederationState, error)
}
