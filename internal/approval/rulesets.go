package approval

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// maxNote bounds an author's change note.
const maxNote = 500

// RuleSets returns an item's rule set versions, newest first, for its
// department's staff.
func (s *Service) RuleSets(ctx context.Context, actor *identity.Account, itemCode string) (*catalog.Item, []*RuleSet, error) {
	it, err := s.d.Catalog.FindItem(ctx, itemCode)
	if err != nil {
		return nil, nil, err
	}
	if err := mayTry(actor, it.Department, false); err != nil {
		return nil, nil, err
	}
	list, err := s.d.Store.ListRuleSets(ctx, it.Code)
	if err != nil {
		return nil, nil, fmt.Errorf("rule sets of %s: %w", it.Code, err)
	}
	return it, list, nil
}

// AllRuleSets returns the newest version of every item's rules that actor
// may see: all for platform administrators, their department's for other
// staff.
func (s *Service) AllRuleSets(ctx context.Context, actor *identity.Account) ([]*RuleSet, error) {
	if actor == nil || actor.Disabled {
		return nil, errSignIn()
	}
	if !actor.IsStaff() {
		return nil, errs.E(errs.Forbidden, "approval.forbidden_try", "只有部门工作人员可以查看秒批规则",
			"only department staff may see instant-approval rules")
	}
	all, err := s.d.Store.ListRuleSets(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("rule sets: %w", err)
	}
	var out []*RuleSet
	for _, rs := range all {
		it, err := s.d.Catalog.FindItem(ctx, rs.ItemCode)
		if err != nil {
			continue
		}
		if mayTry(actor, it.Department, false) == nil {
			out = append(out, rs)
		}
	}
	return out, nil
}

// RuleSet returns one version of an item's rules.
func (s *Service) RuleSet(ctx context.Context, actor *identity.Account, itemCode string, version int) (*RuleSet, error) {
	it, err := s.d.Catalog.FindItem(ctx, itemCode)
	if err != nil {
		return nil, err
	}
	if err := mayTry(actor, it.Department, false); err != nil {
		return nil, err
	}
	return s.d.Store.FindRuleSet(ctx, it.Code, version)
}

// SaveDraft stores src as the item's draft: a new version after the
// newest, or the existing draft replaced. A source that does not parse or
// compile is refused with every problem located, and nothing is stored.
// Saving clears the draft's test run: it must be tried again before it is
// published.
func (s *Service) SaveDraft(ctx context.Context, actor *identity.Account, itemCode string, src, note string) (*RuleSet, error) {
	it, err := s.d.Catalog.FindItem(ctx, itemCode)
	if err != nil {
		return nil, err
	}
	if err := mayAuthor(actor, it.Department); err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > maxNote {
		return nil, errs.Field("note", "approval.note", fmt.Sprintf("修改说明不超过 %d 字", maxNote), fmt.Sprintf("the note has at most %d characters", maxNote))
	}
	prg, err := s.Compile([]byte(src))
	if err != nil {
		return nil, err
	}
	list, err := s.d.Store.ListRuleSets(ctx, it.Code)
	if err != nil {
		return nil, fmt.Errorf("rule sets of %s: %w", it.Code, err)
	}
	now := s.now()
	if len(list) > 0 && list[0].Status == Draft {
		rs := list[0]
		rs.Name, rs.Source, rs.Note, rs.UpdatedAt = prg.Doc.Name, src, note, now
		rs.TestedAt, rs.TestSummary = time.Time{}, ""
		if err := s.d.Store.UpdateDraft(ctx, rs); err != nil {
			return nil, fmt.Errorf("save draft of %s: %w", it.Code, err)
		}
		return rs, nil
	}
	version := 1
	if len(list) > 0 {
		version = list[0].Version + 1
	}
	rs := &RuleSet{ItemCode: it.Code, Version: version, Name: prg.Doc.Name, Source: src, Status: Draft, Note: note,
		CreatedAt: now, UpdatedAt: now}
	if actor != nil {
		rs.CreatedBy, rs.CreatedByName = actor.ID, actor.DisplayName
	}
	if err := s.d.Store.CreateRuleSet(ctx, rs); err != nil {
		return nil, fmt.Errorf("create draft of %s: %w", it.Code, err)
	}
	return rs, nil
}

// TestCase is one input of a test run, with what its author expects.
type TestCase struct {
	Name  string  `json:"name"`
	Input Input   `json:"input"`
	Want  Outcome `json:"want,omitempty"`
}

// TestResult is one test case's evaluation.
type TestResult struct {
	Case       TestCase
	Evaluation *Evaluation
	// OK is false when the case wants an outcome and got another.
	OK bool
}

