// Package notifysql stores notify's messages, their delivery attempts,
// accepted parts and delivery receipts in the platform database, on SQLite
// and PostgreSQL alike.
//
// # Enqueueing in the caller's transaction
//
// A message must exist if and only if the change that causes it was
// committed. A module's SQL adapter that makes such a change inside
// db.WithTx enqueues the message on the same transaction, with the
// package-level [Enqueue] or with a store bound to it:
//
//	err := d.WithTx(ctx, func(tx *db.Tx) error {
//		// … the module's own writes on tx …
//		_, _, err := notifysql.Enqueue(ctx, tx, msg) // msg from notify.Service.Compose
//		return err
//	})
//	// after the commit: notifier.Wake() delivers it without waiting for the poll
//
// The domain package composes the message (notify.Service.Compose, which
// checks it and fills its id) and hands it to its store; it never sees the
// transaction, and notify never sees the caller's tables. The dispatcher
// picks the message up once the transaction has committed; a rolled-back
// transaction leaves nothing to send.
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

// Store implements notify.Store on the platform database.
type Store struct {
	db *db.DB  // for transactions of its own; nil when bound to a caller's
	c  db.Conn // where it reads and writes
	// batch commits the outcomes of concurrent deliveries together.
	batch *db.Batcher
}

var _ notify.Store = (*Store)(nil)

// New returns a store on d.
func New(d *db.DB) *Store { return &Store{db: d, c: d, batch: db.NewBatcher(d)} }

// WithConn returns a store whose every statement runs on c, typically a
// caller's *db.Tx, so that what it writes commits or rolls back with the
// caller's change.
func (s *Store) WithConn(c db.Conn) *Store { return &Store{c: c} }

// inTx runs fn in a transaction: its own on a store made by New, the
// caller's on a store made by WithConn.
func (s *Store) inTx(ctx context.Context, fn func(c db.Conn) error) error {
	if s.db == nil {
		return fn(s.c)
	}
	return s.db.WithTx(ctx, func(tx *db.Tx) error { return fn(tx) })
}

// messageCols are the columns of a message, in scan order; n is the
// notifications table.
const messageCols = `n.id, n.channel, n.recipient, n.account_id, n.purpose, n.subject, n.body, n.status, n.attempts,
	n.last_error, n.created_at, n.sent_at, n.idempotency_key, n.template, n.next_attempt_at, n.locked_until, n.via,
	n.provider_id, n.read_at,
	(SELECT COUNT(*) FROM notification_parts p WHERE p.notification_id = n.id),
	(SELECT COUNT(*) FROM notification_parts p JOIN notification_receipts r ON r.provider_id = p.provider_id
		WHERE p.notification_id = n.id AND r.state = 'DELIVRD'),
	(SELECT COUNT(*) FROM notification_parts p JOIN notification_receipts r ON r.provider_id = p.provider_id
		WHERE p.notification_id = n.id AND r.state IN ('EXPIRED', 'DELETED', 'UNDELIV', 'UNKNOWN', 'REJECTD'))`

