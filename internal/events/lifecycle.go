package events

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// apply applies one action to the working copy ev.
func (w *work) apply(ctx context.Context, ev *Event, a Action) error {
	if err := checkAction(&a); err != nil {
		return err
	}
	if _, ok := from[a.Kind]; !ok {
		return errs.Field("action", "events.action.unknown", fmt.Sprintf("未知操作 %.20q", a.Kind), fmt.Sprintf("unknown action %.20q", a.Kind))
	}
	if ev.DuplicateOf != "" {
		return errs.E(errs.Conflict, "events.merged", "该事件已并入其他事件，请在主事件上操作",
			"This event was merged into another; act on that one.")
	}
	if !allowsFrom(a.Kind, ev.State) {
		return errState(ev, a.Kind)
	}
	if err := w.authorize(ctx, ev, a); err != nil {
		return err
	}
	at, err := w.at(ev, a)
	if err != nil {
		return err
	}
	photos, err := w.s.checkPhotos(ctx, a.Photos)
	if err != nil {
		return err
	}
	st := &Step{Action: a.Kind, From: ev.State, At: at, Where: a.Where, Note: a.Note, Photos: photos}
	switch a.Kind {
	case ActDispatch:
		err = w.dispatch(ctx, ev, a, st)
	case ActAccept:
		ev.State = Accepted
	case ActReturn:
		if err = needNote(a, "请说明退回原因", "say why the event is returned"); err == nil {
			st.Department, st.Worker = ev.AssigneeDept, ev.AssigneeWorker
			ev.State, ev.AssigneeDept, ev.AssigneeZone, ev.AssigneeWorker = Reported, "", "", ""
		}
	case ActHandle:
		err = needNote(a, "请填写处置结果", "describe what was done")
		ev.State = Handled
	case ActVerify:
		ev.State = Verified
	case ActReopen:
		err = needNote(a, "请说明核查未通过的原因", "say why the result was not accepted")
		ev.State = Dispatched
	case ActClose:
		if ev.State == Reported {
			err = needNote(a, "直接办结须说明理由（如无需处置）", "closing without handling needs a reason")
		}
		if err == nil {
			w.close(ctx, ev, at)
		}
	case ActEscalate:
		err = w.escalate(ctx, ev, at, st)
	case ActMerge:
		return w.merge(ctx, ev, a, at, st)
	}
	if err != nil {
		return err
	}
	st.To = ev.State
	w.step(ev, st)
	if a.Kind == ActClose {
		return w.cascade(ctx, ev, at)
	}
	return nil
}

// authorize checks that the actor may take action a on ev.
func (w *work) authorize(ctx context.Context, ev *Event, a Action) error {
	actor := w.actor
	if actor.IsAdmin() {
		return nil
	}
	ok := false
	switch a.Kind {
	case ActDispatch, ActEscalate, ActMerge:
		ok = actor.IsDispatcher()
	case ActAccept, ActReturn, ActHandle:
		ok = w.isAssignee(ev)
	case ActVerify, ActReopen:
		v, err := w.isVerifier(ctx, ev)
		if err != nil {
			return err
		}
		ok = v
	case ActClose:
		ok = actor.IsDispatcher()
		if !ok && ev.State == Verified {
			v, err := w.isVerifier(ctx, ev)
			if err != nil {
				return err
			}
			ok = v
		}
	}
	if !ok {
		return errs.E(errs.Forbidden, "events.action.forbidden",
			fmt.Sprintf("您不能对事件 %s 进行「%s」", ev.Code, ActionName(a.Kind, "zh")),
			fmt.Sprintf("You may not %s event %s.", ActionName(a.Kind, "en"), ev.Code))
	}
	return nil
}

// isAssignee reports whether the actor is who the event is dispatched to.
func (w *work) isAssignee(ev *Event) bool {
	if ev.AssigneeWorker != "" {
		return w.actor.ID == ev.AssigneeWorker && w.actor.Kind == ActorStaff
	}
	return w.actor.IsDepartmentStaff(ev.AssigneeDept)
}

