package notifysql

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/notify"
)

// Claim leases due pending messages to one worker; see notify.Store.
//
// The candidates are selected and leased in one transaction. On
// PostgreSQL the selection locks its rows FOR UPDATE SKIP LOCKED, so
// concurrent claimers take disjoint sets without waiting on each other; on
// SQLite the transaction holds the database's write lock from its start
// (BEGIN IMMEDIATE), so claims are serialised, across processes too.
func (s *Store) Claim(ctx context.Context, c notify.Claim) ([]*notify.Message, error) {
	limit := max(c.Limit, 1)
	var out []*notify.Message
	err := s.inTx(ctx, func(tx db.Conn) error {
		out = nil
		q := `SELECT id, attempts, lock_token, locked_until FROM notifications
			WHERE status = 'pending' AND next_attempt_at <= ? AND (locked_until IS NULL OR locked_until <= ?)`
		args := []any{c.Now.UTC(), c.Now.UTC()}
		if c.ID != "" {
			q += ` AND id = ?`
			args = append(args, c.ID)
		}
		q += ` ORDER BY next_attempt_at, id LIMIT ?`
		args = append(args, limit)
		if tx.Dialect() == db.Postgres {
			q += ` FOR UPDATE SKIP LOCKED`
		}
		abandoned, idList, err := candidates(ctx, tx, q, args)
		if err != nil || len(idList) == 0 {
			return err
		}
		for _, a := range abandoned {
			if err := insertAttempt(ctx, tx, a.id, a.attempt); err != nil {
				return err
			}
		}
		in := `(?` + strings.Repeat(", ?", len(idList)-1) + `)`
		args = []any{c.Until.UTC(), c.Token}
		for _, id := range idList {
			args = append(args, id)
		}
		if _, err := tx.Exec(ctx, `UPDATE notifications SET locked_until = ?, lock_token = ?, attempts = attempts + 1
			WHERE id IN `+in, args...); err != nil {
			return fmt.Errorf("lease messages: %w", err)
		}
		rows, err := tx.Query(ctx, `SELECT `+messageCols+` FROM notifications n WHERE n.id IN `+in+
			` ORDER BY n.next_attempt_at, n.id`, args[2:]...)
		if err != nil {
			return fmt.Errorf("read claimed messages: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			m, err := scanMessage(rows)
			if err != nil {
				return fmt.Errorf("read claimed messages: %w", err)
			}
			out = append(out, m)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read claimed messages: %w", err)
		}
		rows.Close()
		return loadParts(ctx, tx, out)
	})
	if err != nil {
		return nil, fmt.Errorf("claim messages: %w", err)
	}
	return out, nil
}

// abandonedAttempt is an attempt whose worker never reported.
type abandonedAttempt struct {
	id      string
	attempt notify.Attempt
}

// candidates runs the selection of Claim and returns the ids, and the
// attempts that earlier workers abandoned (their lease ran out).
func candidates(ctx context.Context, tx db.Conn, q string, args []any) ([]abandonedAttempt, []string, error) {
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("select due messages: %w", err)
	}
	defer rows.Close()
	var idList []string
	var abandoned []abandonedAttempt
	for rows.Next() {
		var id string
		var attempts int
		var token sql.NullString
		var until sql.NullTime
		if err := rows.Scan(&id, &attempts, &token, &until); err != nil {
			return nil, nil, fmt.Errorf("select due messages: %w", err)
		}
		idList = append(idList, id)
		if token.Valid && until.Valid {
			abandoned = append(abandoned, abandonedAttempt{id: id, attempt: notify.Attempt{Attempt: attempts,
				Outcome: notify.OutcomeAbandoned, StartedAt: until.Time.UTC(), FinishedAt: until.Time.UTC()}})
		}
	}
	return abandoned, idList, rows.Err()
}

// insertAttempt records one attempt of message id.
func insertAttempt(ctx context.Context, c db.Conn, id string, a notify.Attempt) error {
	_, err := c.Exec(ctx, `INSERT INTO notification_attempts (notification_id, attempt, via, outcome, error, started_at,
		finished_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (notification_id, attempt) DO NOTHING`,
		id, a.Attempt, a.Via, a.Outcome, a.Error, a.StartedAt.UTC(), a.FinishedAt.UTC())
	if err != nil {
		return fmt.Errorf("record attempt: %w", err)
	}
	return nil
}

// AcceptPart records a part accepted by the gateway. The record is a fact
// about the gateway, so it is kept even when token has lost the lease: a
// part once accepted must never be sent again.
func (s *Store) AcceptPart(ctx context.Context, id, token string, p notify.Part) error {
	_, err := s.c.Exec(ctx, `INSERT INTO notification_parts (notification_id, part, parts, provider_id, accepted_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (notification_id, part) DO NOTHING`,
		id, p.Seq, p.Total, p.ProviderID, p.AcceptedAt.UTC())
	if err != nil {
		return fmt.Errorf("record accepted part %d of message %s: %w", p.Seq, id, err)
	}
	return nil
}

// Finish records the outcome of an attempt and releases the lease; see
// notify.Store.
// The outcomes of concurrent deliveries share a transaction (group
// commit), so that a busy outbox costs the database a commit per group,
// not per message.
func (s *Store) Finish(ctx context.Context, id, token string, o notify.Outcome) error {
	if s.db == nil {
		return finish(ctx, s.c, id, token, o)
	}
	return s.batch.Do(ctx, func(ctx context.Context, tx *db.Tx) error { return finish(ctx, tx, id, token, o) })
}

