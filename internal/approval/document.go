package approval

import (
	"bytes"
	"fmt"
	"math"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// Document is a rule set as its author writes it (YAML).
type Document struct {
	// Name is what applicants and the access log see, e.g.
	// 高校应届毕业生引进入户秒批规则.
	Name string `yaml:"name"`
	// LegalBasis is the legal basis the reads name; it must match an
	// access policy of the item's department for each dataset read.
	LegalBasis string         `yaml:"legal_basis"`
	Params     map[string]any `yaml:"params"`
	// Materials maps material ids (used by input.materials and the rules)
	// to the names of the item's materials.
	Materials map[string]string `yaml:"materials"`
	Reads     []ReadSpec        `yaml:"reads"`
	// Values are named expressions, in order; each may use the ones
	// before it.
	Values []ValueSpec `yaml:"values"`
	Rules  []RuleSpec  `yaml:"rules"`
	// Handover, if set, is where an approved application continues.
	Handover *HandoverSpec `yaml:"handover"`
}

// HandoverSpec names the service item of the department that continues
// an approved application (e.g. public security's household
// registration), which gets a linked application whose form holds the
// approved data.
type HandoverSpec struct {
	Item string `yaml:"item"`
	// Form maps the linked application's form fields to CEL expressions
	// over the evaluation (input, reads, values).
	Form map[string]string `yaml:"form"`
}

// ReadSpec is one registry read of an evaluation.
type ReadSpec struct {
	Name    string `yaml:"name"`    // the name rules use: reads.<name>
	Dataset string `yaml:"dataset"` // e.g. population
	Subject string `yaml:"subject"` // CEL: the identity number or credit code
	Key     string `yaml:"key"`     // CEL, optional: the record key
	When    string `yaml:"when"`    // CEL, optional: read only when true
}

// ValueSpec is a named expression.
type ValueSpec struct {
	Name string `yaml:"name"`
	Expr string `yaml:"expr"`
}

// RuleSpec is one named rule.
type RuleSpec struct {
	ID   string `yaml:"id"`   // e.g. identity
	Name string `yaml:"name"` // e.g. 身份核验
	// OnFail is what a failure means: reject (the default) or correction
	// (the applicant is asked to supply what is missing).
	OnFail string      `yaml:"on_fail"`
	Checks []CheckSpec `yaml:"checks"`
	// Passed is the reason template shown when the rule passes.
	Passed string `yaml:"passed"`
}

// CheckSpec is one check of a rule: exactly one of FailIf and UnknownIf.
type CheckSpec struct {
	FailIf    string `yaml:"fail_if"`
	UnknownIf string `yaml:"unknown_if"`
	// Reason is a template: text with {CEL expressions}.
	Reason string `yaml:"reason"`
	// Items, for correction rules, is a CEL list of strings: the checklist
	// the applicant is asked to supply.
	Items string `yaml:"items"`
}

// What a failed rule means.
const (
	OnFailReject     = "reject"
	OnFailCorrection = "correction"
)

// Limits of a document.
const (
	MaxDocumentBytes = 64 << 10
	maxRules         = 50
	maxChecks        = 20
	maxReads         = 20
	maxValues        = 50
	maxExprLen       = 2000
)

var identRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// reservedNames cannot name values or reads: they are the evaluation's
// variables and CEL's own words.
var reservedNames = map[string]bool{"input": true, "params": true, "reads": true, "material_names": true,
	"true": true, "false": true, "null": true, "in": true, "as": true, "break": true, "const": true,
	"continue": true, "else": true, "for": true, "function": true, "if": true, "import": true, "let": true,
	"loop": true, "package": true, "namespace": true, "return": true, "var": true, "void": true, "while": true}

// ParseDocument reads a rule set document and checks its shape (names,
// required parts, limits); [Compile] checks its expressions. Every problem
// is reported, each as an errs.Field error naming where it is.
func ParseDocument(src []byte) (*Document, error) {
	if len(src) > MaxDocumentBytes {
		return nil, errs.Field("source", "approval.too_large",
			fmt.Sprintf("规则集过大（不得超过 %d KB）", MaxDocumentBytes>>10),
			fmt.Sprintf("the rule set is too large (at most %d KB)", MaxDocumentBytes>>10))
	}
	if !utf8.Valid(src) {
		return nil, errs.Field("source", "approval.encoding", "规则集须为 UTF-8 文本", "the rule set must be UTF-8 text")
	}
	var doc Document
	if err := yaml.UnmarshalWithOptions(src, &doc, yaml.Strict()); err != nil {
		msg := yaml.FormatError(err, false, false)
		return nil, &errs.Error{Kind: errs.Invalid, Code: "approval.yaml", Field: "source",
			Msg: "规则集格式错误：" + msg, MsgEN: "the rule set is not valid YAML: " + msg, Err: err}
	}
	var err error
	if doc.Params, err = normaliseParams(doc.Params); err != nil {
		return nil, err
	}
	if problems := doc.check(); len(problems) > 0 {
		return nil, joinProblems(problems)
	}
	return &doc, nil
}

// Source returns doc as YAML.
func (doc *Document) Source() ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b, yaml.IndentSequence(true), yaml.UseLiteralStyleIfMultiline(true))
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("encode rule set: %w", err)
	}
	return b.Bytes(), nil
}

