// Package notifysql stores notify's messages in the notifications table of
// the platform database, on SQLite and PostgreSQL alike.
package notifysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/notify"
)

// Store implements notify.Store on a *db.DB.
type Store struct{ db *db.DB }

var _ notify.Store = (*Store)(nil)

// New returns a store on d.
func New(d *db.DB) *Store { return &Store{db: d} }

const messageCols = `id, channel, recipient, account_id, purpose, subject, body, status, attempts, last_error, created_at, sent_at`

// CreateMessage stores a new message. It returns errs.Invalid when the
// account does not exist and errs.Conflict when the id is taken.
func (s *Store) CreateMessage(ctx context.Context, m *notify.Message) error {
	_, err := s.db.Exec(ctx, `INSERT INTO notifications (`+messageCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.Channel, m.Recipient, nullString(m.AccountID), m.Purpose, m.Subject, m.Body, m.Status, m.Attempts,
		m.LastError, m.CreatedAt.UTC(), nullTime(m.SentAt))
	switch {
	case db.IsForeignKeyViolation(err):
		e := errs.Field("account_id", "notify.account_unknown", "收件账户不存在", "the recipient account does not exist")
		e.Err = err
		return e
	case db.IsUniqueViolation(err):
		e := errs.E(errs.Conflict, "notify.duplicate", "消息已存在", "the message already exists")
		e.Err = err
		return e
	case err != nil:
		return fmt.Errorf("create message: %w", err)
	}
	return nil
}

// RecordDelivery stores m's status, attempts, last error and sent time.
func (s *Store) RecordDelivery(ctx context.Context, m *notify.Message) error {
	res, err := s.db.Exec(ctx, `UPDATE notifications SET status = ?, attempts = ?, last_error = ?, sent_at = ? WHERE id = ?`,
		m.Status, m.Attempts, m.LastError, nullTime(m.SentAt), m.ID)
	if err != nil {
		return fmt.Errorf("record delivery: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("record delivery: %w", err)
	}
	if n == 0 {
		return errNotFound()
	}
	return nil
}

// FindMessageByID returns the message with id.
func (s *Store) FindMessageByID(ctx context.Context, id string) (*notify.Message, error) {
	m, err := scanMessage(s.db.QueryRow(ctx, `SELECT `+messageCols+` FROM notifications WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("find message: %w", err)
	}
	return m, nil
}

// FindMessages returns one page of matching messages, newest first, and
// the number of all matches.
func (s *Store) FindMessages(ctx context.Context, f notify.MessageFilter) ([]*notify.Message, int, error) {
	var conds []string
	var args []any
	add := func(cond string, v any) {
		conds = append(conds, cond)
		args = append(args, v)
	}
	if f.Channel != "" {
		add(`channel = ?`, f.Channel)
	}
	if f.Status != "" {
		add(`status = ?`, f.Status)
	}
	if f.Purpose != "" {
		add(`purpose = ?`, f.Purpose)
	}
	if f.Recipient != "" {
		add(`recipient = ?`, f.Recipient)
	}
	if f.AccountID != "" {
		add(`account_id = ?`, f.AccountID)
	}
	if f.AttemptsBelow > 0 {
		add(`attempts < ?`, f.AttemptsBelow)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var total int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM notifications`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count messages: %w", err)
	}
	offset, limit := max(f.Offset, 0), f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	rows, err := s.db.Query(ctx, `SELECT `+messageCols+` FROM notifications`+where+
		` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("find messages: %w", err)
	}
	defer rows.Close()
	var out []*notify.Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("find messages: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("find messages: %w", err)
	}
	return out, total, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanMessage(sc scanner) (*notify.Message, error) {
	var m notify.Message
	var account sql.NullString
	var sent sql.NullTime
	err := sc.Scan(&m.ID, &m.Channel, &m.Recipient, &account, &m.Purpose, &m.Subject, &m.Body, &m.Status, &m.Attempts,
		&m.LastError, &m.CreatedAt, &sent)
	if err != nil {
		return nil, err
	}
	m.AccountID, m.CreatedAt = account.String, m.CreatedAt.UTC()
	if sent.Valid {
		m.SentAt = sent.Time.UTC()
	}
	return &m, nil
}

func errNotFound() error {
	return errs.E(errs.NotFound, "notify.not_found", "消息不存在", "no such message")
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}
