package notify_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
	"github.com/pengcheng-gov/pengcheng/internal/notify"
	"github.com/pengcheng-gov/pengcheng/internal/notify/notifysql"
)

var (
	ctx   = context.Background()
	t0    = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	admin = &identity.Account{ID: "admin", Kind: identity.Staff, Roles: []identity.Role{identity.PlatformAdmin}}
)

// clock is a movable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// gateway is a channel that refuses messages while down, standing for an
// SMS or mail gateway that is unreachable; it counts what it accepted.
type gateway struct {
	mu        sync.Mutex
	down      bool
	permanent bool
	got       map[string]int // message id → times accepted
}

func (g *gateway) Deliver(_ context.Context, m *notify.Message) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.permanent {
		return notify.Permanent(errors.New("no such subscriber"))
	}
	if g.down {
		return errors.New("gateway unreachable")
	}
	if g.got == nil {
		g.got = map[string]int{}
	}
	g.got[m.ID]++
	m.ProviderID = "gw-" + m.ID
	return nil
}

func (g *gateway) Via() string { return "test-gateway" }

func (g *gateway) set(down bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.down = down
}

func (g *gateway) count() (msgs, deliveries int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, n := range g.got {
		msgs++
		deliveries += n
	}
	return msgs, deliveries
}

type bundle struct {
	svc   *notify.Service
	store *notifysql.Store
	clock *clock
}

func setup(t *testing.T, d *db.DB, channels map[string]notify.Channel, dc notify.DispatchConfig) *bundle {
	t.Helper()
	c := &clock{t: t0}
	tpl, err := notify.NewTemplates(notify.DefaultTemplates()...)
	if err != nil {
		t.Fatal(err)
	}
	st := notifysql.New(d)
	s, err := notify.New(notify.Config{Store: st, Channels: channels, Templates: tpl, Dispatch: dc, Now: c.Now,
		Rand: func() float64 { return 0.5 }})
	if err != nil {
		t.Fatal(err)
	}
	return &bundle{svc: s, store: st, clock: c}
}

func only(t *testing.T, st *notifysql.Store) *notify.Message {
	t.Helper()
	list, total, err := st.FindMessages(ctx, notify.MessageFilter{})
	if err != nil || total != 1 {
		t.Fatalf("stored %d messages, %v; want 1", total, err)
	}
	m, err := st.FindMessageByID(ctx, list[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSendThroughTheOutbox(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d, nil, notify.DispatchConfig{})
		if err := b.svc.SendSMS(ctx, "+86 139 0000 0001", "login_code", "【鹏城】您的登录验证码为 123456", ""); err != nil {
			t.Fatalf("SendSMS: %v", err)
		}
		if err := b.svc.SendEmail(ctx, "Zhang@Example.cn", "result", "办理结果", "您的申请已办结。", ""); err != nil {
			t.Fatalf("SendEmail: %v", err)
		}
		list, total, err := b.store.FindMessages(ctx, notify.MessageFilter{})
		if err != nil || total != 2 {
			t.Fatalf("stored messages: %d, %v", total, err)
		}
		email, sms := list[0], list[1]
		if sms.Recipient != "13900000001" || sms.Channel != notify.SMS || sms.Status != notify.StatusSent || sms.Attempts != 1 ||
			!sms.SentAt.Equal(t0) || sms.LastError != "" || sms.Via != notify.ViaOutbox {
			t.Errorf("sms %+v: want sent through the outbox to the normalised number", sms)
		}
		if email.Recipient != "Zhang@example.cn" || email.Subject != "办理结果" || email.Status != notify.StatusSent || email.Via != notify.ViaOutbox {
			t.Errorf("email %+v", email)
		}
	})
}

