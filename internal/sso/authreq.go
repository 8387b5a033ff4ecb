package sso

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// Errors about authorization requests. The protocol layer maps them to
// OAuth error codes by their Code.
var (
	// ErrRequestNotFound is returned for an unknown or expired request.
	ErrRequestNotFound = errs.E(errs.NotFound, "authreq.not_found",
		"登录请求不存在或已过期，请回到原应用重新登录", "the login request does not exist or has expired; go back to the application and sign in again")
	// ErrPKCERequired is returned when a public client sends no S256 code challenge.
	ErrPKCERequired = errs.E(errs.Invalid, "authreq.pkce_required",
		"此应用必须使用 PKCE（S256）", "this client must use PKCE with S256")
	// ErrPKCEMethod is returned for a code challenge method other than S256.
	ErrPKCEMethod = errs.E(errs.Invalid, "authreq.pkce_method",
		"只接受 S256 方式的 PKCE 代码质询", "only the S256 code challenge method is accepted")
	// ErrClientDisabled is returned for requests from a disabled client.
	ErrClientDisabled = errs.E(errs.Forbidden, "authreq.client_disabled",
		"此应用已停用", "this client is disabled")
)

// CreateAuthRequest checks and stores a new authorization request: the
// client must be enabled and allowed the code grant, and a code challenge,
// required of public clients, must use S256.
func (s *Service) CreateAuthRequest(ctx context.Context, a *AuthRequest) error {
	c, err := s.store.FindClientByID(ctx, a.ClientID)
	if err != nil {
		return fmt.Errorf("auth request: client %s: %w", a.ClientID, err)
	}
	if c.Disabled || !c.AllowsGrant(GrantAuthorizationCode) {
		return ErrClientDisabled
	}
	if a.CodeChallenge == "" && c.Public {
		return ErrPKCERequired
	}
	if a.CodeChallenge != "" && a.CodeChallengeMethod != "S256" {
		return ErrPKCEMethod
	}
	now := s.now()
	a.ID = ids.New()
	a.CreatedAt = now
	a.ExpiresAt = now.Add(s.cfg.AuthRequestTTL)
	a.AccountID, a.AuthTime, a.AMR = "", time.Time{}, nil
	if err := s.store.CreateAuthRequest(ctx, a); err != nil {
		return fmt.Errorf("store auth request: %w", err)
	}
	return nil
}

// AuthRequest returns an unexpired authorization request.
func (s *Service) AuthRequest(ctx context.Context, id string) (*AuthRequest, error) {
	if !ids.Valid(id) {
		return nil, ErrRequestNotFound
	}
	a, err := s.store.FindAuthRequest(ctx, id, s.now())
	if errs.Is(err, errs.NotFound) {
		return nil, ErrRequestNotFound
	}
	return a, err
}

// CompleteAuthRequest records that account a, authenticated at authTime by
// the methods amr, signed in for the request.
func (s *Service) CompleteAuthRequest(ctx context.Context, id string, a *identity.Account, authTime time.Time, amr []string) error {
	if a == nil || a.Disabled {
		return errs.E(errs.Unauthenticated, "authreq.no_account", "请先登录", "sign in first")
	}
	if err := s.store.CompleteAuthRequest(ctx, id, a.ID, authTime.UTC(), amr); err != nil {
		if errs.Is(err, errs.NotFound) {
			return ErrRequestNotFound
		}
		return fmt.Errorf("complete auth request: %w", err)
	}
	return nil
}

// SaveAuthCode records the code issued for a completed request; the code
// is valid for CodeTTL and only its hash is kept.
func (s *Service) SaveAuthCode(ctx context.Context, id, code string) error {
	if err := s.store.SetAuthCode(ctx, id, ids.Hash(code), s.now().Add(s.cfg.CodeTTL)); err != nil {
		return fmt.Errorf("save auth code: %w", err)
	}
	return nil
}

// RedeemAuthCode returns the request of an unexpired code and marks the
// code used: it works once.
func (s *Service) RedeemAuthCode(ctx context.Context, code string) (*AuthRequest, error) {
	a, err := s.store.RedeemAuthCode(ctx, ids.Hash(code), s.now())
	if errs.Is(err, errs.NotFound) {
		return nil, errs.E(errs.Invalid, "authreq.code", "授权码无效、已过期或已使用", "the authorization code is invalid, expired or already used")
	}
	return a, err
}

// DeleteAuthRequest removes a request that was answered.
func (s *Service) DeleteAuthRequest(ctx context.Context, id string) error {
	return s.store.DeleteAuthRequest(ctx, id)
}

// NeedsConsent reports whether the account must still be asked before the
// client receives scopes: there is no consent, or it lacks one of them.
func (s *Service) NeedsConsent(ctx context.Context, accountID, clientID string, scopes []string) (bool, error) {
	c, err := s.store.FindConsent(ctx, accountID, clientID)
	if errs.Is(err, errs.NotFound) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("find consent: %w", err)
	}
	return !c.Covers(scopes), nil
}

// GrantConsent remembers that the account allowed the client scopes, in
// addition to what it allowed before.
func (s *Service) GrantConsent(ctx context.Context, accountID, clientID string, scopes []string) error {
	all := slices.Clone(scopes)
	if old, err := s.store.FindConsent(ctx, accountID, clientID); err == nil {
		all = dedupe(append(old.Scopes, scopes...))
	} else if !errs.Is(err, errs.NotFound) {
		return fmt.Errorf("find consent: %w", err)
	}
	c := &Consent{AccountID: accountID, ClientID: clientID, Scopes: all, GrantedAt: s.now()}
	if err := s.store.SaveConsent(ctx, c); err != nil {
		return fmt.Errorf("save consent: %w", err)
	}
	return nil
}

// Authorization is a consent with the name of its client, for the page
// where people review what they allowed.
type Authorization struct {
	Consent
	ClientName string
}

// Authorizations lists what the account allowed which clients.
func (s *Service) Authorizations(ctx context.Context, accountID string) ([]Authorization, error) {
	cs, err := s.store.FindConsents(ctx, accountID)
	if err != nil {
		return nil, err
	}
	out := make([]Authorization, 0, len(cs))
	for _, c := range cs {
		a := Authorization{Consent: *c, ClientName: c.ClientID}
		if cl, err := s.store.FindClientByID(ctx, c.ClientID); err == nil {
			a.ClientName = cl.Name
		}
		out = append(out, a)
	}
	return out, nil
}

// RevokeConsent forgets the account's consent for the client and revokes
// the tokens the client holds for it.
func (s *Service) RevokeConsent(ctx context.Context, accountID, clientID string) error {
	if err := s.store.DeleteConsent(ctx, accountID, clientID); err != nil && !errs.Is(err, errs.NotFound) {
		return fmt.Errorf("delete consent: %w", err)
	}
	return s.store.RevokeClientTokens(ctx, accountID, clientID, s.now())
}
