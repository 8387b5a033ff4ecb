package approvaltest_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/approval"
	"github.com/pengcheng-gov/pengcheng/internal/approval/approvaltest"
	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/cases/casestest"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/exchange"
	"github.com/pengcheng-gov/pengcheng/internal/notify"
)

// graduateSubmission is an application for 4403-SZRS-001 with the given
// form values over 王磊's, and every material but those in skip.
func graduateSubmission(form map[string]string, skip ...string) cases.Submission {
	f := map[string]string{"channel": "individual", "name": wangLei.name, "phone": "13912345678",
		"certificate_no": wangLei.cert, "degree_certificate_no": wangLei.degreeCert, "verification_code": "A1B2C3D4"}
	for k, v := range form {
		f[k] = v
	}
	var mats []cases.MaterialInput
	for _, name := range []string{"普通高等学校毕业证书", "学位证书（本科及以上学历须提供）", "居民身份证"} {
		drop := false
		for _, s := range skip {
			drop = drop || s == name
		}
		if !drop {
			mats = append(mats, cases.MaterialInput{Material: name, FileName: "scan.pdf", Content: bytes.NewReader(casestest.PDF(name))})
		}
	}
	return cases.Submission{ItemCode: approvaltest.ItemGraduate, Form: f, Materials: mats,
		Delivery: cases.Delivery{Method: cases.Pickup, Hall: cases.DefaultHalls()[0].Code}}
}

// newEnv is an Env whose clock is on 2026-07-15, two weeks after the demo
// graduates' graduation.
func newEnv(t *testing.T, d *db.DB) *approvaltest.Env {
	e := approvaltest.NewEnv(t, d)
	e.Clock.Advance(time.Date(2026, 7, 15, 2, 0, 0, 0, time.UTC).Sub(e.Clock.Now()))
	return e
}

// messagesTo returns the notices stored for a recipient.
func messagesTo(t *testing.T, e *approvaltest.Env, recipient string) []*notify.Message {
	t.Helper()
	list, _, err := e.Notify.Messages(context.Background(), e.PlatformAdmin, notify.MessageFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	var out []*notify.Message
	for _, m := range list {
		if m.Recipient == recipient {
			out = append(out, m)
		}
	}
	return out
}

// TestApprovalFlow: a graduate's application is approved as it is
// submitted, handed over to public security with the approved data, and
// the applicant is told by SMS and in the inbox — all in the transaction
// of the submission; the decision replays to the same outcome.
func TestApprovalFlow(t *testing.T) {
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		app, dec, err := e.Service.Submit(ctx, e.WangLei, graduateSubmission(nil))
		if err != nil {
			t.Fatal(err)
		}
		if dec == nil || dec.Outcome != approval.Approve || app.State != cases.Approved {
			t.Fatalf("decision %+v, state %s; want approve, approved", dec, app.State)
		}
		if dec.Serial != app.Serial || dec.TotalMicros <= 0 || len(dec.Reads) != 5 {
			t.Errorf("decision serial %q (app %q), %d µs, %d reads", dec.Serial, app.Serial, dec.TotalMicros, len(dec.Reads))
		}
		for _, r := range dec.Reads[:2] {
			if len(r.Records) != 1 || r.Records[0].Hash == "" || r.LogSeq == 0 {
				t.Errorf("read %s: %+v, want one record version with its hash and log entry", r.Name, r)
			}
		}
		// The hand-over: a linked case in SZGA's queue with the approved data.
		queue, _, err := e.Cases.Queue(ctx, e.SZGACaseworker, cases.QueueFilter{})
		if err != nil || len(queue) != 1 {
			t.Fatalf("SZGA queue: %d, %v; want the hand-over", len(queue), err)
		}
		h := queue[0]
		if h.ItemCode != approvaltest.ItemHukou || h.Origin != app.Serial || h.Channel != cases.Transfer ||
			h.Applicant.AccountID != e.WangLei.ID || h.Form["school"] != "武昌示范大学（演示）" || h.Form["hukou_division"] != "420106" {
			t.Errorf("hand-over = %+v", h)
		}
		// The applicant sees both, and the approval's trace names the hand-over.
		v, err := e.Cases.Application(ctx, e.WangLei, app.Serial)
		if err != nil {
			t.Fatal(err)
		}
		last := v.Trace[len(v.Trace)-1]
		if last.Action != cases.ActTransfer || last.Detail != h.Serial {
			t.Errorf("last event %+v, want the transfer to %s", last, h.Serial)
		}
		if _, err := e.Cases.Application(ctx, e.WangLei, h.Serial); err != nil {
			t.Errorf("the applicant cannot see the hand-over: %v", err)
		}
		// Notices: SMS to the form's phone and the inbox, naming both serials.
		sms := messagesTo(t, e, "13912345678")
		if len(sms) != 1 || !strings.Contains(sms[0].Body, app.Serial) || !strings.Contains(sms[0].Body, h.Serial) {
			t.Errorf("SMS = %+v", sms)
		}
		if inbox := messagesTo(t, e, e.WangLei.ID); len(inbox) != 1 || !strings.Contains(inbox[0].Body, "秒批") {
			t.Errorf("inbox = %+v", inbox)
		}
		// Replay gives the same outcome from the recorded inputs.
		r, err := e.Service.Replay(ctx, e.SZRSCaseworker, false, dec.ID)
		if err != nil || !r.Same {
			t.Errorf("replay: %+v, %v", r, err)
		}
		if _, err := e.Service.Replay(ctx, e.WangLei, false, dec.ID); !errs.Is(err, errs.Forbidden) {
			t.Errorf("a citizen replays: %v, want forbidden", err)
		}
	})
}

