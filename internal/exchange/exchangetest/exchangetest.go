// Package exchangetest helps test code that uses data sharing between
// departments: an exchange service on a test database with the real
// identity service and the registries' departments ([NewEnv]), factories
// for registry records, import files and policies with pointer overrides,
// and the contract suite every exchange.Store must pass ([StoreSuite]).
package exchangetest

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/catalog/catalogsql"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/exchange"
	"github.com/pengcheng-gov/pengcheng/internal/exchange/exchangesql"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
)

// Departments are the departments CreateDepartments makes, by code: the
// owners of the built-in datasets and their readers in the demo.
var Departments = map[string]string{
	"SZGA": "深圳市公安局",
	"SZJY": "深圳市教育局",
	"SZSC": "深圳市市场和质量监督管理委员会",
	"SZRS": "深圳市人力资源和社会保障局",
	"SZMZ": "深圳市民政局",
}

// CreateDepartments creates the departments of [Departments] (policies
// and staff accounts must belong to an existing department).
func CreateDepartments(t testing.TB, d *db.DB) {
	t.Helper()
	s := catalogsql.New(d)
	for code, name := range Departments {
		err := s.UpsertDepartment(context.Background(), &catalog.Department{
			Code: code, Name: name, ShortName: code, Division: "440300", CreatedAt: identitytest.Start})
		if err != nil {
			t.Fatalf("create department %s: %v", code, err)
		}
	}
}

// Env is an exchange service on a test database, with the identity
// service (for accounts), the departments of [Departments] and a movable
// clock starting at identitytest.Start.
type Env struct {
	DB       *db.DB
	Identity *identitytest.Env
	Clock    *identitytest.Clock
	Store    *exchangesql.Store
	Service  *exchange.Service
}

// NewEnv builds an Env on d (migrated, e.g. from dbtest).
func NewEnv(t testing.TB, d *db.DB) *Env {
	t.Helper()
	ie := identitytest.NewEnv(t, d)
	CreateDepartments(t, d)
	st := exchangesql.New(d)
	return &Env{DB: d, Identity: ie, Clock: ie.Clock, Store: st,
		Service: exchange.NewService(st, ie.Clock.Now, slog.New(slog.DiscardHandler))}
}

// Since is when the policies of the factories take effect by default:
// 2026-01-01, before identitytest.Start.
var Since = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
