package approval

import (
	"fmt"
	"reflect"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"
)

// Result is what one rule yields.
type Result string

// The results of a rule.
const (
	Pass          Result = "pass"
	Fail          Result = "fail"
	Indeterminate Result = "indeterminate"
)

// Outcome is what an evaluation decides.
type Outcome string

// The outcomes.
const (
	Approve    Outcome = "approve"    // 准予：every rule passed
	Reject     Outcome = "reject"     // 不予：a rule failed
	Correction Outcome = "correction" // 补正：materials are missing
	Manual     Outcome = "manual"     // 转人工：data was missing; a caseworker decides
)

// RuleResult is one rule's result in an evaluation.
type RuleResult struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Result Result `json:"result"`
	// Reason explains the result in plain Chinese.
	Reason string `json:"reason"`
	// Detail, for indeterminate results, says which data was missing (for
	// staff; may be technical).
	Detail string `json:"detail,omitempty"`
	// OnFail is reject or correction.
	OnFail string `json:"on_fail"`
	// Items is the checklist of a failed correction rule.
	Items []string `json:"items,omitempty"`
}

// PlannedRead is a registry read an evaluation needs.
type PlannedRead struct {
	Name    string `json:"name"`
	Dataset string `json:"dataset"`
	Subject string `json:"subject,omitempty"`
	Key     string `json:"key,omitempty"`
	// Skipped is true when the read's condition is false: nothing is read.
	Skipped bool `json:"skipped,omitempty"`
	// Problem says why the read cannot be made (its subject could not be
	// computed from the input); the read is then not made.
	Problem string `json:"problem,omitempty"`
}

// ReadData is what a read returned, for evaluation.
type ReadData struct {
	// Records are the records' fields; empty when the registry has none.
	Records []map[string]string
	// Unavailable, when not empty, says why the registry could not be read
	// (no policy allows it, a malformed subject, the registry is down); the
	// rules that need it are then indeterminate.
	Unavailable string
}

// Plan returns the reads an evaluation of input needs, in the order of the
// document.
func (p *Program) Plan(input map[string]any) []PlannedRead {
	act := &activation{vars: map[string]any{"input": input, "params": p.Doc.Params,
		"material_names": p.Doc.Materials, "reads": map[string][]map[string]string{}}}
	out := make([]PlannedRead, 0, len(p.reads))
	for _, r := range p.reads {
		pr := PlannedRead{Name: r.spec.Name, Dataset: r.spec.Dataset}
		if r.when != nil {
			ok, err := evalBool(r.when, act)
			if err != nil {
				pr.Problem = "condition: " + err.Error()
				out = append(out, pr)
				continue
			}
			if !ok {
				pr.Skipped = true
				out = append(out, pr)
				continue
			}
		}
		var err error
		if pr.Subject, err = evalString(r.subject, act); err != nil {
			pr.Problem = "subject: " + err.Error()
		} else if r.key != nil {
			if pr.Key, err = evalString(r.key, act); err != nil {
				pr.Problem = "key: " + err.Error()
			}
		}
		out = append(out, pr)
	}
	return out
}

// Evaluate runs the rules over input and the data of the reads (by read
// name; a read that was skipped or failed is absent or Unavailable) and
// returns each rule's result and the outcome.
func (p *Program) Evaluate(input map[string]any, data map[string]ReadData) ([]RuleResult, Outcome) {
	results, outcome, _ := p.EvaluateWithHandover(input, data)
	return results, outcome
}

// EvaluateWithHandover is Evaluate that also returns, for an approval
// under a rule set with a hand-over, the linked application's form (a
// field whose expression fails is left empty).
func (p *Program) EvaluateWithHandover(input map[string]any, data map[string]ReadData) ([]RuleResult, Outcome, map[string]string) {
	reads := make(map[string][]map[string]string, len(data))
	for name, d := range data {
		if d.Unavailable == "" {
			recs := d.Records
			if recs == nil {
				recs = []map[string]string{}
			}
			reads[name] = recs
		}
	}
	vars := make(map[string]any, 4+len(p.values))
	vars["input"], vars["params"], vars["material_names"], vars["reads"] = input, p.Doc.Params, p.Doc.Materials, reads
	act := &activation{vars: vars}
	for _, v := range p.values {
		if val, err := eval(v.prg, act); err == nil {
			vars[v.name] = val
		}
	}
	results := make([]RuleResult, len(p.rules))
	for i := range p.rules {
		results[i] = p.rules[i].run(act, data)
	}
	outcome := Decide(results)
	if outcome != Approve || p.handover == nil {
		return results, outcome, nil
	}
	form := make(map[string]string, len(p.handover))
	for k, prg := range p.handover {
		if v, err := eval(prg, act); err == nil {
			form[k] = display(v)
		} else {
			form[k] = ""
		}
	}
	return results, outcome, form
}

