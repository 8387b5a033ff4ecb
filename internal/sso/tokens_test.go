package sso_test

import (
	"context"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/sso"
)

func newClient(t *testing.T, b testBundle) *sso.Client {
	t.Helper()
	c, _, err := b.sso.CreateClient(context.Background(), nil, sso.ClientInput{
		ID: "hr-system", Name: "人事系统", RedirectURIs: []string{"https://hr.example/cb"},
		GrantTypes: []sso.GrantType{sso.GrantAuthorizationCode, sso.GrantRefreshToken, sso.GrantClientCredentials},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestVerifyAccessToken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	c := newClient(t, b)
	tok, err := b.sso.IssueAccessToken(ctx, sso.TokenGrant{ClientID: c.ID, AccountID: b.person.ID, Scopes: []string{"openid"}, Audience: []string{c.ID}})
	if err != nil {
		t.Fatal(err)
	}
	value, err := b.sso.SealAccessToken(tok)
	if err != nil {
		t.Fatal(err)
	}
	a, err := b.sso.VerifyAccessToken(ctx, value)
	if err != nil || a.ID != b.person.ID {
		t.Fatalf("valid token: got %v, %v; want the person", a, err)
	}
	tampered := []byte(value)
	tampered[len(tampered)/2] ^= 1
	for name, v := range map[string]string{"tampered": string(tampered), "garbage": "not-a-token", "empty": ""} {
		_, err := b.sso.VerifyAccessToken(ctx, v)
		if errs.KindOf(err) != errs.Unauthenticated {
			t.Errorf("%s token: got %v, want unauthenticated", name, err)
		}
	}
	// A client-credentials token names no person.
	cc, _ := b.sso.IssueAccessToken(ctx, sso.TokenGrant{ClientID: c.ID, Scopes: []string{"openid"}})
	ccValue, _ := b.sso.SealAccessToken(cc)
	if info, err := b.sso.VerifyToken(ctx, ccValue); err != nil || info.Account != nil || info.Token.Subject() != c.ID {
		t.Errorf("client token: got %+v, %v; want a token of the client itself", info, err)
	}
	if _, err := b.sso.VerifyAccessToken(ctx, ccValue); errs.KindOf(err) != errs.Unauthenticated {
		t.Errorf("client token as a person's: got %v, want unauthenticated", err)
	}
	// Disabled accounts lose their tokens.
	disabled := true
	if _, err := b.ident.UpdateAccount(ctx, b.admin, b.person.ID, identity.AccountUpdate{Disabled: &disabled}, identity.Client{}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.sso.VerifyAccessToken(ctx, value); errs.KindOf(err) != errs.Unauthenticated {
		t.Errorf("a disabled account's token: got %v, want unauthenticated", err)
	}
	enabled := false
	if _, err := b.ident.UpdateAccount(ctx, b.admin, b.person.ID, identity.AccountUpdate{Disabled: &enabled}, identity.Client{}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.sso.VerifyAccessToken(ctx, value); err != nil {
		t.Errorf("the token after re-enabling the account: %v", err)
	}
	// Revoked and expired tokens are refused.
	if err := b.sso.RevokeAccessToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := b.sso.VerifyAccessToken(ctx, value); errs.KindOf(err) != errs.Unauthenticated {
		t.Errorf("revoked token: got %v, want unauthenticated", err)
	}
	tok2, _ := b.sso.IssueAccessToken(ctx, sso.TokenGrant{ClientID: c.ID, AccountID: b.person.ID})
	value2, _ := b.sso.SealAccessToken(tok2)
	b.clock.Advance(b.sso.Config().AccessTokenTTL + time.Second)
	if _, err := b.sso.VerifyAccessToken(ctx, value2); errs.KindOf(err) != errs.Unauthenticated {
		t.Errorf("expired token: got %v, want unauthenticated", err)
	}
}

func TestRefreshRotationAndReuse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	c := newClient(t, b)
	g := sso.TokenGrant{ClientID: c.ID, AccountID: b.person.ID, Scopes: []string{"openid", "offline_access"}, AuthTime: b.clock.Now()}
	rt1, v1, err := b.sso.IssueRefreshToken(ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	g.GrantID = rt1.GrantID
	at1, _ := b.sso.IssueAccessToken(ctx, g)
	if _, err := b.sso.RotateRefreshToken(ctx, v1); err != nil {
		t.Fatal(err)
	}
	rt2, v2, err := b.sso.IssueRefreshToken(ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	if rt2.GrantID != rt1.GrantID {
		t.Errorf("rotated token left the grant: %s, want %s", rt2.GrantID, rt1.GrantID)
	}
	// Replaying the first token revokes the whole grant, the new token too.
	if _, err := b.sso.RefreshTokenByValue(ctx, v1); err == nil {
		t.Fatalf("a used refresh token was accepted again")
	}
	if _, err := b.sso.RefreshTokenByValue(ctx, v2); err == nil {
		t.Errorf("the grant's newer refresh token survived the replay")
	}
	if _, err := b.sso.AccessTokenByID(ctx, at1.ID); err == nil {
		t.Errorf("the grant's access token survived the replay")
	}
	// Expiry.
	_, v3, _ := b.sso.IssueRefreshToken(ctx, sso.TokenGrant{ClientID: c.ID, AccountID: b.person.ID, AuthTime: b.clock.Now()})
	b.clock.Advance(b.sso.Config().RefreshTokenTTL + time.Second)
	if _, err := b.sso.RefreshTokenByValue(ctx, v3); err == nil {
		t.Errorf("an expired refresh token was accepted")
	}
}

func TestTokensAreAudited(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	c := newClient(t, b)
	if _, err := b.sso.IssueAccessToken(ctx, sso.TokenGrant{ClientID: c.ID, AccountID: b.person.ID, Scopes: []string{"openid"}}); err != nil {
		t.Fatal(err)
	}
	evs, n, err := b.ident.Events(ctx, b.admin, identity.EventFilter{Kind: identity.EventTokenIssued})
	if err != nil || n != 1 || evs[0].ClientID != c.ID || evs[0].AccountID != b.person.ID {
		t.Fatalf("token events: got %d %+v, %v; want one for the client and person", n, evs, err)
	}
}

func TestAuthRequestRules(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	conf := newClient(t, b)
	pub, _, err := b.sso.CreateClient(ctx, nil, sso.ClientInput{Name: "掌上政务", Public: true, RedirectURIs: []string{"http://127.0.0.1/cb"}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name            string
		client          string
		challenge, meth string
		want            error
	}{
		{"confidential without PKCE", conf.ID, "", "", nil},
		{"confidential with S256", conf.ID, "abc", "S256", nil},
		{"plain method", conf.ID, "abc", "plain", sso.ErrPKCEMethod},
		{"public without PKCE", pub.ID, "", "", sso.ErrPKCERequired},
		{"public with S256", pub.ID, "abc", "S256", nil},
	}
	for _, tt := range tests {
		a := &sso.AuthRequest{ClientID: tt.client, RedirectURI: "https://hr.example/cb", Scopes: []string{"openid"},
			ResponseType: "code", MaxAge: -1, CodeChallenge: tt.challenge, CodeChallengeMethod: tt.meth}
		err := b.sso.CreateAuthRequest(ctx, a)
		if err != tt.want && !(tt.want == nil && err == nil) {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.want)
		}
	}
	a := &sso.AuthRequest{ClientID: conf.ID, RedirectURI: "https://hr.example/cb", Scopes: []string{"openid"}, ResponseType: "code", MaxAge: -1}
	if err := b.sso.CreateAuthRequest(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := b.sso.CompleteAuthRequest(ctx, a.ID, b.person, b.clock.Now(), []string{"pwd"}); err != nil {
		t.Fatal(err)
	}
	if err := b.sso.SaveAuthCode(ctx, a.ID, "the-code"); err != nil {
		t.Fatal(err)
	}
	if got, err := b.sso.RedeemAuthCode(ctx, "the-code"); err != nil || got.AccountID != b.person.ID {
		t.Fatalf("redeem: got %+v, %v", got, err)
	}
	if _, err := b.sso.RedeemAuthCode(ctx, "the-code"); err == nil {
		t.Errorf("a code was redeemed twice")
	}
	b.clock.Advance(b.sso.Config().AuthRequestTTL + time.Second)
	if _, err := b.sso.AuthRequest(ctx, a.ID); err != sso.ErrRequestNotFound {
		t.Errorf("expired request: got %v, want ErrRequestNotFound", err)
	}
}

func TestConsentRemembered(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	c := newClient(t, b)
	need := func(scopes ...string) bool {
		n, err := b.sso.NeedsConsent(ctx, b.person.ID, c.ID, scopes)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if !need("openid", "profile") {
		t.Errorf("consent not needed before any was given")
	}
	if err := b.sso.GrantConsent(ctx, b.person.ID, c.ID, []string{"openid", "profile"}); err != nil {
		t.Fatal(err)
	}
	if need("openid", "profile") || need("openid") {
		t.Errorf("consent needed again for scopes already allowed")
	}
	if !need("openid", "phone") {
		t.Errorf("consent not needed for a new scope")
	}
	if err := b.sso.GrantConsent(ctx, b.person.ID, c.ID, []string{"phone"}); err != nil {
		t.Fatal(err)
	}
	if need("openid", "profile", "phone") {
		t.Errorf("the earlier consent was lost when adding a scope")
	}
	if err := b.sso.RevokeConsent(ctx, b.person.ID, c.ID); err != nil {
		t.Fatal(err)
	}
	if !need("openid") {
		t.Errorf("consent still remembered after revocation")
	}
}
