package cases

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// View is an application as one actor sees it.
type View struct {
	App      *Application
	Trace    []*Event
	Role     Role     // the actor's role
	Allowed  []Action // what the actor may do now
	Download bool     // the actor may download the materials
	Deadline DeadlineStatus
}

// Application returns the application with the serial number and its
// trace, as actor may see it; errs.NotFound when actor may not.
func (s *Service) Application(ctx context.Context, actor *identity.Account, serial string) (*View, error) {
	app, role, err := s.visible(ctx, actor, serial)
	if err != nil {
		return nil, err
	}
	trace, err := s.d.Store.FindEvents(ctx, app.ID)
	if err != nil {
		return nil, fmt.Errorf("trace of %s: %w", app.Serial, err)
	}
	return &View{App: app, Trace: trace, Role: role, Allowed: allowedFor(actor, app),
		Download: CanDownload(actor, app), Deadline: s.DeadlineOf(app, s.now())}, nil
}

// ViewOf returns actor's view of app with its trace, as [Service.Application]
// gives it, for a caller that has just stored both (the submission it
// answers) and need not read them back; nil when actor may not see app.
func (s *Service) ViewOf(actor *identity.Account, app *Application, trace []*Event) *View {
	role := RoleOf(actor, app)
	if role == RoleNone {
		return nil
	}
	return &View{App: app, Trace: trace, Role: role, Allowed: allowedFor(actor, app),
		Download: CanDownload(actor, app), Deadline: s.DeadlineOf(app, s.now())}
}

// allowedFor lists what actor may do with app now, in the order of
// Actions.
func allowedFor(actor *identity.Account, app *Application) []Action {
	var out []Action
	for _, a := range Actions {
		if a == ActClaim && app.Assignee != "" {
			continue // taken: pass it on by handing over
		}
		if _, err := Transition(app.State, a, actingRole(actor, app, a)); err == nil {
			out = append(out, a)
		}
	}
	return out
}

// MyApplications returns the applications actor applied for or filed
// (as an agent or at a window), newest first; f's Department and Party
// are ignored.
func (s *Service) MyApplications(ctx context.Context, actor *identity.Account, f Filter) ([]*Application, int, error) {
	if !active(actor) {
		return nil, 0, errUnauthenticated()
	}
	f.Party, f.Department, f.Sort = actor.ID, "", NewestFirst
	return s.d.Store.FindApplications(ctx, f)
}

// DeadlineStatus flags an application's time limit.
type DeadlineStatus string

// The deadline statuses.
const (
	NoDeadline DeadlineStatus = ""        // not accepted yet, or decided
	OnTime     DeadlineStatus = "ok"      // more than two working days left
	DueSoon    DeadlineStatus = "soon"    // due within two working days
	Overdue    DeadlineStatus = "overdue" // past its deadline, undecided
)

// runningStates are those in which the time limit runs.
var runningStates = []State{Accepted, UnderReview}

// DeadlineOf returns the deadline status of app at now: overdue when the
// deadline passed before a decision, due soon when it falls within the
// next two working days (by the end of the second working day after
// today).
func (s *Service) DeadlineOf(app *Application, now time.Time) DeadlineStatus {
	if app.DueAt.IsZero() || !slices.Contains(runningStates, app.State) {
		return NoDeadline
	}
	switch {
	case now.After(app.DueAt):
		return Overdue
	case !app.DueAt.After(s.soonLimit(now)):
		return DueSoon
	}
	return OnTime
}

// Deadline returns the deadline status of app now.
func (s *Service) Deadline(app *Application) DeadlineStatus { return s.DeadlineOf(app, s.now()) }

// soonLimit is the latest deadline that counts as due soon at now.
func (s *Service) soonLimit(now time.Time) time.Time { return s.d.Calendar.Deadline(now, 2) }

// QueueFilter selects the console's applications.
type QueueFilter struct {
	State    State          // one state; "" for every open or approved one
	ItemCode string         // one item
	Deadline DeadlineStatus // Overdue or DueSoon; "" for all
	Mine     bool           // only those assigned to the actor
	Offset   int
	Limit    int
}

