package ssoweb_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/sso"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// federation is two Pengcheng instances on two databases: the upstream
// (a provincial platform) and the downstream that trusts it.
type federation struct {
	up, down *instance
	number   string
	upPerson *identity.Account
	local    *identity.Account // the downstream's existing account with the same number
}

func setupFederation(t *testing.T, upScopes []string) federation {
	t.Helper()
	ctx := context.Background()
	f := federation{up: newInstance(t, sqlite(t), "localhost"), down: newInstance(t, sqlite(t), "127.0.0.1")}
	f.number = idNumber("44030619880808456")
	f.upPerson = f.up.citizen(t, "林晓华", f.number, "13900001111", password)
	var err error
	f.local, err = f.down.ident.CreateAccount(ctx, nil, identity.NewAccount{
		Kind: identity.Person, DisplayName: "林晓华", IDNumber: f.number, IDVerified: true, Phone: "13900001111",
	}, identity.Client{})
	if err != nil {
		t.Fatal(err)
	}
	c, secret := f.up.client(t, sso.ClientInput{ID: "pengcheng-baoan", Name: "宝安区鹏城平台",
		RedirectURIs: []string{f.down.url + "/federation/callback"}, Scopes: upScopes})
	if _, err := f.down.sso.CreateFederationProvider(ctx, nil, sso.FederationProviderInput{
		ID: "gd", Name: "广东省统一身份认证平台", Issuer: f.up.url, ClientID: c.ID, ClientSecret: secret, Enabled: true,
	}); err != nil {
		t.Fatal(err)
	}
	return f
}

// session returns the downstream account and session of the browser's cookie.
func (f federation) session(t *testing.T, b *browser) (*identity.Account, *identity.Session) {
	t.Helper()
	u, _ := url.Parse(f.down.url)
	for _, c := range b.http.Jar.Cookies(u) {
		if c.Name == web.SessionCookieName {
			a, s, err := f.down.ident.Authenticate(context.Background(), c.Value)
			if err != nil {
				t.Fatalf("downstream session: %v", err)
			}
			return a, s
		}
	}
	return nil, nil
}

func (f federation) count(t *testing.T) int {
	t.Helper()
	n, err := f.down.ident.CountAccounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// federatedLogin signs in at the upstream through the downstream's link.
func (f federation) federatedLogin(t *testing.T, b *browser, login string) page {
	t.Helper()
	links := f.down.provider.FederationLinks(context.Background(), "/account")
	if len(links) != 1 || links[0].Label.ZH != "使用广东省统一身份认证平台登录" {
		t.Fatalf("federation links: got %+v", links)
	}
	p := b.get(f.down.url + links[0].URL)
	if !strings.HasPrefix(p.url.String(), f.up.url+"/login") {
		t.Fatalf("the federated login did not reach the upstream login page: %s", p.url)
	}
	p = b.signIn(p, login, password)
	if p.url.Path == "/oidc/continue" && strings.HasPrefix(p.url.String(), f.up.url) {
		p = b.consent(p, "allow")
	}
	return p
}

func TestFederatedLoginLinksExistingAccount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := setupFederation(t, []string{"openid", "profile", "idnumber"})
	before := f.count(t)

	b := newBrowser(t)
	p := f.federatedLogin(t, b, f.upPerson.Username)
	if got := p.url.String(); got != f.down.url+"/account" {
		t.Fatalf("after the federated login: ended at %s (%d), want the downstream's /account\n%s", got, p.status, p.body)
	}
	a, s := f.session(t, b)
	if a == nil || a.ID != f.local.ID || s.Method != "fed:gd" {
		t.Fatalf("downstream session: got %+v %+v, want the existing account by fed:gd", a, s)
	}
	if after := f.count(t); after != before {
		t.Errorf("accounts: %d before, %d after; the federated login created a duplicate", before, after)
	}

	// A second login (a new browser) reuses the link.
	b2 := newBrowser(t)
	f.federatedLogin(t, b2, f.upPerson.Username)
	if a, _ := f.session(t, b2); a == nil || a.ID != f.local.ID {
		t.Errorf("second federated login: got %+v, want the same account", a)
	}
	if after := f.count(t); after != before {
		t.Errorf("accounts after the second login: %d, want %d", after, before)
	}
	link, err := f.down.store.FindFederatedIdentity(ctx, "gd", f.upPerson.ID)
	if err != nil || link.AccountID != f.local.ID {
		t.Errorf("federated identity: got %+v, %v", link, err)
	}
}

func TestFederatedLoginCreatesVerifiedPerson(t *testing.T) {
	t.Parallel()
	f := setupFederation(t, []string{"openid", "profile", "idnumber"})
	newcomer := f.up.citizen(t, "周文", idNumber("44030519950615234"), "13700002222", password)
	before := f.count(t)
	b := newBrowser(t)
	f.federatedLogin(t, b, newcomer.Username)
	a, _ := f.session(t, b)
	if a == nil || a.IDNumber != newcomer.IDNumber || !a.IDVerified || a.DisplayName != "周文" || a.Kind != identity.Person {
		t.Fatalf("new downstream account: got %+v, want a verified person 周文 with the upstream's number", a)
	}
	if after := f.count(t); after != before+1 {
		t.Errorf("accounts: %d before, %d after, want one more", before, after)
	}
}

func TestFederatedLoginWithoutIDNumberRefused(t *testing.T) {
	t.Parallel()
	// The upstream does not give this client identity numbers.
	f := setupFederation(t, []string{"openid", "profile"})
	before := f.count(t)
	b := newBrowser(t)
	p := f.federatedLogin(t, b, f.upPerson.Username)
	if p.status != http.StatusForbidden || !strings.Contains(p.body, "没有提供您的身份证号码") {
		t.Errorf("refusal page: got %s %d\n%s", p.url, p.status, p.body)
	}
	if a, _ := f.session(t, b); a != nil {
		t.Errorf("a downstream session was started: %+v", a)
	}
	if after := f.count(t); after != before {
		t.Errorf("accounts: %d before, %d after", before, after)
	}
}

func TestFederationStateChecked(t *testing.T) {
	t.Parallel()
	f := setupFederation(t, []string{"openid", "profile", "idnumber"})
	b := newBrowser(t)
	// A callback the browser did not start is refused.
	p := b.get(f.down.url + "/federation/callback?state=forged&code=x")
	if p.status != http.StatusBadRequest || !strings.Contains(p.body, "登录请求已过期或无效") {
		t.Errorf("forged callback: got %d\n%s", p.status, p.body)
	}
	// A disabled provider cannot be used.
	ctx := context.Background()
	in := sso.FederationProviderInput{Name: "广东省统一身份认证平台", Issuer: f.up.url, ClientID: "pengcheng-baoan", Enabled: false}
	if _, err := f.down.sso.UpdateFederationProvider(ctx, nil, "gd", in); err != nil {
		t.Fatal(err)
	}
	if links := f.down.provider.FederationLinks(ctx, "/"); len(links) != 0 {
		t.Errorf("links of a disabled provider: %+v", links)
	}
	if p := b.get(f.down.url + "/federation/gd/start"); p.status != http.StatusNotFound {
		t.Errorf("start at a disabled provider: got %d, want 404", p.status)
	}
}
