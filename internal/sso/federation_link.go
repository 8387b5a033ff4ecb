package sso

import (
	"context"
	"fmt"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// Upstream is what a verified upstream ID token (and userinfo) said about
// the person.
type Upstream struct {
	Subject          string
	IDNumber         string
	IDNumberVerified *bool // nil when the upstream did not say
	Name             string
}

// Errors of federated logins, shown on the refusal page.
var (
	ErrUpstreamNoIDNumber = errs.E(errs.Forbidden, "federation.no_id_number",
		"上级认证平台没有提供您的身份证号码，无法登录本平台。请确认已在该平台完成实名认证并同意提供身份证号码。",
		"the upstream platform did not provide your identity number, so you cannot sign in here. Make sure your identity is verified there and that you agreed to share your identity number.")
	ErrUpstreamBadIDNumber = errs.E(errs.Forbidden, "federation.bad_id_number",
		"上级认证平台提供的身份证号码无效，无法登录本平台。",
		"the identity number provided by the upstream platform is invalid, so you cannot sign in here.")
	ErrUpstreamUnverified = errs.E(errs.Forbidden, "federation.unverified",
		"上级认证平台尚未核验您的身份证号码，无法登录本平台。",
		"the upstream platform has not verified your identity number, so you cannot sign in here.")
	ErrUpstreamAccountDisabled = errs.E(errs.Forbidden, "federation.account_disabled",
		"您在本平台的账户已停用，请联系管理员。", "your account on this platform is disabled; contact an administrator.")
	ErrUpstreamUnverifiedLocal = errs.E(errs.Conflict, "federation.local_unverified",
		"本平台已有使用该身份证号码但尚未核验的账户，无法自动关联，请联系管理员。",
		"an account with this identity number exists here but is not verified, so it cannot be linked automatically; contact an administrator.")
)

// FederatedLogin returns the local account for a person who signed in at
// upstream issuer p. A subject seen before uses its link. Otherwise the
// identity number the upstream vouches for is checked and the person is
// linked to the existing account with that verified number, or, when
// there is none, to a new verified person account; no duplicate account
// is ever created for a known number.
func (s *Service) FederatedLogin(ctx context.Context, p *FederationProvider, u Upstream, c identity.Client) (*identity.Account, error) {
	if u.Subject == "" {
		return nil, errs.E(errs.Invalid, "federation.no_subject", "上级认证平台的应答缺少用户标识", "the upstream answer has no subject")
	}
	if f, err := s.store.FindFederatedIdentity(ctx, p.ID, u.Subject); err == nil {
		return s.linkedAccount(ctx, f)
	} else if !errs.Is(err, errs.NotFound) {
		return nil, fmt.Errorf("federated login: %w", err)
	}
	a, err := s.accountForUpstream(ctx, u, c)
	if err != nil {
		return nil, err
	}
	now := s.now()
	f := &FederatedIdentity{ProviderID: p.ID, Subject: u.Subject, AccountID: a.ID, CreatedAt: now, LastLoginAt: now}
	if err := s.store.CreateFederatedIdentity(ctx, f); err != nil {
		if !errs.Is(err, errs.Conflict) {
			return nil, fmt.Errorf("link federated identity: %w", err)
		}
		// A concurrent first login linked it already: use that link.
		if f, err = s.store.FindFederatedIdentity(ctx, p.ID, u.Subject); err != nil {
			return nil, fmt.Errorf("federated login: %w", err)
		}
		return s.linkedAccount(ctx, f)
	}
	s.record(ctx, identity.AuthEvent{
		Kind: identity.EventFederatedLink, AccountID: a.ID, IP: c.IP, UserAgent: c.UserAgent,
		Detail: fmt.Sprintf("provider=%s subject=%s", p.ID, u.Subject),
	})
	return a, nil
}

// linkedAccount loads the account of an existing link and notes the login.
func (s *Service) linkedAccount(ctx context.Context, f *FederatedIdentity) (*identity.Account, error) {
	a, err := s.accounts.AccountByID(ctx, f.AccountID)
	if err != nil {
		return nil, fmt.Errorf("federated login: account %s: %w", f.AccountID, err)
	}
	if a.Disabled {
		return nil, ErrUpstreamAccountDisabled
	}
	if err := s.store.TouchFederatedIdentity(ctx, f.ProviderID, f.Subject, s.now()); err != nil {
		return nil, fmt.Errorf("federated login: %w", err)
	}
	return a, nil
}

// accountForUpstream finds or creates the person account for a first
// federated login.
func (s *Service) accountForUpstream(ctx context.Context, u Upstream, c identity.Client) (*identity.Account, error) {
	if strings.TrimSpace(u.IDNumber) == "" {
		return nil, ErrUpstreamNoIDNumber
	}
	if u.IDNumberVerified != nil && !*u.IDNumberVerified {
		return nil, ErrUpstreamUnverified
	}
	info, err := identity.ParseIDNumberAt(u.IDNumber, s.now())
	if err != nil {
		return nil, ErrUpstreamBadIDNumber
	}
	a, err := s.accounts.AccountByIDNumber(ctx, info.Number)
	if err == nil {
		if a.Disabled {
			return nil, ErrUpstreamAccountDisabled
		}
		return a, nil
	}
	if !errs.Is(err, errs.NotFound) {
		return nil, fmt.Errorf("federated login: find account by identity number: %w", err)
	}
	name := strings.TrimSpace(u.Name)
	if name == "" {
		name = "用户" + info.Number[len(info.Number)-4:]
	}
	a, err = s.accounts.CreateAccount(ctx, nil, identity.NewAccount{
		Kind: identity.Person, DisplayName: name, IDNumber: info.Number, IDVerified: true,
	}, c)
	if errs.Is(err, errs.Conflict) {
		// Either a concurrent first login created it (use it), or an
		// unverified account holds the number (refuse).
		if a, err := s.accounts.AccountByIDNumber(ctx, info.Number); err == nil && !a.Disabled {
			return a, nil
		}
		return nil, ErrUpstreamUnverifiedLocal
	}
	if err != nil {
		return nil, fmt.Errorf("federated login: create account: %w", err)
	}
	return a, nil
}
