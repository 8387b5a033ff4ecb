package smtp_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"mime"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/notify"
	"github.com/pengcheng-gov/pengcheng/internal/notify/notifysql"
	"github.com/pengcheng-gov/pengcheng/internal/notify/smtp"
)

var ctx = context.Background()

// received is one message the test relay accepted.
type received struct {
	from, to string
	data     []byte
	tls      bool
	user     string
}

// relay is an in-process SMTP server (go-smtp) that records what it
// accepts and can refuse recipients.
type relay struct {
	mu      sync.Mutex
	got     []received
	refuse  *gosmtp.SMTPError // answer to RCPT, when set
	addr    string
	certDER []byte
}

func (r *relay) NewSession(c *gosmtp.Conn) (gosmtp.Session, error) { return &session{r: r, c: c}, nil }

func (r *relay) messages() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

func (r *relay) setRefuse(e *gosmtp.SMTPError) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.refuse = e
}

type session struct {
	r        *relay
	c        *gosmtp.Conn
	cur      received
	authUser string
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "notify" || pass != "s3cret" {
			return errors.New("invalid credentials")
		}
		s.authUser = user
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *gosmtp.MailOptions) error { s.cur.from = from; return nil }

func (s *session) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	if s.r.refuse != nil {
		return s.r.refuse
	}
	s.cur.to = to
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.data = b
	_, s.cur.tls = s.c.TLSConnectionState()
	s.cur.user = s.authUser
	s.r.mu.Lock()
	s.r.got = append(s.r.got, s.cur)
	s.r.mu.Unlock()
	return nil
}

func (s *session) Reset()        { s.cur = received{} }
func (s *session) Logout() error { return nil }

