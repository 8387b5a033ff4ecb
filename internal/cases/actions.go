package cases

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// ActionInput is an action on an application and what it needs.
type ActionInput struct {
	Action Action
	// Version is the version the actor saw; 0 skips the check. A stale
	// version is errs.Conflict, and nothing changes.
	Version int
	// Reason: required for refuse and reject (2 to 1000 characters);
	// optional note for the others.
	Reason string
	// Items: for return, what the applicant must fix (1 to 20 lines).
	Items []string
	// Assignee: for handover, the colleague's account ID.
	Assignee string
	// TrackingNo: for ship with the manual courier, the waybill number.
	TrackingNo string
	// Status: for track, the shipment's new status.
	Status ShipmentStatus
}

// Limits of action inputs.
const (
	MaxReason     = 1000 // characters of a reason
	MaxItems      = 20   // lines of a correction checklist
	MaxItemLength = 200  // characters of one line
)

// Act takes an action on the application with the serial number: the
// department's work (claim, accept, return, refuse, review, approve,
// reject, handover, ship, track, deliver, close) or the applicant's
// withdrawal. Resubmission after a correction is [Service.Resubmit].
//
// An application the actor may not see is errs.NotFound; an action the
// actor's role may never take is errs.Forbidden; an action the state does
// not allow, or a stale Version, is errs.Conflict; bad input is
// errs.Invalid. In every such case nothing changes.
func (s *Service) Act(ctx context.Context, actor *identity.Account, serial string, in ActionInput) (*Application, error) {
	app, _, err := s.visible(ctx, actor, serial)
	if err != nil {
		return nil, err
	}
	role := actingRole(actor, app, in.Action)
	if in.Action == ActSubmit || in.Action == ActResubmit {
		return nil, errs.Field("action", "case.action", "请通过申请表提交或补正", "submit or correct through the application form")
	}
	to, err := Transition(app.State, in.Action, role)
	if err != nil {
		return nil, err
	}
	if err := checkVersion(app, in.Version); err != nil {
		return nil, err
	}
	ev, err := s.apply(ctx, actor, role, app, in, to)
	if err != nil {
		return nil, err
	}
	if err := s.save(ctx, app, ev); err != nil {
		return nil, err
	}
	return app, nil
}

// apply changes app for the action and returns its trace entry.
func (s *Service) apply(ctx context.Context, actor *identity.Account, role Role, app *Application, in ActionInput, to State) (*Event, error) {
	reason, err := checkReason(in)
	if err != nil {
		return nil, err
	}
	now, from := s.now(), app.State
	detail := ""
	var items []string
	switch in.Action {
	case ActReturn:
		if items, err = checklist(in.Items); err != nil {
			return nil, err
		}
		app.Corrections = items
	case ActAccept:
		app.AcceptedAt = now
		app.DueAt = s.d.Calendar.Deadline(now, app.PromisedDays)
		detail = app.DueAt.In(chinaTime).Format("2006-01-02")
	case ActClaim:
		if app.Assignee == actor.ID {
			return nil, errs.E(errs.Conflict, "case.claimed", "您已认领此办件", "you have already claimed this application")
		}
		if app.Assignee != "" {
			return nil, errs.E(errs.Conflict, "case.claimed_by_other", "此办件已由 "+app.AssigneeName+" 认领，请由其转交",
				"this application is claimed by "+app.AssigneeName+"; ask them to hand it over")
		}
	case ActHandover:
		mate, err := s.colleague(ctx, actor, app, in.Assignee)
		if err != nil {
			return nil, err
		}
		app.Assignee, app.AssigneeName = mate.ID, mate.DisplayName
		detail = mate.DisplayName
	case ActShip:
		if detail, err = s.ship(ctx, app, in); err != nil {
			return nil, err
		}
	case ActTrack:
		if to, err = s.track(app, in.Status, role); err != nil {
			return nil, err
		}
		detail = string(in.Status)
	case ActDeliver:
		if app.Delivery.Method == Post {
			return nil, errs.E(errs.Conflict, "delivery.by_courier", "邮寄送达的办件在快递签收后自动转为已送达",
				"a posted result is delivered when the courier reports it received")
		}
	}
	if role == RoleCaseworker && app.Assignee == "" {
		app.Assignee, app.AssigneeName = actor.ID, actor.DisplayName
	}
	app.State = to
	switch to {
	case Approved, Rejected, NotAccepted:
		if from != to {
			app.DecidedAt, app.Corrections = now, nil
		}
	}
	if to == Closed || to == Withdrawn || to == NotAccepted {
		app.ClosedAt = now
	}
	ev := s.event(actor, app, role, in.Action, from, to, reason)
	ev.Items, ev.Detail = items, detail
	return ev, nil
}

