package identitysql

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// AppendEvent adds an event to the audit log.
func (s *Store) AppendEvent(ctx context.Context, e *identity.AuthEvent) error {
	_, err := s.db.Exec(ctx, `INSERT INTO auth_events (id, at, kind, account_id, department_code, login, ip, user_agent,
		client_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.At.UTC(), string(e.Kind), null(e.AccountID), null(e.Department), e.Login, e.IP, e.UserAgent, e.ClientID, e.Detail)
	if err != nil {
		return fmt.Errorf("append audit event: %w", err)
	}
	return nil
}

// FindEvents returns one page of the events matching f, newest first, and
// the number of all matches. Since is inclusive, Until exclusive.
func (s *Store) FindEvents(ctx context.Context, f identity.EventFilter) ([]*identity.AuthEvent, int, error) {
	var w where
	if f.Kind != "" {
		w.add(`kind = ?`, string(f.Kind))
	}
	if f.AccountID != "" {
		w.add(`account_id = ?`, f.AccountID)
	}
	if f.Department != "" {
		w.add(`department_code = ?`, f.Department)
	}
	if !f.Since.IsZero() {
		w.add(`at >= ?`, f.Since.UTC())
	}
	if !f.Until.IsZero() {
		w.add(`at < ?`, f.Until.UTC())
	}
	var total int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM auth_events`+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count audit events: %w", err)
	}
	offset, limit := page(f.Offset, f.Limit)
	rows, err := s.db.Query(ctx, `SELECT id, at, kind, account_id, department_code, login, ip, user_agent, client_id, detail
		FROM auth_events`+w.String()+` ORDER BY at DESC, id DESC LIMIT ? OFFSET ?`, append(w.args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("find audit events: %w", err)
	}
	defer rows.Close()
	var out []*identity.AuthEvent
	for rows.Next() {
		var e identity.AuthEvent
		var account, dept sql.NullString
		if err := rows.Scan(&e.ID, &e.At, &e.Kind, &account, &dept, &e.Login, &e.IP, &e.UserAgent, &e.ClientID, &e.Detail); err != nil {
			return nil, 0, fmt.Errorf("find audit events: %w", err)
		}
		e.At, e.AccountID, e.Department = e.At.UTC(), account.String, dept.String
		out = append(out, &e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("find audit events: %w", err)
	}
	return out, total, nil
}
