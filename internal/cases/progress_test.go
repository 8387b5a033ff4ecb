package cases_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/cases/casestest"
	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

func TestProgressLookUp(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d)
		ctx := context.Background()
		app := casestest.Advance(t, b.Env, casestest.Submit(t, b.Env, b.citizen, nil), b.workerA, cases.UnderReview)
		firm := casestest.Submit(t, b.Env, b.company, nil)
		id4 := b.citizen.IDNumber[14:]
		client := func(n int) identity.Client { return identity.Client{IP: fmt.Sprintf("198.51.100.%d", n)} }

		p, err := b.Cases.Progress(ctx, client(1), " "+app.Serial+" ", strings.ToLower(id4))
		if err != nil {
			t.Fatalf("Progress: %v", err)
		}
		if p.State != cases.UnderReview || p.ItemName != "测试人才引进入户" || len(p.Steps) != 3 || p.DueAt.IsZero() {
			t.Errorf("progress = %+v", p)
		}
		if s := fmt.Sprintf("%+v", p); strings.Contains(s, b.citizen.IDNumber) || strings.Contains(s, "张三") || strings.Contains(s, "甲窗口") {
			t.Errorf("progress shows personal data: %s", s)
		}
		// Enterprises use the last four characters of their credit code.
		if _, err := b.Cases.Progress(ctx, client(1), firm.Serial, b.company.USCC[14:]); err != nil {
			t.Errorf("enterprise look-up: %v", err)
		}
		// A wrong pair is indistinguishable from an unknown serial.
		never, _ := cases.FormatSerial("440300", b.Clock.Now(), 999)
		_, wrong := b.Cases.Progress(ctx, client(2), app.Serial, "0000")
		_, unknown := b.Cases.Progress(ctx, client(2), never, id4)
		_, other := b.Cases.Progress(ctx, client(2), firm.Serial, id4)
		if !errs.Is(wrong, errs.NotFound) || wrong.Error() != unknown.Error() || other.Error() != unknown.Error() {
			t.Errorf("wrong: %v; unknown: %v; other's: %v — want one NotFound", wrong, unknown, other)
		}
		if _, err := b.Cases.Progress(ctx, client(3), "12345", id4); errs.As(err) == nil || errs.As(err).Field != "serial" {
			t.Errorf("malformed serial: %v", err)
		}
		if _, err := b.Cases.Progress(ctx, client(3), app.Serial, "12"); errs.As(err) == nil || errs.As(err).Field != "id4" {
			t.Errorf("short id4: %v", err)
		}
		// Five look-ups per address per window (NewEnv's limit); others are not affected.
		for i := 0; i < 3; i++ {
			if _, err := b.Cases.Progress(ctx, client(1), app.Serial, id4); err != nil {
				t.Fatalf("look-up %d: %v", i+3, err)
			}
		}
		if _, err := b.Cases.Progress(ctx, client(1), app.Serial, id4); !errs.Is(err, errs.TooManyRequests) {
			t.Errorf("sixth look-up: %v, want TooManyRequests", err)
		}
		if _, err := b.Cases.Progress(ctx, client(4), app.Serial, id4); err != nil {
			t.Errorf("another address: %v", err)
		}
		b.Clock.Advance(11 * time.Minute)
		if _, err := b.Cases.Progress(ctx, client(1), app.Serial, id4); err != nil {
			t.Errorf("after the window: %v", err)
		}
	})
}

