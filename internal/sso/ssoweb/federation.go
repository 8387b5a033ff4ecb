package ssoweb

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net/http"
	"sync"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/sso"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// Cross-authentication (交叉认证): Pengcheng acts as a relying party of a
// trusted upstream issuer, with the authorization code flow, PKCE, state
// and nonce. The state is also kept in a short-lived cookie on the
// browser that started the login, so that nobody can finish a login they
// did not start in that browser.

// fedCookie holds the state of the browser's upstream login in flight.
const fedCookie = "pc_fed"

// upstreamCache keeps upstream issuers' discovery documents (and with
// them their key sets) for an hour. It is a cache only: every instance
// fetches its own.
type upstreamCache struct {
	client *http.Client
	mu     sync.Mutex
	byURL  map[string]cachedUpstream
}

type cachedUpstream struct {
	p       *gooidc.Provider
	fetched time.Time
}

func newUpstreamCache(c *http.Client) *upstreamCache {
	return &upstreamCache{client: c, byURL: map[string]cachedUpstream{}}
}

func (u *upstreamCache) get(ctx context.Context, issuer string) (*gooidc.Provider, error) {
	u.mu.Lock()
	c, ok := u.byURL[issuer]
	u.mu.Unlock()
	if ok && time.Since(c.fetched) < time.Hour {
		return c.p, nil
	}
	p, err := gooidc.NewProvider(gooidc.ClientContext(ctx, u.client), issuer)
	if err != nil {
		return nil, fmt.Errorf("discover upstream issuer %s: %w", issuer, err)
	}
	u.mu.Lock()
	u.byURL[issuer] = cachedUpstream{p: p, fetched: time.Now()}
	u.mu.Unlock()
	return p, nil
}

// errUpstreamUnreachable is shown when the upstream issuer cannot be used.
var errUpstreamUnreachable = errs.E(errs.Internal, "federation.unreachable",
	"暂时无法连接上级认证平台，请稍后再试或使用本平台账户登录。",
	"the upstream identity provider cannot be reached right now; try again later or sign in with a Pengcheng account.")

// fedErrorData is the federated-login refusal page's data.
type fedErrorData struct {
	Provider string
	Err      error
}

// fedError renders the refusal page with a clear reason.
func (p *Provider) fedError(w http.ResponseWriter, r *http.Request, provider string, err error) error {
	status := web.Status(err)
	if e := errs.As(err); e == nil || e.Kind == errs.Internal {
		p.log.ErrorContext(r.Context(), "federated login", "provider", provider, "err", err)
		err, status = errUpstreamUnreachable, http.StatusBadGateway
	}
	return p.render.Page(w, r, status, "sso/federation_error", fedErrorData{Provider: provider, Err: err})
}

func (p *Provider) oauthConfig(prov *sso.FederationProvider, up *gooidc.Provider) *oauth2.Config {
	return &oauth2.Config{
		ClientID: prov.ClientID, ClientSecret: prov.ClientSecret, Endpoint: up.Endpoint(),
		RedirectURL: p.issuer + fedCallbackPath, Scopes: prov.Scopes,
	}
}

// federationStart sends the browser to the upstream issuer.
func (p *Provider) federationStart(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	next := web.SafeNext(r.URL.Query().Get("next"))
	prov, st, state, err := p.sso.BeginFederation(ctx, r.PathValue("id"), next)
	if err != nil {
		return err
	}
	up, err := p.upstream.get(ctx, prov.Issuer)
	if err != nil {
		return p.fedError(w, r, prov.Name, err)
	}
	http.SetCookie(w, &http.Cookie{
		Name: fedCookie, Value: state, Path: "/federation/", HttpOnly: true, Secure: p.cookies.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(p.sso.Config().FederationTTL / time.Second),
	})
	u := p.oauthConfig(prov, up).AuthCodeURL(state, gooidc.Nonce(st.Nonce), oauth2.S256ChallengeOption(st.CodeVerifier))
	http.Redirect(w, r, u, http.StatusFound)
	return nil
}

