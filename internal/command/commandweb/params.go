package commandweb

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
)

// States are the current states of an event, in the order of its
// lifecycle (returned and reopened appear only in its trace).
var States = []string{"reported", "dispatched", "accepted", "handled", "verified", "closed"}

// period is one of the map's choices of how far back events are shown.
type period struct {
	Code  string `json:"code"`
	Hours int    `json:"hours"` // 0: no limit
}

// Periods are the map's choices of period.
var Periods = []period{{"24h", 24}, {"7d", 7 * 24}, {"30d", 30 * 24}, {"all", 0}}

// defaultPeriod is the map's period when none is chosen.
const defaultPeriod = "7d"

// MarkerLimit is how many events the map asks for at most; the newest
// come first.
const MarkerLimit = 2000

// codePattern is what a category or grid code may look like (the grid's
// own rule: 1–32 of 0-9 A-Z a-z - _ .).
var codePattern = regexp.MustCompile(`^[0-9A-Za-z_.-]{1,32}$`)

// mapFilter is what the map shows: the filters it sends to the events API.
type mapFilter struct {
	Category string `json:"category"` // a category code, "" for all
	State    string `json:"state"`    // one of States, "" for all
	Street   string `json:"street"`   // a street's code, "" for the whole district
	Period   string `json:"period"`   // one of Periods' codes
}

// readMapFilter reads the map's filters from q. A bad value is replaced
// by its default and reported as a field error.
func readMapFilter(q url.Values, ix *grid.Index, street grid.Level) (mapFilter, []error) {
	f := mapFilter{
		Category: strings.TrimSpace(q.Get("category")), State: strings.TrimSpace(q.Get("state")),
		Street: strings.TrimSpace(q.Get("street")), Period: strings.TrimSpace(q.Get("period")),
	}
	var problems []error
	if f.Category != "" && !codePattern.MatchString(f.Category) {
		problems = append(problems, errs.Field("category", "command.category_invalid",
			"事件类别代码格式不正确，已显示全部类别", "the category code is malformed; all categories are shown"))
		f.Category = ""
	}
	if f.State != "" && !slices.Contains(States, f.State) {
		problems = append(problems, errs.Field("state", "command.state_invalid",
			"没有这个事件状态，已显示全部状态", "there is no such state; all states are shown"))
		f.State = ""
	}
	if f.Street != "" {
		if c := ix.Cell(f.Street); c == nil || c.Level != street {
			problems = append(problems, errs.Field("street", "command.street_invalid",
				"没有这个街道，已显示全区", "there is no such street; the whole district is shown"))
			f.Street = ""
		}
	}
	if f.Period == "" {
		f.Period = defaultPeriod
	} else if !slices.ContainsFunc(Periods, func(p period) bool { return p.Code == f.Period }) {
		problems = append(problems, errs.Field("period", "command.period_invalid",
			"时间范围不正确，已显示近 7 天", "the period is not one of the choices; the last 7 days are shown"))
		f.Period = defaultPeriod
	}
	return f, problems
}

// dateLayout is how the dashboard's days are written.
const dateLayout = "2006-01-02"

// statsParams are the dashboard's node and period.
type statsParams struct {
	Grid, From, To string
}

// readStatsParams reads the dashboard's parameters from q, defaulting to
// the top node and the 30 days that end today. It returns a field error
// for an unknown node or a malformed or reversed period.
func readStatsParams(q url.Values, ix *grid.Index, top string, today time.Time) (statsParams, error) {
	p := statsParams{Grid: strings.TrimSpace(q.Get("grid")), From: strings.TrimSpace(q.Get("from")),
		To: strings.TrimSpace(q.Get("to"))}
	if p.Grid == "" {
		p.Grid = top
	}
	if p.To == "" {
		p.To = today.Format(dateLayout)
	}
	if p.From == "" {
		p.From = today.AddDate(0, 0, -29).Format(dateLayout)
	}
	if ix.Cell(p.Grid) == nil {
		return p, errs.Field("grid", "command.grid_unknown", "没有这个网格", "there is no such grid cell")
	}
	from, err := time.Parse(dateLayout, p.From)
	if err != nil {
		return p, errs.Field("from", "command.date_invalid", "开始日期应为 YYYY-MM-DD 格式", "the start date must be YYYY-MM-DD")
	}
	to, err := time.Parse(dateLayout, p.To)
	if err != nil {
		return p, errs.Field("to", "command.date_invalid", "结束日期应为 YYYY-MM-DD 格式", "the end date must be YYYY-MM-DD")
	}
	if to.Before(from) {
		return p, errs.Field("to", "command.period_reversed", "结束日期不能早于开始日期", "the end date must not be before the start date")
	}
	return p, nil
}

// query returns the dashboard's address for p.
func (p statsParams) query() string {
	return "/command/stats?" + url.Values{"grid": {p.Grid}, "from": {p.From}, "to": {p.To}}.Encode()
}
