package sso

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// FederationProviderInput is the configuration of an upstream issuer, for
// CreateFederationProvider and UpdateFederationProvider.
type FederationProviderInput struct {
	ID            string // short name, e.g. "gdgov"; create only
	Name          string
	Issuer        string
	ClientID      string
	ClientSecret  string   // on update, empty keeps the stored secret
	Scopes        []string // defaults to openid profile idnumber
	IDNumberClaim string   // defaults to id_number
	Enabled       bool
}

var providerIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,31}$`)

func (in *FederationProviderInput) validate(create bool) error {
	in.Name, in.Issuer, in.ClientID = strings.TrimSpace(in.Name), strings.TrimRight(strings.TrimSpace(in.Issuer), "/"), strings.TrimSpace(in.ClientID)
	if create && !providerIDPattern.MatchString(in.ID) {
		return errs.Field("id", "federation.id", "标识须为2至32位小写字母、数字或连字符", "the id must be 2 to 32 lower-case letters, digits or hyphens")
	}
	if in.Name == "" || len([]rune(in.Name)) > 60 {
		return errs.Field("name", "federation.name", "请填写平台名称（不超过60个字）", "enter the platform's name (at most 60 characters)")
	}
	u, err := url.Parse(in.Issuer)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return errs.Field("issuer", "federation.issuer", "签发者地址须为 https:// 开头的网址", "the issuer must be an https:// URL")
	}
	if in.ClientID == "" {
		return errs.Field("client_id", "federation.client_id", "请填写本平台在上级平台登记的客户端标识", "enter the client id registered for Pengcheng at the upstream issuer")
	}
	if len(in.Scopes) == 0 {
		in.Scopes = []string{ScopeOpenID, ScopeProfile, ScopeIDNumber}
	}
	in.Scopes = dedupe(in.Scopes)
	if !strings.Contains(" "+strings.Join(in.Scopes, " ")+" ", " openid ") {
		in.Scopes = append([]string{ScopeOpenID}, in.Scopes...)
	}
	in.IDNumberClaim = strings.TrimSpace(in.IDNumberClaim)
	if in.IDNumberClaim == "" {
		in.IDNumberClaim = ClaimIDNumber
	}
	return nil
}

// CreateFederationProvider adds a trusted upstream issuer.
func (s *Service) CreateFederationProvider(ctx context.Context, actor *identity.Account, in FederationProviderInput) (*FederationProvider, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	if err := in.validate(true); err != nil {
		return nil, err
	}
	now := s.now()
	p := &FederationProvider{
		ID: in.ID, Name: in.Name, Issuer: in.Issuer, ClientID: in.ClientID, ClientSecret: in.ClientSecret,
		Scopes: in.Scopes, IDNumberClaim: in.IDNumberClaim, Enabled: in.Enabled, CreatedAt: now, UpdatedAt: now,
	}
	if err := s.store.CreateFederationProvider(ctx, p); err != nil {
		if errs.Is(err, errs.Conflict) {
			return nil, errs.Field("id", "federation.id_taken", fmt.Sprintf("标识 %s 已被使用", in.ID), fmt.Sprintf("id %s is already taken", in.ID))
		}
		return nil, fmt.Errorf("create federation provider: %w", err)
	}
	return p, nil
}

// UpdateFederationProvider changes an upstream issuer's configuration; an
// empty ClientSecret keeps the stored one.
func (s *Service) UpdateFederationProvider(ctx context.Context, actor *identity.Account, id string, in FederationProviderInput) (*FederationProvider, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	p, err := s.store.FindFederationProvider(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := in.validate(false); err != nil {
		return nil, err
	}
	p.Name, p.Issuer, p.ClientID, p.Scopes, p.IDNumberClaim, p.Enabled = in.Name, in.Issuer, in.ClientID, in.Scopes, in.IDNumberClaim, in.Enabled
	if in.ClientSecret != "" {
		p.ClientSecret = in.ClientSecret
	}
	p.UpdatedAt = s.now()
	if err := s.store.UpdateFederationProvider(ctx, p); err != nil {
		return nil, fmt.Errorf("update federation provider %s: %w", id, err)
	}
	return p, nil
}

// FederationProviders lists every upstream issuer, for administrators.
func (s *Service) FederationProviders(ctx context.Context, actor *identity.Account) ([]*FederationProvider, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return s.store.FindFederationProviders(ctx)
}

// FederationProvider returns an upstream issuer (no authorisation check).
func (s *Service) FederationProvider(ctx context.Context, id string) (*FederationProvider, error) {
	return s.store.FindFederationProvider(ctx, id)
}

// Link is a way to sign in shown on the login page.
type Link struct {
	Name string // the upstream platform's name
	URL  string // where the browser starts the upstream login
}

// FederationLinks returns one link per enabled upstream issuer, for the
// login page ("使用 <Name> 登录").
func (s *Service) FederationLinks(ctx context.Context) ([]Link, error) {
	ps, err := s.store.FindFederationProviders(ctx)
	if err != nil {
		return nil, fmt.Errorf("federation links: %w", err)
	}
	var out []Link
	for _, p := range ps {
		if p.Enabled {
			out = append(out, Link{Name: p.Name, URL: "/federation/" + url.PathEscape(p.ID) + "/start"})
		}
	}
	return out, nil
}

// ErrFederationDisabled is returned when an upstream issuer is unknown or disabled.
var ErrFederationDisabled = errs.E(errs.NotFound, "federation.disabled",
	"该上级认证平台不存在或已停用", "this upstream identity provider does not exist or is disabled")

// BeginFederation records an upstream login in flight and returns the
// provider with the state, nonce and PKCE verifier to send (the state and
// nonce are random; the state is stored hashed). next is where the browser
// goes after signing in.
func (s *Service) BeginFederation(ctx context.Context, providerID, next string) (*FederationProvider, *FederationState, string, error) {
	p, err := s.store.FindFederationProvider(ctx, providerID)
	if errs.Is(err, errs.NotFound) || (err == nil && !p.Enabled) {
		return nil, nil, "", ErrFederationDisabled
	}
	if err != nil {
		return nil, nil, "", fmt.Errorf("begin federation: %w", err)
	}
	state := ids.Token(24)
	now := s.now()
	st := &FederationState{
		StateHash: ids.Hash(state), ProviderID: p.ID, Nonce: ids.Token(24), CodeVerifier: ids.Token(48),
		Next: next, CreatedAt: now, ExpiresAt: now.Add(s.cfg.FederationTTL),
	}
	if err := s.store.CreateFederationState(ctx, st); err != nil {
		return nil, nil, "", fmt.Errorf("begin federation: %w", err)
	}
	return p, st, state, nil
}

// ErrFederationState is returned for an unknown, expired or replayed state.
var ErrFederationState = errs.E(errs.Invalid, "federation.state",
	"登录请求已过期或无效，请重新登录", "the login attempt has expired or is invalid; please sign in again")

// FinishFederation consumes the state an upstream login came back with and
// returns it with its provider.
func (s *Service) FinishFederation(ctx context.Context, state string) (*FederationState, *FederationProvider, error) {
	if state == "" {
		return nil, nil, ErrFederationState
	}
	st, err := s.store.ConsumeFederationState(ctx, ids.Hash(state), s.now())
	if errs.Is(err, errs.NotFound) {
		return nil, nil, ErrFederationState
	}
	if err != nil {
		return nil, nil, fmt.Errorf("finish federation: %w", err)
	}
	p, err := s.store.FindFederationProvider(ctx, st.ProviderID)
	if errs.Is(err, errs.NotFound) || (err == nil && !p.Enabled) {
		return nil, nil, ErrFederationDisabled
	}
	if err != nil {
		return nil, nil, fmt.Errorf("finish federation: %w", err)
	}
	return st, p, nil
}
