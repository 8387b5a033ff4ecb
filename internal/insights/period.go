package insights

import (
	"fmt"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// DefaultPeriodDays is the length of the period when none is chosen: the
// last 30 days, today included.
const DefaultPeriodDays = 30

// MaxPeriodDays is the longest period one may ask for: three years.
const MaxPeriodDays = 3 * 366

// dateLayout is how periods are written: YYYY-MM-DD.
const dateLayout = "2006-01-02"

// Period is a run of whole China-time days, both ends included.
type Period struct {
	From time.Time // the first day, at 00:00 China time
	To   time.Time // the last day, at 00:00 China time
}

// Window returns the period as an instant window: from the first day's
// midnight to the midnight after the last day, China time.
func (p Period) Window() Window {
	return Window{From: p.From.UTC(), To: p.To.AddDate(0, 0, 1).UTC()}
}

// Days returns the number of days in the period.
func (p Period) Days() int {
	return int(p.To.Sub(p.From).Round(time.Hour)/day) + 1
}

// FromDate and ToDate return the ends as YYYY-MM-DD.
func (p Period) FromDate() string { return p.From.Format(dateLayout) }

// ToDate returns the last day as YYYY-MM-DD.
func (p Period) ToDate() string { return p.To.Format(dateLayout) }

// EachDay returns every day of the period as YYYY-MM-DD, in order.
func (p Period) EachDay() []string {
	var out []string
	for d := p.From; !d.After(p.To); d = d.AddDate(0, 0, 1) {
		out = append(out, d.Format(dateLayout))
	}
	return out
}

// Today returns the China-time date of now at 00:00 China time.
func Today(now time.Time) time.Time {
	y, m, d := now.In(chinaTime).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, chinaTime)
}

// ParsePeriod reads a period from two dates YYYY-MM-DD (China time, both
// included). An empty to means today (by now); an empty from means
// DefaultPeriodDays days ending at to. It returns an errs.Invalid error
// naming the field for a date that is not a real YYYY-MM-DD date
// (insights.date), from after to (insights.order) and a period longer
// than MaxPeriodDays (insights.period_too_long, on "from").
func ParsePeriod(from, to string, now time.Time) (Period, error) {
	var p Period
	var err error
	if p.To, err = parseDate("to", to, Today(now)); err != nil {
		return Period{}, err
	}
	if p.From, err = parseDate("from", from, p.To.AddDate(0, 0, 1-DefaultPeriodDays)); err != nil {
		return Period{}, err
	}
	if p.From.After(p.To) {
		return Period{}, errs.Field("from", "insights.order",
			fmt.Sprintf("开始日期 %s 晚于结束日期 %s", p.FromDate(), p.ToDate()),
			fmt.Sprintf("the start date %s is after the end date %s", p.FromDate(), p.ToDate()))
	}
	if n := p.Days(); n > MaxPeriodDays {
		return Period{}, errs.Field("from", "insights.period_too_long",
			fmt.Sprintf("统计区间为 %d 天，最长为 %d 天（3 年）", n, MaxPeriodDays),
			fmt.Sprintf("the period has %d days; it may have at most %d (3 years)", n, MaxPeriodDays))
	}
	return p, nil
}

// parseDate reads one date of a period, def when s is empty.
func parseDate(field, s string, def time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return def, nil
	}
	t, err := time.ParseInLocation(dateLayout, s, chinaTime)
	if err != nil || t.Year() < 1900 || t.Year() > 9999 {
		label := map[string]string{"from": "开始日期", "to": "结束日期"}[field]
		return time.Time{}, errs.Field(field, "insights.date",
			fmt.Sprintf("%s「%s」不是有效日期，应为 YYYY-MM-DD 格式", label, clip(s)),
			fmt.Sprintf("%s %q is not a valid date; use YYYY-MM-DD", field, clip(s)))
	}
	return t, nil
}

// clip shortens s for an error message.
func clip(s string) string {
	r := []rune(s)
	if len(r) > 20 {
		return string(r[:20]) + "…"
	}
	return s
}
