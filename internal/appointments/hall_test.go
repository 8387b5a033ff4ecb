package appointments

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// testHall returns a valid hall open Monday to Friday 09:00-12:00 and
// 14:00-17:45 and Saturday 09:00-10:00, closed on 2026-05-01.
func testHall() *Hall {
	var hours Hours
	for wd := 1; wd <= 5; wd++ {
		hours[wd] = []Period{{9 * 60, 12 * 60}, {14 * 60, 17*60 + 45}}
	}
	hours[6] = []Period{{9 * 60, 10 * 60}}
	return &Hall{
		Code: "T-1", Name: "测试大厅", Address: "测试路 1 号", Division: "440306", Hours: hours,
		SlotMinutes: 30, PerWindow: 2, Closed: []ClosedDay{{Day: "2026-05-01", Reason: "劳动节"}},
		Groups: []*Group{
			{Code: "A", Name: "甲", Department: "DA", Items: []string{"I-1", "I-2"}, Windows: []Window{{1, ""}, {2, ""}, {3, ""}}},
			{Code: "B", Name: "乙", Department: "DB", Items: []string{"I-3"}, Windows: []Window{{4, ""}}, Capacity: 7},
		},
	}
}

// clocks formats the start times of spans as 15:04 in China time.
func clocks(spans []Span) []string {
	out := []string{}
	for _, s := range spans {
		out = append(out, FormatTime(s.Start, "15:04"))
		if s.End.Sub(s.Start) <= 0 {
			out = append(out, "bad end")
		}
	}
	return out
}

func TestSlotTimes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		day     Day
		minutes int
		want    []string
	}{
		{"weekday, two periods, the 17:30 slot would end after closing", "2026-03-02", 30,
			[]string{"09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "14:00", "14:30", "15:00", "15:30", "16:00", "16:30", "17:00"}},
		{"45-minute slots", "2026-03-03", 45, []string{"09:00", "09:45", "10:30", "11:15", "14:00", "14:45", "15:30", "16:15", "17:00"}},
		{"saturday", "2026-03-07", 30, []string{"09:00", "09:30"}},
		{"sunday has no hours", "2026-03-08", 30, []string{}},
		{"closed date", "2026-05-01", 30, []string{}},
		{"the day US clocks change", "2026-03-09", 60, []string{"09:00", "10:00", "11:00", "14:00", "15:00", "16:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := testHall()
			h.SlotMinutes = tt.minutes
			got := clocks(h.SlotTimes(tt.day))
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("SlotTimes(%s) (-want +got):\n%s", tt.day, d)
			}
			for _, s := range h.SlotTimes(tt.day) {
				if DayOf(s.Start) != tt.day || s.End.Sub(s.Start) != time.Duration(tt.minutes)*time.Minute {
					t.Errorf("slot %s-%s is not a %d-minute slot of %s", s.Start, s.End, tt.minutes, tt.day)
				}
			}
		})
	}
}

func TestSlotAt(t *testing.T) {
	t.Parallel()
	h := testHall()
	d := Day("2026-03-02")
	if s, ok := h.SlotAt(d.At(14 * 60)); !ok || !s.End.Equal(d.At(14*60+30)) {
		t.Errorf("SlotAt(14:00) = %v, %v; want the 14:00-14:30 slot", s, ok)
	}
	for _, m := range []int{9*60 + 10, 12 * 60, 17*60 + 30, 8 * 60} {
		if _, ok := h.SlotAt(d.At(m)); ok {
			t.Errorf("SlotAt(%s) found a slot, want none", clock(m))
		}
	}
	if _, ok := h.SlotAt(Day("2026-05-01").At(9 * 60)); ok {
		t.Errorf("SlotAt on a closed date found a slot")
	}
}

