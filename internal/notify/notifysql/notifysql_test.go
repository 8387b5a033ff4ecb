package notifysql_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
	"github.com/pengcheng-gov/pengcheng/internal/notify"
	"github.com/pengcheng-gov/pengcheng/internal/notify/notifysql"
)

var (
	ctx = context.Background()
	t0  = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
)

// ignoreHook ignores the unexported hook of notify.Message.
var ignoreHook = cmpopts.IgnoreUnexported(notify.Message{})

// account creates a person account and returns its id.
func account(t *testing.T, d *db.DB, name string) string {
	t.Helper()
	id := ids.New()
	if _, err := d.Exec(ctx, `INSERT INTO accounts (id, kind, username, display_name, created_at, updated_at)
		VALUES (?, 'person', ?, ?, ?, ?)`, id, name, name, t0, t0); err != nil {
		t.Fatalf("create account: %v", err)
	}
	return id
}

// msg returns a pending message created at t0+at.
func msg(at time.Duration, channel, recipient, purpose string) *notify.Message {
	return &notify.Message{ID: ids.New(), Channel: channel, Recipient: recipient, Purpose: purpose, Subject: "主题",
		Body: "正文 " + purpose, Status: notify.StatusPending, CreatedAt: t0.Add(at), NextAttemptAt: t0.Add(at)}
}

func enqueue(t *testing.T, s *notifysql.Store, m *notify.Message) *notify.Message {
	t.Helper()
	got, created, err := s.Enqueue(ctx, m)
	if err != nil || !created {
		t.Fatalf("Enqueue = %v, %v; want created", created, err)
	}
	return got
}

func TestEnqueueAndFind(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		s := notifysql.New(d)
		alice := account(t, d, "alice")
		m1 := enqueue(t, s, msg(1*time.Second, notify.SMS, "13900000001", "login_code"))
		m2 := msg(2*time.Second, notify.Email, "a@example.cn", "result")
		m2.AccountID, m2.IdempotencyKey, m2.Template = alice, "result:1", "approval_result"
		enqueue(t, s, m2)
		m3 := msg(3*time.Second, notify.InApp, alice, "case.progress")
		m3.AccountID = alice
		enqueue(t, s, m3)

		got, err := s.FindMessageByID(ctx, m2.ID)
		if d := cmp.Diff(m2, got, ignoreHook); err != nil || d != "" {
			t.Errorf("FindMessageByID: %v; (-want +got):\n%s", err, d)
		}
		again := msg(time.Hour, notify.Email, "b@example.cn", "other")
		again.IdempotencyKey = "result:1"
		got, created, err := s.Enqueue(ctx, again)
		if err != nil || created || got.ID != m2.ID || got.Recipient != "a@example.cn" {
			t.Errorf("Enqueue(same key) = %+v, %v, %v; want the first message, not created", got, created, err)
		}
		for _, tc := range []struct {
			name      string
			f         notify.MessageFilter
			want      []*notify.Message
			wantTotal int
		}{
			{"all, newest first", notify.MessageFilter{}, []*notify.Message{m3, m2, m1}, 3},
			{"channel", notify.MessageFilter{Channel: notify.SMS}, []*notify.Message{m1}, 1},
			{"account", notify.MessageFilter{AccountID: alice}, []*notify.Message{m3, m2}, 2},
			{"inbox: in-app only until something is kept in the outbox", notify.MessageFilter{AccountID: alice, Inbox: true},
				[]*notify.Message{m3}, 1},
			{"purpose and recipient", notify.MessageFilter{Purpose: "login_code", Recipient: "13900000001"}, []*notify.Message{m1}, 1},
			{"page", notify.MessageFilter{Offset: 1, Limit: 1}, []*notify.Message{m2}, 3},
		} {
			list, total, err := s.FindMessages(ctx, tc.f)
			if d := cmp.Diff(tc.want, list, ignoreHook); err != nil || d != "" || total != tc.wantTotal {
				t.Errorf("%s: total %d (want %d), %v; (-want +got):\n%s", tc.name, total, tc.wantTotal, err, d)
			}
		}
		if _, err := s.FindMessageByID(ctx, "nope"); !errs.Is(err, errs.NotFound) {
			t.Errorf("FindMessageByID(unknown) = %v, want not found", err)
		}
		bad := msg(0, notify.SMS, "13900000001", "x")
		bad.AccountID = "no-such-account"
		if _, _, err := s.Enqueue(ctx, bad); errs.As(err) == nil || errs.As(err).Field != "account_id" {
			t.Errorf("Enqueue(unknown account) = %v, want invalid account_id", err)
		}
		if _, _, err := s.Enqueue(ctx, m1); !errs.Is(err, errs.Conflict) {
			t.Errorf("Enqueue(same id) = %v, want conflict", err)
		}
	})
}

