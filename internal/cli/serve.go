package cli

import (
	"context"
	"flag"
	"fmt"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
	"io"
	"log/slog"
	"net"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/app"
	"github.com/pengcheng-gov/pengcheng/internal/config"
	"github.com/pengcheng-gov/pengcheng/internal/demo"
)

func runServe(ctx context.Context, env Env, args []string) error {
	return serve(ctx, env, "serve", args, false)
}

func runDemo(ctx context.Context, env Env, args []string) error {
	return serve(ctx, env, "demo", args, true)
}

// serve listens first (so a taken port fails fast), then opens the
// platform, seeds the demo city when asked, and serves until ctx ends.
func serve(ctx context.Context, env Env, name string, args []string, seed bool) error {
	var cfg config.Config
	fs, err := flags(env, name, &cfg)
	if err != nil {
		return err
	}
	applications := 0
	if seed {
		fs.IntVar(&applications, "applications", 1000, "demo applications to generate on the first start (0 for none)")
	}
	if err := parse(fs, &cfg, args); err != nil {
		return err
	}
	cfg.DevLogins = seed
	log := cfg.Logger(env.Stderr)
	// Libraries that log through the default logger (the OpenID Connect
	// provider) then write in the same format to the same place.
	slog.SetDefault(log)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	if derivedBaseURL(env, fs) {
		// With port 0 the real port is known only now.
		cfg.Addr, cfg.BaseURL = ln.Addr().String(), ""
		if err := cfg.Complete(); err != nil {
			ln.Close()
			return err
		}
	}
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		ln.Close()
		return err
	}
	defer a.Close()
	if seed {
		deps := a.DemoDeps()
		deps.Applications = applications
		if applications == 0 {
			deps.Applications = -1
		}
		deps.Progress = func(done, total int) {
			fmt.Fprintf(env.Stderr, "\r生成演示办件 / generating demo applications: %d/%d", done, total)
			if done == total {
				fmt.Fprintln(env.Stderr)
			}
		}
		res, err := demo.Seed(ctx, deps)
		if err != nil {
			ln.Close()
			return err
		}
		printBanner(env.Stdout, a.Config.BaseURL, res)
	}
	log.Info("pengcheng listening", slog.String("addr", ln.Addr().String()), slog.String("url", a.Config.BaseURL),
		slog.String("db", config.Redact(a.Config.DB)), slog.String("version", Version()))
	return a.Serve(ctx, ln)
}

func printBanner(w io.Writer, url string, res *demo.Result) {
	fmt.Fprintf(w, "\n鹏城 · 数字政府 — 宝安演示城市 / Bao'an demo city\n")
	c := res.Catalog
	fmt.Fprintf(w, "  %d divisions; catalogue: %d departments, %d themes, %d service items (%d new, %d updated); %d service halls\n",
		res.Divisions, c.Departments.Total(), c.Themes.Total(), c.Items.Total(), c.Items.Created, c.Items.Updated, res.Halls)
	regs := 0
	for _, r := range res.Registry.Imports {
		regs += r.Records
	}
	fmt.Fprintf(w, "  registries: %d synthetic records in %d datasets, %d sharing policies created\n", regs, len(res.Registry.Imports), res.Registry.Policies)
	g := res.Grid.Counts
	fmt.Fprintf(w, "  grid: %d district, %d streets, %d communities, %d micro-grids (synthetic below street level)\n",
		g[grid.District], g[grid.Street], g[grid.Community], g[grid.Microgrid])
	fmt.Fprintf(w, "  grid events: %d categories, %d micro-grids for the grid worker grid-xa, %d synthetic events generated this start\n",
		res.Events.Categories, res.Events.WorkerCells, res.Events.Events)
	fmt.Fprintf(w, "  instant approval (秒批): 4403-SZRS-001 高校应届毕业生引进入户 — try it as 王磊 (420106200203153452)\n")
	fmt.Fprintf(w, "  %d demo accounts and %d generated accounts created, %d demo applications generated this start\n",
		res.Created, res.Generated, res.Applications)
	fmt.Fprintf(w, "\n  Open %s/login\n\n", url)
	fmt.Fprintf(w, "  演示账号 / demo logins (generated people, password %s):\n", demo.Password)
	for _, l := range res.Logins {
		fmt.Fprintf(w, "    %-20s %s — %s\n", l.Username, l.Name, l.Role)
	}
	fmt.Fprintln(w, "\n  Citizens can also log in with a one-time code sent to their phone; the code appears in")
	fmt.Fprintln(w, "  the admin outbox (log in as admin → 管理 → 消息发件箱).")
	fmt.Fprintln(w, "  "+strings.Repeat("─", 60))
}

func runMigrate(ctx context.Context, env Env, args []string) error {
	var cfg config.Config
	fs, err := flags(env, "migrate", &cfg)
	if err != nil {
		return err
	}
	if err := parse(fs, &cfg, args); err != nil {
		return err
	}
	a, err := app.Open(ctx, cfg, cfg.Logger(io.Discard))
	if err != nil {
		return err
	}
	defer a.Close()
	cur, latest, err := a.DB.Version(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "database %s\nschema version %d (latest known to this binary: %d)\n", config.Redact(a.Config.DB), cur, latest)
	return nil
}

// derivedBaseURL reports whether the base URL was left to be derived from
// the listen address (neither --base-url nor PENGCHENG_BASE_URL given).
func derivedBaseURL(env Env, fs *flag.FlagSet) bool {
	set := env.Getenv("PENGCHENG_BASE_URL") != ""
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "base-url" {
			set = true
		}
	})
	return !set
}
