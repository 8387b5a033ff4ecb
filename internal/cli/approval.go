package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/pengcheng-gov/pengcheng/internal/approval"
	"github.com/pengcheng-gov/pengcheng/internal/config"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// runApproval is `pengcheng approval eval|replay`: the dry run of an
// item's published rules on an input file, and the replay of a stored
// decision.
func runApproval(ctx context.Context, env Env, args []string) error {
	usage := fmt.Errorf("%w: pengcheng approval eval --service CODE --input FILE.json | pengcheng approval replay DECISION_ID", errUsage)
	if len(args) == 0 || (args[0] != "eval" && args[0] != "replay") {
		return usage
	}
	sub := args[0]
	var cfg config.Config
	fs, err := flags(env, "approval "+sub, &cfg)
	if err != nil {
		return err
	}
	var service, input string
	if sub == "eval" {
		fs.StringVar(&service, "service", "", "the service item's code, e.g. 4403-SZRS-001")
		fs.StringVar(&input, "input", "", "the application as JSON (see docs/approval.md); - reads standard input")
	}
	a, err := openApp(ctx, env, fs, &cfg, args[1:])
	if err != nil {
		return err
	}
	defer a.Close()
	if sub == "replay" {
		if fs.NArg() != 1 {
			return usage
		}
		return replay(ctx, env, a.Approval, fs.Arg(0))
	}
	if service == "" || input == "" || fs.NArg() != 0 {
		return usage
	}
	var data []byte
	if input == "-" {
		data, err = io.ReadAll(io.LimitReader(env.Stdin, 1<<20))
	} else {
		data, err = os.ReadFile(input)
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", input, err)
	}
	in, err := approval.ParseInput(data)
	if err != nil {
		return userError(err)
	}
	ev, err := a.Approval.DryRun(ctx, nil, true, service, in)
	if err != nil {
		return userError(err)
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(approval.NewDryRunResult(ev))
}

// replay evaluates a stored decision again and says whether it is the
// same.
func replay(ctx context.Context, env Env, svc *approval.Service, id string) error {
	r, err := svc.Replay(ctx, nil, true, id)
	if err != nil {
		return userError(err)
	}
	if r.Same {
		fmt.Fprintf(env.Stdout, "decision %s (%s, rules v%d) replayed: same outcome %s and the same %d rule results\n",
			id, r.Decision.Serial, r.Decision.RuleSetVersion, r.Outcome, len(r.Rules))
		return nil
	}
	fmt.Fprintf(env.Stdout, "decision %s replayed DIFFERENTLY:\n", id)
	for _, d := range r.Differences {
		fmt.Fprintf(env.Stdout, "  %s\n", d)
	}
	return errors.New("the replay differs from the decision")
}

// userError turns a domain error into its Chinese message (with the
// field), keeping the cause for errors.Is.
func userError(err error) error {
	if e := errs.As(err); e != nil && e.Kind != errs.Internal {
		msg := e.Message("zh")
		if e.Field != "" {
			msg = e.Field + "：" + msg
		}
		return fmt.Errorf("%s: %w", msg, err)
	}
	return err
}
