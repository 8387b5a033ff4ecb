package cases

import (
	"context"
	"fmt"
	"maps"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
	"github.com/pengcheng-gov/pengcheng/internal/notify"
)

// Submission is what an applicant (or a window clerk for a visitor)
// submits.
type Submission struct {
	ItemCode string
	// Channel is online (the default) or mobile for citizens; submissions
	// by staff are always through the window.
	Channel Channel
	// Form holds the values of the item's form fields.
	Form map[string]string
	// Materials supply the item's materials (and an agent's mandate).
	Materials []MaterialInput
	// Principal is, for a person, the person they apply for as an agent;
	// for a window clerk, the visitor who applies. Nil otherwise.
	Principal *Party
	// Delivery chooses pick-up (Method, Hall) or post (Method, Recipient,
	// Phone, Address, Postcode) for items with a paper result.
	Delivery Delivery
}

// Submit checks a submission and files it: the application gets its
// serial number and the state submitted. Nothing is stored unless the
// whole submission is valid: uploaded contents are stored only after
// the form, the applicant, the materials and the delivery choice passed.
//
// It returns errs.Unauthenticated for a nil or disabled actor,
// errs.NotFound for an unknown item, errs.Forbidden for staff who are not
// caseworkers, and errs.Invalid naming the field at fault (a form field's
// name, MaterialField(i), MandateField, principal_name, principal_number,
// channel, delivery_method, hall, recipient, delivery_phone, address,
// postcode) for bad input.
func (s *Service) Submit(ctx context.Context, actor *identity.Account, sub Submission) (*Application, error) {
	app, ev, err := s.Prepare(ctx, actor, sub)
	if err != nil {
		return nil, err
	}
	notices := func(app *Application) []*notify.Message { return s.Notices(app, ev) }
	if err := s.d.Store.CreateApplication(ctx, app, []*Event{ev}, notices); err != nil {
		return nil, fmt.Errorf("submit application for %s: %w", app.ItemCode, err)
	}
	s.Wake()
	return app, nil
}

// Prepare does what [Service.Submit] does short of storing: it checks the
// submission, stores its uploads and returns the application (state
// submitted, version 1, no serial number yet) with its submission event.
// Instant approval decides on it before storing it with its decision.
func (s *Service) Prepare(ctx context.Context, actor *identity.Account, sub Submission) (*Application, *Event, error) {
	if !active(actor) {
		return nil, nil, errUnauthenticated()
	}
	it, err := s.d.Catalog.FindItem(ctx, sub.ItemCode)
	if err != nil {
		return nil, nil, err
	}
	dept, err := s.d.Catalog.FindDepartment(ctx, it.Department)
	if err != nil {
		return nil, nil, fmt.Errorf("department of item %s: %w", it.Code, err)
	}
	now := s.now()
	app := &Application{ID: ids.New(), ItemCode: it.Code, ItemName: it.Name, Department: it.Department,
		Region: dept.Division, PromisedDays: it.PromisedDays, CreatedAt: now}
	if err := s.parties(ctx, actor, &sub, app); err != nil {
		return nil, nil, err
	}
	if !it.ForApplicant(app.Applicant.Kind) {
		k := applicantKindText(app.Applicant.Kind)
		return nil, nil, errs.Field("item", "case.applicant_kind", "本事项不受理"+k.ZH+"的申请", "this item does not accept applications from "+k.EN)
	}
	if app.Form, err = catalog.ValidateForm(it.FormFields, sub.Form); err != nil {
		return nil, nil, err
	}
	atts, pending, err := s.materials(ctx, it, app.Representation, sub.Materials, nil)
	if err != nil {
		return nil, nil, err
	}
	if app.Delivery, err = s.checkDelivery(it, sub.Delivery); err != nil {
		return nil, nil, err
	}
	if err := s.storeUploads(ctx, atts, pending); err != nil {
		return nil, nil, err
	}
	app.Materials = atts
	app.ContactPhone = contactPhone(app.Form, actor, app)
	app.State, app.SubmittedAt, app.UpdatedAt, app.Version = Submitted, now, now, 1
	ev := s.event(actor, app, RoleApplicant, ActSubmit, Draft, Submitted, "")
	ev.Seq, ev.Detail = 1, string(app.Channel)
	return app, ev, nil
}

