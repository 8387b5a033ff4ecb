package appointments

import (
	"context"
	"fmt"
)

// The purposes of the messages the service sends.
const (
	purposeBooked    = "appointment_booked"
	purposeChanged   = "appointment_changed"
	purposeCancelled = "appointment_cancelled"
	purposeReminder  = "appointment_reminder"
	purposeNoShow    = "appointment_no_show"
)

// hallName returns h's name, or code when h is nil.
func hallName(h *Hall, code string) string {
	if h == nil {
		return code
	}
	return h.Name
}

// notice returns the subject and body of a message about b.
func (s *Service) notice(ctx context.Context, b *Booking, h *Hall, purpose string) (string, string) {
	item := s.ItemName(ctx, b.ItemCode)
	where := hallName(h, b.HallCode)
	when := slotText(b.StartsAt, b.EndsAt)
	checkin := fmt.Sprintf("请于时段开始前 %d 分钟至开始后 %d 分钟内，凭预约码和证件号码后四位在大厅签到取号。",
		int(s.policy.CheckInBefore.Minutes()), int(s.policy.CheckInAfter.Minutes()))
	switch purpose {
	case purposeBooked:
		return "预约成功", fmt.Sprintf("您已预约%s办理「%s」，时间 %s，预约码 %s。%s", where, item, when, b.Code, checkin)
	case purposeChanged:
		return "预约已改期", fmt.Sprintf("您办理「%s」的预约已改为%s %s，预约码 %s 不变。%s", item, where, when, b.Code, checkin)
	case purposeCancelled:
		return "预约已取消", fmt.Sprintf("您在%s %s办理「%s」的预约（预约码 %s）已取消。", where, when, item, b.Code)
	case purposeReminder:
		return "预约提醒", fmt.Sprintf("提醒：您预约了%s %s办理「%s」，预约码 %s。%s", where, when, item, b.Code, checkin)
	default:
		return "预约未到", fmt.Sprintf("您在%s %s办理「%s」的预约（预约码 %s）未按时签到办理，已记为未到。30 天内未到 %d 次将暂停预约 %d 天。",
			where, when, item, b.Code, s.policy.NoShowLimit, int(s.policy.NoShowPause.Hours()/24))
	}
}

// send delivers a message about b in the booker's in-app inbox and, for
// confirmations, changes and reminders, by SMS when a phone is known.
// Failures are logged: the booking stands whether or not the message
// could be sent.
func (s *Service) send(ctx context.Context, b *Booking, h *Hall, purpose string) {
	if s.notify == nil {
		return
	}
	subject, body := s.notice(ctx, b, h, purpose)
	if err := s.notify.SendInApp(ctx, b.AccountID, purpose, subject, body); err != nil {
		s.log.WarnContext(ctx, "appointment notice", "booking", b.ID, "purpose", purpose, "err", err)
	}
	if b.Phone == "" || purpose == purposeNoShow {
		return
	}
	if err := s.notify.SendSMS(ctx, b.Phone, purpose, "【鹏城政务】"+body, b.AccountID); err != nil {
		s.log.WarnContext(ctx, "appointment SMS", "booking", b.ID, "purpose", purpose, "err", err)
	}
}
