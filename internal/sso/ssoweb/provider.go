// Package ssoweb serves Pengcheng's OpenID Connect provider over HTTP with
// github.com/zitadel/oidc's op package: discovery, the authorization,
// token, userinfo, introspection, revocation, end-session and JWKS
// endpoints; the pages between the authorization request and the code
// (sign-in continuation and consent); RP-initiated logout; federated login
// through trusted upstream issuers (交叉认证); and the administrators'
// pages for relying parties and upstream issuers.
//
// # Routes
//
// Protocol endpoints, called by relying parties (their POSTs must be
// exempt from CSRF checks: see [CSRFExempt]):
//
//	/.well-known/openid-configuration   discovery
//	/oauth/authorize                    authorization endpoint (GET, POST)
//	/oauth/authorize/callback           back from the sign-in pages to op
//	/oauth/token                        token endpoint (POST)
//	/oauth/introspect                   token introspection, RFC 7662 (POST)
//	/oauth/revoke                       token revocation, RFC 7009 (POST)
//	/oauth/userinfo                     userinfo (GET, POST)
//	/oauth/end_session                  RP-initiated logout (GET, POST)
//	/oauth/keys                         JWKS
//	/oauth/device_authorization         answers that the grant is unsupported
//
// Pages, behind the platform's session and CSRF middleware:
//
//	GET  /oidc/continue?id=…            sign-in continuation for a request
//	POST /oidc/consent                  the consent decision
//	GET, POST /oidc/logout              logout confirmation
//	GET  /account/authorizations        the consents a person gave, to withdraw
//	GET  /federation/{id}/start         begin a login at an upstream issuer
//	GET  /federation/callback           the upstream issuer's answer
//	/admin/sso/clients…, /admin/sso/federation…   administration
package ssoweb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"

	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/sso"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// Paths of the protocol endpoints and pages.
const (
	discoveryPath    = "/.well-known/openid-configuration"
	authorizePath    = "/oauth/authorize"
	callbackPath     = authorizePath + "/callback"
	tokenPath        = "/oauth/token"
	introspectPath   = "/oauth/introspect"
	revokePath       = "/oauth/revoke"
	userinfoPath     = "/oauth/userinfo"
	endSessionPath   = "/oauth/end_session"
	keysPath         = "/oauth/keys"
	devicePath       = "/oauth/device_authorization"
	continuePath     = "/oidc/continue"
	consentPath      = "/oidc/consent"
	logoutPath       = "/oidc/logout"
	fedCallbackPath  = "/federation/callback"
	adminClientsPath = "/admin/sso/clients"
	adminFedPath     = "/admin/sso/federation"
)

// CSRFExempt returns the paths that relying parties' back ends post to
// and that must skip the platform's CSRF checks (web.Options.CSRFExempt):
// the whole /oauth/ tree. Those endpoints authenticate clients themselves
// and act on no browser cookie, except end_session, which ends a session
// only for a valid id_token_hint naming its account and otherwise asks
// the person to confirm on a CSRF-protected page.
func CSRFExempt() []string { return []string{"/oauth/"} }

// Sessions is what the provider needs from the identity service to sign
// people in after a federated login and out on RP-initiated logout
// (identity.Service implements it).
type Sessions interface {
	StartSession(ctx context.Context, a *identity.Account, method string, c identity.Client) (*identity.Session, string, error)
	Logout(ctx context.Context, sess *identity.Session, c identity.Client) error
}

// Options configures [NewProvider].
type Options struct {
	// Issuer is the provider's public URL (config.BaseURL), without a
	// trailing slash. An http:// issuer is allowed, for development.
	Issuer string
	// SSO is the single sign-on service; Start must have returned.
	SSO *sso.Service
	// Sessions starts and ends login sessions (identity.Service).
	Sessions Sessions
	// Renderer and Cookies are the web server's (web.Server).
	Renderer *web.Renderer
	Cookies  *web.Cookies
	// SessionTTL is the lifetime of the session cookie set after a
	// federated login (config.SessionTTL). Defaults to 12h.
	SessionTTL time.Duration
	// HTTPClient talks to upstream issuers. Defaults to a client with a
	// 15-second timeout.
	HTTPClient *http.Client
	// Log defaults to slog.Default().
	Log *slog.Logger
}

// Provider is the OpenID Connect provider and its pages.
type Provider struct {
	issuer   string
	sso      *sso.Service
	sessions Sessions
	render   *web.Renderer
	cookies  *web.Cookies
	ttl      time.Duration
	client   *http.Client
	log      *slog.Logger
	op       *op.Provider
	upstream *upstreamCache
}

