package eventssql

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/events"
)

// Rows per multi-row statement, within both databases' parameter limits.
const (
	eventChunk = 400
	stepChunk  = 1000
	statChunk  = 500
	heatChunk  = 2000
)

// Write implements events.Store. A single item goes through the group
// committer; several are one transaction of their own.
func (s *Store) Write(ctx context.Context, origin string, items []*events.Item) error {
	if len(items) == 0 {
		return nil
	}
	return s.batcher.Do(ctx, func(ctx context.Context, tx *db.Tx) error { return write(ctx, tx, origin, items) })
}

// write applies items in tx.
func write(ctx context.Context, tx *db.Tx, origin string, items []*events.Item) error {
	var fresh []*events.Event
	var updates []*events.Item
	for _, it := range items {
		it.Skipped = false
		if it.New {
			fresh = append(fresh, it.Event)
		} else {
			updates = append(updates, it)
		}
	}
	if err := number(ctx, tx, fresh); err != nil {
		return err
	}
	if err := insertEvents(ctx, tx, fresh); err != nil {
		return err
	}
	slices.SortFunc(updates, func(a, b *events.Item) int { return strings.Compare(a.Event.ID, b.Event.ID) })
	for _, it := range updates {
		if err := updateEvent(ctx, tx, it); err != nil {
			return err
		}
	}
	var steps []*events.Step
	var deltas []events.StatDelta
	for _, it := range items {
		if !it.Skipped {
			steps = append(steps, it.Steps...)
			deltas = append(deltas, it.Stats...)
		}
	}
	if err := insertSteps(ctx, tx, steps); err != nil {
		return err
	}
	if err := applyStats(ctx, tx, deltas); err != nil {
		return err
	}
	return appendFeed(ctx, tx, origin, items)
}

// appendFeed records the items written in the change feed.
func appendFeed(ctx context.Context, tx *db.Tx, origin string, items []*events.Item) error {
	var b strings.Builder
	at := time.Time{}
	for _, it := range items {
		if it.Skipped || it.Quiet {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(';')
		}
		b.WriteString(string(it.Action))
		b.WriteByte(' ')
		b.WriteString(it.Event.ID)
		if it.Event.UpdatedAt.After(at) {
			at = it.Event.UpdatedAt
		}
	}
	if b.Len() == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `INSERT INTO event_feed (origin, at, changes) VALUES (?, ?, ?)`, origin, at.UTC(), b.String()); err != nil {
		return fmt.Errorf("append to the event feed: %w", err)
	}
	return nil
}

// number gives new events their codes from the daily sequences.
func number(ctx context.Context, tx *db.Tx, evs []*events.Event) error {
	byDay := map[events.Day][]*events.Event{}
	var days []events.Day
	for _, ev := range evs {
		d := events.DayOf(ev.ReceivedAt)
		if _, ok := byDay[d]; !ok {
			days = append(days, d)
		}
		byDay[d] = append(byDay[d], ev)
	}
	slices.Sort(days)
	for _, d := range days {
		list := byDay[d]
		var last int64
		err := tx.QueryRow(ctx, `INSERT INTO event_sequences (day, last) VALUES (?, ?)
			ON CONFLICT (day) DO UPDATE SET last = event_sequences.last + excluded.last RETURNING last`, int(d), len(list)).Scan(&last)
		if err != nil {
			return fmt.Errorf("event sequence: %w", err)
		}
		first := last - int64(len(list)) + 1
		for i, ev := range list {
			ev.Code = fmt.Sprintf("%d%06d", int(d), first+int64(i))
		}
	}
	return nil
}

const eventCols = `id, code, category, description, address, lon, lat, cell, chain, street, zones, photos,
	route_dept, route_zone, route_reason, reporter_id, reporter_name, reporter_kind, client_ref, source, state,
	assignee_dept, assignee_zone, assignee_worker, escalation, escalated_to, overdue, similar_to, duplicate_of,
	reported_at, received_at, due_at, escalate_at, closed_at, updated_at, version, steps, synthetic`

const nEventCols = 38

