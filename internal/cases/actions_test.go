package cases_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/cases/casestest"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/notify"
)

// act takes an action and fails the test on error.
func (b *bundle) act(t *testing.T, actor *identity.Account, serial string, in cases.ActionInput) *cases.Application {
	t.Helper()
	app, err := b.Cases.Act(context.Background(), actor, serial, in)
	if err != nil {
		t.Fatalf("%s %s: %v", actor.DisplayName, in.Action, err)
	}
	return app
}

// trace returns "action:from>to" of each event.
func (b *bundle) trace(t *testing.T, actor *identity.Account, serial string) string {
	t.Helper()
	v, err := b.Cases.Application(context.Background(), actor, serial)
	if err != nil {
		t.Fatalf("view %s: %v", serial, err)
	}
	var parts []string
	for i, e := range v.Trace {
		if e.Seq != i+1 {
			t.Errorf("event %d has seq %d", i, e.Seq)
		}
		parts = append(parts, string(e.Action)+":"+string(e.From)+">"+string(e.To))
	}
	return strings.Join(parts, " ")
}

func TestLifecycleWithTraceDeadlineAndNotices(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d)
		ctx := context.Background()
		// Friday 13 February 2026, 10:00 in China: 春节 starts on the 15th.
		b.Clock.Advance(casestest.Day(2026, 2, 13, 10).Sub(b.Clock.Now()))
		app := casestest.Submit(t, b.Env, b.citizen, nil)
		s := app.Serial
		if !strings.HasPrefix(s, "44030020260213") {
			t.Errorf("serial %s does not carry the region and the day", s)
		}
		app = b.act(t, b.workerA, s, cases.ActionInput{Action: cases.ActReturn, Items: []string{"毕业证书扫描件不清晰\n请补充学位证书", "  "}})
		if app.State != cases.Correction || len(app.Corrections) != 2 || app.Assignee != b.workerA.ID {
			t.Fatalf("after return: %s %v assignee %s", app.State, app.Corrections, app.Assignee)
		}
		app, err := b.Cases.Resubmit(ctx, b.citizen, s, cases.Amendment{Version: app.Version,
			Materials: casestest.Materials(casestest.ItemHukou, false)[1:2]})
		if err != nil || app.State != cases.Submitted || app.Corrections != nil {
			t.Fatalf("resubmit: %v, %+v", err, app)
		}
		app = b.act(t, b.workerA, s, cases.ActionInput{Action: cases.ActAccept, Version: app.Version})
		// Promised 5 working days from Friday 13 Feb: the 14th (working
		// Saturday), then after 春节 the 24th, 25th, 26th and 27th.
		if want := casestest.Day(2026, 2, 28, 0).Add(-time.Millisecond); !app.DueAt.Equal(want) {
			t.Errorf("due %s, want %s", app.DueAt.In(cases.ChinaTime()), want.In(cases.ChinaTime()))
		}
		app = b.act(t, b.workerA, s, cases.ActionInput{Action: cases.ActReview})
		app = b.act(t, b.workerA, s, cases.ActionInput{Action: cases.ActApprove, Reason: "符合条件"})
		if app.DecidedAt.IsZero() || app.State != cases.Approved {
			t.Errorf("after approve: %+v", app)
		}
		app = b.act(t, b.workerA, s, cases.ActionInput{Action: cases.ActDeliver})
		app = b.act(t, b.workerA, s, cases.ActionInput{Action: cases.ActClose})
		if app.State != cases.Closed || app.ClosedAt.IsZero() || app.Version != 8 {
			t.Errorf("after close: %s closed %v version %d", app.State, app.ClosedAt, app.Version)
		}
		want := "submit:draft>submitted return:submitted>correction resubmit:correction>submitted accept:submitted>accepted " +
			"review:accepted>under_review approve:under_review>approved deliver:approved>delivered close:delivered>closed"
		if got := b.trace(t, b.citizen, s); got != want {
			t.Errorf("trace:\n got %s\nwant %s", got, want)
		}
		v, _ := b.Cases.Application(ctx, b.workerA, s)
		if ev := v.Trace[1]; ev.ActorID != b.workerA.ID || ev.ActorName != "甲窗口一" || len(ev.Items) != 2 || ev.Role != cases.RoleCaseworker {
			t.Errorf("return event = %+v", ev)
		}
		// Every state change told the citizen in the app and by SMS.
		inapp, _, _ := b.Messages.FindMessages(ctx, notify.MessageFilter{Channel: notify.InApp, AccountID: b.citizen.ID, Purpose: cases.PurposeProgress})
		sms, _, _ := b.Messages.FindMessages(ctx, notify.MessageFilter{Channel: notify.SMS, Recipient: "13800138000", Purpose: cases.PurposeProgress})
		if len(inapp) != 8 || len(sms) != 8 {
			t.Errorf("notices: %d in-app, %d SMS; want 8 each", len(inapp), len(sms))
		}
		if len(sms) > 0 && !strings.Contains(sms[len(sms)-1].Body, s) {
			t.Errorf("first SMS %q lacks the serial number", sms[len(sms)-1].Body)
		}
	})
}

