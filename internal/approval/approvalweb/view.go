package approvalweb

import (
	"html/template"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"

	"github.com/pengcheng-gov/pengcheng/internal/approval"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// cst is China Standard Time, in which times are shown.
var cst = time.FixedZone("CST", 8*3600)

// templateFuncs are the functions the approval pages use besides the
// shell's.
func templateFuncs() template.FuncMap {
	return template.FuncMap{
		// outcomeKey is the message key of an outcome.
		"outcomeKey": func(o approval.Outcome) string { return "approval.outcome." + string(o) },
		// outcomeClass is the badge class of an outcome.
		"outcomeClass": func(o approval.Outcome) string {
			switch o {
			case approval.Approve:
				return "badge badge-ok"
			case approval.Reject:
				return "badge badge-red"
			}
			return "badge badge-warn"
		},
		// resultKey is the message key of a rule's result.
		"resultKey": func(r approval.Result) string { return "approval.result." + string(r) },
		// resultClass is the badge class of a rule's result.
		"resultClass": func(r approval.Result) string {
			switch r {
			case approval.Pass:
				return "badge badge-ok"
			case approval.Fail:
				return "badge badge-red"
			}
			return "badge badge-warn"
		},
		// statusKey is the message key of a rule set's status.
		"statusKey": func(s approval.Status) string { return "approval.status." + string(s) },
		// statusClass is the badge class of a rule set's status.
		"statusClass": func(s approval.Status) string {
			switch s {
			case approval.Published:
				return "badge badge-ok"
			case approval.Draft:
				return "badge badge-warn"
			}
			return "badge"
		},
		// ms formats microseconds as milliseconds.
		"ms": func(us int64) string { return strconv.FormatFloat(float64(us)/1000, 'f', 1, 64) },
		// mask hides the middle of an identity number or credit code.
		"mask": mask,
		// notPassed returns the rules that did not pass.
		"notPassed": func(rules []approval.RuleResult) []approval.RuleResult {
			var out []approval.RuleResult
			for _, r := range rules {
				if r.Result != approval.Pass {
					out = append(out, r)
				}
			}
			return out
		},
		// tested reports whether a draft has been test-run since it last
		// changed.
		"tested": tested,
	}
}

// tested reports whether rs has been test-run since it last changed.
func tested(rs *approval.RuleSet) bool {
	return rs != nil && !rs.TestedAt.IsZero() && !rs.TestedAt.Before(rs.UpdatedAt)
}

// mask shows the first 6 and last 4 characters of an identity number or
// credit code.
func mask(s string) string {
	if len(s) <= 10 {
		return s
	}
	return s[:6] + strings.Repeat("*", len(s)-10) + s[len(s)-4:]
}

// problem is one problem of a rule set source, for the editor.
type problem struct {
	Field   string // where in the document: rules[2].checks[0].fail_if …
	Line    int    // its line in the source; 0 when unknown
	Message string
}

// joined matches the message of several problems, as approval joins them.
var (
	joinedZH = regexp.MustCompile(`^规则集有 (\d+) 处错误：`)
	joinedEN = regexp.MustCompile(`^the rule set has (\d+) problems: `)
)

// problems lists the problems of err (from SaveDraft or a compilation)
// in lang, each with its line in src where it can be found; nil when err
// is not about the source.
func problems(err error, src, lang string) []problem {
	e := errs.As(err)
	if e == nil || e.Kind != errs.Invalid || e.Field == "" || e.Field == "note" {
		return nil
	}
	msg := e.Message(lang)
	re, sep, colon := joinedZH, "；", "："
	if lang == "en" {
		re, sep, colon = joinedEN, "; ", ": "
	}
	var out []problem
	if m := re.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		parts := strings.Split(msg[len(m[0]):], sep)
		if len(parts) == n {
			for _, p := range parts {
				field, text, ok := strings.Cut(p, colon)
				if !ok {
					out = nil
					break
				}
				out = append(out, problem{Field: field, Message: text})
			}
		}
	}
	if out == nil {
		out = []problem{{Field: e.Field, Message: msg}}
	}
	locate(out, src)
	return out
}

// locate finds the line of each problem's field in src, where the source
// parses as YAML.
func locate(ps []problem, src string) {
	file, err := parser.ParseBytes([]byte(src), 0)
	if err != nil {
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil && len(ps) == 1 {
			ps[0].Line, _ = strconv.Atoi(m[1])
		}
		return
	}
	for i := range ps {
		if ps[i].Field == "" || ps[i].Field == "source" {
			continue
		}
		p, err := yaml.PathString("$." + ps[i].Field)
		if err != nil {
			continue
		}
		node, err := p.FilterFile(file)
		if err != nil || node == nil || node.GetToken() == nil {
			continue
		}
		ps[i].Line = node.GetToken().Position.Line
	}
}

// yamlLine finds the line of a YAML syntax error: "[3:5] …".
var yamlLine = regexp.MustCompile(`\[(\d+):\d+\]`)

// formStatus is the status of a page shown again with an error.
func formStatus(err error) int {
	if errs.KindOf(err) == errs.Internal {
		return http.StatusInternalServerError
	}
	return web.Status(err)
}

// shown reports whether err can be shown on the page that caused it:
// everything but internal errors and refusals (which get the error page).
func shown(err error) bool {
	switch errs.KindOf(err) {
	case errs.Internal, errs.Forbidden, errs.Unauthenticated:
		return false
	}
	return true
}

// versionParam reads the version of the path or a form.
func versionParam(s string) (int, error) {
	v, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || v < 1 {
		return 0, errs.E(errs.NotFound, "approval.no_version", "没有这一版规则", "there is no such version of the rules")
	}
	return v, nil
}
