package cli

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/pengcheng-gov/pengcheng/internal/app"
	"github.com/pengcheng-gov/pengcheng/internal/config"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// cliClient identifies the command line in the audit log.
var cliClient = identity.Client{IP: "local", UserAgent: "pengcheng cli"}

func runUser(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: pengcheng user create|list|disable|enable|reset-password …", errUsage)
	}
	sub, args := args[0], args[1:]
	var cfg config.Config
	fs, err := flags(env, "user "+sub, &cfg)
	if err != nil {
		return err
	}
	switch sub {
	case "create":
		return userCreate(ctx, env, fs, &cfg, args)
	case "list":
		return userList(ctx, env, fs, &cfg, args)
	case "disable", "enable":
		return userSetDisabled(ctx, env, fs, &cfg, args, sub == "disable")
	case "reset-password":
		return userResetPassword(ctx, env, fs, &cfg, args)
	default:
		return fmt.Errorf("%w: unknown user command %q (create, list, disable, enable, reset-password)", errUsage, sub)
	}
}

// openApp parses the flags and opens the platform without serving.
func openApp(ctx context.Context, env Env, fs *flag.FlagSet, cfg *config.Config, args []string) (*app.App, error) {
	if err := parse(fs, cfg, args); err != nil {
		return nil, err
	}
	return app.Open(ctx, *cfg, cfg.Logger(io.Discard))
}

func userCreate(ctx context.Context, env Env, fs *flag.FlagSet, cfg *config.Config, args []string) error {
	var n identity.NewAccount
	var kind, roles string
	var passwordStdin bool
	fs.StringVar(&kind, "kind", "staff", "person, enterprise or staff")
	fs.StringVar(&n.Username, "username", "", "login name (staff; persons and enterprises log in with their number)")
	fs.StringVar(&n.DisplayName, "name", "", "display name")
	fs.StringVar(&n.IDNumber, "id-number", "", "resident identity number (persons)")
	fs.StringVar(&n.USCC, "uscc", "", "unified social credit code (enterprises)")
	fs.StringVar(&n.Phone, "phone", "", "mobile phone number")
	fs.StringVar(&n.Email, "email", "", "e-mail address")
	fs.StringVar(&n.Department, "department", "", "department code (staff), e.g. SZRS")
	fs.StringVar(&roles, "roles", "", "comma-separated roles (staff): "+roleList())
	fs.BoolVar(&passwordStdin, "password-stdin", false, "read the password from the first line of standard input (otherwise one is generated and printed)")
	a, err := openApp(ctx, env, fs, cfg, args)
	if err != nil {
		return err
	}
	defer a.Close()
	n.Kind = identity.Kind(kind)
	n.IDVerified = n.IDNumber != ""
	for _, r := range strings.Split(roles, ",") {
		if r = strings.TrimSpace(r); r != "" {
			n.Roles = append(n.Roles, identity.Role(r))
		}
	}
	generated := false
	if n.Password, generated, err = password(env, passwordStdin); err != nil {
		return err
	}
	acc, err := a.Identity.CreateAccount(ctx, nil, n, cliClient)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "created %s account %s (%s), id %s\n", acc.Kind, acc.Username, acc.DisplayName, acc.ID)
	if generated {
		fmt.Fprintf(env.Stdout, "password: %s\n", n.Password)
	}
	return nil
}

func userList(ctx context.Context, env Env, fs *flag.FlagSet, cfg *config.Config, args []string) error {
	var f identity.AccountFilter
	var kind, role string
	fs.StringVar(&kind, "kind", "", "only person, enterprise or staff")
	fs.StringVar(&f.Department, "department", "", "only staff of this department")
	fs.StringVar(&role, "role", "", "only holders of this role")
	fs.StringVar(&f.Query, "q", "", "search username, name or phone")
	fs.IntVar(&f.Limit, "limit", 100, "at most this many")
	a, err := openApp(ctx, env, fs, cfg, args)
	if err != nil {
		return err
	}
	defer a.Close()
	f.Kind, f.Role = identity.Kind(kind), identity.Role(role)
	list, total, err := a.Identity.Accounts(ctx, nil, f)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "USERNAME\tKIND\tNAME\tDEPARTMENT\tROLES\tSTATUS")
	for _, acc := range list {
		status := "active"
		if acc.Disabled {
			status = "disabled"
		}
		rs := make([]string, len(acc.Roles))
		for i, r := range acc.Roles {
			rs[i] = string(r)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", acc.Username, acc.Kind, acc.DisplayName, acc.Department, strings.Join(rs, ","), status)
	}
	tw.Flush()
	fmt.Fprintf(env.Stdout, "%d of %d accounts\n", len(list), total)
	return nil
}

func userSetDisabled(ctx context.Context, env Env, fs *flag.FlagSet, cfg *config.Config, args []string, disabled bool) error {
	a, err := openApp(ctx, env, fs, cfg, args)
	if err != nil {
		return err
	}
	defer a.Close()
	acc, err := accountArg(ctx, a, fs)
	if err != nil {
		return err
	}
	if _, err := a.Identity.UpdateAccount(ctx, nil, acc.ID, identity.AccountUpdate{Disabled: &disabled}, cliClient); err != nil {
		return err
	}
	state := "enabled"
	if disabled {
		state = "disabled"
	}
	fmt.Fprintf(env.Stdout, "%s %s\n", state, acc.Username)
	return nil
}

func userResetPassword(ctx context.Context, env Env, fs *flag.FlagSet, cfg *config.Config, args []string) error {
	var passwordStdin bool
	fs.BoolVar(&passwordStdin, "password-stdin", false, "read the new password from standard input (otherwise one is generated and printed)")
	a, err := openApp(ctx, env, fs, cfg, args)
	if err != nil {
		return err
	}
	defer a.Close()
	acc, err := accountArg(ctx, a, fs)
	if err != nil {
		return err
	}
	pw, generated, err := password(env, passwordStdin)
	if err != nil {
		return err
	}
	if err := a.Identity.ResetPassword(ctx, nil, acc.ID, pw, cliClient); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "password of %s reset; its sessions were ended\n", acc.Username)
	if generated {
		fmt.Fprintf(env.Stdout, "new password: %s\n", pw)
	}
	return nil
}

func accountArg(ctx context.Context, a *app.App, fs *flag.FlagSet) (*identity.Account, error) {
	if fs.NArg() != 1 {
		return nil, fmt.Errorf("%w: name exactly one account (username, identity number, credit code or phone)", errUsage)
	}
	return a.Identity.AccountByLogin(ctx, fs.Arg(0))
}

// password reads a password from stdin or generates a strong one.
func password(env Env, fromStdin bool) (string, bool, error) {
	if !fromStdin {
		return "Pc-" + ids.Token(12) + "7a", true, nil
	}
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", false, fmt.Errorf("read password: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), false, nil
}

func roleList() string {
	rs := make([]string, len(identity.Roles))
	for i, r := range identity.Roles {
		rs[i] = string(r)
	}
	return strings.Join(rs, ", ")
}
