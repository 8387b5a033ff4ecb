package ssosql_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitysql"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
	"github.com/pengcheng-gov/pengcheng/internal/sso"
	"github.com/pengcheng-gov/pengcheng/internal/sso/ssosql"
)

// t0 is a fixed instant; the store takes every time as an argument.
var t0 = time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)

type testBundle struct {
	store   *ssosql.Store
	account *identity.Account
	client  *sso.Client
}

// setup returns a store on d with one person account and one client.
func setup(t *testing.T, d *db.DB) testBundle {
	t.Helper()
	ctx := context.Background()
	idsvc := identity.NewService(identitysql.New(d), nil, identity.DefaultPolicy(), nil, nil)
	num := "44030619900101123"
	num += string(identity.IDCheckChar(num))
	a, err := idsvc.CreateAccount(ctx, nil, identity.NewAccount{Kind: identity.Person, DisplayName: "张三", IDNumber: num, IDVerified: true}, identity.Client{})
	if err != nil {
		t.Fatalf("create account: %v", err)
	}
	s := ssosql.New(d)
	c := &sso.Client{
		ID: "hr-system", Name: "人事系统", RedirectURIs: []string{"https://hr.example/cb", "http://127.0.0.1:9/cb"},
		PostLogoutRedirectURIs: []string{"https://hr.example/bye"}, Scopes: []string{"openid", "profile"},
		GrantTypes: []sso.GrantType{sso.GrantAuthorizationCode, sso.GrantRefreshToken}, CreatedAt: t0, UpdatedAt: t0,
	}
	if err := s.CreateClient(ctx, c, ids.Hash("secret")); err != nil {
		t.Fatalf("create client: %v", err)
	}
	return testBundle{store: s, account: a, client: c}
}

func wantKind(t *testing.T, err error, kind errs.Kind) {
	t.Helper()
	if got := errs.KindOf(err); err == nil || got != kind {
		t.Fatalf("got error %v (kind %v), want kind %v", err, got, kind)
	}
}

func TestClients(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		b := setup(t, d)
		got, err := b.store.FindClientByID(ctx, "hr-system")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(b.client, got); diff != "" {
			t.Errorf("client round trip (-want +got):\n%s", diff)
		}
		wantKind(t, b.store.CreateClient(ctx, b.client, ""), errs.Conflict)
		bad := *b.client
		bad.ID, bad.Department = "other", "NO-SUCH-DEPT"
		wantKind(t, b.store.CreateClient(ctx, &bad, ""), errs.Invalid)

		if h, err := b.store.ClientSecretHash(ctx, "hr-system"); err != nil || h != ids.Hash("secret") {
			t.Errorf("secret hash: got %q, %v; want the stored hash", h, err)
		}
		if err := b.store.SetClientSecretHash(ctx, "hr-system", "new", t0); err != nil {
			t.Fatal(err)
		}
		if h, _ := b.store.ClientSecretHash(ctx, "hr-system"); h != "new" {
			t.Errorf("secret hash after reset: got %q, want new", h)
		}
		got.Name, got.Scopes, got.Disabled = "人事管理系统", []string{"openid", "idnumber"}, true
		if err := b.store.UpdateClient(ctx, got); err != nil {
			t.Fatal(err)
		}
		list, err := b.store.FindClients(ctx)
		if err != nil || len(list) != 1 || list[0].Name != "人事管理系统" || !list[0].Disabled || !list[0].AllowsScope("idnumber") {
			t.Errorf("clients after update: got %+v, %v", list, err)
		}
		if err := b.store.DeleteClient(ctx, "hr-system"); err != nil {
			t.Fatal(err)
		}
		_, err = b.store.FindClientByID(ctx, "hr-system")
		wantKind(t, err, errs.NotFound)
		wantKind(t, b.store.DeleteClient(ctx, "hr-system"), errs.NotFound)
	})
}

func newAuthRequest(b testBundle) *sso.AuthRequest {
	return &sso.AuthRequest{
		ID: ids.New(), ClientID: b.client.ID, RedirectURI: "https://hr.example/cb", Scopes: []string{"openid", "profile"},
		State: "st", Nonce: "no", ResponseType: "code", Prompt: []string{"login"}, MaxAge: 0,
		CodeChallenge: "abc", CodeChallengeMethod: "S256", CreatedAt: t0, ExpiresAt: t0.Add(15 * time.Minute),
	}
}

