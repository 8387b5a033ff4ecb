package appointments

import (
	"context"
	"fmt"
)

// The codes of the demo halls.
const (
	DemoMunicipalHall = "SMZX" // 市民中心行政服务大厅 (440300)
	DemoBaoanHall     = "BAZW" // 宝安区政务服务中心 (440306)
)

// items returns item codes of a department: 4403-DEPT-NNN for each n.
func items(dept string, numbers ...int) []string {
	out := make([]string, len(numbers))
	for i, n := range numbers {
		out[i] = fmt.Sprintf("4403-%s-%03d", dept, n)
	}
	return out
}

// windows returns windows numbered from first to last.
func windows(first, last int) []Window {
	var out []Window
	for n := first; n <= last; n++ {
		out = append(out, Window{Number: n, Name: fmt.Sprintf("%d号窗口", n)})
	}
	return out
}

// weekdays returns hours open on Monday to Friday with periods, and on
// Saturday with saturday (none when nil).
func weekdays(saturday []Period, periods ...Period) Hours {
	var h Hours
	for wd := 1; wd <= 5; wd++ {
		h[wd] = periods
	}
	h[6] = saturday
	return h
}

// holidays2026 are the public holidays of 2026 (国务院办公厅 schedule).
func holidays2026() []ClosedDay {
	spans := []struct {
		from   Day
		days   int
		reason string
	}{
		{"2026-01-01", 3, "元旦"}, {"2026-02-15", 9, "春节"}, {"2026-04-04", 3, "清明节"},
		{"2026-05-01", 5, "劳动节"}, {"2026-06-19", 3, "端午节"}, {"2026-09-25", 3, "中秋节"},
		{"2026-10-01", 7, "国庆节"},
	}
	var out []ClosedDay
	for _, s := range spans {
		for i := range s.days {
			out = append(out, ClosedDay{Day: s.from.AddDays(i), Reason: s.reason})
		}
	}
	return out
}

// DemoHalls returns the demo city's two halls, marked as demo data: the
// municipal administrative service hall at the Civic Centre (440300) and
// the Bao'an district government service centre (440306), each with
// window groups for exit-entry and household registration (市公安局),
// talent and human resources (市人力资源保障局) and business registration
// (市市场监管委) items of the shipped catalogue. Their addresses and
// windows are illustrative.
func DemoHalls() []*Hall {
	return []*Hall{
		{
			Code: DemoMunicipalHall, Name: "深圳市民中心行政服务大厅（演示）", NameEN: "Shenzhen Civic Centre Administrative Service Hall (demo)",
			Address: "深圳市福田区福中三路市民中心B区（演示地址）", Division: "440300", Phone: "0755-12345",
			Hours:       weekdays([]Period{{9 * 60, 12 * 60}}, Period{9 * 60, 12 * 60}, Period{14 * 60, 18 * 60}),
			SlotMinutes: 30, PerWindow: 2, Closed: holidays2026(), Demo: true,
			Groups: []*Group{
				{Code: "A", Name: "出入境业务", Department: "SZGA", Items: items("SZGA", 1, 2, 3, 8, 10, 11, 12, 14), Windows: windows(1, 4)},
				{Code: "B", Name: "户政业务", Department: "SZGA", Items: items("SZGA", 20, 21, 22, 23, 29), Windows: windows(5, 6)},
				{Code: "C", Name: "人才引进与人力资源", Department: "SZRS",
					Items: items("SZRS", 7, 8, 11, 12, 13, 15, 21, 22), Windows: windows(7, 8)},
				{Code: "D", Name: "商事登记", Department: "SZSC",
					Items: items("SZSC", 1, 2, 3, 4, 5, 6, 9, 12, 15, 19, 23), Windows: windows(9, 11)},
			},
		},
		{
			Code: DemoBaoanHall, Name: "宝安区政务服务中心（演示）", NameEN: "Bao'an District Government Service Centre (demo)",
			Address: "深圳市宝安区新安街道（演示地址）", Division: "440306", Phone: "0755-12345",
			Hours:       weekdays(nil, Period{8*60 + 30, 12 * 60}, Period{13*60 + 30, 18 * 60}),
			SlotMinutes: 30, PerWindow: 2, Closed: holidays2026(), Demo: true,
			Groups: []*Group{
				{Code: "A", Name: "出入境业务", Department: "SZGA", Items: items("SZGA", 1, 2, 3, 10, 11), Windows: windows(1, 2)},
				{Code: "B", Name: "户政业务", Department: "SZGA", Items: items("SZGA", 20, 21, 22, 23), Windows: windows(3, 3)},
				{Code: "C", Name: "社保与就业", Department: "SZRS", Items: items("SZRS", 21, 22, 23), Windows: windows(4, 5)},
				{Code: "D", Name: "商事登记", Department: "SZSC", Items: items("SZSC", 1, 3, 6, 15, 16, 17), Windows: windows(6, 8)},
			},
		},
	}
}

// SeedDemo creates or updates the demo halls (see [DemoHalls]) as the
// system and returns how many it wrote. The departments SZGA, SZRS and
// SZSC must exist. It is safe to run on every start.
func SeedDemo(ctx context.Context, s *Service) (int, error) {
	halls := DemoHalls()
	for _, h := range halls {
		if old, err := s.store.FindHall(ctx, h.Code); err == nil {
			h.CreatedAt = old.CreatedAt
		}
		if err := s.SaveHall(ctx, nil, h); err != nil {
			return 0, fmt.Errorf("seed demo hall %s: %w", h.Code, err)
		}
	}
	return len(halls), nil
}
