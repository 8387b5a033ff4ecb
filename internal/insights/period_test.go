package insights_test

import (
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/insights"
)

// periodNow is 2026-03-02 01:00 in China, still 1 March in UTC.
var periodNow = time.Date(2026, 3, 1, 17, 0, 0, 0, time.UTC)

func TestParsePeriod(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, from, to string
		wantFrom       string
		wantTo         string
		wantDays       int
		field, code    string // of the error
	}{
		{name: "defaults: the last 30 days to today in China", wantFrom: "2026-02-01", wantTo: "2026-03-02", wantDays: 30},
		{name: "from alone runs to today", from: "2026-02-20", wantFrom: "2026-02-20", wantTo: "2026-03-02", wantDays: 11},
		{name: "to alone: the 30 days before it", to: "2025-12-31", wantFrom: "2025-12-02", wantTo: "2025-12-31", wantDays: 30},
		{name: "one day", from: "2026-02-14", to: "2026-02-14", wantFrom: "2026-02-14", wantTo: "2026-02-14", wantDays: 1},
		{name: "a leap year", from: "2024-02-28", to: "2024-03-01", wantFrom: "2024-02-28", wantTo: "2024-03-01", wantDays: 3},
		{name: "three years", from: "2023-01-01", to: "2026-01-02", wantFrom: "2023-01-01", wantTo: "2026-01-02", wantDays: 1098},
		{name: "over three years", from: "2023-01-01", to: "2026-01-03", field: "from", code: "insights.period_too_long"},
		{name: "from after to", from: "2026-02-10", to: "2026-02-09", field: "from", code: "insights.order"},
		{name: "not a date", from: "yesterday", field: "from", code: "insights.date"},
		{name: "no such day", to: "2026-02-30", field: "to", code: "insights.date"},
		{name: "without dashes", from: "20260201", field: "from", code: "insights.date"},
		{name: "a time of day", to: "2026-02-01T00:00:00Z", field: "to", code: "insights.date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := insights.ParsePeriod(tt.from, tt.to, periodNow)
			if tt.code != "" {
				e := errs.As(err)
				if e == nil || e.Kind != errs.Invalid || e.Field != tt.field || e.Code != tt.code {
					t.Fatalf("error %v, want %s on field %s", err, tt.code, tt.field)
				}
				if e.Msg == "" || e.MsgEN == "" {
					t.Errorf("error %q / %q lacks a message", e.Msg, e.MsgEN)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.FromDate() != tt.wantFrom || p.ToDate() != tt.wantTo || p.Days() != tt.wantDays {
				t.Errorf("got %s to %s (%d days), want %s to %s (%d days)", p.FromDate(), p.ToDate(), p.Days(), tt.wantFrom, tt.wantTo, tt.wantDays)
			}
			if n := len(p.EachDay()); n != tt.wantDays {
				t.Errorf("EachDay has %d days, want %d", n, tt.wantDays)
			}
		})
	}
}

func TestPeriodWindowIsWholeChinaDays(t *testing.T) {
	t.Parallel()
	p, err := insights.ParsePeriod("2026-02-01", "2026-02-28", periodNow)
	if err != nil {
		t.Fatal(err)
	}
	w := p.Window()
	if want := time.Date(2026, 1, 31, 16, 0, 0, 0, time.UTC); !w.From.Equal(want) {
		t.Errorf("window from %v, want %v", w.From, want)
	}
	if want := time.Date(2026, 2, 28, 16, 0, 0, 0, time.UTC); !w.To.Equal(want) {
		t.Errorf("window to %v, want %v", w.To, want)
	}
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range [][2]string{{"", ""}, {"2026-02-01", "2026-02-28"}, {"2026-02-30", ""}, {"1900-01-01", "9999-12-31"}, {"2026-13-01", "x"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, from, to string) {
		p, err := insights.ParsePeriod(from, to, periodNow)
		if err != nil {
			if e := errs.As(err); e == nil || e.Kind != errs.Invalid || e.Field == "" {
				t.Fatalf("error %v is not a field error", err)
			}
			return
		}
		if p.From.After(p.To) || p.Days() < 1 || p.Days() > insights.MaxPeriodDays {
			t.Fatalf("accepted %q..%q as %s..%s (%d days)", from, to, p.FromDate(), p.ToDate(), p.Days())
		}
		if w := p.Window(); !w.From.Before(w.To) {
			t.Fatalf("empty window %v", w)
		}
	})
}

func TestRatioPercent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		r    insights.Ratio
		want string
	}{
		{insights.Ratio{Num: 293, Den: 515}, "56.89%"},
		{insights.Ratio{Num: 501, Den: 515}, "97.28%"},
		{insights.Ratio{Num: 489, Den: 515}, "94.95%"},
		{insights.Ratio{Num: 1, Den: 3}, "33.33%"},
		{insights.Ratio{Num: 2, Den: 3}, "66.67%"},
		{insights.Ratio{Num: 7, Den: 7}, "100.00%"},
		{insights.Ratio{}, "—"},
	}
	for _, tt := range tests {
		if got := tt.r.Percent(); got != tt.want {
			t.Errorf("%d/%d: got %s, want %s", tt.r.Num, tt.r.Den, got, tt.want)
		}
	}
}
