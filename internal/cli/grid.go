package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/pengcheng-gov/pengcheng/internal/config"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
)

const gridUsage = "pengcheng grid import FILE.geojson [--tolerance-m2 N] [--tolerance-fraction F] | pengcheng grid export --level LEVEL [--parent CODE] [-o FILE]"

// runGrid imports and exports the governance grid's cells.
func runGrid(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || (args[0] != "import" && args[0] != "export") {
		return fmt.Errorf("%w: %s", errUsage, gridUsage)
	}
	sub := args[0]
	var cfg config.Config
	fs, err := flags(env, "grid "+sub, &cfg)
	if err != nil {
		return err
	}
	tol := grid.DefaultTolerance()
	var level, parent, out string
	if sub == "import" {
		fs.Float64Var(&tol.AreaM2, "tolerance-m2", tol.AreaM2, "largest overlap, gap or overhang allowed, in square metres …")
		fs.Float64Var(&tol.Fraction, "tolerance-fraction", tol.Fraction, "… or as a fraction of the area it is measured against, whichever is larger")
	} else {
		fs.StringVar(&level, "level", "", "the level to export: district, street, community, microgrid …")
		fs.StringVar(&parent, "parent", "", "only the cells in this cell")
		fs.StringVar(&out, "o", "", "write to this file instead of standard output")
	}
	a, err := openApp(ctx, env, fs, &cfg, args[1:])
	if err != nil {
		return err
	}
	defer a.Close()
	svc := a.Grid
	if sub == "export" {
		return gridExport(ctx, env, svc, grid.Level(level), parent, out, fs.NArg())
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: name exactly one GeoJSON file", errUsage)
	}
	return gridImport(ctx, env, svc, fs.Arg(0), tol)
}

func gridImport(ctx context.Context, env Env, svc *grid.Service, path string, tol grid.Tolerance) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	stages := map[string]string{"read": "read", "check": "checked", "write": "writing"}
	rep, err := svc.Import(ctx, bufio.NewReader(f), grid.ImportOptions{Tolerance: tol, Source: "import " + path,
		Progress: func(stage string, done, total int) {
			if done == total || done%50 == 0 {
				fmt.Fprintf(env.Stderr, "\r%s %d/%d", stages[stage], done, total)
			}
			if done == total {
				fmt.Fprintln(env.Stderr)
			}
		}})
	if rep != nil && len(rep.Problems) > 0 {
		fmt.Fprintf(env.Stdout, "%d problems in %s; nothing was imported:\n", len(rep.Problems)+rep.More, path)
		for _, p := range rep.Problems {
			fmt.Fprintf(env.Stdout, "  %s\n    %s\n", p.Message("zh"), p.Message("en"))
		}
		if rep.More > 0 {
			fmt.Fprintf(env.Stdout, "  … and %d more\n", rep.More)
		}
		return errors.New("the file has errors (see above)")
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "imported %s (grid revision %d)\n", path, rep.Revision)
	for _, l := range rep.Levels {
		fmt.Fprintf(env.Stdout, "  %-10s %5d created  %5d updated  %5d unchanged  %5d removed\n",
			l.Level, l.Created, l.Updated, l.Unchanged, l.Removed)
	}
	if !rep.Changed() {
		fmt.Fprintln(env.Stdout, "  nothing changed")
	}
	return nil
}

func gridExport(ctx context.Context, env Env, svc *grid.Service, level grid.Level, parent, out string, nargs int) error {
	if level == "" || nargs != 0 {
		return fmt.Errorf("%w: %s", errUsage, gridUsage)
	}
	cells, err := svc.Cells(ctx, level, parent)
	if err != nil {
		return err
	}
	b := append(grid.AppendFeatureCollection(nil, cells), '\n')
	if out == "" {
		_, err = env.Stdout.Write(b)
		return err
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	fmt.Fprintf(env.Stderr, "wrote %d cells of level %s to %s\n", len(cells), level, out)
	return nil
}
