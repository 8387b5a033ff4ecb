package appointments

import (
	"fmt"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// chinaZone is China Standard Time, UTC+8 all year (China has not observed
// daylight saving time since 1991), in which opening hours, dates and
// displayed times are read. It is a constant.
var chinaZone = time.FixedZone("CST", 8*60*60)

// China returns China Standard Time (UTC+8, no daylight saving).
func China() *time.Location { return chinaZone }

// dayLayout is the format of a Day.
const dayLayout = "2006-01-02"

// Day is a calendar date in China time, formatted 2006-01-02. The zero
// value "" is no date.
type Day string

// ParseDay reads a date typed as 2006-01-02. It returns errs.Invalid on the
// field "date" for anything else, including impossible dates.
func ParseDay(s string) (Day, error) {
	t, err := time.ParseInLocation(dayLayout, s, chinaZone)
	if err != nil || t.Format(dayLayout) != s {
		return "", errs.Field("date", "date.format", fmt.Sprintf("日期格式应为 年-月-日，例如 2026-03-02（收到 %.20q）", s),
			fmt.Sprintf("dates must look like 2026-03-02 (got %.20q)", s))
	}
	return Day(s), nil
}

// DayOf returns the date of the instant t in China time.
func DayOf(t time.Time) Day { return Day(t.In(chinaZone).Format(dayLayout)) }

// date returns midnight of d in China time; d must be valid.
func (d Day) date() time.Time {
	t, err := time.ParseInLocation(dayLayout, string(d), chinaZone)
	if err != nil {
		panic(fmt.Sprintf("appointments: invalid Day %q", string(d)))
	}
	return t
}

// Start returns the instant d begins (midnight in China time), in UTC.
func (d Day) Start() time.Time { return d.date().UTC() }

// At returns the instant minute minutes after midnight of d, China time,
// in UTC.
func (d Day) At(minute int) time.Time { return d.date().Add(time.Duration(minute) * time.Minute).UTC() }

// Weekday returns the day of the week of d.
func (d Day) Weekday() time.Weekday { return d.date().Weekday() }

// AddDays returns the date n days after d (before, for negative n).
func (d Day) AddDays(n int) Day { return Day(d.date().AddDate(0, 0, n).Format(dayLayout)) }

// String returns d as 2006-01-02.
func (d Day) String() string { return string(d) }

// Valid reports whether d is a well-formed date.
func (d Day) Valid() bool {
	_, err := ParseDay(string(d))
	return err == nil
}

// FormatTime formats t in China time with layout, or "" for the zero time.
func FormatTime(t time.Time, layout string) string {
	if t.IsZero() {
		return ""
	}
	return t.In(chinaZone).Format(layout)
}

// clock formats a minute of the day as 15:04.
func clock(minute int) string { return fmt.Sprintf("%02d:%02d", minute/60, minute%60) }

// slotText describes a slot for messages: 2026-03-03 09:00-09:30.
func slotText(start, end time.Time) string {
	return FormatTime(start, "2006-01-02 15:04") + "-" + FormatTime(end, "15:04")
}
