package events

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestBucketOf(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		seconds float64
		want    int
	}{
		{0, 0}, {299, 0}, {300, 1}, {423, 1}, {425, 2}, {600, 3}, {3600, 8}, {7200, 10},
		{614399, 22}, {614400, 23}, {1e9, 23},
	} {
		if got := BucketOf(tc.seconds); got != tc.want {
			t.Errorf("BucketOf(%v) = %d, want %d", tc.seconds, got, tc.want)
		}
		lo, hi := bucketEdges(tc.want)
		if tc.seconds < lo || tc.seconds >= hi {
			t.Errorf("%v lies outside its bucket %d [%v, %v)", tc.seconds, tc.want, lo, hi)
		}
	}
}

// TestMedian compares the histogram's median with the true median of
// samples drawn from several distributions of handling times.
func TestMedian(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		name string
		draw func() float64
	}{
		{"log-normal around 2 h", func() float64 { return 7200 * math.Exp(rng.NormFloat64()) }},
		{"uniform 0–10 min", func() float64 { return rng.Float64() * 600 }},
		{"exponential, mean 1 day", func() float64 { return rng.ExpFloat64() * 86400 }},
		{"a week and more", func() float64 { return 700000 + rng.Float64()*100000 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var h Histogram
			xs := make([]float64, 20001)
			for i := range xs {
				xs[i] = tc.draw()
				h[BucketOf(xs[i])]++
			}
			slices.Sort(xs)
			want, got := xs[len(xs)/2], h.Median()
			if r := got / want; r < 1/1.19 || r > 1.19 {
				t.Errorf("median %.0f s, true %.0f s (ratio %.3f)", got, want, r)
			}
		})
	}
	var empty Histogram
	if empty.Median() != 0 {
		t.Error("the median of nothing is not 0")
	}
}

func TestDays(t *testing.T) {
	t.Parallel()
	// 2026-03-15 16:30 UTC is 2026-03-16 00:30 in China.
	if d := DayOf(time.Date(2026, 3, 15, 16, 30, 0, 0, time.UTC)); d != 20260316 {
		t.Errorf("DayOf = %d, want 20260316 (China time)", d)
	}
	d, err := ParseDay("2026-02-28")
	if err != nil || d != 20260228 || d.AddDays(1) != 20260301 || d.String() != "2026-02-28" || d.Month() != 20260200 {
		t.Errorf("ParseDay = %d, %v (next %d, month %d)", d, err, d.AddDays(1), d.Month())
	}
	for _, bad := range []string{"", "2026-02-30", "20260228", "2026-2-8"} {
		if _, err := ParseDay(bad); err == nil {
			t.Errorf("ParseDay(%q) accepted", bad)
		}
	}
}

func TestSplitMonths(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		from, to Day
		want     []dayRange
	}{
		{20260305, 20260320, []dayRange{{20260305, 20260320, false}}},
		{20260301, 20260331, []dayRange{{20260300, 20260300, true}}},
		{20260115, 20260410, []dayRange{{20260115, 20260131, false}, {20260200, 20260300, true}, {20260401, 20260410, false}}},
		{20251201, 20260228, []dayRange{{20251200, 20260200, true}}},
		{20260131, 20260201, []dayRange{{20260131, 20260201, false}}},
		{20260101, 20260215, []dayRange{{20260100, 20260100, true}, {20260201, 20260215, false}}},
	} {
		if got := splitMonths(tc.from, tc.to); !slices.Equal(got, tc.want) {
			t.Errorf("splitMonths(%d, %d) = %v, want %v", tc.from, tc.to, got, tc.want)
		}
	}
}

// FuzzSplitMonths checks that the parts of any period cover exactly its
// days, in order, with whole months only where the months are whole.
func FuzzSplitMonths(f *testing.F) {
	f.Add(0, 40)
	f.Add(17, 400)
	f.Fuzz(func(t *testing.T, start, length int) {
		if start < 0 || length < 0 || start > 5000 || length > 800 {
			return
		}
		from := Day(20250101).AddDays(start)
		to := from.AddDays(length)
		next := from
		for _, r := range splitMonths(from, to) {
			if !r.month {
				if r.from != next || r.to < r.from {
					t.Fatalf("%d–%d: day part %v does not start at %d", from, to, r, next)
				}
				next = r.to.AddDays(1)
				continue
			}
			if r.from != next.Month() || next%100 != 1 {
				t.Fatalf("%d–%d: month part %v does not start at %d", from, to, r, next)
			}
			next = DayOf(r.to.Time().AddDate(0, 1, 0))
		}
		if next != to.AddDays(1) {
			t.Fatalf("%d–%d: parts end at %d", from, to, next)
		}
	})
}