func TestActAuthorisationAndIllegalTransitionsChangeNothing(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d)
		ctx := context.Background()
		app := casestest.Submit(t, b.Env, b.citizen, nil)
		s := app.Serial
		tests := []struct {
			name  string
			actor *identity.Account
			in    cases.ActionInput
			kind  errs.Kind
			code  string
		}{
			{"the citizen approves", b.citizen, cases.ActionInput{Action: cases.ActApprove}, errs.Forbidden, "case.forbidden"},
			{"the citizen accepts", b.citizen, cases.ActionInput{Action: cases.ActAccept}, errs.Forbidden, "case.forbidden"},
			{"another citizen withdraws", b.other, cases.ActionInput{Action: cases.ActWithdraw}, errs.NotFound, "case.not_found"},
			{"another department accepts", b.workerB, cases.ActionInput{Action: cases.ActAccept}, errs.NotFound, "case.not_found"},
			{"staff without the role accepts", b.adminA, cases.ActionInput{Action: cases.ActAccept}, errs.NotFound, "case.not_found"},
			{"anonymous", nil, cases.ActionInput{Action: cases.ActAccept}, errs.Unauthenticated, "auth.required"},
			{"approve before review", b.workerA, cases.ActionInput{Action: cases.ActApprove}, errs.Conflict, "case.transition"},
			{"caseworker withdraws", b.workerA, cases.ActionInput{Action: cases.ActWithdraw}, errs.Forbidden, "case.forbidden"},
			{"return without a checklist", b.workerA, cases.ActionInput{Action: cases.ActReturn, Items: []string{" "}}, errs.Invalid, "case.items"},
			{"refuse without reasons", b.workerA, cases.ActionInput{Action: cases.ActRefuse}, errs.Invalid, "case.reason_required"},
			{"stale version", b.workerA, cases.ActionInput{Action: cases.ActAccept, Version: 7}, errs.Conflict, "case.stale"},
			{"handover to another department", b.workerA, cases.ActionInput{Action: cases.ActHandover, Assignee: b.workerB.ID}, errs.Invalid, "case.assignee"},
			{"handover to oneself", b.workerA, cases.ActionInput{Action: cases.ActHandover, Assignee: b.workerA.ID}, errs.Invalid, "case.assignee"},
			{"handover to a citizen", b.workerA, cases.ActionInput{Action: cases.ActHandover, Assignee: b.citizen.ID}, errs.Invalid, "case.assignee"},
			{"ship before approval", b.workerA, cases.ActionInput{Action: cases.ActShip, TrackingNo: "EMS123456"}, errs.Conflict, "case.transition"},
			{"submit through Act", b.citizen, cases.ActionInput{Action: cases.ActSubmit}, errs.Invalid, "case.action"},
			{"unknown action", b.workerA, cases.ActionInput{Action: "explode"}, errs.Invalid, "case.action"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := b.Cases.Act(ctx, tt.actor, s, tt.in)
				if e := errs.As(err); e == nil || e.Kind != tt.kind || e.Code != tt.code {
					t.Errorf("got %v, want %v %s", err, tt.kind, tt.code)
				}
			})
		}
		v, err := b.Cases.Application(ctx, b.citizen, s)
		if err != nil || v.App.State != cases.Submitted || v.App.Version != 1 || len(v.Trace) != 1 || v.App.Assignee != "" {
			t.Errorf("after refused actions: %+v (%v)", v, err)
		}
		// Someone else's serial number is not found, exactly like a made-up one.
		_, e1 := b.Cases.Application(ctx, b.other, s)
		never, _ := cases.FormatSerial("440300", b.Clock.Now(), 999)
		_, e2 := b.Cases.Application(ctx, b.other, never)
		if !errs.Is(e1, errs.NotFound) || e1.Error() != e2.Error() {
			t.Errorf("another's serial: %v; unknown serial: %v; want the same NotFound", e1, e2)
		}
	})
}

