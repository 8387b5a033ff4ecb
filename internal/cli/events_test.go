package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/app"
	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/config"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
)

// TestEventsCommand simulates two days of history on the demo grid and
// sweeps (the command is registered in commands() by the lead; until then
// this calls it directly).
func TestEventsCommand(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"PENGCHENG_DATA": dir, "PENGCHENG_DB": dbtest.DSN(t, db.SQLite)}
	cfg := config.Default()
	if err := cfg.FromEnv(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if err := cfg.Complete(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("../demo/data/baoan.geojson")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := grid.SeedDemo(ctx, a.Grid, src); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Catalog.Import(ctx, catalog.Shipped(), nil); err != nil { // the departments
		t.Fatal(err)
	}
	a.Close()
	run := func(args ...string) (string, error) {
		var out, errb bytes.Buffer
		err := runEvents(ctx, Env{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }}, args)
		return out.String(), err
	}
	out, err := run("simulate", "--days", "2", "--per-day", "300", "--end", "2026-03-01")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	m := regexp.MustCompile(`simulated (\d+) synthetic events reported 2026-02-28 to 2026-03-01`).FindStringSubmatch(out)
	if m == nil || !strings.Contains(out, "statistics of 宝安区") || !strings.Contains(out, "closed ") {
		t.Errorf("output:\n%s", out)
	}
	if out, err := run("sweep"); err != nil || !strings.Contains(out, "escalations") {
		t.Errorf("sweep: %v\n%s", err, out)
	}
	if _, err := run("nothing"); err == nil {
		t.Error("an unknown subcommand was accepted")
	}
}
