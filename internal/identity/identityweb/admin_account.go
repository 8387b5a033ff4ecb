package identityweb

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// adminAccountData is the data of an account's administration page.
type adminAccountData struct {
	Account   *identity.Account // as stored, or as typed when the edit form failed
	Depts     []*catalog.Department
	DeptNames map[string]string
	Roles     []identity.Role // the roles the actor may grant
	Events    eventTable
	CanEdit   bool // the actor administers this account (the service has the last word)
	Self      bool
	Now       time.Time
	Err       error
	Form      string // the form Err belongs to: "edit", "status" or "password"
}

// accountEvents is how many recent events an account's page shows.
const accountEvents = 20

// adminAccountPage shows an account to an administrator.
func (h *Handlers) adminAccountPage(w http.ResponseWriter, r *http.Request) error {
	d, err := h.adminAccountData(r)
	if err != nil {
		return err
	}
	return h.Renderer.Page(w, r, http.StatusOK, "identity/admin_account", d)
}

func (h *Handlers) adminAccountData(r *http.Request) (*adminAccountData, error) {
	actor := web.AccountFrom(r.Context())
	a, err := h.Identity.Account(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	events, _, err := h.Identity.Events(r.Context(), actor, identity.EventFilter{AccountID: a.ID, Limit: accountEvents})
	if err != nil {
		return nil, err
	}
	d := &adminAccountData{Account: a, Events: eventTable{Events: events, Admin: true}, Self: a.ID == actor.ID, Now: h.Now()}
	d.Depts, d.DeptNames = h.deptList(r.Context())
	d.Roles = identity.Roles
	if actor.HasRole(identity.PlatformAdmin) {
		d.CanEdit = true
	} else {
		d.CanEdit = a.IsStaff() && a.Department == actor.Department && !a.HasRole(identity.PlatformAdmin)
		d.Roles = slices.DeleteFunc(slices.Clone(identity.Roles), func(r identity.Role) bool { return r == identity.PlatformAdmin })
	}
	return d, nil
}

// adminFormFailed shows the account page again with err on form; edited,
// when not nil, replaces the stored account so that typed values stay.
func (h *Handlers) adminFormFailed(w http.ResponseWriter, r *http.Request, form string, edited *identity.Account, err error) error {
	if errs.KindOf(err) == errs.Internal {
		return err
	}
	d, derr := h.adminAccountData(r)
	if derr != nil {
		return derr
	}
	if edited != nil {
		d.Account = edited
	}
	d.Err, d.Form = err, form
	return h.Renderer.Page(w, r, formStatus(err), "identity/admin_account", d)
}

// updateAccount saves the fields of the edit form that changed.
func (h *Handlers) updateAccount(w http.ResponseWriter, r *http.Request) error {
	actor := web.AccountFrom(r.Context())
	cur, err := h.Identity.Account(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	edited := *cur
	edited.DisplayName = strings.TrimSpace(r.PostFormValue("display_name"))
	edited.Phone = strings.TrimSpace(r.PostFormValue("phone"))
	edited.Email = strings.TrimSpace(r.PostFormValue("email"))
	if cur.IsStaff() {
		edited.Department = r.PostFormValue("department")
		edited.Roles = formRoles(r)
	}
	u := changes(cur, &edited)
	if _, err := h.Identity.UpdateAccount(r.Context(), actor, cur.ID, u, web.ClientOf(r)); err != nil {
		return h.adminFormFailed(w, r, "edit", &edited, err)
	}
	h.Cookies.SetFlash(w, "identity.admin.saved")
	return redirect(w, r, "/admin/accounts/"+cur.ID)
}

// changes returns the update from cur to edited, naming only the fields
// that differ (so that, for example, an unchanged role list is not a role
// change).
func changes(cur, edited *identity.Account) identity.AccountUpdate {
	var u identity.AccountUpdate
	if edited.DisplayName != cur.DisplayName {
		u.DisplayName = &edited.DisplayName
	}
	if edited.Phone != cur.Phone {
		u.Phone = &edited.Phone
	}
	if edited.Email != cur.Email {
		u.Email = &edited.Email
	}
	if cur.IsStaff() && edited.Department != "" && edited.Department != cur.Department {
		u.Department = &edited.Department
	}
	if cur.IsStaff() && !sameRoles(cur.Roles, edited.Roles) {
		u.Roles = &edited.Roles
	}
	return u
}

func sameRoles(a, b []identity.Role) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// setDisabled disables or enables an account.
func (h *Handlers) setDisabled(w http.ResponseWriter, r *http.Request) error {
	actor := web.AccountFrom(r.Context())
	id := r.PathValue("id")
	disabled := r.PostFormValue("disabled") == "true"
	if _, err := h.Identity.UpdateAccount(r.Context(), actor, id, identity.AccountUpdate{Disabled: &disabled}, web.ClientOf(r)); err != nil {
		return h.adminFormFailed(w, r, "status", nil, err)
	}
	if disabled {
		h.Cookies.SetFlash(w, "identity.admin.disabled")
	} else {
		h.Cookies.SetFlash(w, "identity.admin.enabled")
	}
	return redirect(w, r, "/admin/accounts/"+id)
}

// resetPassword sets a new password for an account.
func (h *Handlers) resetPassword(w http.ResponseWriter, r *http.Request) error {
	actor := web.AccountFrom(r.Context())
	id := r.PathValue("id")
	if err := h.Identity.ResetPassword(r.Context(), actor, id, r.PostFormValue("password"), web.ClientOf(r)); err != nil {
		return h.adminFormFailed(w, r, "password", nil, err)
	}
	h.Cookies.SetFlash(w, "identity.admin.password_reset")
	return redirect(w, r, "/admin/accounts/"+id)
}
