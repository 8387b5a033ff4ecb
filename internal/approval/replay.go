package approval

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/exchange"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// Replay is the outcome of evaluating a stored decision again.
type Replay struct {
	Decision *Decision
	Outcome  Outcome
	Rules    []RuleResult
	// Same is true when the outcome and every rule's result and reason
	// are what the decision recorded.
	Same bool
	// Differences lists what differs, one line each.
	Differences []string
}

// Decisions returns an application's decisions, oldest first, to those
// who may see the application (the applicant, its department's staff).
func (s *Service) Decisions(ctx context.Context, actor *identity.Account, serial string) (*cases.View, []*Decision, error) {
	v, err := s.d.Cases.Application(ctx, actor, serial)
	if err != nil {
		return nil, nil, err
	}
	list, err := s.d.Store.FindDecisions(ctx, v.App.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("decisions of %s: %w", serial, err)
	}
	return v, list, nil
}

// Replay evaluates a stored decision again with its recorded input, the
// rule set version it names and exactly the record versions it used
// (read again from the registries' history, each read logged, each hash
// checked), and compares. For the department's staff and the command line
// (actor nil, operator true).
func (s *Service) Replay(ctx context.Context, actor *identity.Account, operator bool, decisionID string) (*Replay, error) {
	dec, err := s.d.Store.FindDecision(ctx, decisionID)
	if err != nil {
		return nil, err
	}
	it, err := s.d.Catalog.FindItem(ctx, dec.ItemCode)
	if err != nil {
		return nil, fmt.Errorf("item of decision %s: %w", dec.ID, err)
	}
	if err := mayTry(actor, it.Department, operator); err != nil {
		return nil, err
	}
	rs, err := s.d.Store.FindRuleSet(ctx, dec.ItemCode, dec.RuleSetVersion)
	if err != nil {
		return nil, fmt.Errorf("rule set of decision %s: %w", dec.ID, err)
	}
	prg, err := s.Compile([]byte(rs.Source))
	if err != nil {
		return nil, err
	}
	actorEx := exchange.RuleActor(it.Department, fmt.Sprintf("%s@%d", it.Code, rs.Version), it.Name)
	data := map[string]ReadData{}
	for _, rr := range dec.Reads {
		switch {
		case rr.Skipped:
			continue
		case rr.Unavailable != "":
			data[rr.Name] = ReadData{Unavailable: rr.Unavailable}
			continue
		}
		rd := ReadData{Records: []map[string]string{}}
		for _, ref := range rr.Records {
			res, err := s.d.Registries.ReadVersion(ctx, exchange.VersionRequest{Actor: actorEx, Dataset: rr.Dataset,
				RecordID: ref.ID, Version: ref.Version, Purpose: exchange.RulePurpose(it.Name),
				LegalBasis: prg.Doc.LegalBasis, Reference: "决定重放 " + dec.ID})
			if err != nil {
				return nil, fmt.Errorf("read %s record %s v%d again: %w", rr.Dataset, ref.ID, ref.Version, err)
			}
			if got := res.Records[0].Hash; got != ref.Hash {
				return nil, errs.E(errs.Conflict, "approval.record_changed",
					fmt.Sprintf("%s 记录 %s 第 %d 版的内容与决定时不一致", rr.Dataset, ref.ID, ref.Version),
					fmt.Sprintf("%s record %s version %d differs from what the decision used", rr.Dataset, ref.ID, ref.Version))
			}
			rd.Records = append(rd.Records, res.Records[0].Fields)
		}
		data[rr.Name] = rd
	}
	rules, outcome := prg.Evaluate(dec.Input.Map(), data)
	r := &Replay{Decision: dec, Outcome: outcome, Rules: rules}
	r.Differences = differences(dec, outcome, rules)
	r.Same = len(r.Differences) == 0
	return r, nil
}

// differences lists how a replay differs from the decision.
func differences(dec *Decision, outcome Outcome, rules []RuleResult) []string {
	var out []string
	if outcome != dec.Outcome {
		out = append(out, fmt.Sprintf("结论：原为 %s，重放为 %s", dec.Outcome, outcome))
	}
	if len(rules) != len(dec.Rules) {
		return append(out, fmt.Sprintf("规则数：原为 %d，重放为 %d", len(dec.Rules), len(rules)))
	}
	for i, r := range rules {
		o := dec.Rules[i]
		if r.ID != o.ID || r.Result != o.Result || r.Reason != o.Reason || !slices.Equal(r.Items, o.Items) {
			out = append(out, fmt.Sprintf("规则 %s：原为 %s（%s），重放为 %s（%s）", o.ID, o.Result, o.Reason, r.Result, r.Reason))
		}
	}
	return out
}

// Appeal asks for a caseworker's review of an automatic rejection: the
// applicant's application goes from rejected back to under review in the
// department's queue, with the applicant's reason. Only automatic
// rejections can be appealed this way.
func (s *Service) Appeal(ctx context.Context, actor *identity.Account, serial, reason string, version int) (*cases.Application, error) {
	v, list, err := s.Decisions(ctx, actor, serial)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 || list[len(list)-1].Outcome != Reject || v.App.State != cases.Rejected {
		return nil, errs.E(errs.Conflict, "approval.not_appealable", "只有被秒批系统自动不予许可的申请可以申请人工复核",
			"only applications rejected automatically can be sent for a manual review")
	}
	if reason == "" {
		reason = "申请人申请人工复核"
	}
	return s.d.Cases.Act(ctx, actor, serial, cases.ActionInput{Action: cases.ActAppeal, Reason: reason, Version: version})
}

// Resubmit files the applicant's corrections (as cases.Service.Resubmit)
// and, when the item has published rules, decides the corrected
// application again at once (the corrections are stored first, then the
// decision with its consequences in one transaction; if deciding fails,
// the corrected application waits for a caseworker).
func (s *Service) Resubmit(ctx context.Context, actor *identity.Account, serial string, c cases.Amendment) (*cases.Application, *Decision, error) {
	v, err := s.d.Cases.Application(ctx, actor, serial)
	if err != nil {
		return nil, nil, err
	}
	rs, prg, err := s.current(ctx, v.App.ItemCode)
	if err != nil {
		return nil, nil, err
	}
	app, err := s.d.Cases.Resubmit(ctx, actor, serial, c)
	if err != nil || rs == nil {
		return app, nil, err
	}
	it, err := s.d.Catalog.FindItem(ctx, app.ItemCode)
	if err != nil {
		return nil, nil, fmt.Errorf("item %s: %w", app.ItemCode, err)
	}
	in, person, err := s.inputOf(ctx, app, it, prg.Doc)
	if err != nil { // stays submitted for a caseworker
		s.d.Log.WarnContext(ctx, "resubmission not decided automatically", "serial", app.Serial, "err", err)
		return app, nil, nil
	}
	in.AppliedOn = app.SubmittedAt.In(chinaTime).Format(time.DateOnly)
	rec, dec, err := s.decide(ctx, app, app.Version, it, rs.Version, prg, in, person)
	if err != nil {
		return nil, nil, err
	}
	if err := s.d.Store.Record(ctx, rec); err != nil {
		return nil, nil, fmt.Errorf("record the decision on %s: %w", app.Serial, err)
	}
	s.d.Cases.Wake()
	return app, dec, nil
}
