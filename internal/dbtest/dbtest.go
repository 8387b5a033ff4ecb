// Package dbtest runs tests against every supported database: SQLite always,
// and PostgreSQL when PENGCHENG_TEST_POSTGRES_URL is set. Under CI=true a
// missing PostgreSQL URL fails the test instead of skipping it.
//
// Each test gets a fresh, migrated database: a new SQLite file in the test's
// temporary directory, or a new PostgreSQL schema that is dropped afterwards.
package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// PostgresEnv names the environment variable with the PostgreSQL URL tests use.
const PostgresEnv = "PENGCHENG_TEST_POSTGRES_URL"

// ForEachDialect runs fn as a subtest once per available database, each with
// its own migrated database.
func ForEachDialect(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		t.Run(string(dialect), func(t *testing.T) {
			fn(t, Open(t, dialect))
		})
	}
}

// DSN returns a DSN for a fresh, empty database of the given dialect, cleaned
// up when the test ends. It skips (or fails under CI) when PostgreSQL is
// asked for but not configured.
func DSN(t testing.TB, dialect db.Dialect) string {
	t.Helper()
	if dialect == db.SQLite {
		return "sqlite:" + t.TempDir() + "/test.db"
	}
	base := os.Getenv(PostgresEnv)
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set; PostgreSQL tests must run in CI", PostgresEnv)
		}
		t.Skipf("%s not set: skipping PostgreSQL", PostgresEnv)
	}
	schema := "t_" + strings.ReplaceAll(ids.New(), "-", "")
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer a.Close()
		if _, err := a.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Logf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open returns a fresh, migrated database of the given dialect, closed when
// the test ends.
func Open(t testing.TB, dialect db.Dialect) *db.DB {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, DSN(t, dialect))
	if err != nil {
		t.Fatalf("open %s: %v", dialect, err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", dialect, err)
	}
	return d
}

// Dialects lists the dialects ForEachDialect runs, for table-driven tests.
func Dialects() []db.Dialect { return []db.Dialect{db.SQLite, db.Postgres} }

// Name returns a unique name with the given prefix, for test data.
func Name(prefix string) string {
	return fmt.Sprintf("%s-%s", prefix, ids.Token(4))
}
