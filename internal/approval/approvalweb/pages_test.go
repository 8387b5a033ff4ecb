package approvalweb_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/approval"
	"github.com/pengcheng-gov/pengcheng/internal/approval/approvaltest"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
)

const (
	item     = approvaltest.ItemGraduate
	itemPath = "/approval/rulesets/" + item
)

// flagship returns the shipped rules of the graduate item.
func flagship(t *testing.T) string {
	t.Helper()
	srcs, err := approval.DefaultSources()
	if err != nil {
		t.Fatal(err)
	}
	return string(srcs[item])
}

// versions returns the item's stored versions, newest first.
func (f *fixture) versions(t *testing.T) []*approval.RuleSet {
	t.Helper()
	list, err := f.env.Store.ListRuleSets(context.Background(), item)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// wantVersions returns a check that the stored versions have the
// statuses, newest first.
func wantVersions(statuses ...approval.Status) func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
	return func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
		t.Helper()
		list := f.versions(t)
		var got []approval.Status
		for _, rs := range list {
			got = append(got, rs.Status)
		}
		if len(got) != len(statuses) {
			t.Fatalf("versions %v, want %v", got, statuses)
		}
		for i := range got {
			if got[i] != statuses[i] || list[i].Version != len(list)-i {
				t.Errorf("versions %v, want %v", got, statuses)
			}
		}
	}
}

