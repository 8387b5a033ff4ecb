package cases

import (
	"bufio"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"
)

// DayKind says whether a day of the calendar is a holiday or an extra
// working day.
type DayKind string

// The kinds of exceptional day.
const (
	Holiday DayKind = "holiday" // offices closed on a weekday
	Workday DayKind = "workday" // offices open on a weekend day (调休上班)
)

// Calendar tells working days (工作日) from days off: Monday to Friday
// work, Saturday and Sunday do not, except for the listed holidays and
// make-up working days. Days are dates in China Standard Time. A Calendar
// is immutable once built and safe for concurrent use; the zero value
// counts weekends only.
type Calendar struct {
	days map[string]DayKind // "2026-01-01" → kind
}

//go:embed calendar/*.txt
var calendarFiles embed.FS

// ChinaCalendar returns the official public-holiday calendar shipped with
// Pengcheng (2025 and 2026, from the State Council's notices; see
// calendar/README.md).
func ChinaCalendar() *Calendar {
	c := &Calendar{days: map[string]DayKind{}}
	names, err := fs.Glob(calendarFiles, "calendar/*.txt")
	if err != nil {
		panic(err) // the pattern is constant
	}
	for _, name := range names {
		f, err := calendarFiles.Open(name)
		if err != nil {
			panic(err) // embedded above
		}
		err = c.read(f, name)
		f.Close()
		if err != nil {
			panic(err) // the shipped files are tested
		}
	}
	return c
}

// ParseCalendar reads a calendar in the format of the shipped files: one
// "YYYY-MM-DD holiday|workday [name]" a line, # comments and blank lines
// ignored. It returns an error naming the line of the first problem.
func ParseCalendar(r io.Reader) (*Calendar, error) {
	c := &Calendar{days: map[string]DayKind{}}
	if err := c.read(r, "calendar"); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Calendar) read(r io.Reader, name string) error {
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			return fmt.Errorf("%s line %d: want \"YYYY-MM-DD holiday|workday [name]\", got %q", name, n, line)
		}
		d, err := time.Parse("2006-01-02", f[0])
		if err != nil {
			return fmt.Errorf("%s line %d: %q is not a date YYYY-MM-DD", name, n, f[0])
		}
		k := DayKind(f[1])
		if k != Holiday && k != Workday {
			return fmt.Errorf("%s line %d: %q is neither holiday nor workday", name, n, f[1])
		}
		if k == Workday && !weekend(d) {
			return fmt.Errorf("%s line %d: %s is a weekday already; only weekend days can be made working days", name, n, f[0])
		}
		if _, dup := c.days[f[0]]; dup {
			return fmt.Errorf("%s line %d: %s is listed twice", name, n, f[0])
		}
		c.days[f[0]] = k
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	return nil
}

func weekend(d time.Time) bool { return d.Weekday() == time.Saturday || d.Weekday() == time.Sunday }

// IsWorkingDay reports whether the China-time date of t is a working day.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	d := t.In(chinaTime)
	if c != nil {
		switch c.days[d.Format("2006-01-02")] {
		case Holiday:
			return false
		case Workday:
			return true
		}
	}
	return !weekend(d)
}

// startOfDay returns midnight China time of t's China-time date.
func startOfDay(t time.Time) time.Time {
	y, m, d := t.In(chinaTime).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, chinaTime)
}

// Deadline returns the end of the n-th working day after the China-time
// date of from (the day of acceptance is day 0): the last instant before
// midnight, in UTC. For n = 0 (handled at once, 即办) it is the end of
// from's day.
func (c *Calendar) Deadline(from time.Time, n int) time.Time {
	d := startOfDay(from)
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if c.IsWorkingDay(d) {
			n--
		}
	}
	return d.AddDate(0, 0, 1).Add(-time.Millisecond).UTC()
}

// WorkingDaysUntil counts the working days after the China-time date of
// from up to and including the date of to; 0 when to is on from's day or
// before it.
func (c *Calendar) WorkingDaysUntil(from, to time.Time) int {
	n := 0
	end := startOfDay(to)
	for d := startOfDay(from).AddDate(0, 0, 1); !d.After(end); d = d.AddDate(0, 0, 1) {
		if c.IsWorkingDay(d) {
			n++
		}
	}
	return n
}

// Days returns a copy of the calendar's exceptional days, keyed by
// date (YYYY-MM-DD).
func (c *Calendar) Days() map[string]DayKind {
	out := make(map[string]DayKind, len(c.days))
	for k, v := range c.days {
		out[k] = v
	}
	return out
}
