package insightsweb

import (
	"math"
	"net/http"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/insights"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// statsParams are the dashboard's and the API's parameters.
type statsParams struct {
	From, To, Department string
}

func readStatsParams(r *http.Request) statsParams {
	q := r.URL.Query()
	return statsParams{From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to")),
		Department: strings.TrimSpace(q.Get("department"))}
}

// indicators computes the indicators the parameters ask for.
func (h *Handlers) indicators(r *http.Request, p statsParams) (*insights.Indicators, error) {
	period, err := insights.ParsePeriod(p.From, p.To, h.Insights.Now())
	if err != nil {
		return nil, err
	}
	return h.Insights.Indicators(r.Context(), period, p.Department)
}

// apiStats answers GET /api/v1/stats/services?from=&to=&department= with
// the public indicators (no login needed).
func (h *Handlers) apiStats(w http.ResponseWriter, r *http.Request) error {
	ind, err := h.indicators(r, readStatsParams(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, statsJSON(ind, web.LangFrom(r.Context())))
	return nil
}

// statsData is the data of the dashboard.
type statsData struct {
	Params      statsParams
	Depts       []*catalog.Department
	Ind         *insights.Indicators
	Err         error
	Chart       *chartData
	Definitions []insights.Definition
}

// chartData is what the dashboard's script draws, with its labels in the
// page's language.
type chartData struct {
	Labels map[string]string `json:"labels"`
	// Daily series, one value per day of the period.
	Days      []string `json:"days"`
	Submitted []int    `json:"submitted"`
	Online    []int    `json:"online"`
	Decided   []int    `json:"decided"`
	// Per department with applications: rates in percent (null without
	// a denominator).
	Depts            []string   `json:"depts"`
	OnlineRate       []*float64 `json:"online_rate"`
	OnlineCompletion []*float64 `json:"online_completion"`
	OnTime           []*float64 `json:"on_time"`
}

// statsPage is the public dashboard of indicators over a chosen period.
func (h *Handlers) statsPage(w http.ResponseWriter, r *http.Request) error {
	d := &statsData{Params: readStatsParams(r), Definitions: insights.Definitions}
	var err error
	if d.Depts, err = h.Insights.Departments(r.Context()); err != nil {
		return err
	}
	d.Ind, err = h.indicators(r, d.Params)
	if err != nil {
		if errs.KindOf(err) != errs.Invalid {
			return err
		}
		d.Err = err
		return h.Renderer.Page(w, r, web.Status(err), "insights/stats", d)
	}
	d.Params.From, d.Params.To = d.Ind.Period.FromDate(), d.Ind.Period.ToDate()
	d.Chart = h.chart(r, d.Ind)
	return h.Renderer.Page(w, r, http.StatusOK, "insights/stats", d)
}

// chart builds the charts' data.
func (h *Handlers) chart(r *http.Request, ind *insights.Indicators) *chartData {
	lang := web.LangFrom(r.Context())
	tr := func(key string) string { return h.Renderer.T(lang, key) }
	c := &chartData{Labels: map[string]string{
		"submitted": tr("insights.chart.submitted"), "online": tr("insights.chart.online"),
		"decided": tr("insights.chart.decided"), "online_rate": tr("insights.stats.online_application"),
		"online_completion": tr("insights.stats.online_completion"), "on_time": tr("insights.stats.on_time"),
	}}
	for _, day := range ind.Daily {
		c.Days = append(c.Days, day.Day[5:])
		c.Submitted = append(c.Submitted, day.Submitted)
		c.Online = append(c.Online, day.SubmittedOnline)
		c.Decided = append(c.Decided, day.Decided)
	}
	for _, d := range ind.Departments {
		a := d.Applications
		if a.Submitted == 0 && a.Decided == 0 {
			continue
		}
		c.Depts = append(c.Depts, d.Department.ShortName)
		c.OnlineRate = append(c.OnlineRate, percentOf(a.OnlineApplication))
		c.OnlineCompletion = append(c.OnlineCompletion, percentOf(a.OnlineCompletion))
		c.OnTime = append(c.OnTime, percentOf(a.OnTime))
	}
	return c
}

// percentOf is the ratio in percent with one decimal, nil without a
// denominator.
func percentOf(r insights.Ratio) *float64 {
	if r.Den == 0 {
		return nil
	}
	v := math.Round(r.Share()*1000) / 10
	return &v
}
