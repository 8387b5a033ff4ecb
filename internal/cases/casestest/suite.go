package casestest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// SuiteEnv is what the store suite needs: a new, empty store and the rows
// its applications refer to.
type SuiteEnv struct {
	Store cases.Store
	// ItemA belongs to DeptA, ItemB to DeptB.
	ItemA, DeptA string
	ItemB, DeptB string
	// Account1 and Account2 are two accounts.
	Account1, Account2 string
}

// StoreSuite is the contract every cases.Store must pass.
func StoreSuite(t *testing.T, newEnv func(t *testing.T) SuiteEnv) {
	t.Run("create and find", func(t *testing.T) { t.Parallel(); testCreateFind(t, newEnv(t)) })
	t.Run("serial sequences", func(t *testing.T) { t.Parallel(); testSerialSequences(t, newEnv(t)) })
	t.Run("failed create", func(t *testing.T) { t.Parallel(); testFailedCreate(t, newEnv(t)) })
	t.Run("update with versions", func(t *testing.T) { t.Parallel(); testUpdate(t, newEnv(t)) })
	t.Run("find applications", func(t *testing.T) { t.Parallel(); testFind(t, newEnv(t)) })
	t.Run("1000 concurrent submissions", func(t *testing.T) { t.Parallel(); testConcurrentSerials(t, newEnv(t), 1000) })
}

// s0 is the suite's reference time: 10:00 China time, whole seconds.
var s0 = time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)

// newApp returns an application of item/dept submitted at at by account,
// with its submission event.
func newApp(item, dept, account string, at time.Time) (*cases.Application, *cases.Event) {
	app := &cases.Application{
		ID: ids.New(), ItemCode: item, ItemName: "事项 " + item, Department: dept, Region: "440300", PromisedDays: 5,
		State: cases.Submitted, Channel: cases.Online, Representation: cases.Self,
		Applicant: cases.Party{Kind: catalog.ApplicantPerson, Name: "申请人", Number: "440306199001011234", AccountID: account},
		FiledBy:   account, FiledByName: "申请人", ContactPhone: "13800138000",
		Form: map[string]string{"purpose": "测试"},
		Materials: []cases.Attachment{{Material: "身份证", Kind: cases.ByUpload, SHA256: fmt.Sprintf("%064x", 1), FileName: "id.pdf", Size: 10, ContentType: "application/pdf"},
			{Material: "户口簿", Kind: cases.ByExchange}},
		Corrections: []string{},
		Delivery:    cases.Delivery{Method: cases.Pickup, Hall: "SMZX"},
		SubmittedAt: at, CreatedAt: at, UpdatedAt: at, Version: 1,
	}
	ev := &cases.Event{ID: ids.New(), ApplicationID: app.ID, Seq: 1, At: at, ActorID: account, ActorName: "申请人",
		Role: cases.RoleApplicant, Action: cases.ActSubmit, From: cases.Draft, To: cases.Submitted, Items: []string{}}
	return app, ev
}

func create(t *testing.T, s cases.Store, app *cases.Application, ev *cases.Event) {
	t.Helper()
	if err := s.CreateApplication(context.Background(), app, []*cases.Event{ev}); err != nil {
		t.Fatalf("CreateApplication: %v", err)
	}
}

func wantKind(t *testing.T, what string, err error, kind errs.Kind) {
	t.Helper()
	if got := errs.KindOf(err); err == nil || got != kind {
		t.Errorf("%s: got error %v (kind %v), want kind %v", what, err, got, kind)
	}
}

