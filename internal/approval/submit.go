package approval

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/notify"
)

// chinaTime is the zone of application dates.
var chinaTime = time.FixedZone("CST", 8*3600)

// Submit files an application as cases.Service.Submit does and, when the
// item has published rules, decides it at once: the application, its
// decision, the hand-over to the next department (on approval) and the
// notices are stored in one transaction before Submit returns, so the
// applicant sees the outcome on the next page. Items without published
// rules are filed for caseworkers as usual (the decision is then nil).
// Bad input is refused as cases.Submit refuses it, and nothing is
// stored.
func (s *Service) Submit(ctx context.Context, actor *identity.Account, sub cases.Submission) (*cases.Application, *Decision, error) {
	app, dec, _, err := s.submitRecorded(ctx, actor, sub)
	return app, dec, err
}

// submitRecorded does the work of Submit and returns the recording it
// stored (nil for items without rules).
func (s *Service) submitRecorded(ctx context.Context, actor *identity.Account, sub cases.Submission) (*cases.Application, *Decision, *Recording, error) {
	rs, prg, err := s.current(ctx, sub.ItemCode)
	if err != nil {
		return nil, nil, nil, err
	}
	if rs == nil {
		app, err := s.d.Cases.Submit(ctx, actor, sub)
		return app, nil, nil, err
	}
	app, submitted, err := s.d.Cases.Prepare(ctx, actor, sub)
	if err != nil {
		return nil, nil, nil, err
	}
	it, err := s.d.Catalog.FindItem(ctx, app.ItemCode)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("item %s: %w", app.ItemCode, err)
	}
	in, person, err := s.inputOf(ctx, app, it, prg.Doc)
	if err != nil {
		return nil, nil, nil, err
	}
	rec, dec, err := s.decide(ctx, app, 0, it, rs.Version, prg, in, person)
	if err != nil {
		return nil, nil, nil, err
	}
	rec.Events = append([]*cases.Event{submitted}, rec.Events...)
	if err := s.d.Store.Record(ctx, rec); err != nil {
		return nil, nil, nil, fmt.Errorf("record the decision on %s: %w", app.ItemCode, err)
	}
	s.d.Cases.Wake()
	return app, dec, rec, nil
}

// decide evaluates in and builds the recording of its decision on app
// (stored at version from; 0 for a new application).
func (s *Service) decide(ctx context.Context, app *cases.Application, from int, it *catalog.Item, version int,
	prg *Program, in *Input, person cases.Party) (*Recording, *Decision, error) {
	ev := s.run(ctx, it, version, prg, in, "办件 "+app.ID)
	dec := s.decision(ev, in, app.ID)
	auto := cases.AutoDecision{Outcome: cases.AutoOutcome(ev.Outcome), Ref: "decision:" + dec.ID}
	switch ev.Outcome {
	case Reject:
		auto.Reason = strings.Join(ev.FailReasons(), "；")
	case Correction:
		auto.Items = ev.Corrections()
		auto.Reason = "材料不齐，请补正后重新提交"
	}
	events, err := s.d.Cases.AutoDecide(app, auto)
	if err != nil {
		return nil, nil, err
	}
	rec := &Recording{App: app, FromVersion: from, Events: events, Decision: dec}
	if ev.Outcome == Approve && prg.Doc.Handover != nil {
		if err := s.handover(ctx, rec, prg.Doc.Handover.Item, person, ev.handover); err != nil {
			return nil, nil, err
		}
	}
	rec.Notices = func(r *Recording) []*notify.Message { return s.notices(r, ev, in) }
	return rec, dec, nil
}

// handover adds the linked application of the next department to rec.
func (s *Service) handover(ctx context.Context, rec *Recording, itemCode string, person cases.Party, form map[string]string) error {
	it, err := s.d.Catalog.FindItem(ctx, itemCode)
	if err != nil {
		return fmt.Errorf("hand-over item %s: %w", itemCode, err)
	}
	dept, err := s.d.Catalog.FindDepartment(ctx, it.Department)
	if err != nil {
		return fmt.Errorf("department of hand-over item %s: %w", itemCode, err)
	}
	h, hev, tev, err := s.d.Cases.Handover(rec.App, person, it, dept, form)
	if err != nil {
		return err
	}
	rec.Handover, rec.HandoverEvents, rec.Transfer, rec.HandoverDepartment = h, []*cases.Event{hev}, tev, dept.Name
	rec.Events = append(rec.Events, tev)
	return nil
}