// TestRun evaluates cases with version (a draft, or any stored version)
// against the current registries, without creating applications; the
// reads are logged as the rules' with the reference 试运行. Running it on
// a draft records the run, which publishing requires.
func (s *Service) TestRun(ctx context.Context, actor *identity.Account, itemCode string, version int, tcs []TestCase) ([]TestResult, error) {
	it, err := s.d.Catalog.FindItem(ctx, itemCode)
	if err != nil {
		return nil, err
	}
	if err := mayTry(actor, it.Department, false); err != nil {
		return nil, err
	}
	if len(tcs) == 0 || len(tcs) > 100 {
		return nil, errs.Field("cases", "approval.test_cases", "请提供 1 至 100 个测试输入", "give 1 to 100 test inputs")
	}
	rs, err := s.d.Store.FindRuleSet(ctx, it.Code, version)
	if err != nil {
		return nil, err
	}
	prg, err := s.Compile([]byte(rs.Source))
	if err != nil {
		return nil, err
	}
	out := make([]TestResult, len(tcs))
	passed := 0
	who := "命令行"
	if actor != nil {
		who = actor.DisplayName
	}
	for i, tc := range tcs {
		if err := tc.Input.Check(); err != nil {
			return nil, fmt.Errorf("test case %d: %w", i+1, err)
		}
		ev := s.run(ctx, it, rs.Version, prg, &tc.Input, "试运行："+who)
		out[i] = TestResult{Case: tc, Evaluation: ev, OK: tc.Want == "" || tc.Want == ev.Outcome}
		if out[i].OK {
			passed++
		}
	}
	if rs.Status == Draft {
		// Only a run in which every expectation held clears the draft
		// for publishing.
		rs.TestedAt = time.Time{}
		if passed == len(tcs) {
			rs.TestedAt = s.now()
		}
		rs.TestSummary = fmt.Sprintf("%d 个测试输入，%d 个符合预期", len(tcs), passed)
		if err := s.d.Store.UpdateDraft(ctx, rs); err != nil {
			return nil, fmt.Errorf("record the test run: %w", err)
		}
	}
	return out, nil
}

// Publish makes the item's draft the rules that decide new applications.
// The draft must have been test-run since it was last changed, and every
// test case that named an expected outcome must have got it.
func (s *Service) Publish(ctx context.Context, actor *identity.Account, itemCode string, version int) (*RuleSet, error) {
	it, err := s.d.Catalog.FindItem(ctx, itemCode)
	if err != nil {
		return nil, err
	}
	if err := mayAuthor(actor, it.Department); err != nil {
		return nil, err
	}
	rs, err := s.d.Store.FindRuleSet(ctx, it.Code, version)
	if err != nil {
		return nil, err
	}
	if rs.Status != Draft {
		return nil, errs.E(errs.Conflict, "approval.not_draft", fmt.Sprintf("第 %d 版不是草稿，不能发布", version),
			fmt.Sprintf("version %d is not a draft", version))
	}
	if rs.TestedAt.IsZero() || rs.TestedAt.Before(rs.UpdatedAt) {
		return nil, errs.E(errs.Conflict, "approval.untested", "发布前请先试运行当前草稿，且每个测试输入都须符合预期",
			"test-run the current draft, with every test input getting its expected outcome, before publishing it")
	}
	if _, err := s.Compile([]byte(rs.Source)); err != nil {
		return nil, err
	}
	now := s.now()
	if err := s.d.Store.Publish(ctx, it.Code, version, actor.ID, actor.DisplayName, now); err != nil {
		return nil, fmt.Errorf("publish %s v%d: %w", it.Code, version, err)
	}
	s.forget(it.Code)
	rs.Status, rs.PublishedBy, rs.PublishedByName, rs.PublishedAt = Published, actor.ID, actor.DisplayName, now
	return rs, nil
}

// DryRun evaluates in with the item's published rules against the
// current registries without creating an application: what rule authors
// and the `pengcheng approval eval` command use. actor nil with operator
// true is the command line. The reads are logged as the rules' with the
// reference 试运行.
func (s *Service) DryRun(ctx context.Context, actor *identity.Account, operator bool, itemCode string, in *Input) (*Evaluation, error) {
	it, err := s.d.Catalog.FindItem(ctx, itemCode)
	if err != nil {
		return nil, err
	}
	if err := mayTry(actor, it.Department, operator); err != nil {
		return nil, err
	}
	if err := in.Check(); err != nil {
		return nil, err
	}
	rs, prg, err := s.current(ctx, it.Code)
	if err != nil {
		return nil, err
	}
	if rs == nil {
		return nil, errs.E(errs.NotFound, "approval.no_ruleset", "事项「"+it.Name+"」没有已发布的秒批规则",
			"the item "+it.Code+" has no published instant-approval rules")
	}
	who := "命令行"
	if actor != nil {
		who = actor.DisplayName
	}
	return s.run(ctx, it, rs.Version, prg, in, "试运行："+who), nil
}

// EnsurePublished publishes src as version 1 of the item's rules when the
// item has no rule set at all (the demo's defaults); it returns whether it
// did. An item whose rules an administrator has changed keeps them.
func (s *Service) EnsurePublished(ctx context.Context, itemCode string, src []byte) (bool, error) {
	list, err := s.d.Store.ListRuleSets(ctx, itemCode)
	if err != nil {
		return false, fmt.Errorf("rule sets of %s: %w", itemCode, err)
	}
	if len(list) > 0 {
		return false, nil
	}
	prg, err := s.Compile(src)
	if err != nil {
		return false, fmt.Errorf("default rules of %s: %w", itemCode, err)
	}
	now := s.now()
	rs := &RuleSet{ItemCode: itemCode, Version: 1, Name: prg.Doc.Name, Source: string(src), Status: Draft,
		Note: "演示城市默认规则", CreatedByName: "系统", CreatedAt: now, UpdatedAt: now, TestedAt: now,
		TestSummary: "默认规则，由评测用例集验证"}
	if err := s.d.Store.CreateRuleSet(ctx, rs); err != nil {
		return false, fmt.Errorf("create default rules of %s: %w", itemCode, err)
	}
	if err := s.d.Store.Publish(ctx, itemCode, 1, "", "系统", now); err != nil {
		return false, fmt.Errorf("publish default rules of %s: %w", itemCode, err)
	}
	s.forget(itemCode)
	return true, nil
}
