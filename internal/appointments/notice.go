package appointments

import (
	"context"
	"fmt"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/notify"
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

// notices returns the messages about b for purpose: to the booker's
// in-app inbox and, except for no-shows, by SMS when a phone is known.
// The caller passes them to the store method that makes the change, which
// enqueues them in its transaction, and wakes the notifier once it has
// committed, so a message exists if and only if its change does.
//
// Each message has an idempotency key, "appt:<booking>:<what>[:<version>]:
// <inbox|sms>": a booking is confirmed, cancelled and marked a no-show at
// most once, so those keys need no version; a change is keyed by its
// event (each change writes one), and a reminder by the slot it reminds
// of (a booking moved to another day is reminded of its new slot). The
// store enqueues nothing for a key it already holds, so a change written
// again sends nothing twice.
//
// A message that cannot be composed (a malformed stored phone) is logged
// and left out: the booker sees the booking on its page all the same.
func (s *Service) notices(ctx context.Context, b *Booking, h *Hall, purpose, version string) []*notify.Message {
	if s.notify == nil {
		return nil
	}
	subject, body := s.notice(ctx, b, h, purpose)
	key := "appt:" + b.ID + ":" + strings.TrimPrefix(purpose, "appointment_")
	if version != "" {
		key += ":" + version
	}
	var out []*notify.Message
	add := func(d notify.Draft) {
		m, err := s.notify.Compose(d)
		if err != nil {
			s.log.WarnContext(ctx, "appointment notice not composed", "booking", b.ID, "purpose", purpose,
				"channel", d.Channel, "err", err)
			return
		}
		out = append(out, m)
	}
	add(notify.Draft{Channel: notify.InApp, AccountID: b.AccountID, Purpose: purpose, Subject: subject, Body: body,
		IdempotencyKey: key + ":inbox"})
	if b.Phone != "" && purpose != purposeNoShow {
		add(notify.Draft{Channel: notify.SMS, Recipient: b.Phone, AccountID: b.AccountID, Purpose: purpose,
			Body: "【鹏城政务】" + body, IdempotencyKey: key + ":sms"})
	}
	return out
}

// wake asks the notifier to deliver the messages of a change that has
// just committed.
func (s *Service) wake() {
	if s.notify != nil {
		s.notify.Wake()
	}
}
