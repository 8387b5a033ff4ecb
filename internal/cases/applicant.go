package cases

import (
	"context"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// parties decides who applies, who acts for them and through which
// channel, from the actor and the submission, and fills them into app:
//
//   - a person applies for themselves, or — naming a Principal — as an
//     agent for another person, which needs a mandate among the materials;
//   - an enterprise account applies for the enterprise;
//   - a caseworker at a hall window submits for a visitor named as the
//     Principal (a person or an enterprise); the channel is then Window.
func (s *Service) parties(ctx context.Context, actor *identity.Account, sub *Submission, app *Application) error {
	app.FiledBy, app.FiledByName = actor.ID, actor.DisplayName
	switch actor.Kind {
	case identity.Person:
		ch, err := citizenChannel(sub.Channel)
		if err != nil {
			return err
		}
		app.Channel = ch
		if sub.Principal == nil {
			if actor.IDNumber == "" {
				return errs.E(errs.Invalid, "case.no_id_number", "您的账户没有登记身份证号码，无法以本人名义申请",
					"your account has no identity number, so you cannot apply in your own name")
			}
			app.Representation = Self
			app.Applicant = Party{Kind: catalog.ApplicantPerson, Name: actor.DisplayName, Number: actor.IDNumber, AccountID: actor.ID}
			return nil
		}
		p, err := s.principal(ctx, sub.Principal, false)
		if err != nil {
			return err
		}
		if p.Number == actor.IDNumber {
			return errs.Field("principal_number", "case.agent_self", "代他人申请时，委托人不能是您本人",
				"when applying for someone else, the principal cannot be yourself")
		}
		app.Representation = ThroughAgent
		app.Applicant = p
		app.Agent = Party{Kind: catalog.ApplicantPerson, Name: actor.DisplayName, Number: actor.IDNumber, AccountID: actor.ID}
		return nil
	case identity.Enterprise:
		ch, err := citizenChannel(sub.Channel)
		if err != nil {
			return err
		}
		if sub.Principal != nil {
			return errs.Field("principal_name", "case.enterprise_agent", "企业账户只能以本企业名义申请",
				"an enterprise account applies in the enterprise's own name only")
		}
		app.Channel, app.Representation = ch, ForCompany
		app.Applicant = Party{Kind: catalog.ApplicantEnterprise, Name: actor.DisplayName, Number: actor.USCC, AccountID: actor.ID}
		return nil
	case identity.Staff:
		if !IsCaseworker(actor) {
			return errs.E(errs.Forbidden, "case.staff_submit", "只有窗口受理人员可以代来访群众提交申请",
				"only caseworkers may submit applications for visitors")
		}
		if sub.Channel != "" && sub.Channel != Window {
			return errs.Field("channel", "case.channel", "工作人员代办的申请只能通过窗口渠道提交",
				"staff submit applications through the window channel only")
		}
		if sub.Principal == nil {
			return errs.Field("principal_name", "case.visitor_missing", "请填写来访申请人的姓名（名称）和证件号码",
				"enter the visiting applicant's name and identity number or credit code")
		}
		p, err := s.principal(ctx, sub.Principal, true)
		if err != nil {
			return err
		}
		app.Channel, app.Applicant = Window, p
		app.Representation = Self
		if p.Kind == catalog.ApplicantEnterprise {
			app.Representation = ForCompany
		}
		return nil
	}
	return errs.E(errs.Forbidden, "case.account_kind", "此账户不能提交申请", "this account cannot submit applications")
}

// citizenChannel checks the channel a citizen's submission names: online
// (the default) or mobile.
func citizenChannel(c Channel) (Channel, error) {
	switch c {
	case "":
		return Online, nil
	case Online, Mobile:
		return c, nil
	case Window:
		return "", errs.Field("channel", "case.channel", "窗口渠道仅供大厅工作人员使用",
			"the window channel is for service-hall staff only")
	}
	return "", errs.Field("channel", "case.channel", "申请渠道无效："+string(c), "unknown channel: "+string(c))
}

// principal checks the party an agent or a window clerk names, and links
// it to its account: a person's account only when its identity number was
// verified, so that nobody sees another's applications by registering
// their number.
func (s *Service) principal(ctx context.Context, in *Party, enterpriseOK bool) (Party, error) {
	p := Party{Kind: in.Kind}
	if p.Kind == "" {
		p.Kind = catalog.ApplicantPerson
	}
	if p.Kind != catalog.ApplicantPerson && (p.Kind != catalog.ApplicantEnterprise || !enterpriseOK) {
		return Party{}, errs.Field("principal_kind", "case.principal_kind", "代理申请只能代自然人办理",
			"an agent applies for a natural person only")
	}
	name, err := identity.ValidateDisplayName(in.Name)
	if err != nil {
		return Party{}, onField(err, "principal_name")
	}
	p.Name = name
	if p.Kind == catalog.ApplicantPerson {
		info, err := identity.ParseIDNumber(strings.ToUpper(strings.TrimSpace(in.Number)))
		if err != nil {
			return Party{}, onField(err, "principal_number")
		}
		p.Number = info.Number
	} else {
		n, err := identity.ValidateUSCC(in.Number)
		if err != nil {
			return Party{}, onField(err, "principal_number")
		}
		p.Number = n
	}
	a, err := s.d.Accounts.AccountByLogin(ctx, p.Number)
	switch {
	case errs.Is(err, errs.NotFound):
	case err != nil:
		return Party{}, errs.Wrap(err, "find the principal's account")
	case p.Kind == catalog.ApplicantPerson && a.Kind == identity.Person && a.IDNumber == p.Number && a.IDVerified && !a.Disabled:
		p.AccountID = a.ID
	case p.Kind == catalog.ApplicantEnterprise && a.Kind == identity.Enterprise && a.USCC == p.Number && !a.Disabled:
		p.AccountID = a.ID
	}
	return p, nil
}

// onField returns err re-addressed to field when it is an Invalid
// *errs.Error, so that a form can mark the input at fault.
func onField(err error, field string) error {
	e := errs.As(err)
	if e == nil || e.Kind != errs.Invalid {
		return err
	}
	c := *e
	c.Field = field
	return &c
}

// applicantKindText names an applicant kind in messages.
func applicantKindText(k catalog.ApplicantKind) Label {
	if k == catalog.ApplicantEnterprise {
		return Label{ZH: "法人或其他组织", EN: "organisations"}
	}
	return Label{ZH: "自然人", EN: "natural persons"}
}
