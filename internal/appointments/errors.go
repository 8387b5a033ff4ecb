package appointments

import (
	"fmt"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// The errors stores return for the booking rules the database enforces.
// Compare with errors.Is. They must not be modified.
var (
	// ErrSlotFull is returned when a slot has no place left.
	ErrSlotFull = errs.E(errs.Conflict, "slot.full", "该时段已约满，请选择其他时段",
		"This slot is fully booked; please choose another one.")
	// ErrDuplicate is returned when an account already has an active
	// booking for the item on that day.
	ErrDuplicate = errs.E(errs.Conflict, "booking.duplicate", "您当天已有该事项的有效预约，同一事项每天只能预约一次",
		"You already have a booking for this service on that day; one booking per service and day is allowed.")
	// ErrCodeTaken is returned when a new booking's code is already used;
	// the service draws another code.
	ErrCodeTaken = errs.E(errs.Conflict, "booking.code_taken", "预约码冲突，请重试", "The booking code clashed; please try again.")
	// ErrStale is returned when a booking is no longer in the state an
	// operation expects (cancelled, checked in, started meanwhile).
	ErrStale = errs.E(errs.Conflict, "booking.stale", "预约状态已变化，请刷新页面后查看",
		"The booking has changed in the meantime; please reload the page.")
	// ErrQueueEmpty is returned by CallNext when nobody is waiting.
	ErrQueueEmpty = errs.E(errs.Conflict, "queue.empty", "当前没有等候叫号的群众", "Nobody is waiting to be called.")
)

func errHallNotFound(code string) error {
	return errs.E(errs.NotFound, "hall.not_found", fmt.Sprintf("未找到服务大厅 %.30q", code), fmt.Sprintf("no service hall %.30q", code))
}

func errBookingNotFound() error {
	return errs.E(errs.NotFound, "booking.not_found", "未找到该预约", "No such appointment.")
}

func errUnauthenticated() error {
	return errs.E(errs.Unauthenticated, "auth.required", "请先登录", "Please sign in first.")
}

func errNotBooker() error {
	return errs.E(errs.Forbidden, "booking.not_booker", "只有个人或企业账户可以预约，工作人员账户不能预约",
		"Only personal and enterprise accounts can book appointments; staff accounts cannot.")
}

func errNotOperator() error {
	return errs.E(errs.Forbidden, "hall.not_operator", "您不是该大厅的工作人员，无权操作其叫号队列",
		"You are not on this hall's staff and may not operate its queue.")
}

func errNotServed(item string) error {
	return errs.Field("item", "hall.item_not_served", "该大厅不办理此事项："+item, "this hall does not handle this service: "+item)
}

func errItemRequired() error {
	return errs.Field("item", "booking.item_required", "请选择要办理的事项", "please choose the service you need")
}

func errPastDay() error {
	return errs.Field("date", "date.past", "不能预约已经过去的日期", "that date has passed")
}

func errBeyondHorizon(days int) error {
	return errs.Field("date", "date.horizon", fmt.Sprintf("只能预约今天起 %d 天内的时段", days),
		fmt.Sprintf("appointments can be booked at most %d days ahead", days))
}

func errNoSuchSlot() error {
	return errs.Field("start", "slot.unknown", "所选时段不存在，请从列表中选择时段", "there is no such slot; please choose one from the list")
}

func errSlotStarted() error {
	return errs.Field("start", "slot.started", "该时段已开始或已过去，请选择其他时段", "that slot has started or passed; please choose another one")
}

func errClosed(d Day, reason string) error {
	if reason != "" {
		return errs.Field("date", "hall.closed", fmt.Sprintf("大厅 %s 休息（%s），请选择其他日期", d, reason),
			fmt.Sprintf("the hall is closed on %s (%s); please choose another date", d, reason))
	}
	return errs.Field("date", "hall.closed", fmt.Sprintf("大厅 %s 不对外办公，请选择其他日期", d),
		fmt.Sprintf("the hall is closed on %s; please choose another date", d))
}

func errSameSlot() error {
	return errs.Field("start", "slot.same", "新时段与原时段相同", "the new slot is the one already booked")
}

func errPaused(until time.Time, n int, window time.Duration) error {
	days := int(window / (24 * time.Hour))
	at := FormatTime(until, "2006-01-02 15:04")
	return errs.E(errs.Forbidden, "booking.paused",
		fmt.Sprintf("您在 %d 天内有 %d 次预约未到，预约功能暂停至 %s", days, n, at),
		fmt.Sprintf("You missed %d appointments within %d days; booking is paused until %s.", n, days, at))
}

func errApplicantKind(enterprise bool) error {
	if enterprise {
		return errs.Field("item", "item.enterprise_only", "该事项仅限企业等组织办理，请使用企业账户预约",
			"this service is for enterprises and organisations; please book with an enterprise account")
	}
	return errs.Field("item", "item.person_only", "该事项仅限个人办理，请使用个人账户预约",
		"this service is for individuals; please book with a personal account")
}

func errCheckInCode() error {
	return errs.E(errs.NotFound, "checkin.not_found", "未找到预约，请核对预约码和证件号码后四位",
		"No appointment found; please check the booking code and the last four characters of the ID number.")
}

func errCheckInEarly(from time.Time) error {
	at := FormatTime(from, "15:04")
	return errs.E(errs.Conflict, "checkin.early", "尚未到签到时间，请于 "+at+" 后签到", "It is too early to check in; please check in from "+at+".")
}

func errCheckInLate() error {
	return errs.E(errs.Conflict, "checkin.late", "已超过签到时间，本次预约不能签到，请重新预约或现场取号",
		"The check-in time has passed; please book again or take a walk-in number.")
}

func errCheckInState(s Status) error {
	return errs.E(errs.Conflict, "checkin.state", "该预约当前不能签到（状态："+StatusZH(s)+"）",
		"This appointment cannot be checked in (status: "+string(s)+").")
}

func errNoWindow(n int) error {
	return errs.Field("window", "hall.window", fmt.Sprintf("该大厅没有 %d 号窗口", n), fmt.Sprintf("the hall has no window %d", n))
}

// StatusZH names a status in Chinese, for messages.
func StatusZH(s Status) string {
	switch s {
	case Booked:
		return "已预约"
	case Cancelled:
		return "已取消"
	case CheckedIn:
		return "已签到"
	case Called:
		return "已叫号"
	case Served:
		return "已办理"
	case NoShow:
		return "未到"
	}
	return string(s)
}
