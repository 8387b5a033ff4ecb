package grid

import "context"

// CellStore persists the grid: its levels, its cells and the specialised
// layers. Every change of cells or layers increases a revision number in
// the same transaction, which is how instances notice each other's
// changes. Finders return errs.NotFound for unknown codes.
type CellStore interface {
	// Levels returns the levels by rank.
	Levels(ctx context.Context) (Levels, error)
	// AddLevel adds a level; its name and rank must be new (errs.Conflict).
	AddLevel(ctx context.Context, l LevelInfo) error
	// Revision returns the current revision (0 for a grid never changed).
	Revision(ctx context.Context) (int64, error)
	// AllCells returns every cell, by code.
	AllCells(ctx context.Context) ([]*Cell, error)
	// FindCells returns the cells of level, only those whose parent is
	// parent unless parent is empty, by code.
	FindCells(ctx context.Context, level Level, parent string) ([]*Cell, error)
	// FindCell returns the cell with code.
	FindCell(ctx context.Context, code string) (*Cell, error)
	// CountCells returns how many cells each level has.
	CountCells(ctx context.Context) (map[Level]int, error)
	// ApplyCells deletes the cells with the codes remove (and their zone
	// assignments) and creates or replaces put, in one transaction, if
	// the revision is still base; it returns the new revision, or
	// errs.Conflict when another change came first.
	ApplyCells(ctx context.Context, base int64, remove []string, put []*Cell) (int64, error)

	// Layers returns the specialised layers by code.
	Layers(ctx context.Context) ([]*Layer, error)
	// Zones returns the zones of every layer, by layer and code.
	Zones(ctx context.Context) ([]*Zone, error)
	// Assignments returns every cell's zone in every layer.
	Assignments(ctx context.Context) ([]Assignment, error)
	// ReplaceLayer creates or replaces layer with exactly zones and
	// assignments, in one transaction, and returns the new revision. The
	// zones and cells that assignments name must exist (an errs.Invalid
	// error otherwise).
	ReplaceLayer(ctx context.Context, layer *Layer, zones []*Zone, as []Assignment) (int64, error)
}
