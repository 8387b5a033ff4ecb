package approvalweb

import (
	"context"
	"embed"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/approval"
	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// listRow is an item with rules on the list page.
type listRow struct {
	Item      *catalog.Item
	Newest    *approval.RuleSet
	Published *approval.RuleSet // nil when no version is published
}

// listData is the data of the list page.
type listData struct {
	Rows []listRow
	// CanAuthor shows the form that opens another item's rules.
	CanAuthor bool
}

// itemCodeRE is the shape of a service item code.
var itemCodeRE = regexp.MustCompile(`^[0-9A-Z]{2,10}(-[0-9A-Z]{1,12}){1,3}$`)

// listPage lists the items with rule sets the viewer may see; with
// ?item=CODE it opens that item's page (to write its first rules).
func (h *Handlers) listPage(w http.ResponseWriter, r *http.Request) error {
	a := web.AccountFrom(r.Context())
	if code := strings.ToUpper(strings.TrimSpace(r.URL.Query().Get("item"))); code != "" {
		if !itemCodeRE.MatchString(code) {
			return errs.Field("item", "approval.item_code", "事项编码格式不正确", "that is not an item code")
		}
		http.Redirect(w, r, "/approval/rulesets/"+url.PathEscape(code), http.StatusSeeOther)
		return nil
	}
	newest, err := h.Service.AllRuleSets(r.Context(), a)
	if err != nil {
		return err
	}
	d := &listData{CanAuthor: approval.MayAuthor(a, a.Department)}
	for _, rs := range newest {
		it, list, err := h.Service.RuleSets(r.Context(), a, rs.ItemCode)
		if err != nil {
			return err
		}
		row := listRow{Item: it, Newest: rs}
		for _, v := range list {
			if v.Status == approval.Published {
				row.Published = v
				break
			}
		}
		d.Rows = append(d.Rows, row)
	}
	return h.Renderer.Page(w, r, http.StatusOK, module+"/rulesets", d)
}

// ruleSetData is the data of an item's rules page.
type ruleSetData struct {
	Item      *catalog.Item
	Versions  []*approval.RuleSet // newest first
	Draft     *approval.RuleSet   // nil when there is none
	Published *approval.RuleSet   // nil when none is published
	CanAuthor bool

	// The editor: the draft's source (else the newest version's, else a
	// starting point), as typed when saving failed.
	Source, Note string
	SaveErr      error
	Problems     []problem

	// The test run: its cases (JSON), the version tested, the results.
	Cases       string
	TestVersion int
	TestErr     error
	Results     []approval.TestResult
	Passed      int

	PublishErr error
}

// Tested reports whether the draft may be published: it was test-run
// since it last changed.
func (d *ruleSetData) Tested() bool { return tested(d.Draft) }

// load reads an item's rules for its page, with the editor and the test
// cases filled in.
func (h *Handlers) load(ctx context.Context, r *http.Request) (*ruleSetData, error) {
	a := web.AccountFrom(ctx)
	it, list, err := h.Service.RuleSets(ctx, a, r.PathValue("code"))
	if err != nil {
		return nil, err
	}
	d := &ruleSetData{Item: it, Versions: list, CanAuthor: approval.MayAuthor(a, it.Department),
		Source: starter(it), Cases: defaultCases(it.Code)}
	for _, rs := range list {
		switch {
		case rs.Status == approval.Draft && d.Draft == nil:
			d.Draft = rs
		case rs.Status == approval.Published && d.Published == nil:
			d.Published = rs
		}
	}
	if len(list) > 0 {
		d.Source, d.TestVersion = list[0].Source, list[0].Version
	}
	if d.Published != nil && d.Draft == nil {
		d.TestVersion = d.Published.Version
	}
	return d, nil
}

// ruleSetPage shows an item's versions, the editor, the test run and
// publication.
func (h *Handlers) ruleSetPage(w http.ResponseWriter, r *http.Request) error {
	d, err := h.load(r.Context(), r)
	if err != nil {
		return err
	}
	return h.Renderer.Page(w, r, http.StatusOK, module+"/ruleset", d)
}

// saveDraft saves the editor as the item's draft, or shows it again with
// every problem.
func (h *Handlers) saveDraft(w http.ResponseWriter, r *http.Request) error {
	d, err := h.load(r.Context(), r)
	if err != nil {
		return err
	}
	src := strings.ReplaceAll(r.PostFormValue("source"), "\r\n", "\n")
	note := r.PostFormValue("note")
	rs, err := h.Service.SaveDraft(r.Context(), web.AccountFrom(r.Context()), d.Item.Code, src, note)
	if err != nil {
		if !shown(err) {
			return err
		}
		d.Source, d.Note, d.SaveErr = src, note, err
		d.Problems = problems(err, src, web.LangFrom(r.Context()))
		return h.Renderer.Page(w, r, formStatus(err), module+"/ruleset", d)
	}
	h.Cookies.SetFlash(w, "approval.flash.saved")
	http.Redirect(w, r, "/approval/rulesets/"+url.PathEscape(rs.ItemCode)+"#test", http.StatusSeeOther)
	return nil
}

// testRun runs the posted test cases on a version and shows the results.
func (h *Handlers) testRun(w http.ResponseWriter, r *http.Request) error {
	a := web.AccountFrom(r.Context())
	code := r.PathValue("code")
	raw := r.PostFormValue("cases")
	version, verr := versionParam(r.PostFormValue("version"))
	var results []approval.TestResult
	tcs, err := parseCases(raw)
	if err == nil {
		err = verr
	}
	if err == nil {
		results, err = h.Service.TestRun(r.Context(), a, code, version, tcs)
	}
	if err != nil && !shown(err) {
		return err
	}
	d, lerr := h.load(r.Context(), r) // after the run, which a draft records
	if lerr != nil {
		return lerr
	}
	d.Cases, d.TestErr, d.Results = raw, err, results
	if verr == nil {
		d.TestVersion = version
	}
	for _, res := range results {
		if res.OK {
			d.Passed++
		}
	}
	status := http.StatusOK
	if err != nil {
		status = formStatus(err)
	}
	return h.Renderer.Page(w, r, status, module+"/ruleset", d)
}

// publish publishes the item's draft, or shows why it cannot be.
func (h *Handlers) publish(w http.ResponseWriter, r *http.Request) error {
	d, err := h.load(r.Context(), r)
	if err != nil {
		return err
	}
	version, err := versionParam(r.PostFormValue("version"))
	if err == nil {
		_, err = h.Service.Publish(r.Context(), web.AccountFrom(r.Context()), d.Item.Code, version)
	}
	if err != nil {
		if !shown(err) {
			return err
		}
		d.PublishErr = err
		return h.Renderer.Page(w, r, formStatus(err), module+"/ruleset", d)
	}
	h.Cookies.SetFlash(w, "approval.flash.published")
	http.Redirect(w, r, "/approval/rulesets/"+url.PathEscape(d.Item.Code), http.StatusSeeOther)
	return nil
}

// versionData is the data of one version's page.
type versionData struct {
	Item    *catalog.Item
	RuleSet *approval.RuleSet
}

// versionPage shows one version's source, read-only.
func (h *Handlers) versionPage(w http.ResponseWriter, r *http.Request) error {
	version, err := versionParam(r.PathValue("version"))
	if err != nil {
		return err
	}
	a := web.AccountFrom(r.Context())
	rs, err := h.Service.RuleSet(r.Context(), a, r.PathValue("code"), version)
	if err != nil {
		return err
	}
	it, err := h.Service.Item(r.Context(), rs.ItemCode)
	if err != nil {
		return err
	}
	return h.Renderer.Page(w, r, http.StatusOK, module+"/version", &versionData{Item: it, RuleSet: rs})
}

//go:embed testcases/*.json
var caseFiles embed.FS

// defaultCases returns the test cases the form starts with: the item's
// examples (testcases/CODE.json), else one input to adapt.
func defaultCases(itemCode string) string {
	b, err := caseFiles.ReadFile("testcases/" + itemCode + ".json")
	if err != nil {
		if b, err = caseFiles.ReadFile("testcases/example.json"); err != nil {
			panic(err) // embedded above
		}
	}
	return string(b)
}

// starter is the source offered for an item without rules.
func starter(it *catalog.Item) string {
	return "# " + it.Name + "（" + it.Code + "）秒批规则\nname: " + it.Name + "秒批规则\n" +
		"legal_basis: 请填写读取共享数据的法律依据\nparams: {}\nmaterials:\n  id_card: 居民身份证\nreads:\n" +
		"  - name: person\n    dataset: population\n    subject: input.applicant.id_number\n" +
		"rules:\n  - id: identity\n    name: 身份核验\n    checks:\n" +
		"      - fail_if: \"!valid_id_number(input.applicant.id_number)\"\n" +
		"        reason: 身份证号码 {input.applicant.id_number} 不是有效的居民身份证号码\n" +
		"      - unknown_if: size(reads.person) == 0\n        reason: 人口信息库中没有申请人的记录，需人工核验身份\n" +
		"    passed: 身份证号码有效\n"
}
