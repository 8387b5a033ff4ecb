package cases

import (
	"context"
	"fmt"
)

// PurposeProgress is the purpose of the notices sent about applications.
const PurposeProgress = "case.progress"

// tell notifies the applicant (in the app, and by SMS to the contact
// phone) and the agent who filed it of a change of app. Failures are
// logged: the change is already stored, and the applicant sees it on
// the application's page.
func (s *Service) tell(ctx context.Context, app *Application, ev *Event) {
	if s.d.Notifier == nil {
		return
	}
	body := noticeText(app, ev)
	subject := "办件进度通知：" + app.ItemName
	inbox := []string{app.Applicant.AccountID}
	if app.Representation == ThroughAgent && app.Agent.AccountID != app.Applicant.AccountID {
		inbox = append(inbox, app.Agent.AccountID)
	}
	for _, id := range inbox {
		if id == "" {
			continue
		}
		if err := s.d.Notifier.SendInApp(ctx, id, PurposeProgress, subject, body); err != nil {
			s.d.Log.WarnContext(ctx, "in-app notice failed", "serial", app.Serial, "err", err)
		}
	}
	if app.ContactPhone != "" {
		if err := s.d.Notifier.SendSMS(ctx, app.ContactPhone, PurposeProgress, "【鹏城政务】"+body, app.Applicant.AccountID); err != nil {
			s.d.Log.WarnContext(ctx, "SMS notice failed", "serial", app.Serial, "err", err)
		}
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
