// Package eventssql stores grid events — categories, events with their
// traces, the aggregates behind the statistics and the heat map, grid
// workers' cells and patrols — in the platform database, on SQLite and
// PostgreSQL alike, with portable SQL.
//
// A write ([Store.Write]) is one transaction: the daily sequence that
// numbers new events, multi-row inserts of events and trace steps,
// version-checked updates, and upserts of the aggregates (summed per key
// first, then written in key order so that concurrent transactions on
// PostgreSQL lock rows in the same order). A write of a single event goes
// through a [db.Batcher], so concurrent single reports share transactions
// (group commit), each still durable before its call returns.
//
// Events of a grid cell are one index range: the chain column holds the
// cell codes from the top down joined by "/", and the events of cell C are
// those whose chain is C's or lies in [C/, C0) ('0' follows '/'); the
// column compares bytewise (COLLATE "C" on PostgreSQL).
package eventssql

import (
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/events"
)

// Store implements events.Store on a *db.DB.
type Store struct {
	db      *db.DB
	batcher *db.Batcher
}

var _ events.Store = (*Store)(nil)

// New returns a store on d.
func New(d *db.DB) *Store { return &Store{db: d, batcher: db.NewBatcher(d)} }

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

// nullString turns "" into SQL NULL.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
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

// joinList and splitList store short lists in one text column.
func joinList(xs []string) string { return strings.Join(xs, ",") }

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func joinZones(zs []events.Zone) string {
	parts := make([]string, len(zs))
	for i, z := range zs {
		parts[i] = z.Layer + "=" + z.Code
	}
	return strings.Join(parts, ",")
}

func splitZones(s string) []events.Zone {
	var out []events.Zone
	for _, p := range splitList(s) {
		l, c, _ := strings.Cut(p, "=")
		out = append(out, events.Zone{Layer: l, Code: c})
	}
	return out
}