func eventArgs(ev *events.Event) []any {
	return []any{ev.ID, ev.Code, ev.Category, ev.Description, ev.Address, ev.Lon, ev.Lat, ev.Cell, ev.ChainString(), ev.Street,
		joinZones(ev.Zones), joinList(ev.Photos), ev.RouteDept, ev.RouteZone, ev.RouteReason, ev.ReporterID, ev.ReporterName,
		string(ev.ReporterKind), nullString(ev.ClientRef), string(ev.Source), string(ev.State), ev.AssigneeDept, ev.AssigneeZone,
		ev.AssigneeWorker, ev.Escalation, ev.EscalatedTo, ev.Overdue, ev.SimilarTo, ev.DuplicateOf, ev.ReportedAt.UTC(),
		ev.ReceivedAt.UTC(), ev.DueAt.UTC(), nullTime(ev.EscalateAt), nullTime(ev.ClosedAt), ev.UpdatedAt.UTC(), ev.Version,
		ev.Steps, ev.Synthetic}
}

func insertEvents(ctx context.Context, tx *db.Tx, evs []*events.Event) error {
	for chunk := range slices.Chunk(evs, eventChunk) {
		args := make([]any, 0, len(chunk)*nEventCols)
		for _, ev := range chunk {
			args = append(args, eventArgs(ev)...)
		}
		_, err := tx.Exec(ctx, `INSERT INTO events (`+eventCols+`) VALUES `+placeholders(len(chunk), nEventCols), args...)
		if db.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, "events.duplicate_ref", "同一客户端编号的上报正在同时提交，请重试",
				"A report with the same client reference is being stored at the same time; try again.")
		}
		if err != nil {
			return fmt.Errorf("insert events: %w", err)
		}
	}
	return nil
}

// updateEvent writes it's event over the stored version it.Event.Version-1.
func updateEvent(ctx context.Context, tx *db.Tx, it *events.Item) error {
	ev := it.Event
	res, err := tx.Exec(ctx, `UPDATE events SET state = ?, assignee_dept = ?, assignee_zone = ?, assignee_worker = ?,
		escalation = ?, escalated_to = ?, overdue = ?, duplicate_of = ?, escalate_at = ?, closed_at = ?, updated_at = ?,
		version = ?, steps = ? WHERE id = ? AND version = ?`,
		string(ev.State), ev.AssigneeDept, ev.AssigneeZone, ev.AssigneeWorker, ev.Escalation, ev.EscalatedTo, ev.Overdue,
		ev.DuplicateOf, nullTime(ev.EscalateAt), nullTime(ev.ClosedAt), ev.UpdatedAt.UTC(), ev.Version, ev.Steps,
		ev.ID, ev.Version-1)
	if err != nil {
		return fmt.Errorf("update event %s: %w", ev.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	if it.Optional {
		it.Skipped = true
		return nil
	}
	return errs.E(errs.Conflict, "events.changed", fmt.Sprintf("事件 %s 刚被他人处理，请刷新后重试", ev.Code),
		fmt.Sprintf("Event %s was changed by someone else meanwhile; reload and try again.", ev.Code))
}

const stepCols = `event_id, seq, action, from_state, to_state, actor_id, actor_name, actor_role, at, lon, lat, note,
	department, zone, worker, target, photos`

const nStepCols = 17

func insertSteps(ctx context.Context, tx *db.Tx, steps []*events.Step) error {
	for chunk := range slices.Chunk(steps, stepChunk) {
		args := make([]any, 0, len(chunk)*nStepCols)
		for _, st := range chunk {
			var lon, lat any
			if st.Where != nil {
				lon, lat = st.Where.Lon, st.Where.Lat
			}
			args = append(args, st.EventID, st.Seq, string(st.Action), string(st.From), string(st.To), st.ActorID, st.ActorName,
				st.ActorRole, st.At.UTC(), lon, lat, st.Note, st.Department, st.Zone, st.Worker, st.Target, joinList(st.Photos))
		}
		if _, err := tx.Exec(ctx, `INSERT INTO event_steps (`+stepCols+`) VALUES `+placeholders(len(chunk), nStepCols), args...); err != nil {
			return fmt.Errorf("insert event steps: %w", err)
		}
	}
	return nil
}

// statKey identifies one aggregate row.
type statKey struct {
	grid     string
	day      events.Day
	category string
}

// statSum is the change of one aggregate row.
type statSum struct {
	reported, closed, overdue int64
	seconds                   int64
	hist                      events.Histogram
}

// heatKey is one cell's count of a day or a month.
type heatKey struct {
	day  events.Day
	cell string
}

// applyStats sums the deltas per row and upserts them in key order.
func applyStats(ctx context.Context, tx *db.Tx, deltas []events.StatDelta) error {
	sums := map[statKey]*statSum{}
	days, months := map[heatKey]int64{}, map[heatKey]int64{}
	for _, d := range deltas {
		k := statKey{d.Grid, d.Day, d.Category}
		s := sums[k]
		if s == nil {
			s = &statSum{}
			sums[k] = s
		}
		s.reported += int64(d.Reported)
		s.closed += int64(d.Closed)
		s.overdue += int64(d.Overdue)
		s.seconds += d.Seconds
		if d.Bucket >= 0 && d.Bucket < events.Buckets {
			s.hist[d.Bucket] += int64(d.Closed)
		}
		if d.Finest && d.Reported != 0 {
			days[heatKey{d.Day, d.Grid}] += int64(d.Reported)
			months[heatKey{d.Day.Month(), d.Grid}] += int64(d.Reported)
		}
	}
	keys := make([]statKey, 0, len(sums))
	for k := range sums {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b statKey) int {
		return cmp.Or(strings.Compare(a.grid, b.grid), cmp.Compare(a.day, b.day), strings.Compare(a.category, b.category))
	})
	if err := upsertStats(ctx, tx, keys, sums); err != nil {
		return err
	}
	if err := upsertHeat(ctx, tx, "event_heat_days", "day", days); err != nil {
		return err
	}
	return upsertHeat(ctx, tx, "event_heat_months", "month", months)
}

// statSet is the upsert's update clause: every count adds the new one.
var statSet = func() string {
	cols := []string{"reported", "closed", "overdue", "handle_seconds"}
	for i := range events.Buckets {
		cols = append(cols, fmt.Sprintf("h%02d", i))
	}
	var b strings.Builder
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s = event_stats.%s + excluded.%s", c, c, c)
	}
	return b.String()
}()

