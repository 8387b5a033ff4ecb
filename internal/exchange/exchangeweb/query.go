package exchangeweb

import (
	"net/http"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/exchange"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// queryForm is the registry query form as typed.
type queryForm struct {
	Subject   string
	Key       string
	PolicyID  string
	Reference string
}

// queryData is the data of the caseworkers' registry query page.
type queryData struct {
	Datasets []*exchange.Dataset
	Dataset  *exchange.Dataset
	Policies []*exchange.Policy // the viewer's department's policies on Dataset in force
	Form     queryForm
	Result   *exchange.Result
	Err      error
}

// queryData prepares the query page for a dataset: the department's
// policies in force on it are the purposes to choose from.
func (h *Handlers) queryData(r *http.Request, dataset string) (*queryData, exchange.Actor, error) {
	actor, err := exchange.StaffActor(web.AccountFrom(r.Context()))
	if err != nil {
		return nil, actor, err
	}
	d := &queryData{Datasets: h.Service.Datasets()}
	if d.Dataset, err = h.Service.Dataset(dataset); err != nil {
		d.Dataset = d.Datasets[0]
	}
	ps, err := h.Service.DepartmentPolicies(r.Context(), actor.Department)
	if err != nil {
		return nil, actor, err
	}
	for _, p := range ps {
		if p.Dataset == d.Dataset.Name {
			d.Policies = append(d.Policies, p)
		}
	}
	return d, actor, nil
}

// queryPage shows the registry query form.
func (h *Handlers) queryPage(w http.ResponseWriter, r *http.Request) error {
	d, _, err := h.queryData(r, r.URL.Query().Get("dataset"))
	if err != nil {
		return err
	}
	if len(d.Policies) > 0 {
		d.Form.PolicyID = d.Policies[0].ID
	}
	return h.Renderer.Page(w, r, http.StatusOK, module+"/query", d)
}

var errChoosePurpose = errs.Field("policy", "exchange.query_policy",
	"请选择本部门在该数据集上有效的授权用途", "Choose a purpose your department is allowed on this dataset.")

// query reads a registry as the signed-in member of staff, with the
// purpose and legal basis of the chosen policy, and shows the result. The
// read is logged like every other; the subject is sent in the body, never
// in the address.
func (h *Handlers) query(w http.ResponseWriter, r *http.Request) error {
	d, actor, err := h.queryData(r, r.PostFormValue("dataset"))
	if err != nil {
		return err
	}
	d.Form = queryForm{Subject: strings.TrimSpace(r.PostFormValue("subject")), Key: strings.TrimSpace(r.PostFormValue("key")),
		PolicyID: r.PostFormValue("policy"), Reference: r.PostFormValue("reference")}
	var policy *exchange.Policy
	for _, p := range d.Policies {
		if p.ID == d.Form.PolicyID {
			policy = p
		}
	}
	if policy == nil {
		err = errChoosePurpose
	} else {
		d.Result, err = h.Service.Read(r.Context(), exchange.Request{Actor: actor, Dataset: d.Dataset.Name,
			Subject: d.Form.Subject, Key: d.Form.Key, Purpose: policy.Purpose, LegalBasis: policy.LegalBasis,
			Reference: d.Form.Reference})
	}
	status := http.StatusOK
	if err != nil {
		if !shown(err) {
			return err
		}
		d.Err, status = err, formStatus(err)
	}
	return h.Renderer.Page(w, r, status, module+"/query", d)
}