func TestRetriesWithBackoffUntilDelivered(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		g := &gateway{down: true}
		b := setup(t, d, map[string]notify.Channel{notify.SMS: g}, notify.DispatchConfig{BackoffBase: 30 * time.Second})
		if err := b.svc.SendSMS(ctx, "13900000001", "login_code", "code 123456", ""); err != nil {
			t.Fatalf("SendSMS through a down gateway = %v; want queued, no error", err)
		}
		m := only(t, b.store)
		if m.Status != notify.StatusPending || m.Attempts != 1 || m.LastError != "gateway unreachable" ||
			!m.NextAttemptAt.Equal(t0.Add(30*time.Second)) {
			t.Fatalf("after the first attempt: %+v; want pending, retry in 30s", m)
		}
		if n, err := b.svc.DeliverDue(ctx); err != nil || n != 0 {
			t.Errorf("DeliverDue before the retry is due: %d, %v", n, err)
		}
		b.clock.Add(30 * time.Second)
		if n, err := b.svc.DeliverDue(ctx); err != nil || n != 0 {
			t.Errorf("DeliverDue while down: %d, %v", n, err)
		}
		if m = only(t, b.store); !m.NextAttemptAt.Equal(t0.Add(90*time.Second)) || m.Attempts != 2 {
			t.Errorf("after the second attempt: next %v, attempts %d; want t0+90s (60s later), 2", m.NextAttemptAt, m.Attempts)
		}
		g.set(false)
		b.clock.Add(60 * time.Second)
		if n, err := b.svc.DeliverDue(ctx); err != nil || n != 1 {
			t.Errorf("DeliverDue when up: %d, %v; want 1", n, err)
		}
		m = only(t, b.store)
		if m.Status != notify.StatusSent || m.Attempts != 3 || m.LastError != "" || m.Via != "test-gateway" || m.ProviderID != "gw-"+m.ID {
			t.Errorf("after the retry: %+v", m)
		}
		if msgs, deliveries := g.count(); msgs != 1 || deliveries != 1 {
			t.Errorf("gateway got %d messages in %d deliveries, want 1 in 1", msgs, deliveries)
		}
		_, attempts, err := b.svc.Message(ctx, admin, m.ID)
		var outcomes []string
		for _, a := range attempts {
			outcomes = append(outcomes, a.Outcome)
		}
		if err != nil || strings.Join(outcomes, ",") != "retry,retry,sent" || attempts[0].Error != "gateway unreachable" {
			t.Errorf("attempts %v, %v; want retry,retry,sent with the gateway's error", outcomes, err)
		}
	})
}

func TestGivesUpThenRetriesOnRequest(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		g := &gateway{down: true}
		b := setup(t, d, map[string]notify.Channel{notify.Email: g}, notify.DispatchConfig{MaxAttempts: 3})
		if err := b.svc.SendEmail(ctx, "a@example.cn", "x", "s", "body", ""); err != nil {
			t.Fatal(err)
		}
		for range 5 {
			b.clock.Add(time.Hour)
			if _, err := b.svc.DeliverDue(ctx); err != nil {
				t.Fatal(err)
			}
		}
		m := only(t, b.store)
		if m.Status != notify.StatusFailed || m.Attempts != 3 || m.LastError != "gateway unreachable" {
			t.Fatalf("after 5 rounds: %+v; want failed after 3 attempts with the error", m)
		}
		if err := b.svc.Retry(ctx, &identity.Account{ID: "c", Kind: identity.Person}, m.ID); !errs.Is(err, errs.Forbidden) {
			t.Errorf("Retry by a citizen = %v, want forbidden", err)
		}
		g.set(false)
		if err := b.svc.Retry(ctx, admin, m.ID); err != nil {
			t.Fatalf("Retry: %v", err)
		}
		if n, err := b.svc.DeliverDue(ctx); err != nil || n != 1 {
			t.Errorf("DeliverDue after the retry request: %d, %v", n, err)
		}
		if m = only(t, b.store); m.Status != notify.StatusSent || m.Attempts != 4 {
			t.Errorf("after the requested retry: %+v", m)
		}
		if err := b.svc.Retry(ctx, admin, m.ID); !errs.Is(err, errs.Conflict) {
			t.Errorf("Retry(sent) = %v, want conflict", err)
		}
	})
}

func TestPermanentRefusalFailsAtOnce(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		g := &gateway{permanent: true}
		b := setup(t, d, map[string]notify.Channel{notify.SMS: g}, notify.DispatchConfig{})
		err := b.svc.SendSMS(ctx, "13900000001", "x", "body", "")
		if e := errs.As(err); e == nil || e.Code != "notify.delivery" || !strings.Contains(e.Msg, "no such subscriber") {
			t.Fatalf("SendSMS refused for good = %v; want a delivery error naming the reason", err)
		}
		if m := only(t, b.store); m.Status != notify.StatusFailed || m.Attempts != 1 {
			t.Errorf("stored %+v; want failed after one attempt", m)
		}
	})
}