// NewProvider builds the provider. The service must have been started
// (its signing key and sealing key loaded).
func NewProvider(o Options) (*Provider, error) {
	if o.SSO == nil || o.SSO.Sealer() == nil || o.Sessions == nil || o.Renderer == nil || o.Cookies == nil {
		return nil, errors.New("sso provider: SSO (started), Sessions, Renderer and Cookies are required")
	}
	p := &Provider{
		issuer: strings.TrimRight(o.Issuer, "/"), sso: o.SSO, sessions: o.Sessions, render: o.Renderer,
		cookies: o.Cookies, ttl: o.SessionTTL, client: o.HTTPClient, log: o.Log,
	}
	if p.ttl <= 0 {
		p.ttl = 12 * time.Hour
	}
	if p.client == nil {
		p.client = &http.Client{Timeout: 15 * time.Second}
	}
	if p.log == nil {
		p.log = slog.Default()
	}
	p.upstream = newUpstreamCache(p.client)
	cfg := &op.Config{
		DefaultLogoutRedirectURI: p.issuer + "/",
		CodeMethodS256:           true,
		AuthMethodPost:           true,
		GrantTypeRefreshToken:    true,
		SupportedScopes:          slices.Clone(sso.KnownScopes),
		SupportedClaims: append(slices.Clone(op.DefaultSupportedClaims), sso.ClaimKind, sso.ClaimDepartment,
			sso.ClaimRoles, sso.ClaimIDNumber, sso.ClaimIDNumberVerified, sso.ClaimUSCC),
		SupportedUILocales: []language.Tag{language.SimplifiedChinese, language.English},
	}
	rel := func(path string) *op.Endpoint { return op.NewEndpoint(strings.TrimPrefix(path, "/")) }
	opts := []op.Option{
		op.WithCrypto(o.SSO.Sealer()),
		op.WithCustomEndpoints(rel(authorizePath), rel(tokenPath), rel(userinfoPath), rel(revokePath), rel(endSessionPath), rel(keysPath)),
		op.WithCustomIntrospectionEndpoint(rel(introspectPath)),
		op.WithCustomDeviceAuthorizationEndpoint(rel(devicePath)),
	}
	if strings.HasPrefix(p.issuer, "http://") {
		opts = append(opts, op.WithAllowInsecure())
	}
	var err error
	p.op, err = op.NewProvider(cfg, storage{p: p}, op.StaticIssuer(p.issuer), opts...)
	if err != nil {
		return nil, fmt.Errorf("sso provider: %w", err)
	}
	return p, nil
}

// Routes registers the protocol endpoints, the sign-in, consent, logout
// and federation pages, and the administration pages on mux.
func (p *Provider) Routes(mux *http.ServeMux) {
	for _, path := range []string{discoveryPath, authorizePath, callbackPath, tokenPath, introspectPath,
		revokePath, userinfoPath, keysPath, devicePath} {
		mux.Handle(path, p.op)
	}
	mux.Handle(endSessionPath, http.HandlerFunc(p.endSession))
	mux.Handle("GET "+continuePath, web.Handler(p.continueLogin))
	mux.Handle("POST "+consentPath, web.Handler(p.consent))
	mux.Handle("GET "+logoutPath, web.Handler(p.logoutPage))
	mux.Handle("POST "+logoutPath, web.Handler(p.logout))
	mux.Handle("GET "+authorizationsPath, web.RequireAccount(p.authorizations))
	mux.Handle("POST "+authorizationsPath+"/{client}/revoke", web.RequireAccount(p.revokeAuthorization))
	mux.Handle("GET /federation/{id}/start", web.Handler(p.federationStart))
	mux.Handle("GET "+fedCallbackPath, web.Handler(p.federationCallback))
	p.adminRoutes(mux)
}

// FederationLinks returns the "使用 <平台> 登录" links for the login page
// (identityweb.FederationLinks); next is where to go after signing in. A
// failure to list them is logged and offers none.
func (p *Provider) FederationLinks(ctx context.Context, next string) []web.Link {
	links, err := p.sso.FederationLinks(ctx)
	if err != nil {
		p.log.ErrorContext(ctx, "federation links", "err", err)
		return nil
	}
	out := make([]web.Link, len(links))
	for i, l := range links {
		u := l.URL
		if next = web.SafeNext(next); next != "/" {
			u += "?next=" + url.QueryEscape(next)
		}
		out[i] = web.Link{Label: web.Text{ZH: "使用" + l.Name + "登录", EN: "Sign in with " + l.Name}, URL: u}
	}
	return out
}

// VerifyAccessToken implements web.TokenVerifier for /api/v1.
func (p *Provider) VerifyAccessToken(ctx context.Context, token string) (*identity.Account, error) {
	return p.sso.VerifyAccessToken(ctx, token)
}