// inputOf builds the evaluation's input from a prepared application, and
// returns the person it is about: the applicant themselves (channel
// individual), or the graduate an employer or agency applied for (whose
// identity number and name the form gives).
func (s *Service) inputOf(ctx context.Context, app *cases.Application, it *catalog.Item, doc *Document) (*Input, cases.Party, error) {
	f := app.Form
	in := &Input{AppliedOn: app.SubmittedAt.In(chinaTime).Format(time.DateOnly),
		Education: Education{CertificateNo: f["certificate_no"], DegreeCertificateNo: f["degree_certificate_no"],
			VerificationCode: f["verification_code"]},
		EmployerUSCC: f["employer_uscc"], Form: map[string]string{}}
	for k, v := range f {
		in.Form[k] = v
	}
	var person cases.Party
	switch app.Applicant.Kind {
	case catalog.ApplicantPerson:
		if ch := f["channel"]; ch != "" && ch != ChannelIndividual {
			return nil, person, errs.Field("channel", "approval.channel_person", "个人只能通过个人渠道申报",
				"a person applies through the individual channel")
		}
		in.Channel = ChannelIndividual
		name := strings.TrimSpace(f["name"])
		if name == "" {
			name = app.Applicant.Name
		}
		in.Applicant = Applicant{IDNumber: app.Applicant.Number, Name: name, Phone: app.ContactPhone}
		person = app.Applicant
	default:
		in.Channel = f["channel"]
		switch in.Channel {
		case ChannelEmployer:
			if in.EmployerUSCC == "" {
				in.EmployerUSCC = app.Applicant.Number
			}
		case ChannelAgency:
			in.AgencyUSCC = app.Applicant.Number
		default:
			return nil, person, errs.Field("channel", "approval.channel_org", "单位申报请选择用人单位申报或人才服务机构申报",
				"an organisation applies through the employer or the agency channel")
		}
		id, err := identity.ParseIDNumber(f["id_number"])
		if err != nil {
			return nil, person, errs.Field("id_number", "approval.graduate_id", "请填写毕业生的有效身份证号码",
				"give the graduate's valid identity number")
		}
		name := strings.TrimSpace(f["name"])
		if name == "" {
			return nil, person, errs.Field("name", "approval.graduate_name", "请填写毕业生姓名", "give the graduate's name")
		}
		in.Applicant = Applicant{IDNumber: id.Number, Name: name, Phone: app.ContactPhone}
		person = cases.Party{Kind: catalog.ApplicantPerson, Name: name, Number: id.Number}
		if a, err := s.d.Accounts.AccountByLogin(ctx, id.Number); err == nil && a.IDNumber == id.Number {
			person.AccountID = a.ID
		}
	}
	in.Materials = materialIDs(app, doc)
	if err := in.Check(); err != nil {
		return nil, person, err
	}
	return in, person, nil
}

// materialIDs maps the application's attachments to the rule set's
// material ids: an attachment counts for an id when its material's name
// is the id's name, or begins with it followed by a parenthesised note
// (学位证书（本科及以上学历须提供） is 学位证书).
func materialIDs(app *cases.Application, doc *Document) []string {
	var out []string
	for id, name := range doc.Materials {
		for _, a := range app.Materials {
			if a.Material == name || strings.HasPrefix(a.Material, name+"（") || strings.HasPrefix(a.Material, name+"(") {
				out = append(out, id)
				break
			}
		}
	}
	return out
}

// Submitter is the service as the application pages' submitter: what
// casesweb calls to file submissions and corrections.
type Submitter struct{ S *Service }

// Submit files and, where the item has published rules, decides.
func (s Submitter) Submit(ctx context.Context, actor *identity.Account, sub cases.Submission) (*cases.Application, error) {
	app, _, err := s.S.Submit(ctx, actor, sub)
	return app, err
}

// SubmitView is Submit answering with the submitter's view of the new
// application and its trace, without reading back what was just stored.
func (s Submitter) SubmitView(ctx context.Context, actor *identity.Account, sub cases.Submission) (*cases.View, error) {
	app, _, rec, err := s.S.submitRecorded(ctx, actor, sub)
	if err != nil {
		return nil, err
	}
	if rec != nil {
		if v := s.S.d.Cases.ViewOf(actor, app, rec.Events); v != nil {
			return v, nil
		}
	}
	return s.S.d.Cases.Application(ctx, actor, app.Serial)
}

// Resubmit files corrections and, where the item has published rules,
// decides again.
func (s Submitter) Resubmit(ctx context.Context, actor *identity.Account, serial string, c cases.Amendment) (*cases.Application, error) {
	app, _, err := s.S.Resubmit(ctx, actor, serial, c)
	return app, err
}