var statCols = func() string {
	s := "grid, day, category, reported, closed, overdue, handle_seconds"
	for i := range events.Buckets {
		s += fmt.Sprintf(", h%02d", i)
	}
	return s
}()

const nStatCols = 7 + events.Buckets

func upsertStats(ctx context.Context, tx *db.Tx, keys []statKey, sums map[statKey]*statSum) error {
	// Rows that only count reports (most, when reports come in) take the
	// narrow statement: four values to bind instead of thirty-one.
	var reports, full []statKey
	for _, k := range keys {
		if s := sums[k]; s.closed == 0 && s.overdue == 0 && s.seconds == 0 {
			reports = append(reports, k)
		} else {
			full = append(full, k)
		}
	}
	for chunk := range slices.Chunk(reports, heatChunk) {
		args := make([]any, 0, len(chunk)*4)
		for _, k := range chunk {
			args = append(args, k.grid, int(k.day), k.category, sums[k].reported)
		}
		_, err := tx.Exec(ctx, `INSERT INTO event_stats (grid, day, category, reported) VALUES `+placeholders(len(chunk), 4)+`
			ON CONFLICT (grid, day, category) DO UPDATE SET reported = event_stats.reported + excluded.reported`, args...)
		if err != nil {
			return fmt.Errorf("update event statistics: %w", err)
		}
	}
	for chunk := range slices.Chunk(full, statChunk) {
		args := make([]any, 0, len(chunk)*nStatCols)
		for _, k := range chunk {
			s := sums[k]
			args = append(args, k.grid, int(k.day), k.category, s.reported, s.closed, s.overdue, s.seconds)
			for _, h := range s.hist {
				args = append(args, h)
			}
		}
		_, err := tx.Exec(ctx, `INSERT INTO event_stats (`+statCols+`) VALUES `+placeholders(len(chunk), nStatCols)+`
			ON CONFLICT (grid, day, category) DO UPDATE SET `+statSet, args...)
		if err != nil {
			return fmt.Errorf("update event statistics: %w", err)
		}
	}
	return nil
}

func upsertHeat(ctx context.Context, tx *db.Tx, table, col string, counts map[heatKey]int64) error {
	keys := make([]heatKey, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b heatKey) int { return cmp.Or(cmp.Compare(a.day, b.day), strings.Compare(a.cell, b.cell)) })
	for chunk := range slices.Chunk(keys, heatChunk) {
		args := make([]any, 0, len(chunk)*3)
		for _, k := range chunk {
			args = append(args, int(k.day), k.cell, counts[k])
		}
		_, err := tx.Exec(ctx, `INSERT INTO `+table+` (`+col+`, cell, n) VALUES `+placeholders(len(chunk), 3)+`
			ON CONFLICT (`+col+`, cell) DO UPDATE SET n = `+table+`.n + excluded.n`, args...)
		if err != nil {
			return fmt.Errorf("update heat map counts: %w", err)
		}
	}
	return nil
}
