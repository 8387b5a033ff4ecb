package identitysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Hit adds one to a fixed-window counter. A window lasts window from its
// first hit; a hit at or after its end starts a new window at now. The
// update is a single statement, so concurrent hits from several instances
// all count.
func (s *Store) Hit(ctx context.Context, key string, window time.Duration, now time.Time) (int, error) {
	now = now.UTC()
	stale := now.Add(-window)
	var n int
	err := s.writeRow(ctx, []any{&n}, `INSERT INTO throttle (key, window_start, count) VALUES (?, ?, 1)
		ON CONFLICT (key) DO UPDATE SET
			count = CASE WHEN throttle.window_start <= ? THEN 1 ELSE throttle.count + 1 END,
			window_start = CASE WHEN throttle.window_start <= ? THEN ? ELSE throttle.window_start END
		RETURNING count`, key, now, stale, stale, now)
	if err != nil {
		return 0, fmt.Errorf("hit counter %s: %w", key, err)
	}
	return n, nil
}

// Count returns the counter's value in its current window, 0 when it has
// none.
func (s *Store) Count(ctx context.Context, key string, window time.Duration, now time.Time) (int, error) {
	var n int
	var start time.Time
	err := s.db.QueryRow(ctx, `SELECT count, window_start FROM throttle WHERE key = ?`, key).Scan(&n, &start)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read counter %s: %w", key, err)
	}
	if !start.After(now.Add(-window)) {
		return 0, nil
	}
	return n, nil
}

// ResetCounter removes a counter.
func (s *Store) ResetCounter(ctx context.Context, key string) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM throttle WHERE key = ?`, key); err != nil {
		return fmt.Errorf("reset counter %s: %w", key, err)
	}
	return nil
}

// DeleteStaleCounters removes counters whose window started before before.
func (s *Store) DeleteStaleCounters(ctx context.Context, before time.Time) (int, error) {
	res, err := s.db.Exec(ctx, `DELETE FROM throttle WHERE window_start < ?`, before.UTC())
	if err != nil {
		return 0, fmt.Errorf("delete stale counters: %w", err)
	}
	return rowsAffected(res, "delete stale counters")
}