// startRelay serves a relay on 127.0.0.1, with STARTTLS when withTLS.
func startRelay(t *testing.T, withTLS bool) *relay {
	t.Helper()
	r := &relay{}
	srv := gosmtp.NewServer(r)
	srv.Domain = "relay.test"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	if withTLS {
		cert, der := selfSigned(t)
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
		r.certDER = der
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.addr = ln.Addr().String()
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	return r
}

// selfSigned makes a certificate for 127.0.0.1.
func selfSigned(t *testing.T) (tls.Certificate, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "relay.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, der
}

func newChannel(t *testing.T, cfg smtp.Config) *smtp.Channel {
	t.Helper()
	ch, err := smtp.New(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func TestMailInUTF8(t *testing.T) {
	t.Parallel()
	r := startRelay(t, false)
	ch := newChannel(t, smtp.Config{Addr: r.addr, Username: "notify", Password: "s3cret", From: "鹏城政务 <noreply@gov.example.cn>"})
	m := &notify.Message{ID: "0190-abc", Channel: notify.Email, Recipient: "zhang@example.cn", Subject: "办理结果通知",
		Body: "张三您好：\n您申请的「高校应届毕业生引进入户」已准予许可。" + strings.Repeat("谢谢。", 40)}
	if err := ch.Deliver(ctx, m); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	got := r.messages()
	if len(got) != 1 || got[0].from != "noreply@gov.example.cn" || got[0].to != "zhang@example.cn" || got[0].user != "notify" {
		t.Fatalf("the relay got %+v; want one message from noreply to zhang, authenticated", got)
	}
	if !strings.Contains(m.ProviderID, "queued") {
		t.Errorf("provider id %q, want the relay's answer", m.ProviderID)
	}
	raw := got[0].data
	if bytes.Contains(raw, []byte("\n")) && bytes.Count(raw, []byte("\r\n")) != bytes.Count(raw, []byte("\n")) {
		t.Error("the message has bare LF line ends")
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	h := msg.Header
	subject, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if err != nil || subject != "办理结果通知" || !strings.HasPrefix(strings.ToLower(h.Get("Subject")), "=?utf-8?b?") {
		t.Errorf("Subject %q decodes to %q (%v); want RFC 2047 UTF-8 for 办理结果通知", h.Get("Subject"), subject, err)
	}
	from, err := h.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "鹏城政务" || from[0].Address != "noreply@gov.example.cn" {
		t.Errorf("From %q = %v, %v", h.Get("From"), from, err)
	}
	for k, want := range map[string]string{"Content-Type": "text/plain; charset=UTF-8", "Content-Transfer-Encoding": "base64",
		"MIME-Version": "1.0", "Message-Id": "<0190-abc@gov.example.cn>", "To": "<zhang@example.cn>"} {
		if got := h.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	enc, _ := io.ReadAll(msg.Body)
	for _, line := range strings.Split(strings.TrimRight(string(enc), "\r\n"), "\r\n") {
		if len(line) > 76 {
			t.Errorf("a body line has %d characters, more than 76", len(line))
		}
	}
	body, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(enc), "\r\n", ""))
	if err != nil || string(body) != m.Body {
		t.Errorf("body decodes to %q (%v), want the message", body, err)
	}
}

func TestStartTLS(t *testing.T) {
	t.Parallel()
	r := startRelay(t, true)
	pool := x509.NewCertPool()
	cert, _ := x509.ParseCertificate(r.certDER)
	pool.AddCert(cert)
	ch := newChannel(t, smtp.Config{Addr: r.addr, Username: "notify", Password: "s3cret", From: "noreply@gov.example.cn",
		StartTLS: smtp.StartTLSRequired, TLS: &tls.Config{RootCAs: pool}})
	if err := ch.Deliver(ctx, &notify.Message{ID: "1", Recipient: "a@example.cn", Subject: "s", Body: "b"}); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	if got := r.messages(); len(got) != 1 || !got[0].tls {
		t.Errorf("the relay got %+v; want one message over TLS", got)
	}
	// An untrusted certificate is refused.
	bad := newChannel(t, smtp.Config{Addr: r.addr, From: "noreply@gov.example.cn"})
	if err := bad.Deliver(ctx, &notify.Message{ID: "2", Recipient: "a@example.cn", Body: "b"}); err == nil || notify.IsPermanent(err) {
		t.Errorf("Deliver with an untrusted certificate = %v; want a (retryable) error", err)
	}
	// STARTTLS required but not offered.
	plain := startRelay(t, false)
	req := newChannel(t, smtp.Config{Addr: plain.addr, From: "noreply@gov.example.cn", StartTLS: smtp.StartTLSRequired})
	if err := req.Deliver(ctx, &notify.Message{ID: "3", Recipient: "a@example.cn", Body: "b"}); err == nil ||
		!strings.Contains(err.Error(), "STARTTLS") || len(plain.messages()) != 0 {
		t.Errorf("Deliver without STARTTLS when required = %v; want an error and nothing sent", err)
	}
}

func TestRefusingRelay(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		r := startRelay(t, false)
		r.setRefuse(&gosmtp.SMTPError{Code: 451, EnhancedCode: gosmtp.EnhancedCode{4, 3, 0}, Message: "mailbox busy, try later"})
		ch := newChannel(t, smtp.Config{Addr: r.addr, From: "noreply@gov.example.cn"})
		now := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
		var mu sync.Mutex
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		st := notifysql.New(d)
		svc, err := notify.New(notify.Config{Store: st, Channels: map[string]notify.Channel{notify.Email: ch}, Now: clock,
			Dispatch: notify.DispatchConfig{MaxAttempts: 3}, Log: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		m, err := svc.Send(ctx, notify.Draft{Channel: notify.Email, Recipient: "a@example.cn", Purpose: "x", Subject: "s", Body: "正文"})
		if err != nil || m.Status != notify.StatusPending {
			t.Fatalf("Send to a relay that refuses for now = %+v, %v; want pending", m, err)
		}
		for range 3 {
			mu.Lock()
			now = now.Add(time.Hour)
			mu.Unlock()
			if _, err := svc.DeliverDue(ctx); err != nil {
				t.Fatal(err)
			}
		}
		got, _ := st.FindMessageByID(ctx, m.ID)
		if got.Status != notify.StatusFailed || got.Attempts != 3 || !strings.Contains(got.LastError, "451") ||
			!strings.Contains(got.LastError, "mailbox busy") {
			t.Errorf("after the retries: %s, %d attempts, error %q; want failed after 3 with the relay's answer",
				got.Status, got.Attempts, got.LastError)
		}
		r.setRefuse(&gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "no such user"})
		_, err = svc.Send(ctx, notify.Draft{Channel: notify.Email, Recipient: "b@example.cn", Purpose: "x", Subject: "s", Body: "正文"})
		if err == nil || !strings.Contains(err.Error(), "no such user") {
			t.Errorf("Send to a user the relay does not know = %v; want a delivery error at once", err)
		}
		if len(r.messages()) != 0 {
			t.Errorf("the relay accepted %d messages, want 0", len(r.messages()))
		}
	})
}

func TestUnreachableRelay(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ch := newChannel(t, smtp.Config{Addr: addr, From: "noreply@gov.example.cn", Timeout: time.Second})
	err = ch.Deliver(ctx, &notify.Message{ID: "1", Recipient: "a@example.cn", Body: "b"})
	if err == nil || notify.IsPermanent(err) || !strings.Contains(err.Error(), "connect") {
		t.Errorf("Deliver to a closed port = %v; want a retryable connection error", err)
	}
}

func TestConfig(t *testing.T) {
	t.Parallel()
	ok := smtp.Config{Addr: "smtp.example.cn:587", Username: "u", Password: "pa55word", From: "鹏城政务 <noreply@gov.example.cn>"}
	if err := ok.Validate(); err != nil {
		t.Errorf("Validate(ok) = %v", err)
	}
	if err := (smtp.Config{}).Validate(); err != nil || (smtp.Config{}).Enabled() {
		t.Errorf("the empty config must be valid and disabled: %v", err)
	}
	err := smtp.Config{Addr: "smtp.example.cn", Password: "p", From: "nobody", StartTLS: "maybe"}.Validate()
	for _, want := range []string{"PENGCHENG_SMTP_ADDR", "PENGCHENG_SMTP_FROM", "PENGCHENG_SMTP_USERNAME", "STARTTLS"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate(bad) = %v; want it to name %s", err, want)
		}
	}
	if r := ok.Redacted(); r.Password != "******" || strings.Contains(ok.String(), "pa55word") {
		t.Errorf("Redacted = %+v, String = %s", r, ok)
	}
	r := startRelay(t, false)
	local := newChannel(t, smtp.Config{Addr: r.addr, Username: "notify", Password: "s3cret", From: "a@b.cn", StartTLS: smtp.StartTLSNone})
	if err := local.Deliver(ctx, &notify.Message{ID: "1", Recipient: "a@example.cn", Body: "b"}); err != nil {
		t.Errorf("a loopback relay may take the password without TLS: %v", err)
	}
}
