package smpp_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/linxGnu/gosmpp/data"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/notify"
	"github.com/pengcheng-gov/pengcheng/internal/notify/notifysql"
	"github.com/pengcheng-gov/pengcheng/internal/notify/smpp"
	"github.com/pengcheng-gov/pengcheng/internal/notify/smpp/smpptest"
)

var ctx = context.Background()

// clock is a movable clock for the dispatcher's schedule.
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

type bundle struct {
	smsc  *smpptest.Server
	ch    *smpp.Channel
	svc   *notify.Service
	store *notifysql.Store
	clock *clock
}

func setup(t *testing.T, d *db.DB, password string, dc notify.DispatchConfig) *bundle {
	t.Helper()
	smsc := smpptest.Start(t, "pengcheng", "pw")
	st := notifysql.New(d)
	log := slog.New(slog.DiscardHandler)
	ch, err := smpp.New(smpp.Config{Addr: smsc.Addr(), SystemID: "pengcheng", Password: password, Source: "106900001234",
		ReconnectMin: 10 * time.Millisecond, ReconnectMax: 50 * time.Millisecond, SubmitTimeout: 2 * time.Second}, st, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ch.Close() })
	c := &clock{t: time.Now().UTC()}
	svc, err := notify.New(notify.Config{Store: st, Channels: map[string]notify.Channel{notify.SMS: ch}, Now: c.Now,
		Dispatch: dc, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	return &bundle{smsc: smsc, ch: ch, svc: svc, store: st, clock: c}
}

// message returns the stored message id, with its parts.
func (b *bundle) message(t *testing.T, id string) *notify.Message {
	t.Helper()
	m, err := b.store.FindMessageByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// longText is a notice of 150 Chinese characters: three parts.
var longText = "【鹏城政务】" + strings.Repeat("您的高校应届毕业生引进入户申请已准予许可请查收", 6) + "谢谢您的支持"

func TestLongChineseTextInConcatenatedParts(t *testing.T) {
	t.Parallel()
	if n := len([]rune(longText)); n != 150 {
		t.Fatalf("the test text has %d characters, want 150", n)
	}
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d, "pw", notify.DispatchConfig{})
		m, err := b.svc.Send(ctx, notify.Draft{Channel: notify.SMS, Recipient: "13900000001", Purpose: "approval", Body: longText})
		if err != nil {
			t.Fatalf("Send: %v", err)
		}
		subs := b.smsc.Submits()
		if len(subs) != 3 {
			t.Fatalf("the SMSC got %d parts, want 3", len(subs))
		}
		ref := smpp.Ref(m.ID)
		var text strings.Builder
		for i, s := range subs {
			wantUDH := []byte{0x05, 0x00, 0x03, ref, 3, byte(i + 1)}
			if s.DataCoding != data.UCS2Coding || s.EsmClass&0x40 == 0 || !bytes.Equal(s.UDH, wantUDH) ||
				s.RegisteredDelivery != 1 || s.Dest != "8613900000001" || s.DestTON != 1 || s.Source != "106900001234" {
				t.Errorf("part %d: coding %#x esm %#x UDH % X reg %d to %s (TON %d) from %s; want UCS-2, UDHI, UDH % X, a receipt, to 8613900000001",
					i+1, s.DataCoding, s.EsmClass, s.UDH, s.RegisteredDelivery, s.Dest, s.DestTON, s.Source, wantUDH)
			}
			wantLen := []int{134, 134, 32}[i]
			if len(s.UserData) != wantLen {
				t.Errorf("part %d: %d octets of UCS-2, want %d", i+1, len(s.UserData), wantLen)
			}
			text.WriteString(s.Text)
		}
		if text.String() != longText {
			t.Errorf("the parts join to %q, want the text", text.String())
		}
		want := subs[0].MessageID + "," + subs[1].MessageID + "," + subs[2].MessageID
		if m.Status != notify.StatusSent || m.Via != notify.ViaSMPP || m.ProviderID != want {
			t.Errorf("message %s via %s, provider id %q; want sent via smpp with %q", m.Status, m.Via, m.ProviderID, want)
		}
		// The receipts arrive on the same bind and are recorded.
		deadline := time.Now().Add(5 * time.Second)
		for b.message(t, m.ID).DeliveredParts < 3 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		got := b.message(t, m.ID)
		if got.DeliveredParts != 3 || len(got.Parts) != 3 || got.Parts[2].Receipt == nil || got.Parts[2].Receipt.State != "DELIVRD" {
			t.Errorf("parts %+v; want three with DELIVRD receipts", got.Parts)
		}
		if b.smsc.Acked() != 3 {
			t.Errorf("%d receipts acknowledged, want 3", b.smsc.Acked())
		}
	})
}

func TestUndeliveredReceipt(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d, "pw", notify.DispatchConfig{})
		b.smsc.SetReceipts("UNDELIV")
		m, err := b.svc.Send(ctx, notify.Draft{Channel: notify.SMS, Recipient: "13900000002", Purpose: "x", Body: "短消息"})
		if err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for b.message(t, m.ID).UndeliveredParts < 1 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if got := b.message(t, m.ID); got.UndeliveredParts != 1 || got.Parts[0].Receipt.ErrorCode != "001" {
			t.Errorf("parts %+v; want one UNDELIV receipt with its error code", got.Parts)
		}
	})
}