func TestAuthRequests(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		b := setup(t, d)
		a := newAuthRequest(b)
		if err := b.store.CreateAuthRequest(ctx, a); err != nil {
			t.Fatal(err)
		}
		got, err := b.store.FindAuthRequest(ctx, a.ID, t0.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(a, got); diff != "" {
			t.Errorf("auth request round trip (-want +got):\n%s", diff)
		}
		_, err = b.store.FindAuthRequest(ctx, a.ID, t0.Add(16*time.Minute))
		wantKind(t, err, errs.NotFound)

		// No code before someone signed in.
		wantKind(t, b.store.SetAuthCode(ctx, a.ID, "h1", t0.Add(time.Minute)), errs.NotFound)
		if err := b.store.CompleteAuthRequest(ctx, a.ID, b.account.ID, t0, []string{"pwd"}); err != nil {
			t.Fatal(err)
		}
		if err := b.store.SetAuthCode(ctx, a.ID, "h1", t0.Add(2*time.Minute)); err != nil {
			t.Fatal(err)
		}
		// A second code for the same request is refused.
		wantKind(t, b.store.SetAuthCode(ctx, a.ID, "h2", t0.Add(2*time.Minute)), errs.NotFound)
		_, err = b.store.RedeemAuthCode(ctx, "h1", t0.Add(3*time.Minute))
		wantKind(t, err, errs.NotFound) // the code's life was shortened to 2 minutes
	})
}

