package events

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// ActionKind names what an action does.
type ActionKind string

// The actions. Report is the first step of every trace; the others are
// what [Service.Act] applies.
const (
	ActReport   ActionKind = "report"   // 上报
	ActDispatch ActionKind = "dispatch" // 分拨: to a department (and zone) or a grid worker
	ActAccept   ActionKind = "accept"   // 受理
	ActReturn   ActionKind = "return"   // 退回: misrouted, back to the dispatcher
	ActHandle   ActionKind = "handle"   // 处置: the result, with photos
	ActVerify   ActionKind = "verify"   // 核查通过
	ActReopen   ActionKind = "reopen"   // 核查不通过: back to the assignee
	ActClose    ActionKind = "close"    // 办结
	ActEscalate ActionKind = "escalate" // 升级: one level up the grid chain
	ActMerge    ActionKind = "merge"    // 合并: into another event, which then closes both
)

// Actions lists the actions [Service.Act] applies, in lifecycle order.
var Actions = []ActionKind{ActDispatch, ActAccept, ActReturn, ActHandle, ActVerify, ActReopen, ActClose, ActEscalate, ActMerge}

// from lists the states each action may start from.
var from = map[ActionKind][]State{
	ActDispatch: {Reported, Dispatched},
	ActAccept:   {Dispatched},
	ActReturn:   {Dispatched, Accepted},
	ActHandle:   {Accepted},
	ActVerify:   {Handled},
	ActReopen:   {Handled},
	ActClose:    {Verified, Reported},
	ActEscalate: {Reported, Dispatched, Accepted, Handled, Verified},
	ActMerge:    {Reported},
}

// Action is one thing done to an event.
type Action struct {
	Kind ActionKind
	// Note is the dispatcher's instruction, the result of handling (required
	// for handle), the reason of a return, reopen or closure without
	// handling (required for those).
	Note string
	// Dispatch: the department (default: the routing suggestion), its zone
	// or team, or a grid worker's account id.
	Department string
	Zone       string
	Worker     string
	// Merge: the id or code of the event this one merges into.
	Target string
	Photos []string
	// Where the actor is; nil when unknown.
	Where *Point
	// At is when it happened; zero means now. Only the platform itself may
	// set it, and only on synthetic events (the simulation's history).
	At time.Time
}

// Acts are actions on one event, for [Service.ActMany].
type Acts struct {
	ID      string // id or code
	Actions []Action
}

// Act applies actions to the event with id (or code), in order, in one
// transaction, and returns the event afterwards. An action the actor may
// not take is errs.Forbidden, one the event's state does not allow
// errs.Conflict (as is a change made meanwhile by someone else); either
// way nothing changes.
func (s *Service) Act(ctx context.Context, actor Actor, id string, actions ...Action) (*Event, error) {
	evs, err := s.ActMany(ctx, actor, []Acts{{ID: id, Actions: actions}})
	if err != nil {
		return nil, err
	}
	return evs[0], nil
}

// ActMany applies actions to several events in one transaction, all or
// nothing, and returns the events afterwards in the order given.
func (s *Service) ActMany(ctx context.Context, actor Actor, batch []Acts) ([]*Event, error) {
	if len(batch) == 0 || len(batch) > s.d.Config.MaxBatch {
		return nil, errs.Field("actions", "events.act.size", "没有要处理的事件", "nothing to act on")
	}
	w := &work{s: s, actor: actor, now: s.Now(), items: map[string]*Item{}, orig: map[string]int{}}
	out := make([]*Event, len(batch))
	for i, b := range batch {
		if len(b.Actions) == 0 {
			return nil, errs.Field("action", "events.act.none", "请选择要进行的操作", "choose an action")
		}
		ev, err := w.load(ctx, b.ID)
		if err != nil {
			return nil, err
		}
		if err := s.see(ctx, w, ev); err != nil {
			return nil, err
		}
		for _, a := range b.Actions {
			if err := w.apply(ctx, ev, a); err != nil {
				return nil, err
			}
		}
		out[i] = ev
	}
	if err := w.commit(ctx); err != nil {
		return nil, err
	}
	for i := range out {
		out[i] = out[i].clone()
	}
	return out, nil
}

// work is one ActMany: the events it changes, as working copies, with
// their steps and statistics.
type work struct {
	s     *Service
	actor Actor
	now   time.Time
	ix    *grid.Index

	items   map[string]*Item
	order   []*Item
	orig    map[string]int // stored version by id
	cells   []string       // the actor's grid cells, once loaded
	cellsOK bool
	last    map[string]ActionKind
}

