package exchangeweb

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/exchange"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// datasetRow is a dataset in the overview of the policies page.
type datasetRow struct {
	*exchange.Dataset
	Records   int
	OwnerName string
	Manage    bool // the viewer may manage its policies
}

// policiesFilter is the filter form of the policies page.
type policiesFilter struct {
	Department, Dataset string
	Revoked             bool
}

// policiesData is the data of the policies page.
type policiesData struct {
	Datasets  []datasetRow
	Policies  []*exchange.Policy
	Filter    policiesFilter
	Depts     map[string]string // code → name
	Manage    map[string]bool   // dataset → the viewer may manage its policies
	CanCreate bool
}

// manages reports whether a may manage the policies of d (for display;
// the service decides).
func manages(a *identity.Account, d *exchange.Dataset) bool {
	return a.IsStaff() && (a.HasRole(identity.PlatformAdmin) || a.HasRole(identity.DeptAdmin) && a.Department == d.Owner)
}

// departments returns the departments and their names by code; none
// without a Departments dependency.
func (h *Handlers) departments(ctx context.Context) ([]*catalog.Department, map[string]string, error) {
	names := map[string]string{}
	if h.Departments == nil {
		return nil, names, nil
	}
	list, err := h.Departments.Departments(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, d := range list {
		names[d.Code] = d.Name
	}
	return list, names, nil
}

// policiesPage lists the policies the viewer may see, with the datasets.
func (h *Handlers) policiesPage(w http.ResponseWriter, r *http.Request) error {
	a := web.AccountFrom(r.Context())
	q := r.URL.Query()
	d := &policiesData{Filter: policiesFilter{Department: strings.ToUpper(strings.TrimSpace(q.Get("department"))),
		Dataset: q.Get("dataset"), Revoked: q.Get("revoked") == "1"}, Manage: map[string]bool{}}
	var err error
	d.Policies, err = h.Service.Policies(r.Context(), a, exchange.PolicyFilter{Department: d.Filter.Department,
		Dataset: d.Filter.Dataset, Revoked: d.Filter.Revoked})
	if err != nil {
		return err
	}
	if _, d.Depts, err = h.departments(r.Context()); err != nil {
		return err
	}
	counts, err := h.Service.CountRecords(r.Context())
	if err != nil {
		return err
	}
	for _, ds := range h.Service.Datasets() {
		m := manages(a, ds)
		d.Manage[ds.Name], d.CanCreate = m, d.CanCreate || m
		d.Datasets = append(d.Datasets, datasetRow{Dataset: ds, Records: counts[ds.Name], OwnerName: d.Depts[ds.Owner], Manage: m})
	}
	return h.Renderer.Page(w, r, http.StatusOK, module+"/policies", d)
}

// policyFormData is the data of the policy form, new or existing.
type policyFormData struct {
	Policy   *exchange.Policy // nil for a new one
	Dataset  *exchange.Dataset
	Datasets []*exchange.Dataset // those the viewer may create policies on
	Depts    []*catalog.Department
	Form     policyForm
	Manage   bool
	Err      error
}

// policyForm is the policy form as typed.
type policyForm struct {
	Department string
	Fields     []string
	Purpose    string
	LegalBasis string
	ValidFrom  string // YYYY-MM-DD
	ValidUntil string // the last day, YYYY-MM-DD; empty for no end
	Version    int
}

// readPolicyForm reads the posted policy form.
func readPolicyForm(r *http.Request, dataset string) (policyForm, exchange.PolicyInput, error) {
	f := policyForm{Department: r.PostFormValue("department"), Fields: r.PostForm["fields"],
		Purpose: r.PostFormValue("purpose"), LegalBasis: r.PostFormValue("legal_basis"),
		ValidFrom: r.PostFormValue("valid_from"), ValidUntil: r.PostFormValue("valid_until")}
	f.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	in := exchange.PolicyInput{Department: f.Department, Dataset: dataset, Fields: f.Fields, Purpose: f.Purpose, LegalBasis: f.LegalBasis}
	var err error
	if in.ValidFrom, err = parseDay("valid_from", f.ValidFrom); err != nil {
		return f, in, err
	}
	if in.ValidUntil, err = parseDay("valid_until", f.ValidUntil); err != nil {
		return f, in, err
	}
	if !in.ValidUntil.IsZero() {
		in.ValidUntil = in.ValidUntil.AddDate(0, 0, 1) // the form's date is the last day
	}
	return f, in, nil
}

// formOf returns the form showing p.
func formOf(p *exchange.Policy) policyForm {
	f := policyForm{Department: p.Department, Fields: p.Fields, Purpose: p.Purpose, LegalBasis: p.LegalBasis,
		ValidFrom: p.ValidFrom.In(cst).Format(time.DateOnly), Version: p.Version}
	if !p.ValidUntil.IsZero() {
		f.ValidUntil = p.LastDay().In(cst).Format(time.DateOnly)
	}
	return f
}

var errCannotManage = errs.E(errs.Forbidden, "exchange.manage_none",
	"您不能管理任何数据集的共享授权", "You may not manage the policies of any dataset.")

// newPolicyData prepares the new-policy form for ?dataset= (the first
// dataset the viewer manages by default).
func (h *Handlers) newPolicyData(r *http.Request, dataset string) (*policyFormData, error) {
	a := web.AccountFrom(r.Context())
	d := &policyFormData{Manage: true}
	for _, ds := range h.Service.Datasets() {
		if manages(a, ds) {
			d.Datasets = append(d.Datasets, ds)
			if ds.Name == dataset || d.Dataset == nil {
				d.Dataset = ds
			}
		}
	}
	if d.Dataset == nil {
		return nil, errCannotManage
	}
	var err error
	if d.Depts, _, err = h.departments(r.Context()); err != nil {
		return nil, err
	}
	return d, nil
}

// newPolicyPage shows the form for a new policy.
func (h *Handlers) newPolicyPage(w http.ResponseWriter, r *http.Request) error {
	d, err := h.newPolicyData(r, r.URL.Query().Get("dataset"))
	if err != nil {
		return err
	}
	d.Form = policyForm{Fields: d.Dataset.FieldNames(), ValidFrom: h.Service.Now().In(cst).Format(time.DateOnly)}
	return h.Renderer.Page(w, r, http.StatusOK, module+"/policy", d)
}

// createPolicy creates a policy from the form, or shows the form again
// with the error.
func (h *Handlers) createPolicy(w http.ResponseWriter, r *http.Request) error {
	dataset := r.PostFormValue("dataset")
	d, err := h.newPolicyData(r, dataset)
	if err != nil {
		return err
	}
	var in exchange.PolicyInput
	d.Form, in, err = readPolicyForm(r, dataset)
	var p *exchange.Policy
	if err == nil {
		p, err = h.Service.CreatePolicy(r.Context(), web.AccountFrom(r.Context()), in)
	}
	if err != nil {
		if !shown(err) || errs.Is(err, errs.Forbidden) {
			return err
		}
		d.Err = err
		return h.Renderer.Page(w, r, formStatus(err), module+"/policy", d)
	}
	h.Cookies.SetFlash(w, "exchange.flash.created")
	http.Redirect(w, r, "/exchange/policies/"+p.ID, http.StatusSeeOther)
	return nil
}

// policyData loads the policy of the request's path for its page.
func (h *Handlers) policyData(r *http.Request) (*policyFormData, error) {
	a := web.AccountFrom(r.Context())
	p, err := h.Service.Policy(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	ds, err := h.Service.Dataset(p.Dataset)
	if err != nil {
		return nil, err
	}
	d := &policyFormData{Policy: p, Dataset: ds, Form: formOf(p), Manage: manages(a, ds) && !p.Revoked()}
	if d.Depts, _, err = h.departments(r.Context()); err != nil {
		return nil, err
	}
	return d, nil
}

// policyPage shows a policy, as a form for those who may change it.
func (h *Handlers) policyPage(w http.ResponseWriter, r *http.Request) error {
	d, err := h.policyData(r)
	if err != nil {
		return err
	}
	return h.Renderer.Page(w, r, http.StatusOK, module+"/policy", d)
}

// updatePolicy saves the policy form.
func (h *Handlers) updatePolicy(w http.ResponseWriter, r *http.Request) error {
	d, err := h.policyData(r)
	if err != nil {
		return err
	}
	var in exchange.PolicyInput
	d.Form, in, err = readPolicyForm(r, d.Dataset.Name)
	if err == nil {
		_, err = h.Service.UpdatePolicy(r.Context(), web.AccountFrom(r.Context()), d.Policy.ID, d.Form.Version, in)
	}
	if err != nil {
		if !shown(err) {
			return err
		}
		d.Err = err
		return h.Renderer.Page(w, r, formStatus(err), module+"/policy", d)
	}
	h.Cookies.SetFlash(w, "exchange.flash.saved")
	http.Redirect(w, r, "/exchange/policies/"+d.Policy.ID, http.StatusSeeOther)
	return nil
}

// revokePolicy revokes a policy from now on.
func (h *Handlers) revokePolicy(w http.ResponseWriter, r *http.Request) error {
	p, err := h.Service.RevokePolicy(r.Context(), web.AccountFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	h.Cookies.SetFlash(w, "exchange.flash.revoked")
	http.Redirect(w, r, "/exchange/policies/"+p.ID, http.StatusSeeOther)
	return nil
}
