package cases

import (
	"fmt"

	"github.com/pengcheng-gov/pengcheng/internal/notify"
)

// PurposeProgress is the purpose of the notices sent about applications.
const PurposeProgress = "case.progress"

// Notices returns the notices of a change of app (whose serial number is
// known): to the applicant's inbox and the inbox of the agent who filed
// it, and by SMS to the contact phone. They are stored in the
// transaction that stores the change and delivered after it commits; the
// idempotency key (application, event) makes each at most once. A notice
// that cannot be composed (a malformed stored phone) is logged and left
// out: the applicant sees the change on the application's page.
func (s *Service) Notices(app *Application, ev *Event) []*notify.Message {
	if s.d.Notifier == nil {
		return nil
	}
	return s.NoticesWithText(app, ev, noticeText(app, ev))
}

// NoticesWithText is [Service.Notices] with the text given.
func (s *Service) NoticesWithText(app *Application, ev *Event, body string) []*notify.Message {
	if s.d.Notifier == nil {
		return nil
	}
	subject := "办件进度通知：" + app.ItemName
	inbox := []string{app.Applicant.AccountID}
	if app.Representation == ThroughAgent && app.Agent.AccountID != app.Applicant.AccountID {
		inbox = append(inbox, app.Agent.AccountID)
	}
	var out []*notify.Message
	add := func(d notify.Draft) {
		m, err := s.d.Notifier.Compose(d)
		if err != nil {
			s.d.Log.Warn("notice not composed", "serial", app.Serial, "channel", d.Channel, "err", err)
			return
		}
		out = append(out, m)
	}
	for _, id := range inbox {
		if id != "" {
			add(notify.Draft{Channel: notify.InApp, AccountID: id, Purpose: PurposeProgress, Subject: subject, Body: body,
				IdempotencyKey: fmt.Sprintf("case:%s:%d:inbox:%s", app.ID, ev.Seq, id)})
		}
	}
	if app.ContactPhone != "" {
		add(notify.Draft{Channel: notify.SMS, Recipient: app.ContactPhone, AccountID: app.Applicant.AccountID,
			Purpose: PurposeProgress, Body: "【鹏城政务】" + body, IdempotencyKey: fmt.Sprintf("case:%s:%d:sms", app.ID, ev.Seq)})
	}
	return out
}

// SMS returns a text message about app to phone (e.g. an employer's
// contact), keyed by the application, the event and the phone; nil when
// it cannot be composed.
func (s *Service) SMS(app *Application, ev *Event, phone, body string) *notify.Message {
	if s.d.Notifier == nil {
		return nil
	}
	m, err := s.d.Notifier.Compose(notify.Draft{Channel: notify.SMS, Recipient: phone, Purpose: PurposeProgress,
		Body: "【鹏城政务】" + body, IdempotencyKey: fmt.Sprintf("case:%s:%d:sms:%s", app.ID, ev.Seq, phone)})
	if err != nil {
		s.d.Log.Warn("notice not composed", "serial", app.Serial, "err", err)
		return nil
	}
	return m
}

// Wake asks the notifier to deliver what was just committed.
func (s *Service) Wake() {
	if s.d.Notifier != nil {
		s.d.Notifier.Wake()
	}
}

// noticeText is the notice of an event, in Chinese (SMS and notices go
// out in Chinese).
func noticeText(app *Application, ev *Event) string {
	head := fmt.Sprintf("您的「%s」办件（流水号 %s）", app.ItemName, app.Serial)
	switch ev.To {
	case Submitted:
		return head + "已提交，请等待部门受理。可凭流水号和证件号码后四位查询进度。"
	case Correction:
		return head + "需要补正材料，请登录查看补正要求后重新提交。"
	case NotAccepted:
		return head + "不予受理。原因：" + ev.Reason
	case Accepted:
		return fmt.Sprintf("%s已受理，承诺于 %s 前办结。", head, app.DueAt.In(chinaTime).Format("2006年1月2日"))
	case UnderReview:
		return head + "已进入审查。"
	case Approved:
		switch app.Delivery.Method {
		case Post:
			return head + "已准予许可，结果将邮寄送达。"
		case Pickup:
			return head + "已准予许可，请携带身份证件到窗口领取结果。"
		}
		return head + "已准予许可。"
	case Rejected:
		return head + "不予许可。原因：" + ev.Reason
	case Delivered:
		return head + "的结果已送达。"
	case Closed:
		return head + "已办结。"
	case Withdrawn:
		return head + "已撤回。"
	}
	return head + "状态已更新为「" + StateText(ev.To).ZH + "」。"
}