func TestQueueAndDeadlines(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d)
		ctx := context.Background()
		// Monday 2 March 2026, 10:00.
		b.Clock.Advance(casestest.Day(2026, 3, 2, 10).Sub(b.Clock.Now()))
		promised5 := casestest.Advance(t, b.Env, casestest.Submit(t, b.Env, b.citizen, nil), b.workerA, cases.Accepted) // due Mon 9 March
		atOnce := casestest.Advance(t, b.Env, casestest.Submit(t, b.Env, b.citizen, &casestest.SubmitOpts{Item: ptr(casestest.ItemFiling)}),
			b.workerA, cases.UnderReview) // due today
		waiting := casestest.Submit(t, b.Env, b.other, nil)
		otherDept := casestest.Submit(t, b.Env, b.company, nil)
		serials := func(list []*cases.Application) string {
			var out []string
			for _, a := range list {
				out = append(out, a.Serial)
			}
			return strings.Join(out, ",")
		}
		at := func(day int, hour int) {
			b.Clock.Advance(casestest.Day(2026, 3, day, hour).Sub(b.Clock.Now()))
		}
		tests := []struct {
			name string
			day  int
			q    cases.QueueFilter
			want []*cases.Application
		}{
			{"everything open, earliest deadline first", 2, cases.QueueFilter{}, []*cases.Application{atOnce, promised5, waiting}},
			{"due soon on day 1", 2, cases.QueueFilter{Deadline: cases.DueSoon}, []*cases.Application{atOnce}},
			{"none overdue yet", 2, cases.QueueFilter{Deadline: cases.Overdue}, nil},
			{"one overdue the next day", 3, cases.QueueFilter{Deadline: cases.Overdue}, []*cases.Application{atOnce}},
			{"due within two working days on Thursday", 5, cases.QueueFilter{Deadline: cases.DueSoon}, []*cases.Application{promised5}},
			{"not yet due soon on Wednesday", 4, cases.QueueFilter{Deadline: cases.DueSoon}, nil},
			{"by state", 5, cases.QueueFilter{State: cases.Submitted}, []*cases.Application{waiting}},
			{"by item", 5, cases.QueueFilter{ItemCode: casestest.ItemFiling}, []*cases.Application{atOnce}},
			{"overdue after the deadline", 10, cases.QueueFilter{Deadline: cases.Overdue}, []*cases.Application{atOnce, promised5}},
		}
		for _, tt := range tests {
			at(tt.day, 11)
			got, total, err := b.Cases.Queue(ctx, b.workerA, tt.q)
			if err != nil || serials(got) != serials(tt.want) || total != len(tt.want) {
				t.Errorf("%s (day %d): got %s (%d, %v), want %s", tt.name, tt.day, serials(got), total, err, serials(tt.want))
			}
		}
		at(5, 11)
		if s := b.Cases.DeadlineOf(promised5, b.Clock.Now()); s != cases.DueSoon {
			t.Errorf("DeadlineOf(due Monday) on Thursday = %q, want soon", s)
		}
		if s := b.Cases.DeadlineOf(waiting, b.Clock.Now()); s != cases.NoDeadline {
			t.Errorf("DeadlineOf(not accepted) = %q", s)
		}
		if _, _, err := b.Cases.Queue(ctx, b.citizen, cases.QueueFilter{}); !errs.Is(err, errs.Forbidden) {
			t.Errorf("a citizen's queue: %v", err)
		}
		list, _, _ := b.Cases.Queue(ctx, b.workerB, cases.QueueFilter{})
		if serials(list) != otherDept.Serial {
			t.Errorf("department B's queue = %s, want only %s", serials(list), otherDept.Serial)
		}
		mine, _, _ := b.Cases.MyApplications(ctx, b.citizen, cases.Filter{Department: "TESTB"})
		if len(mine) != 2 {
			t.Errorf("citizen's applications = %d, want 2 (the department filter is ignored)", len(mine))
		}
	})
}

func TestReplayStories(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t, db.SQLite)
	b := setup(t, d)
	ctx := context.Background()
	start := casestest.Day(2026, 1, 5, 9)
	tests := []struct {
		st    cases.Story
		trace int
	}{
		{cases.Story{ItemCode: casestest.ItemHukou, Filer: b.citizen, Caseworker: b.workerA, Outcome: cases.Closed, Corrected: true}, 8},
		{cases.Story{ItemCode: casestest.ItemHukou, Filer: b.citizen, Principal: &cases.Party{Name: "王老五", Number: principalID},
			Caseworker: b.workerA, Outcome: cases.Delivered, Channel: cases.Mobile, TrackingNo: "EMS1151234567890",
			Delivery: cases.Delivery{Method: cases.Post, Recipient: "王老五", Phone: "13800138000", Address: "深圳市宝安区新安街道 1 号"}}, 6},
		{cases.Story{ItemCode: casestest.ItemLicence, Filer: b.workerB, Principal: &cases.Party{Kind: catalog.ApplicantEnterprise,
			Name: "鹏城测试有限公司", Number: b.company.USCC}, Caseworker: b.workerB, Outcome: cases.Rejected}, 4},
		{cases.Story{ItemCode: casestest.ItemFiling, Filer: b.company, Caseworker: b.workerA, Outcome: cases.NotAccepted}, 2},
		{cases.Story{ItemCode: casestest.ItemFiling, Filer: b.citizen, Caseworker: b.workerA, Outcome: cases.Withdrawn}, 2},
		{cases.Story{ItemCode: casestest.ItemHukou, Filer: b.other, Caseworker: b.workerA, Outcome: cases.Correction}, 2},
	}
	for i, tt := range tests {
		tt.st.SubmittedAt = start.Add(time.Duration(i) * 24 * time.Hour)
		app, err := b.Cases.Replay(ctx, tt.st)
		if err != nil {
			t.Fatalf("story %d: %v", i, err)
		}
		v, err := b.Cases.Application(ctx, tt.st.Caseworker, app.Serial)
		if err != nil {
			t.Fatalf("story %d: %v", i, err)
		}
		if v.App.State != tt.st.Outcome || len(v.Trace) != tt.trace {
			t.Errorf("story %d: state %s with %d events, want %s with %d", i, v.App.State, len(v.Trace), tt.st.Outcome, tt.trace)
		}
		if !v.App.SubmittedAt.Equal(tt.st.SubmittedAt) || cases.SerialDay(tt.st.SubmittedAt) != app.Serial[6:14] {
			t.Errorf("story %d: submitted %s serial %s", i, v.App.SubmittedAt, app.Serial)
		}
		for j := 1; j < len(v.Trace); j++ {
			at := v.Trace[j].At.In(cases.ChinaTime())
			if !v.Trace[j].At.After(v.Trace[j-1].At) || at.Hour() < 9 || at.Hour() >= 18 || !b.Cases.Calendar().IsWorkingDay(at) {
				t.Errorf("story %d: step %d at %s is not a later working hour", i, j, at)
			}
		}
	}
}
