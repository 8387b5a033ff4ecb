package insightsweb

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/insights"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// limitParam reads ?limit=, def when absent; anything but a whole number
// from 1 to max is an error on the field "limit".
func limitParam(r *http.Request, def, max int) (int, error) {
	v := strings.TrimSpace(r.URL.Query().Get("limit"))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		return 0, errs.Field("limit", "insights.limit",
			fmt.Sprintf("limit 应为 1 到 %d 之间的整数", max), fmt.Sprintf("limit must be a whole number from 1 to %d", max))
	}
	return n, nil
}

// popularData is the data of the popular services page.
type popularData struct {
	Ranking    *insights.Ranking
	Department string
	Depts      []*catalog.Department
	Names      map[string]string // department short names by code
	Err        error             // a refused department
}

// popularPage shows the most applied-for services of the last 30 days,
// overall or of ?department=; htmx requests get the list alone.
func (h *Handlers) popularPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	dept := strings.TrimSpace(r.URL.Query().Get("department"))
	limit, err := limitParam(r, 20, insights.MaxPopular)
	if err != nil {
		return err
	}
	d := &popularData{Department: dept}
	if d.Depts, err = h.Insights.Departments(ctx); err != nil {
		return err
	}
	d.Names = shortNames(d.Depts)
	d.Ranking, err = h.Insights.Popular(ctx, dept, limit)
	if err != nil {
		if errs.KindOf(err) != errs.Invalid || isHTMX(r) {
			return err
		}
		d.Err = err
		return h.Renderer.Page(w, r, web.Status(err), "insights/popular", d)
	}
	if isHTMX(r) {
		return h.Renderer.Fragment(w, r, "insights/popular", "popularList", d)
	}
	return h.Renderer.Page(w, r, http.StatusOK, "insights/popular", d)
}

// relatedData is the data of the related services page.
type relatedData struct {
	Related    *insights.Related
	MinSupport int
}

// relatedPage shows what applicants of an item also applied for; htmx
// requests get the list alone.
func (h *Handlers) relatedPage(w http.ResponseWriter, r *http.Request) error {
	limit, err := limitParam(r, 5, insights.MaxRelated)
	if err != nil {
		return err
	}
	rel, err := h.Insights.Related(r.Context(), r.PathValue("code"), limit)
	if err != nil {
		return err
	}
	d := &relatedData{Related: rel, MinSupport: h.Insights.Policy().MinSupport}
	if isHTMX(r) {
		return h.Renderer.Fragment(w, r, "insights/related", "relatedList", d)
	}
	return h.Renderer.Page(w, r, http.StatusOK, "insights/related", d)
}

// guideData is the data of a theme's guide.
type guideData struct {
	Guide *insights.Guide
	Names map[string]string // department short names by code
}

// guidePage shows a theme as numbered steps with links to apply.
func (h *Handlers) guidePage(w http.ResponseWriter, r *http.Request) error {
	g, err := h.Insights.Guide(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	depts, err := h.Insights.Departments(r.Context())
	if err != nil {
		return err
	}
	return h.Renderer.Page(w, r, http.StatusOK, "insights/guide", &guideData{Guide: g, Names: shortNames(depts)})
}

// apiPopular answers GET /api/v1/services/popular?department=&limit=.
func (h *Handlers) apiPopular(w http.ResponseWriter, r *http.Request) error {
	limit, err := limitParam(r, 10, insights.MaxPopular)
	if err != nil {
		return err
	}
	rank, err := h.Insights.Popular(r.Context(), strings.TrimSpace(r.URL.Query().Get("department")), limit)
	if err != nil {
		return err
	}
	depts := h.deptNames(r)
	out := apiRanking{Window: windowJSON(rank.Window), Items: []apiPopular{}}
	if rank.Department != nil {
		out.Department = &apiDept{Code: rank.Department.Code, Name: rank.Department.Name}
	}
	for _, p := range rank.Items {
		out.Items = append(out.Items, apiPopular{Rank: p.Rank, apiItem: itemJSON(p.Item, depts), Applications: p.Applications})
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// apiRelated answers GET /api/v1/services/{code}/related?limit=.
func (h *Handlers) apiRelated(w http.ResponseWriter, r *http.Request) error {
	limit, err := limitParam(r, 5, insights.MaxRelated)
	if err != nil {
		return err
	}
	rel, err := h.Insights.Related(r.Context(), r.PathValue("code"), limit)
	if err != nil {
		return err
	}
	depts := h.deptNames(r)
	out := apiRelatedList{Item: itemJSON(rel.Item, depts), Window: windowJSON(rel.Window), Applicants: rel.Applicants,
		MinSupport: h.Insights.Policy().MinSupport, Items: []apiRelated{}}
	for _, it := range rel.Items {
		out.Items = append(out.Items, apiRelated{apiItem: itemJSON(it.Item, depts), Both: it.Both,
			Confidence: round4(it.Confidence), Lift: round4(it.Lift)})
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// apiGuide answers GET /api/v1/themes/{code}/guide.
func (h *Handlers) apiGuide(w http.ResponseWriter, r *http.Request) error {
	g, err := h.Insights.Guide(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	depts := h.deptNames(r)
	out := apiGuide{Theme: apiTheme{Code: g.Theme.Code, Name: g.Theme.Name, Audience: string(g.Theme.Audience)},
		OrderedPairs: g.Ordered, Steps: []apiStep{}, Also: []apiRelated{}}
	for _, s := range g.Steps {
		out.Steps = append(out.Steps, apiStep{Step: s.N, apiItem: itemJSON(s.Item, depts)})
	}
	for _, a := range g.Also {
		out.Also = append(out.Also, apiRelated{apiItem: itemJSON(a.Item, depts), Both: a.Both,
			Confidence: round4(a.Confidence), Lift: round4(a.Lift)})
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// apiRecommendations answers GET /api/v1/recommendations?limit= with the
// signed-in person's or enterprise's recommendations (none for staff).
func (h *Handlers) apiRecommendations(w http.ResponseWriter, r *http.Request) error {
	limit, err := limitParam(r, 6, insights.MaxRecommendations)
	if err != nil {
		return err
	}
	recs, err := h.Insights.Recommend(r.Context(), web.AccountFrom(r.Context()), limit)
	if err != nil {
		return err
	}
	depts := h.deptNames(r)
	lang := web.LangFrom(r.Context())
	out := apiRecommendations{Items: []apiRecommendation{}}
	for _, rec := range recs {
		out.Items = append(out.Items, apiRecommendation{apiItem: itemJSON(rec.Item, depts),
			Reason: apiReason{Kind: string(rec.Reason.Kind), Subject: rec.Reason.Subject, Line: rec.Reason.Line().In(lang)}})
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// deptNames maps department codes to departments, empty when they cannot
// be read (the answer then lacks department names, nothing else).
func (h *Handlers) deptNames(r *http.Request) map[string]*catalog.Department {
	out := map[string]*catalog.Department{}
	depts, err := h.Insights.Departments(r.Context())
	if err != nil {
		h.Log.WarnContext(r.Context(), "departments for names", "err", err)
	}
	for _, d := range depts {
		out[d.Code] = d
	}
	return out
}
