// Package grid is Pengcheng's spatial hierarchy of governance (网格化管理):
// the administrative divisions ([Division]), and the governance grid of
// [Cell]s — district → street → community → micro-grid, a hierarchy of any
// depth whose levels are data ([Levels]) — with the specialised layers
// (专业网格: police beats, fire districts, safety-production zones) laid
// over the micro-grids.
//
// Geometry is GeoJSON in WGS84 ([longitude, latitude]); conversion from the
// Chinese GCJ-02 and BD-09 systems happens at the platform's edges
// ([ToWGS84]). The geometry kernel is the package's own, small and exact
// where the grid needs it: areas on the sphere, point in polygon,
// overlap areas of concave polygons with holes, and cuts along meridians
// and parallels.
//
// # Import and validation
//
// [Service.Import] reads a GeoJSON FeatureCollection whose features carry
// the properties code, name, level and parent. Nothing is written unless
// everything is valid: every cell's geometry, its parent one level up,
// every child inside its parent, no two siblings overlapping, siblings
// covering their parent — within a stated [Tolerance]. Problems name the
// cells at fault, in Chinese and English. The cells of an import replace,
// for each parent they name, that parent's children; all is written in one
// transaction.
//
// # Locate
//
// [Index] answers, for a point, the chain of cells from the top level down
// to the micro-grid and the zone of each specialised layer, from memory,
// in well under a microsecond and without allocating. Other modules ask
// the service for the current index once and call it in-process:
//
//	ix, err := grids.Index(ctx)
//	loc := ix.Locate(grid.Point{lon, lat}) // loc.Cell(), loc.Chain, loc.Zone("police")
//	cells := ix.Cells(grid.Microgrid, "440306017001")
//
// The index follows the database's revision: an instance rebuilds it after
// its own changes, and [Service.Watch] picks up the others'.
//
// # The demo grid
//
// [BuildDemo] turns the real boundaries of Bao'an's 10 streets into the
// 1 + 10 + 124 + 4,833 grid by deterministic area-balanced cuts, labelled
// synthetic; [SeedDemo] writes it through the same validation as an
// import. docs/grid.md describes the model, the code scheme and the API.
package grid

import (
	"context"
	"encoding/json"
	"time"
)

// Level is the rank of a division in the hierarchy.
type Level string

// The levels of the administrative hierarchy.
const (
	Province  Level = "province"
	City      Level = "city"
	District  Level = "district"
	Street    Level = "street"
	Community Level = "community"
)

// Division is an administrative division with its boundary.
type Division struct {
	Code      string          // GB/T 2260 (6 digits) or statistical township code (9 digits)
	Name      string          // e.g. 新安街道
	Level     Level           //
	Parent    string          // parent's code; empty for the root
	Boundary  json.RawMessage // GeoJSON geometry, WGS84; nil when unknown
	Synthetic bool            // true when generated for the demo rather than real
	Source    string          // where the data came from
	CreatedAt time.Time
}

// Store persists divisions. Find methods return errs.NotFound for unknown codes.
type Store interface {
	// UpsertDivision creates the division or updates it in place.
	UpsertDivision(ctx context.Context, d *Division) error
	FindDivision(ctx context.Context, code string) (*Division, error)
	// FindChildren lists the divisions whose parent is code, by code.
	FindChildren(ctx context.Context, code string) ([]*Division, error)
}
