package gridsql

import (
	"context"
	"fmt"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
)

var _ grid.CellStore = (*Store)(nil)

// cellChunk is how many cells one multi-row statement writes: 13
// parameters a row keeps it far below both databases' limits.
const cellChunk = 200

// Levels implements grid.CellStore.
func (s *Store) Levels(ctx context.Context) (grid.Levels, error) {
	rows, err := s.db.Query(ctx, `SELECT name, rank, title, title_en FROM grid_levels ORDER BY rank`)
	if err != nil {
		return nil, fmt.Errorf("levels: %w", err)
	}
	defer rows.Close()
	var out grid.Levels
	for rows.Next() {
		var l grid.LevelInfo
		var name string
		if err := rows.Scan(&name, &l.Rank, &l.Title, &l.TitleEN); err != nil {
			return nil, fmt.Errorf("levels: %w", err)
		}
		l.Name = grid.Level(name)
		out = append(out, l)
	}
	return out, rows.Err()
}

// AddLevel implements grid.CellStore.
func (s *Store) AddLevel(ctx context.Context, l grid.LevelInfo) error {
	_, err := s.db.Exec(ctx, `INSERT INTO grid_levels (name, rank, title, title_en) VALUES (?, ?, ?, ?)`,
		string(l.Name), l.Rank, l.Title, l.TitleEN)
	if db.IsUniqueViolation(err) {
		return errs.E(errs.Conflict, "grid.level.exists", "层级 "+string(l.Name)+" 已存在", "level "+string(l.Name)+" exists")
	}
	if err != nil {
		return fmt.Errorf("add level: %w", err)
	}
	return nil
}

// Revision implements grid.CellStore.
func (s *Store) Revision(ctx context.Context) (int64, error) {
	var rev int64
	if err := s.db.QueryRow(ctx, `SELECT revision FROM grid_state WHERE id = 1`).Scan(&rev); err != nil {
		return 0, fmt.Errorf("grid revision: %w", err)
	}
	return rev, nil
}

const cellColumns = `code, name, level, parent_code, geometry, synthetic, source, updated_at`

// AllCells implements grid.CellStore.
func (s *Store) AllCells(ctx context.Context) ([]*grid.Cell, error) {
	return s.queryCells(ctx, `SELECT `+cellColumns+` FROM grid_cells ORDER BY code`)
}

// FindCells implements grid.CellStore.
func (s *Store) FindCells(ctx context.Context, level grid.Level, parent string) ([]*grid.Cell, error) {
	if parent == "" {
		return s.queryCells(ctx, `SELECT `+cellColumns+` FROM grid_cells WHERE level = ? ORDER BY code`, string(level))
	}
	return s.queryCells(ctx, `SELECT `+cellColumns+` FROM grid_cells WHERE level = ? AND parent_code = ? ORDER BY code`,
		string(level), parent)
}

// FindCell implements grid.CellStore.
func (s *Store) FindCell(ctx context.Context, code string) (*grid.Cell, error) {
	cells, err := s.queryCells(ctx, `SELECT `+cellColumns+` FROM grid_cells WHERE code = ?`, code)
	if err != nil {
		return nil, err
	}
	if len(cells) == 0 {
		return nil, errs.E(errs.NotFound, "grid.cell_not_found", "网格不存在："+code, "no grid cell "+code)
	}
	return cells[0], nil
}

// CountCells implements grid.CellStore.
func (s *Store) CountCells(ctx context.Context) (map[grid.Level]int, error) {
	rows, err := s.db.Query(ctx, `SELECT level, COUNT(*) FROM grid_cells GROUP BY level`)
	if err != nil {
		return nil, fmt.Errorf("count cells: %w", err)
	}
	defer rows.Close()
	out := map[grid.Level]int{}
	for rows.Next() {
		var l string
		var n int
		if err := rows.Scan(&l, &n); err != nil {
			return nil, fmt.Errorf("count cells: %w", err)
		}
		out[grid.Level(l)] = n
	}
	return out, rows.Err()
}

