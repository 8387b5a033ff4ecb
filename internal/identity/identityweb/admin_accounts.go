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

// pageSize is the number of rows on one page of an admin list.
const pageSize = 20

// accountFilter is the filter form of the accounts list.
type accountFilter struct {
	Kind, Department, Role, Query string
}

// accountsData is the data of the accounts list.
type accountsData struct {
	Filter    accountFilter
	Accounts  []*identity.Account
	Pager     web.Pager
	Depts     []*catalog.Department
	DeptNames map[string]string
	Kinds     []identity.Kind
	Roles     []identity.Role
	DeptAdmin bool // the actor administers one department only
	Now       time.Time
}

// accountsPage lists the accounts the actor may administer.
func (h *Handlers) accountsPage(w http.ResponseWriter, r *http.Request) error {
	actor := web.AccountFrom(r.Context())
	q := r.URL.Query()
	d := &accountsData{
		Filter: accountFilter{Kind: q.Get("kind"), Department: q.Get("department"), Role: q.Get("role"),
			Query: strings.TrimSpace(q.Get("q"))},
		Kinds: kindOptions, Roles: identity.Roles,
		DeptAdmin: !actor.HasRole(identity.PlatformAdmin), Now: h.Now(),
	}
	offset, limit := web.PageParams(r, pageSize)
	list, total, err := h.Identity.Accounts(r.Context(), actor, identity.AccountFilter{
		Kind: identity.Kind(d.Filter.Kind), Department: d.Filter.Department, Role: identity.Role(d.Filter.Role),
		Query: d.Filter.Query, Offset: offset, Limit: limit,
	})
	if err != nil {
		return err
	}
	d.Accounts, d.Pager = list, web.NewPager(r, total, offset, limit)
	d.Depts, d.DeptNames = h.deptList(r.Context())
	return h.Renderer.Page(w, r, http.StatusOK, "identity/admin_accounts", d)
}

// newAccountForm holds what was typed into the new-account form (never the
// password).
type newAccountForm struct {
	DisplayName, Username, IDNumber, USCC, Phone, Email, Department string
	Roles                                                           []identity.Role
}

// newAccountData is the data of the new-account page.
type newAccountData struct {
	Kind      identity.Kind
	Form      newAccountForm
	Kinds     []identity.Kind
	Depts     []*catalog.Department
	Roles     []identity.Role
	DeptAdmin bool
	Err       error
}

// newAccountPage shows the form for a new account of the kind in ?kind=.
func (h *Handlers) newAccountPage(w http.ResponseWriter, r *http.Request) error {
	d := h.newAccountData(r, identity.Kind(r.URL.Query().Get("kind")))
	return h.Renderer.Page(w, r, http.StatusOK, "identity/admin_account_new", d)
}

func (h *Handlers) newAccountData(r *http.Request, kind identity.Kind) *newAccountData {
	actor := web.AccountFrom(r.Context())
	d := &newAccountData{Kind: kind, Kinds: kindOptions, Roles: identity.Roles}
	if !actor.HasRole(identity.PlatformAdmin) {
		// Department admins create staff of their department without the
		// platform admin role (the service enforces it; the form follows).
		d.DeptAdmin, d.Kinds, d.Form.Department = true, []identity.Kind{identity.Staff}, actor.Department
		d.Roles = slices.DeleteFunc(slices.Clone(identity.Roles), func(r identity.Role) bool { return r == identity.PlatformAdmin })
	}
	if !slices.Contains(d.Kinds, d.Kind) {
		d.Kind = d.Kinds[len(d.Kinds)-1]
	}
	d.Depts, _ = h.deptList(r.Context())
	return d
}

// createAccount creates the account described by the form.
func (h *Handlers) createAccount(w http.ResponseWriter, r *http.Request) error {
	actor := web.AccountFrom(r.Context())
	d := h.newAccountData(r, identity.Kind(r.PostFormValue("kind")))
	f := &d.Form
	f.DisplayName, f.Phone, f.Email = r.PostFormValue("display_name"), r.PostFormValue("phone"), r.PostFormValue("email")
	n := identity.NewAccount{Kind: d.Kind, DisplayName: f.DisplayName, Phone: f.Phone, Email: f.Email,
		Password: r.PostFormValue("password"), Lang: "zh"}
	switch d.Kind {
	case identity.Person:
		f.IDNumber = r.PostFormValue("id_number")
		n.IDNumber, n.IDVerified = f.IDNumber, r.PostFormValue("id_verified") == "on"
	case identity.Enterprise:
		f.USCC = r.PostFormValue("uscc")
		n.USCC = f.USCC
	case identity.Staff:
		f.Username, f.Roles = r.PostFormValue("username"), formRoles(r)
		if !d.DeptAdmin {
			f.Department = r.PostFormValue("department")
		}
		n.Username, n.Department, n.Roles = f.Username, f.Department, f.Roles
	}
	a, err := h.Identity.CreateAccount(r.Context(), actor, n, web.ClientOf(r))
	if err != nil {
		if errs.KindOf(err) == errs.Internal {
			return err
		}
		d.Err = err
		return h.Renderer.Page(w, r, formStatus(err), "identity/admin_account_new", d)
	}
	h.Cookies.SetFlash(w, "identity.admin.created")
	return redirect(w, r, "/admin/accounts/"+a.ID)
}

// formRoles returns the roles ticked in a form.
func formRoles(r *http.Request) []identity.Role {
	_ = r.ParseForm()
	roles := []identity.Role{}
	for _, v := range r.PostForm["roles"] {
		roles = append(roles, identity.Role(v))
	}
	return roles
}
