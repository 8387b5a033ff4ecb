package appointmentssql

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/appointments"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/notify"
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

// Transition moves booking id from status from to status to, with ev and
// msgs, in one transaction.
func (s *Store) Transition(ctx context.Context, id string, from, to appointments.Status, now time.Time,
	ev *appointments.Event, msgs ...*notify.Message) (*appointments.Booking, error) {
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
		if err := insertEvent(ctx, tx, ev); err != nil {
			return err
		}
		return enqueue(ctx, tx, msgs)
	})
	if err != nil {
		if errors.Is(err, appointments.ErrStale) {
			return nil, err
		}
		return nil, fmt.Errorf("transition booking: %w", err)
	}
	return out, nil
}

// DueNoShows returns up to limit booked bookings whose slot ended at or
// before now, earliest slot first.
func (s *Store) DueNoShows(ctx context.Context, now time.Time, limit int) ([]*appointments.Booking, error) {
	list, err := s.listBookings(ctx, `status = 'booked' AND ends_at <= ? ORDER BY starts_at, id LIMIT ?`, now.UTC(), limit)
	if err != nil {
		return nil, fmt.Errorf("due no-shows: %w", err)
	}
	return list, nil
}

// DueReminders returns up to limit booked, unreminded bookings whose slot
// starts in (now, startsBy], earliest slot first.
func (s *Store) DueReminders(ctx context.Context, now, startsBy time.Time, limit int) ([]*appointments.Booking, error) {
	list, err := s.listBookings(ctx, `status = 'booked' AND reminded_at IS NULL AND starts_at > ? AND starts_at <= ?
		ORDER BY starts_at, id LIMIT ?`, now.UTC(), startsBy.UTC(), limit)
	if err != nil {
		return nil, fmt.Errorf("due reminders: %w", err)
	}
	return list, nil
}

// listBookings returns the bookings that the rest of a query (conditions,
// order and limit) selects.
func (s *Store) listBookings(ctx context.Context, rest string, args ...any) ([]*appointments.Booking, error) {
	rows, err := s.db.Query(ctx, `SELECT `+bookingCols+` FROM appointments WHERE `+rest, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*appointments.Booking
	for rows.Next() {
		b, err := scanBooking(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// ClaimReminder marks booking id reminded with a conditional update, which
// only one of concurrent callers can make, and enqueues msgs in the same
// transaction.
func (s *Store) ClaimReminder(ctx context.Context, id string, slot appointments.SlotRef, now time.Time, msgs ...*notify.Message) error {
	err := s.db.WithTx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE appointments SET reminded_at = ?
			WHERE id = ? AND status = 'booked' AND reminded_at IS NULL AND hall_code = ? AND group_code = ? AND starts_at = ?`,
			now.UTC(), id, slot.Hall, slot.Group, slot.Start.UTC())
		if err != nil {
			return err
		}
		if n, err := affected(res); err != nil {
			return err
		} else if n == 0 {
			return appointments.ErrStale
		}
		return enqueue(ctx, tx, msgs)
	})
	if err != nil && !errors.Is(err, appointments.ErrStale) {
		return fmt.Errorf("claim reminder: %w", err)
	}
	return err
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