func (s *Store) queryCells(ctx context.Context, q string, args ...any) ([]*grid.Cell, error) {
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("query cells: %w", err)
	}
	defer rows.Close()
	var out []*grid.Cell
	for rows.Next() {
		var c grid.Cell
		var level, geometry string
		if err := rows.Scan(&c.Code, &c.Name, &level, &c.Parent, &geometry, &c.Synthetic, &c.Source, &c.UpdatedAt); err != nil {
			return nil, fmt.Errorf("query cells: %w", err)
		}
		c.Level, c.UpdatedAt = grid.Level(level), c.UpdatedAt.UTC()
		if c.Geometry, err = grid.ParseGeometry([]byte(geometry)); err != nil {
			return nil, fmt.Errorf("cell %s: stored geometry: %w", c.Code, err)
		}
		out = append(out, &c)
	}
	return out, rows.Err()
}

// ApplyCells implements grid.CellStore.
func (s *Store) ApplyCells(ctx context.Context, base int64, remove []string, put []*grid.Cell) (int64, error) {
	var rev int64
	err := s.db.WithTx(ctx, func(tx *db.Tx) error {
		var err error
		if rev, err = bump(ctx, tx, base); err != nil {
			return err
		}
		for i := 0; i < len(remove); i += cellChunk {
			chunk := remove[i:min(i+cellChunk, len(remove))]
			args := make([]any, len(chunk))
			for k, c := range chunk {
				args[k] = c
			}
			if _, err := tx.Exec(ctx, `DELETE FROM grid_cells WHERE code IN (`+placeholders(len(chunk), 1)+`)`, args...); err != nil {
				return fmt.Errorf("delete cells: %w", err)
			}
		}
		for i := 0; i < len(put); i += cellChunk {
			if err := upsertCells(ctx, tx, put[i:min(i+cellChunk, len(put))]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return rev, nil
}

// bump moves the revision on from base, or fails with errs.Conflict when
// it is no longer base.
func bump(ctx context.Context, tx *db.Tx, base int64) (int64, error) {
	res, err := tx.Exec(ctx, `UPDATE grid_state SET revision = revision + 1 WHERE id = 1 AND revision = ?`, base)
	if err != nil {
		return 0, fmt.Errorf("bump grid revision: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return 0, errs.E(errs.Conflict, "grid.changed", "网格在校验期间被其他操作修改，请重试",
			"the grid changed while this change was being checked; try again")
	}
	return base + 1, nil
}

func upsertCells(ctx context.Context, tx *db.Tx, cells []*grid.Cell) error {
	const cols = 13
	args := make([]any, 0, cols*len(cells))
	for _, c := range cells {
		b := c.Geometry.Bound()
		args = append(args, c.Code, c.Name, string(c.Level), c.Parent, string(c.Geometry.AppendGeoJSON(nil)),
			b.MinLon, b.MinLat, b.MaxLon, b.MaxLat, c.AreaM2(), c.Synthetic, c.Source, c.UpdatedAt.UTC())
	}
	_, err := tx.Exec(ctx, `INSERT INTO grid_cells (code, name, level, parent_code, geometry, min_lon, min_lat, max_lon, max_lat,
			area_m2, synthetic, source, updated_at)
		VALUES `+placeholders(len(cells), cols)+`
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, parent_code = excluded.parent_code,
			geometry = excluded.geometry, min_lon = excluded.min_lon, min_lat = excluded.min_lat, max_lon = excluded.max_lon,
			max_lat = excluded.max_lat, area_m2 = excluded.area_m2, synthetic = excluded.synthetic, source = excluded.source,
			updated_at = excluded.updated_at`, args...)
	if err != nil {
		if db.IsForeignKeyViolation(err) {
			return errs.Wrap(errs.E(errs.Invalid, "grid.level_unknown", "网格层级未定义", "a cell's level is not defined"), "upsert cells: %v", err)
		}
		return fmt.Errorf("upsert cells: %w", err)
	}
	return nil
}

// placeholders returns rows groups of cols placeholders: "(?, ?), (?, ?)",
// or for cols 1 just "?, ?".
func placeholders(rows, cols int) string {
	one := "?" + strings.Repeat(", ?", cols-1)
	if cols == 1 {
		return "?" + strings.Repeat(", ?", rows-1)
	}
	return "(" + one + ")" + strings.Repeat(", ("+one+")", rows-1)
}

// Layers implements grid.CellStore.
func (s *Store) Layers(ctx context.Context) ([]*grid.Layer, error) {
	rows, err := s.db.Query(ctx, `SELECT code, name, name_en, synthetic FROM grid_layers ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("layers: %w", err)
	}
	defer rows.Close()
	var out []*grid.Layer
	for rows.Next() {
		var l grid.Layer
		if err := rows.Scan(&l.Code, &l.Name, &l.NameEN, &l.Synthetic); err != nil {
			return nil, fmt.Errorf("layers: %w", err)
		}
		out = append(out, &l)
	}
	return out, rows.Err()
}

// Zones implements grid.CellStore.
func (s *Store) Zones(ctx context.Context) ([]*grid.Zone, error) {
	rows, err := s.db.Query(ctx, `SELECT layer_code, code, name, synthetic FROM grid_zones ORDER BY layer_code, code`)
	if err != nil {
		return nil, fmt.Errorf("zones: %w", err)
	}
	defer rows.Close()
	var out []*grid.Zone
	for rows.Next() {
		var z grid.Zone
		if err := rows.Scan(&z.Layer, &z.Code, &z.Name, &z.Synthetic); err != nil {
			return nil, fmt.Errorf("zones: %w", err)
		}
		out = append(out, &z)
	}
	return out, rows.Err()
}

// Assignments implements grid.CellStore.
func (s *Store) Assignments(ctx context.Context) ([]grid.Assignment, error) {
	rows, err := s.db.Query(ctx, `SELECT layer_code, cell_code, zone_code FROM grid_zone_cells ORDER BY layer_code, cell_code`)
	if err != nil {
		return nil, fmt.Errorf("zone assignments: %w", err)
	}
	defer rows.Close()
	var out []grid.Assignment
	for rows.Next() {
		var a grid.Assignment
		if err := rows.Scan(&a.Layer, &a.Cell, &a.Zone); err != nil {
			return nil, fmt.Errorf("zone assignments: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// ReplaceLayer implements grid.CellStore.
func (s *Store) ReplaceLayer(ctx context.Context, layer *grid.Layer, zones []*grid.Zone, as []grid.Assignment) (int64, error) {
	var rev int64
	err := s.db.WithTx(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRow(ctx, `UPDATE grid_state SET revision = revision + 1 WHERE id = 1 RETURNING revision`).Scan(&rev); err != nil {
			return fmt.Errorf("bump grid revision: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM grid_layers WHERE code = ?`, layer.Code); err != nil {
			return fmt.Errorf("replace layer: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO grid_layers (code, name, name_en, synthetic) VALUES (?, ?, ?, ?)`,
			layer.Code, layer.Name, layer.NameEN, layer.Synthetic); err != nil {
			return fmt.Errorf("replace layer: %w", err)
		}
		for i := 0; i < len(zones); i += cellChunk {
			chunk := zones[i:min(i+cellChunk, len(zones))]
			args := make([]any, 0, 4*len(chunk))
			for _, z := range chunk {
				args = append(args, layer.Code, z.Code, z.Name, z.Synthetic)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO grid_zones (layer_code, code, name, synthetic) VALUES `+placeholders(len(chunk), 4), args...); err != nil {
				return fmt.Errorf("insert zones: %w", err)
			}
		}
		for i := 0; i < len(as); i += 3 * cellChunk {
			chunk := as[i:min(i+3*cellChunk, len(as))]
			args := make([]any, 0, 3*len(chunk))
			for _, a := range chunk {
				args = append(args, layer.Code, a.Cell, a.Zone)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO grid_zone_cells (layer_code, cell_code, zone_code) VALUES `+placeholders(len(chunk), 3), args...); err != nil {
				if db.IsForeignKeyViolation(err) {
					return errs.Wrap(errs.E(errs.Invalid, "grid.assignment.unknown", "分配记录引用了不存在的网格或区域",
						"an assignment names a cell or zone that does not exist"), "assign cells: %v", err)
				}
				return fmt.Errorf("assign cells: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return rev, nil
}
