// Package gridsql stores the grid hierarchy in the platform database, on
// SQLite and PostgreSQL alike.
package gridsql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
)

// Store implements grid.Store.
type Store struct{ db *db.DB }

var _ grid.Store = (*Store)(nil)

// New returns a store on d.
func New(d *db.DB) *Store { return &Store{db: d} }

// UpsertDivision creates or updates a division.
func (s *Store) UpsertDivision(ctx context.Context, d *grid.Division) error {
	var parent, boundary any
	if d.Parent != "" {
		parent = d.Parent
	}
	if len(d.Boundary) > 0 {
		boundary = string(d.Boundary)
	}
	_, err := s.db.Exec(ctx, `
		INSERT INTO divisions (code, name, level, parent_code, boundary, synthetic, source, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level,
			parent_code = excluded.parent_code, boundary = excluded.boundary,
			synthetic = excluded.synthetic, source = excluded.source`,
		d.Code, d.Name, string(d.Level), parent, boundary, d.Synthetic, d.Source, d.CreatedAt.UTC())
	if err != nil {
		return fmt.Errorf("upsert division %s: %w", d.Code, err)
	}
	return nil
}

const columns = `code, name, level, parent_code, boundary, synthetic, source, created_at`

// FindDivision returns the division with code.
func (s *Store) FindDivision(ctx context.Context, code string) (*grid.Division, error) {
	d, err := scan(s.db.QueryRow(ctx, `SELECT `+columns+` FROM divisions WHERE code = ?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "division.not_found", "行政区划不存在："+code, "no division "+code)
	}
	if err != nil {
		return nil, fmt.Errorf("find division %s: %w", code, err)
	}
	return d, nil
}

// FindChildren lists the divisions under code.
func (s *Store) FindChildren(ctx context.Context, code string) ([]*grid.Division, error) {
	rows, err := s.db.Query(ctx, `SELECT `+columns+` FROM divisions WHERE parent_code = ? ORDER BY code`, code)
	if err != nil {
		return nil, fmt.Errorf("find children of %s: %w", code, err)
	}
	defer rows.Close()
	var out []*grid.Division
	for rows.Next() {
		d, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("find children of %s: %w", code, err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

type scanner interface{ Scan(dest ...any) error }

func scan(r scanner) (*grid.Division, error) {
	var d grid.Division
	var level string
	var parent, boundary sql.NullString
	if err := r.Scan(&d.Code, &d.Name, &level, &parent, &boundary, &d.Synthetic, &d.Source, &d.CreatedAt); err != nil {
		return nil, err
	}
	d.Level, d.Parent = grid.Level(level), parent.String
	if boundary.Valid {
		d.Boundary = []byte(boundary.String)
	}
	return &d, nil
}