// load returns the working copy of the event with id or code.
func (w *work) load(ctx context.Context, id string) (*Event, error) {
	id = strings.TrimSpace(id)
	for _, it := range w.order {
		if it.Event.ID == id || it.Event.Code == id {
			return it.Event, nil
		}
	}
	var ev *Event
	var err error
	if ids.Valid(id) {
		ev, err = w.s.store.Event(ctx, id)
	} else {
		ev, err = w.s.store.EventByCode(ctx, id)
	}
	if errs.Is(err, errs.NotFound) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load event %s: %w", id, err)
	}
	w.track(ev)
	return ev, nil
}

// track makes ev a working copy of this work.
func (w *work) track(ev *Event) {
	if _, ok := w.items[ev.ID]; ok {
		return
	}
	it := &Item{Event: ev}
	w.items[ev.ID] = it
	w.orig[ev.ID] = ev.Version
	w.order = append(w.order, it)
}

// step records a step of ev's trace.
func (w *work) step(ev *Event, st *Step) {
	it := w.items[ev.ID]
	ev.Steps++
	st.EventID, st.Seq = ev.ID, ev.Steps
	if st.ActorID == "" {
		st.ActorID, st.ActorName, st.ActorRole = w.actor.ID, w.actor.Name, w.actor.role(ev)
	}
	it.Steps = append(it.Steps, st)
	if w.last == nil {
		w.last = map[string]ActionKind{}
	}
	w.last[ev.ID] = st.Action
}

// stat adds statistics changes for ev.
func (w *work) stat(ev *Event, ds []StatDelta) {
	it := w.items[ev.ID]
	it.Stats = append(it.Stats, ds...)
}

// commit writes the changed events and publishes them.
func (w *work) commit(ctx context.Context) error {
	var items []*Item
	for _, it := range w.order {
		if len(it.Steps) == 0 && !it.New {
			continue
		}
		it.Event.Version = w.orig[it.Event.ID] + 1
		it.Event.UpdatedAt = w.now
		it.Action = w.last[it.Event.ID]
		items = append(items, it)
	}
	if len(items) == 0 {
		return nil
	}
	if err := w.s.store.Write(ctx, w.s.origin, items); err != nil {
		return err
	}
	var changes []Change
	for _, it := range items {
		if it.Skipped {
			continue
		}
		w.s.recent.apply(it.Event)
		if !it.Quiet {
			changes = append(changes, Change{Action: it.Action, Event: it.Event.clone(), At: w.now})
		}
	}
	w.s.d.Broker.Publish(changes...)
	return nil
}

// at returns when action a happens.
func (w *work) at(ev *Event, a Action) (time.Time, error) {
	if a.At.IsZero() {
		return w.now, nil
	}
	if !w.actor.IsSystem() || !ev.Synthetic {
		return time.Time{}, errs.Field("at", "events.act.at", "只有模拟数据可以指定操作时间", "only synthetic events may be given an action time")
	}
	at := a.At.UTC().Truncate(time.Microsecond)
	if at.Before(ev.ReportedAt) || at.After(w.now.Add(5*time.Minute)) {
		return time.Time{}, errs.Field("at", "events.act.at_range", "操作时间应在上报之后、当前之前", "an action's time lies between the report and now")
	}
	return at, nil
}

// checkAction validates an action's free-form fields.
func checkAction(a *Action) error {
	a.Note = strings.TrimSpace(a.Note)
	if utf8.RuneCountInString(a.Note) > MaxNote || !utf8.ValidString(a.Note) {
		return errs.Field("note", "events.note.long", fmt.Sprintf("说明不超过 %d 个字符", MaxNote),
			fmt.Sprintf("a note is at most %d characters", MaxNote))
	}
	if p := a.Where; p != nil && (math.IsNaN(p.Lon) || math.IsNaN(p.Lat) || p.Lon < -180 || p.Lon > 180 || p.Lat < -90 || p.Lat > 90) {
		return errs.Field("location", "events.location.range", "位置无效", "the location is invalid")
	}
	return nil
}

func needNote(a Action, zh, en string) error {
	if a.Note == "" {
		return errs.Field("note", "events.note.required", zh, en)
	}
	return nil
}

// errState is the error of an action the event's state does not allow.
func errState(ev *Event, k ActionKind) error {
	return errs.E(errs.Conflict, "events.state",
		fmt.Sprintf("事件 %s 当前为「%s」，不能%s", ev.Code, StateName(ev.State, "zh"), ActionName(k, "zh")),
		fmt.Sprintf("event %s is %s and cannot be %s", ev.Code, StateName(ev.State, "en"), ActionName(k, "en")))
}

// allowsFrom reports whether action k may start from state st.
func allowsFrom(k ActionKind, st State) bool {
	for _, x := range from[k] {
		if x == st {
			return true
		}
	}
	return false
}
