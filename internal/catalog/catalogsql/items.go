package catalogsql

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

const itemColumns = `i.code, i.name, i.department, i.category, i.applicants, i.max_trips, i.online_full_process,
	i.no_meeting_batch1, i.legal_days, i.promised_days, i.fee_fen, i.materials, i.keywords, i.description,
	i.form_fields, i.version, i.created_at, i.updated_at`

// scanItem reads a row of itemColumns; the themes are loaded separately.
func scanItem(row interface{ Scan(...any) error }) (*catalog.Item, error) {
	var (
		it                                    catalog.Item
		applicants, materials, keywords, form string
	)
	err := row.Scan(&it.Code, &it.Name, &it.Department, &it.Category, &applicants, &it.MaxTrips, &it.OnlineFullProcess,
		&it.NoMeetingBatch1, &it.LegalDays, &it.PromisedDays, &it.FeeFen, &materials, &keywords, &it.Description,
		&form, &it.Version, &it.CreatedAt, &it.UpdatedAt)
	if err != nil {
		return nil, err
	}
	for _, c := range []struct {
		src string
		dst any
	}{{applicants, &it.Applicants}, {materials, &it.Materials}, {keywords, &it.Keywords}, {form, &it.FormFields}} {
		if err := json.Unmarshal([]byte(c.src), c.dst); err != nil {
			return nil, fmt.Errorf("item %s: stored JSON: %w", it.Code, err)
		}
	}
	it.Themes = []string{}
	return &it, nil
}

// itemArgs returns the values of the item's columns in itemColumns order.
func itemArgs(it *catalog.Item) ([]any, error) {
	var enc [4]string
	for i, v := range []any{it.Applicants, it.Materials, it.Keywords, it.FormFields} {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("item %s: encode: %w", it.Code, err)
		}
		if string(b) == "null" {
			b = []byte("[]")
		}
		enc[i] = string(b)
	}
	return []any{it.Code, it.Name, it.Department, it.Category, enc[0], it.MaxTrips, it.OnlineFullProcess,
		it.NoMeetingBatch1, it.LegalDays, it.PromisedDays, it.FeeFen, enc[1], enc[2], it.Description,
		enc[3], it.Version, it.CreatedAt.UTC(), it.UpdatedAt.UTC()}, nil
}

// itemError maps constraint violations of item writes to domain errors.
func itemError(it *catalog.Item, err error) error {
	switch {
	case db.IsUniqueViolation(err):
		return errs.E(errs.Conflict, "item.taken", "事项编码或名称已被使用："+it.Code+" "+it.Name,
			"the item code or name is already used: "+it.Code+" "+it.Name)
	case db.IsForeignKeyViolation(err):
		return errs.E(errs.Invalid, "item.reference", "事项引用了不存在的部门或主题："+it.Code,
			"the item refers to an unknown department or theme: "+it.Code)
	}
	return fmt.Errorf("write item %s: %w", it.Code, err)
}

// CreateItem stores a new item and its theme links.
func (s *Store) CreateItem(ctx context.Context, it *catalog.Item) error {
	args, err := itemArgs(it)
	if err != nil {
		return err
	}
	return s.InTx(ctx, func(tx catalog.Store) error {
		c := tx.(*Store).c
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ")
		cols := strings.ReplaceAll(itemColumns, "i.", "")
		if _, err := c.Exec(ctx, `INSERT INTO catalog_items (`+cols+`) VALUES (`+marks+`)`, args...); err != nil {
			return itemError(it, err)
		}
		return writeThemes(ctx, c, it)
	})
}

