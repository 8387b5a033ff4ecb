package identityweb

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// loginData is the data of the login page.
type loginData struct {
	Next        string // where to go after login (a local path)
	CodeMode    bool   // show the phone-code form
	Login       string // what was typed as the account name (never the password)
	Phone       string
	CodeSent    bool
	Err         error
	Federation  []web.Link
	CodeMinutes int    // how long a code is valid
	PasswordTab string // address of the password tab
	CodeTab     string // address of the phone-code tab
}

// newLoginData returns the login page's data for next.
func (h *Handlers) newLoginData(r *http.Request, next string, codeMode bool) *loginData {
	next = web.SafeNext(next)
	d := &loginData{Next: next, CodeMode: codeMode, CodeMinutes: int(h.Identity.Policy().OTPTTL / time.Minute)}
	q := url.Values{}
	if next != "/" {
		q.Set("next", next)
	}
	d.PasswordTab = "/login"
	if len(q) > 0 {
		d.PasswordTab += "?" + q.Encode()
	}
	q.Set("method", "code")
	d.CodeTab = "/login?" + q.Encode()
	if h.Federation != nil {
		d.Federation = h.Federation.FederationLinks(r.Context(), next)
	}
	return d
}

// loginPage shows the login form; signed-in visitors go straight on.
func (h *Handlers) loginPage(w http.ResponseWriter, r *http.Request) error {
	next := r.URL.Query().Get("next")
	if web.AccountFrom(r.Context()) != nil {
		return redirect(w, r, next)
	}
	d := h.newLoginData(r, next, r.URL.Query().Get("method") == "code")
	return h.Renderer.Page(w, r, http.StatusOK, "identity/login", d)
}

// login checks a password and starts a session.
func (h *Handlers) login(w http.ResponseWriter, r *http.Request) error {
	d := h.newLoginData(r, r.PostFormValue("next"), false)
	d.Login = strings.TrimSpace(r.PostFormValue("login"))
	_, sess, token, err := h.Identity.Login(r.Context(), d.Login, r.PostFormValue("password"), web.ClientOf(r))
	if err != nil {
		return h.loginFailed(w, r, d, err)
	}
	return h.signedIn(w, r, sess, token, d.Next)
}

// sendCode sends a one-time code to a phone. The answer is the same
// whether or not the phone belongs to an account.
func (h *Handlers) sendCode(w http.ResponseWriter, r *http.Request) error {
	d := h.newLoginData(r, r.PostFormValue("next"), true)
	d.Phone = strings.TrimSpace(r.PostFormValue("phone"))
	if err := h.Identity.SendLoginCode(r.Context(), d.Phone, web.ClientOf(r)); err != nil {
		return h.loginFailed(w, r, d, err)
	}
	d.CodeSent = true
	return h.Renderer.Page(w, r, http.StatusOK, "identity/login", d)
}

// loginWithCode checks a one-time code and starts a session.
func (h *Handlers) loginWithCode(w http.ResponseWriter, r *http.Request) error {
	d := h.newLoginData(r, r.PostFormValue("next"), true)
	d.Phone = strings.TrimSpace(r.PostFormValue("phone"))
	_, sess, token, err := h.Identity.LoginWithCode(r.Context(), d.Phone, strings.TrimSpace(r.PostFormValue("code")), web.ClientOf(r))
	if err != nil {
		return h.loginFailed(w, r, d, err)
	}
	return h.signedIn(w, r, sess, token, d.Next)
}

// loginFailed shows the form again with the error, or passes internal
// errors on.
func (h *Handlers) loginFailed(w http.ResponseWriter, r *http.Request, d *loginData, err error) error {
	if errs.KindOf(err) == errs.Internal {
		return err
	}
	d.Err = err
	return h.Renderer.Page(w, r, formStatus(err), "identity/login", d)
}

// signedIn sets the session cookie and goes on to next.
func (h *Handlers) signedIn(w http.ResponseWriter, r *http.Request, sess *identity.Session, token, next string) error {
	h.Cookies.SetSession(w, token, sess.ExpiresAt.Sub(sess.LastSeenAt))
	return redirect(w, r, next)
}

// logout ends the session and returns home.
func (h *Handlers) logout(w http.ResponseWriter, r *http.Request) error {
	if s := web.SessionFrom(r.Context()); s != nil {
		if err := h.Identity.Logout(r.Context(), s, web.ClientOf(r)); err != nil {
			return err
		}
	}
	h.Cookies.ClearSession(w)
	h.Cookies.SetFlash(w, "identity.logout.done")
	return redirect(w, r, "/")
}
