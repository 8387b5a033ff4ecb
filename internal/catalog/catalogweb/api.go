package catalogweb

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/catalog/catalogsearch"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// apiHit is one search result.
type apiHit struct {
	Code              string   `json:"code"`
	Name              string   `json:"name"`
	Department        string   `json:"department"`
	DepartmentName    string   `json:"department_name"`
	Score             float64  `json:"score"`
	MaxTrips          int      `json:"max_trips"`
	OnlineFullProcess bool     `json:"online_full_process"`
	PromisedDays      int      `json:"promised_days"`
	LegalDays         int      `json:"legal_days"`
	Themes            []string `json:"themes"`
	URL               string   `json:"url"`
}

// apiSearchResult is the answer of GET /api/v1/services.
type apiSearchResult struct {
	Items []apiHit `json:"items"`
	Total int      `json:"total"`
}

// defaultLimit is the number of results when ?limit= is absent.
const defaultLimit = 10

// apiSearch answers GET /api/v1/services?q=&limit= with the best matching
// items, best first. q is required (1 to 100 characters) and limit is 1
// to 100 (default 10); anything else is a problem+json 422 naming the
// parameter.
func (h *Handlers) apiSearch(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit := defaultLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > catalogsearch.MaxResults {
			return errs.Field("limit", "search.limit", "limit 应为 1 到 100 之间的整数", "limit must be a whole number from 1 to 100")
		}
		limit = n
	}
	if len(q["q"]) > 1 {
		return errs.Field("q", "search.q_repeated", "参数 q 只能出现一次", "give q once")
	}
	res, err := h.Search.Search(r.Context(), q.Get("q"), limit)
	if err != nil {
		return err
	}
	out := apiSearchResult{Items: []apiHit{}, Total: res.Total}
	for _, hit := range res.Hits {
		out.Items = append(out.Items, apiHit{Code: hit.Code, Name: hit.Name, Department: hit.Department,
			DepartmentName: hit.DepartmentName, Score: hit.Score, MaxTrips: hit.MaxTrips,
			OnlineFullProcess: hit.OnlineFullProcess, PromisedDays: hit.PromisedDays, LegalDays: hit.LegalDays,
			Themes: hit.Themes, URL: "/services/" + hit.Code})
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// apiItem is the public JSON form of an item.
type apiItem struct {
	Code              string                  `json:"code"`
	Name              string                  `json:"name"`
	Department        string                  `json:"department"`
	DepartmentName    string                  `json:"department_name"`
	Category          string                  `json:"category"`
	Applicants        []catalog.ApplicantKind `json:"applicant"`
	MaxTrips          int                     `json:"max_trips"`
	OnlineFullProcess bool                    `json:"online_full_process"`
	NoMeetingBatch1   bool                    `json:"no_meeting_batch1"`
	LegalDays         int                     `json:"legal_days"`
	PromisedDays      int                     `json:"promised_days"`
	FeeYuan           json.Number             `json:"fee_yuan"` // CNY, e.g. 12.50
	Materials         []catalog.Material      `json:"materials"`
	Themes            []string                `json:"themes"`
	Keywords          []string                `json:"keywords"`
	Description       string                  `json:"description"`
	FormFields        []catalog.FormField     `json:"form_fields"`
	Version           int                     `json:"version"`
	UpdatedAt         time.Time               `json:"updated_at"`
}

// apiItem answers GET /api/v1/services/{code} with the item.
func (h *Handlers) apiItem(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	it, err := h.Catalog.Item(ctx, r.PathValue("code"))
	if err != nil {
		return err
	}
	out := apiItem{Code: it.Code, Name: it.Name, Department: it.Department, Category: it.Category,
		Applicants: it.Applicants, MaxTrips: it.MaxTrips, OnlineFullProcess: it.OnlineFullProcess,
		NoMeetingBatch1: it.NoMeetingBatch1, LegalDays: it.LegalDays, PromisedDays: it.PromisedDays,
		FeeYuan: json.Number(it.FeeYuan()), Materials: nonNil(it.Materials), Themes: nonNil(it.Themes), Keywords: nonNil(it.Keywords),
		Description: it.Description, FormFields: nonNil(it.FormFields), Version: it.Version, UpdatedAt: it.UpdatedAt}
	if d := h.deptNames(ctx)[it.Department]; d != nil {
		out.DepartmentName = d.Name
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
