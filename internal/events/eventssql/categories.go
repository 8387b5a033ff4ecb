package eventssql

import (
	"context"
	"fmt"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/events"
)

const categoryCols = `code, name, name_en, parent_code, department, layer, sla_hours, position, disabled, version, updated_at, updated_by`

func scanCategory(sc scanner) (*events.Category, error) {
	c := &events.Category{}
	err := sc.Scan(&c.Code, &c.Name, &c.NameEN, &c.Parent, &c.Department, &c.Layer, &c.SLAHours, &c.Position,
		&c.Disabled, &c.Version, &c.UpdatedAt, &c.UpdatedBy)
	c.UpdatedAt = c.UpdatedAt.UTC()
	return c, err
}

// Categories implements events.Store.
func (s *Store) Categories(ctx context.Context) ([]*events.Category, error) {
	rows, err := s.db.Query(ctx, `SELECT `+categoryCols+` FROM event_categories ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("query categories: %w", err)
	}
	defer rows.Close()
	var out []*events.Category
	for rows.Next() {
		c, err := scanCategory(rows)
		if err != nil {
			return nil, fmt.Errorf("scan category: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func categoryArgs(c *events.Category) []any {
	return []any{c.Code, c.Name, c.NameEN, c.Parent, c.Department, c.Layer, c.SLAHours, c.Position, c.Disabled, c.Version,
		c.UpdatedAt.UTC(), c.UpdatedBy}
}

// SeedCategories implements events.Store.
func (s *Store) SeedCategories(ctx context.Context, cs []*events.Category) (int, error) {
	n := 0
	err := s.db.WithTx(ctx, func(tx *db.Tx) error {
		for _, c := range cs {
			res, err := tx.Exec(ctx, `INSERT INTO event_categories (`+categoryCols+`) VALUES `+placeholders(1, 12)+`
				ON CONFLICT (code) DO NOTHING`, categoryArgs(c)...)
			if err != nil {
				return fmt.Errorf("seed category %s: %w", c.Code, err)
			}
			k, _ := res.RowsAffected()
			n += int(k)
		}
		return nil
	})
	return n, err
}

var errCategoryConflict = errs.E(errs.Conflict, "events.category.conflict", "类别代码已存在，或类别已被他人修改，请刷新后重试",
	"The category code is taken, or someone changed the category meanwhile; reload and try again.")

// SaveCategory implements events.Store.
func (s *Store) SaveCategory(ctx context.Context, c *events.Category) error {
	if c.Version == 0 {
		c.Version = 1
		_, err := s.db.Exec(ctx, `INSERT INTO event_categories (`+categoryCols+`) VALUES `+placeholders(1, 12), categoryArgs(c)...)
		if db.IsUniqueViolation(err) {
			c.Version = 0
			return errCategoryConflict
		}
		if err != nil {
			return fmt.Errorf("insert category: %w", err)
		}
		return nil
	}
	res, err := s.db.Exec(ctx, `UPDATE event_categories SET name = ?, name_en = ?, parent_code = ?, department = ?, layer = ?,
		sla_hours = ?, position = ?, disabled = ?, version = version + 1, updated_at = ?, updated_by = ?
		WHERE code = ? AND version = ?`, c.Name, c.NameEN, c.Parent, c.Department, c.Layer, c.SLAHours, c.Position, c.Disabled,
		c.UpdatedAt.UTC(), c.UpdatedBy, c.Code, c.Version)
	if err != nil {
		return fmt.Errorf("update category: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errCategoryConflict
	}
	c.Version++
	return nil
}
