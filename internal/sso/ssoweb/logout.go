package ssoweb

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0). op checks
// the id_token_hint and post_logout_redirect_uri, then calls
// TerminateSessionFromRequest. A valid hint naming the signed-in person
// ends the session at once; otherwise, since anyone can send a browser to
// the endpoint, the person is asked to confirm on /oidc/logout.

type logoutKey struct{}

// logoutState carries what the end-session request did back to the
// response writer, which clears the session cookie.
type logoutState struct {
	client identity.Client
	ended  bool
}

// endSession serves the end-session endpoint through op.
func (p *Provider) endSession(w http.ResponseWriter, r *http.Request) {
	st := &logoutState{client: web.ClientOf(r)}
	cw := &clearingWriter{ResponseWriter: w, st: st, cookies: p.cookies}
	p.op.ServeHTTP(cw, r.WithContext(context.WithValue(r.Context(), logoutKey{}, st)))
}

// clearingWriter clears the session cookie before the response starts
// when the session was ended.
type clearingWriter struct {
	http.ResponseWriter
	st      *logoutState
	cookies *web.Cookies
	wrote   bool
}

// WriteHeader clears the session cookie first when the session ended.
func (c *clearingWriter) WriteHeader(code int) {
	if !c.wrote && c.st.ended {
		c.cookies.ClearSession(c.ResponseWriter)
	}
	c.wrote = true
	c.ResponseWriter.WriteHeader(code)
}

// Write starts the response through WriteHeader when op did not.
func (c *clearingWriter) Write(b []byte) (int, error) {
	if !c.wrote {
		c.WriteHeader(http.StatusOK)
	}
	return c.ResponseWriter.Write(b)
}

// Unwrap gives http.ResponseController the underlying writer.
func (c *clearingWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// logoutPrefix separates sealed logout targets from other sealed values.
const logoutPrefix = "logout:"

// TerminateSessionFromRequest implements op.CanTerminateSessionFromRequest.
// It revokes the tokens the client holds for the person named by a valid
// id_token_hint and ends the browser's session when it is that person's;
// without such a hint it sends the browser to the confirmation page.
func (s storage) TerminateSessionFromRequest(ctx context.Context, req *op.EndSessionRequest) (string, error) {
	p := s.p
	if req.UserID != "" && req.ClientID != "" {
		if err := p.sso.EndClientSession(ctx, req.UserID, req.ClientID); err != nil {
			return "", err
		}
	}
	a, sess := web.AccountFrom(ctx), web.SessionFrom(ctx)
	st, _ := ctx.Value(logoutKey{}).(*logoutState)
	if a == nil || sess == nil || st == nil {
		return req.RedirectURI, nil
	}
	if req.UserID == "" || req.UserID != a.ID {
		sealed, err := p.sso.Sealer().Encrypt(logoutPrefix + req.RedirectURI)
		if err != nil {
			return "", err
		}
		return logoutPath + "?r=" + url.QueryEscape(sealed), nil
	}
	if err := p.sessions.Logout(ctx, sess, st.client); err != nil {
		return "", err
	}
	st.ended = true
	return req.RedirectURI, nil
}

// logoutTarget opens a sealed post-logout address; anything else is "/".
func (p *Provider) logoutTarget(sealed string) string {
	v, err := p.sso.Sealer().Decrypt(sealed)
	if err != nil || !strings.HasPrefix(v, logoutPrefix) {
		return "/"
	}
	return strings.TrimPrefix(v, logoutPrefix)
}

// logoutData is the logout confirmation page's data.
type logoutData struct {
	Target string // sealed address to go to afterwards
}

// logoutPage asks the signed-in person to confirm signing out.
func (p *Provider) logoutPage(w http.ResponseWriter, r *http.Request) error {
	sealed := r.URL.Query().Get("r")
	if web.SessionFrom(r.Context()) == nil {
		http.Redirect(w, r, p.logoutTarget(sealed), http.StatusFound)
		return nil
	}
	return p.render.Page(w, r, http.StatusOK, "sso/logout", logoutData{Target: sealed})
}

// logout ends the session after the confirmation (a CSRF-checked POST).
func (p *Provider) logout(w http.ResponseWriter, r *http.Request) error {
	if sess := web.SessionFrom(r.Context()); sess != nil {
		if err := p.sessions.Logout(r.Context(), sess, web.ClientOf(r)); err != nil {
			return err
		}
		p.cookies.ClearSession(w)
	}
	http.Redirect(w, r, p.logoutTarget(r.PostFormValue("r")), http.StatusFound)
	return nil
}
