package appointmentssql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/appointments"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/notify"
)

// bookingCols are the columns scanBooking reads, in order.
const bookingCols = `id, code, account_id, account_kind, name, phone, id_tail, hall_code, group_code, item_code, day,
	starts_at, ends_at, status, queue_seq, queue_number, window_number, checked_in_at, called_at, served_at,
	cancelled_at, no_show_at, reminded_at, created_at, updated_at`

func scanBooking(sc scanner) (*appointments.Booking, error) {
	var (
		b                                                      appointments.Booking
		seq, window                                            sql.NullInt64
		number                                                 sql.NullString
		checkedIn, called, served, cancelled, noShow, reminded sql.NullTime
	)
	err := sc.Scan(&b.ID, &b.Code, &b.AccountID, &b.AccountKind, &b.Name, &b.Phone, &b.IDTail, &b.HallCode, &b.GroupCode,
		&b.ItemCode, &b.Day, &b.StartsAt, &b.EndsAt, &b.Status, &seq, &number, &window, &checkedIn, &called, &served,
		&cancelled, &noShow, &reminded, &b.CreatedAt, &b.UpdatedAt)
	if err != nil {
		return nil, err
	}
	b.QueueSeq, b.QueueNumber, b.Window = int(seq.Int64), number.String, int(window.Int64)
	b.CheckedInAt, b.CalledAt, b.ServedAt = timeOf(checkedIn), timeOf(called), timeOf(served)
	b.CancelledAt, b.NoShowAt, b.RemindedAt = timeOf(cancelled), timeOf(noShow), timeOf(reminded)
	b.StartsAt, b.EndsAt = b.StartsAt.UTC(), b.EndsAt.UTC()
	b.CreatedAt, b.UpdatedAt = b.CreatedAt.UTC(), b.UpdatedAt.UTC()
	return &b, nil
}

// reserve takes a place in slot r while fewer than capacity are taken,
// or returns appointments.ErrSlotFull. The counter row is created on
// first use.
func reserve(ctx context.Context, tx *db.Tx, r appointments.SlotRef, capacity int) error {
	if _, err := tx.Exec(ctx, `INSERT INTO appointment_slots (hall_code, group_code, starts_at, booked) VALUES (?, ?, ?, 0)
		ON CONFLICT (hall_code, group_code, starts_at) DO NOTHING`, r.Hall, r.Group, r.Start.UTC()); err != nil {
		return fmt.Errorf("create slot counter: %w", err)
	}
	res, err := tx.Exec(ctx, `UPDATE appointment_slots SET booked = booked + 1
		WHERE hall_code = ? AND group_code = ? AND starts_at = ? AND booked < ?`, r.Hall, r.Group, r.Start.UTC(), capacity)
	if err != nil {
		return fmt.Errorf("reserve slot: %w", err)
	}
	n, err := affected(res)
	if err != nil {
		return err
	}
	if n == 0 {
		return appointments.ErrSlotFull
	}
	return nil
}

// release gives back a place in slot r.
func release(ctx context.Context, tx *db.Tx, r appointments.SlotRef) error {
	res, err := tx.Exec(ctx, `UPDATE appointment_slots SET booked = booked - 1
		WHERE hall_code = ? AND group_code = ? AND starts_at = ? AND booked > 0`, r.Hall, r.Group, r.Start.UTC())
	if err != nil {
		return fmt.Errorf("release slot: %w", err)
	}
	n, err := affected(res)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("release slot %s/%s %s: the counter holds no booking", r.Hall, r.Group, r.Start.UTC())
	}
	return nil
}

