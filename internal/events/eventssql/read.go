package eventssql

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/events"
)

func scanEvent(sc scanner) (*events.Event, error) {
	ev := &events.Event{}
	var chain, zones, photos, kind, source, state string
	var clientRef sql.NullString
	var escalateAt, closedAt sql.NullTime
	err := sc.Scan(&ev.ID, &ev.Code, &ev.Category, &ev.Description, &ev.Address, &ev.Lon, &ev.Lat, &ev.Cell, &chain, &ev.Street,
		&zones, &photos, &ev.RouteDept, &ev.RouteZone, &ev.RouteReason, &ev.ReporterID, &ev.ReporterName, &kind, &clientRef,
		&source, &state, &ev.AssigneeDept, &ev.AssigneeZone, &ev.AssigneeWorker, &ev.Escalation, &ev.EscalatedTo, &ev.Overdue,
		&ev.SimilarTo, &ev.DuplicateOf, &ev.ReportedAt, &ev.ReceivedAt, &ev.DueAt, &escalateAt, &closedAt, &ev.UpdatedAt,
		&ev.Version, &ev.Steps, &ev.Synthetic)
	if err != nil {
		return nil, err
	}
	ev.Chain = splitChain(chain)
	ev.Zones, ev.Photos = splitZones(zones), splitList(photos)
	ev.ReporterKind, ev.Source, ev.State = events.ActorKind(kind), events.Source(source), events.State(state)
	ev.ClientRef = clientRef.String
	ev.ReportedAt, ev.ReceivedAt, ev.DueAt, ev.UpdatedAt = ev.ReportedAt.UTC(), ev.ReceivedAt.UTC(), ev.DueAt.UTC(), ev.UpdatedAt.UTC()
	ev.EscalateAt, ev.ClosedAt = timeOf(escalateAt), timeOf(closedAt)
	return ev, nil
}

func splitChain(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "/")
}

var errNotFound = errs.E(errs.NotFound, "events.not_found", "事件不存在", "There is no such event.")

// queryEvents runs a query selecting eventCols.
func (s *Store) queryEvents(ctx context.Context, q string, args ...any) ([]*events.Event, error) {
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("query events: %w", err)
	}
	defer rows.Close()
	var out []*events.Event
	for rows.Next() {
		ev, err := scanEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("scan event: %w", err)
		}
		out = append(out, ev)
	}
	return out, rows.Err()
}

func (s *Store) one(ctx context.Context, where string, arg any) (*events.Event, error) {
	ev, err := scanEvent(s.db.QueryRow(ctx, `SELECT `+eventCols+` FROM events WHERE `+where, arg))
	if noRows(err) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load event: %w", err)
	}
	return ev, nil
}

// Event implements events.Store.
func (s *Store) Event(ctx context.Context, id string) (*events.Event, error) {
	return s.one(ctx, `id = ?`, id)
}

// EventByCode implements events.Store.
func (s *Store) EventByCode(ctx context.Context, code string) (*events.Event, error) {
	return s.one(ctx, `code = ?`, code)
}

// EventsByID implements events.Store.
func (s *Store) EventsByID(ctx context.Context, ids []string) ([]*events.Event, error) {
	var out []*events.Event
	for i := 0; i < len(ids); i += 500 {
		chunk := ids[i:min(i+500, len(ids))]
		args := make([]any, len(chunk))
		for j, id := range chunk {
			args[j] = id
		}
		evs, err := s.queryEvents(ctx, `SELECT `+eventCols+` FROM events WHERE id IN (`+inList(len(chunk))+`)`, args...)
		if err != nil {
			return nil, err
		}
		out = append(out, evs...)
	}
	return out, nil
}

// EventsByClientRef implements events.Store.
func (s *Store) EventsByClientRef(ctx context.Context, reporter string, refs []string) (map[string]*events.Event, error) {
	out := map[string]*events.Event{}
	for i := 0; i < len(refs); i += 500 {
		chunk := refs[i:min(i+500, len(refs))]
		args := []any{reporter}
		for _, r := range chunk {
			args = append(args, r)
		}
		evs, err := s.queryEvents(ctx, `SELECT `+eventCols+` FROM events WHERE reporter_id = ? AND client_ref IN (`+inList(len(chunk))+`)`, args...)
		if err != nil {
			return nil, err
		}
		for _, ev := range evs {
			out[ev.ClientRef] = ev
		}
	}
	return out, nil
}

// Recent implements events.Store.
func (s *Store) Recent(ctx context.Context, since time.Time) ([]*events.Event, error) {
	rows, err := s.db.Query(ctx, `SELECT id, category, lon, lat, reported_at FROM events
		WHERE reported_at >= ? AND state <> 'closed' AND duplicate_of = ''`, since.UTC())
	if err != nil {
		return nil, fmt.Errorf("query recent events: %w", err)
	}
	defer rows.Close()
	var out []*events.Event
	for rows.Next() {
		ev := &events.Event{State: events.Reported}
		if err := rows.Scan(&ev.ID, &ev.Category, &ev.Lon, &ev.Lat, &ev.ReportedAt); err != nil {
			return nil, fmt.Errorf("scan recent event: %w", err)
		}
		ev.ReportedAt = ev.ReportedAt.UTC()
		out = append(out, ev)
	}
	return out, rows.Err()
}