func TestConcurrentCaseworkersOneWins(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d)
		app := casestest.Submit(t, b.Env, b.citizen, nil)
		var wg sync.WaitGroup
		results := make([]error, 2)
		for i, w := range []*identity.Account{b.workerA, b.workerA2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, results[i] = b.Cases.Act(context.Background(), w, app.Serial, cases.ActionInput{Action: cases.ActAccept, Version: 1})
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range results {
			if err == nil {
				ok++
			} else if !errs.Is(err, errs.Conflict) {
				t.Errorf("loser got %v, want Conflict", err)
			}
		}
		if ok != 1 {
			t.Errorf("%d of 2 concurrent accepts succeeded, want 1", ok)
		}
		if got := b.trace(t, b.citizen, app.Serial); got != "submit:draft>submitted accept:submitted>accepted" {
			t.Errorf("trace = %s", got)
		}
	})
}

func TestClaimHandoverWithdraw(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d)
		ctx := context.Background()
		app := casestest.Submit(t, b.Env, b.citizen, nil)
		s := app.Serial
		app = b.act(t, b.workerA, s, cases.ActionInput{Action: cases.ActClaim})
		if app.Assignee != b.workerA.ID || app.State != cases.Submitted {
			t.Errorf("after claim: %+v", app)
		}
		if _, err := b.Cases.Act(ctx, b.workerA2, s, cases.ActionInput{Action: cases.ActClaim}); !errs.Is(err, errs.Conflict) {
			t.Errorf("claiming a claimed application: %v", err)
		}
		app = b.act(t, b.workerA, s, cases.ActionInput{Action: cases.ActHandover, Assignee: b.workerA2.ID, Reason: "休假"})
		if app.Assignee != b.workerA2.ID || app.AssigneeName != "甲窗口二" {
			t.Errorf("after handover: %s %s", app.Assignee, app.AssigneeName)
		}
		mine, _, err := b.Cases.Queue(ctx, b.workerA2, cases.QueueFilter{Mine: true})
		if err != nil || len(mine) != 1 {
			t.Errorf("workerA2's own queue = %d, %v", len(mine), err)
		}
		b.act(t, b.workerA2, s, cases.ActionInput{Action: cases.ActAccept})
		app = b.act(t, b.citizen, s, cases.ActionInput{Action: cases.ActWithdraw, Reason: "已在别处办理"})
		if app.State != cases.Withdrawn || app.ClosedAt.IsZero() {
			t.Errorf("after withdraw: %+v", app)
		}
		if _, err := b.Cases.Act(ctx, b.workerA2, s, cases.ActionInput{Action: cases.ActReview}); !errs.Is(err, errs.Conflict) {
			t.Errorf("reviewing a withdrawn application: %v", err)
		}
		// Withdrawal is only before a decision.
		done := casestest.Advance(t, b.Env, casestest.Submit(t, b.Env, b.citizen, nil), b.workerA, cases.Approved)
		if _, err := b.Cases.Act(ctx, b.citizen, done.Serial, cases.ActionInput{Action: cases.ActWithdraw}); !errs.Is(err, errs.Conflict) {
			t.Errorf("withdrawing an approved application: %v", err)
		}
		cols, err := b.Cases.Colleagues(ctx, b.workerA)
		if err != nil || len(cols) != 1 || cols[0].ID != b.workerA2.ID {
			t.Errorf("colleagues = %+v, %v", cols, err)
		}
	})
}