// BookedCounts returns the bookings held per slot start of a hall's group
// for slots starting in [from, to).
func (s *Store) BookedCounts(ctx context.Context, hall, group string, from, to time.Time) (map[time.Time]int, error) {
	rows, err := s.db.Query(ctx, `SELECT starts_at, booked FROM appointment_slots
		WHERE hall_code = ? AND group_code = ? AND starts_at >= ? AND starts_at < ?`, hall, group, from.UTC(), to.UTC())
	if err != nil {
		return nil, fmt.Errorf("booked counts: %w", err)
	}
	defer rows.Close()
	out := map[time.Time]int{}
	for rows.Next() {
		var (
			t time.Time
			n int
		)
		if err := rows.Scan(&t, &n); err != nil {
			return nil, fmt.Errorf("scan booked count: %w", err)
		}
		out[t.UTC()] = n
	}
	return out, rows.Err()
}

// CreateBooking takes a place in b's slot and stores b with ev and msgs in
// one transaction.
func (s *Store) CreateBooking(ctx context.Context, b *appointments.Booking, capacity int, ev *appointments.Event,
	msgs ...*notify.Message) error {
	err := s.db.WithTx(ctx, func(tx *db.Tx) error {
		if err := reserve(ctx, tx, b.Slot(), capacity); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO appointments (id, code, account_id, account_kind, name, phone, id_tail,
			hall_code, group_code, item_code, day, starts_at, ends_at, status, reminded_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			b.ID, b.Code, b.AccountID, string(b.AccountKind), b.Name, b.Phone, b.IDTail, b.HallCode, b.GroupCode,
			b.ItemCode, string(b.Day), b.StartsAt.UTC(), b.EndsAt.UTC(), string(b.Status), nullTime(b.RemindedAt),
			b.CreatedAt.UTC(), b.UpdatedAt.UTC()); err != nil {
			return err
		}
		if err := insertEvent(ctx, tx, ev); err != nil {
			return err
		}
		return enqueue(ctx, tx, msgs)
	})
	switch {
	case err == nil:
		return nil
	case errors.Is(err, appointments.ErrSlotFull):
		return err
	case db.IsUniqueViolation(err):
		var n int
		if qerr := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM appointments WHERE code = ?`, b.Code).Scan(&n); qerr == nil && n > 0 {
			return appointments.ErrCodeTaken
		}
		return appointments.ErrDuplicate
	}
	return fmt.Errorf("create booking: %w", err)
}

// MoveBooking moves booking id from slot from to to's slot in one
// transaction, releasing and reserving places in slot order, with ev and
// msgs.
func (s *Store) MoveBooking(ctx context.Context, id string, from appointments.SlotRef, to *appointments.Booking, capacity int,
	now time.Time, ev *appointments.Event, msgs ...*notify.Message) (*appointments.Booking, error) {
	var out *appointments.Booking
	err := s.db.WithTx(ctx, func(tx *db.Tx) error {
		b, err := scanBooking(tx.QueryRow(ctx, `UPDATE appointments SET hall_code = ?, group_code = ?, day = ?, starts_at = ?,
			ends_at = ?, reminded_at = ?, updated_at = ?
			WHERE id = ? AND status = 'booked' AND hall_code = ? AND group_code = ? AND starts_at = ? AND starts_at > ?
			RETURNING `+bookingCols,
			to.HallCode, to.GroupCode, string(to.Day), to.StartsAt.UTC(), to.EndsAt.UTC(), nullTime(to.RemindedAt),
			to.UpdatedAt.UTC(), id, from.Hall, from.Group, from.Start.UTC(), now.UTC()))
		if err != nil {
			if noRows(err) {
				return appointments.ErrStale
			}
			return err
		}
		next := b.Slot()
		if !next.Equal(from) {
			first, second := func() error { return release(ctx, tx, from) }, func() error { return reserve(ctx, tx, next, capacity) }
			if next.Less(from) {
				first, second = second, first
			}
			if err := first(); err != nil {
				return err
			}
			if err := second(); err != nil {
				return err
			}
		}
		out = b
		if err := insertEvent(ctx, tx, ev); err != nil {
			return err
		}
		return enqueue(ctx, tx, msgs)
	})
	switch {
	case err == nil:
		return out, nil
	case errors.Is(err, appointments.ErrSlotFull), errors.Is(err, appointments.ErrStale):
		return nil, err
	case db.IsUniqueViolation(err):
		return nil, appointments.ErrDuplicate
	}
	return nil, fmt.Errorf("move booking: %w", err)
}

// CancelBooking cancels the booked booking id whose slot starts after now
// and releases its place, with ev and msgs, in one transaction.
func (s *Store) CancelBooking(ctx context.Context, id string, now time.Time, ev *appointments.Event,
	msgs ...*notify.Message) (*appointments.Booking, error) {
	var out *appointments.Booking
	err := s.db.WithTx(ctx, func(tx *db.Tx) error {
		b, err := scanBooking(tx.QueryRow(ctx, `UPDATE appointments SET status = 'cancelled', cancelled_at = ?, updated_at = ?
			WHERE id = ? AND status = 'booked' AND starts_at > ? RETURNING `+bookingCols, now.UTC(), now.UTC(), id, now.UTC()))
		if err != nil {
			if noRows(err) {
				return appointments.ErrStale
			}
			return err
		}
		if err := release(ctx, tx, b.Slot()); err != nil {
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
		return nil, fmt.Errorf("cancel booking: %w", err)
	}
	return out, nil
}

// FindBooking returns the booking with id.
func (s *Store) FindBooking(ctx context.Context, id string) (*appointments.Booking, error) {
	return s.findBooking(ctx, `id = ?`, id)
}

// FindBookingByCode returns the booking with the booking code.
func (s *Store) FindBookingByCode(ctx context.Context, code string) (*appointments.Booking, error) {
	return s.findBooking(ctx, `code = ?`, code)
}

func (s *Store) findBooking(ctx context.Context, cond string, args ...any) (*appointments.Booking, error) {
	b, err := scanBooking(s.db.QueryRow(ctx, `SELECT `+bookingCols+` FROM appointments WHERE `+cond, args...))
	if err != nil {
		if noRows(err) {
			return nil, bookingNotFound()
		}
		return nil, fmt.Errorf("find booking: %w", err)
	}
	return b, nil
}

// FindBookings returns one page of the bookings matching f and how many
// match.
func (s *Store) FindBookings(ctx context.Context, f appointments.BookingFilter) ([]*appointments.Booking, int, error) {
	var (
		conds []string
		args  []any
	)
	add := func(cond string, a ...any) { conds, args = append(conds, cond), append(args, a...) }
	if f.AccountID != "" {
		add(`account_id = ?`, f.AccountID)
	}
	if f.Hall != "" {
		add(`hall_code = ?`, f.Hall)
	}
	if f.Day != "" {
		add(`day = ?`, string(f.Day))
	}
	if len(f.Groups) > 0 {
		add(`group_code IN (`+marks(len(f.Groups))+`)`, anys(f.Groups)...)
	}
	if len(f.Statuses) > 0 {
		add(`status IN (`+marks(len(f.Statuses))+`)`, anys(f.Statuses)...)
	}
	if f.BeforeSeq > 0 {
		add(`queue_seq < ?`, f.BeforeSeq)
	}
	where := ""
	if len(conds) > 0 {
		where = ` WHERE ` + strings.Join(conds, ` AND `)
	}
	var total int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM appointments`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count bookings: %w", err)
	}
	order := ` ORDER BY starts_at DESC, id DESC`
	if f.QueueOrder {
		order = ` ORDER BY starts_at, COALESCE(queue_seq, 0), id`
	}
	offset, limit := max(f.Offset, 0), f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 1000)
	rows, err := s.db.Query(ctx, `SELECT `+bookingCols+` FROM appointments`+where+order+` LIMIT ? OFFSET ?`,
		append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("find bookings: %w", err)
	}
	defer rows.Close()
	var out []*appointments.Booking
	for rows.Next() {
		b, err := scanBooking(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("scan booking: %w", err)
		}
		out = append(out, b)
	}
	return out, total, rows.Err()
}

// marks returns n comma-separated placeholders.
func marks(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// anys converts a slice of strings or string types to arguments.
func anys[T ~string](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}
