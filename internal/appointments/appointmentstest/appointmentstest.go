// Package appointmentstest helps test code that uses appointments: a test
// hall, an appointments service on a test database with the real identity,
// notify and catalogue services ([NewEnv]), factories, and the contract
// suite every appointments.Store must pass ([StoreSuite]), including its
// concurrency tests.
package appointmentstest

import (
	"github.com/pengcheng-gov/pengcheng/internal/appointments"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
)

// The test hall and its items. Group A (department DeptA) serves ItemA
// and ItemEnterprise at windows 1 and 2; group B (DeptB) serves ItemB at
// window 3.
const (
	HallCode       = "TEST"
	ItemA          = "4403-TESTA-001"
	ItemEnterprise = "4403-TESTA-002" // for enterprises only, in the catalogue
	ItemB          = "4403-TESTB-001"
)

// ClosedDay is a Friday on which the test hall is closed.
const ClosedDay appointments.Day = "2026-03-06"

// HallOpts overrides the defaults of Hall; nil fields keep them.
type HallOpts struct {
	Name      *string
	PerWindow *int
	CapacityA *int // group A's capacity; 0 means by windows
	Closed    *[]appointments.ClosedDay
}

// Hall returns a valid hall with code: open Monday to Friday 09:00-12:00
// and 14:00-17:00 and Saturday 09:00-12:00 in 30-minute slots, one booking
// per window, closed on ClosedDay, with groups A and B as described at
// [HallCode].
func Hall(code string, o *HallOpts) *appointments.Hall {
	if o == nil {
		o = &HallOpts{}
	}
	var hours appointments.Hours
	for wd := 1; wd <= 5; wd++ {
		hours[wd] = []appointments.Period{{Open: 9 * 60, Close: 12 * 60}, {Open: 14 * 60, Close: 17 * 60}}
	}
	hours[6] = []appointments.Period{{Open: 9 * 60, Close: 12 * 60}}
	return &appointments.Hall{
		Code: code, Name: or(o.Name, "测试大厅 "+code), NameEN: "Test hall " + code, Address: "深圳市宝安区测试路 1 号",
		Division: "440306", Phone: "0755-00000000", Hours: hours, SlotMinutes: 30, PerWindow: or(o.PerWindow, 1),
		Closed: or(o.Closed, []appointments.ClosedDay{{Day: ClosedDay, Reason: "测试休息日"}}),
		Groups: []*appointments.Group{
			{Code: "A", Name: "甲类业务", Department: identitytest.DeptA, Items: []string{ItemA, ItemEnterprise},
				Windows: []appointments.Window{{Number: 1, Name: "1号窗口"}, {Number: 2, Name: "2号窗口"}}, Capacity: or(o.CapacityA, 0)},
			{Code: "B", Name: "乙类业务", Department: identitytest.DeptB, Items: []string{ItemB},
				Windows: []appointments.Window{{Number: 3, Name: "3号窗口"}}},
		},
	}
}

func or[T any](p *T, def T) T {
	if p != nil {
		return *p
	}
	return def
}
