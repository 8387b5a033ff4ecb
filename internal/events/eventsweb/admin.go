package eventsweb

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/events"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// categoriesData is the category administration page.
type categoriesData struct {
	Categories  events.Categories
	Tops        []named
	Layers      []named
	Departments []named
	Err         error
	ErrCode     string // the category whose form failed
	Form        events.Category
}

func (h *Handlers) categoriesPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderCategories(w, r, http.StatusOK, "", events.Category{}, nil)
}

func (h *Handlers) renderCategories(w http.ResponseWriter, r *http.Request, status int, code string, form events.Category, ferr error) error {
	a, err := actor(r)
	if err != nil {
		return err
	}
	if !a.IsAdmin() {
		return web.ErrNoPermission
	}
	n, err := h.names(r.Context(), langOf(r), true)
	if err != nil {
		return err
	}
	d := categoriesData{Categories: n.cats, Err: ferr, ErrCode: code, Form: form}
	for _, c := range n.cats {
		if c.Parent == "" {
			d.Tops = append(d.Tops, named{c.Code, n.category(c.Code)})
		}
	}
	for _, l := range n.ix.Layers() {
		d.Layers = append(d.Layers, named{l.Code, n.layer(l.Code)})
	}
	for code, name := range n.depts {
		d.Departments = append(d.Departments, named{code, name})
	}
	slices.SortFunc(d.Departments, func(x, y named) int { return strings.Compare(x.Code, y.Code) })
	return h.Renderer.Page(w, r, status, module+"/categories", d)
}

// saveCategory saves one of the page's forms (version 0: a new category).
func (h *Handlers) saveCategory(w http.ResponseWriter, r *http.Request) error {
	a, err := actor(r)
	if err != nil {
		return err
	}
	atoi := func(k string) int { n, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue(k))); return n }
	c := events.Category{Code: r.PostFormValue("code"), Name: r.PostFormValue("name"), NameEN: r.PostFormValue("name_en"),
		Parent: r.PostFormValue("parent"), Department: r.PostFormValue("department"), Layer: r.PostFormValue("layer"),
		SLAHours: atoi("sla_hours"), Position: atoi("position"), Disabled: r.PostFormValue("disabled") != "", Version: atoi("version")}
	if _, err := h.Service.SaveCategory(r.Context(), a, c); err != nil {
		if e := errs.As(err); e != nil && (e.Kind == errs.Invalid || e.Kind == errs.Conflict) {
			return h.renderCategories(w, r, web.Status(err), c.Code, c, err)
		}
		return err
	}
	h.Cookies.SetFlash(w, "events.cat.saved")
	http.Redirect(w, r, "/events/categories#cat-"+c.Code, http.StatusSeeOther)
	return nil
}
