// Package catalogsql stores the service catalogue in the platform database,
// on SQLite and PostgreSQL alike.
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
type Store struct{ db *db.DB }

var _ catalog.Store = (*Store)(nil)

// New returns a store on d.
func New(d *db.DB) *Store { return &Store{db: d} }

// UpsertDepartment creates or updates a department.
func (s *Store) UpsertDepartment(ctx context.Context, d *catalog.Department) error {
	_, err := s.db.Exec(ctx, `
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
	err := s.db.QueryRow(ctx, `SELECT code, name, short_name, division_code, created_at FROM departments WHERE code = ?`, code).
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
	rows, err := s.db.Query(ctx, `SELECT code, name, short_name, division_code, created_at FROM departments ORDER BY code`)
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
