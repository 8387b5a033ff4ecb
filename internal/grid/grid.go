// Package grid is Pengcheng's spatial hierarchy of governance: administrative
// divisions (province, city, district, street, community) and, in later
// steps, the micro-grids and specialised grids laid over them.
//
// Geometry is GeoJSON in WGS84 ([longitude, latitude]); conversion from the
// Chinese GCJ-02 and BD-09 systems happens at the platform's edges.
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