func TestCrashedSMSCLosesAndDuplicatesNothing(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d, "pw", notify.DispatchConfig{BackoffBase: time.Second})
		b.smsc.CrashOnSubmit(2) // dies when the second part arrives
		m, err := b.svc.Send(ctx, notify.Draft{Channel: notify.SMS, Recipient: "13900000001", Purpose: "approval", Body: longText})
		if err != nil {
			t.Fatalf("Send to a crashing SMSC = %v; want queued", err)
		}
		got := b.message(t, m.ID)
		if got.Status != notify.StatusPending || len(got.Parts) != 1 || !strings.Contains(got.LastError, "connection to the SMSC was lost") {
			t.Fatalf("after the crash: %s, %d parts recorded, error %q; want pending with part 1 and a clear error",
				got.Status, len(got.Parts), got.LastError)
		}
		// While the SMSC is down, attempts fail with a clear error.
		b.clock.Add(time.Minute)
		if n, err := b.svc.DeliverDue(ctx); err != nil || n != 0 {
			t.Errorf("DeliverDue while down = %d, %v", n, err)
		}
		if got = b.message(t, m.ID); got.Status != notify.StatusPending || !strings.Contains(got.LastError, "smpp: bind to") {
			t.Errorf("while down: %s, error %q; want pending with the connection error", got.Status, got.LastError)
		}
		if err := b.smsc.Restart(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(60 * time.Millisecond) // the reconnect backoff
		b.clock.Add(time.Hour)
		if n, err := b.svc.DeliverDue(ctx); err != nil || n != 1 {
			t.Fatalf("DeliverDue after the restart = %d, %v; want 1", n, err)
		}
		subs := b.smsc.Submits()
		if len(subs) != 3 || subs[0].Seq != 1 || subs[1].Seq != 2 || subs[2].Seq != 3 {
			t.Fatalf("the SMSC accepted %d parts %v; want parts 1, 2, 3 once each", len(subs), subs)
		}
		for _, s := range subs {
			if s.Ref != smpp.Ref(m.ID) {
				t.Errorf("part %d has reference %d, want %d for every attempt", s.Seq, s.Ref, smpp.Ref(m.ID))
			}
		}
		if texts := b.smsc.Texts(); len(texts) != 1 || texts[fmt.Sprintf("8613900000001#%d", smpp.Ref(m.ID))] != longText {
			t.Errorf("the SMSC reassembles %v; want the text once", texts)
		}
		if got = b.message(t, m.ID); got.Status != notify.StatusSent || got.Attempts != 3 || len(got.Parts) != 3 {
			t.Errorf("finally %s after %d attempts with %d parts", got.Status, got.Attempts, len(got.Parts))
		}
	})
}

func TestDispatcherThroughSMSCCrashAndRestart(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d, "pw", notify.DispatchConfig{})
		// this dispatcher runs on the real clock
		svc, err := notify.New(notify.Config{Store: b.store, Channels: map[string]notify.Channel{notify.SMS: b.ch},
			Dispatch: notify.DispatchConfig{BackoffBase: 20 * time.Millisecond, BackoffMax: 100 * time.Millisecond,
				Poll: 10 * time.Millisecond, MaxAttempts: 100, Workers: 3}, Log: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		const n = 30
		b.smsc.CrashOnSubmit(10)
		for i := range n {
			m, err := svc.Compose(notify.Draft{Channel: notify.SMS, Recipient: fmt.Sprintf("1390000%04d", i), Purpose: "load",
				Body: fmt.Sprintf("【鹏城政务】第%d条通知", i)})
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := b.store.Enqueue(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		done := make(chan struct{})
		go func() { _ = svc.Run(rctx); close(done) }()
		for len(b.smsc.Submits()) < 9 && rctx.Err() == nil {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(100 * time.Millisecond) // the SMSC stays down a while
		if err := b.smsc.Restart(); err != nil {
			t.Fatal(err)
		}
		for rctx.Err() == nil {
			if _, sent, _ := b.store.FindMessages(ctx, notify.MessageFilter{Status: notify.StatusSent}); sent == n {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
		<-done
		seen := map[string]int{}
		for _, s := range b.smsc.Submits() {
			seen[s.Text]++
		}
		for i := range n {
			if text := fmt.Sprintf("【鹏城政务】第%d条通知", i); seen[text] != 1 {
				t.Errorf("%q reached the SMSC %d times, want once", text, seen[text])
			}
		}
		if failing, _, _ := b.store.FindMessages(ctx, notify.MessageFilter{Failing: true}); len(failing) != 0 {
			t.Errorf("%d messages still carry an error after their retries succeeded", len(failing))
		}
	})
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d, "pw", notify.DispatchConfig{})
		b.smsc.Refuse(data.ESME_RINVDSTADR)
		_, err := b.svc.Send(ctx, notify.Draft{Channel: notify.SMS, Recipient: "13900000001", Purpose: "x", Body: "您好"})
		if e := errs.As(err); e == nil || e.Code != "notify.delivery" || !strings.Contains(e.Msg, "ESME_RINVDSTADR") {
			t.Errorf("Send to an invalid number = %v; want a delivery error naming the SMSC's status", err)
		}
		b.smsc.Refuse(data.ESME_RTHROTTLED)
		m, err := b.svc.Send(ctx, notify.Draft{Channel: notify.SMS, Recipient: "13900000002", Purpose: "x", Body: "您好"})
		if err != nil || m.Status != notify.StatusPending || !strings.Contains(m.LastError, "ESME_RTHROTTLED") {
			t.Errorf("Send while throttled = %+v, %v; want pending with the status", m, err)
		}
	})
}

func TestWrongPassword(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d, "wrong", notify.DispatchConfig{})
		m, err := b.svc.Send(ctx, notify.Draft{Channel: notify.SMS, Recipient: "13900000001", Purpose: "x", Body: "您好"})
		if err != nil || m.Status != notify.StatusPending || !strings.Contains(m.LastError, "binding error") || b.smsc.Binds() != 0 {
			t.Errorf("Send with a wrong password = %+v, %v; want pending with the bind error", m, err)
		}
	})
}
