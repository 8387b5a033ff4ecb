package appointments

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// Defaults of a hall's slot settings.
const (
	DefaultSlotMinutes = 30
	DefaultPerWindow   = 1
)

// hallCodePattern is the shape of a hall code.
var hallCodePattern = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{1,19}$`)

// GroupOf returns the group of h that serves item, or nil.
func (h *Hall) GroupOf(item string) *Group {
	for _, g := range h.Groups {
		if slices.Contains(g.Items, item) {
			return g
		}
	}
	return nil
}

// Group returns the group with code, or nil.
func (h *Hall) Group(code string) *Group {
	for _, g := range h.Groups {
		if g.Code == code {
			return g
		}
	}
	return nil
}

// WindowGroup returns the group that window number belongs to, or nil.
func (h *Hall) WindowGroup(number int) *Group {
	for _, g := range h.Groups {
		for _, w := range g.Windows {
			if w.Number == number {
				return g
			}
		}
	}
	return nil
}

// Serves reports whether h serves item.
func (h *Hall) Serves(item string) bool { return h.GroupOf(item) != nil }

// Items returns the codes of every item h serves, in group order.
func (h *Hall) Items() []string {
	var out []string
	for _, g := range h.Groups {
		out = append(out, g.Items...)
	}
	return out
}

// Capacity returns the bookings per slot of group g of h.
func (h *Hall) Capacity(g *Group) int {
	if g.Capacity > 0 {
		return g.Capacity
	}
	return len(g.Windows) * h.perWindow()
}

func (h *Hall) perWindow() int {
	if h.PerWindow > 0 {
		return h.PerWindow
	}
	return DefaultPerWindow
}

// SlotLength returns the length of h's slots.
func (h *Hall) SlotLength() time.Duration {
	if h.SlotMinutes > 0 {
		return time.Duration(h.SlotMinutes) * time.Minute
	}
	return DefaultSlotMinutes * time.Minute
}

// ClosedOn reports whether h is closed on d for the whole day, and why (the
// reason of a closed date; empty for a weekday without opening hours).
func (h *Hall) ClosedOn(d Day) (bool, string) {
	for _, c := range h.Closed {
		if c.Day == d {
			return true, c.Reason
		}
	}
	return len(h.Hours[d.Weekday()]) == 0, ""
}

// Span is a slot's time: [Start, End), in UTC.
type Span struct {
	Start time.Time
	End   time.Time
}

// SlotTimes returns the slots of h on d, in order: each opening period is
// cut into slots of the hall's length from its opening time, and a slot
// that would end after the period closes is left out. A closed day has
// none.
func (h *Hall) SlotTimes(d Day) []Span {
	if closed, _ := h.ClosedOn(d); closed {
		return nil
	}
	step := int(h.SlotLength() / time.Minute)
	var out []Span
	for _, p := range h.Hours[d.Weekday()] {
		for m := p.Open; m+step <= p.Close; m += step {
			out = append(out, Span{Start: d.At(m), End: d.At(m + step)})
		}
	}
	return out
}

// SlotAt returns the slot of h that starts at start, and whether there is
// one.
func (h *Hall) SlotAt(start time.Time) (Span, bool) {
	for _, s := range h.SlotTimes(DayOf(start)) {
		if s.Start.Equal(start) {
			return s, true
		}
	}
	return Span{}, false
}

// String formats p as 09:00-12:00.
func (p Period) String() string { return clock(p.Open) + "-" + clock(p.Close) }

// ParsePeriod reads an opening period written 09:00-12:00 (24:00 may end a
// day).
func ParsePeriod(s string) (Period, error) {
	open, close, ok := strings.Cut(strings.TrimSpace(s), "-")
	o, err1 := parseClock(open)
	c, err2 := parseClock(close)
	if !ok || err1 != nil || err2 != nil || o >= c {
		return Period{}, errs.Field("hours", "hall.period", fmt.Sprintf("营业时段应写作 09:00-12:00（收到 %.30q）", s),
			fmt.Sprintf("opening periods must look like 09:00-12:00 (got %.30q)", s))
	}
	return Period{Open: o, Close: c}, nil
}

// parseClock reads HH:MM into minutes after midnight, 00:00 to 24:00.
func parseClock(s string) (int, error) {
	hh, mm, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || len(hh) != 2 || len(mm) != 2 {
		return 0, fmt.Errorf("bad clock time %q", s)
	}
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if err1 != nil || err2 != nil || h < 0 || m < 0 || m > 59 || h*60+m > 24*60 {
		return 0, fmt.Errorf("bad clock time %q", s)
	}
	return h*60 + m, nil
}

// Validate checks h and fills its defaults (slot length, bookings per
// window). It returns errs.Invalid naming what is wrong.
func (h *Hall) Validate() error {
	bad := func(field, code, zh, en string) error { return errs.Field(field, "hall."+code, zh, en) }
	switch {
	case !hallCodePattern.MatchString(h.Code):
		return bad("code", "code", "大厅编码应为 2 到 20 位大写字母、数字或连字符", "hall codes are 2 to 20 upper-case letters, digits or hyphens")
	case strings.TrimSpace(h.Name) == "" || utf8.RuneCountInString(h.Name) > 100:
		return bad("name", "name", "请填写大厅名称（不超过 100 字）", "the hall needs a name of at most 100 characters")
	case strings.TrimSpace(h.Address) == "":
		return bad("address", "address", "请填写大厅地址", "the hall needs an address")
	case len(h.Division) != 6 || strings.Trim(h.Division, "0123456789") != "":
		return bad("division", "division", "行政区划代码应为 6 位数字", "the division code must have 6 digits")
	}
	if h.SlotMinutes == 0 {
		h.SlotMinutes = DefaultSlotMinutes
	}
	if h.PerWindow == 0 {
		h.PerWindow = DefaultPerWindow
	}
	if h.SlotMinutes < 5 || h.SlotMinutes > 240 {
		return bad("slot_minutes", "slot_minutes", "时段长度应在 5 到 240 分钟之间", "slots must last 5 to 240 minutes")
	}
	if h.PerWindow < 1 || h.PerWindow > 100 {
		return bad("per_window", "per_window", "每个窗口每时段可约人数应在 1 到 100 之间", "bookings per window and slot must be 1 to 100")
	}
	if err := h.Hours.validate(); err != nil {
		return err
	}
	for _, c := range h.Closed {
		if !c.Day.Valid() {
			return bad("closed", "closed", "休息日期格式应为 年-月-日", "closed dates must look like 2026-05-01")
		}
	}
	return h.validateGroups()
}

// validate checks that each day's periods are in order and do not overlap.
func (hs Hours) validate() error {
	for wd, periods := range hs {
		last := -1
		for _, p := range periods {
			if p.Open < 0 || p.Close > 24*60 || p.Open >= p.Close || p.Open < last {
				return errs.Field("hours", "hall.hours", fmt.Sprintf("%s的营业时段有误：须在 00:00 到 24:00 之间、按时间先后且互不重叠",
					weekdayZH[wd]), fmt.Sprintf("the opening periods of %s must lie within 00:00-24:00, in order, without overlap",
					time.Weekday(wd)))
			}
			last = p.Close
		}
	}
	return nil
}

// validateGroups checks the groups: codes, names, departments, items and
// windows, each item and window number in one group only.
func (h *Hall) validateGroups() error {
	bad := func(code, zh, en string) error { return errs.Field("groups", "hall."+code, zh, en) }
	if len(h.Groups) == 0 {
		return bad("groups", "大厅至少需要一个业务类别", "the hall needs at least one window group")
	}
	codes, items, windows := map[string]bool{}, map[string]bool{}, map[int]bool{}
	for _, g := range h.Groups {
		switch {
		case len(g.Code) != 1 || g.Code[0] < 'A' || g.Code[0] > 'Z' || codes[g.Code]:
			return bad("group_code", "业务类别编码应为一个大写字母且不重复："+g.Code, "group codes are one upper-case letter each, without repeats: "+g.Code)
		case strings.TrimSpace(g.Name) == "":
			return bad("group_name", "业务类别 "+g.Code+" 缺少名称", "group "+g.Code+" needs a name")
		case strings.TrimSpace(g.Department) == "":
			return bad("group_department", "业务类别 "+g.Code+" 缺少负责部门", "group "+g.Code+" needs a department")
		case len(g.Items) == 0:
			return bad("group_items", "业务类别 "+g.Code+" 至少需要一个事项", "group "+g.Code+" needs at least one item")
		case len(g.Windows) == 0:
			return bad("group_windows", "业务类别 "+g.Code+" 至少需要一个窗口", "group "+g.Code+" needs at least one window")
		case g.Capacity < 0:
			return bad("group_capacity", "业务类别 "+g.Code+" 的容量不能为负", "the capacity of group "+g.Code+" cannot be negative")
		}
		codes[g.Code] = true
		for _, it := range g.Items {
			if strings.TrimSpace(it) == "" || items[it] {
				return bad("group_items", "事项编码为空或属于多个业务类别："+it, "an item code is empty or in several groups: "+it)
			}
			items[it] = true
		}
		for _, w := range g.Windows {
			if w.Number < 1 || windows[w.Number] {
				return bad("windows", fmt.Sprintf("窗口号应为正整数且不重复：%d", w.Number),
					fmt.Sprintf("window numbers must be positive and unique: %d", w.Number))
			}
			windows[w.Number] = true
		}
	}
	return nil
}

// weekdayZH names the days of the week, indexed by time.Weekday.
var weekdayZH = [7]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// WeekdayZH returns the Chinese name of a day of the week (周一 …).
func WeekdayZH(wd time.Weekday) string { return weekdayZH[wd] }
