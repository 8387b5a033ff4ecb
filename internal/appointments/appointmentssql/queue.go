package appointmentssql

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/appointments"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// CheckIn marks the booked booking id checked in and gives it the next
// queue number of its hall, day and group from the counter row, which the
// upsert increments atomically.
func (s *Store) CheckIn(ctx context.Context, id string, now time.Time, ev *appointments.Event) (*appointments.Booking, error) {
	var out *appointments.Booking
	err := s.db.WithTx(ctx, func(tx *db.Tx) error {
		b, err := scanBooking(tx.QueryRow(ctx, `UPDATE appointments SET status = 'checked_in', checked_in_at = ?, updated_at = ?
			WHERE id = ? AND status = 'booked' RETURNING `+bookingCols, now.UTC(), now.UTC(), id))
		if err != nil {
			if noRows(err) {
				return appointments.ErrStale
			}
			return err
		}
		var seq int
		if err := tx.QueryRow(ctx, `INSERT INTO appointment_queue_counters (hall_code, day, group_code, last) VALUES (?, ?, ?, 1)
			ON CONFLICT (hall_code, day, group_code) DO UPDATE SET last = appointment_queue_counters.last + 1
			RETURNING last`, b.HallCode, string(b.Day), b.GroupCode).Scan(&seq); err != nil {
			return fmt.Errorf("next queue number: %w", err)
		}
		number := fmt.Sprintf("%s%03d", b.GroupCode, seq)
		if _, err := tx.Exec(ctx, `UPDATE appointments SET queue_seq = ?, queue_number = ? WHERE id = ?`, seq, number, id); err != nil {
			return fmt.Errorf("set queue number: %w", err)
		}
		b.QueueSeq, b.QueueNumber = seq, number
		out = b
		return insertEvent(ctx, tx, ev)
	})
	if err != nil {
		if errors.Is(err, appointments.ErrStale) {
			return nil, err
		}
		return nil, fmt.Errorf("check in: %w", err)
	}
	return out, nil
}

// callAttempts bounds how often CallNext looks again when a concurrent
// caller took the person it picked.
const callAttempts = 20

// CallNext marks the first waiting booking of the group as called to
// window. The pick and the conditional update run in one transaction; on
// PostgreSQL the pick locks the row and skips rows other windows have
// locked, and should the update still find the booking taken, the next one
// is picked.
func (s *Store) CallNext(ctx context.Context, hall string, day appointments.Day, group string, window int, now time.Time,
	ev *appointments.Event) (*appointments.Booking, error) {
	pick := `SELECT id FROM appointments WHERE hall_code = ? AND day = ? AND group_code = ?
		AND status = 'checked_in' ORDER BY queue_seq LIMIT 1`
	if s.db.Dialect() == db.Postgres {
		// Skip people that another window is calling right now instead of
		// waiting for its transaction and then finding them taken.
		// (SQLite has no row locks: its writers are serialised.)
		pick += ` FOR UPDATE SKIP LOCKED`
	}
	var out *appointments.Booking
	err := s.db.WithTx(ctx, func(tx *db.Tx) error {
		for range callAttempts {
			var id string
			err := tx.QueryRow(ctx, pick, hall, string(day), group).Scan(&id)
			if noRows(err) {
				return appointments.ErrQueueEmpty
			}
			if err != nil {
				return err
			}
			b, err := scanBooking(tx.QueryRow(ctx, `UPDATE appointments SET status = 'called', window_number = ?, called_at = ?,
				updated_at = ? WHERE id = ? AND status = 'checked_in' RETURNING `+bookingCols, window, now.UTC(), now.UTC(), id))
			if noRows(err) {
				continue // taken by another window meanwhile
			}
			if err != nil {
				return err
			}
			e := *ev
			e.BookingID = b.ID
			out = b
			return insertEvent(ctx, tx, &e)
		}
		return fmt.Errorf("no waiting booking could be claimed in %d attempts", callAttempts)
	})
	if err != nil {
		if errors.Is(err, appointments.ErrQueueEmpty) {
			return nil, err
		}
		return nil, fmt.Errorf("call next: %w", err)
	}
	return out, nil
}

// statusTimeColumn is the column that records when a booking entered a
// status.
var statusTimeColumn = map[appointments.Status]string{
	appointments.Cancelled: "cancelled_at",
	appointments.CheckedIn: "checked_in_at",
	appointments.Called:    "called_at",
	appointments.Served:    "served_at",
	appointments.NoShow:    "no_show_at",
}

