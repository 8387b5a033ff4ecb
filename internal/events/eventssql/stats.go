package eventssql

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/events"
)

// statSums selects the sums of the aggregates.
var statSums = func() string {
	s := "category, SUM(reported), SUM(closed), SUM(overdue), SUM(handle_seconds)"
	for i := range events.Buckets {
		s += fmt.Sprintf(", SUM(h%02d)", i)
	}
	return s
}()

// Stats implements events.Store.
func (s *Store) Stats(ctx context.Context, grid string, from, to events.Day) ([]events.StatRow, error) {
	rows, err := s.db.Query(ctx, `SELECT `+statSums+` FROM event_stats WHERE grid = ? AND day BETWEEN ? AND ?
		GROUP BY category ORDER BY category`, grid, int(from), int(to))
	if err != nil {
		return nil, fmt.Errorf("query statistics: %w", err)
	}
	defer rows.Close()
	var out []events.StatRow
	for rows.Next() {
		var r events.StatRow
		dest := []any{&r.Category, &r.Reported, &r.Closed, &r.Overdue, &r.Seconds}
		for i := range r.Hist {
			dest = append(dest, &r.Hist[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("scan statistics: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// HeatDays implements events.Store.
func (s *Store) HeatDays(ctx context.Context, from, to events.Day) ([]events.HeatCell, error) {
	return s.heat(ctx, `SELECT cell, SUM(n) FROM event_heat_days WHERE day BETWEEN ? AND ? GROUP BY cell`, from, to)
}

// HeatMonths implements events.Store.
func (s *Store) HeatMonths(ctx context.Context, from, to events.Day) ([]events.HeatCell, error) {
	return s.heat(ctx, `SELECT cell, SUM(n) FROM event_heat_months WHERE month BETWEEN ? AND ? GROUP BY cell`, from.Month(), to.Month())
}

func (s *Store) heat(ctx context.Context, q string, from, to events.Day) ([]events.HeatCell, error) {
	rows, err := s.db.Query(ctx, q, int(from), int(to))
	if err != nil {
		return nil, fmt.Errorf("query heat map: %w", err)
	}
	defer rows.Close()
	var out []events.HeatCell
	for rows.Next() {
		var h events.HeatCell
		if err := rows.Scan(&h.Cell, &h.N); err != nil {
			return nil, fmt.Errorf("scan heat map: %w", err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// SetWorkerCells implements events.Store.
func (s *Store) SetWorkerCells(ctx context.Context, account string, cells []string, by string, at time.Time) error {
	return s.db.WithTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM event_worker_cells WHERE account_id = ?`, account); err != nil {
			return fmt.Errorf("clear worker cells: %w", err)
		}
		for i := 0; i < len(cells); i += 1000 {
			chunk := cells[i:min(i+1000, len(cells))]
			args := make([]any, 0, 4*len(chunk))
			for _, c := range chunk {
				args = append(args, account, c, at.UTC(), by)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO event_worker_cells (account_id, cell, assigned_at, assigned_by) VALUES `+
				placeholders(len(chunk), 4), args...); err != nil {
				return fmt.Errorf("assign worker cells: %w", err)
			}
		}
		return nil
	})
}

// WorkerCells implements events.Store.
func (s *Store) WorkerCells(ctx context.Context, account string) ([]string, error) {
	return s.strings(ctx, `SELECT cell FROM event_worker_cells WHERE account_id = ? ORDER BY cell`, account)
}

// CellWorkers implements events.Store.
func (s *Store) CellWorkers(ctx context.Context, cells []string) ([]string, error) {
	if len(cells) == 0 {
		return nil, nil
	}
	args := make([]any, len(cells))
	for i, c := range cells {
		args[i] = c
	}
	return s.strings(ctx, `SELECT DISTINCT account_id FROM event_worker_cells WHERE cell IN (`+inList(len(cells))+`) ORDER BY account_id`, args...)
}

func (s *Store) strings(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("scan: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// AddPatrol implements events.Store.
func (s *Store) AddPatrol(ctx context.Context, p *events.Patrol) error {
	_, err := s.db.Exec(ctx, `INSERT INTO event_patrols (id, account_id, cell, lon, lat, inside, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.AccountID, p.Cell, p.Lon, p.Lat, p.Inside, p.At.UTC())
	if err != nil {
		return fmt.Errorf("insert patrol: %w", err)
	}
	return nil
}

// Patrols implements events.Store.
func (s *Store) Patrols(ctx context.Context, account string, since time.Time, limit int) ([]*events.Patrol, error) {
	rows, err := s.db.Query(ctx, `SELECT id, account_id, cell, lon, lat, inside, at FROM event_patrols
		WHERE account_id = ? AND at >= ? ORDER BY at DESC LIMIT ?`, account, since.UTC(), limit)
	if err != nil {
		return nil, fmt.Errorf("query patrols: %w", err)
	}
	defer rows.Close()
	var out []*events.Patrol
	for rows.Next() {
		p := &events.Patrol{}
		if err := rows.Scan(&p.ID, &p.AccountID, &p.Cell, &p.Lon, &p.Lat, &p.Inside, &p.At); err != nil {
			return nil, fmt.Errorf("scan patrol: %w", err)
		}
		p.At = p.At.UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}

// FeedHead implements events.Store.
func (s *Store) FeedHead(ctx context.Context) (int64, error) {
	var seq sql.NullInt64
	if err := s.db.QueryRow(ctx, `SELECT MAX(seq) FROM event_feed`).Scan(&seq); err != nil {
		return 0, fmt.Errorf("event feed head: %w", err)
	}
	return seq.Int64, nil
}

// Feed implements events.Store.
func (s *Store) Feed(ctx context.Context, after int64, also []int64, limit int) ([]events.FeedEntry, error) {
	q := `SELECT seq, origin, at, changes FROM event_feed WHERE seq > ?`
	args := []any{after}
	if len(also) > 0 {
		q += ` OR seq IN (` + inList(len(also)) + `)`
		for _, n := range also {
			args = append(args, n)
		}
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY seq LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("read the event feed: %w", err)
	}
	defer rows.Close()
	var out []events.FeedEntry
	for rows.Next() {
		var e events.FeedEntry
		var changes string
		if err := rows.Scan(&e.Seq, &e.Origin, &e.At, &changes); err != nil {
			return nil, fmt.Errorf("scan the event feed: %w", err)
		}
		e.At = e.At.UTC()
		for _, c := range strings.Split(changes, ";") {
			action, id, ok := strings.Cut(c, " ")
			if ok {
				e.Changes = append(e.Changes, events.FeedChange{Action: events.ActionKind(action), ID: id})
			}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// TrimFeed implements events.Store.
func (s *Store) TrimFeed(ctx context.Context, before time.Time) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM event_feed WHERE at < ?`, before.UTC()); err != nil {
		return fmt.Errorf("trim the event feed: %w", err)
	}
	return nil
}
