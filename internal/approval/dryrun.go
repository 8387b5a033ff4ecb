package approval

// DryRunResult is a dry run's answer as the API and the command line give
// it: the outcome, each rule's id, result and reason in the order of the
// rule set, and the version of the rules that decided.
type DryRunResult struct {
	Outcome        Outcome      `json:"outcome"`
	Rules          []DryRunRule `json:"rules"`
	RuleSetVersion int          `json:"ruleset_version"`
}

// DryRunRule is one rule's result in a [DryRunResult].
type DryRunRule struct {
	ID     string `json:"id"`
	Result Result `json:"result"`
	Reason string `json:"reason"`
}

// NewDryRunResult returns the answer for an evaluation (Rules is never
// nil, so it encodes as a list).
func NewDryRunResult(ev *Evaluation) DryRunResult {
	out := DryRunResult{Outcome: ev.Outcome, Rules: make([]DryRunRule, len(ev.Rules)), RuleSetVersion: ev.RuleSetVersion}
	for i, r := range ev.Rules {
		out.Rules[i] = DryRunRule{ID: r.ID, Result: r.Result, Reason: r.Reason}
	}
	return out
}
