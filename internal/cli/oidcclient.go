package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/pengcheng-gov/pengcheng/internal/config"
	"github.com/pengcheng-gov/pengcheng/internal/sso"
)

// listFlag collects a repeatable or comma-separated flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

func runOIDCClient(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: pengcheng oidc-client add|list|remove|reset-secret|rotate-keys …", errUsage)
	}
	sub, args := args[0], args[1:]
	var cfg config.Config
	fs, err := flags(env, "oidc-client "+sub, &cfg)
	if err != nil {
		return err
	}
	switch sub {
	case "add":
		return clientAdd(ctx, env, fs, &cfg, args)
	case "list":
		return clientList(ctx, env, fs, &cfg, args)
	case "remove":
		return clientIDCommand(ctx, env, fs, &cfg, args, false)
	case "reset-secret":
		return clientIDCommand(ctx, env, fs, &cfg, args, true)
	case "rotate-keys":
		a, err := openApp(ctx, env, fs, &cfg, args)
		if err != nil {
			return err
		}
		defer a.Close()
		k, err := a.SSO.RotateKeys(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "new signing key %s is now active; older keys stay published until their tokens expire\n", k.ID)
		return nil
	default:
		return fmt.Errorf("%w: unknown oidc-client command %q (add, list, remove, reset-secret, rotate-keys)", errUsage, sub)
	}
}

func clientAdd(ctx context.Context, env Env, fs *flag.FlagSet, cfg *config.Config, args []string) error {
	var in sso.ClientInput
	var redirects, logouts, scopes, grants listFlag
	fs.StringVar(&in.ID, "id", "", "client_id (generated when empty)")
	fs.StringVar(&in.Name, "name", "", "name shown to people on the consent page (required)")
	fs.StringVar(&in.Department, "department", "", "owning department's code, e.g. SZRS")
	fs.Var(&redirects, "redirect-uri", "allowed redirect URI (repeatable or comma-separated)")
	fs.Var(&logouts, "post-logout-uri", "allowed post-logout redirect URI (repeatable)")
	fs.Var(&scopes, "scopes", "scopes the client may request, e.g. openid,profile,phone,offline_access,idnumber")
	fs.Var(&grants, "grants", "grant types: authorization_code, refresh_token, client_credentials")
	fs.BoolVar(&in.Public, "public", false, "public client (no secret; PKCE required), e.g. a mobile app")
	a, err := openApp(ctx, env, fs, cfg, args)
	if err != nil {
		return err
	}
	defer a.Close()
	in.RedirectURIs, in.PostLogoutRedirectURIs, in.Scopes = redirects, logouts, scopes
	for _, g := range grants {
		in.GrantTypes = append(in.GrantTypes, sso.GrantType(g))
	}
	c, secret, err := a.SSO.CreateClient(ctx, nil, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "registered relying party %q\nclient_id:     %s\n", c.Name, c.ID)
	if secret != "" {
		fmt.Fprintf(env.Stdout, "client_secret: %s\n(shown only now; store it in the relying party's configuration)\n", secret)
	}
	fmt.Fprintf(env.Stdout, "issuer:        %s\n", a.Config.BaseURL)
	return nil
}

func clientList(ctx context.Context, env Env, fs *flag.FlagSet, cfg *config.Config, args []string) error {
	a, err := openApp(ctx, env, fs, cfg, args)
	if err != nil {
		return err
	}
	defer a.Close()
	list, err := a.SSO.Clients(ctx, nil)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CLIENT_ID\tNAME\tDEPARTMENT\tTYPE\tSCOPES\tREDIRECT URIS\tSTATUS")
	for _, c := range list {
		kind, status := "confidential", "active"
		if c.Public {
			kind = "public"
		}
		if c.Disabled {
			status = "disabled"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.ID, c.Name, c.Department, kind,
			strings.Join(c.Scopes, " "), strings.Join(c.RedirectURIs, " "), status)
	}
	tw.Flush()
	fmt.Fprintf(env.Stdout, "%d relying parties\n", len(list))
	return nil
}

func clientIDCommand(ctx context.Context, env Env, fs *flag.FlagSet, cfg *config.Config, args []string, reset bool) error {
	a, err := openApp(ctx, env, fs, cfg, args)
	if err != nil {
		return err
	}
	defer a.Close()
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: name exactly one client_id", errUsage)
	}
	id := fs.Arg(0)
	if reset {
		secret, err := a.SSO.ResetClientSecret(ctx, nil, id)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "new client_secret for %s: %s\n(shown only now; the old secret no longer works)\n", id, secret)
		return nil
	}
	if err := a.SSO.DeleteClient(ctx, nil, id); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "removed relying party %s; its tokens no longer work\n", id)
	return nil
}
