package ssoweb_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitysql"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
	"github.com/pengcheng-gov/pengcheng/internal/sso"
	"github.com/pengcheng-gov/pengcheng/internal/sso/ssosql"
	"github.com/pengcheng-gov/pengcheng/internal/sso/ssoweb"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// clock is a settable time source for an instance's services.
type clock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return time.Now().Add(c.off) }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.off += d; c.mu.Unlock() }

// instance is one running Pengcheng: the web shell with the provider, a
// minimal login page on the real identity service, on its own database.
type instance struct {
	url      string
	srv      *httptest.Server
	db       *db.DB
	ident    *identity.Service
	sso      *sso.Service
	store    *ssosql.Store
	provider *ssoweb.Provider
	clock    *clock
}

// loginPage is the test's login page: the account form with the CSRF field.
const loginPage = `{{define "title"}}login{{end}}{{define "content"}}
<form method="post" action="/login">{{csrfField}}
<input type="hidden" name="next" value="{{.Data}}"><input name="login"><input name="password" type="password">
</form>{{end}}`

// newInstance starts an instance on d. host is "127.0.0.1" or "localhost":
// two instances in one test use different host names so that a browser's
// cookies for one are not sent to the other.
func newInstance(t *testing.T, d *db.DB, host string) *instance {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	in := &instance{db: d, clock: &clock{}}
	in.srv = httptest.NewUnstartedServer(nil)
	_, port, _ := strings.Cut(in.srv.Listener.Addr().String(), ":")
	in.url = "http://" + host + ":" + port
	in.ident = identity.NewService(identitysql.New(d), nil, identity.DefaultPolicy(), in.clock.Now, log)
	var err error
	in.store = ssosql.New(d)
	in.sso, err = sso.NewService(in.store, in.ident, sso.DefaultConfig(), in.clock.Now, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := in.sso.Start(ctx); err != nil {
		t.Fatal(err)
	}
	srv, err := web.NewServer(web.Options{
		Log: log, Registry: web.NewRegistry(), Sessions: in.ident, CSRFExempt: ssoweb.CSRFExempt(),
		Templates: []web.TemplateSet{ssoweb.Templates(), {Module: "test", FS: fstest.MapFS{"login.html": {Data: []byte(loginPage)}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	in.provider, err = ssoweb.NewProvider(ssoweb.Options{
		Issuer: in.url, SSO: in.sso, Sessions: in.ident, Renderer: srv.Renderer, Cookies: srv.Cookies, Log: log,
	})
	if err != nil {
		t.Fatal(err)
	}
	in.provider.Routes(srv.Mux)
	srv.Mux.Handle("GET /login", web.Handler(func(w http.ResponseWriter, r *http.Request) error {
		return srv.Renderer.Page(w, r, http.StatusOK, "test/login", web.SafeNext(r.URL.Query().Get("next")))
	}))
	srv.Mux.Handle("POST /login", web.Handler(func(w http.ResponseWriter, r *http.Request) error {
		_, sess, token, err := in.ident.Login(r.Context(), r.PostFormValue("login"), r.PostFormValue("password"), web.ClientOf(r))
		if err != nil {
			return err
		}
		srv.Cookies.SetSession(w, token, time.Until(sess.ExpiresAt))
		http.Redirect(w, r, web.SafeNext(r.PostFormValue("next")), http.StatusFound)
		return nil
	}))
	in.srv.Config.Handler = srv
	in.srv.Start()
	t.Cleanup(in.srv.Close)
	return in
}

// idNumber completes 17 digits with their check character.
func idNumber(first17 string) string { return first17 + string(identity.IDCheckChar(first17)) }

// citizen creates a verified person with a password.
func (in *instance) citizen(t *testing.T, name, number, phone, password string) *identity.Account {
	t.Helper()
	a, err := in.ident.CreateAccount(context.Background(), nil, identity.NewAccount{
		Kind: identity.Person, DisplayName: name, IDNumber: number, IDVerified: true, Phone: phone, Password: password,
	}, identity.Client{})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// client registers a relying party and returns it with its secret.
func (in *instance) client(t *testing.T, cin sso.ClientInput) (*sso.Client, string) {
	t.Helper()
	c, secret, err := in.sso.CreateClient(context.Background(), nil, cin)
	if err != nil {
		t.Fatal(err)
	}
	return c, secret
}

// browser is a person's browser: it keeps cookies and follows redirects.
type browser struct {
	t    *testing.T
	http *http.Client
}

func newBrowser(t *testing.T) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, http: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

// page is a fetched page.
type page struct {
	url    *url.URL // where the redirects ended
	status int
	body   string
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	resp, err := b.http.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return page{url: resp.Request.URL, status: resp.StatusCode, body: string(body)}
}

func (b *browser) get(u string) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// post submits a form of page p to action (relative to p's URL), adding
// the page's CSRF token.
func (b *browser) post(p page, action string, form url.Values) page {
	b.t.Helper()
	m := csrfField.FindStringSubmatch(p.body)
	if m == nil {
		b.t.Fatalf("page %s has no CSRF field:\n%s", p.url, p.body)
	}
	form.Set("_csrf", m[1])
	u, err := p.url.Parse(action)
	if err != nil {
		b.t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, u.String(), strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// signIn fills the login page p and returns the page after it.
func (b *browser) signIn(p page, login, password string) page {
	b.t.Helper()
	if p.url.Path != "/login" {
		b.t.Fatalf("expected the login page, got %s (%d):\n%s", p.url, p.status, p.body)
	}
	return b.post(p, "/login", url.Values{"login": {login}, "password": {password}, "next": {p.url.Query().Get("next")}})
}

// consent answers the consent page p.
func (b *browser) consent(p page, decision string) page {
	b.t.Helper()
	if p.url.Path != "/oidc/continue" || !strings.Contains(p.body, `action="/oidc/consent"`) {
		b.t.Fatalf("expected the consent page, got %s (%d):\n%s", p.url, p.status, p.body)
	}
	id := regexp.MustCompile(`name="id" value="([^"]+)"`).FindStringSubmatch(p.body)
	return b.post(p, "/oidc/consent", url.Values{"id": {id[1]}, "decision": {decision}})
}

// rp is a relying party built from coreos/go-oidc and x/oauth2, as a
// department's system would be: it starts logins with PKCE, state and
// nonce, and on its callback exchanges the code, verifies the ID token
// and reads userinfo.
type rp struct {
	t        *testing.T
	srv      *httptest.Server
	provider *gooidc.Provider
	oauth    *oauth2.Config
	verifier *gooidc.IDTokenVerifier

	mu      sync.Mutex
	pending map[string]pending // state → what the login started with
	last    *rpResult
}

type pending struct{ nonce, verifier string }

// rpResult is what the relying party learnt from its last callback.
type rpResult struct {
	err      error
	token    *oauth2.Token
	rawID    string
	idToken  *gooidc.IDToken
	claims   map[string]any
	userinfo map[string]any
	errCode  string // error parameter of the callback (e.g. login_required)
}

func newRP(t *testing.T, issuer, clientID, secret string, scopes []string) *rp {
	t.Helper()
	r := &rp{t: t, pending: map[string]pending{}}
	mux := http.NewServeMux()
	r.srv = httptest.NewServer(mux)
	t.Cleanup(r.srv.Close)
	var err error
	r.provider, err = gooidc.NewProvider(context.Background(), issuer)
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	r.oauth = &oauth2.Config{ClientID: clientID, ClientSecret: secret, Endpoint: r.provider.Endpoint(),
		RedirectURL: r.srv.URL + "/callback", Scopes: scopes}
	r.verifier = r.provider.Verifier(&gooidc.Config{ClientID: clientID})
	mux.HandleFunc("GET /login", r.login)
	mux.HandleFunc("GET /callback", r.callback)
	mux.HandleFunc("GET /bye", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "signed out") })
	return r
}

func (r *rp) login(w http.ResponseWriter, req *http.Request) {
	state, nonce, verifier := ids.Token(16), ids.Token(16), oauth2.GenerateVerifier()
	r.mu.Lock()
	r.pending[state] = pending{nonce: nonce, verifier: verifier}
	r.mu.Unlock()
	opts := []oauth2.AuthCodeOption{gooidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)}
	if p := req.URL.Query().Get("prompt"); p != "" {
		opts = append(opts, oauth2.SetAuthURLParam("prompt", p))
	}
	http.Redirect(w, req, r.oauth.AuthCodeURL(state, opts...), http.StatusFound)
}

func (r *rp) callback(w http.ResponseWriter, req *http.Request) {
	res := r.finish(req)
	r.mu.Lock()
	r.last = res
	r.mu.Unlock()
	if res.err != nil || res.errCode != "" {
		http.Error(w, fmt.Sprint(res.err, res.errCode), http.StatusUnauthorized)
		return
	}
	fmt.Fprint(w, "welcome ", res.claims["sub"])
}

func (r *rp) finish(req *http.Request) *rpResult {
	ctx := req.Context()
	q := req.URL.Query()
	r.mu.Lock()
	p, ok := r.pending[q.Get("state")]
	delete(r.pending, q.Get("state"))
	r.mu.Unlock()
	if !ok {
		return &rpResult{err: errors.New("unknown state")}
	}
	if e := q.Get("error"); e != "" {
		return &rpResult{errCode: e}
	}
	tok, err := r.oauth.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(p.verifier))
	if err != nil {
		return &rpResult{err: fmt.Errorf("exchange: %w", err)}
	}
	res := &rpResult{token: tok}
	res.rawID, _ = tok.Extra("id_token").(string)
	if res.idToken, err = r.verifier.Verify(ctx, res.rawID); err != nil {
		return &rpResult{err: fmt.Errorf("verify ID token: %w", err)}
	}
	if res.idToken.Nonce != p.nonce {
		return &rpResult{err: errors.New("nonce mismatch")}
	}
	if err := res.idToken.Claims(&res.claims); err != nil {
		return &rpResult{err: err}
	}
	info, err := r.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		return &rpResult{err: fmt.Errorf("userinfo: %w", err)}
	}
	if err := info.Claims(&res.userinfo); err != nil {
		return &rpResult{err: err}
	}
	return res
}

// lastResult returns the outcome of the last callback, or nil.
func (r *rp) lastResult() *rpResult {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}

// result returns the outcome of the last callback, failing on errors.
func (r *rp) result() *rpResult {
	r.t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.last == nil {
		r.t.Fatal("the relying party got no callback")
	}
	if r.last.err != nil {
		r.t.Fatalf("relying party: %v", r.last.err)
	}
	return r.last
}

// sqlite opens a fresh database for an instance.
func sqlite(t *testing.T) *db.DB { return dbtest.Open(t, db.SQLite) }
