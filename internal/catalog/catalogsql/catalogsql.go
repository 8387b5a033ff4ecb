// Package catalogsql stores the service catalogue in the platform database,
// on SQLite and PostgreSQL alike: departments, themes, items with their
// theme links, the items' change history and the catalogue's revision
// counter (tables of migrations 00001 and 00005).
package catalogsql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// Store implements catalog.Store.
type Store struct {
	db *db.DB  // nil for a store bound to a transaction
	c  db.Conn // the database or the transaction
}

var _ catalog.Store = (*Store)(nil)

// New returns a store on d.
func New(d *db.DB) *Store { return &Store{db: d, c: d} }

// InTx runs fn with a store bound to one transaction. Inside a
// transaction it runs fn in the same one.
func (s *Store) InTx(ctx context.Context, fn func(tx catalog.Store) error) error {
	if s.db == nil {
		return fn(s)
	}
	return s.db.WithTx(ctx, func(tx *db.Tx) error { return fn(&Store{c: tx}) })
}

// UpsertDepartment creates or updates a department.
func (s *Store) UpsertDepartment(ctx context.Context, d *catalog.Department) error {
	_, err := s.c.Exec(ctx, `
		INSERT INTO departments (code, name, short_name, division_code, created_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, short_name = excluded.short_name,
			division_code = excluded.division_code`,
		d.Code, d.Name, d.ShortName, d.Division, d.CreatedAt.UTC())
	if db.IsUniqueViolation(err) {
		return errs.E(errs.Conflict, "department.name_taken", "部门名称已被使用："+d.Name, "department name already used: "+d.Name)
	}
	if err != nil {
		return fmt.Errorf("upsert department %s: %w", d.Code, err)
	}
	return nil
}

// FindDepartment returns the department with code.
func (s *Store) FindDepartment(ctx context.Context, code string) (*catalog.Department, error) {
	var d catalog.Department
	err := s.c.QueryRow(ctx, `SELECT code, name, short_name, division_code, created_at FROM departments WHERE code = ?`, code).
		Scan(&d.Code, &d.Name, &d.ShortName, &d.Division, &d.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "department.not_found", "部门不存在："+code, "no department "+code)
	}
	if err != nil {
		return nil, fmt.Errorf("find department %s: %w", code, err)
	}
	return &d, nil
}

// FindDepartments lists all departments.
func (s *Store) FindDepartments(ctx context.Context) ([]*catalog.Department, error) {
	rows, err := s.c.Query(ctx, `SELECT code, name, short_name, division_code, created_at FROM departments ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("find departments: %w", err)
	}
	defer rows.Close()
	var out []*catalog.Department
	for rows.Next() {
		var d catalog.Department
		if err := rows.Scan(&d.Code, &d.Name, &d.ShortName, &d.Division, &d.CreatedAt); err != nil {
			return nil, fmt.Errorf("find departments: %w", err)
		}
		out = append(out, &d)
	}
	return out, rows.Err()
}

// Revision returns the catalogue's revision counter.
func (s *Store) Revision(ctx context.Context) (int64, error) {
	var n int64
	if err := s.c.QueryRow(ctx, `SELECT revision FROM catalog_revision WHERE id = 1`).Scan(&n); err != nil {
		return 0, fmt.Errorf("catalogue revision: %w", err)
	}
	return n, nil
}

// BumpRevision increases the revision counter. On PostgreSQL the row lock
// it takes is held until the transaction ends, so catalogue writers run
// one after the other; SQLite has a single writer anyway.
func (s *Store) BumpRevision(ctx context.Context) (int64, error) {
	if s.db != nil {
		// QueryRow on the database reads from the read pool; the update
		// must go to the writer.
		var n int64
		err := s.InTx(ctx, func(tx catalog.Store) (err error) {
			n, err = tx.BumpRevision(ctx)
			return err
		})
		return n, err
	}
	var n int64
	err := s.c.QueryRow(ctx, `UPDATE catalog_revision SET revision = revision + 1 WHERE id = 1 RETURNING revision`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("bump catalogue revision: %w", err)
	}
	return n, nil
}