// check returns the document's shape problems.
func (doc *Document) check() []*errs.Error {
	var ps []*errs.Error
	add := func(field, zh, en string) {
		ps = append(ps, errs.Field(field, "approval.document", zh, en))
	}
	if strings.TrimSpace(doc.Name) == "" || utf8.RuneCountInString(doc.Name) > 100 {
		add("name", "请填写规则集名称（不超过 100 字）", "name the rule set (at most 100 characters)")
	}
	if len(doc.Reads) > 0 && strings.TrimSpace(doc.LegalBasis) == "" {
		add("legal_basis", "读取共享数据须写明法律依据（legal_basis），与数据共享授权一致", "reads need the legal basis (legal_basis) of the access policies")
	}
	for id, name := range doc.Materials {
		if !identRE.MatchString(id) || strings.TrimSpace(name) == "" {
			add("materials."+id, "材料标识须为小写字母、数字和下划线，并填写材料名称："+id,
				"material ids are lower-case letters, digits and underscores, with a name: "+id)
		}
	}
	seen := map[string]string{}
	name := func(field, n, what string) {
		switch {
		case !identRE.MatchString(n):
			add(field, what+"名称须为小写字母开头的字母、数字和下划线："+n, what+" names are lower-case identifiers: "+n)
		case reservedNames[n]:
			add(field, what+"名称不能使用保留字："+n, what+" names may not be reserved words: "+n)
		case seen[n] != "":
			add(field, "名称重复："+n+"（已用于 "+seen[n]+"）", "duplicate name: "+n+" (already "+seen[n]+")")
		default:
			seen[n] = field
		}
	}
	if len(doc.Reads) > maxReads || len(doc.Values) > maxValues || len(doc.Rules) > maxRules {
		add("rules", fmt.Sprintf("读取不超过 %d 项、取值不超过 %d 项、规则不超过 %d 条", maxReads, maxValues, maxRules),
			fmt.Sprintf("at most %d reads, %d values and %d rules", maxReads, maxValues, maxRules))
	}
	for i, r := range doc.Reads {
		f := fmt.Sprintf("reads[%d]", i)
		name(f, r.Name, "读取")
		if r.Dataset == "" || r.Subject == "" {
			add(f, "读取须指明数据集（dataset）和查询对象（subject）", "a read names its dataset and subject")
		}
	}
	seen = map[string]string{} // reads.<name> and values are separate namespaces
	for i, v := range doc.Values {
		f := fmt.Sprintf("values[%d]", i)
		name(f, v.Name, "取值")
		if strings.TrimSpace(v.Expr) == "" {
			add(f, "取值须有表达式（expr）", "a value needs an expression")
		}
	}
	if h := doc.Handover; h != nil {
		if strings.TrimSpace(h.Item) == "" {
			add("handover.item", "移交须指明后续办理的事项编码（item）", "a hand-over names the item that continues")
		}
		for k := range h.Form {
			if !identRE.MatchString(k) {
				add("handover.form."+k, "移交表单字段名须为小写字母开头的字母、数字和下划线："+k, "hand-over form fields are lower-case identifiers: "+k)
			}
		}
	}
	if len(doc.Rules) == 0 {
		add("rules", "规则集至少包含一条规则", "a rule set has at least one rule")
	}
	ids := map[string]bool{}
	for i := range doc.Rules {
		ps = append(ps, doc.Rules[i].check(fmt.Sprintf("rules[%d]", i), ids)...)
	}
	for _, e := range ps {
		if e.Field == "" {
			e.Field = "source"
		}
	}
	return ps
}

