package catalogweb

import (
	"net/http"
	"sort"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/catalog/catalogsearch"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// pageSize is the number of items on one page of a list.
const pageSize = 20

// suggestions is the number of items the search box suggests.
const suggestions = 8

// deptCount is a department with its number of items.
type deptCount struct {
	*catalog.Department
	Items int
}

// themeCount is a theme with its number of items.
type themeCount struct {
	*catalog.Theme
	Items int
}

// servicesData is the data of the catalogue page.
type servicesData struct {
	Query      string
	Results    *catalogsearch.Result // with ?q=
	Err        error                 // a refused query
	Department *catalog.Department   // with ?department=
	Items      []*catalog.Item
	Pager      web.Pager
	Depts      []deptCount
	Person     []themeCount // life-event themes
	Enterprise []themeCount // enterprise themes
	Shares     catalog.Shares
}

// servicesPage shows the catalogue: search results for ?q=, one
// department's items for ?department=, or the themes and departments.
func (h *Handlers) servicesPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	d := &servicesData{Query: strings.TrimSpace(q.Get("q"))}
	switch {
	case d.Query != "":
		res, err := h.Search.Search(ctx, d.Query, 50)
		if errs.KindOf(err) == errs.Invalid {
			d.Err = err
			return h.Renderer.Page(w, r, web.Status(err), "catalog/services", d)
		}
		if err != nil {
			return err
		}
		d.Results = res
	case q.Get("department") != "":
		dept, err := h.Catalog.Department(ctx, q.Get("department"))
		if err != nil {
			return err
		}
		offset, limit := web.PageParams(r, pageSize)
		items, total, err := h.Catalog.Items(ctx, catalog.ItemFilter{Department: dept.Code, Offset: offset, Limit: limit})
		if err != nil {
			return err
		}
		d.Department, d.Items, d.Pager = dept, items, web.NewPager(r, total, offset, limit)
	default:
		if err := h.overview(r, d); err != nil {
			return err
		}
	}
	return h.Renderer.Page(w, r, http.StatusOK, "catalog/services", d)
}

// overview fills the themes and departments with their item counts and
// the catalogue's shares.
func (h *Handlers) overview(r *http.Request, d *servicesData) error {
	ctx := r.Context()
	if h.Search.Stats().At.IsZero() {
		// No search yet built the index, whose counts the page shows.
		if err := h.Search.Refresh(ctx); err != nil {
			return err
		}
	}
	stats := h.Search.Stats()
	depts, err := h.Catalog.Departments(ctx)
	if err != nil {
		return err
	}
	for _, dept := range depts {
		if n := stats.ByDepartment[dept.Code]; n > 0 {
			d.Depts = append(d.Depts, deptCount{Department: dept, Items: n})
		}
	}
	// Departments with the most services first.
	sort.SliceStable(d.Depts, func(i, j int) bool { return d.Depts[i].Items > d.Depts[j].Items })
	themes, err := h.Catalog.Themes(ctx)
	if err != nil {
		return err
	}
	for _, t := range themes {
		tc := themeCount{Theme: t, Items: stats.ByTheme[t.Code]}
		if t.Audience == catalog.ApplicantEnterprise {
			d.Enterprise = append(d.Enterprise, tc)
		} else {
			d.Person = append(d.Person, tc)
		}
	}
	d.Shares, err = h.Catalog.Shares(ctx, "")
	return err
}

// suggest answers the search box's as-you-type requests with a short list
// of items (an htmx fragment); a blank or refused query gets an empty one.
func (h *Handlers) suggest(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	d := &servicesData{Query: q}
	if q != "" {
		res, err := h.Search.Search(r.Context(), q, suggestions)
		switch {
		case errs.KindOf(err) == errs.Invalid:
		case err != nil:
			return err
		default:
			d.Results = res
		}
	}
	return h.Renderer.Fragment(w, r, "catalog/services", "suggestions", d)
}

// itemData is the data of an item's page.
type itemData struct {
	Item       *catalog.Item
	Department *catalog.Department
	Themes     []*catalog.Theme
	CanEdit    bool
}

// itemPage shows an item: what it is, who may apply, materials and where
// they come from, fee, time limits, trips and whether it is fully online.
func (h *Handlers) itemPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	it, err := h.Catalog.Item(ctx, r.PathValue("code"))
	if err != nil {
		return err
	}
	d := &itemData{Item: it, CanEdit: catalog.CanEdit(web.AccountFrom(ctx), it)}
	d.Department = h.deptNames(ctx)[it.Department]
	themes := h.themeNames(ctx)
	for _, code := range it.Themes {
		if t := themes[code]; t != nil {
			d.Themes = append(d.Themes, t)
		}
	}
	return h.Renderer.Page(w, r, http.StatusOK, "catalog/item", d)
}

// themeData is the data of a theme's page.
type themeData struct {
	Theme *catalog.Theme
	Items []*catalog.Item
	Depts map[string]*catalog.Department
}

// themePage shows a theme and its items.
func (h *Handlers) themePage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	t, err := h.Catalog.Theme(ctx, r.PathValue("code"))
	if err != nil {
		return err
	}
	items, _, err := h.Catalog.Items(ctx, catalog.ItemFilter{Theme: t.Code})
	if err != nil {
		return err
	}
	return h.Renderer.Page(w, r, http.StatusOK, "catalog/theme", &themeData{Theme: t, Items: items, Depts: h.deptNames(ctx)})
}