// Merged implements events.Store.
func (s *Store) Merged(ctx context.Context, id string) ([]*events.Event, error) {
	return s.queryEvents(ctx, `SELECT `+eventCols+` FROM events WHERE duplicate_of = ? AND duplicate_of <> '' ORDER BY id`, id)
}

// DueForEscalation implements events.Store.
func (s *Store) DueForEscalation(ctx context.Context, now time.Time, limit int) ([]*events.Event, error) {
	return s.queryEvents(ctx, `SELECT `+eventCols+` FROM events WHERE escalate_at IS NOT NULL AND escalate_at <= ?
		ORDER BY escalate_at LIMIT ?`, now.UTC(), limit)
}

// Trace implements events.Store.
func (s *Store) Trace(ctx context.Context, id string) ([]*events.Step, error) {
	rows, err := s.db.Query(ctx, `SELECT `+stepCols+` FROM event_steps WHERE event_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, fmt.Errorf("query trace: %w", err)
	}
	defer rows.Close()
	var out []*events.Step
	for rows.Next() {
		st := &events.Step{}
		var action, from, to, photos string
		var lon, lat sql.NullFloat64
		if err := rows.Scan(&st.EventID, &st.Seq, &action, &from, &to, &st.ActorID, &st.ActorName, &st.ActorRole, &st.At,
			&lon, &lat, &st.Note, &st.Department, &st.Zone, &st.Worker, &st.Target, &photos); err != nil {
			return nil, fmt.Errorf("scan step: %w", err)
		}
		st.Action, st.From, st.To, st.Photos = events.ActionKind(action), events.State(from), events.State(to), splitList(photos)
		st.At = st.At.UTC()
		if lon.Valid && lat.Valid {
			st.Where = &events.Point{Lon: lon.Float64, Lat: lat.Float64}
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// chainRange is the condition "in the cell whose chain is c (in street,
// if not empty)": the street narrows it through its index.
func chainRange(c, street string) (string, []any) {
	if street != "" {
		return `(street = ? AND (chain = ? OR (chain >= ? AND chain < ?)))`, []any{street, c, c + "/", c + "0"}
	}
	return `(chain = ? OR (chain >= ? AND chain < ?))`, []any{c, c + "/", c + "0"}
}

// List implements events.Store.
func (s *Store) List(ctx context.Context, f events.Filter, scope events.Scope) (events.Page, error) {
	var conds []string
	var args []any
	add := func(c string, a ...any) { conds = append(conds, c); args = append(args, a...) }
	if len(f.States) > 0 {
		a := make([]any, len(f.States))
		for i, st := range f.States {
			a[i] = string(st)
		}
		add(`state IN (`+inList(len(a))+`)`, a...)
	}
	if f.Queue { // reported events have no assignee: the state index gives them newest first
		add(`state = 'reported' AND assignee_dept = '' AND duplicate_of = ''`)
	}
	if len(f.Categories) > 0 {
		a := make([]any, len(f.Categories))
		for i, c := range f.Categories {
			a[i] = c
		}
		add(`category IN (`+inList(len(a))+`)`, a...)
	}
	if f.Grid != "" {
		c, a := chainRange(f.Grid, f.Street)
		add(c, a...)
	}
	for col, v := range map[string]string{"assignee_dept": f.Department, "assignee_worker": f.Worker, "reporter_id": f.Reporter} {
		if v != "" {
			add(col+` = ?`, v)
		}
	}
	if !f.Since.IsZero() {
		add(`reported_at >= ?`, f.Since.UTC())
	}
	if !f.Until.IsZero() {
		add(`reported_at < ?`, f.Until.UTC())
	}
	if f.Overdue {
		add(`overdue = ?`, true)
	}
	switch f.Synthetic {
	case "only":
		add(`synthetic = ?`, true)
	case "none":
		add(`synthetic = ?`, false)
	}
	if !scope.All {
		c, a := scopeCond(scope)
		add(c, a...)
	}
	q := `SELECT ` + eventCols + ` FROM events`
	if len(conds) > 0 {
		q += ` WHERE ` + strings.Join(conds, ` AND `)
	}
	q += ` ORDER BY reported_at DESC, id DESC LIMIT ? OFFSET ?`
	evs, err := s.queryEvents(ctx, q, append(args, f.Limit+1, f.Offset)...)
	if err != nil {
		return events.Page{}, err
	}
	p := events.Page{Events: evs}
	if len(evs) > f.Limit {
		p.Events, p.More = evs[:f.Limit], true
	}
	return p, nil
}

// scopeCond is the condition of what a scope sees.
func scopeCond(sc events.Scope) (string, []any) {
	var ors []string
	var args []any
	for i, c := range sc.Chains {
		street := ""
		if i < len(sc.Streets) {
			street = sc.Streets[i]
		}
		cond, a := chainRange(c, street)
		ors, args = append(ors, cond), append(args, a...)
	}
	if sc.Department != "" {
		ors, args = append(ors, `assignee_dept = ?`), append(args, sc.Department)
	}
	if sc.Account != "" {
		ors, args = append(ors, `reporter_id = ?`, `assignee_worker = ?`), append(args, sc.Account, sc.Account)
	}
	if len(ors) == 0 {
		return `1 = 0`, nil
	}
	return `(` + strings.Join(ors, ` OR `) + `)`, args
}
