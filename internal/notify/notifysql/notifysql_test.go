package notifysql_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
	"github.com/pengcheng-gov/pengcheng/internal/notify"
	"github.com/pengcheng-gov/pengcheng/internal/notify/notifysql"
)

var t0 = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)

func TestStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		s := notifysql.New(d)
		msg := func(at time.Duration, channel, recipient, purpose, status string) *notify.Message {
			m := &notify.Message{ID: ids.New(), Channel: channel, Recipient: recipient, Purpose: purpose, Subject: "主题",
				Body: "正文 " + purpose, Status: status, CreatedAt: t0.Add(at)}
			if err := s.CreateMessage(ctx, m); err != nil {
				t.Fatalf("CreateMessage: %v", err)
			}
			return m
		}
		m1 := msg(1*time.Second, notify.SMS, "13900000001", "login_code", notify.StatusPending)
		m2 := msg(2*time.Second, notify.Email, "a@example.cn", "result", notify.StatusPending)
		m3 := msg(3*time.Second, notify.SMS, "13900000002", "login_code", notify.StatusPending)

		got, err := s.FindMessageByID(ctx, m1.ID)
		if err != nil || !cmp.Equal(got, m1) {
			t.Errorf("FindMessageByID = %+v, %v; want %+v", got, err, m1)
		}
		m1.Status, m1.Attempts, m1.SentAt = notify.StatusSent, 1, t0.Add(time.Minute)
		if err := s.RecordDelivery(ctx, m1); err != nil {
			t.Fatalf("RecordDelivery: %v", err)
		}
		m3.Status, m3.Attempts, m3.LastError = notify.StatusFailed, 2, "gateway down"
		if err := s.RecordDelivery(ctx, m3); err != nil {
			t.Fatalf("RecordDelivery: %v", err)
		}
		for _, tc := range []struct {
			name      string
			f         notify.MessageFilter
			want      []*notify.Message
			wantTotal int
		}{
			{"all, newest first", notify.MessageFilter{}, []*notify.Message{m3, m2, m1}, 3},
			{"channel", notify.MessageFilter{Channel: notify.SMS}, []*notify.Message{m3, m1}, 2},
			{"status", notify.MessageFilter{Status: notify.StatusFailed}, []*notify.Message{m3}, 1},
			{"purpose and recipient", notify.MessageFilter{Purpose: "login_code", Recipient: "13900000001"}, []*notify.Message{m1}, 1},
			{"attempts below", notify.MessageFilter{AttemptsBelow: 2}, []*notify.Message{m2, m1}, 2},
			{"page", notify.MessageFilter{Offset: 1, Limit: 1}, []*notify.Message{m2}, 3},
		} {
			list, total, err := s.FindMessages(ctx, tc.f)
			if d := cmp.Diff(tc.want, list); err != nil || d != "" || total != tc.wantTotal {
				t.Errorf("%s: total %d (want %d), %v; (-want +got):\n%s", tc.name, total, tc.wantTotal, err, d)
			}
		}
		if err := s.RecordDelivery(ctx, &notify.Message{ID: "nope", Status: notify.StatusSent}); !errs.Is(err, errs.NotFound) {
			t.Errorf("RecordDelivery(unknown) = %v, want not found", err)
		}
		if _, err := s.FindMessageByID(ctx, "nope"); !errs.Is(err, errs.NotFound) {
			t.Errorf("FindMessageByID(unknown) = %v, want not found", err)
		}
		bad := &notify.Message{ID: ids.New(), Channel: notify.SMS, Recipient: "13900000001", AccountID: "no-such-account",
			Purpose: "x", Body: "x", Status: notify.StatusPending, CreatedAt: t0}
		if e := errs.As(s.CreateMessage(ctx, bad)); e == nil || e.Kind != errs.Invalid || e.Field != "account_id" {
			t.Errorf("CreateMessage(unknown account) = %v, want invalid account_id", e)
		}
		if err := s.CreateMessage(ctx, m2); !errs.Is(err, errs.Conflict) {
			t.Errorf("CreateMessage(same id) = %v, want conflict", err)
		}
	})
}
