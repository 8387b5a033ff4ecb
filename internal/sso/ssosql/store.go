// Package ssosql stores the single sign-on provider's state (package sso)
// in the platform database, SQLite or PostgreSQL, with one set of portable
// SQL statements.
package ssosql

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/sso"
)

// Store implements sso.Store on a database. It is safe for concurrent use.
type Store struct {
	db *db.DB
}

var _ sso.Store = (*Store)(nil)

// New returns a store on d, which must be migrated.
func New(d *db.DB) *Store { return &Store{db: d} }

// list joins a list for a space-separated column.
func list[T ~string](xs []T) string {
	ss := make([]string, len(xs))
	for i, x := range xs {
		ss[i] = string(x)
	}
	return strings.Join(ss, " ")
}

// split parses a space-separated column; an empty column is a nil list.
func split[T ~string](s string) []T {
	f := strings.Fields(s)
	if len(f) == 0 {
		return nil
	}
	out := make([]T, len(f))
	for i, x := range f {
		out[i] = T(x)
	}
	return out
}

// nullTime maps the zero time to NULL.
func nullTime(t time.Time) sql.NullTime {
	return sql.NullTime{Time: t.UTC(), Valid: !t.IsZero()}
}

// nullString maps "" to NULL.
func nullString(s string) sql.NullString {
	return sql.NullString{String: s, Valid: s != ""}
}

// timeOf returns the time of a nullable column, zero for NULL.
func timeOf(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// notFound maps sql.ErrNoRows to errs.NotFound with what was looked for.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return &errs.Error{Kind: errs.NotFound, Code: "not_found", Msg: what + "不存在", MsgEN: what + " not found", Err: err}
	}
	return err
}

// conflict maps unique violations to errs.Conflict.
func conflict(err error, what string) error {
	if db.IsUniqueViolation(err) {
		return &errs.Error{Kind: errs.Conflict, Code: "conflict", Msg: what + "已存在", MsgEN: what + " already exists", Err: err}
	}
	return err
}

// mustAffect returns errs.NotFound when a statement changed no row.
func mustAffect(res sql.Result, err error, what string) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("rows affected: %w", err)
	}
	if n == 0 {
		return notFound(sql.ErrNoRows, what)
	}
	return nil
}
