package casesweb

import (
	"errors"
	"html/template"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/files"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// materialRow is one material on a form page.
type materialRow struct {
	Index    int
	Field    string // the file input's name
	Material catalog.Material
}

// applyData is the data of the application form.
type applyData struct {
	Item         *catalog.Item
	DeptName     string
	Materials    []materialRow
	Values       map[string]string // typed values, by input name
	Err          error
	Staff        bool // a window clerk, who enters the visitor
	Person       bool // may apply as an agent
	Agent        bool // the agent section is open
	Eligible     bool // the account's kind may apply for the item
	Physical     bool // the result is on paper: choose pick-up or post
	Halls        []cases.Hall
	MaxUpload    string
	MandateField string
}

// applyPage shows the application form of an item.
func (h *Handlers) applyPage(w http.ResponseWriter, r *http.Request) error {
	d, err := h.applyData(r, nil)
	if err != nil {
		return err
	}
	return h.Renderer.Page(w, r, http.StatusOK, "cases/apply", d)
}

// applyData builds the form's data; values are what was typed, nil for a
// blank form (pre-filled from the account).
func (h *Handlers) applyData(r *http.Request, values map[string]string) (*applyData, error) {
	actor := web.AccountFrom(r.Context())
	it, err := h.Catalog.FindItem(r.Context(), r.PathValue("code"))
	if err != nil {
		return nil, err
	}
	d := &applyData{Item: it, DeptName: h.deptName(r, it.Department), Values: values,
		Staff: actor.IsStaff(), Person: actor.Kind == identity.Person, Physical: h.Cases.HasPhysicalResult(it),
		Halls: h.Cases.Halls(), MaxUpload: files.HumanSize(h.Cases.MaxUploadBytes()), MandateField: cases.MandateField}
	for i, m := range it.Materials {
		d.Materials = append(d.Materials, materialRow{Index: i, Field: cases.MaterialField(i), Material: m})
	}
	switch actor.Kind {
	case identity.Person:
		d.Eligible = it.ForApplicant(catalog.ApplicantPerson)
	case identity.Enterprise:
		d.Eligible = it.ForApplicant(catalog.ApplicantEnterprise)
	default:
		d.Eligible = cases.IsCaseworker(actor)
	}
	if d.Values == nil {
		d.Values = prefill(it, actor)
	}
	d.Agent = d.Values["principal_name"] != "" || d.Values["principal_number"] != ""
	return d, nil
}

// prefill returns the form values the account already tells.
func prefill(it *catalog.Item, a *identity.Account) map[string]string {
	v := map[string]string{"delivery_method": string(cases.Pickup)}
	if a.IsStaff() {
		return v
	}
	for _, f := range it.FormFields {
		key := formPrefix + f.Name
		switch {
		case f.Type == catalog.FieldIDNumber && a.Kind == identity.Person:
			v[key] = a.IDNumber
		case f.Type == catalog.FieldPhone && f.Name == "phone": // not a third party's phone (an employer's contact)
			v[key] = a.Phone
		case f.Name == "uscc" && a.Kind == identity.Enterprise:
			v[key] = a.USCC
		case f.Name == "org_name" && a.Kind == identity.Enterprise, f.Name == "applicant_name" && a.Kind == identity.Person:
			v[key] = a.DisplayName
		case f.Name == "applicant_kind":
			v[key] = string(a.Kind)
		}
	}
	v["recipient"], v["delivery_phone"] = a.DisplayName, a.Phone
	return v
}

// errUpload is the error for a request whose files exceed the total limit
// or cannot be read.
func errUpload(err error, limit int64) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &errs.Error{Kind: errs.Invalid, Code: "upload.total", Err: err,
			Msg:   "上传的文件总大小超过上限（每个文件不超过 " + files.HumanSize(limit) + "）",
			MsgEN: "the uploaded files are too large in all (each file may have at most " + files.HumanSize(limit) + ")"}
	}
	return &errs.Error{Kind: errs.Invalid, Code: "upload.form", Err: err,
		Msg: "无法读取提交的表单，请重新选择文件后提交", MsgEN: "the form could not be read; choose the files again and submit"}
}

// parseMultipart reads a form with up to files file inputs, each at most
// the upload limit.
func (h *Handlers) parseMultipart(w http.ResponseWriter, r *http.Request, nfiles int) error {
	limit := h.Cases.MaxUploadBytes()
	r.Body = http.MaxBytesReader(w, r.Body, limit*int64(nfiles+1)+1<<20)
	if err := r.ParseMultipartForm(4 << 20); err != nil {
		return errUpload(err, limit)
	}
	return nil
}

// typedValues returns the text inputs of a posted form, for showing the
// form again.
func typedValues(r *http.Request) map[string]string {
	out := map[string]string{}
	for k, v := range r.PostForm {
		if k != "_csrf" && len(v) > 0 {
			out[k] = v[0]
		}
	}
	return out
}

