// Package casessql stores applications, their traces and the serial
// number counters in the platform database, on SQLite and PostgreSQL
// alike, with portable SQL.
//
// Serial numbers come from serial_counters: the submitting transaction
// upserts the (region, day) row and reads the new value with RETURNING.
// On PostgreSQL the upsert locks the row until the transaction ends, so
// concurrent submissions from any number of instances queue on it; on
// SQLite the single writer serialises them. A rolled-back submission may
// leave a gap; no number is ever given twice (the serial column is also
// UNIQUE).
package casessql

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/notify"
	"github.com/pengcheng-gov/pengcheng/internal/notify/notifysql"
)

// Store implements cases.Store on a *db.DB.
type Store struct{ db *db.DB }

var _ cases.Store = (*Store)(nil)

// New returns a store on d.
func New(d *db.DB) *Store { return &Store{db: d} }

const appColumns = `id, serial, item_code, item_name, department, region, promised_days, state, channel, representation,
	applicant_kind, applicant_name, applicant_number, applicant_account, agent_name, agent_number, agent_account,
	filed_by, filed_by_name, contact_phone, form, materials, corrections,
	delivery_method, delivery_hall, recipient, recipient_phone, address, postcode, courier, tracking_no,
	shipment_status, shipment_status_at, assignee, assignee_name,
	submitted_at, accepted_at, due_at, decided_at, closed_at, created_at, updated_at, version, origin_serial`

// appArgs returns the values of app's columns in appColumns order.
func appArgs(app *cases.Application) ([]any, error) {
	form, err := encode(app.Form, "{}")
	if err != nil {
		return nil, err
	}
	mats, err := encode(app.Materials, "[]")
	if err != nil {
		return nil, err
	}
	corr, err := encode(app.Corrections, "[]")
	if err != nil {
		return nil, err
	}
	d := app.Delivery
	return []any{app.ID, app.Serial, app.ItemCode, app.ItemName, app.Department, app.Region, app.PromisedDays,
		string(app.State), string(app.Channel), string(app.Representation),
		string(app.Applicant.Kind), app.Applicant.Name, app.Applicant.Number, null(app.Applicant.AccountID),
		app.Agent.Name, app.Agent.Number, null(app.Agent.AccountID),
		null(app.FiledBy), app.FiledByName, app.ContactPhone, form, mats, corr,
		string(d.Method), d.Hall, d.Recipient, d.Phone, d.Address, d.Postcode, d.Courier, d.TrackingNo,
		string(d.Status), nullTime(d.StatusAt), null(app.Assignee), app.AssigneeName,
		app.SubmittedAt.UTC(), nullTime(app.AcceptedAt), nullTime(app.DueAt), nullTime(app.DecidedAt), nullTime(app.ClosedAt),
		app.CreatedAt.UTC(), app.UpdatedAt.UTC(), app.Version, app.Origin}, nil
}

