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

const themeColumns = `code, name, description, audience, created_at, updated_at`

func scanTheme(row interface{ Scan(...any) error }) (*catalog.Theme, error) {
	var t catalog.Theme
	err := row.Scan(&t.Code, &t.Name, &t.Description, &t.Audience, &t.CreatedAt, &t.UpdatedAt)
	return &t, err
}

// UpsertTheme creates or updates a theme, keeping its creation time.
func (s *Store) UpsertTheme(ctx context.Context, t *catalog.Theme) error {
	_, err := s.c.Exec(ctx, `
		INSERT INTO catalog_themes (`+themeColumns+`) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, description = excluded.description,
			audience = excluded.audience, updated_at = excluded.updated_at`,
		t.Code, t.Name, t.Description, string(t.Audience), t.CreatedAt.UTC(), t.UpdatedAt.UTC())
	if db.IsUniqueViolation(err) {
		return errs.E(errs.Conflict, "theme.name_taken", "主题名称已被使用："+t.Name, "theme name already used: "+t.Name)
	}
	if err != nil {
		return fmt.Errorf("upsert theme %s: %w", t.Code, err)
	}
	return nil
}

// FindTheme returns the theme with code.
func (s *Store) FindTheme(ctx context.Context, code string) (*catalog.Theme, error) {
	t, err := scanTheme(s.c.QueryRow(ctx, `SELECT `+themeColumns+` FROM catalog_themes WHERE code = ?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "theme.not_found", "主题不存在："+code, "no theme "+code)
	}
	if err != nil {
		return nil, fmt.Errorf("find theme %s: %w", code, err)
	}
	return t, nil
}

// FindThemes lists the themes, person themes first, then by code.
func (s *Store) FindThemes(ctx context.Context) ([]*catalog.Theme, error) {
	rows, err := s.c.Query(ctx, `SELECT `+themeColumns+` FROM catalog_themes
		ORDER BY CASE audience WHEN 'person' THEN 0 ELSE 1 END, code`)
	if err != nil {
		return nil, fmt.Errorf("find themes: %w", err)
	}
	defer rows.Close()
	var out []*catalog.Theme
	for rows.Next() {
		t, err := scanTheme(rows)
		if err != nil {
			return nil, fmt.Errorf("find themes: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