func TestAuthCodeWorksOnce(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		b := setup(t, d)
		a := newAuthRequest(b)
		if err := b.store.CreateAuthRequest(ctx, a); err != nil {
			t.Fatal(err)
		}
		if err := b.store.CompleteAuthRequest(ctx, a.ID, b.account.ID, t0, []string{"pwd"}); err != nil {
			t.Fatal(err)
		}
		if err := b.store.SetAuthCode(ctx, a.ID, "h1", t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		got, err := b.store.RedeemAuthCode(ctx, "h1", t0.Add(10*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if got.AccountID != b.account.ID || !got.AuthTime.Equal(t0) || !cmp.Equal(got.AMR, []string{"pwd"}) {
			t.Errorf("redeemed request: got account %q auth time %v amr %v", got.AccountID, got.AuthTime, got.AMR)
		}
		_, err = b.store.RedeemAuthCode(ctx, "h1", t0.Add(11*time.Second))
		wantKind(t, err, errs.NotFound)
		if err := b.store.DeleteAuthRequest(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		_, err = b.store.FindAuthRequest(ctx, a.ID, t0)
		wantKind(t, err, errs.NotFound)
	})
}

func TestTokens(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		b := setup(t, d)
		at := &sso.AccessToken{ID: ids.New(), GrantID: "g1", ClientID: b.client.ID, AccountID: b.account.ID,
			Scopes: []string{"openid"}, Audience: []string{b.client.ID}, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
		cc := &sso.AccessToken{ID: ids.New(), GrantID: "g2", ClientID: b.client.ID, Scopes: []string{"openid"},
			Audience: []string{b.client.ID}, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
		rt := &sso.RefreshToken{ID: ids.New(), GrantID: "g1", ClientID: b.client.ID, AccountID: b.account.ID,
			Scopes: []string{"openid", "offline_access"}, Audience: []string{b.client.ID}, AMR: []string{"pwd"},
			AuthTime: t0, CreatedAt: t0, ExpiresAt: t0.Add(24 * time.Hour)}
		for _, tk := range []*sso.AccessToken{at, cc} {
			if err := b.store.CreateAccessToken(ctx, tk); err != nil {
				t.Fatal(err)
			}
		}
		if err := b.store.CreateRefreshToken(ctx, rt, "rh"); err != nil {
			t.Fatal(err)
		}
		got, err := b.store.FindAccessToken(ctx, at.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(at, got); diff != "" {
			t.Errorf("access token round trip (-want +got):\n%s", diff)
		}
		if got, _ := b.store.FindAccessToken(ctx, cc.ID); got == nil || got.AccountID != "" || got.Subject() != b.client.ID {
			t.Errorf("client token: got %+v, want no account and the client as subject", got)
		}
		gotR, err := b.store.FindRefreshToken(ctx, "rh")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(rt, gotR); diff != "" {
			t.Errorf("refresh token round trip (-want +got):\n%s", diff)
		}
		if err := b.store.UseRefreshToken(ctx, rt.ID, t0); err != nil {
			t.Fatal(err)
		}
		wantKind(t, b.store.UseRefreshToken(ctx, rt.ID, t0), errs.Conflict)

		if err := b.store.RevokeGrant(ctx, "g1", t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		got, _ = b.store.FindAccessToken(ctx, at.ID)
		gotR, _ = b.store.FindRefreshTokenByID(ctx, rt.ID)
		if got.Active(t0.Add(2*time.Minute)) || gotR.RevokedAt.IsZero() {
			t.Errorf("after revoking the grant: access active %v, refresh revoked at %v", got.Active(t0.Add(2*time.Minute)), gotR.RevokedAt)
		}
		if got, _ := b.store.FindAccessToken(ctx, cc.ID); !got.Active(t0.Add(2 * time.Minute)) {
			t.Errorf("a token of another grant was revoked")
		}
		n, err := b.store.DeleteExpired(ctx, t0.Add(26*time.Hour))
		if err != nil || n != 2 {
			t.Errorf("delete expired: got %d, %v; want the 2 access tokens (the refresh token is within a day of expiry)", n, err)
		}
	})
}

func TestRevokeClientTokens(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		b := setup(t, d)
		at := &sso.AccessToken{ID: ids.New(), GrantID: "g1", ClientID: b.client.ID, AccountID: b.account.ID,
			CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
		if err := b.store.CreateAccessToken(ctx, at); err != nil {
			t.Fatal(err)
		}
		if err := b.store.RevokeClientTokens(ctx, b.account.ID, b.client.ID, t0); err != nil {
			t.Fatal(err)
		}
		if got, _ := b.store.FindAccessToken(ctx, at.ID); got.Active(t0) {
			t.Errorf("got an active token after revoking the client's tokens")
		}
	})
}

func TestKeysAndSecrets(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		b := setup(t, d)
		k1 := &sso.SigningKey{ID: "k1", Generation: 1, Algorithm: "RS256", PrivateKeyPEM: "pem1", CreatedAt: t0}
		k2 := &sso.SigningKey{ID: "k2", Generation: 2, Algorithm: "RS256", PrivateKeyPEM: "pem2", CreatedAt: t0.Add(time.Hour)}
		for _, k := range []*sso.SigningKey{k1, k2} {
			if err := b.store.CreateSigningKey(ctx, k); err != nil {
				t.Fatal(err)
			}
		}
		dup := &sso.SigningKey{ID: "k3", Generation: 2, Algorithm: "RS256", PrivateKeyPEM: "pem3", CreatedAt: t0}
		wantKind(t, b.store.CreateSigningKey(ctx, dup), errs.Conflict)
		if err := b.store.RetireSigningKeys(ctx, 2, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		keys, err := b.store.FindSigningKeys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(keys) != 2 || keys[0].ID != "k2" || !keys[0].RetiredAt.IsZero() || !keys[1].RetiredAt.Equal(t0.Add(time.Hour)) {
			t.Errorf("keys: got %+v %+v; want k2 active first, then k1 retired", keys[0], keys[1])
		}
		if err := b.store.DeleteSigningKey(ctx, "k1"); err != nil {
			t.Fatal(err)
		}
		if keys, _ := b.store.FindSigningKeys(ctx); len(keys) != 1 {
			t.Errorf("got %d keys after deleting one, want 1", len(keys))
		}
		v1, err := b.store.EnsureSecret(ctx, "x", "first", t0)
		if err != nil {
			t.Fatal(err)
		}
		v2, err := b.store.EnsureSecret(ctx, "x", "second", t0)
		if err != nil || v1 != "first" || v2 != "first" {
			t.Errorf("ensure secret: got %q then %q (%v), want first both times", v1, v2, err)
		}
	})
}

func TestConsents(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		b := setup(t, d)
		_, err := b.store.FindConsent(ctx, b.account.ID, b.client.ID)
		wantKind(t, err, errs.NotFound)
		c := &sso.Consent{AccountID: b.account.ID, ClientID: b.client.ID, Scopes: []string{"openid"}, GrantedAt: t0}
		if err := b.store.SaveConsent(ctx, c); err != nil {
			t.Fatal(err)
		}
		c.Scopes, c.GrantedAt = []string{"openid", "profile"}, t0.Add(time.Hour)
		if err := b.store.SaveConsent(ctx, c); err != nil {
			t.Fatal(err)
		}
		got, err := b.store.FindConsent(ctx, b.account.ID, b.client.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c, got); diff != "" {
			t.Errorf("consent after replacing (-want +got):\n%s", diff)
		}
		all, err := b.store.FindConsents(ctx, b.account.ID)
		if err != nil || len(all) != 1 || !cmp.Equal(all[0], c) {
			t.Errorf("consents of the account: got %v, %v; want the one", all, err)
		}
		if none, err := b.store.FindConsents(ctx, "nobody"); err != nil || len(none) != 0 {
			t.Errorf("consents of nobody: got %v, %v", none, err)
		}
		if err := b.store.DeleteConsent(ctx, b.account.ID, b.client.ID); err != nil {
			t.Fatal(err)
		}
		wantKind(t, b.store.DeleteConsent(ctx, b.account.ID, b.client.ID), errs.NotFound)
	})
}