// checkReason cleans the reason and requires one for refusals and
// rejections.
func checkReason(in ActionInput) (string, error) {
	r := strings.TrimSpace(in.Reason)
	if n := utf8.RuneCountInString(r); n > MaxReason {
		return "", errs.Field("reason", "case.reason_long", fmt.Sprintf("理由不能超过 %d 个字符", MaxReason),
			fmt.Sprintf("the reason has at most %d characters", MaxReason))
	}
	if (in.Action == ActRefuse || in.Action == ActReject) && utf8.RuneCountInString(r) < 2 {
		return "", errs.Field("reason", "case.reason_required", "请填写"+ActionText(in.Action).ZH+"的理由",
			"give the reasons why you "+ActionText(in.Action).EN+" the application")
	}
	return r, nil
}

// checklist cleans a correction checklist: 1 to MaxItems non-empty lines.
func checklist(lines []string) ([]string, error) {
	var out []string
	for _, l := range lines {
		for _, part := range strings.Split(l, "\n") {
			if p := strings.TrimSpace(part); p != "" {
				if utf8.RuneCountInString(p) > MaxItemLength {
					return nil, errs.Field("items", "case.item_long", fmt.Sprintf("每项补正要求不能超过 %d 个字符", MaxItemLength),
						fmt.Sprintf("each thing to fix has at most %d characters", MaxItemLength))
				}
				out = append(out, p)
			}
		}
	}
	if len(out) == 0 || len(out) > MaxItems {
		return nil, errs.Field("items", "case.items", fmt.Sprintf("请列出需要补正的内容（1 至 %d 项）", MaxItems),
			fmt.Sprintf("list what the applicant must fix (1 to %d things)", MaxItems))
	}
	return out, nil
}

// colleague returns the caseworker an application is handed over to: an
// active caseworker of the same department other than the actor.
func (s *Service) colleague(ctx context.Context, actor *identity.Account, app *Application, id string) (*identity.Account, error) {
	bad := errs.Field("assignee", "case.assignee", "只能转交给本部门的其他窗口人员", "hand over to another caseworker of your department")
	if id == "" || id == actor.ID {
		return nil, bad
	}
	a, err := s.d.Accounts.AccountByID(ctx, id)
	if errs.Is(err, errs.NotFound) {
		return nil, bad
	}
	if err != nil {
		return nil, fmt.Errorf("find assignee: %w", err)
	}
	if !isCaseworkerOf(a, app.Department) {
		return nil, bad
	}
	return a, nil
}

// visible loads the application with the serial number if actor may see
// it, with actor's role; otherwise errs.NotFound (errs.Unauthenticated for
// no actor).
func (s *Service) visible(ctx context.Context, actor *identity.Account, serial string) (*Application, Role, error) {
	if !active(actor) {
		return nil, RoleNone, errUnauthenticated()
	}
	app, err := s.d.Store.FindApplicationBySerial(ctx, NormalizeSerial(serial))
	if errs.Is(err, errs.NotFound) {
		return nil, RoleNone, errNotFound()
	}
	if err != nil {
		return nil, RoleNone, fmt.Errorf("find application %s: %w", serial, err)
	}
	role := RoleOf(actor, app)
	if role == RoleNone {
		return nil, RoleNone, errNotFound()
	}
	return app, role, nil
}