// Queue returns the actor's department's applications for the console,
// earliest deadline first: by default those still to be worked on
// (submitted, accepted, under review, approved awaiting delivery).
// Only caseworkers have a queue (errs.Forbidden for others).
func (s *Service) Queue(ctx context.Context, actor *identity.Account, q QueueFilter) ([]*Application, int, error) {
	if !active(actor) {
		return nil, 0, errUnauthenticated()
	}
	if !IsCaseworker(actor) {
		return nil, 0, errNotCaseworker()
	}
	f := Filter{Department: actor.Department, ItemCode: q.ItemCode, Sort: DueFirst, Offset: q.Offset, Limit: q.Limit}
	switch {
	case q.State != "" && !slices.Contains(States, q.State):
		return nil, 0, errs.Field("state", "case.state", "状态无效："+string(q.State), "unknown state: "+string(q.State))
	case q.State != "":
		f.States = []State{q.State}
	default:
		f.States = []State{Submitted, Accepted, UnderReview, Approved}
	}
	if q.Mine {
		f.Assignee = actor.ID
	}
	now := s.now()
	switch q.Deadline {
	case "":
	case Overdue:
		f.States, f.DueBefore = intersect(f.States, runningStates), now
	case DueSoon:
		f.States, f.DueFrom, f.DueBefore = intersect(f.States, runningStates), now, s.soonLimit(now).Add(time.Millisecond)
	default:
		return nil, 0, errs.Field("deadline", "case.deadline", "时限筛选无效", "unknown deadline filter")
	}
	if len(f.States) == 0 {
		return nil, 0, nil
	}
	return s.d.Store.FindApplications(ctx, f)
}

func intersect(a, b []State) []State {
	var out []State
	for _, s := range a {
		if slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}

// Colleague is a caseworker an application can be handed over to.
type Colleague struct {
	ID   string
	Name string
}

// StaffLister lists accounts; identity.Service implements it (a nil actor
// is the system).
type StaffLister interface {
	Accounts(ctx context.Context, actor *identity.Account, f identity.AccountFilter) ([]*identity.Account, int, error)
}

// Colleagues lists the other active caseworkers of actor's department, for
// handing applications over. It needs Accounts to implement StaffLister,
// and returns none otherwise.
func (s *Service) Colleagues(ctx context.Context, actor *identity.Account) ([]Colleague, error) {
	if !IsCaseworker(actor) {
		return nil, errNotCaseworker()
	}
	lister, ok := s.d.Accounts.(StaffLister)
	if !ok {
		return nil, nil
	}
	list, _, err := lister.Accounts(ctx, nil, identity.AccountFilter{Kind: identity.Staff, Department: actor.Department,
		Role: identity.Caseworker, Limit: 500})
	if err != nil {
		return nil, fmt.Errorf("list colleagues: %w", err)
	}
	var out []Colleague
	for _, a := range list {
		if a.ID != actor.ID && isCaseworkerOf(a, actor.Department) {
			out = append(out, Colleague{ID: a.ID, Name: a.DisplayName})
		}
	}
	return out, nil
}

// OpenMaterial returns the uploaded file of an application's i-th
// attachment, for the applicant, the agent and the handling department's
// caseworkers; errs.NotFound for everybody else and for attachments
// without a file. The caller closes the reader.
func (s *Service) OpenMaterial(ctx context.Context, actor *identity.Account, serial string, i int) (io.ReadCloser, Attachment, error) {
	app, _, err := s.visible(ctx, actor, serial)
	if err != nil {
		return nil, Attachment{}, err
	}
	if !CanDownload(actor, app) || i < 0 || i >= len(app.Materials) || app.Materials[i].SHA256 == "" {
		return nil, Attachment{}, errs.E(errs.NotFound, "case.material_not_found", "材料不存在或您无权查看", "no such material, or you may not see it")
	}
	a := app.Materials[i]
	rc, _, err := s.d.Files.Open(ctx, a.SHA256)
	if err != nil {
		return nil, Attachment{}, fmt.Errorf("open material %d of %s: %w", i, app.Serial, err)
	}
	return rc, a, nil
}