// Decide returns the outcome of a set of rule results: reject if a rule
// that rejects failed; else correction if a correction rule failed; else
// manual if a rule is indeterminate; else approve.
func Decide(results []RuleResult) Outcome {
	correction, manual := false, false
	for _, r := range results {
		switch {
		case r.Result == Fail && r.OnFail == OnFailCorrection:
			correction = true
		case r.Result == Fail:
			return Reject
		case r.Result == Indeterminate:
			manual = true
		}
	}
	switch {
	case correction:
		return Correction
	case manual:
		return Manual
	}
	return Approve
}

// run evaluates one rule: the first check that holds decides; an error
// makes the rule indeterminate.
func (r *compiledRule) run(act *activation, data map[string]ReadData) RuleResult {
	res := RuleResult{ID: r.spec.ID, Name: r.spec.Name, OnFail: r.spec.OnFail}
	for _, c := range r.checks {
		hit, err := evalBool(c.cond, act)
		if err != nil {
			return indeterminate(res, err, data)
		}
		if !hit {
			continue
		}
		reason, err := c.reason.render(act)
		if err != nil {
			return indeterminate(res, err, data)
		}
		res.Reason = reason
		if !c.fail {
			res.Result = Indeterminate
			return res
		}
		res.Result = Fail
		if c.items != nil {
			v, err := eval(c.items, act)
			if err != nil {
				return indeterminate(res, err, data)
			}
			res.Items = toStrings(v)
		}
		return res
	}
	res.Result, res.Reason = Pass, "符合条件"
	if r.passed != nil {
		if s, err := r.passed.render(act); err == nil {
			res.Reason = s
		}
	}
	return res
}

// indeterminate is the result of a rule that needed data that is missing.
func indeterminate(res RuleResult, err error, data map[string]ReadData) RuleResult {
	res.Result, res.Reason = Indeterminate, "所需数据缺失或暂时无法取得，需人工审核"
	res.Detail = err.Error()
	var down []string
	for name, d := range data {
		if d.Unavailable != "" {
			down = append(down, name+"："+d.Unavailable)
		}
	}
	if len(down) > 0 {
		res.Detail += "；无法读取：" + strings.Join(down, "；")
	}
	return res
}

// render fills in a template.
func (t *template) render(act *activation) (string, error) {
	var b strings.Builder
	for _, p := range t.parts {
		if p.prg == nil {
			b.WriteString(p.text)
			continue
		}
		v, err := eval(p.prg, act)
		if err != nil {
			return "", err
		}
		b.WriteString(display(v))
	}
	return b.String(), nil
}

// display formats a CEL value for a reason.
func display(v ref.Val) string {
	switch x := v.(type) {
	case types.String:
		return string(x)
	case types.Timestamp:
		return x.Time.Format("2006-01-02")
	}
	if l := toStrings(v); l != nil {
		return strings.Join(l, "、")
	}
	return fmt.Sprint(v.Value())
}

// toStrings converts a CEL list to strings; nil for other values.
func toStrings(v ref.Val) []string {
	native, err := v.ConvertToNative(stringSliceType)
	if err != nil {
		return nil
	}
	return native.([]string)
}

var stringSliceType = reflect.TypeOf([]string{})

// activation resolves the evaluation's variables.
type activation struct {
	vars map[string]any
}

func (a *activation) ResolveName(name string) (any, bool) {
	v, ok := a.vars[name]
	return v, ok
}

func (a *activation) Parent() interpreter.Activation { return nil }

// eval evaluates prg, turning CEL's error values into errors.
func eval(prg cel.Program, act *activation) (ref.Val, error) {
	v, _, err := prg.Eval(act)
	if err != nil {
		return nil, err
	}
	if types.IsError(v) {
		return nil, fmt.Errorf("%v", v)
	}
	return v, nil
}

func evalBool(prg cel.Program, act *activation) (bool, error) {
	v, err := eval(prg, act)
	if err != nil {
		return false, err
	}
	b, ok := v.(types.Bool)
	if !ok {
		return false, fmt.Errorf("expected a bool, got %s", v.Type().TypeName())
	}
	return bool(b), nil
}

func evalString(prg cel.Program, act *activation) (string, error) {
	v, err := eval(prg, act)
	if err != nil {
		return "", err
	}
	s, ok := v.(types.String)
	if !ok {
		return "", fmt.Errorf("expected a string, got %s", v.Type().TypeName())
	}
	return string(s), nil
}
