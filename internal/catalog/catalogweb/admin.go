package catalogweb

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// adminItemsData is the data of the administrators' item list.
type adminItemsData struct {
	Department string // the filter
	Items      []*catalog.Item
	Pager      web.Pager
	Depts      []*catalog.Department // to choose from; empty for department admins
	DeptNames  map[string]*catalog.Department
}

// adminItemsPage lists the items the actor may edit.
func (h *Handlers) adminItemsPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	actor := web.AccountFrom(ctx)
	d := &adminItemsData{Department: r.URL.Query().Get("department"), DeptNames: h.deptNames(ctx)}
	offset, limit := web.PageParams(r, pageSize)
	items, total, err := h.Catalog.EditableItems(ctx, actor, catalog.ItemFilter{Department: d.Department, Offset: offset, Limit: limit})
	if err != nil {
		return err
	}
	d.Items, d.Pager = items, web.NewPager(r, total, offset, limit)
	if actor.HasRole(identity.PlatformAdmin) {
		d.Depts, _ = h.Catalog.Departments(ctx)
	}
	return h.Renderer.Page(w, r, http.StatusOK, "catalog/admin_items", d)
}

// editRows are the blank rows the editor offers for new materials and
// form fields.
const editRows = 2

// adminItemData is the data of an item's edit page.
type adminItemData struct {
	Item       *catalog.Item // as stored, or as typed after a refused save
	Department *catalog.Department
	History    []*catalog.Change
	Err        error
	Sources    []catalog.MaterialSource
	Types      []catalog.FieldType
	Blank      int // blank rows for new materials and fields
}

// adminItemPage shows the edit form of an item and its history.
func (h *Handlers) adminItemPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	actor := web.AccountFrom(ctx)
	it, err := h.Catalog.Item(ctx, r.PathValue("code"))
	if err != nil {
		return err
	}
	if !catalog.CanEdit(actor, it) {
		return catalog.ErrNotAllowed
	}
	return h.renderEdit(w, r, http.StatusOK, it, nil)
}

// renderEdit draws the edit page of it with err shown.
func (h *Handlers) renderEdit(w http.ResponseWriter, r *http.Request, status int, it *catalog.Item, err error) error {
	ctx := r.Context()
	hist, herr := h.Catalog.History(ctx, web.AccountFrom(ctx), it.Code)
	if herr != nil {
		return herr
	}
	d := &adminItemData{Item: it, History: hist, Err: err, Sources: catalog.MaterialSources, Types: catalog.FieldTypes,
		Blank: editRows, Department: h.deptNames(ctx)[it.Department]}
	return h.Renderer.Page(w, r, status, "catalog/admin_item", d)
}

// saveItem applies the edit form; a refused edit shows the form again
// with what was typed and the problem.
func (h *Handlers) saveItem(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	actor := web.AccountFrom(ctx)
	code := r.PathValue("code")
	cur, err := h.Catalog.Item(ctx, code)
	if err != nil {
		return err
	}
	if !catalog.CanEdit(actor, cur) {
		return catalog.ErrNotAllowed
	}
	u, err := readEditForm(r)
	if err == nil {
		_, err = h.Catalog.UpdateItem(ctx, actor, code, u)
	}
	switch errs.KindOf(err) {
	case errs.Invalid:
		typed := cur.Clone()
		applyTyped(typed, r, u)
		return h.renderEdit(w, r, web.Status(err), typed, err)
	case errs.Conflict:
		// Someone saved in between: show their version, not ours, so
		// that nothing of theirs is overwritten unseen.
		if cur, err2 := h.Catalog.Item(ctx, code); err2 == nil {
			return h.renderEdit(w, r, web.Status(err), cur, err)
		}
		return err
	}
	if err != nil {
		return err
	}
	h.Cookies.SetFlash(w, "catalog.admin.saved")
	http.Redirect(w, r, "/admin/services/"+code, http.StatusSeeOther)
	return nil
}

// readEditForm reads the edit form into an update; numbers that are not
// numbers are refused with their field named.
func readEditForm(r *http.Request) (catalog.ItemUpdate, error) {
	if err := r.ParseForm(); err != nil {
		return catalog.ItemUpdate{}, errs.E(errs.Invalid, "form.parse", "表单无法读取", "the form cannot be read")
	}
	f := r.PostForm
	u := catalog.ItemUpdate{}
	name, desc := strings.TrimSpace(f.Get("name")), strings.TrimSpace(strings.ReplaceAll(f.Get("description"), "\r\n", "\n"))
	u.Name, u.Description = &name, &desc
	online, batch := f.Get("online_full_process") == "on", f.Get("no_meeting_batch1") == "on"
	u.OnlineFullProcess, u.NoMeetingBatch1 = &online, &batch
	kws := lines(f.Get("keywords"))
	u.Keywords = &kws
	var err error
	if u.Version, err = formInt(f.Get("version"), "version"); err != nil {
		return u, err
	}
	for _, p := range []struct {
		name string
		dst  **int
	}{{"max_trips", &u.MaxTrips}, {"legal_days", &u.LegalDays}, {"promised_days", &u.PromisedDays}} {
		n, err := formInt(f.Get(p.name), p.name)
		if err != nil {
			return u, err
		}
		*p.dst = &n
	}
	mats := readMaterials(r)
	u.Materials = &mats
	fields, err := readFormFields(r)
	if err != nil {
		return u, err
	}
	u.FormFields = &fields
	return u, nil
}