// Transition moves booking id from status from to status to.
func (s *Store) Transition(ctx context.Context, id string, from, to appointments.Status, now time.Time,
	ev *appointments.Event) (*appointments.Booking, error) {
	col, ok := statusTimeColumn[to]
	if !ok {
		return nil, fmt.Errorf("transition to %q: not a target status", to)
	}
	var out *appointments.Booking
	err := s.db.WithTx(ctx, func(tx *db.Tx) error {
		b, err := scanBooking(tx.QueryRow(ctx, `UPDATE appointments SET status = ?, `+col+` = ?, updated_at = ?
			WHERE id = ? AND status = ? RETURNING `+bookingCols, string(to), now.UTC(), now.UTC(), id, string(from)))
		if err != nil {
			if noRows(err) {
				return appointments.ErrStale
			}
			return err
		}
		out = b
		return insertEvent(ctx, tx, ev)
	})
	if err != nil {
		if errors.Is(err, appointments.ErrStale) {
			return nil, err
		}
		return nil, fmt.Errorf("transition booking: %w", err)
	}
	return out, nil
}

// MarkNoShows marks the booked bookings whose slot ended at or before now
// as no-shows, with an event each, in one transaction.
func (s *Store) MarkNoShows(ctx context.Context, now time.Time) ([]*appointments.Booking, error) {
	var out []*appointments.Booking
	err := s.db.WithTx(ctx, func(tx *db.Tx) error {
		rows, err := tx.Query(ctx, `UPDATE appointments SET status = 'no_show', no_show_at = ?, updated_at = ?
			WHERE status = 'booked' AND ends_at <= ? RETURNING `+bookingCols, now.UTC(), now.UTC(), now.UTC())
		if err != nil {
			return err
		}
		for rows.Next() {
			b, err := scanBooking(rows)
			if err != nil {
				rows.Close()
				return err
			}
			out = append(out, b)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, b := range out {
			ev := &appointments.Event{ID: ids.New(), BookingID: b.ID, At: now.UTC(), Kind: appointments.EventNoShow, Detail: "not checked in"}
			if err := insertEvent(ctx, tx, ev); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("mark no-shows: %w", err)
	}
	return out, nil
}

// ClaimReminders marks up to limit due bookings as reminded and returns
// them; the conditional update claims each booking once.
func (s *Store) ClaimReminders(ctx context.Context, now, startsBy time.Time, limit int) ([]*appointments.Booking, error) {
	rows, err := s.db.Query(ctx, `SELECT id FROM appointments WHERE status = 'booked' AND reminded_at IS NULL
		AND starts_at > ? AND starts_at <= ? ORDER BY starts_at LIMIT ?`, now.UTC(), startsBy.UTC(), limit)
	if err != nil {
		return nil, fmt.Errorf("due reminders: %w", err)
	}
	var due []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan due reminder: %w", err)
		}
		due = append(due, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("due reminders: %w", err)
	}
	var out []*appointments.Booking
	for _, id := range due {
		err := s.db.WithTx(ctx, func(tx *db.Tx) error {
			b, err := scanBooking(tx.QueryRow(ctx, `UPDATE appointments SET reminded_at = ?
				WHERE id = ? AND status = 'booked' AND reminded_at IS NULL RETURNING `+bookingCols, now.UTC(), id))
			if err == nil {
				out = append(out, b)
			}
			return err
		})
		if err != nil && !noRows(err) {
			return out, fmt.Errorf("claim reminder: %w", err)
		}
	}
	return out, nil
}

// NoShowTimes returns the times of the account's no-shows at or after
// since, newest first.
func (s *Store) NoShowTimes(ctx context.Context, accountID string, since time.Time) ([]time.Time, error) {
	rows, err := s.db.Query(ctx, `SELECT no_show_at FROM appointments WHERE account_id = ? AND status = 'no_show'
		AND no_show_at >= ? ORDER BY no_show_at DESC LIMIT 100`, accountID, since.UTC())
	if err != nil {
		return nil, fmt.Errorf("no-shows: %w", err)
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var t time.Time
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("scan no-show: %w", err)
		}
		out = append(out, t.UTC())
	}
	return out, rows.Err()
}
