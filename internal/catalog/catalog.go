// Package catalog is the service catalogue of one-stop government services
// (一网通办): the departments, their service items (事项) with materials,
// time limits, trips in person, online flags and application forms, and the
// life-event and enterprise-event themes that group items.
//
// # The model
//
// An [Item] is what a citizen or an enterprise applies for. Besides the
// facts published in the catalogue (who may apply, materials and where each
// comes from, fee, statutory and promised time limits, the most trips in
// person, whether it is handled fully online) it carries the typed
// [FormField]s of its application form, so that the applications module can
// validate a submitted form server-side with [ValidateForm]. Materials name
// their [MaterialSource]: an upload, an electronic licence pulled from the
// licence library, or a record supplied by another department through data
// exchange, which is the model the applications module needs for all three.
//
// # Who changes what
//
// The catalogue is loaded by [Service.Import] from three JSON files (the
// format of the shipped catalogue, see data/README.md), in one transaction,
// idempotently. Department admins then edit their own department's items
// through [Service.UpdateItem]; platform admins edit any. Every change,
// imported or edited, is recorded as a [Change] with the fields' values
// before and after, and bumps the catalogue's revision, which search
// indexes watch to rebuild themselves.
package catalog

import (
	"context"
	"embed"
	"io/fs"
	"time"
)

// Department is a government department that handles services and employs
// staff.
type Department struct {
	Code      string // short upper-case code, e.g. SZRS
	Name      string // full name, e.g. 深圳市人力资源和社会保障局
	ShortName string // e.g. 市人力资源保障局
	Division  string // GB/T 2260 code of the owning government, e.g. 440300
	CreatedAt time.Time
}

// Store persists the catalogue. Finders return errs.NotFound for unknown
// codes; writers return errs.Conflict when a unique code or name is taken.
type Store interface {
	// UpsertDepartment creates the department or updates it in place.
	UpsertDepartment(ctx context.Context, d *Department) error
	FindDepartment(ctx context.Context, code string) (*Department, error)
	// FindDepartments lists every department by code.
	FindDepartments(ctx context.Context) ([]*Department, error)

	// UpsertTheme creates the theme or updates it in place (keeping its
	// creation time).
	UpsertTheme(ctx context.Context, t *Theme) error
	FindTheme(ctx context.Context, code string) (*Theme, error)
	// FindThemes lists every theme: person themes first, then by code.
	FindThemes(ctx context.Context) ([]*Theme, error)

	FindItem(ctx context.Context, code string) (*Item, error)
	// FindItems returns one page of the items matching f, by code, and
	// how many match in all.
	FindItems(ctx context.Context, f ItemFilter) ([]*Item, int, error)
	// CreateItem stores a new item with its themes.
	CreateItem(ctx context.Context, it *Item) error
	// UpdateItem replaces the stored item of it.Code whose version is
	// it.Version-1 (errs.Conflict when another change came first).
	UpdateItem(ctx context.Context, it *Item) error
	// CountItems counts the items of a department ("" for all) by trips
	// and online flags.
	CountItems(ctx context.Context, department string) (Shares, error)

	// AddChange records a change of an item.
	AddChange(ctx context.Context, c *Change) error
	// FindChanges lists an item's changes, newest first.
	FindChanges(ctx context.Context, itemCode string) ([]*Change, error)

	// Revision returns the catalogue's revision number, which every
	// change of items or themes increases.
	Revision(ctx context.Context) (int64, error)
	// BumpRevision increases the revision and returns the new value.
	// Called first in a transaction, it also serialises writers.
	BumpRevision(ctx context.Context) (int64, error)

	// InTx runs fn with a store whose every call is part of one
	// transaction, committed when fn returns nil and rolled back
	// otherwise.
	InTx(ctx context.Context, fn func(tx Store) error) error
}

// ItemFilter selects items for [Store.FindItems]. Zero fields do not
// filter; Limit 0 returns every match from Offset on.
type ItemFilter struct {
	Department string // department code
	Theme      string // theme code
	Offset     int
	Limit      int
}

//go:embed data/*.json
var shipped embed.FS

// Shipped returns the catalogue that comes with Pengcheng (departments.json,
// themes.json and items.json): an illustrative catalogue of Shenzhen's 37
// departments, 515 licensing items and 22 themes, composed for this project
// and not an official export (see data/README.md). The demo imports it.
func Shipped() fs.FS {
	sub, err := fs.Sub(shipped, "data")
	if err != nil {
		panic(err) // the directory is embedded above
	}
	return sub
}
