package sso

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// ClientInput is the registration of a client, for CreateClient and
// UpdateClient.
type ClientInput struct {
	ID                     string // client_id; generated when empty (CreateClient only)
	Name                   string
	Department             string
	RedirectURIs           []string
	PostLogoutRedirectURIs []string
	// Scopes the client may request; defaults to openid profile phone
	// offline_access. Only clients given ScopeIDNumber receive identity numbers.
	Scopes []string
	// GrantTypes defaults to authorization_code and refresh_token.
	GrantTypes []GrantType
	Public     bool // no secret, PKCE only
	Disabled   bool
}

// DefaultScopes are the scopes a client gets when none are given.
var DefaultScopes = []string{ScopeOpenID, ScopeProfile, ScopePhone, ScopeOfflineAccess}

// DefaultGrantTypes are the grants a client gets when none are given.
var DefaultGrantTypes = []GrantType{GrantAuthorizationCode, GrantRefreshToken}

var clientIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,63}$`)

// validate checks in, filling defaults, and returns the first problem.
func (in *ClientInput) validate() error {
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || len([]rune(in.Name)) > 100 {
		return errs.Field("name", "client.name", "请填写应用名称（不超过100个字）", "enter the client's name (at most 100 characters)")
	}
	if in.ID != "" && !clientIDPattern.MatchString(in.ID) {
		return errs.Field("id", "client.id", "客户端标识须为3至64位小写字母、数字或 . _ -，并以字母或数字开头",
			"the client id must be 3 to 64 lower-case letters, digits or . _ -, starting with a letter or digit")
	}
	if len(in.Scopes) == 0 {
		in.Scopes = slices.Clone(DefaultScopes)
	}
	if len(in.GrantTypes) == 0 {
		in.GrantTypes = slices.Clone(DefaultGrantTypes)
	}
	in.Scopes = dedupe(in.Scopes)
	in.GrantTypes = dedupe(in.GrantTypes)
	for _, s := range in.Scopes {
		if !slices.Contains(KnownScopes, s) {
			return errs.Field("scopes", "client.scope", fmt.Sprintf("未知的授权范围 %q", s), fmt.Sprintf("unknown scope %q", s))
		}
	}
	if !slices.Contains(in.Scopes, ScopeOpenID) {
		in.Scopes = append([]string{ScopeOpenID}, in.Scopes...)
	}
	for _, g := range in.GrantTypes {
		if !slices.Contains(KnownGrantTypes, g) {
			return errs.Field("grant_types", "client.grant", fmt.Sprintf("不支持的授权方式 %q", g), fmt.Sprintf("unsupported grant type %q", g))
		}
	}
	if in.Public && slices.Contains(in.GrantTypes, GrantClientCredentials) {
		return errs.Field("grant_types", "client.public_credentials", "公开客户端没有密钥，不能使用客户端凭证授权",
			"a public client has no secret and cannot use the client_credentials grant")
	}
	usesCode := slices.Contains(in.GrantTypes, GrantAuthorizationCode)
	if usesCode && len(in.RedirectURIs) == 0 {
		return errs.Field("redirect_uris", "client.redirect_missing", "使用授权码方式的应用至少需要一个回调地址",
			"a client using the authorization code grant needs at least one redirect URI")
	}
	for _, u := range append(slices.Clone(in.RedirectURIs), in.PostLogoutRedirectURIs...) {
		if err := checkRedirectURI(u); err != nil {
			return err
		}
	}
	return nil
}

// checkRedirectURI accepts absolute URIs without fragments or spaces: https,
// http (for loopback development and internal networks), or an app's
// private scheme (for public clients).
func checkRedirectURI(s string) error {
	u, err := url.Parse(s)
	bad := err != nil || u.Scheme == "" || u.Fragment != "" || strings.ContainsAny(s, " \t\r\n") ||
		((u.Scheme == "http" || u.Scheme == "https") && u.Host == "")
	if bad {
		return errs.Field("redirect_uris", "client.redirect_uri",
			fmt.Sprintf("回调地址 %q 不是有效的绝对地址（不可含 # 片段或空格）", s),
			fmt.Sprintf("redirect URI %q is not a valid absolute URI (no # fragment, no spaces)", s))
	}
	return nil
}

func dedupe[T comparable](xs []T) []T {
	var out []T
	for _, x := range xs {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// CreateClient registers a client and returns it with its secret, which is
// shown once and never stored (only its hash is). Public clients get no
// secret. actor is nil for the command line, else a platform admin.
func (s *Service) CreateClient(ctx context.Context, actor *identity.Account, in ClientInput) (*Client, string, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, "", err
	}
	if err := in.validate(); err != nil {
		return nil, "", err
	}
	if in.ID == "" {
		in.ID = "pc-" + strings.ToLower(strings.NewReplacer("-", "", "_", "").Replace(ids.Token(9)))
	}
	now := s.now()
	c := &Client{
		ID: in.ID, Name: in.Name, Department: in.Department,
		RedirectURIs: in.RedirectURIs, PostLogoutRedirectURIs: in.PostLogoutRedirectURIs,
		Scopes: in.Scopes, GrantTypes: in.GrantTypes, Public: in.Public, Disabled: in.Disabled,
		CreatedAt: now, UpdatedAt: now,
	}
	secret, hash := "", ""
	if !c.Public {
		secret = ids.Token(32)
		hash = ids.Hash(secret)
	}
	if err := s.store.CreateClient(ctx, c, hash); err != nil {
		if errs.Is(err, errs.Conflict) {
			return nil, "", errs.Field("id", "client.id_taken", fmt.Sprintf("客户端标识 %s 已被使用", c.ID), fmt.Sprintf("client id %s is already taken", c.ID))
		}
		return nil, "", fmt.Errorf("create client: %w", err)
	}
	return c, secret, nil
}

// UpdateClient replaces a client's registration (not its id or secret).
func (s *Service) UpdateClient(ctx context.Context, actor *identity.Account, id string, in ClientInput) (*Client, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	c, err := s.store.FindClientByID(ctx, id)
	if err != nil {
		return nil, err
	}
	in.ID = ""
	if err := in.validate(); err != nil {
		return nil, err
	}
	if in.Public != c.Public {
		return nil, errs.Field("public", "client.public_change", "不能更改客户端是否公开；请另行登记新应用",
			"whether a client is public cannot change; register a new client instead")
	}
	c.Name, c.Department, c.RedirectURIs, c.PostLogoutRedirectURIs = in.Name, in.Department, in.RedirectURIs, in.PostLogoutRedirectURIs
	c.Scopes, c.GrantTypes, c.Disabled, c.UpdatedAt = in.Scopes, in.GrantTypes, in.Disabled, s.now()
	if err := s.store.UpdateClient(ctx, c); err != nil {
		return nil, fmt.Errorf("update client %s: %w", id, err)
	}
	return c, nil
}

// Client returns a registered client, for administrators.
func (s *Service) Client(ctx context.Context, actor *identity.Account, id string) (*Client, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return s.store.FindClientByID(ctx, id)
}

// ClientByID returns a client for the protocol (no authorisation check).
func (s *Service) ClientByID(ctx context.Context, id string) (*Client, error) {
	return s.store.FindClientByID(ctx, id)
}

// Clients lists every registered client.
func (s *Service) Clients(ctx context.Context, actor *identity.Account) ([]*Client, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return s.store.FindClients(ctx)
}

// DeleteClient removes a client with its tokens, requests and consents.
func (s *Service) DeleteClient(ctx context.Context, actor *identity.Account, id string) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	return s.store.DeleteClient(ctx, id)
}

// ResetClientSecret gives a confidential client a new secret, returned
// once; the old one stops working at once.
func (s *Service) ResetClientSecret(ctx context.Context, actor *identity.Account, id string) (string, error) {
	if err := requireAdmin(actor); err != nil {
		return "", err
	}
	c, err := s.store.FindClientByID(ctx, id)
	if err != nil {
		return "", err
	}
	if c.Public {
		return "", errs.E(errs.Invalid, "client.public_secret", "公开客户端没有密钥", "a public client has no secret")
	}
	secret := ids.Token(32)
	if err := s.store.SetClientSecretHash(ctx, id, ids.Hash(secret), s.now()); err != nil {
		return "", fmt.Errorf("reset secret of client %s: %w", id, err)
	}
	return secret, nil
}

// errBadClient is returned for an unknown, disabled or public client, or a
// wrong secret, so that a caller cannot tell which.
var errBadClient = errs.E(errs.Unauthenticated, "client.credentials", "客户端标识或密钥不正确", "invalid client id or secret")

// AuthenticateClient checks a confidential client's secret and returns the
// client. It returns errs.Unauthenticated for any failure.
func (s *Service) AuthenticateClient(ctx context.Context, id, secret string) (*Client, error) {
	c, err := s.store.FindClientByID(ctx, id)
	if errs.Is(err, errs.NotFound) {
		return nil, errBadClient
	}
	if err != nil {
		return nil, fmt.Errorf("authenticate client: %w", err)
	}
	hash, err := s.store.ClientSecretHash(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("authenticate client: %w", err)
	}
	if c.Public || c.Disabled || hash == "" || secret == "" ||
		subtle.ConstantTimeCompare([]byte(hash), []byte(ids.Hash(secret))) != 1 {
		return nil, errBadClient
	}
	return c, nil
}