// TestRejectionAppealCorrection: an employer's application for a graduate
// who studied part-time is rejected with the reason and can be appealed
// to a caseworker; a missing material is returned for correction and the
// corrected application is decided again at once.
func TestRejectionAppealCorrection(t *testing.T) {
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		sub := graduateSubmission(map[string]string{"channel": "employer", "name": zhaoTing.name, "id_number": zhaoTing.id,
			"certificate_no": zhaoTing.cert, "degree_certificate_no": zhaoTing.degreeCert, "employer_phone": "13700001111"})
		app, dec, err := e.Service.Submit(ctx, e.Enterprise, sub)
		if err != nil {
			t.Fatal(err)
		}
		if dec.Outcome != approval.Reject || app.State != cases.Rejected {
			t.Fatalf("outcome %s, state %s; want reject, rejected", dec.Outcome, app.State)
		}
		v, _ := e.Cases.Application(ctx, e.Enterprise, app.Serial)
		if rej := v.Trace[len(v.Trace)-1]; !strings.Contains(rej.Reason, "非全日制") || rej.Role != cases.RoleSystem {
			t.Errorf("rejection event %+v", rej)
		}
		if sms := messagesTo(t, e, "13700001111"); len(sms) != 1 || !strings.Contains(sms[0].Body, zhaoTing.name) {
			t.Errorf("employer SMS = %+v", sms)
		}
		if _, err := e.Service.Appeal(ctx, e.WangLei, app.Serial, "", 0); !errs.Is(err, errs.NotFound) {
			t.Errorf("a stranger appeals: %v, want not found", err)
		}
		appealed, err := e.Service.Appeal(ctx, e.Enterprise, app.Serial, "学习形式登记有误", app.Version)
		if err != nil || appealed.State != cases.UnderReview {
			t.Fatalf("appeal: %+v, %v", appealed, err)
		}
		if _, err := e.Service.Appeal(ctx, e.Enterprise, app.Serial, "", 0); !errs.Is(err, errs.Conflict) {
			t.Errorf("second appeal: %v, want conflict", err)
		}

		// Correction: 王磊 forgets the degree certificate, then supplies it.
		app2, dec2, err := e.Service.Submit(ctx, e.WangLei, graduateSubmission(nil, "学位证书（本科及以上学历须提供）"))
		if err != nil {
			t.Fatal(err)
		}
		if dec2.Outcome != approval.Correction || app2.State != cases.Correction || len(app2.Corrections) != 1 || app2.Corrections[0] != "学位证书" {
			t.Fatalf("outcome %s, state %s, corrections %v", dec2.Outcome, app2.State, app2.Corrections)
		}
		fixed, dec3, err := e.Service.Resubmit(ctx, e.WangLei, app2.Serial, cases.Amendment{Materials: []cases.MaterialInput{{
			Material: "学位证书（本科及以上学历须提供）", FileName: "degree.pdf", Content: bytes.NewReader(casestest.PDF("degree"))}}})
		if err != nil {
			t.Fatal(err)
		}
		if dec3 == nil || dec3.Outcome != approval.Approve || fixed.State != cases.Approved {
			t.Fatalf("after correction: %+v, state %s", dec3, fixed.State)
		}
		_, list, err := e.Service.Decisions(ctx, e.WangLei, app2.Serial)
		if err != nil || len(list) != 2 {
			t.Errorf("decisions of the corrected application: %d, %v", len(list), err)
		}
	})
}

