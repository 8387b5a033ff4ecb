package cli

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/pengcheng-gov/pengcheng/internal/config"
	"github.com/pengcheng-gov/pengcheng/internal/exchange"
)

func runExchange(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || (args[0] != "import" && args[0] != "verify-log") {
		return fmt.Errorf("%w: pengcheng exchange import DATASET FILE.jsonl | pengcheng exchange verify-log", errUsage)
	}
	sub := args[0]
	var cfg config.Config
	fs, err := flags(env, "exchange "+sub, &cfg)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, env, fs, &cfg, args[1:])
	if err != nil {
		return err
	}
	defer a.Close()
	if sub == "verify-log" {
		return verifyLog(ctx, env, a.Exchange.VerifyLog)
	}
	if fs.NArg() != 2 {
		return fmt.Errorf("%w: name a dataset (population, education, enterprise, hr_agency) and a JSONL file", errUsage)
	}
	dataset, path := fs.Arg(0), fs.Arg(1)
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	rep, err := a.Exchange.Import(ctx, dataset, f, func(lines int) {
		if lines%10000 == 0 {
			fmt.Fprintf(env.Stderr, "\rread %d lines", lines)
		}
	})
	fmt.Fprintln(env.Stderr)
	if len(rep.Errors) > 0 {
		fmt.Fprintf(env.Stdout, "%d bad lines in %s; nothing was imported:\n", rep.BadLines, path)
		for _, e := range rep.Errors {
			fmt.Fprintf(env.Stdout, "  %s\n", e.Message("zh"))
		}
		if rep.BadLines > len(rep.Errors) {
			fmt.Fprintf(env.Stdout, "  … and %d more\n", rep.BadLines-len(rep.Errors))
		}
		return errors.New("the file has errors (see above)")
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "imported %s into %s: %d records — %d created, %d updated, %d unchanged\n",
		path, dataset, rep.Records, rep.Created, rep.Updated, rep.Unchanged)
	return nil
}

// verifyLog checks the access log's hash chain and reports the first broken
// entry; a broken chain is an error (exit status 1).
func verifyLog(ctx context.Context, env Env, verify func(context.Context, func(int64)) (exchange.VerifyReport, error)) error {
	rep, err := verify(ctx, func(n int64) {
		if n%10000 == 0 {
			fmt.Fprintf(env.Stderr, "\rchecked %d entries", n)
		}
	})
	fmt.Fprintln(env.Stderr)
	if err != nil {
		return err
	}
	if !rep.OK {
		fmt.Fprintf(env.Stdout, "access log BROKEN at entry %d of %d: %s (%s)\n", rep.FirstBroken, rep.HeadSeq, rep.Reason, rep.ReasonEN)
		return errors.New("the access log has been altered")
	}
	fmt.Fprintf(env.Stdout, "access log intact: %d entries verified\n", rep.Entries)
	return nil
}
