package insightsweb

import (
	"math"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/insights"
)

// apiWindow is a window of time in the API.
type apiWindow struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

func windowJSON(w insights.Window) apiWindow { return apiWindow{From: w.From, To: w.To} }

// apiDept names a department.
type apiDept struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// apiTheme names a theme.
type apiTheme struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Audience string `json:"audience"`
}

// apiItem is an item in the API's lists.
type apiItem struct {
	Code              string `json:"code"`
	Name              string `json:"name"`
	Department        string `json:"department"`
	DepartmentName    string `json:"department_name"`
	MaxTrips          int    `json:"max_trips"`
	OnlineFullProcess bool   `json:"online_full_process"`
	URL               string `json:"url"`
	ApplyURL          string `json:"apply_url"`
}

func itemJSON(it *catalog.Item, depts map[string]*catalog.Department) apiItem {
	out := apiItem{Code: it.Code, Name: it.Name, Department: it.Department, MaxTrips: it.MaxTrips,
		OnlineFullProcess: it.OnlineFullProcess, URL: "/services/" + it.Code, ApplyURL: "/apply/" + it.Code}
	if d := depts[it.Department]; d != nil {
		out.DepartmentName = d.Name
	}
	return out
}

// apiRanking is the answer of GET /api/v1/services/popular.
type apiRanking struct {
	Window     apiWindow    `json:"window"`
	Department *apiDept     `json:"department"`
	Items      []apiPopular `json:"items"`
}

// apiPopular is one popular item.
type apiPopular struct {
	Rank int `json:"rank"`
	apiItem
	Applications int `json:"applications"`
}

// apiRelatedList is the answer of GET /api/v1/services/{code}/related.
type apiRelatedList struct {
	Item       apiItem      `json:"item"`
	Window     apiWindow    `json:"window"`
	Applicants int          `json:"applicants"`  // who applied for the item in the window
	MinSupport int          `json:"min_support"` // applicants a pair needs to be listed
	Items      []apiRelated `json:"items"`
}

// apiRelated is one related item with its association.
type apiRelated struct {
	apiItem
	Both       int     `json:"both"`       // applicants who applied for both
	Confidence float64 `json:"confidence"` // P(this | the item)
	Lift       float64 `json:"lift"`       // confidence ÷ this item's base rate
}

// apiGuide is the answer of GET /api/v1/themes/{code}/guide.
type apiGuide struct {
	Theme        apiTheme     `json:"theme"`
	OrderedPairs int          `json:"ordered_pairs"` // pairs of steps the applications ordered
	Steps        []apiStep    `json:"steps"`
	Also         []apiRelated `json:"also"`
}

// apiStep is one step of a guide.
type apiStep struct {
	Step int `json:"step"`
	apiItem
}

// apiRecommendations is the answer of GET /api/v1/recommendations.
type apiRecommendations struct {
	Items []apiRecommendation `json:"items"`
}

// apiRecommendation is one recommended item with the reason.
type apiRecommendation struct {
	apiItem
	Reason apiReason `json:"reason"`
}

// apiReason explains a recommendation.
type apiReason struct {
	Kind    string `json:"kind"`
	Subject string `json:"subject,omitempty"`
	Line    string `json:"line"`
}

// apiRatio is a share with its counts.
type apiRatio struct {
	Count int      `json:"count"`
	Total int      `json:"total"`
	Share *float64 `json:"share"` // count ÷ total, 4 decimals; null when total is 0
}

func ratioJSON(r insights.Ratio) apiRatio {
	out := apiRatio{Count: r.Num, Total: r.Den}
	if r.Den > 0 {
		s := round4(r.Share())
		out.Share = &s
	}
	return out
}

// round4 rounds to 4 decimals.
func round4(f float64) float64 { return math.Round(f*10000) / 10000 }

// apiCatalogue are the catalogue's shares.
type apiCatalogue struct {
	Items             int      `json:"items"`
	ZeroTrip          apiRatio `json:"zero_trip"`
	AtMostOneTrip     apiRatio `json:"at_most_one_trip"`
	OnlineFullProcess apiRatio `json:"online_full_process"`
}

