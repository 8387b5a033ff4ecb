package identitysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/db"
)

// CreateOTP stores a one-time code's hash.
func (s *Store) CreateOTP(ctx context.Context, id, phone, codeHash string, created, expires time.Time) error {
	_, err := s.db.Exec(ctx, `INSERT INTO otp_codes (id, phone, code_hash, attempts, created_at, expires_at)
		VALUES (?, ?, ?, 0, ?, ?)`, id, phone, codeHash, created.UTC(), expires.UTC())
	if err != nil {
		return fmt.Errorf("create one-time code: %w", err)
	}
	return nil
}

// ConsumeOTP checks a code against the newest unexpired, unused code for
// phone: a match marks it used; a mismatch counts an attempt; a code with
// maxAttempts failed attempts never matches again.
func (s *Store) ConsumeOTP(ctx context.Context, phone, codeHash string, now time.Time, maxAttempts int) (bool, error) {
	now = now.UTC()
	var ok bool
	err := s.db.WithTx(ctx, func(tx *db.Tx) error {
		var id string
		var attempts int
		err := tx.QueryRow(ctx, `SELECT id, attempts FROM otp_codes WHERE phone = ? AND used_at IS NULL AND expires_at > ?
			ORDER BY created_at DESC, id DESC LIMIT 1`, phone, now).Scan(&id, &attempts)
		if errors.Is(err, sql.ErrNoRows) || err == nil && attempts >= maxAttempts {
			return nil
		}
		if err != nil {
			return err
		}
		// The conditions are repeated so that a concurrent use or guess on
		// another instance cannot be overtaken.
		res, err := tx.Exec(ctx, `UPDATE otp_codes SET used_at = ? WHERE id = ? AND used_at IS NULL AND attempts < ?
			AND code_hash = ?`, now, id, maxAttempts, codeHash)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			ok = n == 1
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE otp_codes SET attempts = attempts + 1 WHERE id = ? AND used_at IS NULL`, id)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("consume one-time code: %w", err)
	}
	return ok, nil
}

// DeleteExpiredOTPs removes the codes that expired at or before now.
func (s *Store) DeleteExpiredOTPs(ctx context.Context, now time.Time) (int, error) {
	res, err := s.db.Exec(ctx, `DELETE FROM otp_codes WHERE expires_at <= ?`, now.UTC())
	if err != nil {
		return 0, fmt.Errorf("delete expired one-time codes: %w", err)
	}
	return rowsAffected(res, "delete expired one-time codes")
}
