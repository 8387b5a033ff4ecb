package cases_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
)

// cst returns a China-time instant.
func cst(y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, cases.ChinaTime())
}

func TestChinaCalendarWorkingDays(t *testing.T) {
	t.Parallel()
	c := cases.ChinaCalendar()
	tests := []struct {
		day  time.Time
		want bool
		why  string
	}{
		{cst(2026, 1, 1, 10), false, "元旦"},
		{cst(2026, 1, 2, 10), false, "元旦 (Friday)"},
		{cst(2026, 1, 4, 10), true, "Sunday made a working day"},
		{cst(2026, 1, 5, 10), true, "ordinary Monday"},
		{cst(2026, 1, 10, 10), false, "ordinary Saturday"},
		{cst(2026, 2, 14, 10), true, "Saturday before 春节 made a working day"},
		{cst(2026, 2, 17, 10), false, "春节"},
		{cst(2026, 2, 23, 10), false, "last day of 春节 (Monday)"},
		{cst(2026, 2, 24, 10), true, "back to work"},
		{cst(2026, 2, 28, 10), true, "Saturday after 春节 made a working day"},
		{cst(2026, 4, 6, 10), false, "清明 (Monday)"},
		{cst(2026, 5, 5, 10), false, "劳动节 (Tuesday)"},
		{cst(2026, 5, 9, 10), true, "Saturday made a working day"},
		{cst(2026, 6, 19, 10), false, "端午"},
		{cst(2026, 9, 20, 10), true, "Sunday before 国庆 made a working day"},
		{cst(2026, 9, 25, 10), false, "中秋"},
		{cst(2026, 10, 7, 10), false, "国庆 (Wednesday)"},
		{cst(2026, 10, 10, 10), true, "Saturday after 国庆 made a working day"},
		{cst(2025, 10, 8, 10), false, "国庆、中秋 2025"},
		{cst(2025, 9, 28, 10), true, "Sunday made a working day, 2025"},
		{cst(2027, 1, 1, 10), true, "a Friday of a year without a file counts as working"},
		{time.Date(2026, 1, 4, 20, 0, 0, 0, time.UTC), true, "20:00 UTC on 4 January is already 5 January in China"},
		{time.Date(2026, 1, 3, 17, 0, 0, 0, time.UTC), true, "17:00 UTC on 3 January is 4 January (working Sunday) in China"},
	}
	for _, tt := range tests {
		if got := c.IsWorkingDay(tt.day); got != tt.want {
			t.Errorf("%s (%s): IsWorkingDay = %v, want %v", tt.day.Format(time.RFC3339), tt.why, got, tt.want)
		}
	}
}

func TestDeadline(t *testing.T) {
	t.Parallel()
	c := cases.ChinaCalendar()
	endOf := func(y int, m time.Month, d int) time.Time {
		return time.Date(y, m, d+1, 0, 0, 0, 0, cases.ChinaTime()).Add(-time.Millisecond).UTC()
	}
	tests := []struct {
		name string
		from time.Time
		days int
		want time.Time
	}{
		{"at once", cst(2026, 3, 2, 9), 0, endOf(2026, 3, 2)},
		{"one working day", cst(2026, 3, 2, 9), 1, endOf(2026, 3, 3)},
		{"over a weekend", cst(2026, 3, 6, 16), 1, endOf(2026, 3, 9)},
		{"five days over a weekend", cst(2026, 3, 4, 9), 5, endOf(2026, 3, 11)},
		// Accepted on Friday 13 Feb: the 14th is a working Saturday, then
		// 15–23 are 春节, so day 2 is Tuesday 24 Feb.
		{"across 春节 with make-up Saturday", cst(2026, 2, 13, 9), 2, endOf(2026, 2, 24)},
		{"across 国庆", cst(2026, 9, 30, 9), 1, endOf(2026, 10, 8)},
		{"twenty days, ending before 劳动节", cst(2026, 4, 1, 9), 20, endOf(2026, 4, 30)},
		{"twenty-one days, after 劳动节", cst(2026, 4, 1, 9), 21, endOf(2026, 5, 6)},
		{"accepted on a holiday counts from the next working day", cst(2026, 1, 1, 9), 1, endOf(2026, 1, 4)},
	}
	for _, tt := range tests {
		if got := c.Deadline(tt.from, tt.days); !got.Equal(tt.want) {
			t.Errorf("%s: Deadline = %s, want %s", tt.name, got.In(cases.ChinaTime()), tt.want.In(cases.ChinaTime()))
		}
	}
	if n := c.WorkingDaysUntil(cst(2026, 2, 13, 9), cst(2026, 2, 24, 9)); n != 2 {
		t.Errorf("WorkingDaysUntil(13 Feb, 24 Feb) = %d, want 2", n)
	}
}

func TestParseCalendar(t *testing.T) {
	t.Parallel()
	c, err := cases.ParseCalendar(strings.NewReader("# local holiday\n2027-03-03 holiday 本地节日\n\n2027-03-06 workday 调休\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.IsWorkingDay(cst(2027, 3, 3, 9)) || !c.IsWorkingDay(cst(2027, 3, 6, 9)) || !c.IsWorkingDay(cst(2027, 3, 4, 9)) {
		t.Errorf("parsed calendar: %v", c.Days())
	}
	for _, bad := range []string{
		"2027-03-03",
		"2027-13-03 holiday",
		"2027-03-03 vacation",
		"2027-03-03 workday 星期三本来就上班",
		"2027-03-03 holiday\n2027-03-03 holiday",
	} {
		if _, err := cases.ParseCalendar(strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "line") {
			t.Errorf("ParseCalendar(%q) = %v, want an error naming the line", bad, err)
		}
	}
	var zero cases.Calendar
	if zero.IsWorkingDay(cst(2026, 1, 1, 9)) != true {
		t.Error("the zero calendar should count weekends only")
	}
}
