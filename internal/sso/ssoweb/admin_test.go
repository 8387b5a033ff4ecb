package ssoweb_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/sso"
	"github.com/pengcheng-gov/pengcheng/internal/sso/ssoweb"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// staff creates a staff account with a password and the given roles.
func (in *instance) staff(t *testing.T, username string, roles ...identity.Role) *identity.Account {
	t.Helper()
	ctx := context.Background()
	if _, err := in.db.Exec(ctx, `INSERT INTO departments (code, name, short_name, division_code, created_at)
		VALUES ('SZZSJ', '深圳市政务服务数据管理局', '政数局', '440300', ?) ON CONFLICT (code) DO NOTHING`, in.clock.Now()); err != nil {
		t.Fatal(err)
	}
	a, err := in.ident.CreateAccount(ctx, nil, identity.NewAccount{Kind: identity.Staff, Username: username,
		DisplayName: username, Department: "SZZSJ", Roles: roles, Password: password}, identity.Client{})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// signedIn returns a browser signed in at the instance as login.
func (in *instance) signedIn(t *testing.T, login string) *browser {
	t.Helper()
	b := newBrowser(t)
	p := b.get(in.url + "/login?next=/")
	b.signIn(p, login, password)
	return b
}

func TestAdminRegistersClient(t *testing.T) {
	t.Parallel()
	pc := newInstance(t, sqlite(t), "127.0.0.1")
	pc.staff(t, "admin", identity.PlatformAdmin)
	b := pc.signedIn(t, "admin")

	p := b.get(pc.url + "/admin/sso/clients/new")
	if p.status != http.StatusOK {
		t.Fatalf("new client form: %d\n%s", p.status, p.body)
	}
	// An invalid form comes back with the reason and nothing is created.
	bad := b.post(p, "/admin/sso/clients", url.Values{"name": {"社保系统"}, "redirect_uris": {"not a uri"},
		"scopes": {"openid", "profile"}, "grant_types": {"authorization_code"}})
	if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, "不是有效的绝对地址") {
		t.Errorf("invalid client form: got %d\n%s", bad.status, bad.body)
	}
	created := b.post(p, "/admin/sso/clients", url.Values{"id": {"social-insurance"}, "name": {"社保系统"},
		"redirect_uris": {"https://si.example/cb\r\nhttps://si.example/cb2"}, "scopes": {"openid", "profile", "idnumber"},
		"grant_types": {"authorization_code", "client_credentials"}})
	secret := regexp.MustCompile(`id="client-secret">([^<]+)<`).FindStringSubmatch(created.body)
	if created.status != http.StatusOK || secret == nil {
		t.Fatalf("create client: got %d, want the secret shown\n%s", created.status, created.body)
	}
	c, err := pc.sso.AuthenticateClient(context.Background(), "social-insurance", secret[1])
	if err != nil {
		t.Fatalf("the shown secret does not authenticate: %v", err)
	}
	if len(c.RedirectURIs) != 2 || !c.AllowsScope(sso.ScopeIDNumber) || !c.AllowsGrant(sso.GrantClientCredentials) {
		t.Errorf("registered client: got %+v", c)
	}
	list := b.get(pc.url + "/admin/sso/clients")
	if !strings.Contains(list.body, "social-insurance") || !strings.Contains(list.body, "社保系统") {
		t.Errorf("client list lacks the new client:\n%s", list.body)
	}
	en := b.get(pc.url + "/admin/sso/clients?lang=en")
	if !strings.Contains(en.body, "Single sign-on clients") {
		t.Errorf("English client list:\n%s", en.body)
	}
}

func TestAdminPagesNeedPlatformAdmin(t *testing.T) {
	t.Parallel()
	pc := newInstance(t, sqlite(t), "127.0.0.1")
	pc.staff(t, "caseworker", identity.Caseworker)
	b := pc.signedIn(t, "caseworker")
	for _, path := range []string{"/admin/sso/clients", "/admin/sso/clients/new", "/admin/sso/federation"} {
		if p := b.get(pc.url + path); p.status != http.StatusForbidden {
			t.Errorf("%s as a caseworker: got %d, want 403", path, p.status)
		}
	}
	anon := newBrowser(t)
	if p := anon.get(pc.url + "/admin/sso/clients"); p.url.Path != "/login" {
		t.Errorf("anonymous: ended at %s, want the login page", p.url)
	}
}

func TestAdminConfiguresFederation(t *testing.T) {
	t.Parallel()
	pc := newInstance(t, sqlite(t), "127.0.0.1")
	pc.staff(t, "admin", identity.PlatformAdmin)
	b := pc.signedIn(t, "admin")
	p := b.get(pc.url + "/admin/sso/federation/new")
	saved := b.post(p, "/admin/sso/federation", url.Values{"id": {"gd"}, "name": {"广东省统一身份认证平台"},
		"issuer": {"https://id.gd.example/"}, "client_id": {"pengcheng"}, "client_secret": {"s3cret"},
		"scopes": {"openid profile idnumber"}, "id_number_claim": {"id_number"}, "enabled": {"on"}})
	if saved.url.Path != "/admin/sso/federation" || !strings.Contains(saved.body, "https://id.gd.example") {
		t.Fatalf("after saving: %s %d\n%s", saved.url, saved.status, saved.body)
	}
	links := pc.provider.FederationLinks(context.Background(), "/")
	if len(links) != 1 || links[0].URL != "/federation/gd/start" {
		t.Errorf("links: got %+v", links)
	}
	// Editing without a secret keeps the stored one; disabling hides the link.
	p = b.get(pc.url + "/admin/sso/federation/gd")
	b.post(p, "/admin/sso/federation/gd", url.Values{"name": {"广东省统一身份认证平台"}, "issuer": {"https://id.gd.example"},
		"client_id": {"pengcheng"}, "scopes": {"openid idnumber"}, "id_number_claim": {"sfzh"}})
	got, err := pc.sso.FederationProvider(context.Background(), "gd")
	if err != nil || got.ClientSecret != "s3cret" || got.Enabled || got.IDNumberClaim != "sfzh" {
		t.Errorf("after editing: got %+v, %v", got, err)
	}
	if links := pc.provider.FederationLinks(context.Background(), "/"); len(links) != 0 {
		t.Errorf("links of a disabled provider: %+v", links)
	}
}

func TestEveryMessageKeyDefined(t *testing.T) {
	t.Parallel()
	r, err := web.NewRenderer(web.RendererOptions{Sets: []web.TemplateSet{ssoweb.Templates()}})
	if err != nil {
		t.Fatal(err)
	}
	if missing := r.UndefinedKeys(); len(missing) > 0 {
		t.Errorf("message keys used but not defined: %v", missing)
	}
	// Keys built at run time: one description per scope, in both languages.
	for _, s := range sso.KnownScopes {
		key := "sso.scope." + s
		zh, en := r.T("zh", key), r.T("en", key)
		if zh == key || en == key || zh == en {
			t.Errorf("scope %s: got %q / %q, want a Chinese and an English description", s, zh, en)
		}
	}
}
