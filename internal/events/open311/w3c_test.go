package open311_test

import (
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/events"
	"github.com/pengcheng-gov/pengcheng/internal/events/open311"
)

func TestParseTime(t *testing.T) {
	utc := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v.UTC()
	}
	for _, c := range []struct {
		in          string
		from, until string // RFC 3339; empty for an error
	}{
		// The spec's examples: the same instant.
		{"1994-11-05T08:15:30-05:00", "1994-11-05T13:15:30Z", "1994-11-05T13:15:30.000001Z"},
		{"1994-11-05T13:15:30Z", "1994-11-05T13:15:30Z", "1994-11-05T13:15:30.000001Z"},
		{"2010-01-01T00:00:00Z", "2010-01-01T00:00:00Z", "2010-01-01T00:00:00.000001Z"},
		{"2026-03-02T09:00:00+08:00", "2026-03-02T01:00:00Z", "2026-03-02T01:00:00.000001Z"},
		{"2026-03-02T09:00:00 08:00", "2026-03-02T01:00:00Z", "2026-03-02T01:00:00.000001Z"}, // "+" lost to form decoding
		{"2026-03-02T09:00+08:00", "2026-03-02T01:00:00Z", "2026-03-02T01:00:00.000001Z"},
		{"2026-03-02T09:00:00.25Z", "2026-03-02T09:00:00.25Z", "2026-03-02T09:00:00.250001Z"},
		{"2026-03-02T09:00:00.0000005Z", "2026-03-02T09:00:00.0000005Z", "2026-03-02T09:00:00.000001Z"},
		{" 2026-03-02T09:00:00Z ", "2026-03-02T09:00:00Z", "2026-03-02T09:00:00.000001Z"},
		// Dates are China days, months and years.
		{"2026-03-02", "2026-03-01T16:00:00Z", "2026-03-02T16:00:00Z"},
		{"2026-02", "2026-01-31T16:00:00Z", "2026-02-28T16:00:00Z"},
		{"2026", "2025-12-31T16:00:00Z", "2026-12-31T16:00:00Z"},
		// Malformed.
		{"", "", ""},
		{"yesterday", "", ""},
		{"2026-03-02T09:00:00", "", ""}, // no zone
		{"2026-03-02T09:00:00+0800", "", ""},
		{"2026-03-02T09:00:00+08", "", ""},
		{"2026-13-02T09:00:00Z", "", ""},
		{"2026-02-30", "", ""},
		{"2026-03-02T24:00:00Z", "", ""},
		{"2026-03-02T09:60:00Z", "", ""},
		{"2026-3-2", "", ""},
		{"2026/03/02", "", ""},
		{"26-03-02T09:00:00Z", "", ""},
		{"2026-03-02T9:00:00Z", "", ""},
		{"2026-03-02T09:00:00.Z", "", ""},
		{"2026-03-02t09:00:00z", "", ""},
		{"2026-03-02T09:00:00+08:00 extra", "", ""},
		{"2026-03-02T09:00:00+25:00", "", ""},
	} {
		from, until, err := open311.ParseTime(c.in)
		if c.from == "" {
			if !errs.Is(err, errs.Invalid) {
				t.Errorf("%q: %v, %v, %v; want invalid", c.in, from, until, err)
			}
			continue
		}
		if err != nil || !from.Equal(utc(c.from)) || !until.Equal(utc(c.until)) {
			t.Errorf("%q: %v – %v, %v; want %s – %s", c.in, from, until, err, c.from, c.until)
		}
	}
}

func TestFormatTime(t *testing.T) {
	at := time.Date(2026, 3, 2, 1, 0, 0, 999, time.UTC)
	if got := open311.FormatTime(at); got != "2026-03-02T09:00:00+08:00" {
		t.Errorf("FormatTime: %s", got)
	}
	if got := open311.FormatTime(time.Time{}); got != "" {
		t.Errorf("zero time: %q", got)
	}
	from, _, err := open311.ParseTime(open311.FormatTime(at))
	if err != nil || !from.Equal(at.Truncate(time.Second)) {
		t.Errorf("round trip: %v, %v", from, err)
	}
}

// FuzzParseTime: any input is refused with errs.Invalid or gives a
// non-empty period that a formatted time of its start parses back into.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2010-01-01T00:00:00Z", "1994-11-05T08:15:30-05:00", "2026-03-02", "2026", "2026-02",
		"2026-03-02T09:00+08:00", "2026-03-02T09:00:00.123456789Z", "2026-03-02T09:00:00 08:00", "x", "T", "2026-03-02T"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		from, until, err := open311.ParseTime(s)
		if err != nil {
			if !errs.Is(err, errs.Invalid) {
				t.Fatalf("%q: error of kind %v", s, errs.KindOf(err))
			}
			return
		}
		if !until.After(from) {
			t.Fatalf("%q: empty period %v – %v", s, from, until)
		}
		if from.Location() != time.UTC || until.Location() != time.UTC {
			t.Fatalf("%q: not UTC", s)
		}
		if from.Year() < 1 || from.Year() > 9999 {
			return
		}
		back, _, err := open311.ParseTime(open311.FormatTime(from))
		if err != nil || !back.Equal(from.Truncate(time.Second)) {
			t.Fatalf("%q: %v formats as %q, parsed back as %v, %v", s, from, open311.FormatTime(from), back, err)
		}
	})
}

func TestStatus(t *testing.T) {
	for _, st := range events.States {
		want := open311.Open
		if st == events.Closed {
			want = open311.Closed
		}
		if got := open311.Status(st); got != want {
			t.Errorf("%s: %s, want %s", st, got, want)
		}
	}
}