// UpdateItem replaces the item whose stored version is it.Version-1.
func (s *Store) UpdateItem(ctx context.Context, it *catalog.Item) error {
	args, err := itemArgs(it)
	if err != nil {
		return err
	}
	return s.InTx(ctx, func(tx catalog.Store) error {
		c := tx.(*Store).c
		res, err := c.Exec(ctx, `UPDATE catalog_items SET name = ?, department = ?, category = ?, applicants = ?,
			max_trips = ?, online_full_process = ?, no_meeting_batch1 = ?, legal_days = ?, promised_days = ?, fee_fen = ?,
			materials = ?, keywords = ?, description = ?, form_fields = ?, version = ?, updated_at = ?
			WHERE code = ? AND version = ?`,
			append(args[1:16], args[17], it.Code, it.Version-1)...)
		if err != nil {
			return itemError(it, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("update item %s: %w", it.Code, err)
		} else if n == 0 {
			if _, err := tx.FindItem(ctx, it.Code); err != nil {
				return err
			}
			return errs.E(errs.Conflict, "item.version", "事项已被修改，请刷新后重试："+it.Code,
				"the item changed in the meantime; reload and try again: "+it.Code)
		}
		if _, err := c.Exec(ctx, `DELETE FROM catalog_item_themes WHERE item_code = ?`, it.Code); err != nil {
			return fmt.Errorf("update item %s themes: %w", it.Code, err)
		}
		return writeThemes(ctx, c, it)
	})
}

func writeThemes(ctx context.Context, c db.Conn, it *catalog.Item) error {
	for i, t := range it.Themes {
		_, err := c.Exec(ctx, `INSERT INTO catalog_item_themes (item_code, theme_code, position) VALUES (?, ?, ?)`, it.Code, t, i)
		if err != nil {
			return itemError(it, err)
		}
	}
	return nil
}

// FindItem returns the item with code.
func (s *Store) FindItem(ctx context.Context, code string) (*catalog.Item, error) {
	it, err := scanItem(s.c.QueryRow(ctx, `SELECT `+itemColumns+` FROM catalog_items i WHERE i.code = ?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "item.not_found", "事项不存在："+code, "no service item "+code)
	}
	if err != nil {
		return nil, fmt.Errorf("find item %s: %w", code, err)
	}
	if err := s.loadThemes(ctx, []*catalog.Item{it}); err != nil {
		return nil, err
	}
	return it, nil
}

// FindItems returns a page of the items matching f, by code, and the
// number of matches.
func (s *Store) FindItems(ctx context.Context, f catalog.ItemFilter) ([]*catalog.Item, int, error) {
	var (
		where []string
		args  []any
	)
	if f.Department != "" {
		where, args = append(where, "i.department = ?"), append(args, f.Department)
	}
	if f.Theme != "" {
		where = append(where, "EXISTS (SELECT 1 FROM catalog_item_themes t WHERE t.item_code = i.code AND t.theme_code = ?)")
		args = append(args, f.Theme)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := s.c.QueryRow(ctx, `SELECT COUNT(*) FROM catalog_items i`+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count items: %w", err)
	}
	q := `SELECT ` + itemColumns + ` FROM catalog_items i` + cond + ` ORDER BY i.code`
	if f.Limit > 0 {
		q, args = q+` LIMIT ? OFFSET ?`, append(args, f.Limit, max(f.Offset, 0))
	} else if f.Offset > 0 {
		q, args = q+` LIMIT 1000000000 OFFSET ?`, append(args, f.Offset)
	}
	rows, err := s.c.Query(ctx, q, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find items: %w", err)
	}
	defer rows.Close()
	var out []*catalog.Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("find items: %w", err)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("find items: %w", err)
	}
	rows.Close()
	if err := s.loadThemes(ctx, out); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// loadThemes fills the items' theme codes, in their stored order.
func (s *Store) loadThemes(ctx context.Context, items []*catalog.Item) error {
	byCode := make(map[string]*catalog.Item, len(items))
	for _, it := range items {
		byCode[it.Code] = it
	}
	for start := 0; start < len(items); start += 500 {
		chunk := items[start:min(start+500, len(items))]
		args := make([]any, len(chunk))
		for i, it := range chunk {
			args[i] = it.Code
		}
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(chunk)), ", ")
		rows, err := s.c.Query(ctx, `SELECT item_code, theme_code FROM catalog_item_themes
			WHERE item_code IN (`+marks+`) ORDER BY item_code, position`, args...)
		if err != nil {
			return fmt.Errorf("find item themes: %w", err)
		}
		for rows.Next() {
			var item, theme string
			if err := rows.Scan(&item, &theme); err != nil {
				rows.Close()
				return fmt.Errorf("find item themes: %w", err)
			}
			byCode[item].Themes = append(byCode[item].Themes, theme)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("find item themes: %w", err)
		}
	}
	return nil
}

// CountItems counts the items of a department ("" for all) by trips and
// online flags.
func (s *Store) CountItems(ctx context.Context, department string) (catalog.Shares, error) {
	q := `SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN max_trips = 0 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN max_trips <= 1 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN online_full_process THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN no_meeting_batch1 THEN 1 ELSE 0 END), 0)
		FROM catalog_items`
	var args []any
	if department != "" {
		q, args = q+` WHERE department = ?`, append(args, department)
	}
	var sh catalog.Shares
	err := s.c.QueryRow(ctx, q, args...).Scan(&sh.Items, &sh.ZeroTrip, &sh.AtMostOneTrip, &sh.OnlineFullProcess, &sh.NoMeetingBatch1)
	if err != nil {
		return catalog.Shares{}, fmt.Errorf("count items: %w", err)
	}
	return sh, nil
}
