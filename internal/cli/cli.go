// Package cli implements the pengcheng command's subcommands. Each
// subcommand parses its own flags on top of the shared configuration flags
// and returns an exit code; nothing here holds global state, so tests run
// the whole command in-process.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/config"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// Env is the process environment a command runs in.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env Env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "run the platform (web portal, APIs, OpenID Connect provider)", runServe},
		{"demo", "seed the Bao'an demo city if needed, print the demo logins, and serve", runDemo},
		{"migrate", "apply database migrations and report the schema version", runMigrate},
		{"catalog", "import the service catalogue: catalog import DIR", runCatalog},
		{"exchange", "departments' registries: exchange import DATASET FILE.jsonl, exchange verify-log", runExchange},
		{"events", "grid events: events simulate --days N --per-day M [--live], events sweep", runEvents},
		{"open311", "Open311 clients' API keys: open311 key add --name NAME, open311 key list, open311 key revoke ID|NAME", runOpen311},
		{"grid", "the governance grid: grid import FILE.geojson, grid export --level LEVEL", runGrid},
		{"approval", "instant approval: approval eval --service CODE --input FILE.json, approval replay DECISION_ID", runApproval},
		{"loadgen", "load generator against a running server: loadgen graduates --count N --dir DIR, loadgen approval --url URL --rate R", runLoadgen},
		{"user", "manage accounts: create, list, disable, enable, reset-password", runUser},
		{"oidc-client", "manage OpenID Connect relying parties: add, list, remove", runOIDCClient},
		{"config", "print the effective configuration (secrets redacted)", runConfig},
		{"version", "print the version", runVersion},
	}
}

// errUsage marks errors that should be followed by the usage text.
var errUsage = errors.New("usage")

// Main runs the command line args and returns the exit code.
func Main(ctx context.Context, args []string, env Env) int {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(env.Stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, env, args[1:])
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			fmt.Fprintf(env.Stderr, "pengcheng %s: %v\n", c.name, err)
			return 2
		default:
			fmt.Fprintf(env.Stderr, "pengcheng %s: %s\n", c.name, describe(err))
			return 1
		}
	}
	fmt.Fprintf(env.Stderr, "pengcheng: unknown command %q\n\n", args[0])
	usage(env.Stderr)
	return 2
}

// describe renders an error for the terminal: a domain error's message in
// both languages, anything else as is.
func describe(err error) string {
	if e := errs.As(err); e != nil && e.Kind != errs.Internal {
		if e.MsgEN != "" && e.MsgEN != e.Msg {
			return e.Msg + " (" + e.MsgEN + ")"
		}
		return e.Msg
	}
	return err.Error()
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "pengcheng — the Pengcheng digital-government platform")
	fmt.Fprintln(w, "\nUsage: pengcheng <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nEvery command that touches data accepts --addr, --data, --db, --base-url, --log-level")
	fmt.Fprintln(w, "(or PENGCHENG_ADDR, PENGCHENG_DATA, PENGCHENG_DB, …). Run 'pengcheng <command> -h' for its flags.")
}

// flags returns a flag set for a subcommand with the shared configuration
// flags registered on cfg, which is pre-filled from the environment.
func flags(env Env, name string, cfg *config.Config) (*flag.FlagSet, error) {
	*cfg = config.Default()
	if err := cfg.FromEnv(env.Getenv); err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	fs := flag.NewFlagSet("pengcheng "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	cfg.RegisterFlags(fs)
	return fs, nil
}

// parse parses args and completes the configuration.
func parse(fs *flag.FlagSet, cfg *config.Config, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if err := cfg.Complete(); err != nil {
		return fmt.Errorf("invalid configuration:\n%w", err)
	}
	return nil
}

func runConfig(ctx context.Context, env Env, args []string) error {
	var cfg config.Config
	fs, err := flags(env, "config", &cfg)
	if err != nil {
		return err
	}
	if err := parse(fs, &cfg, args); err != nil {
		return err
	}
	cfg.Print(env.Stdout)
	return nil
}

// Version returns the module version and VCS revision the binary was built from.
func Version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	parts := []string{v}
	if rev != "" {
		parts = append(parts, rev+dirty)
	}
	return strings.Join(parts, " ") + " " + info.GoVersion
}

func runVersion(ctx context.Context, env Env, args []string) error {
	fmt.Fprintf(env.Stdout, "pengcheng %s\n", Version())
	return nil
}
