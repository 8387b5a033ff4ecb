package open311

import (
	"fmt"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// ChinaTime is the zone of dates given without one, and of the times the
// service writes (UTC+8, no daylight saving).
var ChinaTime = time.FixedZone("CST", 8*3600)

// FormatTime writes t in the W3C profile of ISO 8601 the spec requires,
// in China time, to the second: 2026-03-15T09:30:00+08:00.
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(ChinaTime).Format(time.RFC3339)
}

// ParseTime parses a date or time in the W3C profile of ISO 8601 and
// returns the period it denotes: from its start up to (not including)
// until. A time (2010-01-01T00:00:00Z, with minutes, seconds and any
// fraction) must carry its zone, Z or ±hh:mm; it denotes one microsecond,
// the platform's resolution. A year (2010), a month (2010-01) or a day
// (2010-01-01) is taken in China time and denotes all of it. A zone whose
// "+" arrived as a space (an unencoded query string) is read as "+".
func ParseTime(s string) (from, until time.Time, err error) {
	s = strings.TrimSpace(s)
	bad := func(why, whyEN string) (time.Time, time.Time, error) {
		return time.Time{}, time.Time{}, errs.E(errs.Invalid, "open311.datetime",
			fmt.Sprintf("日期时间 %.40q 无效：%s（应为 W3C 格式，如 2010-01-01T00:00:00Z 或 2010-01-01T08:00:00+08:00）", s, why),
			fmt.Sprintf("the datetime %.40q is invalid: %s (use the W3C format, e.g. 2010-01-01T00:00:00Z or 2010-01-01T08:00:00+08:00)", s, whyEN))
	}
	if len(s) > 40 {
		return bad("过长", "too long")
	}
	if !strings.Contains(s, "T") {
		for _, f := range []struct {
			layout string
			next   func(time.Time) time.Time
		}{
			{"2006", func(t time.Time) time.Time { return t.AddDate(1, 0, 0) }},
			{"2006-01", func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }},
			{"2006-01-02", func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }},
		} {
			if len(s) != len(f.layout) {
				continue
			}
			t, err := time.ParseInLocation(f.layout, s, ChinaTime)
			if err != nil {
				return bad("不是有效的日期", "not a valid date")
			}
			return t.UTC(), f.next(t).UTC(), nil
		}
		return bad("格式不对", "malformed")
	}
	date, clock, _ := strings.Cut(s, "T")
	if len(date) != len("2006-01-02") {
		return bad("日期部分格式不对", "the date part is malformed")
	}
	zone := strings.LastIndexAny(clock, "Z+- ")
	if zone < 0 {
		return bad("缺少时区（Z 或 ±hh:mm）", "the time zone (Z or ±hh:mm) is missing")
	}
	if clock[zone] == ' ' {
		clock = clock[:zone] + "+" + clock[zone+1:]
	}
	hms := clock[:zone]
	layout := "2006-01-02T15:04:05Z07:00"
	switch {
	case len(hms) == len("15:04"):
		layout = "2006-01-02T15:04Z07:00"
	case len(hms) == len("15:04:05"):
	case len(hms) > len("15:04:05.") && hms[8] == '.':
		layout = "2006-01-02T15:04:05.999999999Z07:00"
	default:
		return bad("时间部分格式不对", "the time part is malformed")
	}
	if z := clock[zone:]; z != "Z" && len(z) != len("+08:00") {
		return bad("时区应为 Z 或 ±hh:mm", "the time zone must be Z or ±hh:mm")
	}
	t, err := time.Parse(layout, date+"T"+clock)
	if err != nil {
		return bad("不是有效的日期时间", "not a valid date and time")
	}
	t = t.UTC()
	return t, t.Truncate(time.Microsecond).Add(time.Microsecond), nil
}