func TestPostalDelivery(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d)
		ctx := context.Background()
		post := &cases.Delivery{Method: cases.Post, Recipient: "张三", Phone: "13800138000", Address: "深圳市宝安区新安街道 1 号"}
		app := casestest.Advance(t, b.Env, casestest.Submit(t, b.Env, b.citizen, &casestest.SubmitOpts{Delivery: post}), b.workerA, cases.Approved)
		s := app.Serial
		for _, tt := range []struct {
			in   cases.ActionInput
			code string
		}{
			{cases.ActionInput{Action: cases.ActDeliver}, "delivery.by_courier"},
			{cases.ActionInput{Action: cases.ActTrack, Status: cases.InTransit}, "delivery.not_shipped"},
			{cases.ActionInput{Action: cases.ActShip, TrackingNo: "x"}, "delivery.tracking_no"},
		} {
			if _, err := b.Cases.Act(ctx, b.workerA, s, tt.in); errs.As(err) == nil || errs.As(err).Code != tt.code {
				t.Errorf("%s: %v, want %s", tt.in.Action, err, tt.code)
			}
		}
		app = b.act(t, b.workerA, s, cases.ActionInput{Action: cases.ActShip, TrackingNo: " ems1151234567890 "})
		if d := app.Delivery; d.TrackingNo != "EMS1151234567890" || d.Courier != "manual" || d.Status != cases.HandedOver || app.State != cases.Approved {
			t.Errorf("after ship: %+v", d)
		}
		if _, err := b.Cases.Act(ctx, b.workerA, s, cases.ActionInput{Action: cases.ActShip, TrackingNo: "EMS999999"}); !errs.Is(err, errs.Conflict) {
			t.Errorf("shipping twice: %v", err)
		}
		b.act(t, b.workerA, s, cases.ActionInput{Action: cases.ActTrack, Status: cases.InTransit})
		app = b.act(t, b.workerA, s, cases.ActionInput{Action: cases.ActTrack, Status: cases.Received})
		if app.State != cases.Delivered || app.Delivery.Status != cases.Received {
			t.Errorf("after receipt: %s %s", app.State, app.Delivery.Status)
		}
		want := "submit:draft>submitted accept:submitted>accepted review:accepted>under_review approve:under_review>approved " +
			"ship:approved>approved track:approved>approved track:approved>delivered"
		if got := b.trace(t, b.citizen, s); got != want {
			t.Errorf("trace:\n got %s\nwant %s", got, want)
		}
		// The manual courier cannot be polled: syncing changes nothing.
		if n, err := b.Cases.SyncShipments(ctx, 100); err != nil || n != 0 {
			t.Errorf("SyncShipments = %d, %v", n, err)
		}
	})
}

// ems is a courier whose API reports a status.
type ems struct{ status cases.ShipmentStatus }

func (ems) Name() string { return "ems" }
func (ems) Ship(context.Context, cases.Shipment) (string, error) {
	return "1151234567890", nil
}
func (e ems) Status(context.Context, string) (cases.ShipmentStatus, error) { return e.status, nil }