// Enqueue stores m, pending, on c (a *db.DB or the caller's *db.Tx). When
// m's idempotency key is already stored it stores nothing and returns the
// stored message and false. It returns errs.Invalid when the account does
// not exist and errs.Conflict when the id is taken. On PostgreSQL a failed
// insert aborts the caller's transaction, as any failed statement does.
func Enqueue(ctx context.Context, c db.Conn, m *notify.Message) (*notify.Message, bool, error) {
	if m.Status == "" {
		m.Status = notify.StatusPending
	}
	if m.NextAttemptAt.IsZero() {
		m.NextAttemptAt = m.CreatedAt
	}
	res, err := c.Exec(ctx, `INSERT INTO notifications (id, channel, recipient, account_id, purpose, subject, body,
		status, attempts, last_error, created_at, sent_at, idempotency_key, template, next_attempt_at, via, provider_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`,
		m.ID, m.Channel, m.Recipient, nullString(m.AccountID), m.Purpose, m.Subject, m.Body, m.Status, m.Attempts,
		m.LastError, m.CreatedAt.UTC(), nullTime(m.SentAt), nullString(m.IdempotencyKey), m.Template,
		nullTime(m.NextAttemptAt), m.Via, m.ProviderID)
	switch {
	case db.IsForeignKeyViolation(err):
		e := errs.Field("account_id", "notify.account_unknown", "收件账户不存在", "the recipient account does not exist")
		e.Err = err
		return nil, false, e
	case db.IsUniqueViolation(err):
		e := errs.E(errs.Conflict, "notify.duplicate", "消息已存在", "the message already exists")
		e.Err = err
		return nil, false, e
	case err != nil:
		return nil, false, fmt.Errorf("enqueue message: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return nil, false, fmt.Errorf("enqueue message: %w", err)
	} else if n == 1 {
		return m, true, nil
	}
	old, err := scanMessage(c.QueryRow(ctx, `SELECT `+messageCols+` FROM notifications n WHERE n.idempotency_key = ?`,
		m.IdempotencyKey))
	if err != nil {
		return nil, false, fmt.Errorf("enqueue message: read the message with the same key: %w", err)
	}
	return old, false, nil
}

// Enqueue stores m as pending; see the package-level [Enqueue].
func (s *Store) Enqueue(ctx context.Context, m *notify.Message) (*notify.Message, bool, error) {
	return Enqueue(ctx, s.c, m)
}

// FindMessageByID returns the message with id, with its accepted parts and
// their receipts.
func (s *Store) FindMessageByID(ctx context.Context, id string) (*notify.Message, error) {
	m, err := scanMessage(s.c.QueryRow(ctx, `SELECT `+messageCols+` FROM notifications n WHERE n.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("find message: %w", err)
	}
	if err := loadParts(ctx, s.c, []*notify.Message{m}); err != nil {
		return nil, err
	}
	return m, nil
}

// FindMessages returns one page of matching messages, newest first, and
// the number of all matches.
func (s *Store) FindMessages(ctx context.Context, f notify.MessageFilter) ([]*notify.Message, int, error) {
	where, args := filterSQL(f)
	var total int
	if err := s.c.QueryRow(ctx, `SELECT COUNT(*) FROM notifications n`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count messages: %w", err)
	}
	offset, limit := max(f.Offset, 0), f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	rows, err := s.c.Query(ctx, `SELECT `+messageCols+` FROM notifications n`+where+
		` ORDER BY n.created_at DESC, n.id DESC LIMIT ? OFFSET ?`, append(args, limit, offset)...)
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

// inboxCond selects the messages of an account's in-app inbox.
const inboxCond = `n.account_id = ? AND (n.channel = 'inapp' OR n.via = 'outbox')`

// filterSQL returns the WHERE clause of f and its arguments.
func filterSQL(f notify.MessageFilter) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, v ...any) {
		conds = append(conds, cond)
		args = append(args, v...)
	}
	if f.Inbox {
		add(inboxCond, f.AccountID)
	} else if f.AccountID != "" {
		add(`n.account_id = ?`, f.AccountID)
	}
	for _, c := range []struct{ col, v string }{{"channel", f.Channel}, {"status", f.Status}, {"purpose", f.Purpose},
		{"recipient", f.Recipient}, {"via", f.Via}} {
		if c.v != "" {
			add(`n.`+c.col+` = ?`, c.v)
		}
	}
	if f.Unread {
		add(`n.read_at IS NULL`)
	}
	if f.Failing {
		add(`n.last_error <> ''`)
	}
	if f.AttemptsBelow > 0 {
		add(`n.attempts < ?`, f.AttemptsBelow)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// MarkRead marks messages of accountID's inbox read at at: those with ids,
// or all when ids is empty. It returns how many it marked.
func (s *Store) MarkRead(ctx context.Context, accountID string, ids []string, at time.Time) (int, error) {
	q := `UPDATE notifications SET read_at = ? WHERE id IN (SELECT n.id FROM notifications n WHERE ` + inboxCond +
		` AND n.read_at IS NULL`
	args := []any{at.UTC(), accountID}
	if len(ids) > 0 {
		q += ` AND n.id IN (?` + strings.Repeat(", ?", len(ids)-1) + `)`
		for _, id := range ids {
			args = append(args, id)
		}
	}
	res, err := s.c.Exec(ctx, q+`)`, args...)
	if err != nil {
		return 0, fmt.Errorf("mark read: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("mark read: %w", err)
	}
	return int(n), nil
}

// CountUnread counts the unread messages of accountID's inbox.
func (s *Store) CountUnread(ctx context.Context, accountID string) (int, error) {
	var n int
	err := s.c.QueryRow(ctx, `SELECT COUNT(*) FROM notifications n WHERE `+inboxCond+` AND n.read_at IS NULL`,
		accountID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count unread: %w", err)
	}
	return n, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanMessage(sc scanner) (*notify.Message, error) {
	var m notify.Message
	var account, key sql.NullString
	var sent, next, locked, read sql.NullTime
	err := sc.Scan(&m.ID, &m.Channel, &m.Recipient, &account, &m.Purpose, &m.Subject, &m.Body, &m.Status, &m.Attempts,
		&m.LastError, &m.CreatedAt, &sent, &key, &m.Template, &next, &locked, &m.Via, &m.ProviderID, &read,
		&m.PartCount, &m.DeliveredParts, &m.UndeliveredParts)
	if err != nil {
		return nil, err
	}
	m.AccountID, m.IdempotencyKey, m.CreatedAt = account.String, key.String, m.CreatedAt.UTC()
	m.SentAt, m.NextAttemptAt, m.LockedUntil, m.ReadAt = timeOf(sent), timeOf(next), timeOf(locked), timeOf(read)
	return &m, nil
}

func timeOf(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
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
