package db_test

import (
	"context"
	"io/fs"
	"slices"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
)

func TestMigrationVersionsMatch(t *testing.T) {
	t.Parallel()
	names := func(d db.Dialect) []string {
		fsys, err := db.MigrationFS(d)
		if err != nil {
			t.Fatal(err)
		}
		got, err := fs.Glob(fsys, "*.sql")
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	lite, pg := names(db.SQLite), names(db.Postgres)
	if len(lite) == 0 {
		t.Fatal("no migrations embedded")
	}
	if !slices.Equal(lite, pg) {
		t.Fatalf("migration files differ between dialects:\nsqlite:   %v\npostgres: %v", lite, pg)
	}
}

func TestRebind(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"SELECT * FROM a WHERE x = ? AND y = ?", "SELECT * FROM a WHERE x = $1 AND y = $2"},
		{"SELECT '?' , ?", "SELECT '?' , $1"},
		{"INSERT INTO a VALUES (?, 'it''s ?', ?)", "INSERT INTO a VALUES ($1, 'it''s ?', $2)"},
	}
	for _, tt := range tests {
		if got := db.Rebind(tt.in); got != tt.want {
			t.Errorf("Rebind(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDatabase(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		cur, latest, err := d.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if cur != latest || cur < 1 {
			t.Fatalf("version = %d, latest %d; want equal and ≥ 1", cur, latest)
		}
		again, err := d.Migrate(ctx)
		if err != nil || again != cur {
			t.Fatalf("second Migrate = %d, %v; want %d, nil", again, err, cur)
		}

		now := time.Date(2026, 11, 27, 8, 30, 0, 123456000, time.UTC)
		insert := "INSERT INTO departments (code, name, short_name, division_code, created_at) VALUES (?, ?, ?, ?, ?)"
		if _, err := d.Exec(ctx, insert, "T1", "测试局", "测试", "440300", now); err != nil {
			t.Fatalf("insert: %v", err)
		}
		_, err = d.Exec(ctx, insert, "T1", "另一个", "另", "440300", now)
		if !db.IsUniqueViolation(err) {
			t.Fatalf("duplicate insert: err = %v, want a unique violation", err)
		}
		var got time.Time
		if err := d.QueryRow(ctx, "SELECT created_at FROM departments WHERE code = ?", "T1").Scan(&got); err != nil {
			t.Fatalf("select: %v", err)
		}
		if !got.Equal(now) {
			t.Fatalf("created_at = %v, want %v", got, now)
		}

		// A failing transaction leaves nothing behind.
		err = d.WithTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, insert, "T2", "回滚局", "回滚", "440300", now); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, insert, "T1", "重复", "重复", "440300", now)
			return err
		})
		if !db.IsUniqueViolation(err) {
			t.Fatalf("tx err = %v, want unique violation", err)
		}
		var n int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM departments WHERE code = ?", "T2").Scan(&n); err != nil || n != 0 {
			t.Fatalf("rolled-back row count = %d, %v; want 0", n, err)
		}
		_, err = d.Exec(ctx, "INSERT INTO accounts (id, kind, username, display_name, department_code, created_at, updated_at) VALUES (?, 'staff', 'x', 'x', 'NOPE', ?, ?)", "a1", now, now)
		if !db.IsForeignKeyViolation(err) {
			t.Fatalf("foreign key: err = %v, want violation", err)
		}
	})
}