func TestCapacityAndLookups(t *testing.T) {
	t.Parallel()
	h := testHall()
	if got := h.Capacity(h.Groups[0]); got != 6 {
		t.Errorf("capacity of A (3 windows × 2) = %d, want 6", got)
	}
	if got := h.Capacity(h.Groups[1]); got != 7 {
		t.Errorf("capacity of B (set to 7) = %d, want 7", got)
	}
	if g := h.GroupOf("I-3"); g == nil || g.Code != "B" {
		t.Errorf("GroupOf(I-3) = %v, want B", g)
	}
	if h.Serves("I-9") || h.GroupOf("I-9") != nil {
		t.Errorf("the hall serves an item it does not list")
	}
	if g := h.WindowGroup(2); g == nil || g.Code != "A" {
		t.Errorf("WindowGroup(2) = %v, want A", g)
	}
	if g := h.WindowGroup(9); g != nil {
		t.Errorf("WindowGroup(9) = %v, want nil", g)
	}
	if closed, reason := h.ClosedOn("2026-05-01"); !closed || reason != "劳动节" {
		t.Errorf("ClosedOn(2026-05-01) = %v %q, want closed for 劳动节", closed, reason)
	}
	if closed, _ := h.ClosedOn("2026-03-08"); !closed {
		t.Errorf("a Sunday without hours is open")
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(h *Hall)
		field  string // "" when valid
	}{
		{"valid", func(h *Hall) {}, ""},
		{"defaults", func(h *Hall) { h.SlotMinutes, h.PerWindow = 0, 0 }, ""},
		{"lower-case code", func(h *Hall) { h.Code = "smzx" }, "code"},
		{"one-character code", func(h *Hall) { h.Code = "S" }, "code"},
		{"no name", func(h *Hall) { h.Name = " " }, "name"},
		{"no address", func(h *Hall) { h.Address = "" }, "address"},
		{"bad division", func(h *Hall) { h.Division = "4403" }, "division"},
		{"slots too short", func(h *Hall) { h.SlotMinutes = 2 }, "slot_minutes"},
		{"overlapping periods", func(h *Hall) { h.Hours[1] = []Period{{9 * 60, 12 * 60}, {11 * 60, 13 * 60}} }, "hours"},
		{"empty period", func(h *Hall) { h.Hours[2] = []Period{{9 * 60, 9 * 60}} }, "hours"},
		{"past midnight", func(h *Hall) { h.Hours[3] = []Period{{23 * 60, 25 * 60}} }, "hours"},
		{"bad closed date", func(h *Hall) { h.Closed = []ClosedDay{{Day: "2026-02-30"}} }, "closed"},
		{"no groups", func(h *Hall) { h.Groups = nil }, "groups"},
		{"two-letter group", func(h *Hall) { h.Groups[0].Code = "AB" }, "groups"},
		{"repeated group code", func(h *Hall) { h.Groups[1].Code = "A" }, "groups"},
		{"group without department", func(h *Hall) { h.Groups[0].Department = "" }, "groups"},
		{"group without items", func(h *Hall) { h.Groups[0].Items = nil }, "groups"},
		{"group without windows", func(h *Hall) { h.Groups[1].Windows = nil }, "groups"},
		{"item in two groups", func(h *Hall) { h.Groups[1].Items = []string{"I-1"} }, "groups"},
		{"window in two groups", func(h *Hall) { h.Groups[1].Windows = []Window{{1, ""}} }, "groups"},
		{"window zero", func(h *Hall) { h.Groups[1].Windows = []Window{{0, ""}} }, "groups"},
	}
	for _, tt := range tests {
		h := testHall()
		tt.change(h)
		err := h.Validate()
		if tt.field == "" {
			if err != nil {
				t.Errorf("%s: got %v, want valid", tt.name, err)
			}
			continue
		}
		e := errs.As(err)
		if e == nil || e.Kind != errs.Invalid || e.Field != tt.field || e.Msg == "" || e.MsgEN == "" {
			t.Errorf("%s: got %v, want an Invalid error on %s with both messages", tt.name, err, tt.field)
		}
	}
	h := testHall()
	h.SlotMinutes, h.PerWindow = 0, 0
	if err := h.Validate(); err != nil || h.SlotMinutes != DefaultSlotMinutes || h.PerWindow != DefaultPerWindow {
		t.Errorf("Validate did not fill the defaults: %d minutes, %d per window, %v", h.SlotMinutes, h.PerWindow, err)
	}
}