// finish records a delivery's outcome on c.
func finish(ctx context.Context, tx db.Conn, id, token string, o notify.Outcome) error {
	var res sql.Result
	var err error
	const release = `locked_until = NULL, lock_token = NULL`
	switch o.Status {
	case notify.StatusSent:
		res, err = tx.Exec(ctx, `UPDATE notifications SET status = 'sent', sent_at = ?, via = ?, provider_id = ?,
				last_error = '', next_attempt_at = NULL, `+release+` WHERE id = ? AND lock_token = ?`,
			o.SentAt.UTC(), o.Via, o.ProviderID, id, token)
	case notify.StatusPending:
		res, err = tx.Exec(ctx, `UPDATE notifications SET status = 'pending', next_attempt_at = ?, last_error = ?,
				provider_id = ?, `+release+` WHERE id = ? AND lock_token = ?`,
			o.NextAttempt.UTC(), o.Attempt.Error, o.ProviderID, id, token)
	case notify.StatusFailed:
		res, err = tx.Exec(ctx, `UPDATE notifications SET status = 'failed', last_error = ?, provider_id = ?,
				next_attempt_at = NULL, `+release+` WHERE id = ? AND lock_token = ?`,
			o.Attempt.Error, o.ProviderID, id, token)
	default:
		return fmt.Errorf("finish message %s: unknown status %q", id, o.Status)
	}
	if err != nil {
		return fmt.Errorf("finish message %s: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("finish message %s: %w", id, err)
	} else if n == 0 {
		return notify.ErrLeaseLost
	}
	return insertAttempt(ctx, tx, id, o.Attempt)
}

// RecordReceipt stores a delivery receipt, replacing an earlier one for
// the same id (an SMSC may report ENROUTE, then DELIVRD).
func (s *Store) RecordReceipt(ctx context.Context, r notify.Receipt) error {
	if r.ProviderID == "" {
		return errs.Field("provider_id", "notify.receipt_id", "回执缺少消息编号", "the receipt has no message id")
	}
	_, err := s.c.Exec(ctx, `INSERT INTO notification_receipts (provider_id, state, error_code, done_at, received_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (provider_id) DO UPDATE SET state = excluded.state,
		error_code = excluded.error_code, done_at = excluded.done_at, received_at = excluded.received_at`,
		r.ProviderID, r.State, r.ErrorCode, nullTime(r.DoneAt), r.ReceivedAt.UTC())
	if err != nil {
		return fmt.Errorf("record receipt %s: %w", r.ProviderID, err)
	}
	return nil
}

// Reschedule makes a pending or failed message due at at; see
// notify.Store.
func (s *Store) Reschedule(ctx context.Context, id string, at time.Time) error {
	res, err := s.c.Exec(ctx, `UPDATE notifications SET status = 'pending', next_attempt_at = ?
		WHERE id = ? AND status IN ('pending', 'failed')`, at.UTC(), id)
	if err != nil {
		return fmt.Errorf("reschedule message: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("reschedule message: %w", err)
	} else if n == 1 {
		return nil
	}
	if _, err := s.FindMessageByID(ctx, id); err != nil {
		return err
	}
	return errs.E(errs.Conflict, "notify.already_sent", "消息已发送，无需重试", "the message has been sent already")
}

// FindAttempts returns the attempts of message id, oldest first.
func (s *Store) FindAttempts(ctx context.Context, id string) ([]*notify.Attempt, error) {
	rows, err := s.c.Query(ctx, `SELECT attempt, via, outcome, error, started_at, finished_at
		FROM notification_attempts WHERE notification_id = ? ORDER BY attempt`, id)
	if err != nil {
		return nil, fmt.Errorf("find attempts: %w", err)
	}
	defer rows.Close()
	var out []*notify.Attempt
	for rows.Next() {
		var a notify.Attempt
		if err := rows.Scan(&a.Attempt, &a.Via, &a.Outcome, &a.Error, &a.StartedAt, &a.FinishedAt); err != nil {
			return nil, fmt.Errorf("find attempts: %w", err)
		}
		a.StartedAt, a.FinishedAt = a.StartedAt.UTC(), a.FinishedAt.UTC()
		out = append(out, &a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find attempts: %w", err)
	}
	return out, nil
}

// loadParts fills the accepted parts of ms, with their receipts.
func loadParts(ctx context.Context, c db.Conn, ms []*notify.Message) error {
	if len(ms) == 0 {
		return nil
	}
	byID := map[string]*notify.Message{}
	args := make([]any, 0, len(ms))
	for _, m := range ms {
		byID[m.ID] = m
		m.Parts = nil
		args = append(args, m.ID)
	}
	rows, err := c.Query(ctx, `SELECT p.notification_id, p.part, p.parts, p.provider_id, p.accepted_at,
		r.state, r.error_code, r.done_at, r.received_at
		FROM notification_parts p LEFT JOIN notification_receipts r ON r.provider_id = p.provider_id
		WHERE p.notification_id IN (?`+strings.Repeat(", ?", len(ms)-1)+`) ORDER BY p.notification_id, p.part`, args...)
	if err != nil {
		return fmt.Errorf("find parts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var p notify.Part
		var state, code sql.NullString
		var done, received sql.NullTime
		if err := rows.Scan(&id, &p.Seq, &p.Total, &p.ProviderID, &p.AcceptedAt, &state, &code, &done, &received); err != nil {
			return fmt.Errorf("find parts: %w", err)
		}
		p.AcceptedAt = p.AcceptedAt.UTC()
		if state.Valid {
			p.Receipt = &notify.Receipt{ProviderID: p.ProviderID, State: state.String, ErrorCode: code.String,
				DoneAt: timeOf(done), ReceivedAt: timeOf(received)}
		}
		byID[id].Parts = append(byID[id].Parts, p)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("find parts: %w", err)
	}
	return nil
}
