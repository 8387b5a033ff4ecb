package approvalweb

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/approval"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// TestProblems checks that the problems of a rule set are listed one by
// one with their lines, in both languages.
func TestProblems(t *testing.T) {
	src := "name: x\nreads:\n  - name: person\n    dataset: nosuch\n    subject: input.x\nrules:\n  - id: a\n    checks:\n      - fail_if: 1 +\n"
	compile := func(s string) error {
		_, err := approval.ParseAndCompile([]byte(s), func(name string) error {
			if name != "population" {
				return errors.New("no such dataset")
			}
			return nil
		})
		return err
	}
	tests := []struct {
		name   string
		err    error
		src    string
		lang   string
		fields []string
		lines  []int
	}{
		{"several problems", compile(src), src, "zh",
			[]string{"legal_basis", "rules[0]", "rules[0].checks[0]"}, []int{0, 7, 9}},
		{"one problem", errs.Field("rules[0].checks[0].fail_if", "approval.compile", "表达式无法编译", "does not compile"),
			src, "zh", []string{"rules[0].checks[0].fail_if"}, []int{9}},
		{"in English", errs.Field("reads[0].dataset", "approval.compile", "数据集不存在", "no such dataset"),
			src, "en", []string{"reads[0].dataset"}, []int{4}},
		{"YAML that does not parse", compile("name: x\nrules: [\n"), "name: x\nrules: [\n", "zh", []string{"source"}, []int{2}},
		{"the note is not about the source", errs.Field("note", "approval.note", "太长", "too long"), src, "zh", nil, nil},
		{"a refusal is not about the source", errs.E(errs.Forbidden, "x", "不行", "no"), src, "zh", nil, nil},
		{"an internal error", errors.New("boom"), src, "zh", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := problems(tt.err, tt.src, tt.lang)
			var fields []string
			var lines []int
			for _, p := range ps {
				fields, lines = append(fields, p.Field), append(lines, p.Line)
				if p.Message == "" || strings.Contains(p.Message, "规则集有") {
					t.Errorf("problem %+v: want its own message", p)
				}
			}
			if tt.fields != nil && !slices.Equal(fields[:min(len(fields), len(tt.fields))], tt.fields) {
				t.Errorf("fields %v, want %v first", fields, tt.fields)
			}
			if tt.fields == nil && ps != nil {
				t.Errorf("problems %+v, want none", ps)
			}
			if tt.lines != nil && !slices.Equal(lines, tt.lines) {
				t.Errorf("lines %v, want %v", lines, tt.lines)
			}
		})
	}
}

// TestProblemsLocateEveryLine checks that several problems of a real
// compilation each find their line.
func TestProblemsLocateEveryLine(t *testing.T) {
	src := "name: x\nlegal_basis: y\nreads:\n  - name: person\n    dataset: nosuch\n    subject: input.x\n" +
		"rules:\n  - id: a\n    name: A\n    checks:\n      - fail_if: 1 +\n        reason: r\n"
	_, err := approval.ParseAndCompile([]byte(src), func(string) error { return errors.New("none") })
	ps := problems(err, src, "zh")
	if len(ps) < 2 {
		t.Fatalf("problems %+v of %v, want at least 2", ps, err)
	}
	want := map[string]int{"reads[0].dataset": 5, "rules[0].checks[0].fail_if": 11}
	for _, p := range ps {
		if line, ok := want[p.Field]; ok && p.Line != line {
			t.Errorf("%s on line %d, want %d", p.Field, p.Line, line)
		}
		delete(want, p.Field)
	}
	if len(want) > 0 {
		t.Errorf("not reported: %v in %+v", want, ps)
	}
}

// TestParseCases checks the test run's inputs: what is accepted, and that
// each refusal names the case.
func TestParseCases(t *testing.T) {
	ok := `[{"name": "a", "want": "approve", "input": {"channel": "individual", "applied_on": "2026-07-15"}},
		{"input": {"channel": "employer", "applied_on": "2026-07-15"}}]`
	tcs, err := parseCases(ok)
	if err != nil || len(tcs) != 2 || tcs[0].Want != approval.Approve || tcs[1].Name != "#2" {
		t.Fatalf("parseCases = %+v, %v", tcs, err)
	}
	tests := []struct{ name, raw, want string }{
		{"not JSON", "[{", "第 1 行附近"},
		{"on a later line", "[\n{\"name\": 1}\n]", "第 2 行附近"},
		{"an object", `{"name": "a"}`, "不是有效的 JSON 数组"},
		{"an unknown field", `[{"nam": "a"}]`, "unknown field"},
		{"trailing data", `[] []`, "数组之后不能有其他内容"},
		{"a bad outcome", `[{"name": "a", "want": "maybe", "input": {"channel": "individual", "applied_on": "2026-07-15"}}]`, "第 1 个测试输入「a」的 want"},
		{"a bad input", `[{}, {"name": "b", "input": {"channel": "x", "applied_on": "2026-07-15"}}]`, "第 1 个测试输入「#1」：申报渠道"},
		{"too large", "[" + strings.Repeat(" ", maxCasesBytes) + "]", "测试输入过大"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseCases(tt.raw)
			e := errs.As(err)
			if e == nil || e.Kind != errs.Invalid || e.Field != "cases" || !strings.Contains(e.Msg, tt.want) {
				t.Errorf("parseCases: %v, want an invalid cases field saying %q", err, tt.want)
			}
		})
	}
}

// FuzzParseCases checks that any text is either refused with a message
// about the cases or gives valid cases.
func FuzzParseCases(f *testing.F) {
	f.Add(`[{"name": "a", "want": "approve", "input": {"channel": "individual", "applied_on": "2026-07-15"}}]`)
	f.Add(`[{"input": {"channel": "agency", "applied_on": "2026-02-29", "materials": ["id_card"], "form": {"a": "b"}}}]`)
	f.Add("[\n{")
	f.Add(`[] 1`)
	f.Fuzz(func(t *testing.T, raw string) {
		tcs, err := parseCases(raw)
		if err != nil {
			if e := errs.As(err); e == nil || e.Field != "cases" || e.Msg == "" {
				t.Fatalf("error %v, want one about the cases", err)
			}
			return
		}
		for _, tc := range tcs {
			if tc.Name == "" || tc.Input.Check() != nil {
				t.Fatalf("case %+v accepted", tc)
			}
		}
	})
}