func TestBackoffSchedule(t *testing.T) {
	t.Parallel()
	c := notify.DispatchConfig{BackoffBase: 30 * time.Second, BackoffMax: time.Hour, Jitter: 0.2}
	for _, tc := range []struct {
		attempt int
		r       float64
		want    time.Duration
	}{
		{1, 0.5, 30 * time.Second},
		{2, 0.5, time.Minute},
		{3, 0.5, 2 * time.Minute},
		{7, 0.5, 32 * time.Minute},
		{8, 0.5, time.Hour}, // 64 min capped
		{30, 0.5, time.Hour},
		{1, 0, 24 * time.Second},    // -20 %
		{2, 0.75, 66 * time.Second}, // +10 %
		{8, 0.75, 66 * time.Minute}, // the cap, then +10 %
	} {
		got := c.Backoff(tc.attempt, tc.r)
		if d := got - tc.want; d < -time.Millisecond || d > time.Millisecond {
			t.Errorf("Backoff(%d, %v) = %v, want %v", tc.attempt, tc.r, got, tc.want)
		}
	}
}

func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		g := &gateway{}
		b := setup(t, d, map[string]notify.Channel{notify.SMS: g}, notify.DispatchConfig{})
		draft := notify.Draft{Channel: notify.SMS, Recipient: "13900000001", Purpose: "approval", Body: "您的申请已通过。",
			IdempotencyKey: "approval:4403-1"}
		first, err := b.svc.Send(ctx, draft)
		if err != nil {
			t.Fatal(err)
		}
		draft.Body = "changed"
		second, err := b.svc.Send(ctx, draft)
		if err != nil || second.ID != first.ID || second.Body != "您的申请已通过。" {
			t.Errorf("second Send = %+v, %v; want the first message", second, err)
		}
		if msgs, deliveries := g.count(); msgs != 1 || deliveries != 1 {
			t.Errorf("gateway got %d messages in %d deliveries, want 1 in 1", msgs, deliveries)
		}
	})
}

func TestRolledBackEnqueueSendsNothing(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		g := &gateway{}
		b := setup(t, d, map[string]notify.Channel{notify.SMS: g}, notify.DispatchConfig{})
		compose := func(body string) *notify.Message {
			m, err := b.svc.Compose(notify.Draft{Channel: notify.SMS, Recipient: "13900000001", Purpose: "x", Body: body})
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		rolledBack, committed := compose("rolled back"), compose("committed")
		_ = d.WithTx(ctx, func(tx *db.Tx) error {
			if _, _, err := notifysql.Enqueue(ctx, tx, rolledBack); err != nil {
				t.Fatal(err)
			}
			return errors.New("the caller's change failed")
		})
		if err := d.WithTx(ctx, func(tx *db.Tx) error {
			_, _, err := notifysql.Enqueue(ctx, tx, committed)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if n, err := b.svc.DeliverDue(ctx); err != nil || n != 1 {
			t.Errorf("DeliverDue = %d, %v; want 1", n, err)
		}
		g.mu.Lock()
		defer g.mu.Unlock()
		if len(g.got) != 1 || g.got[committed.ID] != 1 || g.got[rolledBack.ID] != 0 {
			t.Errorf("gateway got %v; want only the committed message", g.got)
		}
	})
}

func TestLeaseExpiryRetriesACrashedDelivery(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		g := &gateway{}
		b := setup(t, d, map[string]notify.Channel{notify.SMS: g}, notify.DispatchConfig{Lease: 2 * time.Minute,
			AttemptTimeout: 30 * time.Second, SendTimeout: 5 * time.Second})
		m, err := b.svc.Compose(notify.Draft{Channel: notify.SMS, Recipient: "13900000001", Purpose: "x", Body: "body"})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := b.store.Enqueue(ctx, m); err != nil {
			t.Fatal(err)
		}
		// A worker claims it and dies before reporting.
		if got, err := b.store.Claim(ctx, notify.Claim{Now: t0, Until: t0.Add(2 * time.Minute), Token: "dead", Limit: 1}); err != nil || len(got) != 1 {
			t.Fatalf("claim: %v, %v", got, err)
		}
		b.clock.Add(time.Minute)
		if n, _ := b.svc.DeliverDue(ctx); n != 0 {
			t.Errorf("delivered %d during the dead worker's lease, want 0", n)
		}
		b.clock.Add(time.Minute)
		if n, err := b.svc.DeliverDue(ctx); err != nil || n != 1 {
			t.Errorf("DeliverDue after the lease = %d, %v; want 1", n, err)
		}
		_, attempts, err := b.svc.Message(ctx, admin, m.ID)
		if err != nil || len(attempts) != 2 || attempts[0].Outcome != notify.OutcomeAbandoned || attempts[1].Outcome != notify.OutcomeSent {
			t.Errorf("attempts %+v, %v; want abandoned then sent", attempts, err)
		}
	})
}

