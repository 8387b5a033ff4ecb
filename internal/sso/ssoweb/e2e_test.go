package ssoweb_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/sso"
)

const password = "Shenzhen-2018!"

// e2e is a provider with one citizen and a relying party.
type e2e struct {
	pc      *instance
	citizen *identity.Account
	rp      *rp
	client  *sso.Client
	secret  string
}

func setupE2E(t *testing.T, d *db.DB, scopes []string, allowed []string) e2e {
	t.Helper()
	pc := newInstance(t, d, "127.0.0.1")
	citizen := pc.citizen(t, "陈小明", idNumber("44030619900101123"), "13800138000", password)
	// The relying party's address is known once it runs; register it then.
	e := e2e{pc: pc, citizen: citizen}
	c, secret := pc.client(t, sso.ClientInput{ID: "hr-system", Name: "人事管理系统", RedirectURIs: []string{"http://placeholder.invalid/cb"},
		Scopes: allowed, GrantTypes: []sso.GrantType{sso.GrantAuthorizationCode, sso.GrantRefreshToken, sso.GrantClientCredentials}})
	e.rp = newRP(t, pc.url, c.ID, secret, scopes)
	in := sso.ClientInput{Name: c.Name, RedirectURIs: []string{e.rp.srv.URL + "/callback"},
		PostLogoutRedirectURIs: []string{e.rp.srv.URL + "/bye"}, Scopes: c.Scopes, GrantTypes: c.GrantTypes}
	var err error
	if e.client, err = pc.sso.UpdateClient(context.Background(), nil, c.ID, in); err != nil {
		t.Fatal(err)
	}
	e.secret = secret
	return e
}

// login runs a login in a browser without a session: RP → authorize →
// login page → consent (unless given before) → RP.
func (e e2e) login(t *testing.T, b *browser) *rpResult {
	t.Helper()
	p := b.get(e.rp.srv.URL + "/login")
	p = b.signIn(p, e.citizen.Username, password)
	if p.url.Path == "/oidc/continue" {
		p = b.consent(p, "allow")
	}
	if p.status != http.StatusOK || !strings.HasPrefix(p.body, "welcome") {
		t.Fatalf("after consent: %s %d %s", p.url, p.status, p.body)
	}
	return e.rp.result()
}

func TestEndToEndLoginWithPKCE(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setupE2E(t, d, []string{"openid", "profile", "phone", "idnumber", "offline_access"},
			[]string{"openid", "profile", "phone", "offline_access"})
		b := newBrowser(t)
		res := e.login(t, b)

		// The ID token and userinfo speak of the citizen, with the claims of
		// the allowed scopes only: idnumber was asked for but not allowed.
		if res.idToken.Subject != e.citizen.ID || res.claims["name"] != "陈小明" {
			t.Errorf("ID token: sub %q name %v, want %q 陈小明", res.idToken.Subject, res.claims["name"], e.citizen.ID)
		}
		if res.userinfo["sub"] != e.citizen.ID || res.userinfo["phone_number"] != "13800138000" ||
			res.userinfo["pengcheng_kind"] != "person" || res.userinfo["preferred_username"] != e.citizen.Username {
			t.Errorf("userinfo: got %v", res.userinfo)
		}
		if _, ok := res.userinfo["id_number"]; ok {
			t.Errorf("userinfo has id_number for a client not allowed the idnumber scope: %v", res.userinfo)
		}
		if res.token.RefreshToken == "" {
			t.Fatalf("no refresh token for offline_access")
		}

		// The access token is what /api/v1 accepts.
		a, err := e.pc.provider.VerifyAccessToken(ctx, res.token.AccessToken)
		if err != nil || a.ID != e.citizen.ID {
			t.Errorf("VerifyAccessToken: got %v, %v; want the citizen", a, err)
		}

		// Consent is remembered: the second login goes straight through.
		p := b.get(e.rp.srv.URL + "/login")
		if p.url.Path != "/callback" || p.status != http.StatusOK {
			t.Errorf("second login: ended at %s (%d), want the RP callback without any page", p.url, p.status)
		}

		// Refresh rotates the refresh token; the old one then fails.
		src := e.rp.oauth.TokenSource(ctx, &oauth2.Token{RefreshToken: res.token.RefreshToken, Expiry: time.Now().Add(-time.Hour)})
		fresh, err := src.Token()
		if err != nil {
			t.Fatalf("refresh: %v", err)
		}
		if fresh.RefreshToken == "" || fresh.RefreshToken == res.token.RefreshToken || fresh.AccessToken == res.token.AccessToken {
			t.Errorf("refresh did not rotate: got refresh %q access %q", fresh.RefreshToken, fresh.AccessToken)
		}
		if _, ok := fresh.Extra("id_token").(string); !ok {
			t.Errorf("refresh returned no ID token")
		}
		again := e.rp.oauth.TokenSource(ctx, &oauth2.Token{RefreshToken: res.token.RefreshToken, Expiry: time.Now().Add(-time.Hour)})
		if _, err := again.Token(); err == nil {
			t.Errorf("a used refresh token was accepted again")
		}
		// Replaying it revoked the whole grant, the rotated tokens too.
		if _, err := e.pc.provider.VerifyAccessToken(ctx, fresh.AccessToken); err == nil {
			t.Errorf("the grant's access token survived a refresh token replay")
		}
	})
}

func TestTokensRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := setupE2E(t, sqlite(t), []string{"openid", "profile"}, nil)
	res := e.login(t, newBrowser(t))

	tests := []struct {
		name     string
		raw      string
		verifier *gooidc.IDTokenVerifier
	}{
		{"tampered signature", tamper(res.rawID), e.rp.verifier},
		{"tampered payload", tamperPayload(res.rawID), e.rp.verifier},
		{"expired", res.rawID, e.rp.provider.Verifier(&gooidc.Config{ClientID: e.client.ID,
			Now: func() time.Time { return time.Now().Add(e.pc.sso.Config().IDTokenTTL + time.Minute) }})},
		{"wrong audience", res.rawID, e.rp.provider.Verifier(&gooidc.Config{ClientID: "another-system"})},
	}
	for _, tt := range tests {
		if _, err := tt.verifier.Verify(ctx, tt.raw); err == nil {
			t.Errorf("%s: the ID token was accepted", tt.name)
		}
	}
	if _, err := e.rp.verifier.Verify(ctx, res.rawID); err != nil {
		t.Fatalf("the untouched ID token was refused: %v", err)
	}

	// Bearer tokens: garbage, tampered, revoked, expired.
	for name, tok := range map[string]string{"garbage": "abc", "tampered": tamper(res.token.AccessToken), "empty": ""} {
		if _, err := e.pc.provider.VerifyAccessToken(ctx, tok); err == nil {
			t.Errorf("%s access token accepted", name)
		}
	}
	revokeResp, err := http.PostForm(e.pc.url+"/oauth/revoke", url.Values{"token": {res.token.AccessToken},
		"token_type_hint": {"access_token"}, "client_id": {e.client.ID}, "client_secret": {e.secret}})
	if err != nil || revokeResp.StatusCode != http.StatusOK {
		t.Fatalf("revoke: %v %v", revokeResp, err)
	}
	revokeResp.Body.Close()
	if _, err := e.pc.provider.VerifyAccessToken(ctx, res.token.AccessToken); err == nil {
		t.Errorf("a revoked access token was accepted")
	}
	if _, err := e.rp.provider.UserInfo(ctx, oauth2.StaticTokenSource(res.token)); err == nil {
		t.Errorf("userinfo answered for a revoked access token")
	}

	// A new login's token expires with the provider's clock.
	p := newBrowser(t)
	res2 := e.login(t, p)
	e.pc.clock.Advance(e.pc.sso.Config().AccessTokenTTL + time.Minute)
	if _, err := e.pc.provider.VerifyAccessToken(ctx, res2.token.AccessToken); err == nil {
		t.Errorf("an expired access token was accepted")
	}
	if _, err := e.rp.provider.UserInfo(ctx, oauth2.StaticTokenSource(res2.token)); err == nil {
		t.Errorf("userinfo answered for an expired access token")
	}
}