// TestMissingPolicyGoesToACaseworker: when public security's policy for
// SZRS is revoked, the population registry cannot be read; the rules that
// need it are indeterminate with the refusal recorded, and the
// application waits for a caseworker — never an automatic rejection.
func TestMissingPolicyGoesToACaseworker(t *testing.T) {
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		admin := e.PlatformAdmin
		pols, err := e.Exchange.Policies(ctx, admin, exchange.PolicyFilter{Department: "SZRS"})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pols {
			if p.Dataset == exchange.Population {
				if _, err := e.Exchange.RevokePolicy(ctx, admin, p.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		app, dec, err := e.Service.Submit(ctx, e.WangLei, graduateSubmission(nil))
		if err != nil {
			t.Fatal(err)
		}
		if dec.Outcome != approval.Manual || app.State != cases.Submitted {
			t.Fatalf("outcome %s, state %s; want manual, submitted", dec.Outcome, app.State)
		}
		if dec.Reads[0].Unavailable == "" || dec.Rules[0].Result != approval.Indeterminate {
			t.Errorf("population read %+v, identity rule %+v", dec.Reads[0], dec.Rules[0])
		}
		queue, _, err := e.Cases.Queue(ctx, e.SZRSCaseworker, cases.QueueFilter{})
		if err != nil || len(queue) != 1 || queue[0].Serial != app.Serial {
			t.Errorf("SZRS queue %d, %v", len(queue), err)
		}
	})
}

// TestRuleSetLifecycle: a draft that does not compile is refused with the
// place of every error and nothing stored; a valid draft must be tried
// before it is published; publishing retires the previous version and new
// applications are decided by the new one.
func TestRuleSetLifecycle(t *testing.T) {
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		srcs, _ := approval.DefaultSources()
		src := string(srcs[approvaltest.ItemGraduate])
		broken := strings.Replace(src, "person.status != '正常'", "person.status != ", 1)
		broken = strings.Replace(broken, "dataset: hr_agency", "dataset: hr_agencies", 1)
		_, err := e.Service.SaveDraft(ctx, e.SZRSAdmin, approvaltest.ItemGraduate, broken, "")
		if e := errs.As(err); e == nil || e.Kind != errs.Invalid || !strings.Contains(e.Msg, "rules[0].checks[2].fail_if") ||
			!strings.Contains(e.Msg, "hr_agencies") {
			t.Fatalf("broken draft: %v", err)
		}
		if _, list, _ := e.Service.RuleSets(ctx, e.SZRSAdmin, approvaltest.ItemGraduate); len(list) != 1 {
			t.Errorf("%d versions after a refused draft, want 1", len(list))
		}
		if _, err := e.Service.SaveDraft(ctx, e.SZRSCaseworker, approvaltest.ItemGraduate, src, ""); !errs.Is(err, errs.Forbidden) {
			t.Errorf("caseworker saves a draft: %v", err)
		}
		if _, err := e.Service.SaveDraft(ctx, e.SZGAAdmin, approvaltest.ItemGraduate, src, ""); !errs.Is(err, errs.Forbidden) {
			t.Errorf("another department's admin saves a draft: %v", err)
		}
		stricter := strings.Replace(src, "本科: 45", "本科: 23", 1)
		rs, err := e.Service.SaveDraft(ctx, e.SZRSAdmin, approvaltest.ItemGraduate, stricter, "本科年龄上限改为 23 岁")
		if err != nil || rs.Version != 2 || rs.Status != approval.Draft {
			t.Fatalf("draft: %+v, %v", rs, err)
		}
		if _, err := e.Service.Publish(ctx, e.SZRSAdmin, approvaltest.ItemGraduate, 2); !errs.Is(err, errs.Conflict) {
			t.Errorf("publish untested: %v, want conflict", err)
		}
		res, err := e.Service.TestRun(ctx, e.SZRSAdmin, approvaltest.ItemGraduate, 2,
			[]approval.TestCase{{Name: "王磊", Input: input(wangLei), Want: approval.Reject}})
		if err != nil || !res[0].OK {
			t.Fatalf("test run: %+v, %v", res, err)
		}
		if _, err := e.Service.Publish(ctx, e.SZRSAdmin, approvaltest.ItemGraduate, 2); err != nil {
			t.Fatal(err)
		}
		_, dec, err := e.Service.Submit(ctx, e.WangLei, graduateSubmission(nil))
		if err != nil || dec.RuleSetVersion != 2 || dec.Outcome != approval.Reject {
			t.Fatalf("decision under v2: %+v, %v", dec, err)
		}
		if v1, _ := e.Service.RuleSet(ctx, e.SZRSAdmin, approvaltest.ItemGraduate, 1); v1.Status != approval.Retired {
			t.Errorf("v1 status %s, want retired", v1.Status)
		}
	})
}