func encode(v any, empty string) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode: %w", err)
	}
	if string(b) == "null" {
		return empty, nil
	}
	return string(b), nil
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// scanApp reads a row of appColumns.
func scanApp(row scanner) (*cases.Application, error) {
	var (
		a                                          cases.Application
		state, channel, rep, akind, method, status string
		applicantAcc, agentAcc, filedBy, assignee  sql.NullString
		form, mats, corr                           string
		statusAt, accepted, due, decided, closed   sql.NullTime
	)
	d := &a.Delivery
	err := row.Scan(&a.ID, &a.Serial, &a.ItemCode, &a.ItemName, &a.Department, &a.Region, &a.PromisedDays,
		&state, &channel, &rep, &akind, &a.Applicant.Name, &a.Applicant.Number, &applicantAcc,
		&a.Agent.Name, &a.Agent.Number, &agentAcc, &filedBy, &a.FiledByName, &a.ContactPhone, &form, &mats, &corr,
		&method, &d.Hall, &d.Recipient, &d.Phone, &d.Address, &d.Postcode, &d.Courier, &d.TrackingNo,
		&status, &statusAt, &assignee, &a.AssigneeName,
		&a.SubmittedAt, &accepted, &due, &decided, &closed, &a.CreatedAt, &a.UpdatedAt, &a.Version, &a.Origin)
	if err != nil {
		return nil, err
	}
	a.State, a.Channel, a.Representation = cases.State(state), cases.Channel(channel), cases.Representation(rep)
	a.Applicant.Kind, a.Applicant.AccountID = catalog.ApplicantKind(akind), applicantAcc.String
	a.Agent.AccountID, a.FiledBy, a.Assignee = agentAcc.String, filedBy.String, assignee.String
	if a.Agent.Name != "" {
		a.Agent.Kind = catalog.ApplicantPerson
	}
	d.Method, d.Status, d.StatusAt = cases.DeliveryMethod(method), cases.ShipmentStatus(status), timeOf(statusAt)
	a.AcceptedAt, a.DueAt, a.DecidedAt, a.ClosedAt = timeOf(accepted), timeOf(due), timeOf(decided), timeOf(closed)
	a.SubmittedAt, a.CreatedAt, a.UpdatedAt = a.SubmittedAt.UTC(), a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	for _, c := range []struct {
		src string
		dst any
	}{{form, &a.Form}, {mats, &a.Materials}, {corr, &a.Corrections}} {
		if err := json.Unmarshal([]byte(c.src), c.dst); err != nil {
			return nil, fmt.Errorf("application %s: stored JSON: %w", a.ID, err)
		}
	}
	return &a, nil
}

// CreateApplication implements cases.Store.
func (s *Store) CreateApplication(ctx context.Context, app *cases.Application, events []*cases.Event, notices ...cases.NoticeFunc) error {
	return s.db.WithTx(ctx, func(tx *db.Tx) error {
		if err := InsertApplication(ctx, tx, app, events); err != nil {
			return err
		}
		for _, f := range notices {
			if err := enqueue(ctx, tx, f(app)); err != nil {
				app.Serial = ""
				return err
			}
		}
		return nil
	})
}

