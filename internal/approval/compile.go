package approval

import (
	"fmt"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/ext"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// Program is a compiled rule set document, ready to evaluate. It is
// immutable and safe for concurrent use.
type Program struct {
	Doc    *Document
	reads  []compiledRead
	values []compiledValue
	rules  []compiledRule
	// handover are the hand-over form's expressions by field.
	handover map[string]cel.Program
}

type compiledRead struct {
	spec               ReadSpec
	subject, key, when cel.Program // key and when may be nil
}

type compiledValue struct {
	name string
	prg  cel.Program
}

type compiledRule struct {
	spec   RuleSpec
	checks []compiledCheck
	passed *template // may be nil
}

type compiledCheck struct {
	fail   bool // fail_if; else unknown_if
	cond   cel.Program
	reason *template
	items  cel.Program // may be nil
}

// costLimit bounds the work of one expression's evaluation, so that no
// rule can run away with the server.
const costLimit = 1_000_000

// DatasetChecker tells whether a dataset exists; exchange.Service's
// Dataset method fits.
type DatasetChecker func(name string) error

// Compile checks every expression of doc and returns the program. A
// document that does not compile is refused with an errs.Invalid error
// listing each problem with where it is (rules[3].checks[1].fail_if …) and
// the CEL compiler's message. datasets, if not nil, checks the reads'
// datasets.
func Compile(doc *Document, datasets DatasetChecker) (*Program, error) {
	env, err := newEnv(doc)
	if err != nil {
		return nil, fmt.Errorf("approval: CEL environment: %w", err)
	}
	c := compiler{env: env}
	p := &Program{Doc: doc}
	for i, r := range doc.Reads {
		f := fmt.Sprintf("reads[%d]", i)
		if datasets != nil {
			if err := datasets(r.Dataset); err != nil {
				c.problem(f+".dataset", "数据集不存在："+r.Dataset, "no such dataset: "+r.Dataset)
			}
		}
		cr := compiledRead{spec: r, subject: c.expr(f+".subject", r.Subject, cel.StringType)}
		if r.Key != "" {
			cr.key = c.expr(f+".key", r.Key, cel.StringType)
		}
		if r.When != "" {
			cr.when = c.expr(f+".when", r.When, cel.BoolType)
		}
		p.reads = append(p.reads, cr)
	}
	for i, v := range doc.Values {
		p.values = append(p.values, compiledValue{name: v.Name, prg: c.expr(fmt.Sprintf("values[%d].expr", i), v.Expr, nil)})
	}
	for i, r := range doc.Rules {
		f := fmt.Sprintf("rules[%d]", i)
		cr := compiledRule{spec: r}
		if r.Passed != "" {
			cr.passed = c.template(f+".passed", r.Passed)
		}
		for j, ch := range r.Checks {
			cf := fmt.Sprintf("%s.checks[%d]", f, j)
			cc := compiledCheck{fail: ch.FailIf != "", reason: c.template(cf+".reason", ch.Reason)}
			if cc.fail {
				cc.cond = c.expr(cf+".fail_if", ch.FailIf, cel.BoolType)
			} else {
				cc.cond = c.expr(cf+".unknown_if", ch.UnknownIf, cel.BoolType)
			}
			if ch.Items != "" {
				cc.items = c.expr(cf+".items", ch.Items, cel.ListType(cel.StringType))
			}
			cr.checks = append(cr.checks, cc)
		}
		p.rules = append(p.rules, cr)
	}
	if doc.Handover != nil {
		p.handover = map[string]cel.Program{}
		for k, src := range doc.Handover.Form {
			p.handover[k] = c.expr("handover.form."+k, src, nil)
		}
	}
	if len(c.problems) > 0 {
		return nil, joinProblems(c.problems)
	}
	return p, nil
}

// ParseAndCompile parses and compiles a rule set source.
func ParseAndCompile(src []byte, datasets DatasetChecker) (*Program, error) {
	doc, err := ParseDocument(src)
	if err != nil {
		return nil, err
	}
	return Compile(doc, datasets)
}

// newEnv returns the CEL environment of doc's expressions.
func newEnv(doc *Document) (*cel.Env, error) {
	opts := []cel.EnvOption{
		cel.Variable("input", cel.MapType(cel.StringType, cel.DynType)),
		cel.Variable("params", cel.MapType(cel.StringType, cel.DynType)),
		cel.Variable("reads", cel.MapType(cel.StringType, cel.ListType(cel.MapType(cel.StringType, cel.StringType)))),
		cel.Variable("material_names", cel.MapType(cel.StringType, cel.StringType)),
		ext.Strings(), ext.Lists(), ext.Bindings(),
		cel.CrossTypeNumericComparisons(true),
	}
	for _, v := range doc.Values {
		opts = append(opts, cel.Variable(v.Name, cel.DynType))
	}
	opts = append(opts, functions()...)
	return cel.NewEnv(opts...)
}

// compiler collects the problems of one document's compilation.
type compiler struct {
	env      *cel.Env
	problems []*errs.Error
}

func (c *compiler) problem(field, zh, en string) {
	c.problems = append(c.problems, errs.Field(field, "approval.compile", zh, en))
}

// expr compiles one expression, which must have type want (nil: any).
func (c *compiler) expr(field, src string, want *cel.Type) cel.Program {
	if len(src) > maxExprLen {
		c.problem(field, fmt.Sprintf("表达式过长（不超过 %d 个字符）", maxExprLen), fmt.Sprintf("expression too long (at most %d characters)", maxExprLen))
		return nil
	}
	ast, iss := c.env.Compile(src)
	if iss.Err() != nil {
		msg := strings.TrimSpace(iss.String())
		c.problem(field, "表达式无法编译："+msg, "the expression does not compile: "+msg)
		return nil
	}
	if want != nil && !ast.OutputType().IsAssignableType(want) && ast.OutputType() != cel.DynType {
		got := cel.FormatCELType(ast.OutputType())
		c.problem(field, fmt.Sprintf("表达式的结果应为 %s，实为 %s", cel.FormatCELType(want), got),
			fmt.Sprintf("the expression must yield %s, not %s", cel.FormatCELType(want), got))
		return nil
	}
	prg, err := c.env.Program(ast, cel.CostLimit(costLimit), cel.EvalOptions(cel.OptOptimize))
	if err != nil {
		c.problem(field, "表达式无法编译："+err.Error(), "the expression does not compile: "+err.Error())
		return nil
	}
	return prg
}

// template is a reason text with {CEL expressions}.
type template struct {
	parts []templatePart
}

type templatePart struct {
	text string
	prg  cel.Program // nil for literal text
}

// template compiles a reason template: text with {expression} parts; {{
// and }} stand for literal braces.
func (c *compiler) template(field, src string) *template {
	t := &template{}
	var lit strings.Builder
	for i := 0; i < len(src); i++ {
		ch := src[i]
		switch {
		case ch == '{' && i+1 < len(src) && src[i+1] == '{', ch == '}' && i+1 < len(src) && src[i+1] == '}':
			lit.WriteByte(ch)
			i++
		case ch == '{':
			end := strings.IndexByte(src[i+1:], '}')
			if end < 0 {
				c.problem(field, "理由中的 { 没有对应的 }", "unclosed { in the reason")
				return t
			}
			if lit.Len() > 0 {
				t.parts = append(t.parts, templatePart{text: lit.String()})
				lit.Reset()
			}
			t.parts = append(t.parts, templatePart{prg: c.expr(field, src[i+1:i+1+end], nil)})
			i += end + 1
		case ch == '}':
			c.problem(field, "理由中的 } 没有对应的 {（字面的花括号写作 {{ 和 }}）", "unmatched } in the reason (write {{ and }} for braces)")
			return t
		default:
			lit.WriteByte(ch)
		}
	}
	if lit.Len() > 0 {
		t.parts = append(t.parts, templatePart{text: lit.String()})
	}
	return t
}