func TestFederation(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		b := setup(t, d)
		p := &sso.FederationProvider{ID: "gd", Name: "广东政务服务网", Issuer: "https://id.gd.example", ClientID: "pengcheng",
			ClientSecret: "s", Scopes: []string{"openid", "idnumber"}, IDNumberClaim: "id_number", Enabled: true, CreatedAt: t0, UpdatedAt: t0}
		if err := b.store.CreateFederationProvider(ctx, p); err != nil {
			t.Fatal(err)
		}
		wantKind(t, b.store.CreateFederationProvider(ctx, p), errs.Conflict)
		p.Enabled, p.Name = false, "广东省统一身份认证平台"
		if err := b.store.UpdateFederationProvider(ctx, p); err != nil {
			t.Fatal(err)
		}
		got, err := b.store.FindFederationProvider(ctx, "gd")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(p, got); diff != "" {
			t.Errorf("provider round trip (-want +got):\n%s", diff)
		}
		if all, err := b.store.FindFederationProviders(ctx); err != nil || len(all) != 1 {
			t.Errorf("providers: got %d, %v; want 1", len(all), err)
		}

		f := &sso.FederatedIdentity{ProviderID: "gd", Subject: "up-1", AccountID: b.account.ID, CreatedAt: t0, LastLoginAt: t0}
		if err := b.store.CreateFederatedIdentity(ctx, f); err != nil {
			t.Fatal(err)
		}
		wantKind(t, b.store.CreateFederatedIdentity(ctx, f), errs.Conflict)
		if err := b.store.TouchFederatedIdentity(ctx, "gd", "up-1", t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		gotF, err := b.store.FindFederatedIdentity(ctx, "gd", "up-1")
		if err != nil || gotF.AccountID != b.account.ID || !gotF.LastLoginAt.Equal(t0.Add(time.Hour)) {
			t.Errorf("federated identity: got %+v, %v", gotF, err)
		}
		_, err = b.store.FindFederatedIdentity(ctx, "gd", "up-2")
		wantKind(t, err, errs.NotFound)

		st := &sso.FederationState{StateHash: "sh", ProviderID: "gd", Nonce: "n", CodeVerifier: "v", Next: "/me",
			CreatedAt: t0, ExpiresAt: t0.Add(10 * time.Minute)}
		if err := b.store.CreateFederationState(ctx, st); err != nil {
			t.Fatal(err)
		}
		gotS, err := b.store.ConsumeFederationState(ctx, "sh", t0.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(st, gotS); diff != "" {
			t.Errorf("state round trip (-want +got):\n%s", diff)
		}
		_, err = b.store.ConsumeFederationState(ctx, "sh", t0.Add(time.Minute))
		wantKind(t, err, errs.NotFound)
		st.StateHash = "sh2"
		if err := b.store.CreateFederationState(ctx, st); err != nil {
			t.Fatal(err)
		}
		_, err = b.store.ConsumeFederationState(ctx, "sh2", t0.Add(11*time.Minute))
		wantKind(t, err, errs.NotFound)
	})
}