// TestAuthoringScenario walks a department administrator's change of the
// flagship rules: a draft that does not compile is refused with every
// problem and nothing stored; a valid draft is saved, cannot be published
// before a test run, is test-run and published, retiring version 1; a
// caseworker tests but may neither save nor publish; other departments,
// citizens and enterprises are refused.
func TestAuthoringScenario(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		t.Parallel()
		f := newFixture(t, d)
		src := flagship(t)
		broken := strings.Replace(src, "fail_if: person.status != '正常'", "fail_if: person.status != ", 1)
		broken = strings.Replace(broken, "dataset: hr_agency", "dataset: hr_agencies", 1)
		if broken == src {
			t.Fatal("the flagship changed: adapt the broken draft")
		}
		changed := strings.Replace(src, "本科: 45", "本科: 40", 1)
		if changed == src {
			t.Fatal("the flagship changed: adapt the new draft")
		}
		runScenarios(t, f, []scenario{
			{name: "the list shows the flagship", path: "/approval/rulesets", as: "rsAdmin", status: http.StatusOK,
				want: []string{"秒批规则", "高校应届毕业生引进入户", item, "第 1 版", "已发布", "为其他事项编写规则", "approval.css"}},
			{name: "the item page has the editor, the test inputs and the versions", path: itemPath, as: "rsAdmin", status: http.StatusOK,
				want: []string{"编辑草稿", `action="` + itemPath + `/draft"`, "graduation_window_years: 2", "试运行",
					"420106200203153452", "王磊", "&#34;want&#34;: &#34;approve&#34;", "现行规则", "没有草稿"},
				notWant: []string{`action="` + itemPath + `/publish"`}},
			{name: "a draft that does not compile is refused with each problem", method: http.MethodPost, path: itemPath + "/draft",
				as: "rsAdmin", form: url.Values{"source": {broken}, "note": {"改坏了"}}, status: http.StatusUnprocessableEntity,
				want: []string{"规则集有错误，未保存", "rules[0].checks[2].fail_if", "reads[4].dataset", "数据集不存在：hr_agencies",
					fmt.Sprintf("第 %d 行 · <span class=\"mono\">rules[0].checks[2].fail_if", lineOf(t, src, "fail_if: person.status != '正常'")),
					fmt.Sprintf("第 %d 行 · <span class=\"mono\">reads[4].dataset", lineOf(t, src, "dataset: hr_agency")),
					`aria-invalid="true"`, "dataset: hr_agencies", "改坏了"},
				check: wantVersions(approval.Published)},
			{name: "YAML that does not parse is refused with its line", method: http.MethodPost, path: itemPath + "/draft",
				as: "rsAdmin", form: url.Values{"source": {"name: x\nrules: [\n"}}, status: http.StatusUnprocessableEntity,
				want: []string{"规则集格式错误", "第 "}, check: wantVersions(approval.Published)},
			{name: "a valid draft is saved as version 2", method: http.MethodPost, path: itemPath + "/draft", as: "rsAdmin",
				form: url.Values{"source": {changed}, "note": {"本科年龄上限调整为 40 周岁"}}, status: http.StatusSeeOther,
				location: itemPath + "#test", check: wantVersions(approval.Draft, approval.Published)},
			{name: "the page shows the draft, untested", path: itemPath, as: "rsAdmin", status: http.StatusOK,
				want: []string{"正在编辑第 2 版草稿", "本科: 40", "修改后尚未试运行", "本科年龄上限调整为 40 周岁",
					`action="` + itemPath + `/publish"`, "发布前请先试运行当前草稿"}},
			{name: "publishing before a test run is refused", method: http.MethodPost, path: itemPath + "/publish", as: "rsAdmin",
				form: url.Values{"version": {"2"}}, status: http.StatusConflict, want: []string{"发布前请先试运行当前草稿"},
				check: wantVersions(approval.Draft, approval.Published)},
			{name: "a caseworker sees the rules read-only", path: itemPath, as: "rsClerk", status: http.StatusOK,
				want:    []string{"只有本部门管理员可以编辑和发布规则", "本科: 40", `action="` + itemPath + `/test"`},
				notWant: []string{`action="` + itemPath + `/draft"`, `action="` + itemPath + `/publish"`}},
			{name: "a caseworker test-runs the published version", method: http.MethodPost, path: itemPath + "/test", as: "rsClerk",
				form: url.Values{"version": {"1"}, "cases": {defaultCases(t, f)}}, status: http.StatusOK,
				want: []string{"第 1 版：5 个测试输入，5 个符合预期", `data-outcome="approve"`, `data-outcome="reject"`,
					`data-outcome="correction"`, `data-outcome="manual"`, "学习形式为「非全日制」", "缺少材料：学位证书"},
				notWant: []string{"不符合预期"}},
			{name: "a caseworker may not save a draft", method: http.MethodPost, path: itemPath + "/draft", as: "rsClerk",
				form: url.Values{"source": {src}}, status: http.StatusForbidden, want: []string{"只有本部门管理员可以编写和发布秒批规则"},
				check: wantVersions(approval.Draft, approval.Published)},
			{name: "a caseworker may not publish", method: http.MethodPost, path: itemPath + "/publish", as: "rsClerk",
				form: url.Values{"version": {"2"}}, status: http.StatusForbidden, check: wantVersions(approval.Draft, approval.Published)},
			{name: "test inputs that are not JSON are shown with their line", method: http.MethodPost, path: itemPath + "/test",
				as: "rsAdmin", form: url.Values{"version": {"2"}, "cases": {"[\n  {\"name\": \"x\",\n  oops\n]"}},
				status: http.StatusUnprocessableEntity, want: []string{"测试输入不是有效的 JSON 数组（第 3 行附近）", `id="test-error"`}},
			{name: "an unexpected outcome is flagged", method: http.MethodPost, path: itemPath + "/test", as: "rsAdmin",
				form:   url.Values{"version": {"2"}, "cases": {strings.Replace(defaultCases(t, f), `"want": "reject"`, `"want": "approve"`, 1)}},
				status: http.StatusOK, want: []string{"第 2 版：5 个测试输入，4 个符合预期", "不符合预期"}},
			{name: "the administrator test-runs the draft", method: http.MethodPost, path: itemPath + "/test", as: "rsAdmin",
				form: url.Values{"version": {"2"}, "cases": {defaultCases(t, f)}}, status: http.StatusOK,
				want: []string{"第 2 版：5 个测试输入，5 个符合预期", "已试运行", "第 2 版草稿已试运行", "发布第 2 版"}},
			{name: "the tested draft is published and version 1 retired", method: http.MethodPost, path: itemPath + "/publish",
				as: "rsAdmin", form: url.Values{"version": {"2"}}, status: http.StatusSeeOther, location: itemPath,
				check: wantVersions(approval.Published, approval.Retired)},
			{name: "the page shows version 2 in force", path: itemPath, as: "rsAdmin", status: http.StatusOK,
				want: []string{"第 2 版</a>", "已停用", "保存后将成为新版本的草稿"}},
			{name: "an old version's source", path: itemPath + "/v/1", as: "rsClerk", status: http.StatusOK,
				want: []string{"第 1 版", "已停用", "本科: 45", "演示城市默认规则"}},
			{name: "a version that does not exist", path: itemPath + "/v/9", as: "rsAdmin", status: http.StatusNotFound},
			{name: "a version that is not a number", path: itemPath + "/v/x", as: "rsAdmin", status: http.StatusNotFound},
			{name: "an item that does not exist", path: "/approval/rulesets/4403-NOPE-001", as: "platform", status: http.StatusNotFound},
			{name: "the platform administrator sees everything", path: "/approval/rulesets", as: "platform", status: http.StatusOK,
				want: []string{"高校应届毕业生引进入户", "第 2 版"}},
			{name: "another department's administrator sees no rules", path: "/approval/rulesets", as: "gaAdmin", status: http.StatusOK,
				want: []string{"您可以查看的事项还没有秒批规则"}, notWant: []string{"高校应届毕业生引进入户"}},
			{name: "another department's administrator may not open them", path: itemPath, as: "gaAdmin", status: http.StatusForbidden},
			{name: "nor read a version", path: itemPath + "/v/1", as: "gaClerk", status: http.StatusForbidden},
			{name: "nor save a draft", method: http.MethodPost, path: itemPath + "/draft", as: "gaAdmin",
				form: url.Values{"source": {src}}, status: http.StatusForbidden, check: wantVersions(approval.Published, approval.Retired)},
			{name: "nor test-run", method: http.MethodPost, path: itemPath + "/test", as: "gaClerk",
				form: url.Values{"version": {"2"}, "cases": {defaultCases(t, f)}}, status: http.StatusForbidden},
			{name: "a citizen may not see the rules", path: "/approval/rulesets", as: "wang", status: http.StatusForbidden},
			{name: "nor an item's", path: itemPath, as: "wang", status: http.StatusForbidden},
			{name: "an enterprise may not publish", method: http.MethodPost, path: itemPath + "/publish", as: "company",
				form: url.Values{"version": {"2"}}, status: http.StatusForbidden},
			{name: "anonymous visitors are sent to log in", path: itemPath, status: http.StatusSeeOther, location: "/login?next="},
			{name: "the stylesheet", path: "/approval/assets/approval.css", status: http.StatusOK, want: []string{"textarea.code"}},
		})
	})
}