func TestCourierAdapter(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t, db.SQLite)
	b := setup(t, d)
	ctx := context.Background()
	svc, err := cases.NewService(cases.Deps{Store: b.Store, Catalog: b.Catalog, Accounts: b.Service, Files: b.Files,
		Courier: ems{status: cases.Received}, Now: b.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	post := &cases.Delivery{Method: cases.Post, Recipient: "张三", Phone: "13800138000", Address: "深圳市宝安区新安街道 1 号"}
	app := casestest.Advance(t, b.Env, casestest.Submit(t, b.Env, b.citizen, &casestest.SubmitOpts{Delivery: post}), b.workerA, cases.Approved)
	if app, err = svc.Act(ctx, b.workerA, app.Serial, cases.ActionInput{Action: cases.ActShip}); err != nil || app.Delivery.TrackingNo != "1151234567890" {
		t.Fatalf("ship through the API courier: %+v, %v", app, err)
	}
	if n, err := svc.SyncShipments(ctx, 100); err != nil || n != 1 {
		t.Fatalf("SyncShipments = %d, %v", n, err)
	}
	v, _ := svc.Application(ctx, b.citizen, app.Serial)
	last := v.Trace[len(v.Trace)-1]
	if v.App.State != cases.Delivered || last.Role != cases.RoleSystem || last.ActorID != "" || last.Detail != "delivered" {
		t.Errorf("after sync: %s, last event %+v", v.App.State, last)
	}
}

func TestMaterialDownloads(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d)
		ctx := context.Background()
		agent := casestest.Submit(t, b.Env, b.citizen, &casestest.SubmitOpts{Principal: &cases.Party{Name: "王老五", Number: principalID}})
		window := casestest.Submit(t, b.Env, b.workerB, &casestest.SubmitOpts{Principal: visitor})
		tests := []struct {
			name  string
			actor *identity.Account
			app   *cases.Application
			ok    bool
		}{
			{"the agent", b.citizen, agent, true},
			{"the principal", b.principal, agent, true},
			{"the handling department", b.workerA, agent, true},
			{"another department", b.workerB, agent, false},
			{"another citizen", b.other, agent, false},
			{"staff of the department without the role", b.adminA, agent, false},
			{"a window clerk of another department who filed it", b.workerB, window, false},
			{"the handling department of the window application", b.workerA2, window, true},
		}
		for _, tt := range tests {
			rc, a, err := b.Cases.OpenMaterial(ctx, tt.actor, tt.app.Serial, 1)
			if tt.ok != (err == nil) {
				t.Errorf("%s: error %v, want ok %v", tt.name, err, tt.ok)
				continue
			}
			if err == nil {
				body, _ := io.ReadAll(rc)
				rc.Close()
				if !strings.HasPrefix(string(body), "%PDF-") || a.Material != "毕业证书" {
					t.Errorf("%s: got %s %q…", tt.name, a.Material, body[:8])
				}
			} else if !errs.Is(err, errs.NotFound) {
				t.Errorf("%s: %v, want NotFound", tt.name, err)
			}
		}
		// The exchange material has no file.
		if _, _, err := b.Cases.OpenMaterial(ctx, b.citizen, agent.Serial, 2); !errs.Is(err, errs.NotFound) {
			t.Errorf("exchange material: %v", err)
		}
		// The window clerk sees what they filed, without downloads.
		v, err := b.Cases.Application(ctx, b.workerB, window.Serial)
		if err != nil || v.Download || v.Role != cases.RoleApplicant {
			t.Errorf("window clerk's view: %+v, %v", v, err)
		}
	})
}

func TestWindowClerkActsForTheVisitor(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t, db.SQLite)
	b := setup(t, d)
	ctx := context.Background()
	app := casestest.Submit(t, b.Env, b.workerA, &casestest.SubmitOpts{Principal: visitor})
	v, err := b.Cases.Application(ctx, b.workerA, app.Serial)
	if err != nil || v.Role != cases.RoleCaseworker || fmt.Sprint(v.Allowed) != "[accept return refuse withdraw claim handover]" {
		t.Fatalf("clerk's view: %v %v (%v)", v.Role, v.Allowed, err)
	}
	b.act(t, b.workerA2, app.Serial, cases.ActionInput{Action: cases.ActReturn, Items: []string{"请补充毕业证书"}})
	if _, err := b.Cases.Resubmit(ctx, b.workerA, app.Serial, cases.Amendment{}); err != nil {
		t.Fatalf("the clerk resubmits for the visitor: %v", err)
	}
	if _, err := b.Cases.Resubmit(ctx, b.workerA2, app.Serial, cases.Amendment{}); !errs.Is(err, errs.Forbidden) {
		t.Errorf("another caseworker resubmits: %v, want Forbidden", err)
	}
	if _, err := b.Cases.Act(ctx, b.workerA2, app.Serial, cases.ActionInput{Action: cases.ActWithdraw}); !errs.Is(err, errs.Forbidden) {
		t.Errorf("another caseworker withdraws: %v, want Forbidden", err)
	}
	b.act(t, b.workerA, app.Serial, cases.ActionInput{Action: cases.ActWithdraw, Reason: "来访人当面撤回"})
	if got := b.trace(t, b.workerA, app.Serial); got != "submit:draft>submitted return:submitted>correction resubmit:correction>submitted withdraw:submitted>withdrawn" {
		t.Errorf("trace = %s", got)
	}
}
