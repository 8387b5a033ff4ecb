package cli

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/config"
	"github.com/pengcheng-gov/pengcheng/internal/events"
	"github.com/pengcheng-gov/pengcheng/internal/events/open311"
	"github.com/pengcheng-gov/pengcheng/internal/events/open311/open311sql"
)

const open311Usage = "pengcheng open311 key add --name NAME | pengcheng open311 key list | pengcheng open311 key revoke ID|NAME"

// runOpen311 manages the API keys of Open311 clients.
func runOpen311(ctx context.Context, env Env, args []string) error {
	if len(args) < 2 || args[0] != "key" || (args[1] != "add" && args[1] != "list" && args[1] != "revoke") {
		return fmt.Errorf("%w: %s", errUsage, open311Usage)
	}
	sub := args[1]
	var cfg config.Config
	fs, err := flags(env, "open311 key "+sub, &cfg)
	if err != nil {
		return err
	}
	var name string
	if sub == "add" {
		fs.StringVar(&name, "name", "", "the client the key is for, e.g. the app's name (required)")
	}
	a, err := openApp(ctx, env, fs, &cfg, args[2:])
	if err != nil {
		return err
	}
	defer a.Close()
	keys := open311.NewKeys(open311sql.New(a.DB), a.Now)
	actor := events.SystemActor("cli")
	switch sub {
	case "add":
		if fs.NArg() != 0 {
			return fmt.Errorf("%w: %s", errUsage, open311Usage)
		}
		k, secret, err := keys.Add(ctx, actor, name)
		if err != nil {
			return err
		}
		// The key alone on standard output, so that a script can take it.
		fmt.Fprintln(env.Stdout, secret)
		fmt.Fprintf(env.Stderr, "Open311 key for %s (id %s). It is shown only this once: clients send it as api_key.\n", k.Name, k.ID)
		return nil
	case "list":
		if fs.NArg() != 0 {
			return fmt.Errorf("%w: %s", errUsage, open311Usage)
		}
		ks, err := keys.List(ctx, actor)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.Stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tKEY\tCREATED\tREVOKED")
		for _, k := range ks {
			revoked := "-"
			if k.Revoked() {
				revoked = china(k.RevokedAt)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s…\t%s\t%s\n", k.ID, k.Name, k.Prefix, china(k.CreatedAt), revoked)
		}
		tw.Flush()
		fmt.Fprintf(env.Stdout, "%d keys\n", len(ks))
		return nil
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: name the key to revoke by its id or name", errUsage)
	}
	k, err := keys.Revoke(ctx, actor, fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "revoked Open311 key %s (id %s)\n", k.Name, k.ID)
	return nil
}

// china formats t in China time to the minute.
func china(t time.Time) string { return t.In(open311.ChinaTime).Format("2006-01-02 15:04") }
