package cases

import (
	"fmt"
	"maps"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// SystemName is the name the trace shows for the platform's automatic
// decisions (秒批).
const SystemName = "秒批系统"

// AutoOutcome is what an automatic evaluation decided.
type AutoOutcome string

// The outcomes of an automatic evaluation, as package approval names them.
const (
	AutoApprove    AutoOutcome = "approve"
	AutoReject     AutoOutcome = "reject"
	AutoCorrection AutoOutcome = "correction"
	AutoManual     AutoOutcome = "manual"
)

// AutoDecision is an automatic evaluation's decision on an application.
type AutoDecision struct {
	Outcome AutoOutcome
	// Reason: for reject, the reasons (shown to the applicant); for the
	// others, a note for the trace.
	Reason string
	// Items: for correction, what the applicant must supply.
	Items []string
	// Ref names the decision record (kept in the events' detail).
	Ref string
}

// AutoDecide applies an automatic decision to app, which is submitted (a
// new application from [Service.Prepare], or a resubmitted one), as the
// system: approve accepts, reviews and approves it; reject accepts,
// reviews and rejects it with the reasons; correction returns it with the
// checklist; manual leaves it submitted in the department's queue with a
// note. It returns the new events (Seq following app.Version, which it
// advances); nothing is stored.
func (s *Service) AutoDecide(app *Application, d AutoDecision) ([]*Event, error) {
	var steps []Action
	switch d.Outcome {
	case AutoApprove:
		steps = []Action{ActAccept, ActReview, ActApprove}
	case AutoReject:
		steps = []Action{ActAccept, ActReview, ActReject}
	case AutoCorrection:
		steps = []Action{ActReturn}
	case AutoManual:
		return nil, nil
	default:
		return nil, fmt.Errorf("cases: unknown automatic outcome %q", d.Outcome)
	}
	now := s.now()
	var out []*Event
	for _, a := range steps {
		from := app.State
		to, err := Transition(from, a, RoleSystem)
		if err != nil {
			return nil, fmt.Errorf("automatic %s of %s: %w", a, app.ID, err)
		}
		reason := ""
		switch a {
		case ActAccept:
			app.AcceptedAt, app.DueAt = now, s.d.Calendar.Deadline(now, app.PromisedDays)
		case ActReturn:
			app.Corrections = append([]string(nil), d.Items...)
			reason = d.Reason
		case ActApprove, ActReject:
			app.DecidedAt, app.Corrections, reason = now, nil, d.Reason
		}
		app.State = to
		app.Version++
		app.UpdatedAt = now
		ev := s.event(nil, app, RoleSystem, a, from, to, reason)
		ev.ActorName, ev.Seq, ev.At, ev.Detail = SystemName, app.Version, now, d.Ref
		if a == ActAccept {
			ev.Detail = app.DueAt.In(chinaTime).Format("2006-01-02")
		}
		if a == ActReturn {
			ev.Items = app.Corrections
		}
		out = append(out, ev)
	}
	return out, nil
}

// Handover is an approved application's continuation in another
// department: a new application for item (e.g. public security's household
// registration), for applicant (a person: the applicant of from, or the
// graduate an employer applied for), filed by the platform through the
// Transfer channel, with form (the approved data) and the item's exchange
// materials, linked to from by its Origin. It returns the new application
// (submitted, no serial number yet: the store draws it) with its event,
// and the event that records the hand-over on from (which it advances).
func (s *Service) Handover(from *Application, applicant Party, it *catalog.Item, dept *catalog.Department, form map[string]string) (*Application, *Event, *Event, error) {
	if from.State != Approved {
		return nil, nil, nil, errs.E(errs.Conflict, "case.handover_state", "只有准予许可的办件可以移交后续办理",
			"only approved applications are handed over")
	}
	now := s.now()
	app := &Application{ID: ids.New(), ItemCode: it.Code, ItemName: it.Name, Department: it.Department,
		Region: dept.Division, PromisedDays: it.PromisedDays, Origin: from.Serial, State: Submitted, Channel: Transfer,
		Representation: Self, Applicant: applicant, FiledByName: SystemName, ContactPhone: from.ContactPhone,
		Form: maps.Clone(form), Delivery: Delivery{Method: Electronic},
		SubmittedAt: now, CreatedAt: now, UpdatedAt: now, Version: 1}
	if app.Applicant.Kind != catalog.ApplicantPerson {
		return nil, nil, nil, errs.E(errs.Invalid, "case.handover_applicant", "移交的办件须以个人为申请人",
			"a handed-over application is a person's")
	}
	for _, m := range it.Materials {
		if m.Source == catalog.SourceExchange {
			app.Materials = append(app.Materials, Attachment{Material: m.Name, Kind: ByExchange, RecordRef: "case:" + from.Serial})
		}
	}
	ev := s.event(nil, app, RoleSystem, ActSubmit, Draft, Submitted, "由「"+from.ItemName+"」准予许可后自动移交")
	ev.ActorName, ev.Seq, ev.Detail = SystemName, 1, string(Transfer)
	if _, err := Transition(from.State, ActTransfer, RoleSystem); err != nil {
		return nil, nil, nil, err
	}
	from.Version++
	from.UpdatedAt = now
	tev := s.event(nil, from, RoleSystem, ActTransfer, from.State, from.State, "已自动移交"+deptName(dept)+"办理「"+it.Name+"」")
	tev.ActorName, tev.Seq = SystemName, from.Version
	return app, ev, tev, nil
}

// deptName returns a department's name, or its code.
func deptName(d *catalog.Department) string {
	if strings.TrimSpace(d.Name) != "" {
		return d.Name
	}
	return d.Code
}
