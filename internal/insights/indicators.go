package insights

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
)

// Ratio is a share with the counts behind it, so that nobody has to trust
// a bare percentage.
type Ratio struct {
	Num int // numerator
	Den int // denominator
}

// Share returns Num/Den, 0 when Den is 0.
func (r Ratio) Share() float64 {
	if r.Den == 0 {
		return 0
	}
	return float64(r.Num) / float64(r.Den)
}

// Percent formats the share with two decimals ("56.89%"), or "—" when the
// denominator is 0.
func (r Ratio) Percent() string {
	if r.Den == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f%%", math.Round(r.Share()*10000)/100)
}

// CatalogueShares are the catalogue's indicators of a department or of
// the whole catalogue; each ratio's denominator is the number of items.
type CatalogueShares struct {
	Items             int
	ZeroTrip          Ratio // MaxTrips 0 (零跑腿)
	AtMostOneTrip     Ratio // MaxTrips ≤ 1 (最多跑一次)
	OnlineFullProcess Ratio // 网上全流程办理
}

// sharesOf converts the catalogue's counts.
func sharesOf(s catalog.Shares) CatalogueShares {
	return CatalogueShares{Items: s.Items, ZeroTrip: Ratio{s.ZeroTrip, s.Items},
		AtMostOneTrip: Ratio{s.AtMostOneTrip, s.Items}, OnlineFullProcess: Ratio{s.OnlineFullProcess, s.Items}}
}

// countShares counts the catalogue's shares per department from the
// items in memory, as catalog.Service.Shares counts them in the database
// (one query for all departments instead of one per department).
func countShares(items []*catalog.Item) map[string]catalog.Shares {
	out := map[string]catalog.Shares{}
	for _, it := range items {
		sh := out[it.Department]
		sh.Department = it.Department
		sh.Items++
		if it.MaxTrips == 0 {
			sh.ZeroTrip++
		}
		if it.MaxTrips <= 1 {
			sh.AtMostOneTrip++
		}
		if it.OnlineFullProcess {
			sh.OnlineFullProcess++
		}
		if it.NoMeetingBatch1 {
			sh.NoMeetingBatch1++
		}
		out[it.Department] = sh
	}
	return out
}

// ApplicationRates are the applications' indicators; see [Definitions].
type ApplicationRates struct {
	Submitted         int
	Decided           int
	OnlineApplication Ratio // 上网办理率
	OnlineCompletion  Ratio // 网上办结率
	OnTime            Ratio // 按时办结率
	// MedianDecision is the median time from submission to decision; 0
	// when nothing was decided.
	MedianDecision time.Duration
}

// ratesOf converts the store's counts.
func ratesOf(g GroupStats) ApplicationRates {
	return ApplicationRates{
		Submitted: g.Submitted, Decided: g.Decided,
		OnlineApplication: Ratio{g.SubmittedOnline, g.Submitted},
		OnlineCompletion:  Ratio{g.DecidedOnline, g.Decided},
		OnTime:            Ratio{g.OnTime, g.WithDeadline},
		MedianDecision:    time.Duration(math.Round(g.MedianSeconds)) * time.Second,
	}
}

// DepartmentIndicators are the indicators of one department, or of the
// whole platform when Department is nil.
type DepartmentIndicators struct {
	Department   *catalog.Department
	Catalogue    CatalogueShares
	Applications ApplicationRates
}

// Indicators are the public indicators over a period.
type Indicators struct {
	Period Period
	// Department is the department asked for; nil for all.
	Department *catalog.Department
	// Overall are the indicators of the selection: the whole platform, or
	// the department asked for.
	Overall DepartmentIndicators
	// Departments are the indicators of each department of the selection
	// that has items, by code.
	Departments []DepartmentIndicators
	// Daily are the period's submissions and decisions per day, every day
	// included.
	Daily []DayCount
	// At is when they were computed.
	At time.Time
}

// Definition says what an indicator measures.
type Definition struct {
	Key  string // as in the API: zero_trip, online_application …
	Name Label
	Text Label
}

