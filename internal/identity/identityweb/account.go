package identityweb

import (
	"net/http"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// accountData is the data of the signed-in user's own account page.
type accountData struct {
	Account  *identity.Account
	DeptName string
	Events   eventTable // the account's own recent activity
	Err      error      // from the password or language form
	Form     string     // which form Err belongs to: "password" or "lang"
}

// recentActivity is how many of one's own audit events the account page shows.
const recentActivity = 10

// accountPage shows one's own account.
func (h *Handlers) accountPage(w http.ResponseWriter, r *http.Request) error {
	d, err := h.accountData(r)
	if err != nil {
		return err
	}
	return h.Renderer.Page(w, r, http.StatusOK, "identity/account", d)
}

func (h *Handlers) accountData(r *http.Request) (*accountData, error) {
	actor := web.AccountFrom(r.Context())
	a, err := h.Identity.Account(r.Context(), actor, actor.ID)
	if err != nil {
		return nil, err
	}
	events, _, err := h.Identity.Events(r.Context(), actor, identity.EventFilter{AccountID: actor.ID, Limit: recentActivity})
	if err != nil {
		return nil, err
	}
	d := &accountData{Account: a, Events: eventTable{Events: events}}
	if a.Department != "" {
		_, names := h.deptList(r.Context())
		d.DeptName = names[a.Department]
	}
	return d, nil
}

// accountFormFailed shows the account page again with err on form.
func (h *Handlers) accountFormFailed(w http.ResponseWriter, r *http.Request, form string, err error) error {
	if errs.KindOf(err) == errs.Internal {
		return err
	}
	d, derr := h.accountData(r)
	if derr != nil {
		return derr
	}
	d.Err, d.Form = err, form
	return h.Renderer.Page(w, r, formStatus(err), "identity/account", d)
}

// changePassword changes one's own password.
func (h *Handlers) changePassword(w http.ResponseWriter, r *http.Request) error {
	actor := web.AccountFrom(r.Context())
	pw := r.PostFormValue("password")
	if pw != r.PostFormValue("password_confirm") {
		return h.accountFormFailed(w, r, "password", errs.Field("password_confirm", "password.mismatch",
			"两次输入的新密码不一致", "the two new passwords differ"))
	}
	if err := h.Identity.ChangePassword(r.Context(), actor, r.PostFormValue("old_password"), pw, web.ClientOf(r)); err != nil {
		return h.accountFormFailed(w, r, "password", err)
	}
	h.Cookies.SetFlash(w, "identity.account.password_changed")
	return redirect(w, r, "/account")
}

// setLang saves one's preferred language and switches to it.
func (h *Handlers) setLang(w http.ResponseWriter, r *http.Request) error {
	actor := web.AccountFrom(r.Context())
	lang := r.PostFormValue("lang")
	if _, err := h.Identity.UpdateAccount(r.Context(), actor, actor.ID, identity.AccountUpdate{Lang: &lang}, web.ClientOf(r)); err != nil {
		return h.accountFormFailed(w, r, "lang", err)
	}
	h.Cookies.SetLang(w, lang)
	h.Cookies.SetFlash(w, "identity.account.lang_saved")
	return redirect(w, r, "/account")
}