func TestEnqueueInTheCallersTransaction(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		s := notifysql.New(d)
		boom := errors.New("the caller's change failed")
		kept, dropped := msg(0, notify.SMS, "13900000001", "kept"), msg(0, notify.SMS, "13900000002", "dropped")
		err := d.WithTx(ctx, func(tx *db.Tx) error {
			if _, _, err := notifysql.Enqueue(ctx, tx, dropped); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("WithTx = %v", err)
		}
		err = d.WithTx(ctx, func(tx *db.Tx) error {
			_, _, err := s.WithConn(tx).Enqueue(ctx, kept)
			return err
		})
		if err != nil {
			t.Fatalf("WithTx = %v", err)
		}
		list, total, err := s.FindMessages(ctx, notify.MessageFilter{})
		if err != nil || total != 1 || list[0].ID != kept.ID {
			t.Errorf("stored %d messages (%v); want only the committed one", total, err)
		}
		claimed, err := s.Claim(ctx, notify.Claim{Now: t0.Add(time.Hour), Until: t0.Add(2 * time.Hour), Token: "w", Limit: 10})
		if err != nil || len(claimed) != 1 || claimed[0].ID != kept.ID {
			t.Errorf("Claim = %d messages, %v; want only the committed one", len(claimed), err)
		}
	})
}