// parted is a channel that sends a message in three parts and records
// each through AcceptPart; it refuses part failAt once.
type parted struct {
	mu     sync.Mutex
	failAt int
	sent   []string // "message-id/seq"
}

func (p *parted) Deliver(ctx context.Context, m *notify.Message) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var idList []string
	for seq := 1; seq <= 3; seq++ {
		if done := m.AcceptedPart(seq); done != nil {
			idList = append(idList, done.ProviderID)
			continue
		}
		if seq == p.failAt {
			p.failAt = 0
			return fmt.Errorf("connection lost at part %d", seq)
		}
		id := fmt.Sprintf("%s/%d", m.ID, seq)
		p.sent = append(p.sent, id)
		if err := m.AcceptPart(ctx, notify.Part{Seq: seq, Total: 3, ProviderID: id}); err != nil {
			return err
		}
		idList = append(idList, id)
	}
	m.ProviderID = strings.Join(idList, ",")
	return nil
}

func TestRetryResendsOnlyUnacceptedParts(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		p := &parted{failAt: 3}
		b := setup(t, d, map[string]notify.Channel{notify.SMS: p}, notify.DispatchConfig{})
		m, err := b.svc.Send(ctx, notify.Draft{Channel: notify.SMS, Recipient: "13900000001", Purpose: "x", Body: "long"})
		if err != nil {
			t.Fatal(err)
		}
		b.clock.Add(time.Hour)
		if n, err := b.svc.DeliverDue(ctx); err != nil || n != 1 {
			t.Fatalf("DeliverDue = %d, %v", n, err)
		}
		want := []string{m.ID + "/1", m.ID + "/2", m.ID + "/3"}
		if strings.Join(p.sent, " ") != strings.Join(want, " ") {
			t.Errorf("parts sent %v, want each once: %v", p.sent, want)
		}
		got := only(t, b.store)
		if got.Status != notify.StatusSent || got.ProviderID != strings.Join(want, ",") || len(got.Parts) != 3 || got.Attempts != 2 {
			t.Errorf("message %+v; want sent in 2 attempts with 3 parts", got)
		}
	})
}

func TestConcurrentDispatchersDeliverEachMessageOnce(t *testing.T) {
	t.Parallel()
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			dsn := dbtest.DSN(t, dialect)
			open := func() *db.DB {
				d, err := db.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { d.Close() })
				return d
			}
			d1 := open()
			if _, err := d1.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			d2 := open()
			g := &gateway{}
			cfg := notify.DispatchConfig{Workers: 4, Batch: 8, Poll: 10 * time.Millisecond}
			mk := func(d *db.DB) *notify.Service {
				s, err := notify.New(notify.Config{Store: notifysql.New(d), Channels: map[string]notify.Channel{notify.SMS: g}, Dispatch: cfg})
				if err != nil {
					t.Fatal(err)
				}
				return s
			}
			s1, s2 := mk(d1), mk(d2)
			const n = 150
			st := notifysql.New(d1)
			for i := range n {
				m, err := s1.Compose(notify.Draft{Channel: notify.SMS, Recipient: fmt.Sprintf("139%08d", i), Purpose: "load", Body: "hello"})
				if err != nil {
					t.Fatal(err)
				}
				if _, _, err := st.Enqueue(ctx, m); err != nil {
					t.Fatal(err)
				}
			}
			rctx, cancel := context.WithTimeout(ctx, 60*time.Second)
			defer cancel()
			var wg sync.WaitGroup
			for _, s := range []*notify.Service{s1, s2} {
				wg.Go(func() { _ = s.Run(rctx) })
			}
			for rctx.Err() == nil {
				if _, total, _ := st.FindMessages(ctx, notify.MessageFilter{Status: notify.StatusSent}); total == n {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			cancel()
			wg.Wait()
			msgs, deliveries := g.count()
			if msgs != n || deliveries != n {
				t.Errorf("gateway got %d messages in %d deliveries; want %d in %d", msgs, deliveries, n, n)
			}
		})
	}
}