// formInt reads a whole number typed into field.
func formInt(s, field string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, errs.Field(field, "form.integer", "请填写整数", "enter a whole number")
	}
	return n, nil
}

// lines splits a text area into its non-blank trimmed lines.
func lines(s string) []string {
	out := []string{}
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// rowCount reads the number of rows a table of the form has, bounded.
func rowCount(r *http.Request, name string, limit int) int {
	n, err := strconv.Atoi(r.PostForm.Get(name))
	if err != nil || n < 0 {
		return 0
	}
	return min(n, limit)
}

// readMaterials reads the material rows; rows without a name are dropped.
func readMaterials(r *http.Request) []catalog.Material {
	out := []catalog.Material{}
	for i := range rowCount(r, "m_count", catalog.MaxMaterials+editRows) {
		p := "m" + strconv.Itoa(i) + "_"
		name := strings.TrimSpace(r.PostForm.Get(p + "name"))
		if name == "" {
			continue
		}
		out = append(out, catalog.Material{Name: name, Required: r.PostForm.Get(p+"required") == "on",
			Source: catalog.MaterialSource(r.PostForm.Get(p + "source"))})
	}
	return out
}

// readFormFields reads the form-field rows; rows without a name are
// dropped. Options are typed one per line as value|中文|English.
func readFormFields(r *http.Request) ([]catalog.FormField, error) {
	out := []catalog.FormField{}
	for i := range rowCount(r, "f_count", catalog.MaxFormFields+editRows) {
		p := "f" + strconv.Itoa(i) + "_"
		name := strings.TrimSpace(r.PostForm.Get(p + "name"))
		if name == "" {
			continue
		}
		ff := catalog.FormField{Name: name, LabelZH: strings.TrimSpace(r.PostForm.Get(p + "label_zh")),
			LabelEN: strings.TrimSpace(r.PostForm.Get(p + "label_en")), Type: catalog.FieldType(r.PostForm.Get(p + "type")),
			Required: r.PostForm.Get(p+"required") == "on"}
		if v := strings.TrimSpace(r.PostForm.Get(p + "max_length")); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return nil, errs.Field("form_fields["+strconv.Itoa(len(out))+"].max_length", "form.integer",
					"最大长度请填写整数", "the maximum length must be a whole number")
			}
			ff.MaxLength = n
		}
		for _, l := range lines(r.PostForm.Get(p + "options")) {
			parts := strings.SplitN(l, "|", 3)
			o := catalog.FieldOption{Value: strings.TrimSpace(parts[0]), LabelZH: strings.TrimSpace(parts[0])}
			if len(parts) > 1 {
				o.LabelZH = strings.TrimSpace(parts[1])
			}
			if len(parts) > 2 {
				o.LabelEN = strings.TrimSpace(parts[2])
			}
			ff.Options = append(ff.Options, o)
		}
		out = append(out, ff)
	}
	return out, nil
}

// applyTyped puts what was typed into it, so that a refused form shows it
// again; numbers that could not be read keep their stored values.
func applyTyped(it *catalog.Item, r *http.Request, u catalog.ItemUpdate) {
	f := r.PostForm
	it.Name, it.Description = strings.TrimSpace(f.Get("name")), strings.TrimSpace(f.Get("description"))
	it.OnlineFullProcess, it.NoMeetingBatch1 = f.Get("online_full_process") == "on", f.Get("no_meeting_batch1") == "on"
	it.Keywords = lines(f.Get("keywords"))
	it.Materials = readMaterials(r)
	if fields, err := readFormFields(r); err == nil {
		it.FormFields = fields
	}
	for _, p := range []struct {
		src *int
		dst *int
	}{{u.MaxTrips, &it.MaxTrips}, {u.LegalDays, &it.LegalDays}, {u.PromisedDays, &it.PromisedDays}} {
		if p.src != nil {
			*p.dst = *p.src
		}
	}
	if u.Version != 0 {
		it.Version = u.Version
	}
}