func TestClaimFinishAndLeases(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		s := notifysql.New(d)
		a := enqueue(t, s, msg(0, notify.SMS, "13900000001", "a"))
		b := enqueue(t, s, msg(time.Second, notify.SMS, "13900000002", "b"))
		later := msg(time.Second, notify.SMS, "13900000003", "later")
		later.NextAttemptAt = t0.Add(time.Hour)
		enqueue(t, s, later)

		now := t0.Add(time.Minute)
		claim := func(token string, at time.Time, id string) []*notify.Message {
			t.Helper()
			list, err := s.Claim(ctx, notify.Claim{Now: at, Until: at.Add(time.Minute), Token: token, Limit: 10, ID: id})
			if err != nil {
				t.Fatalf("Claim: %v", err)
			}
			return list
		}
		got := claim("w1", now, "")
		if len(got) != 2 || got[0].ID != a.ID || got[1].ID != b.ID || got[0].Attempts != 1 || !got[0].LockedUntil.Equal(now.Add(time.Minute)) {
			t.Fatalf("first claim = %+v; want a then b, each with one attempt and the lease", got)
		}
		if again := claim("w2", now.Add(30*time.Second), ""); len(again) != 0 {
			t.Errorf("claim during the lease = %d messages, want 0", len(again))
		}
		// w1 sends a in two parts, then reports.
		for seq, id := range []string{"smsc-1", "smsc-2"} {
			if err := s.AcceptPart(ctx, a.ID, "w1", notify.Part{Seq: seq + 1, Total: 2, ProviderID: id, AcceptedAt: now}); err != nil {
				t.Fatalf("AcceptPart: %v", err)
			}
		}
		// A receipt may arrive before, or after, the part is recorded.
		if err := s.RecordReceipt(ctx, notify.Receipt{ProviderID: "smsc-2", State: "ENROUTE", ReceivedAt: now}); err != nil {
			t.Fatal(err)
		}
		sent := notify.Outcome{Status: notify.StatusSent, SentAt: now, Via: notify.ViaSMPP, ProviderID: "smsc-1,smsc-2",
			Attempt: notify.Attempt{Attempt: 1, Via: notify.ViaSMPP, Outcome: notify.OutcomeSent, StartedAt: now, FinishedAt: now}}
		if err := s.Finish(ctx, a.ID, "wrong-token", sent); !errors.Is(err, notify.ErrLeaseLost) {
			t.Errorf("Finish with another token = %v, want ErrLeaseLost", err)
		}
		if err := s.Finish(ctx, a.ID, "w1", sent); err != nil {
			t.Fatalf("Finish: %v", err)
		}
		for _, r := range []notify.Receipt{{ProviderID: "smsc-1", State: "DELIVRD", ErrorCode: "000", DoneAt: now, ReceivedAt: now},
			{ProviderID: "smsc-2", State: "UNDELIV", ErrorCode: "001", DoneAt: now, ReceivedAt: now}} {
			if err := s.RecordReceipt(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		m, err := s.FindMessageByID(ctx, a.ID)
		if err != nil || m.Status != notify.StatusSent || m.Via != notify.ViaSMPP || m.ProviderID != "smsc-1,smsc-2" ||
			!m.LockedUntil.IsZero() || m.PartCount != 2 || m.DeliveredParts != 1 || m.UndeliveredParts != 1 {
			t.Fatalf("after finish: %+v, %v", m, err)
		}
		if len(m.Parts) != 2 || !m.Parts[0].Receipt.Delivered() || !m.Parts[1].Receipt.Undelivered() || m.Parts[1].Receipt.ErrorCode != "001" {
			t.Errorf("parts %+v; want the first delivered, the second undelivered", m.Parts)
		}

		// b's worker crashes: after the lease, another worker claims it,
		// and the abandoned attempt is recorded.
		after := now.Add(2 * time.Minute)
		got = claim("w3", after, "")
		if len(got) != 1 || got[0].ID != b.ID || got[0].Attempts != 2 {
			t.Fatalf("claim after the lease = %+v; want b with a second attempt", got)
		}
		if err := s.Finish(ctx, b.ID, "w1", sent); !errors.Is(err, notify.ErrLeaseLost) {
			t.Errorf("the crashed worker's late report = %v, want ErrLeaseLost", err)
		}
		retry := notify.Outcome{Status: notify.StatusPending, NextAttempt: after.Add(time.Minute),
			Attempt: notify.Attempt{Attempt: 2, Via: notify.ViaSMPP, Outcome: notify.OutcomeRetry, Error: "smsc down", StartedAt: after, FinishedAt: after}}
		if err := s.Finish(ctx, b.ID, "w3", retry); err != nil {
			t.Fatal(err)
		}
		if got := claim("w4", after.Add(30*time.Second), b.ID); len(got) != 0 {
			t.Errorf("claim before the next attempt = %d, want 0", len(got))
		}
		attempts, err := s.FindAttempts(ctx, b.ID)
		if err != nil || len(attempts) != 2 || attempts[0].Outcome != notify.OutcomeAbandoned || attempts[1].Outcome != notify.OutcomeRetry ||
			attempts[1].Error != "smsc down" {
			t.Errorf("attempts of b: %+v, %v; want abandoned then retry", attempts, err)
		}
		mb, _ := s.FindMessageByID(ctx, b.ID)
		if mb.Status != notify.StatusPending || mb.LastError != "smsc down" || !mb.NextAttemptAt.Equal(after.Add(time.Minute)) {
			t.Errorf("b after the retry report: %+v", mb)
		}
		failing, _, _ := s.FindMessages(ctx, notify.MessageFilter{Failing: true})
		if len(failing) != 1 || failing[0].ID != b.ID {
			t.Errorf("failing messages %v; want b", failing)
		}

		// Given up, then retried by an admin.
		got = claim("w5", after.Add(2*time.Minute), b.ID)
		failed := notify.Outcome{Status: notify.StatusFailed, Attempt: notify.Attempt{Attempt: 3, Outcome: notify.OutcomeFailed,
			Error: "still down", StartedAt: after, FinishedAt: after}}
		if len(got) != 1 || s.Finish(ctx, b.ID, "w5", failed) != nil {
			t.Fatalf("third attempt: %+v", got)
		}
		if err := s.Reschedule(ctx, b.ID, after.Add(3*time.Minute)); err != nil {
			t.Fatalf("Reschedule: %v", err)
		}
		if got := claim("w6", after.Add(3*time.Minute), ""); len(got) != 1 || got[0].ID != b.ID || got[0].Attempts != 4 {
			t.Errorf("claim after the reschedule = %+v; want b (attempt 4) only", got)
		}
		if err := s.Reschedule(ctx, a.ID, after); !errs.Is(err, errs.Conflict) {
			t.Errorf("Reschedule(sent) = %v, want conflict", err)
		}
		if err := s.Reschedule(ctx, "nope", after); !errs.Is(err, errs.NotFound) {
			t.Errorf("Reschedule(unknown) = %v, want not found", err)
		}
	})
}