func TestSendValidation(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d, nil, notify.DispatchConfig{})
		s := b.svc
		_, tplErr := s.Send(ctx, notify.Draft{Channel: notify.SMS, Recipient: "13900000001", Purpose: "x", Template: "nope"})
		_, varErr := s.Send(ctx, notify.Draft{Channel: notify.SMS, Recipient: "13900000001", Purpose: "x",
			Template: notify.TemplateLoginCode, Vars: map[string]any{"code": "1"}})
		_, chErr := s.Send(ctx, notify.Draft{Channel: "fax", Recipient: "1", Purpose: "x", Body: "b"})
		_, keyErr := s.Send(ctx, notify.Draft{Channel: notify.SMS, Recipient: "13900000001", Purpose: "x", Body: "b",
			IdempotencyKey: strings.Repeat("k", notify.MaxKey+1)})
		for _, tc := range []struct {
			name, field string
			err         error
		}{
			{"bad phone", "phone", s.SendSMS(ctx, "12345", "x", "body", "")},
			{"empty body", "body", s.SendSMS(ctx, "13900000001", "x", " ", "")},
			{"long sms", "body", s.SendSMS(ctx, "13900000001", "x", strings.Repeat("字", notify.MaxSMSBody+1), "")},
			{"no purpose", "purpose", s.SendSMS(ctx, "13900000001", "", "body", "")},
			{"bad e-mail", "email", s.SendEmail(ctx, "nobody", "x", "s", "body", "")},
			{"long subject", "subject", s.SendEmail(ctx, "a@example.cn", "x", strings.Repeat("s", notify.MaxSubject+1), "body", "")},
			{"unknown account", "account_id", s.SendSMS(ctx, "13900000001", "x", "body", "no-such-account")},
			{"in-app without account", "account_id", s.SendInApp(ctx, "", "x", "s", "body")},
			{"unknown template", "template", tplErr},
			{"missing variable", "vars", varErr},
			{"unknown channel", "channel", chErr},
			{"long key", "idempotency_key", keyErr},
		} {
			if e := errs.As(tc.err); e == nil || e.Kind != errs.Invalid || e.Field != tc.field {
				t.Errorf("%s: got %v, want invalid %s", tc.name, tc.err, tc.field)
			}
		}
		if _, total, _ := b.store.FindMessages(ctx, notify.MessageFilter{}); total != 0 {
			t.Errorf("%d messages stored from refused input, want 0", total)
		}
	})
}

func TestSendFromTemplate(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d, nil, notify.DispatchConfig{})
		acct := ids.New()
		if _, err := d.Exec(ctx, `INSERT INTO accounts (id, kind, username, display_name, created_at, updated_at)
			VALUES (?, 'person', 'li', '李雷', ?, ?)`, acct, t0, t0); err != nil {
			t.Fatal(err)
		}
		m, err := b.svc.Send(ctx, notify.Draft{Channel: notify.InApp, AccountID: acct, Purpose: "approval",
			Template: notify.TemplateApprovalResult, Vars: map[string]any{"item": "高校应届毕业生引进入户",
				"serial": "4403-20260302-0001", "outcome": "准予许可", "reason": ""}})
		if err != nil {
			t.Fatal(err)
		}
		if m.Subject != "审批结果：高校应届毕业生引进入户" ||
			m.Body != "【鹏城政务】您的「高校应届毕业生引进入户」申请（流水号 4403-20260302-0001）审批结果：准予许可。" ||
			m.Template != notify.TemplateApprovalResult || m.Status != notify.StatusSent || m.Via != notify.ViaInbox {
			t.Errorf("message %+v", m)
		}
	})
}

func TestMessagesOnlyForPlatformAdmins(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		s := setup(t, d, nil, notify.DispatchConfig{}).svc
		if err := s.SendSMS(ctx, "13900000001", "login_code", "code", ""); err != nil {
			t.Fatal(err)
		}
		list, total, err := s.Messages(ctx, admin, notify.MessageFilter{Purpose: "login_code"})
		if err != nil || total != 1 || len(list) != 1 {
			t.Errorf("platform admin: %d of %d, %v", len(list), total, err)
		}
		for _, tc := range []struct {
			name  string
			actor *identity.Account
			want  errs.Kind
		}{
			{"anonymous", nil, errs.Unauthenticated},
			{"dept admin", &identity.Account{ID: "b", Kind: identity.Staff, Department: "X", Roles: []identity.Role{identity.DeptAdmin}}, errs.Forbidden},
			{"citizen", &identity.Account{ID: "c", Kind: identity.Person}, errs.Forbidden},
			{"disabled platform admin", &identity.Account{ID: "d", Kind: identity.Staff, Disabled: true,
				Roles: []identity.Role{identity.PlatformAdmin}}, errs.Unauthenticated},
		} {
			if _, _, err := s.Messages(ctx, tc.actor, notify.MessageFilter{}); !errs.Is(err, tc.want) {
				t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
			}
			if _, _, err := s.Message(ctx, tc.actor, list[0].ID); !errs.Is(err, tc.want) {
				t.Errorf("%s: Message got %v, want %v", tc.name, err, tc.want)
			}
		}
	})
}