// defaultCases returns the test inputs the flagship's page starts with.
func defaultCases(t *testing.T, f *fixture) string { return defaultCasesOf(t, f, itemPath, "rsClerk") }

// lineOf returns the line of src that holds s.
func lineOf(t *testing.T, src, s string) int {
	t.Helper()
	i := strings.Index(src, s)
	if i < 0 {
		t.Fatalf("the source lacks %q", s)
	}
	return 1 + strings.Count(src[:i], "\n")
}

// TestFirstRules: an administrator of another department writes the
// first rules of an item from the starting point the page offers, and
// test-runs them.
func TestFirstRules(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		t.Parallel()
		f := newFixture(t, d)
		code := approvaltest.ItemHukou
		path := "/approval/rulesets/" + code
		var starter string
		runScenarios(t, f, []scenario{
			{name: "the list opens an item by its code", path: "/approval/rulesets?item=" + strings.ToLower(code), as: "gaAdmin",
				status: http.StatusSeeOther, location: path},
			{name: "a code of another shape is refused", path: "/approval/rulesets?item=" + url.QueryEscape("../x"), as: "gaAdmin",
				status: http.StatusUnprocessableEntity},
			{name: "an item without rules offers a starting point", path: path, as: "gaAdmin", status: http.StatusOK,
				want:    []string{"该事项还没有任何版本的规则", "保存后将成为新版本的草稿", "valid_id_number"},
				notWant: []string{`action="` + path + `/test"`},
				check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
					starter = textarea(t, w.Body.String(), "source")
				}},
			{name: "the starting point compiles and is saved as version 1", method: http.MethodPost, path: path + "/draft", as: "gaAdmin",
				prepare: func(t *testing.T, f *fixture, sc *scenario) { sc.form = url.Values{"source": {starter}} },
				status:  http.StatusSeeOther, location: path, check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
					list, err := f.env.Store.ListRuleSets(context.Background(), code)
					if err != nil || len(list) != 1 || list[0].Status != approval.Draft || list[0].Source != starter {
						t.Errorf("versions %+v, %v; want the starter as a draft", list, err)
					}
				}},
			{name: "it is now in the department's list", path: "/approval/rulesets", as: "gaClerk", status: http.StatusOK,
				want: []string{code, "草稿", "尚未发布"}, notWant: []string{item}},
			{name: "the draft is test-run with the example input", method: http.MethodPost, path: path + "/test", as: "gaAdmin",
				prepare: func(t *testing.T, f *fixture, sc *scenario) {
					sc.form = url.Values{"version": {"1"}, "cases": {defaultCasesOf(t, f, path, "gaAdmin")}}
				}, status: http.StatusOK,
				want: []string{"第 1 版：1 个测试输入，1 个符合预期", "未设预期", `data-outcome="`}},
		})
	})
}

// textarea returns the content of the named textarea of a page.
func textarea(t *testing.T, body, name string) string {
	t.Helper()
	start := strings.Index(body, `name="`+name+`"`)
	if start < 0 {
		t.Fatalf("no textarea %s on the page:\n%s", name, body)
	}
	body = body[start:]
	open := strings.Index(body, ">")
	end := strings.Index(body, "</textarea>")
	return strings.TrimPrefix(htmlUnescape(body[open+1:end]), "\n")
}

// defaultCasesOf returns the test inputs a page starts with.
func defaultCasesOf(t *testing.T, f *fixture, path, as string) string {
	t.Helper()
	return textarea(t, f.run(t, scenario{path: path, as: as}).Body.String(), "cases")
}