// Definitions are the indicators' exact definitions, shown with them.
var Definitions = []Definition{
	{Key: "zero_trip", Name: Label{ZH: "零跑腿", EN: "Zero trips"},
		Text: Label{ZH: "最多跑动次数为 0 的事项数 ÷ 事项总数（来自事项目录）。",
			EN: "Items whose most visits in person is 0 ÷ all items (from the catalogue)."}},
	{Key: "at_most_one_trip", Name: Label{ZH: "最多跑一次", EN: "At most one trip"},
		Text: Label{ZH: "最多跑动次数不超过 1 的事项数 ÷ 事项总数（来自事项目录）。",
			EN: "Items whose most visits in person is 0 or 1 ÷ all items (from the catalogue)."}},
	{Key: "online_full_process", Name: Label{ZH: "网上全流程办理", EN: "Fully online"},
		Text: Label{ZH: "可网上全流程办理的事项数 ÷ 事项总数（来自事项目录）。",
			EN: "Items that can be handled fully online ÷ all items (from the catalogue)."}},
	{Key: "online_application", Name: Label{ZH: "上网办理率", EN: "Online application rate"},
		Text: Label{ZH: "统计期内通过网上办事大厅或移动端提交的办件数 ÷ 统计期内提交的全部办件数（含窗口代为提交）。",
			EN: "Applications submitted in the period through the web portal or the mobile app ÷ all applications submitted in the period (hall windows included)."}},
	{Key: "online_completion", Name: Label{ZH: "网上办结率", EN: "Online completion rate"},
		Text: Label{ZH: "统计期内作出决定（准予、不予许可或不予受理）的办件中，网上或移动端提交且结果邮寄送达或电子送达、全程无需到现场的办件数 ÷ 统计期内作出决定的办件数。",
			EN: "Of the applications decided in the period (approved, rejected or not accepted): those submitted online or by mobile whose result is posted or electronic, so that nobody had to visit a hall ÷ all applications decided in the period."}},
	{Key: "on_time", Name: Label{ZH: "按时办结率", EN: "On-time completion rate"},
		Text: Label{ZH: "统计期内作出决定且已受理（有承诺办结期限）的办件中，在期限内作出决定的办件数 ÷ 这些办件数；期限为受理当日起第 N 个工作日的 24 时（N 为承诺办结时限）。",
			EN: "Of the applications decided in the period that had been accepted (and so had a deadline): those decided by the deadline ÷ all of them. The deadline is the end of the N-th working day after acceptance, N being the promised time limit."}},
	{Key: "median_decision", Name: Label{ZH: "办理时长中位数", EN: "Median time to decision"},
		Text: Label{ZH: "统计期内作出决定的办件，从提交到作出决定所用时间（自然时间）的中位数。",
			EN: "The median time, in calendar time, from submission to decision of the applications decided in the period."}},
}

// Indicators computes the public indicators of department ("" for all)
// over period p: the catalogue's shares as they stand now and the
// applications' rates in the period, overall and per department, and the
// daily counts. An unknown department is an errs.Invalid error on the
// field "department".
func (s *Service) Indicators(ctx context.Context, p Period, department string) (*Indicators, error) {
	idx, err := s.catalogue(ctx)
	if err != nil {
		return nil, err
	}
	out := &Indicators{Period: p}
	if department != "" {
		if out.Department, err = idx.department(department); err != nil {
			return nil, err
		}
	}
	now := s.Now()
	key := fmt.Sprintf("indicators|%s|%s|%s|%d", p.FromDate(), p.ToDate(), department, idx.revision)
	return cachedValue(s.cache, key, now, func() (*Indicators, error) {
		out.At = now
		if err := s.fillIndicators(ctx, idx, out); err != nil {
			return nil, err
		}
		return out, nil
	})
}

// fillIndicators computes the indicators of out's period and department.
func (s *Service) fillIndicators(ctx context.Context, idx *catalogIndex, out *Indicators) error {
	dept := ""
	if out.Department != nil {
		dept = out.Department.Code
	}
	w := out.Period.Window()
	groups, err := s.store.ApplicationStats(ctx, w, dept)
	if err != nil {
		return fmt.Errorf("indicators: application counts: %w", err)
	}
	byDept := map[string]GroupStats{}
	for _, g := range groups {
		byDept[g.Department] = g
	}
	total, err := s.catalog.Shares(ctx, dept)
	if err != nil {
		return fmt.Errorf("indicators: catalogue shares: %w", err)
	}
	out.Overall = DepartmentIndicators{Department: out.Department, Catalogue: sharesOf(total), Applications: ratesOf(byDept[""])}
	depts := idx.depts
	if out.Department != nil {
		depts = []*catalog.Department{out.Department}
	}
	perDept := countShares(idx.ordered)
	for _, d := range depts {
		sh := perDept[d.Code]
		g, applied := byDept[d.Code]
		if sh.Items == 0 && !applied {
			continue
		}
		out.Departments = append(out.Departments, DepartmentIndicators{Department: d, Catalogue: sharesOf(sh), Applications: ratesOf(g)})
	}
	days, err := s.store.DailyCounts(ctx, w, dept)
	if err != nil {
		return fmt.Errorf("indicators: daily counts: %w", err)
	}
	byDay := map[string]DayCount{}
	for _, dc := range days {
		byDay[dc.Day] = dc
	}
	for _, d := range out.Period.EachDay() {
		dc := byDay[d]
		dc.Day = d
		out.Daily = append(out.Daily, dc)
	}
	return nil
}
