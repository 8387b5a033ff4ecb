package appointments

import (
	"testing"
	"time"
)

func TestParseDay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in string
		ok bool
	}{
		{"2026-03-02", true},
		{"2024-02-29", true},
		{"2026-02-29", false}, // not a leap year
		{"2026-13-01", false},
		{"2026-3-2", false},
		{"2026/03/02", false},
		{" 2026-03-02", false},
		{"", false},
		{"2026-03-02T00:00:00Z", false},
	}
	for _, tt := range tests {
		d, err := ParseDay(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("ParseDay(%q): got error %v, want ok %v", tt.in, err, tt.ok)
		}
		if err == nil && string(d) != tt.in {
			t.Errorf("ParseDay(%q) = %q, want it unchanged", tt.in, d)
		}
	}
}

func FuzzParseDay(f *testing.F) {
	for _, s := range []string{"2026-03-02", "2026-02-30", "", "9999-12-31", "0000-01-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDay(s)
		if err != nil {
			return
		}
		if string(d) != s || !d.Valid() {
			t.Fatalf("ParseDay(%q) = %q, valid %v", s, d, d.Valid())
		}
		if got := DayOf(d.Start()); got != d {
			t.Fatalf("DayOf(%q.Start()) = %q", s, got)
		}
	})
}

// TestChinaTime checks dates and clock times in China time: UTC+8 all
// year, including on the dates other zones change to and from daylight
// saving time.
func TestChinaTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		utc  time.Time
		want Day
	}{
		{time.Date(2026, 3, 1, 15, 59, 59, 0, time.UTC), "2026-03-01"},
		{time.Date(2026, 3, 1, 16, 0, 0, 0, time.UTC), "2026-03-02"},
		{time.Date(2025, 12, 31, 16, 0, 0, 0, time.UTC), "2026-01-01"},
		{time.Date(2026, 3, 8, 16, 30, 0, 0, time.UTC), "2026-03-09"},   // US daylight saving starts
		{time.Date(2026, 10, 25, 16, 30, 0, 0, time.UTC), "2026-10-26"}, // EU daylight saving ends
	}
	for _, tt := range tests {
		if got := DayOf(tt.utc); got != tt.want {
			t.Errorf("DayOf(%s) = %s, want %s", tt.utc, got, tt.want)
		}
	}
	for _, d := range []Day{"2026-03-08", "2026-03-29", "2026-10-25", "2026-11-01", "1988-04-17"} {
		if got, want := d.At(9*60), d.Start().Add(9*time.Hour); !got.Equal(want) {
			t.Errorf("%s 09:00 = %s, want %s", d, got, want)
		}
		if d.Start().Hour() != 16 || DayOf(d.Start().Add(-time.Second)) != d.AddDays(-1) {
			t.Errorf("%s starts at %s UTC, want 16:00 UTC the day before", d, d.Start())
		}
	}
	if got := Day("2026-03-02").Weekday(); got != time.Monday {
		t.Errorf("2026-03-02 is a %s, want Monday", got)
	}
	if got := Day("2026-12-31").AddDays(1); got != "2027-01-01" {
		t.Errorf("2026-12-31 + 1 = %s, want 2027-01-01", got)
	}
	if got := Day("2024-03-01").AddDays(-1); got != "2024-02-29" {
		t.Errorf("2024-03-01 - 1 = %s, want 2024-02-29", got)
	}
}