// isVerifier reports whether the actor verifies the event: a grid worker
// of its cell, or its reporter.
func (w *work) isVerifier(ctx context.Context, ev *Event) (bool, error) {
	if ev.ReporterID != "" && w.actor.ID == ev.ReporterID && w.actor.Kind != ActorClient {
		return true, nil
	}
	if !w.actor.IsGridWorker() {
		return false, nil
	}
	cells, err := w.workerCells(ctx)
	if err != nil {
		return false, err
	}
	return covers(cells, ev.Chain), nil
}

// workerCells returns the actor's grid cells, loaded once.
func (w *work) workerCells(ctx context.Context) ([]string, error) {
	if !w.cellsOK {
		cells, err := w.s.store.WorkerCells(ctx, w.actor.ID)
		if err != nil {
			return nil, fmt.Errorf("grid worker's cells: %w", err)
		}
		w.cells, w.cellsOK = cells, true
	}
	return w.cells, nil
}

// covers reports whether any of cells is in chain.
func covers(cells, chain []string) bool {
	for _, c := range chain {
		if slices.Contains(cells, c) {
			return true
		}
	}
	return false
}

// dispatch assigns ev to a department (and zone) or a grid worker.
func (w *work) dispatch(ctx context.Context, ev *Event, a Action, st *Step) error {
	dept, zone := a.Department, a.Zone
	if dept == "" {
		dept = ev.RouteDept
	}
	if zone == "" && dept == ev.RouteDept {
		zone = ev.RouteZone
	}
	if a.Worker != "" {
		acc, err := w.s.gridWorker(ctx, a.Worker)
		if err != nil {
			return err
		}
		if a.Department == "" {
			dept = acc.Department
		}
	}
	if dept == "" {
		return errs.Field("department", "events.dispatch.department", "请选择承办部门", "choose the department")
	}
	if err := w.s.checkDepartment(ctx, dept); err != nil {
		return err
	}
	ev.State, ev.AssigneeDept, ev.AssigneeZone, ev.AssigneeWorker = Dispatched, dept, zone, a.Worker
	st.Department, st.Zone, st.Worker = dept, zone, a.Worker
	return nil
}

// gridWorker returns the enabled grid worker with account id.
func (s *Service) gridWorker(ctx context.Context, id string) (*identity.Account, error) {
	bad := errs.Field("worker", "events.worker.unknown", "指定的网格员不存在", "there is no such grid worker")
	if s.d.Accounts == nil {
		return &identity.Account{ID: id, Kind: identity.Staff, Roles: []identity.Role{identity.GridWorker}}, nil
	}
	acc, err := s.d.Accounts.AccountByID(ctx, id)
	if errs.Is(err, errs.NotFound) {
		return nil, bad
	}
	if err != nil {
		return nil, fmt.Errorf("find grid worker: %w", err)
	}
	if !acc.IsStaff() || acc.Disabled || !acc.HasRole(identity.GridWorker) {
		return nil, bad
	}
	return acc, nil
}

// checkDepartment checks that dept exists, when departments are known.
func (s *Service) checkDepartment(ctx context.Context, dept string) error {
	if s.d.Departments == nil {
		return nil
	}
	ds, err := s.d.Departments.Departments(ctx)
	if err != nil {
		return fmt.Errorf("departments: %w", err)
	}
	for _, d := range ds {
		if d.Code == dept {
			return nil
		}
	}
	return errs.Field("department", "events.department.unknown", fmt.Sprintf("部门 %.20q 不存在", dept),
		fmt.Sprintf("there is no department %.20q", dept))
}

// close closes ev at at and counts it.
func (w *work) close(ctx context.Context, ev *Event, at time.Time) {
	w.markOverdue(ev, at.After(ev.DueAt))
	ev.State, ev.ClosedAt, ev.EscalateAt = Closed, at, time.Time{}
	secs := ev.HandlingTime().Seconds()
	day, b := DayOf(ev.ReportedAt), BucketOf(secs)
	ds := make([]StatDelta, len(ev.Chain))
	for i, g := range ev.Chain {
		ds[i] = StatDelta{Grid: g, Day: day, Category: ev.Category, Closed: 1, Seconds: int64(secs), Bucket: b}
	}
	w.stat(ev, ds)
}

// markOverdue marks ev overdue (and counts it) when late and it was not
// marked before. An event closed at its due time is on time; one still
// open at its due time is late.
func (w *work) markOverdue(ev *Event, late bool) {
	if ev.Overdue || !late {
		return
	}
	ev.Overdue = true
	day := DayOf(ev.ReportedAt)
	ds := make([]StatDelta, len(ev.Chain))
	for i, g := range ev.Chain {
		ds[i] = StatDelta{Grid: g, Day: day, Category: ev.Category, Overdue: 1, Bucket: -1}
	}
	w.stat(ev, ds)
}

