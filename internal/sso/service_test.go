package sso_test

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitysql"
	"github.com/pengcheng-gov/pengcheng/internal/sso"
	"github.com/pengcheng-gov/pengcheng/internal/sso/ssosql"
)

// clock is a settable time source shared by both services of a test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type testBundle struct {
	sso    *sso.Service
	ident  *identity.Service
	store  *ssosql.Store
	clock  *clock
	person *identity.Account
	admin  *identity.Account
}

// idNumber completes 17 digits with their check character.
func idNumber(first17 string) string { return first17 + string(identity.IDCheckChar(first17)) }

func setup(t *testing.T) testBundle {
	t.Helper()
	return setupOn(t, dbtest.Open(t, db.SQLite))
}

func setupOn(t *testing.T, d *db.DB) testBundle {
	t.Helper()
	ctx := context.Background()
	clk := &clock{t: time.Now().UTC().Truncate(time.Second)}
	ident := identity.NewService(identitysql.New(d), nil, identity.DefaultPolicy(), clk.Now, nil)
	store := ssosql.New(d)
	svc, err := sso.NewService(store, ident, sso.DefaultConfig(), clk.Now, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	p, err := ident.CreateAccount(ctx, nil, identity.NewAccount{
		Kind: identity.Person, DisplayName: "李四", IDNumber: idNumber("44030619850203567"), IDVerified: true,
		Phone: "13800138000", Email: "lisi@example.com",
	}, identity.Client{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(ctx, `INSERT INTO departments (code, name, short_name, division_code, created_at)
		VALUES ('SZZSJ', '深圳市政务服务数据管理局', '政数局', '440300', ?)`, clk.Now()); err != nil {
		t.Fatal(err)
	}
	admin, err := ident.CreateAccount(ctx, nil, identity.NewAccount{
		Kind: identity.Staff, Username: "admin", DisplayName: "管理员", Department: "SZZSJ",
		Roles: []identity.Role{identity.PlatformAdmin},
	}, identity.Client{})
	if err != nil {
		t.Fatal(err)
	}
	return testBundle{sso: svc, ident: ident, store: store, clock: clk, person: p, admin: admin}
}

func wantKind(t *testing.T, err error, kind errs.Kind) {
	t.Helper()
	if got := errs.KindOf(err); err == nil || got != kind {
		t.Fatalf("got error %v (kind %v), want kind %v", err, got, kind)
	}
}

func TestKeyRotation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	first, err := b.sso.SigningKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if first.Generation != 1 || first.Private.N.BitLen() != 2048 {
		t.Fatalf("first key: got generation %d, %d bits; want 1, 2048", first.Generation, first.Private.N.BitLen())
	}
	// Starting again (another instance) keeps the key.
	if err := b.sso.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if k, _ := b.sso.SigningKey(ctx); k.ID != first.ID {
		t.Errorf("a second start replaced the key: got %s, want %s", k.ID, first.ID)
	}

	b.clock.Advance(time.Hour)
	second, err := b.sso.RotateKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	signing, _ := b.sso.SigningKey(ctx)
	if signing.ID != second.ID || second.Generation != 2 {
		t.Errorf("after rotation: signing key %s (generation %d), want %s (2)", signing.ID, second.Generation, second.ID)
	}
	published := func() []string {
		ks, err := b.sso.PublishedKeys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, k := range ks {
			out = append(out, k.ID)
		}
		return out
	}
	if got := published(); !slices.Equal(got, []string{second.ID, first.ID}) {
		t.Errorf("published right after rotation: got %v, want both keys, newest first", got)
	}
	// The old key stays until every ID token it signed has expired.
	b.clock.Advance(b.sso.Config().KeyRetention - time.Minute)
	if _, err := b.sso.EnsureKeys(ctx); err != nil {
		t.Fatal(err)
	}
	if got := published(); len(got) != 2 {
		t.Errorf("published within retention: got %v, want 2 keys", got)
	}
	b.clock.Advance(2 * time.Minute)
	if got := published(); !slices.Equal(got, []string{second.ID}) {
		t.Errorf("published after retention: got %v, want only the new key", got)
	}
	if _, err := b.sso.EnsureKeys(ctx); err != nil {
		t.Fatal(err)
	}
	if keys, _ := b.store.FindSigningKeys(ctx); len(keys) != 1 {
		t.Errorf("stored keys after retention: got %d, want the retired one deleted", len(keys))
	}
	// Automatic rotation once the signing key is older than KeyMaxAge.
	b.clock.Advance(b.sso.Config().KeyMaxAge)
	k, err := b.sso.EnsureKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if k.Generation != 3 {
		t.Errorf("automatic rotation: got generation %d, want 3", k.Generation)
	}
}

func TestClientSecrets(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	conf, secret, err := b.sso.CreateClient(ctx, nil, sso.ClientInput{
		ID: "social-insurance", Name: "社保系统", RedirectURIs: []string{"https://si.example/cb"},
		GrantTypes: []sso.GrantType{sso.GrantAuthorizationCode, sso.GrantClientCredentials},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(secret) < 40 || !conf.AllowsScope(sso.ScopeOpenID) || conf.AllowsScope(sso.ScopeIDNumber) {
		t.Errorf("new client: secret %d chars, scopes %v; want a long secret and the default scopes", len(secret), conf.Scopes)
	}
	pub, pubSecret, err := b.sso.CreateClient(ctx, nil, sso.ClientInput{Name: "掌上政务", Public: true, RedirectURIs: []string{"pengcheng.app:/cb"}})
	if err != nil {
		t.Fatal(err)
	}
	if pubSecret != "" || !strings.HasPrefix(pub.ID, "pc-") {
		t.Errorf("public client: got secret %q id %q; want no secret and a generated id", pubSecret, pub.ID)
	}
	tests := []struct {
		name, id, secret string
		ok               bool
	}{
		{"right secret", conf.ID, secret, true},
		{"wrong secret", conf.ID, secret + "x", false},
		{"empty secret", conf.ID, "", false},
		{"unknown client", "nobody", secret, false},
		{"public client", pub.ID, "", false},
	}
	for _, tt := range tests {
		_, err := b.sso.AuthenticateClient(ctx, tt.id, tt.secret)
		if (err == nil) != tt.ok {
			t.Errorf("%s: got %v, want ok=%v", tt.name, err, tt.ok)
		}
		if err != nil && errs.KindOf(err) != errs.Unauthenticated {
			t.Errorf("%s: got kind %v, want unauthenticated", tt.name, errs.KindOf(err))
		}
	}
	newSecret, err := b.sso.ResetClientSecret(ctx, nil, conf.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.sso.AuthenticateClient(ctx, conf.ID, secret); err == nil {
		t.Errorf("the old secret still works after a reset")
	}
	if _, err := b.sso.AuthenticateClient(ctx, conf.ID, newSecret); err != nil {
		t.Errorf("the new secret: %v", err)
	}
	in := sso.ClientInput{Name: "社保系统", RedirectURIs: conf.RedirectURIs, Disabled: true}
	if _, err := b.sso.UpdateClient(ctx, nil, conf.ID, in); err != nil {
		t.Fatal(err)
	}
	if _, err := b.sso.AuthenticateClient(ctx, conf.ID, newSecret); err == nil {
		t.Errorf("a disabled client authenticated")
	}
	// Only platform administrators manage clients.
	_, _, err = b.sso.CreateClient(ctx, b.person, sso.ClientInput{Name: "x", RedirectURIs: []string{"https://x.example/cb"}})
	wantKind(t, err, errs.Forbidden)
}

func TestClientValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	tests := []struct {
		name  string
		in    sso.ClientInput
		field string
	}{
		{"no name", sso.ClientInput{RedirectURIs: []string{"https://a.example/cb"}}, "name"},
		{"bad id", sso.ClientInput{ID: "A!", Name: "a", RedirectURIs: []string{"https://a.example/cb"}}, "id"},
		{"no redirect", sso.ClientInput{Name: "a"}, "redirect_uris"},
		{"relative redirect", sso.ClientInput{Name: "a", RedirectURIs: []string{"/cb"}}, "redirect_uris"},
		{"fragment", sso.ClientInput{Name: "a", RedirectURIs: []string{"https://a.example/cb#x"}}, "redirect_uris"},
		{"unknown scope", sso.ClientInput{Name: "a", RedirectURIs: []string{"https://a.example/cb"}, Scopes: []string{"root"}}, "scopes"},
		{"public credentials", sso.ClientInput{Name: "a", Public: true, RedirectURIs: []string{"https://a.example/cb"},
			GrantTypes: []sso.GrantType{sso.GrantClientCredentials}}, "grant_types"},
		{"unknown department", sso.ClientInput{Name: "a", Department: "NOPE", RedirectURIs: []string{"https://a.example/cb"}}, "department"},
	}
	for _, tt := range tests {
		_, _, err := b.sso.CreateClient(ctx, nil, tt.in)
		e := errs.As(err)
		if e == nil || e.Kind != errs.Invalid || e.Field != tt.field {
			t.Errorf("%s: got %v, want an invalid %s", tt.name, err, tt.field)
		}
	}
}