func TestInbox(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		s := notifysql.New(d)
		alice, bob := account(t, d, "alice"), account(t, d, "bob")
		notice := func(at time.Duration, acct string) *notify.Message {
			m := msg(at, notify.InApp, acct, "case.progress")
			m.AccountID = acct
			return enqueue(t, s, m)
		}
		n1, n2, nb := notice(1*time.Second, alice), notice(2*time.Second, alice), notice(3*time.Second, bob)
		sms := msg(4*time.Second, notify.SMS, "13900000001", "case.progress")
		sms.AccountID = alice
		enqueue(t, s, sms)
		// The SMS is kept in the outbox (no gateway): it joins alice's inbox.
		if got, _ := s.Claim(ctx, notify.Claim{Now: t0.Add(time.Hour), Until: t0.Add(2 * time.Hour), Token: "w", ID: sms.ID}); len(got) != 1 {
			t.Fatal("claim the SMS")
		}
		if err := s.Finish(ctx, sms.ID, "w", notify.Outcome{Status: notify.StatusSent, Via: notify.ViaOutbox, SentAt: t0,
			Attempt: notify.Attempt{Attempt: 1, Outcome: notify.OutcomeSent, StartedAt: t0, FinishedAt: t0}}); err != nil {
			t.Fatal(err)
		}
		if n, err := s.CountUnread(ctx, alice); err != nil || n != 3 {
			t.Errorf("CountUnread(alice) = %d, %v; want 3", n, err)
		}
		if n, err := s.MarkRead(ctx, alice, []string{n1.ID, nb.ID}, t0.Add(time.Hour)); err != nil || n != 1 {
			t.Errorf("MarkRead(own and bob's) = %d, %v; want only alice's own marked", n, err)
		}
		unread, total, err := s.FindMessages(ctx, notify.MessageFilter{AccountID: alice, Inbox: true, Unread: true})
		if err != nil || total != 2 || unread[0].ID != sms.ID || unread[1].ID != n2.ID {
			t.Errorf("unread = %v (%d), %v; want the SMS and n2", unread, total, err)
		}
		if n, err := s.MarkRead(ctx, alice, nil, t0.Add(time.Hour)); err != nil || n != 2 {
			t.Errorf("MarkRead(all) = %d, %v; want 2", n, err)
		}
		if n, _ := s.CountUnread(ctx, alice); n != 0 {
			t.Errorf("unread after marking all: %d", n)
		}
		if n, _ := s.CountUnread(ctx, bob); n != 1 {
			t.Errorf("bob's unread: %d, want 1 (untouched)", n)
		}
		got, _ := s.FindMessageByID(ctx, n1.ID)
		if !got.ReadAt.Equal(t0.Add(time.Hour)) {
			t.Errorf("read at %v", got.ReadAt)
		}
	})
}
