// Package catalog is the service catalogue of one-stop government services
// (一网通办): departments, and in later steps their service items and
// life-event themes.
package catalog

import (
	"context"
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

// Store persists departments. FindDepartment returns errs.NotFound for
// unknown codes.
type Store interface {
	// UpsertDepartment creates the department or updates it in place.
	UpsertDepartment(ctx context.Context, d *Department) error
	FindDepartment(ctx context.Context, code string) (*Department, error)
	// FindDepartments lists every department by code.
	FindDepartments(ctx context.Context) ([]*Department, error)
}
