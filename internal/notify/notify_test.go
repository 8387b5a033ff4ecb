package notify_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/notify"
	"github.com/pengcheng-gov/pengcheng/internal/notify/notifysql"
)

var (
	ctx = context.Background()
	t0  = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
)

// gateway is a channel that refuses messages while down, standing for an
// SMS or mail gateway that is unreachable.
type gateway struct {
	mu   sync.Mutex
	down bool
	got  []string
}

func (g *gateway) Deliver(_ context.Context, m *notify.Message) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.down {
		return errors.New("gateway unreachable")
	}
	g.got = append(g.got, m.ID)
	return nil
}

func setup(t *testing.T, d *db.DB, channels map[string]notify.Channel) (*notify.Service, *notifysql.Store) {
	st := notifysql.New(d)
	return notify.NewService(st, channels, func() time.Time { return t0 }, nil), st
}

func TestSendThroughTheOutbox(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		s, st := setup(t, d, nil)
		if err := s.SendSMS(ctx, "+86 139 0000 0001", "login_code", "【鹏城】您的登录验证码为 123456", ""); err != nil {
			t.Fatalf("SendSMS: %v", err)
		}
		if err := s.SendEmail(ctx, "Zhang@Example.cn", "result", "办理结果", "您的申请已办结。", ""); err != nil {
			t.Fatalf("SendEmail: %v", err)
		}
		list, total, err := st.FindMessages(ctx, notify.MessageFilter{})
		if err != nil || total != 2 {
			t.Fatalf("stored messages: %d, %v", total, err)
		}
		email, sms := list[0], list[1]
		if sms.Recipient != "13900000001" || sms.Channel != notify.SMS || sms.Status != notify.StatusSent || sms.Attempts != 1 ||
			!sms.SentAt.Equal(t0) || sms.LastError != "" {
			t.Errorf("sms %+v: want sent through the outbox to the normalised number", sms)
		}
		if email.Recipient != "Zhang@example.cn" || email.Subject != "办理结果" || email.Status != notify.StatusSent {
			t.Errorf("email %+v", email)
		}
	})
}

func TestDeliveryFailureKeepsTheMessage(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		g := &gateway{down: true}
		s, st := setup(t, d, map[string]notify.Channel{notify.SMS: g})
		err := s.SendSMS(ctx, "13900000001", "login_code", "code 123456", "")
		if e := errs.As(err); e == nil || e.Code != "notify.delivery" || !strings.Contains(e.Msg, "发送失败") {
			t.Fatalf("SendSMS through a down gateway = %v; want a delivery error", err)
		}
		list, _, _ := st.FindMessages(ctx, notify.MessageFilter{})
		if len(list) != 1 || list[0].Status != notify.StatusFailed || list[0].Attempts != 1 || list[0].LastError != "gateway unreachable" {
			t.Fatalf("stored %+v; want one failed message with the gateway's error", list)
		}
		if n, err := s.DeliverPending(ctx, 3, 100); err != nil || n != 0 {
			t.Errorf("retry while down: %d sent, %v", n, err)
		}
		g.mu.Lock()
		g.down = false
		g.mu.Unlock()
		if n, err := s.DeliverPending(ctx, 3, 100); err != nil || n != 1 {
			t.Errorf("retry when up: %d sent, %v; want 1", n, err)
		}
		m, _ := st.FindMessageByID(ctx, list[0].ID)
		if m.Status != notify.StatusSent || m.Attempts != 3 || m.LastError != "" || len(g.got) != 1 {
			t.Errorf("after the retry: %+v, gateway got %d", m, len(g.got))
		}
		if n, err := s.DeliverPending(ctx, 5, 100); err != nil || n != 0 {
			t.Errorf("nothing left: %d sent, %v", n, err)
		}
	})
}

func TestDeliverPendingGivesUp(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		g := &gateway{down: true}
		s, st := setup(t, d, map[string]notify.Channel{notify.SMS: g})
		_ = s.SendSMS(ctx, "13900000001", "x", "body", "")
		for range 5 {
			if _, err := s.DeliverPending(ctx, 2, 100); err != nil {
				t.Fatal(err)
			}
		}
		list, _, _ := st.FindMessages(ctx, notify.MessageFilter{})
		if list[0].Attempts != 2 {
			t.Errorf("attempts %d, want 2 (the limit)", list[0].Attempts)
		}
	})
}

func TestSendValidation(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		s, st := setup(t, d, nil)
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
		} {
			if e := errs.As(tc.err); e == nil || e.Kind != errs.Invalid || e.Field != tc.field {
				t.Errorf("%s: got %v, want invalid %s", tc.name, tc.err, tc.field)
			}
		}
		if _, total, _ := st.FindMessages(ctx, notify.MessageFilter{}); total != 0 {
			t.Errorf("%d messages stored from refused input, want 0", total)
		}
	})
}

func TestMessagesOnlyForPlatformAdmins(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		s, _ := setup(t, d, nil)
		if err := s.SendSMS(ctx, "13900000001", "login_code", "code", ""); err != nil {
			t.Fatal(err)
		}
		admin := &identity.Account{ID: "a", Kind: identity.Staff, Roles: []identity.Role{identity.PlatformAdmin}}
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
		}
	})
}