// cascade closes the events merged into ev.
func (w *work) cascade(ctx context.Context, ev *Event, at time.Time) error {
	if w.items[ev.ID].New { // nothing can have been merged into an event not yet stored
		return nil
	}
	merged, err := w.s.store.Merged(ctx, ev.ID)
	if err != nil {
		return fmt.Errorf("merged events: %w", err)
	}
	for _, m := range merged {
		w.track(m)
		m = w.items[m.ID].Event
		if !m.State.Open() {
			continue
		}
		st := &Step{Action: ActClose, From: m.State, At: at, Target: ev.ID,
			Note: fmt.Sprintf("随主事件 %s 办结 / closed with event %s", ev.Code, ev.Code)}
		w.close(ctx, m, at)
		st.To = m.State
		w.step(m, st)
	}
	return nil
}

// escalate raises ev one level up its chain.
func (w *work) escalate(ctx context.Context, ev *Event, at time.Time, st *Step) error {
	if ev.Escalation >= len(ev.Chain)-1 {
		return errs.E(errs.Conflict, "events.escalate.top", "事件已升级到最高层级网格", "The event is already at the top of the grid.")
	}
	w.markOverdue(ev, !at.Before(ev.DueAt))
	ev.Escalation++
	ev.EscalatedTo = ev.Chain[len(ev.Chain)-1-ev.Escalation]
	st.Target = ev.EscalatedTo
	if ev.Escalation >= len(ev.Chain)-1 {
		ev.EscalateAt = time.Time{}
		return nil
	}
	next, err := w.s.escalationStep(ctx, ev)
	if err != nil {
		return err
	}
	base := ev.EscalateAt
	if base.IsZero() || base.After(at) {
		base = at
	}
	ev.EscalateAt = base.Add(next)
	return nil
}

// escalationStep is the time between escalations of ev: half its
// category's SLA, at least an hour.
func (s *Service) escalationStep(ctx context.Context, ev *Event) (time.Duration, error) {
	c, err := s.Category(ctx, ev.Category)
	if err != nil {
		return 0, err
	}
	return max(c.SLA()/2, time.Hour), nil
}

// merge merges ev into the event a.Target.
func (w *work) merge(ctx context.Context, ev *Event, a Action, at time.Time, st *Step) error {
	if a.Target == "" {
		return errs.Field("target", "events.merge.target", "请指定要并入的主事件", "name the event to merge into")
	}
	target, err := w.load(ctx, a.Target)
	if errs.Is(err, errs.NotFound) {
		return errs.Field("target", "events.merge.target_unknown", "主事件不存在", "there is no such event to merge into")
	}
	if err != nil {
		return err
	}
	switch {
	case target.ID == ev.ID:
		return errs.Field("target", "events.merge.self", "事件不能并入自己", "an event cannot be merged into itself")
	case target.DuplicateOf != "" || !target.State.Open():
		return errs.E(errs.Conflict, "events.merge.target_state", "主事件已办结或已并入其他事件", "The target event is closed or merged itself.")
	}
	ev.DuplicateOf, ev.EscalateAt = target.ID, time.Time{}
	st.Target, st.To = target.ID, ev.State
	w.step(ev, st)
	w.step(target, &Step{Action: ActMerge, From: target.State, To: target.State, At: at, Target: ev.ID,
		Note: fmt.Sprintf("事件 %s 并入本事件 / event %s merged into this one", ev.Code, ev.Code)})
	merged, err := w.s.store.Merged(ctx, ev.ID)
	if err != nil {
		return fmt.Errorf("merged events: %w", err)
	}
	for _, m := range merged { // events merged into ev now follow target
		w.track(m)
		m = w.items[m.ID].Event
		m.DuplicateOf = target.ID
		w.step(m, &Step{Action: ActMerge, From: m.State, To: m.State, At: at, Target: target.ID,
			Note: fmt.Sprintf("随 %s 并入 %s / merged into %s with %s", ev.Code, target.Code, target.Code, ev.Code)})
	}
	return nil
}