// contactPhone is where SMS notices about app go: the form's phone field
// when it has one, else the applicant's own phone when they filed it.
func contactPhone(form map[string]string, actor *identity.Account, app *Application) string {
	if p, err := identity.ValidatePhone(form["phone"]); err == nil {
		return p
	}
	if app.Applicant.AccountID == actor.ID {
		return actor.Phone
	}
	return ""
}

// Amendment is an applicant's answer to a return for correction (补正).
type Amendment struct {
	// Form replaces the form values when not nil; nil keeps them.
	Form map[string]string
	// Materials replace the attachments of the same material names.
	Materials []MaterialInput
	// Version is the version the applicant saw; 0 skips the check.
	Version int
}

// Resubmit files the corrected application again (correction →
// submitted). Like Submit, it stores nothing unless everything is valid.
func (s *Service) Resubmit(ctx context.Context, actor *identity.Account, serial string, c Amendment) (*Application, error) {
	app, _, err := s.visible(ctx, actor, serial)
	if err != nil {
		return nil, err
	}
	role := actingRole(actor, app, ActResubmit)
	to, err := Transition(app.State, ActResubmit, role)
	if err != nil {
		return nil, err
	}
	if err := checkVersion(app, c.Version); err != nil {
		return nil, err
	}
	it, err := s.d.Catalog.FindItem(ctx, app.ItemCode)
	if err != nil {
		return nil, fmt.Errorf("item of %s: %w", app.Serial, err)
	}
	form := maps.Clone(app.Form)
	if c.Form != nil {
		if form, err = catalog.ValidateForm(it.FormFields, c.Form); err != nil {
			return nil, err
		}
	}
	atts, pending, err := s.materials(ctx, it, app.Representation, c.Materials, app.Materials)
	if err != nil {
		return nil, err
	}
	if err := s.storeUploads(ctx, atts, pending); err != nil {
		return nil, err
	}
	from := app.State
	app.Form, app.Materials, app.Corrections, app.State = form, atts, nil, to
	ev := s.event(actor, app, role, ActResubmit, from, to, "")
	if err := s.save(ctx, app, ev); err != nil {
		return nil, err
	}
	return app, nil
}

// event returns the trace entry of an action on app by actor (nil for the
// system).
func (s *Service) event(actor *identity.Account, app *Application, role Role, a Action, from, to State, reason string) *Event {
	ev := &Event{ID: ids.New(), ApplicationID: app.ID, At: s.now(), Role: role, Action: a, From: from, To: to, Reason: reason}
	if actor != nil {
		ev.ActorID, ev.ActorName = actor.ID, actor.DisplayName
	} else {
		ev.ActorName = "系统"
	}
	return ev
}

// save stores a change of app with its event, bumping the version, and
// tells the applicant when the state changed.
func (s *Service) save(ctx context.Context, app *Application, ev *Event) error {
	app.Version++
	app.UpdatedAt = ev.At
	ev.Seq = app.Version
	var msgs []*notify.Message
	if ev.From != ev.To {
		msgs = s.Notices(app, ev)
	}
	if err := s.d.Store.UpdateApplication(ctx, app, ev, msgs...); err != nil {
		return fmt.Errorf("%s application %s: %w", ev.Action, app.Serial, err)
	}
	s.Wake()
	return nil
}

// checkVersion refuses a change based on a stale view of app.
func checkVersion(app *Application, seen int) error {
	if seen != 0 && seen != app.Version {
		return errs.E(errs.Conflict, "case.stale", "办件已被他人更新，请刷新页面后重试",
			"the application changed in the meantime; reload the page and try again")
	}
	return nil
}