// InsertApplication draws app's serial number and inserts app with its
// events in tx: what CreateApplication does, for a caller that writes more
// in the same transaction (instant approval's decision and hand-over).
// On error app.Serial is left empty.
func InsertApplication(ctx context.Context, tx *db.Tx, app *cases.Application, events []*cases.Event) error {
	var next int
	err := tx.QueryRow(ctx, `INSERT INTO serial_counters (region, day, next) VALUES (?, ?, 1)
		ON CONFLICT (region, day) DO UPDATE SET next = serial_counters.next + 1
		RETURNING next`, app.Region, cases.SerialDay(app.SubmittedAt)).Scan(&next)
	if err != nil {
		return fmt.Errorf("draw serial number: %w", err)
	}
	serial, err := cases.FormatSerial(app.Region, app.SubmittedAt, next)
	if err != nil {
		return err
	}
	app.Serial = serial
	args, err := appArgs(app)
	if err != nil {
		app.Serial = ""
		return err
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ")
	if _, err := tx.Exec(ctx, `INSERT INTO applications (`+appColumns+`) VALUES (`+marks+`)`, args...); err != nil {
		app.Serial = ""
		return writeError(err)
	}
	for _, ev := range events {
		if err := insertEvent(ctx, tx, ev); err != nil {
			app.Serial = ""
			return err
		}
	}
	return nil
}

// enqueue stores notices in tx.
func enqueue(ctx context.Context, tx *db.Tx, msgs []*notify.Message) error {
	for _, m := range msgs {
		if m == nil {
			continue
		}
		if _, _, err := notifysql.Enqueue(ctx, tx, m); err != nil {
			return fmt.Errorf("enqueue notice: %w", err)
		}
	}
	return nil
}

// writeError maps constraint violations to domain errors.
func writeError(err error) error {
	switch {
	case db.IsUniqueViolation(err):
		return errs.E(errs.Conflict, "case.duplicate", "办件已存在", "the application already exists")
	case db.IsForeignKeyViolation(err):
		return errs.E(errs.Invalid, "case.reference", "办件引用了不存在的事项、部门或账户",
			"the application refers to an unknown item, department or account")
	}
	return fmt.Errorf("write application: %w", err)
}

// FindApplication implements cases.Store.
func (s *Store) FindApplication(ctx context.Context, id string) (*cases.Application, error) {
	return s.findOne(ctx, `id = ?`, id)
}

// FindApplicationBySerial implements cases.Store.
func (s *Store) FindApplicationBySerial(ctx context.Context, serial string) (*cases.Application, error) {
	return s.findOne(ctx, `serial = ?`, serial)
}

func (s *Store) findOne(ctx context.Context, where string, arg any) (*cases.Application, error) {
	app, err := scanApp(s.db.QueryRow(ctx, `SELECT `+appColumns+` FROM applications WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "case.not_found", "办件不存在", "no such application")
	}
	if err != nil {
		return nil, fmt.Errorf("find application: %w", err)
	}
	return app, nil
}

// UpdateApplication implements cases.Store.
func (s *Store) UpdateApplication(ctx context.Context, app *cases.Application, ev *cases.Event, msgs ...*notify.Message) error {
	return s.db.WithTx(ctx, func(tx *db.Tx) error {
		if err := UpdateApplicationTx(ctx, tx, app, app.Version-1, []*cases.Event{ev}); err != nil {
			return err
		}
		return enqueue(ctx, tx, msgs)
	})
}

// UpdateApplicationTx replaces the stored application whose version is
// fromVersion with app and appends events, in tx; errs.Conflict when the
// stored version differs.
func UpdateApplicationTx(ctx context.Context, tx *db.Tx, app *cases.Application, fromVersion int, events []*cases.Event) error {
	args, err := appArgs(app)
	if err != nil {
		return err
	}
	cols := strings.Split(appColumns, ",")
	sets := make([]string, 0, len(cols))
	for _, c := range cols[2:] { // neither id nor serial change
		sets = append(sets, strings.TrimSpace(c)+" = ?")
	}
	res, err := tx.Exec(ctx, `UPDATE applications SET `+strings.Join(sets, ", ")+` WHERE id = ? AND version = ?`,
		append(args[2:], app.ID, fromVersion)...)
	if err != nil {
		return writeError(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("update application: %w", err)
	}
	if n == 0 {
		var v int
		err := tx.QueryRow(ctx, `SELECT version FROM applications WHERE id = ?`, app.ID).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(errs.NotFound, "case.not_found", "办件不存在", "no such application")
		}
		return errs.E(errs.Conflict, "case.stale", "办件已被他人更新，请刷新页面后重试",
			"the application changed in the meantime; reload the page and try again")
	}
	for _, ev := range events {
		if err := insertEvent(ctx, tx, ev); err != nil {
			return err
		}
	}
	return nil
}

// InsertEvents appends events to their applications' traces in tx.
func InsertEvents(ctx context.Context, tx *db.Tx, events []*cases.Event) error {
	for _, ev := range events {
		if err := insertEvent(ctx, tx, ev); err != nil {
			return err
		}
	}
	return nil
}

func insertEvent(ctx context.Context, tx *db.Tx, ev *cases.Event) error {
	items, err := encode(ev.Items, "[]")
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO application_events (id, application_id, seq, at, actor_id, actor_name, role, action,
		from_state, to_state, reason, items, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ev.ID, ev.ApplicationID, ev.Seq, ev.At.UTC(), null(ev.ActorID), ev.ActorName, string(ev.Role), string(ev.Action),
		string(ev.From), string(ev.To), ev.Reason, items, ev.Detail)
	if err != nil {
		if db.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, "case.stale", "办件已被他人更新，请刷新页面后重试",
				"the application changed in the meantime; reload the page and try again")
		}
		return fmt.Errorf("append event: %w", writeError(err))
	}
	return nil
}

// FindEvents implements cases.Store.
func (s *Store) FindEvents(ctx context.Context, applicationID string) ([]*cases.Event, error) {
	rows, err := s.db.Query(ctx, `SELECT id, application_id, seq, at, actor_id, actor_name, role, action, from_state,
		to_state, reason, items, detail FROM application_events WHERE application_id = ? ORDER BY seq`, applicationID)
	if err != nil {
		return nil, fmt.Errorf("find events: %w", err)
	}
	defer rows.Close()
	var out []*cases.Event
	for rows.Next() {
		var (
			e                      cases.Event
			actor                  sql.NullString
			role, action, from, to string
			items                  string
		)
		if err := rows.Scan(&e.ID, &e.ApplicationID, &e.Seq, &e.At, &actor, &e.ActorName, &role, &action, &from, &to,
			&e.Reason, &items, &e.Detail); err != nil {
			return nil, fmt.Errorf("find events: %w", err)
		}
		e.ActorID, e.Role, e.Action = actor.String, cases.Role(role), cases.Action(action)
		e.From, e.To, e.At = cases.State(from), cases.State(to), e.At.UTC()
		if err := json.Unmarshal([]byte(items), &e.Items); err != nil {
			return nil, fmt.Errorf("event %s: stored JSON: %w", e.ID, err)
		}
		out = append(out, &e)
	}
	return out, rows.Err()
}

// FindApplications implements cases.Store.
func (s *Store) FindApplications(ctx context.Context, f cases.Filter) ([]*cases.Application, int, error) {
	var where []string
	var args []any
	add := func(cond string, a ...any) {
		where = append(where, cond)
		args = append(args, a...)
	}
	if f.Department != "" {
		add(`department = ?`, f.Department)
	}
	if f.Party != "" {
		add(`(applicant_account = ? OR filed_by = ? OR agent_account = ?)`, f.Party, f.Party, f.Party)
	}
	if len(f.States) > 0 {
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(f.States)), ", ")
		st := make([]any, len(f.States))
		for i, x := range f.States {
			st[i] = string(x)
		}
		add(`state IN (`+marks+`)`, st...)
	}
	if f.ItemCode != "" {
		add(`item_code = ?`, f.ItemCode)
	}
	if f.Assignee != "" {
		add(`assignee = ?`, f.Assignee)
	}
	if f.Serial != "" {
		add(`serial = ?`, f.Serial)
	}
	if !f.DueFrom.IsZero() {
		add(`due_at >= ?`, f.DueFrom.UTC())
	}
	if !f.DueBefore.IsZero() {
		add(`due_at < ?`, f.DueBefore.UTC())
	}
	cond := ""
	if len(where) > 0 {
		cond = ` WHERE ` + strings.Join(where, ` AND `)
	}
	var total int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM applications`+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count applications: %w", err)
	}
	order := ` ORDER BY submitted_at DESC, id DESC`
	if f.Sort == cases.DueFirst {
		order = ` ORDER BY (due_at IS NULL), due_at, submitted_at, id`
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	rows, err := s.db.Query(ctx, `SELECT `+appColumns+` FROM applications`+cond+order+` LIMIT ? OFFSET ?`,
		append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("find applications: %w", err)
	}
	defer rows.Close()
	var out []*cases.Application
	for rows.Next() {
		a, err := scanApp(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("find applications: %w", err)
		}
		out = append(out, a)
	}
	return out, total, rows.Err()
}

// null turns an empty string into SQL NULL.
func null(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nullTime turns a zero time into SQL NULL and others into UTC.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// timeOf returns a scanned nullable time in UTC, zero when NULL.
func timeOf(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}