// apiApplications are the applications' rates.
type apiApplications struct {
	Submitted         int      `json:"submitted"`
	Decided           int      `json:"decided"`
	OnlineApplication apiRatio `json:"online_application"`
	OnlineCompletion  apiRatio `json:"online_completion"`
	OnTime            apiRatio `json:"on_time"`
	// MedianDecisionHours is the median time to decision in hours (2
	// decimals); null when nothing was decided.
	MedianDecisionHours *float64 `json:"median_decision_hours"`
}

// apiIndicators are the indicators of one department or of all.
type apiIndicators struct {
	Code         string          `json:"code,omitempty"`
	Name         string          `json:"name,omitempty"`
	Catalogue    apiCatalogue    `json:"catalogue"`
	Applications apiApplications `json:"applications"`
}

func indicatorsJSON(d insights.DepartmentIndicators) apiIndicators {
	c, a := d.Catalogue, d.Applications
	out := apiIndicators{
		Catalogue: apiCatalogue{Items: c.Items, ZeroTrip: ratioJSON(c.ZeroTrip), AtMostOneTrip: ratioJSON(c.AtMostOneTrip),
			OnlineFullProcess: ratioJSON(c.OnlineFullProcess)},
		Applications: apiApplications{Submitted: a.Submitted, Decided: a.Decided, OnlineApplication: ratioJSON(a.OnlineApplication),
			OnlineCompletion: ratioJSON(a.OnlineCompletion), OnTime: ratioJSON(a.OnTime)},
	}
	if d.Department != nil {
		out.Code, out.Name = d.Department.Code, d.Department.Name
	}
	if a.Decided > 0 {
		h := math.Round(a.MedianDecision.Hours()*100) / 100
		out.Applications.MedianDecisionHours = &h
	}
	return out
}

// apiPeriod is the period of the indicators.
type apiPeriod struct {
	From string `json:"from"`
	To   string `json:"to"`
	Days int    `json:"days"`
}

// apiDay is one day's counts.
type apiDay struct {
	Date            string `json:"date"`
	Submitted       int    `json:"submitted"`
	SubmittedOnline int    `json:"submitted_online"`
	Decided         int    `json:"decided"`
}

// apiDefinition says what an indicator measures.
type apiDefinition struct {
	Key        string `json:"key"`
	Name       string `json:"name"`
	Definition string `json:"definition"`
}

// apiStats is the answer of GET /api/v1/stats/services.
type apiStats struct {
	Period      apiPeriod       `json:"period"`
	Department  *apiDept        `json:"department"`
	Overall     apiIndicators   `json:"overall"`
	Departments []apiIndicators `json:"departments"`
	Daily       []apiDay        `json:"daily"`
	Definitions []apiDefinition `json:"definitions"`
	ComputedAt  time.Time       `json:"computed_at"`
}

func statsJSON(ind *insights.Indicators, lang string) apiStats {
	out := apiStats{Period: apiPeriod{From: ind.Period.FromDate(), To: ind.Period.ToDate(), Days: ind.Period.Days()},
		Overall: indicatorsJSON(ind.Overall), Departments: []apiIndicators{}, Daily: []apiDay{}, ComputedAt: ind.At}
	if ind.Department != nil {
		out.Department = &apiDept{Code: ind.Department.Code, Name: ind.Department.Name}
	}
	for _, d := range ind.Departments {
		out.Departments = append(out.Departments, indicatorsJSON(d))
	}
	for _, d := range ind.Daily {
		out.Daily = append(out.Daily, apiDay{Date: d.Day, Submitted: d.Submitted, SubmittedOnline: d.SubmittedOnline, Decided: d.Decided})
	}
	for _, def := range insights.Definitions {
		out.Definitions = append(out.Definitions, apiDefinition{Key: def.Key, Name: def.Name.In(lang), Definition: def.Text.In(lang)})
	}
	return out
}