// check returns a rule's shape problems; ids collects the rule ids seen.
func (r *RuleSpec) check(f string, ids map[string]bool) []*errs.Error {
	var ps []*errs.Error
	add := func(field, zh, en string) {
		ps = append(ps, errs.Field(field, "approval.document", zh, en))
	}
	if !identRE.MatchString(r.ID) {
		add(f, "规则标识须为小写字母开头的字母、数字和下划线："+r.ID, "rule ids are lower-case identifiers: "+r.ID)
	} else if ids[r.ID] {
		add(f, "规则标识重复："+r.ID, "duplicate rule id: "+r.ID)
	}
	ids[r.ID] = true
	if strings.TrimSpace(r.Name) == "" {
		add(f, "规则 "+r.ID+" 须有名称", "rule "+r.ID+" needs a name")
	}
	switch r.OnFail {
	case "":
		r.OnFail = OnFailReject
	case OnFailReject, OnFailCorrection:
	default:
		add(f, "规则 "+r.ID+" 的 on_fail 应为 reject 或 correction", "rule "+r.ID+": on_fail is reject or correction")
	}
	if len(r.Checks) == 0 || len(r.Checks) > maxChecks {
		add(f, fmt.Sprintf("规则 %s 须有 1 至 %d 项检查", r.ID, maxChecks), fmt.Sprintf("rule %s needs 1 to %d checks", r.ID, maxChecks))
	}
	for j, c := range r.Checks {
		cf := fmt.Sprintf("%s.checks[%d]", f, j)
		if (c.FailIf == "") == (c.UnknownIf == "") {
			add(cf, "规则 "+r.ID+" 的每项检查须有且只有 fail_if 或 unknown_if 之一", "rule "+r.ID+": each check has exactly one of fail_if and unknown_if")
		}
		if strings.TrimSpace(c.Reason) == "" {
			add(cf, "规则 "+r.ID+" 的每项检查须有理由（reason）", "rule "+r.ID+": each check needs a reason")
		}
		if c.Items != "" && r.OnFail != OnFailCorrection {
			add(cf, "只有补正规则（on_fail: correction）可以列出补正清单（items）", "only correction rules list items")
		}
	}
	return ps
}

// joinProblems turns a list of problems into one error: the first, with
// the rest in its message.
func joinProblems(ps []*errs.Error) error {
	if len(ps) == 1 {
		return ps[0]
	}
	zh, en := make([]string, len(ps)), make([]string, len(ps))
	for i, p := range ps {
		zh[i], en[i] = p.Field+"："+p.Msg, p.Field+": "+p.MsgEN
	}
	e := *ps[0]
	e.Msg = fmt.Sprintf("规则集有 %d 处错误：%s", len(ps), strings.Join(zh, "；"))
	e.MsgEN = fmt.Sprintf("the rule set has %d problems: %s", len(ps), strings.Join(en, "; "))
	return &e
}

// normaliseParams turns YAML's numbers into int64 (whole numbers) or
// float64, recursively, so that CEL compares them with its own ints.
func normaliseParams(p map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(p))
	for k, v := range p {
		n, err := normaliseValue(v)
		if err != nil {
			return nil, errs.Field("params."+k, "approval.params", "参数 "+k+" 的值无法使用："+err.Error(),
				"parameter "+k+" has an unusable value: "+err.Error())
		}
		out[k] = n
	}
	return out, nil
}

func normaliseValue(v any) (any, error) {
	switch x := v.(type) {
	case nil, string, bool, int64, float64:
		return x, nil
	case int:
		return int64(x), nil
	case uint64:
		if x > math.MaxInt64 {
			return nil, fmt.Errorf("%d is too large", x)
		}
		return int64(x), nil
	case float32:
		return float64(x), nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			n, err := normaliseValue(e)
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
		return out, nil
	case map[string]any:
		return normaliseParams(x)
	default:
		return nil, fmt.Errorf("unsupported value %T", v)
	}
}
