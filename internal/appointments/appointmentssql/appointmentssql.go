// Package appointmentssql stores service halls, slot occupancy, bookings
// and their history in the platform database, on SQLite and PostgreSQL
// alike, with portable SQL.
//
// The rules that must hold under concurrency are the database's: a slot's
// counter row is incremented only while below the capacity (a conditional
// UPDATE whose affected-row count decides), a partial unique index keeps
// one active booking per account, item and day, queue numbers come from a
// counter row incremented by an upsert, and every state change is an
// UPDATE conditioned on the state it expects. On PostgreSQL, in READ
// COMMITTED, a conditional UPDATE that waits for a concurrent one
// re-evaluates its condition on the committed row; on SQLite, writes are
// serialised. Transactions that touch two slots lock them in [SlotRef]
// order, so two concurrent moves cannot deadlock.
//
// The notices of a change are written to the notification outbox with
// notifysql.Enqueue on the transaction of the change.
package appointmentssql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/appointments"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/notify"
	"github.com/pengcheng-gov/pengcheng/internal/notify/notifysql"
)

// Store implements appointments.Store on a *db.DB.
type Store struct{ db *db.DB }

var _ appointments.Store = (*Store)(nil)

// New returns a store on d.
func New(d *db.DB) *Store { return &Store{db: d} }

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

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

// nullInt turns 0 into SQL NULL.
func nullInt(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

// hallNotFound is the error for an unknown hall.
func hallNotFound(code string) error {
	return errs.E(errs.NotFound, "hall.not_found", fmt.Sprintf("未找到服务大厅 %.30q", code), fmt.Sprintf("no service hall %.30q", code))
}

// bookingNotFound is the error for an unknown booking.
func bookingNotFound() error {
	return errs.E(errs.NotFound, "booking.not_found", "未找到该预约", "No such appointment.")
}

// noRows reports whether err says a query found nothing.
func noRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// affected returns how many rows res changed.
func affected(res sql.Result) (int64, error) {
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("rows affected: %w", err)
	}
	return n, nil
}

// insertEvent writes a booking event in tx.
func insertEvent(ctx context.Context, tx *db.Tx, ev *appointments.Event) error {
	if ev == nil {
		return nil
	}
	var actor any
	if ev.ActorID != "" {
		actor = ev.ActorID
	}
	_, err := tx.Exec(ctx, `INSERT INTO appointment_events (id, appointment_id, at, kind, actor_id, detail)
		VALUES (?, ?, ?, ?, ?, ?)`, ev.ID, ev.BookingID, ev.At.UTC(), string(ev.Kind), actor, ev.Detail)
	if err != nil {
		return fmt.Errorf("insert booking event: %w", err)
	}
	return nil
}

// enqueue writes msgs to the notification outbox in tx, in order.
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

// FindEvents lists a booking's events, oldest first.
func (s *Store) FindEvents(ctx context.Context, bookingID string) ([]*appointments.Event, error) {
	rows, err := s.db.Query(ctx, `SELECT id, appointment_id, at, kind, actor_id, detail FROM appointment_events
		WHERE appointment_id = ? ORDER BY at, id`, bookingID)
	if err != nil {
		return nil, fmt.Errorf("find booking events: %w", err)
	}
	defer rows.Close()
	var out []*appointments.Event
	for rows.Next() {
		var (
			e     appointments.Event
			actor sql.NullString
		)
		if err := rows.Scan(&e.ID, &e.BookingID, &e.At, &e.Kind, &actor, &e.Detail); err != nil {
			return nil, fmt.Errorf("scan booking event: %w", err)
		}
		e.At, e.ActorID = e.At.UTC(), actor.String
		out = append(out, &e)
	}
	return out, rows.Err()
}