func TestParsePeriod(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Period
		ok   bool
	}{
		{"09:00-12:00", Period{540, 720}, true},
		{" 13:30-18:00 ", Period{810, 1080}, true},
		{"00:00-24:00", Period{0, 1440}, true},
		{"12:00-09:00", Period{}, false},
		{"09:00-09:00", Period{}, false},
		{"9:00-12:00", Period{}, false},
		{"09:60-12:00", Period{}, false},
		{"09:00-24:01", Period{}, false},
		{"09:00", Period{}, false},
		{"", Period{}, false},
	}
	for _, tt := range tests {
		got, err := ParsePeriod(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParsePeriod(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"09:00-12:00", "00:00-24:00", "-", "12:00-", "99:99-99:99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePeriod(s)
		if err != nil {
			return
		}
		if p.Open < 0 || p.Close > 24*60 || p.Open >= p.Close {
			t.Fatalf("ParsePeriod(%q) = %v: out of range", s, p)
		}
		if back, err := ParsePeriod(p.String()); err != nil || back != p {
			t.Fatalf("ParsePeriod(%q) = %v; its string %q reads back as %v, %v", s, p, p.String(), back, err)
		}
	})
}

func TestBookingCodes(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 1000 {
		c := NewBookingCode()
		if n, ok := NormalizeCode(c); !ok || n != c || strings.ContainsAny(c, "01IO") {
			t.Fatalf("NewBookingCode() = %q, not a valid code", c)
		}
		if seen[c] {
			t.Fatalf("NewBookingCode repeated %q within 1000 codes", c)
		}
		seen[c] = true
	}
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"abcd-2345", "ABCD2345", true},
		{" ABCD 2345 ", "ABCD2345", true},
		{"ABCD234", "", false},
		{"ABCD23450", "", false},
		{"ABCD2340", "", false}, // 0 is not used
		{"ABCDI345", "", false},
		{"预约码ABCD", "", false},
	}
	for _, tt := range tests {
		if got, ok := NormalizeCode(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("NormalizeCode(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	for in, want := range map[string]string{"123x": "123X", " 0042": "0042", "12": "", "12345": "", "12.4": ""} {
		if got, _ := NormalizeTail(in); got != want {
			t.Errorf("NormalizeTail(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzNormalizeCode(f *testing.F) {
	for _, s := range []string{"ABCD2345", "abcd-2345", "", "ＡＢＣＤ２３４５"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, ok := NormalizeCode(s)
		if !ok {
			return
		}
		if len(c) != CodeLength || strings.Trim(c, codeAlphabet) != "" {
			t.Fatalf("NormalizeCode(%q) = %q: not a code", s, c)
		}
		if again, ok := NormalizeCode(c); !ok || again != c {
			t.Fatalf("NormalizeCode is not idempotent on %q", c)
		}
	})
}

func TestDemoHallsAreValid(t *testing.T) {
	t.Parallel()
	for _, h := range DemoHalls() {
		if err := h.Validate(); err != nil {
			t.Errorf("demo hall %s: %v", h.Code, err)
		}
		if !h.Demo || !strings.Contains(h.Name, "演示") {
			t.Errorf("demo hall %s is not labelled as demo data", h.Code)
		}
		if len(h.SlotTimes("2026-03-02")) == 0 || len(h.SlotTimes("2026-10-01")) != 0 {
			t.Errorf("demo hall %s: open on National Day or closed on a Monday", h.Code)
		}
	}
}
