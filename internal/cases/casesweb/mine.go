package casesweb

import (
	"fmt"
	"html/template"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/files"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// pageSize is how many applications a list page shows.
const pageSize = 20

// mineData is the data of "my applications".
type mineData struct {
	Apps  []*cases.Application
	Pager web.Pager
}

// minePage lists the applications the account applied for or filed.
func (h *Handlers) minePage(w http.ResponseWriter, r *http.Request) error {
	offset, limit := web.PageParams(r, pageSize)
	list, total, err := h.Cases.MyApplications(r.Context(), web.AccountFrom(r.Context()), cases.Filter{Offset: offset, Limit: limit})
	if err != nil {
		return err
	}
	return h.Renderer.Page(w, r, http.StatusOK, "cases/mine", mineData{Apps: list, Pager: web.NewPager(r, total, offset, limit)})
}

// caseData is the data of an application's page, for the applicant and
// for the console.
type caseData struct {
	*cases.View
	DeptName   string
	HallNames  map[string]string
	Fields     []catalog.FormField // the item's form, for labels
	Colleagues []cases.Colleague
	Statuses   []cases.ShipmentStatus
	Err        error
	Form       string // the action form Err belongs to
	Panel      template.HTML
}

// caseData loads an application as the actor sees it.
func (h *Handlers) caseData(r *http.Request) (*caseData, error) {
	v, err := h.Cases.Application(r.Context(), web.AccountFrom(r.Context()), r.PathValue("serial"))
	if err != nil {
		return nil, err
	}
	d := &caseData{View: v, DeptName: h.deptName(r, v.App.Department), HallNames: h.hallNames(), Statuses: cases.ShipmentStatuses}
	if d.Panel, err = h.panel(r, v); err != nil {
		return nil, err
	}
	if it, err := h.Catalog.FindItem(r.Context(), v.App.ItemCode); err == nil {
		d.Fields = it.FormFields
	}
	return d, nil
}

// applicationPage shows an application with its timeline to the applicant.
func (h *Handlers) applicationPage(w http.ResponseWriter, r *http.Request) error {
	d, err := h.caseData(r)
	if err != nil {
		return err
	}
	return h.Renderer.Page(w, r, http.StatusOK, "cases/application", d)
}

// version reads the version field of an action form; 0 when absent.
func version(r *http.Request) int {
	n, _ := strconv.Atoi(r.PostFormValue("version"))
	return n
}

// withdraw withdraws an application at the applicant's request.
func (h *Handlers) withdraw(w http.ResponseWriter, r *http.Request) error {
	serial := r.PathValue("serial")
	_, err := h.Cases.Act(r.Context(), web.AccountFrom(r.Context()), serial,
		cases.ActionInput{Action: cases.ActWithdraw, Version: version(r), Reason: r.PostFormValue("reason")})
	if err != nil {
		if !shown(err) {
			return err
		}
		d, derr := h.caseData(r)
		if derr != nil {
			return derr
		}
		d.Err, d.Form = err, "withdraw"
		return h.Renderer.Page(w, r, web.Status(err), "cases/application", d)
	}
	h.Cookies.SetFlash(w, "cases.flash.withdrawn")
	return redirect(w, r, "/applications/"+serial)
}

// correctData is the data of the correction form.
type correctData struct {
	*caseData
	Item      *catalog.Item
	Materials []materialRow
	Values    map[string]string
	MaxUpload string
	Agent     bool
}

// correctPage shows the form for answering a return for correction.
func (h *Handlers) correctPage(w http.ResponseWriter, r *http.Request) error {
	d, err := h.correctData(r, nil)
	if err != nil {
		return err
	}
	return h.Renderer.Page(w, r, http.StatusOK, "cases/correct", d)
}

func (h *Handlers) correctData(r *http.Request, values map[string]string) (*correctData, error) {
	cd, err := h.caseData(r)
	if err != nil {
		return nil, err
	}
	if !hasAction(cd.Allowed, cases.ActResubmit) {
		return nil, errs.E(errs.Conflict, "case.no_correction", "此办件当前不需要补正", "this application is not waiting for a correction")
	}
	it, err := h.Catalog.FindItem(r.Context(), cd.App.ItemCode)
	if err != nil {
		return nil, err
	}
	d := &correctData{caseData: cd, Item: it, Values: values, MaxUpload: files.HumanSize(h.Cases.MaxUploadBytes()),
		Agent: cd.App.Representation == cases.ThroughAgent}
	for i, m := range it.Materials {
		d.Materials = append(d.Materials, materialRow{Index: i, Field: cases.MaterialField(i), Material: m})
	}
	if d.Values == nil {
		d.Values = map[string]string{}
		for k, v := range cd.App.Form {
			d.Values[formPrefix+k] = v
		}
	}
	return d, nil
}

// correct resubmits an application with the corrections.
func (h *Handlers) correct(w http.ResponseWriter, r *http.Request) error {
	actor := web.AccountFrom(r.Context())
	cd, err := h.correctData(r, nil)
	if err != nil {
		return err
	}
	fail := func(err error) error {
		if !shown(err) {
			return err
		}
		d, derr := h.correctData(r, typedValues(r))
		if derr != nil {
			return derr
		}
		d.Err = err
		return h.Renderer.Page(w, r, web.Status(err), "cases/correct", d)
	}
	if err := h.parseMultipart(w, r, len(cd.Item.Materials)+1); err != nil {
		return fail(err)
	}
	defer r.MultipartForm.RemoveAll()
	mats, open, err := uploads(r, cd.Item)
	defer closeAll(open)
	if err != nil {
		return fail(errUpload(err, h.Cases.MaxUploadBytes()))
	}
	serial := cd.App.Serial
	if _, err := h.Submitter.Resubmit(r.Context(), actor, serial, cases.Amendment{Form: formValues(r), Materials: mats, Version: version(r)}); err != nil {
		return fail(err)
	}
	h.Cookies.SetFlash(w, "cases.flash.resubmitted")
	return redirect(w, r, "/applications/"+serial)
}

// download sends an uploaded material to the applicant, the agent or a
// caseworker of the handling department.
func (h *Handlers) download(w http.ResponseWriter, r *http.Request) error {
	i, err := strconv.Atoi(r.PathValue("index"))
	if err != nil {
		return errs.E(errs.NotFound, "case.material_not_found", "材料不存在", "no such material")
	}
	rc, a, err := h.Cases.OpenMaterial(r.Context(), web.AccountFrom(r.Context()), r.PathValue("serial"), i)
	if err != nil {
		return err
	}
	defer rc.Close()
	name := a.FileName
	if name == "" {
		name = a.Material + files.Extension(a.ContentType)
	}
	hd := w.Header()
	hd.Set("Content-Type", a.ContentType)
	hd.Set("Content-Length", strconv.FormatInt(a.Size, 10))
	hd.Set("Content-Disposition", disposition(r, name))
	hd.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, rc); err != nil {
		h.Log.DebugContext(r.Context(), "send material", "err", err)
	}
	return nil
}

// disposition is the Content-Disposition of a download: shown inline with
// ?inline=1 (PDFs and images display in the browser), else saved; the
// name in UTF-8 per RFC 6266, with an ASCII fallback.
func disposition(r *http.Request, name string) string {
	kind := "attachment"
	if r.URL.Query().Get("inline") == "1" {
		kind = "inline"
	}
	ascii := strings.Map(func(c rune) rune {
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return '_'
		}
		return c
	}, name)
	return fmt.Sprintf("%s; %s; filename*=UTF-8''%s", kind,
		strings.TrimPrefix(mime.FormatMediaType("x", map[string]string{"filename": ascii}), "x; "), url.PathEscape(name))
}
