package ssoweb

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/sso"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// continueLogin is where op sends the browser with a new authorization
// request. It makes sure the right person is signed in (sending them to
// the login page, which comes back here), asks for consent unless it was
// given before for these scopes, and hands the request back to op, which
// redirects to the client with a code. prompt=none never shows a page: it
// answers login_required or consent_required to the client instead.
func (p *Provider) continueLogin(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id := r.URL.Query().Get("id")
	req, err := p.sso.AuthRequest(ctx, id)
	if err != nil {
		return err
	}
	a, sess := web.AccountFrom(ctx), web.SessionFrom(ctx)
	none := req.HasPrompt(oidc.PromptNone)
	reauth := sess != nil && p.needsReauth(req, sess)
	if a == nil || sess == nil || reauth || (none && req.HintSubject != "" && req.HintSubject != a.ID) {
		if none {
			return p.authError(w, r, req, oidc.ErrLoginRequired())
		}
		if reauth {
			// The client wants a fresh sign-in (prompt=login, max_age):
			// end the old session so that the login page asks again.
			if err := p.sessions.Logout(ctx, sess, web.ClientOf(r)); err != nil {
				return err
			}
			p.cookies.ClearSession(w)
		}
		next := continuePath + "?id=" + url.QueryEscape(req.ID)
		http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusFound)
		return nil
	}
	need, err := p.sso.NeedsConsent(ctx, a.ID, req.ClientID, req.Scopes)
	if err != nil {
		return err
	}
	if need || req.HasPrompt(oidc.PromptConsent) {
		if none {
			return p.authError(w, r, req, &oidc.Error{ErrorType: "consent_required", Description: "consent is required"})
		}
		return p.renderConsent(w, r, req)
	}
	return p.finish(w, r, req, a, sess)
}

// needsReauth reports whether the session is older than the client's
// max_age (prompt=login sets max_age to 0) and was not started after the
// request, i.e. by the sign-in the request asked for.
func (p *Provider) needsReauth(req *sso.AuthRequest, sess *identity.Session) bool {
	if req.MaxAge < 0 || !sess.CreatedAt.Before(req.CreatedAt) {
		return false
	}
	return p.sso.Now().Sub(sess.CreatedAt) > time.Duration(req.MaxAge)*time.Second
}

// finish records who signed in and returns the request to op.
func (p *Provider) finish(w http.ResponseWriter, r *http.Request, req *sso.AuthRequest, a *identity.Account, sess *identity.Session) error {
	if err := p.sso.CompleteAuthRequest(r.Context(), req.ID, a, sess.CreatedAt, amr(sess.Method)); err != nil {
		return err
	}
	http.Redirect(w, r, callbackPath+"?id="+url.QueryEscape(req.ID), http.StatusFound)
	return nil
}

// amr names the authentication method of a session (RFC 8176 values where
// they exist).
func amr(method string) []string {
	switch {
	case method == "pwd":
		return []string{"pwd"}
	case method == "otp":
		return []string{"otp", "sms"}
	case strings.HasPrefix(method, "fed:"):
		return []string{"fed"}
	case method == "":
		return nil
	}
	return []string{method}
}

// authError answers the client with an OAuth error on its redirect URI and
// forgets the request.
func (p *Provider) authError(w http.ResponseWriter, r *http.Request, req *sso.AuthRequest, e *oidc.Error) error {
	op.AuthRequestError(w, r, authRequest{req}, e, p.op)
	return p.sso.DeleteAuthRequest(r.Context(), req.ID)
}

// consentData is the consent page's data.
type consentData struct {
	RequestID string
	Client    *sso.Client
	Scopes    []string // message keys describing what the client will receive
}

func (p *Provider) renderConsent(w http.ResponseWriter, r *http.Request, req *sso.AuthRequest) error {
	c, err := p.sso.ClientByID(r.Context(), req.ClientID)
	if err != nil {
		return err
	}
	d := consentData{RequestID: req.ID, Client: c}
	for _, s := range sso.KnownScopes {
		if containsScope(req.Scopes, s) && c.AllowsScope(s) {
			d.Scopes = append(d.Scopes, "sso.scope."+s)
		}
	}
	return p.render.Page(w, r, http.StatusOK, "sso/consent", d)
}

func containsScope(scopes []string, s string) bool {
	for _, x := range scopes {
		if x == s {
			return true
		}
	}
	return false
}

// consent takes the person's decision: allow remembers it for the client
// and these scopes; deny answers access_denied to the client.
func (p *Provider) consent(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a, sess := web.AccountFrom(ctx), web.SessionFrom(ctx)
	if a == nil || sess == nil {
		return web.ErrLoginRequired
	}
	req, err := p.sso.AuthRequest(ctx, r.PostFormValue("id"))
	if err != nil {
		return err
	}
	if r.PostFormValue("decision") != "allow" {
		return p.authError(w, r, req, oidc.ErrAccessDenied().WithDescription("the user refused"))
	}
	if err := p.sso.GrantConsent(ctx, a.ID, req.ClientID, req.Scopes); err != nil {
		return err
	}
	return p.finish(w, r, req, a, sess)
}