// tamper changes one character of a token's last part (a JWT's signature).
func tamper(tok string) string {
	if tok == "" {
		return "x"
	}
	b := []byte(tok)
	i := len(b) - 5
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

// tamperPayload changes a JWT's payload, keeping its signature.
func tamperPayload(jwt string) string {
	parts := strings.Split(jwt, ".")
	b := []byte(parts[1])
	if b[10] == 'A' {
		b[10] = 'B'
	} else {
		b[10] = 'A'
	}
	parts[1] = string(b)
	return strings.Join(parts, ".")
}

func TestIDNumberOnlyForAllowedClients(t *testing.T) {
	t.Parallel()
	e := setupE2E(t, sqlite(t), []string{"openid", "profile", "idnumber"}, []string{"openid", "profile", "idnumber"})
	res := e.login(t, newBrowser(t))
	if res.userinfo["id_number"] != e.citizen.IDNumber || res.userinfo["id_number_verified"] != true {
		t.Errorf("userinfo: got %v, want the verified identity number", res.userinfo)
	}
	if res.claims["id_number"] != e.citizen.IDNumber {
		t.Errorf("ID token: got %v, want the identity number", res.claims)
	}
}

func TestPromptAndLogout(t *testing.T) {
	t.Parallel()
	e := setupE2E(t, sqlite(t), []string{"openid", "profile"}, nil)
	b := newBrowser(t)

	// prompt=none without a session answers login_required to the RP.
	b.get(e.rp.srv.URL + "/login?prompt=none")
	if got := e.rp.lastResult(); got == nil || got.errCode != "login_required" {
		t.Errorf("prompt=none signed out: got %+v, want login_required", got)
	}
	res := e.login(t, b)

	// prompt=none with a session and consent goes straight through.
	p := b.get(e.rp.srv.URL + "/login?prompt=none")
	if p.url.Path != "/callback" || p.status != http.StatusOK {
		t.Errorf("prompt=none signed in: ended at %s (%d) %s", p.url, p.status, p.body)
	}
	// prompt=consent asks again; prompt=login asks for the password again.
	p = b.get(e.rp.srv.URL + "/login?prompt=consent")
	p = b.consent(p, "allow")
	if p.url.Path != "/callback" {
		t.Errorf("after prompt=consent: ended at %s", p.url)
	}
	p = b.get(e.rp.srv.URL + "/login?prompt=login")
	p = b.signIn(p, e.citizen.Username, password)
	if p.url.Path != "/callback" || p.status != http.StatusOK {
		t.Errorf("after prompt=login: ended at %s (%d) %s", p.url, p.status, p.body)
	}
	res = e.rp.result()

	// Denying consent answers access_denied.
	p = b.get(e.rp.srv.URL + "/login?prompt=consent")
	b.consent(p, "deny")
	if got := e.rp.lastResult(); got.errCode != "access_denied" {
		t.Errorf("denied consent: got %+v, want access_denied", got)
	}

	// RP-initiated logout with a valid id_token_hint ends the session and
	// returns to the registered address with the state.
	q := url.Values{"id_token_hint": {res.rawID}, "post_logout_redirect_uri": {e.rp.srv.URL + "/bye"}, "state": {"s1"}}
	p = b.get(e.pc.url + "/oauth/end_session?" + q.Encode())
	if p.url.Path != "/bye" || p.url.Query().Get("state") != "s1" {
		t.Errorf("logout: ended at %s, want the RP's /bye with the state", p.url)
	}
	if _, err := e.pc.provider.VerifyAccessToken(context.Background(), res.token.AccessToken); err == nil {
		t.Errorf("the client's access token survived logout")
	}
	p = b.get(e.rp.srv.URL + "/login")
	if p.url.Path != "/login" {
		t.Errorf("after logout the next login went to %s, want the login page", p.url)
	}

	// An unregistered post-logout address is refused.
	q.Set("post_logout_redirect_uri", "https://evil.example/")
	if p := b.get(e.pc.url + "/oauth/end_session?" + q.Encode()); p.status != http.StatusBadRequest {
		t.Errorf("logout to an unregistered address: got %d, want 400", p.status)
	}
}

func TestLogoutWithoutHintAsks(t *testing.T) {
	t.Parallel()
	e := setupE2E(t, sqlite(t), []string{"openid"}, nil)
	b := newBrowser(t)
	e.login(t, b)
	q := url.Values{"client_id": {e.client.ID}, "post_logout_redirect_uri": {e.rp.srv.URL + "/bye"}}
	p := b.get(e.pc.url + "/oauth/end_session?" + q.Encode())
	if p.url.Path != "/oidc/logout" || !strings.Contains(p.body, `action="/oidc/logout"`) {
		t.Fatalf("logout without a hint: got %s (%d), want the confirmation page", p.url, p.status)
	}
	// Still signed in until confirmed.
	if p2 := b.get(e.rp.srv.URL + "/login"); p2.url.Path != "/callback" {
		t.Errorf("the session ended before the confirmation: %s", p2.url)
	}
	p = b.post(p, "/oidc/logout", url.Values{"r": {regexpValue(t, p.body, "r")}})
	if p.url.Path != "/bye" {
		t.Errorf("after confirming: ended at %s, want the RP's /bye", p.url)
	}
	if p2 := b.get(e.rp.srv.URL + "/login"); p2.url.Path != "/login" {
		t.Errorf("still signed in after the confirmed logout: %s", p2.url)
	}
}

func regexpValue(t *testing.T, body, name string) string {
	t.Helper()
	i := strings.Index(body, `name="`+name+`" value="`)
	if i < 0 {
		t.Fatalf("no field %s in %s", name, body)
	}
	rest := body[i+len(`name="`+name+`" value="`):]
	return strings.ReplaceAll(rest[:strings.Index(rest, `"`)], "&#43;", "+")
}

func TestPublicClientNeedsPKCE(t *testing.T) {
	t.Parallel()
	pc := newInstance(t, sqlite(t), "127.0.0.1")
	c, _ := pc.client(t, sso.ClientInput{Name: "掌上鹏城", Public: true, RedirectURIs: []string{"http://127.0.0.1:1/cb"}})
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	q := url.Values{"client_id": {c.ID}, "redirect_uri": {"http://127.0.0.1:1/cb"}, "response_type": {"code"}, "scope": {"openid"}, "state": {"s"}}
	resp, err := noRedirect.Get(pc.url + "/oauth/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if loc == nil || loc.Query().Get("error") != "invalid_request" {
		t.Errorf("public client without PKCE: redirected to %v, want error=invalid_request", loc)
	}
	q.Set("code_challenge", oauth2.S256ChallengeFromVerifier(oauth2.GenerateVerifier()))
	q.Set("code_challenge_method", "S256")
	resp, err = noRedirect.Get(pc.url + "/oauth/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/oidc/continue?id=") {
		t.Errorf("public client with PKCE: redirected to %q, want the continuation page", loc)
	}
}

func TestClientCredentials(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := setupE2E(t, sqlite(t), []string{"openid"}, nil)
	cc := clientcredentials.Config{ClientID: e.client.ID, ClientSecret: e.secret, TokenURL: e.rp.provider.Endpoint().TokenURL}
	tok, err := cc.Token(ctx)
	if err != nil {
		t.Fatalf("client credentials: %v", err)
	}
	info, err := e.pc.sso.VerifyToken(ctx, tok.AccessToken)
	if err != nil || info.Account != nil || info.Token.ClientID != e.client.ID {
		t.Errorf("client token: got %+v, %v", info, err)
	}
	if _, err := e.pc.provider.VerifyAccessToken(ctx, tok.AccessToken); err == nil {
		t.Errorf("a client's own token passed as a person's")
	}
	cc.ClientSecret = "wrong"
	if _, err := cc.Token(ctx); err == nil {
		t.Errorf("a wrong client secret got a token")
	}
}

func TestWithdrawConsent(t *testing.T) {
	t.Parallel()
	e := setupE2E(t, sqlite(t), []string{"openid", "profile"}, nil)
	b := newBrowser(t)
	res := e.login(t, b)
	p := b.get(e.pc.url + "/account/authorizations")
	if p.status != http.StatusOK || !strings.Contains(p.body, "人事管理系统") {
		t.Fatalf("authorizations page: %d\n%s", p.status, p.body)
	}
	p = b.post(p, "/account/authorizations/"+e.client.ID+"/revoke", url.Values{})
	if strings.Contains(p.body, "人事管理系统") {
		t.Errorf("the withdrawn consent is still listed:\n%s", p.body)
	}
	if _, err := e.pc.provider.VerifyAccessToken(context.Background(), res.token.AccessToken); err == nil {
		t.Errorf("the client's token survived the withdrawal")
	}
	// The next login asks again.
	p = b.get(e.rp.srv.URL + "/login")
	b.consent(p, "allow")
}
