// Package identitysql stores identity's accounts, sessions, audit log,
// throttle counters and one-time codes in the platform database, on SQLite
// and PostgreSQL alike, with portable SQL.
//
// Empty optional values (identity number, credit code, phone, department,
// the account of an audit event) are stored as NULL, so that the unique
// constraints apply only to values that are present.
package identitysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// Store implements identity.Store on a *db.DB.
type Store struct{ db *db.DB }

var _ identity.Store = (*Store)(nil)

// New returns a store on d.
func New(d *db.DB) *Store { return &Store{db: d} }

// writeRow runs a writing statement that returns one row (RETURNING) on the
// writer and scans it into dest. (QueryRow on *db.DB reads from the read
// pool, which on SQLite cannot write.)
func (s *Store) writeRow(ctx context.Context, dest []any, q string, args ...any) error {
	return s.db.WithTx(ctx, func(tx *db.Tx) error {
		return tx.QueryRow(ctx, q, args...).Scan(dest...)
	})
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// null turns an empty string into SQL NULL.
func null(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nullTime turns a zero time into SQL NULL and others into UTC.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// timeOf returns a scanned nullable time in UTC, zero when NULL.
func timeOf(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// notFound returns the not-found error for a kind of thing when err is
// sql.ErrNoRows, and wraps err otherwise.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return errs.E(errs.NotFound, "identity.not_found", "未找到"+whatZH(what), what+" not found")
	}
	return fmt.Errorf("%s: %w", what, err)
}

func whatZH(what string) string {
	switch what {
	case "account":
		return "账户"
	case "session":
		return "会话"
	}
	return "记录"
}

// affected returns errs.NotFound when res changed no row.
func affected(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return notFound(sql.ErrNoRows, what)
	}
	return nil
}

// rowsAffected returns how many rows res changed.
func rowsAffected(res sql.Result, what string) (int, error) {
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	return int(n), nil
}

// page clamps paging parameters: limit defaults to 50 and is at most 500.
func page(offset, limit int) (int, int) {
	if offset < 0 {
		offset = 0
	}
	if limit <= 0 {
		limit = 50
	}
	return offset, min(limit, 500)
}

// where joins conditions with AND.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	s := " WHERE " + w.conds[0]
	for _, c := range w.conds[1:] {
		s += " AND " + c
	}
	return s
}