// formValues returns the item's form fields from a posted form, nil when
// it has none (a correction then keeps the form as it was).
func formValues(r *http.Request) map[string]string {
	var out map[string]string
	for k, v := range r.PostForm {
		if name, ok := strings.CutPrefix(k, formPrefix); ok && len(v) > 0 {
			if out == nil {
				out = map[string]string{}
			}
			out[name] = v[0]
		}
	}
	return out
}

// uploads returns the files chosen for the item's materials (and the
// mandate), opened; the caller closes them.
func uploads(r *http.Request, it *catalog.Item) ([]cases.MaterialInput, []multipart.File, error) {
	var out []cases.MaterialInput
	var open []multipart.File
	add := func(field, material string) error {
		if r.MultipartForm == nil || len(r.MultipartForm.File[field]) == 0 {
			return nil
		}
		fh := r.MultipartForm.File[field][0]
		if fh.Filename == "" && fh.Size == 0 {
			return nil // no file chosen
		}
		f, err := fh.Open()
		if err != nil {
			return err
		}
		open = append(open, f)
		out = append(out, cases.MaterialInput{Material: material, FileName: fh.Filename, Content: f, Size: max(fh.Size, 1)})
		return nil
	}
	for i, m := range it.Materials {
		if m.Source != catalog.SourceExchange {
			if err := add(cases.MaterialField(i), m.Name); err != nil {
				return nil, open, err
			}
		}
	}
	if err := add(cases.MandateField, cases.MandateMaterial); err != nil {
		return nil, open, err
	}
	return out, open, nil
}

func closeAll(list []multipart.File) {
	for _, f := range list {
		f.Close()
	}
}

// submission builds the submission of a posted application form.
func submission(r *http.Request, it *catalog.Item, actor *identity.Account, mats []cases.MaterialInput) cases.Submission {
	v := r.PostFormValue
	sub := cases.Submission{ItemCode: it.Code, Form: formValues(r), Materials: mats,
		Delivery: cases.Delivery{Method: cases.DeliveryMethod(v("delivery_method")), Hall: v("hall"),
			Recipient: v("recipient"), Phone: v("delivery_phone"), Address: v("address"), Postcode: v("postcode")}}
	name, number := strings.TrimSpace(v("principal_name")), strings.TrimSpace(v("principal_number"))
	switch {
	case actor.IsStaff():
		sub.Principal = &cases.Party{Kind: catalog.ApplicantKind(v("principal_kind")), Name: name, Number: number}
		if name == "" && number == "" {
			sub.Principal = nil
		}
	case actor.Kind == identity.Person && (name != "" || number != ""):
		sub.Principal = &cases.Party{Kind: catalog.ApplicantPerson, Name: name, Number: number}
	}
	return sub
}

// apply submits the application form.
func (h *Handlers) apply(w http.ResponseWriter, r *http.Request) error {
	actor := web.AccountFrom(r.Context())
	it, err := h.Catalog.FindItem(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	if err := h.parseMultipart(w, r, len(it.Materials)+1); err != nil {
		return h.applyFailed(w, r, err)
	}
	defer r.MultipartForm.RemoveAll()
	mats, open, err := uploads(r, it)
	defer closeAll(open)
	if err != nil {
		return h.applyFailed(w, r, errUpload(err, h.Cases.MaxUploadBytes()))
	}
	app, err := h.Submitter.Submit(r.Context(), actor, submission(r, it, actor, mats))
	if err != nil {
		return h.applyFailed(w, r, err)
	}
	return redirect(w, r, "/applications/"+app.Serial+"/receipt")
}

// applyFailed shows the form again with what was typed and the error.
func (h *Handlers) applyFailed(w http.ResponseWriter, r *http.Request, err error) error {
	if !shown(err) {
		return err
	}
	d, derr := h.applyData(r, typedValues(r))
	if derr != nil {
		return derr
	}
	d.Err = err
	return h.Renderer.Page(w, r, web.Status(err), "cases/apply", d)
}

// receiptData is the data of the submission receipt.
type receiptData struct {
	App      *cases.Application
	DeptName string
	Hall     string
	Panel    template.HTML
}

// receiptPage shows the serial number of a submitted application.
func (h *Handlers) receiptPage(w http.ResponseWriter, r *http.Request) error {
	v, err := h.Cases.Application(r.Context(), web.AccountFrom(r.Context()), r.PathValue("serial"))
	if err != nil {
		return err
	}
	d := receiptData{App: v.App, DeptName: h.deptName(r, v.App.Department), Hall: h.hallNames()[v.App.Delivery.Hall]}
	if d.Panel, err = h.panel(r, v); err != nil {
		return err
	}
	return h.Renderer.Page(w, r, http.StatusOK, "cases/receipt", d)
}
