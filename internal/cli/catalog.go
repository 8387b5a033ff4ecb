package cli

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/config"
)

func runCatalog(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || args[0] != "import" {
		return fmt.Errorf("%w: pengcheng catalog import DIR (a directory with departments.json, themes.json and items.json)", errUsage)
	}
	var cfg config.Config
	fs, err := flags(env, "catalog import", &cfg)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, env, fs, &cfg, args[1:])
	if err != nil {
		return err
	}
	defer a.Close()
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: name exactly one directory", errUsage)
	}
	dir := fs.Arg(0)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	rep, err := a.Catalog.Import(ctx, os.DirFS(dir), func(done, total int) {
		if done%100 == 0 || done == total {
			fmt.Fprintf(env.Stderr, "\rimporting: %d/%d records", done, total)
		}
		if done == total {
			fmt.Fprintln(env.Stderr)
		}
	})
	if rep != nil && len(rep.Problems) > 0 {
		fmt.Fprintf(env.Stdout, "%d problems; nothing was imported:\n", len(rep.Problems))
		for _, p := range rep.Problems {
			fmt.Fprintf(env.Stdout, "  %s\n", p.Message("zh"))
		}
		return errors.New("the catalogue has errors (see above)")
	}
	if err != nil {
		return err
	}
	line := func(name string, c catalog.ImportCounts) {
		fmt.Fprintf(env.Stdout, "  %-12s %4d created  %4d updated  %4d unchanged\n", name, c.Created, c.Updated, c.Unchanged)
	}
	fmt.Fprintf(env.Stdout, "imported %s\n", dir)
	line("departments", rep.Departments)
	line("themes", rep.Themes)
	line("items", rep.Items)
	if rep.Kept > 0 {
		fmt.Fprintf(env.Stdout, "  %d items in the database are not in these files; they were kept\n", rep.Kept)
	}
	return nil
}