// federationCallback finishes an upstream login: it checks the state
// against the browser's cookie, exchanges the code (with the PKCE
// verifier), verifies the ID token (signature, issuer, audience, expiry,
// nonce), reads the identity number, links or creates the local account,
// and signs the person in.
func (p *Provider) federationCallback(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	state := q.Get("state")
	ck, err := r.Cookie(fedCookie)
	http.SetCookie(w, &http.Cookie{Name: fedCookie, Path: "/federation/", MaxAge: -1, HttpOnly: true, Secure: p.cookies.Secure})
	if err != nil || state == "" || subtle.ConstantTimeCompare([]byte(ck.Value), []byte(state)) != 1 {
		return p.fedError(w, r, "", sso.ErrFederationState)
	}
	st, prov, err := p.sso.FinishFederation(ctx, state)
	if err != nil {
		return p.fedError(w, r, "", err)
	}
	if e := q.Get("error"); e != "" {
		return p.fedError(w, r, prov.Name, upstreamRefused(e, q.Get("error_description")))
	}
	u, err := p.upstreamIdentity(ctx, prov, st, q.Get("code"))
	if err != nil {
		return p.fedError(w, r, prov.Name, err)
	}
	a, err := p.sso.FederatedLogin(ctx, prov, u, web.ClientOf(r))
	if err != nil {
		return p.fedError(w, r, prov.Name, err)
	}
	if old := web.SessionFrom(ctx); old != nil {
		if err := p.sessions.Logout(ctx, old, web.ClientOf(r)); err != nil {
			return err
		}
	}
	_, token, err := p.sessions.StartSession(ctx, a, "fed:"+prov.ID, web.ClientOf(r))
	if err != nil {
		return err
	}
	p.cookies.SetSession(w, token, p.ttl)
	http.Redirect(w, r, web.SafeNext(st.Next), http.StatusFound)
	return nil
}

func upstreamRefused(code, desc string) error {
	return errs.E(errs.Forbidden, "federation.refused",
		fmt.Sprintf("上级认证平台没有完成登录（%s %s）。", code, desc),
		fmt.Sprintf("the upstream identity provider did not complete the login (%s %s).", code, desc))
}

// errUpstreamToken is returned when the upstream answer does not verify.
var errUpstreamToken = errs.E(errs.Forbidden, "federation.token",
	"上级认证平台的应答未通过校验，无法登录。", "the upstream identity provider's answer did not verify, so you cannot sign in.")

// upstreamIdentity exchanges the code and returns what the verified ID
// token (completed by userinfo when the identity number is not in it) says.
func (p *Provider) upstreamIdentity(ctx context.Context, prov *sso.FederationProvider, st *sso.FederationState, code string) (sso.Upstream, error) {
	up, err := p.upstream.get(ctx, prov.Issuer)
	if err != nil {
		return sso.Upstream{}, err
	}
	cctx := gooidc.ClientContext(ctx, p.client)
	tok, err := p.oauthConfig(prov, up).Exchange(cctx, code, oauth2.VerifierOption(st.CodeVerifier))
	if err != nil {
		p.log.WarnContext(ctx, "federation: code exchange failed", "provider", prov.ID, "err", err)
		return sso.Upstream{}, errUpstreamToken
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := up.Verifier(&gooidc.Config{ClientID: prov.ClientID, Now: p.sso.Now}).Verify(cctx, raw)
	if err != nil || subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(st.Nonce)) != 1 {
		p.log.WarnContext(ctx, "federation: ID token refused", "provider", prov.ID, "err", err)
		return sso.Upstream{}, errUpstreamToken
	}
	claims := map[string]any{}
	if err := idt.Claims(&claims); err != nil {
		return sso.Upstream{}, errUpstreamToken
	}
	if _, ok := claims[prov.IDNumberClaim]; !ok {
		info, err := up.UserInfo(cctx, oauth2.StaticTokenSource(tok))
		if err == nil && info.Subject == idt.Subject {
			_ = info.Claims(&claims)
		}
	}
	u := sso.Upstream{Subject: idt.Subject}
	u.IDNumber, _ = claims[prov.IDNumberClaim].(string)
	u.Name, _ = claims["name"].(string)
	if v, ok := claims[prov.IDNumberClaim+"_verified"].(bool); ok {
		u.IDNumberVerified = &v
	}
	return u, nil
}