func TestInbox(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		s := setup(t, d, nil, notify.DispatchConfig{}).svc
		acct := ids.New()
		if _, err := d.Exec(ctx, `INSERT INTO accounts (id, kind, username, display_name, phone, created_at, updated_at)
			VALUES (?, 'person', 'han', '韩梅梅', '13900000009', ?, ?)`, acct, t0, t0); err != nil {
			t.Fatal(err)
		}
		me := &identity.Account{ID: acct, Kind: identity.Person}
		if err := s.SendInApp(ctx, acct, "case.progress", "办件进度", "已受理"); err != nil {
			t.Fatal(err)
		}
		if err := s.SendSMS(ctx, "13900000009", "case.progress", "【鹏城政务】已受理", acct); err != nil {
			t.Fatal(err)
		}
		if err := s.SendEmail(ctx, "han@example.cn", "other", "s", "not for the inbox: no account", ""); err != nil {
			t.Fatal(err)
		}
		list, total, err := s.Inbox(ctx, me, false, 0, 10)
		if err != nil || total != 2 || list[0].Channel != notify.SMS || list[1].Channel != notify.InApp {
			t.Fatalf("Inbox = %v (%d), %v; want the SMS kept in the outbox and the notice", list, total, err)
		}
		if n, _ := s.UnreadCount(ctx, me); n != 2 {
			t.Errorf("UnreadCount = %d, want 2", n)
		}
		if n, err := s.MarkRead(ctx, me, list[1].ID); err != nil || n != 1 {
			t.Errorf("MarkRead = %d, %v", n, err)
		}
		if unread, total, _ := s.Inbox(ctx, me, true, 0, 10); total != 1 || unread[0].ID != list[0].ID {
			t.Errorf("unread after marking one: %v", unread)
		}
		if n, _ := s.UnreadCount(ctx, nil); n != 0 {
			t.Errorf("UnreadCount(anonymous) = %d", n)
		}
		if _, _, err := s.Inbox(ctx, nil, false, 0, 10); !errs.Is(err, errs.Unauthenticated) {
			t.Errorf("Inbox(anonymous) = %v", err)
		}
	})
}

// phones finds accounts by phone, standing for identitysql.Store.
type phones map[string]string

func (p phones) FindAccountByLogin(_ context.Context, login string) (*identity.Account, error) {
	if id, ok := p[login]; ok {
		return &identity.Account{ID: id, Kind: identity.Person, Phone: login}, nil
	}
	return nil, errs.E(errs.NotFound, "account.not_found", "账号不存在", "no such account")
}

func TestSMSWithoutAccountReachesTheOwnersInbox(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		acct := ids.New()
		if _, err := d.Exec(ctx, `INSERT INTO accounts (id, kind, username, display_name, phone, created_at, updated_at)
			VALUES (?, 'person', 'wang', '王五', '13900000010', ?, ?)`, acct, t0, t0); err != nil {
			t.Fatal(err)
		}
		st := notifysql.New(d)
		s, err := notify.New(notify.Config{Store: st, Accounts: phones{"13900000010": acct}})
		if err != nil {
			t.Fatal(err)
		}
		for _, phone := range []string{"139 0000 0010", "13900000011"} {
			if err := s.SendSMS(ctx, phone, "notice", "【鹏城政务】通知", ""); err != nil {
				t.Fatal(err)
			}
		}
		list, total, err := s.Inbox(ctx, &identity.Account{ID: acct, Kind: identity.Person}, false, 0, 10)
		if err != nil || total != 1 || list[0].Recipient != "13900000010" || list[0].AccountID != acct {
			t.Errorf("inbox %v (%d), %v; want the SMS to the owner's phone only", list, total, err)
		}
	})
}