func testCreateFind(t *testing.T, e SuiteEnv) {
	ctx := context.Background()
	app, ev := newApp(e.ItemA, e.DeptA, e.Account1, s0)
	app.Agent = cases.Party{Kind: catalog.ApplicantPerson, Name: "代理人", Number: "440306199001011234", AccountID: e.Account2}
	app.Representation = cases.ThroughAgent
	app.Delivery = cases.Delivery{Method: cases.Post, Recipient: "张三", Phone: "13800138000", Address: "深圳市宝安区新安街道 1 号",
		Postcode: "518101", Courier: "manual", TrackingNo: "EMS123456", Status: cases.HandedOver, StatusAt: s0.Add(time.Hour)}
	create(t, e.Store, app, ev)
	sr, err := cases.ParseSerial(app.Serial)
	if err != nil || sr.Region != "440300" || sr.Seq != 1 || sr.Day.Format("20060102") != "20260302" {
		t.Fatalf("serial %s: %+v, %v; want 440300, 20260302, 1", app.Serial, sr, err)
	}
	byID, err := e.Store.FindApplication(ctx, app.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(app, byID); d != "" {
		t.Errorf("FindApplication differs (-stored +found):\n%s", d)
	}
	bySerial, err := e.Store.FindApplicationBySerial(ctx, app.Serial)
	if err != nil || bySerial.ID != app.ID {
		t.Errorf("FindApplicationBySerial = %v, %v", bySerial, err)
	}
	evs, err := e.Store.FindEvents(ctx, app.ID)
	if err != nil || len(evs) != 1 {
		t.Fatalf("FindEvents = %v, %v", evs, err)
	}
	if d := cmp.Diff(ev, evs[0]); d != "" {
		t.Errorf("event differs:\n%s", d)
	}
	_, err = e.Store.FindApplication(ctx, ids.New())
	wantKind(t, "unknown id", err, errs.NotFound)
	never, _ := cases.FormatSerial("440300", s0, 999)
	_, err = e.Store.FindApplicationBySerial(ctx, never)
	wantKind(t, "unknown serial", err, errs.NotFound)
}

func testSerialSequences(t *testing.T, e SuiteEnv) {
	type sub struct {
		region string
		at     time.Time
		seq    int
	}
	late := time.Date(2026, 3, 2, 15, 59, 59, 0, time.UTC) // 23:59:59 in China
	next := late.Add(time.Second)                          // 00:00 on 3 March in China
	for i, s := range []sub{
		{"440300", s0, 1}, {"440300", s0.Add(time.Minute), 2}, {"440306", s0, 1},
		{"440300", late, 3}, {"440300", next, 1}, {"440306", next, 1}, {"440300", next, 2},
	} {
		app, ev := newApp(e.ItemA, e.DeptA, e.Account1, s.at)
		app.Region = s.region
		create(t, e.Store, app, ev)
		p, err := cases.ParseSerial(app.Serial)
		if err != nil || p.Region != s.region || p.Seq != s.seq || p.Day.Format("20060102") != cases.SerialDay(s.at) {
			t.Errorf("submission %d: serial %s (%+v, %v), want region %s day %s seq %d", i, app.Serial, p, err, s.region, cases.SerialDay(s.at), s.seq)
		}
	}
}

func testFailedCreate(t *testing.T, e SuiteEnv) {
	ctx := context.Background()
	bad, ev := newApp("4403-NONE-999", e.DeptA, e.Account1, s0)
	err := e.Store.CreateApplication(ctx, bad, []*cases.Event{ev})
	wantKind(t, "unknown item", err, errs.Invalid)
	if bad.Serial != "" {
		t.Errorf("a failed create left serial %s on the application", bad.Serial)
	}
	if _, err := e.Store.FindApplication(ctx, bad.ID); !errs.Is(err, errs.NotFound) {
		t.Errorf("the failed application was stored: %v", err)
	}
	a, ev := newApp(e.ItemA, e.DeptA, e.Account1, s0)
	create(t, e.Store, a, ev)
	b, ev := newApp(e.ItemA, e.DeptA, e.Account1, s0)
	create(t, e.Store, b, ev)
	if a.Serial == b.Serial {
		t.Errorf("two applications share serial %s", a.Serial)
	}
	dup, ev := newApp(e.ItemA, e.DeptA, e.Account1, s0)
	dup.ID = a.ID
	wantKind(t, "duplicate id", e.Store.CreateApplication(ctx, dup, []*cases.Event{ev}), errs.Conflict)
}

func testUpdate(t *testing.T, e SuiteEnv) {
	ctx := context.Background()
	app, ev := newApp(e.ItemA, e.DeptA, e.Account1, s0)
	create(t, e.Store, app, ev)
	at := s0.Add(time.Hour)
	app.State, app.AcceptedAt, app.DueAt = cases.Accepted, at, at.Add(72*time.Hour)
	app.Assignee, app.AssigneeName, app.Version, app.UpdatedAt = e.Account2, "窗口人员", 2, at
	app.Corrections = []string{"重新上传身份证"}
	accept := &cases.Event{ID: ids.New(), ApplicationID: app.ID, Seq: 2, At: at, ActorID: e.Account2, ActorName: "窗口人员",
		Role: cases.RoleCaseworker, Action: cases.ActAccept, From: cases.Submitted, To: cases.Accepted, Reason: "齐全", Items: []string{"a", "b"}, Detail: "2026-03-09"}
	if err := e.Store.UpdateApplication(ctx, app, accept); err != nil {
		t.Fatalf("UpdateApplication: %v", err)
	}
	got, err := e.Store.FindApplication(ctx, app.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(app, got); d != "" {
		t.Errorf("after update (-want +got):\n%s", d)
	}
	// A stale writer (it read version 1) changes nothing.
	stale := *got
	stale.State, stale.Version = cases.Withdrawn, 2
	withdraw := &cases.Event{ID: ids.New(), ApplicationID: app.ID, Seq: 2, At: at, Role: cases.RoleApplicant,
		Action: cases.ActWithdraw, From: cases.Submitted, To: cases.Withdrawn, ActorName: "申请人"}
	wantKind(t, "stale update", e.Store.UpdateApplication(ctx, &stale, withdraw), errs.Conflict)
	after, _ := e.Store.FindApplication(ctx, app.ID)
	evs, _ := e.Store.FindEvents(ctx, app.ID)
	if after.State != cases.Accepted || after.Version != 2 || len(evs) != 2 {
		t.Errorf("after a stale update: state %s version %d events %d, want accepted 2 2", after.State, after.Version, len(evs))
	}
	if evs[0].Action != cases.ActSubmit || evs[1].Action != cases.ActAccept || evs[1].Detail != "2026-03-09" || len(evs[1].Items) != 2 {
		t.Errorf("trace = %+v %+v", evs[0], evs[1])
	}
	ghost, gev := newApp(e.ItemA, e.DeptA, e.Account1, s0)
	ghost.Version = 2
	gev.Seq = 2
	wantKind(t, "unknown application", e.Store.UpdateApplication(ctx, ghost, gev), errs.NotFound)
}

func testFind(t *testing.T, e SuiteEnv) {
	ctx := context.Background()
	type spec struct {
		item, dept, account string
		state               cases.State
		due                 time.Duration // after s0; 0 for none
		assignee            string
	}
	specs := []spec{
		{e.ItemA, e.DeptA, e.Account1, cases.Submitted, 0, ""},
		{e.ItemA, e.DeptA, e.Account1, cases.Accepted, 48 * time.Hour, e.Account2},
		{e.ItemA, e.DeptA, e.Account2, cases.Accepted, 24 * time.Hour, ""},
		{e.ItemB, e.DeptB, e.Account2, cases.UnderReview, 12 * time.Hour, e.Account1},
		{e.ItemB, e.DeptB, e.Account1, cases.Closed, 0, ""},
	}
	apps := make([]*cases.Application, len(specs))
	for i, sp := range specs {
		app, ev := newApp(sp.item, sp.dept, sp.account, s0.Add(time.Duration(i)*time.Minute))
		app.State, app.Assignee = sp.state, sp.assignee
		if sp.due != 0 {
			app.DueAt = s0.Add(sp.due)
		}
		create(t, e.Store, app, ev)
		apps[i] = app
	}
	serials := func(list []*cases.Application) []string {
		var out []string
		for _, a := range list {
			out = append(out, a.Serial)
		}
		return out
	}
	pick := func(idx ...int) []string {
		var out []string
		for _, i := range idx {
			out = append(out, apps[i].Serial)
		}
		return out
	}
	tests := []struct {
		name  string
		f     cases.Filter
		want  []string
		total int
	}{
		{"all, newest first", cases.Filter{}, pick(4, 3, 2, 1, 0), 5},
		{"department", cases.Filter{Department: e.DeptA}, pick(2, 1, 0), 3},
		{"party", cases.Filter{Party: e.Account2}, pick(3, 2), 2},
		{"states", cases.Filter{States: []cases.State{cases.Accepted, cases.UnderReview}}, pick(3, 2, 1), 3},
		{"item", cases.Filter{ItemCode: e.ItemB}, pick(4, 3), 2},
		{"assignee", cases.Filter{Assignee: e.Account1}, pick(3), 1},
		{"serial", cases.Filter{Serial: apps[2].Serial}, pick(2), 1},
		{"due first, none last", cases.Filter{Department: e.DeptA, Sort: cases.DueFirst}, pick(2, 1, 0), 3},
		{"due window", cases.Filter{DueFrom: s0.Add(24 * time.Hour), DueBefore: s0.Add(48 * time.Hour)}, pick(2), 1},
		{"page", cases.Filter{Limit: 2, Offset: 2}, pick(2, 1), 5},
	}
	for _, tt := range tests {
		got, total, err := e.Store.FindApplications(ctx, tt.f)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if d := cmp.Diff(tt.want, serials(got)); d != "" || total != tt.total {
			t.Errorf("%s: total %d (want %d), serials (-want +got):\n%s", tt.name, total, tt.total, d)
		}
	}
}

// testConcurrentSerials submits n applications at once, as many server
// instances would, and checks that every one got a distinct, valid serial
// number with sequences 1…n.
func testConcurrentSerials(t *testing.T, e SuiteEnv, n int) {
	var wg sync.WaitGroup
	serials := make([]string, n)
	failures := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			app, ev := newApp(e.ItemA, e.DeptA, e.Account1, s0)
			failures[i] = e.Store.CreateApplication(context.Background(), app, []*cases.Event{ev})
			serials[i] = app.Serial
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	seqs := map[int]bool{}
	for i, s := range serials {
		if failures[i] != nil {
			t.Fatalf("submission %d: %v", i, failures[i])
		}
		p, err := cases.ParseSerial(s)
		if err != nil {
			t.Fatalf("submission %d: invalid serial %q: %v", i, s, err)
		}
		if seen[s] {
			t.Fatalf("serial %s given twice", s)
		}
		seen[s], seqs[p.Seq] = true, true
	}
	for i := 1; i <= n; i++ {
		if !seqs[i] {
			t.Errorf("sequence %d missing: with no failures there are no gaps", i)
		}
	}
	_, total, err := e.Store.FindApplications(context.Background(), cases.Filter{Limit: 1})
	if err != nil || total != n {
		t.Errorf("stored %d applications (%v), want %d", total, err, n)
	}
}
