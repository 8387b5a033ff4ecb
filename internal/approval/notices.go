package approval

import (
	"fmt"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/notify"
)

// notices are the messages of a decision, composed once the serial
// numbers are known: the outcome to the applicant's inbox and by SMS to
// the contact phone, and on the employer channel an SMS to the employer's
// contact (the form's employer_phone).
func (s *Service) notices(r *Recording, ev *Evaluation, in *Input) []*notify.Message {
	app := r.App
	last := r.Events[len(r.Events)-1]
	text := outcomeText(r, ev)
	msgs := s.d.Cases.NoticesWithText(app, last, text)
	if in.Channel == ChannelEmployer {
		if phone, err := identity.ValidatePhone(in.Form["employer_phone"]); err == nil && phone != app.ContactPhone {
			body := fmt.Sprintf("贵单位为%s申报的「%s」（流水号 %s）%s", in.Applicant.Name, app.ItemName, app.Serial, outcomeShort(ev.Outcome))
			if m := s.d.Cases.SMS(app, last, phone, body); m != nil {
				msgs = append(msgs, m)
			}
		}
	}
	return msgs
}

// outcomeText is the notice of a decision, in Chinese.
func outcomeText(r *Recording, ev *Evaluation) string {
	app := r.App
	head := fmt.Sprintf("您申请的「%s」（流水号 %s）", app.ItemName, app.Serial)
	switch ev.Outcome {
	case Approve:
		s := head + "已通过秒批，准予办理。"
		if r.Handover != nil {
			s += fmt.Sprintf("已自动移交%s办理「%s」（流水号 %s），无需再次提交材料。", departmentLabel(r), r.Handover.ItemName, r.Handover.Serial)
		}
		return s
	case Reject:
		return head + "未通过自动审核：" + strings.Join(ev.FailReasons(), "；") + "。如有异议，可登录查看详情并申请人工复核。"
	case Correction:
		return head + "需要补正：" + strings.Join(ev.Corrections(), "、") + "。请登录补正后重新提交。"
	}
	return head + "已提交，部分信息需人工核实，工作人员将尽快审核。"
}

// departmentLabel names the department a hand-over goes to.
func departmentLabel(r *Recording) string {
	if r.HandoverDepartment != "" {
		return r.HandoverDepartment
	}
	return "相关部门"
}

// outcomeShort is a decision in a few words, for third parties.
func outcomeShort(o Outcome) string {
	switch o {
	case Approve:
		return "已通过秒批，准予办理。"
	case Reject:
		return "未通过自动审核，详情请申请人登录查看。"
	case Correction:
		return "需要补正材料。"
	}
	return "已转人工审核。"
}
