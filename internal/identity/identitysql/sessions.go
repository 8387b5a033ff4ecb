package identitysql

import (
	"context"
	"fmt"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// CreateSession stores a session under the hash of its secret token.
func (s *Store) CreateSession(ctx context.Context, ss *identity.Session, tokenHash string) error {
	_, err := s.db.Exec(ctx, `INSERT INTO sessions (id, token_hash, account_id, csrf_token, method, ip, user_agent,
		created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ss.ID, tokenHash, ss.AccountID, ss.CSRFToken, ss.Method, ss.IP, ss.UserAgent,
		ss.CreatedAt.UTC(), ss.LastSeenAt.UTC(), ss.ExpiresAt.UTC())
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// FindSession returns the session with the token hash if it has not
// expired at now.
func (s *Store) FindSession(ctx context.Context, tokenHash string, now time.Time) (*identity.Session, error) {
	var ss identity.Session
	err := s.db.QueryRow(ctx, `SELECT id, account_id, csrf_token, method, ip, user_agent, created_at, last_seen_at, expires_at
		FROM sessions WHERE token_hash = ? AND expires_at > ?`, tokenHash, now.UTC()).
		Scan(&ss.ID, &ss.AccountID, &ss.CSRFToken, &ss.Method, &ss.IP, &ss.UserAgent, &ss.CreatedAt, &ss.LastSeenAt, &ss.ExpiresAt)
	if err != nil {
		return nil, notFound(err, "session")
	}
	ss.CreatedAt, ss.LastSeenAt, ss.ExpiresAt = ss.CreatedAt.UTC(), ss.LastSeenAt.UTC(), ss.ExpiresAt.UTC()
	return &ss, nil
}

// TouchSession records activity on a session and moves its expiry.
func (s *Store) TouchSession(ctx context.Context, id string, lastSeen, expires time.Time) error {
	res, err := s.db.Exec(ctx, `UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?`,
		lastSeen.UTC(), expires.UTC(), id)
	if err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	return affected(res, "session")
}

// DeleteSession removes a session; errs.NotFound if there is none.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	res, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return affected(res, "session")
}

// DeleteAccountSessions removes every session of an account.
func (s *Store) DeleteAccountSessions(ctx context.Context, accountID string) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE account_id = ?`, accountID); err != nil {
		return fmt.Errorf("delete account sessions: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes the sessions expired at now and returns how
// many there were.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error) {
	res, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, now.UTC())
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	return rowsAffected(res, "delete expired sessions")
}
