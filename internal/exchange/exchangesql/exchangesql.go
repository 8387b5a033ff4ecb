// Package exchangesql stores registry records with their versions, access
// policies and the access log in the platform database, on SQLite and
// PostgreSQL alike, with portable SQL.
//
// Imports write in multi-row statements inside one transaction; they first
// update the dataset's row in exchange_imports, which serialises imports
// of the same dataset (on PostgreSQL the row lock; on SQLite every write
// transaction is serialised anyway). The primary key of
// exchange_record_versions is the last guard: two imports cannot both
// write version n of a record.
//
// The access log's order comes from the database: an append first reads
// the single row of exchange_log_head with a lock (SELECT … FOR UPDATE on
// PostgreSQL, which in READ COMMITTED waits for the previous append and
// returns the row as it committed it; SQLite's write transactions hold the
// database's write lock from BEGIN), numbers and seals its entries on the
// head's hash, inserts them and moves the head, all in one transaction. Appends from every instance therefore form one chain
// without gaps or forks.
package exchangesql

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/exchange"
)

// Store implements exchange.Store on a *db.DB.
type Store struct{ db *db.DB }

var _ exchange.Store = (*Store)(nil)

// New returns a store on d.
func New(d *db.DB) *Store { return &Store{db: d} }

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// noRows reports whether err says a query found nothing.
func noRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

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

// jsonText encodes v as JSON text for a column.
func jsonText(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode JSON column: %w", err)
	}
	return string(b), nil
}

// placeholders returns "(?, ?, …), (…)…": rows groups of cols
// placeholders.
func placeholders(rows, cols int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(one+", ", rows), ", ")
}

// inList returns "?, ?, …" with n placeholders.
func inList(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
