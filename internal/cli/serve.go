package cli

import (
	"context"
	"flag"
	"fmt"
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
		res, err := demo.Seed(ctx, a.DemoDeps())
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
	fmt.Fprintf(w, "  %d divisions, %d departments seeded; %d demo accounts created this start\n", res.Divisions, res.Departments, res.Created)
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
