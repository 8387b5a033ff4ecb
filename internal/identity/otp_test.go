package identity_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	. "github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
	"github.com/pengcheng-gov/pengcheng/internal/notify"
)

func TestLoginCode(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *Env) {
		s := e.Service
		a := Person(t, s, &PersonOpts{Phone: Ptr("13900001111"), Password: Ptr("")})
		c := client("10.0.2.1")
		if err := s.SendLoginCode(ctx, "+86 139 0000 1111", c); err != nil {
			t.Fatalf("SendLoginCode: %v", err)
		}
		code := e.LastCode(t, "13900001111")
		list, _, err := e.Messages.FindMessages(ctx, notify.MessageFilter{Recipient: "13900001111"})
		if err != nil || len(list) != 1 {
			t.Fatalf("outbox: %v, %v", list, err)
		}
		m := list[0]
		want := fmt.Sprintf("【鹏城】您的登录验证码为 %s，5分钟内有效。如非本人操作，请忽略本短信。", code)
		if len(code) != 6 || m.Body != want || m.Channel != notify.SMS || m.Purpose != "login_code" || m.AccountID != a.ID ||
			m.Status != notify.StatusSent {
			t.Errorf("message %+v; want body %q, sms, login_code, to %s, sent", m, want, a.ID)
		}
		var stored int
		if err := e.DB.QueryRow(ctx, `SELECT COUNT(*) FROM otp_codes WHERE code_hash = ?`, code).Scan(&stored); err != nil || stored != 0 {
			t.Errorf("the code is stored in clear (%d, %v)", stored, err)
		}
		got, sess, token, err := s.LoginWithCode(ctx, "13900001111", " "+code+" ", c)
		if err != nil || got.ID != a.ID || sess.Method != "otp" || token == "" {
			t.Fatalf("LoginWithCode = %v %+v %v", got, sess, err)
		}
		wantErr(t, "reused code", errOnly(s.LoginWithCode(ctx, "13900001111", code, c)), errs.Unauthenticated, "otp.failed")
		sent := events(t, e, identity.EventFilter{Kind: identity.EventOTPSent})
		login := events(t, e, identity.EventFilter{Kind: identity.EventLogin})
		if len(sent) != 1 || sent[0].AccountID != a.ID || sent[0].IP != "10.0.2.1" || len(login) != 1 || login[0].Detail != "otp" {
			t.Errorf("events: otp_sent %+v, login %+v", sent, login)
		}
		if ev := events(t, e, identity.EventFilter{Kind: identity.EventLoginFailed}); len(ev) != 1 || ev[0].Login != "13900001111" {
			t.Errorf("login_failed events %+v", ev)
		}
	})
}

func TestLoginCodeExpiryAndAttempts(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *Env) {
		s, pol := e.Service, e.Service.Policy()
		Person(t, s, &PersonOpts{Phone: Ptr("13900002222")})
		c := client("10.0.2.2")
		send := func() string {
			t.Helper()
			if err := s.SendLoginCode(ctx, "13900002222", c); err != nil {
				t.Fatalf("SendLoginCode: %v", err)
			}
			return e.LastCode(t, "13900002222")
		}
		wrong := func(code string) string { // a different 6-digit code
			return fmt.Sprintf("%06d", (atoi(code)+1)%1_000_000)
		}
		// Expiry.
		code := send()
		e.Clock.Advance(pol.OTPTTL)
		wantErr(t, "expired code", errOnly(s.LoginWithCode(ctx, "13900002222", code, c)), errs.Unauthenticated, "otp.failed")
		// OTPMaxAttempts-1 wrong guesses leave the code usable.
		code = send()
		for range pol.OTPMaxAttempts - 1 {
			wantErr(t, "wrong code", errOnly(s.LoginWithCode(ctx, "13900002222", wrong(code), c)), errs.Unauthenticated, "otp.failed")
		}
		if _, _, _, err := s.LoginWithCode(ctx, "13900002222", code, c); err != nil {
			t.Errorf("right code after %d wrong guesses: %v", pol.OTPMaxAttempts-1, err)
		}
		// OTPMaxAttempts wrong guesses burn it.
		e.Clock.Advance(pol.OTPInterval)
		code = send()
		for range pol.OTPMaxAttempts {
			_, _, _, _ = s.LoginWithCode(ctx, "13900002222", wrong(code), client("10.0.2.3"))
		}
		wantErr(t, "burnt code", errOnly(s.LoginWithCode(ctx, "13900002222", code, c)), errs.Unauthenticated, "otp.failed")
		// Input checks.
		wantErr(t, "5-digit code", errOnly(s.LoginWithCode(ctx, "13900002222", "12345", c)), errs.Invalid, "otp.format")
		wantErr(t, "bad phone", errOnly(s.LoginWithCode(ctx, "12345", "123456", c)), errs.Invalid, "phone.format")
		wantErr(t, "bad phone to send", s.SendLoginCode(ctx, "12345", c), errs.Invalid, "phone.format")
	})
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

func TestLoginCodeNotRevealed(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *Env) {
		s := e.Service
		Enterprise(t, s, &EnterpriseOpts{Phone: Ptr("13900003333")})
		off := Person(t, s, &PersonOpts{Phone: Ptr("13900004444")})
		admin := Staff(t, s, &StaffOpts{Roles: Ptr([]identity.Role{identity.PlatformAdmin})})
		if _, err := s.UpdateAccount(ctx, admin, off.ID, identity.AccountUpdate{Disabled: Ptr(true)}, client("10.0.2.9")); err != nil {
			t.Fatal(err)
		}
		for _, phone := range []string{"13900009999", "13900003333", "13900004444"} { // unknown, enterprise, disabled
			if err := s.SendLoginCode(ctx, phone, client("10.0.2.4")); err != nil {
				t.Errorf("SendLoginCode(%s) = %v; want nil, as for a registered phone", phone, err)
			}
			if n := e.CodesSent(t, phone); n != 0 {
				t.Errorf("SendLoginCode(%s) sent %d messages, want none", phone, n)
			}
			// The limits still count: a second request is refused like for a
			// registered phone.
			wantErr(t, "second request for "+phone, s.SendLoginCode(ctx, phone, client("10.0.2.4")), errs.TooManyRequests, "otp.too_soon")
		}
		wantErr(t, "code for an unknown phone", errOnly(s.LoginWithCode(ctx, "13900009999", "123456", client("10.0.2.4"))),
			errs.Unauthenticated, "otp.failed")
	})
}

func TestLoginCodeRateLimits(t *testing.T) {
	t.Parallel()
	pol := identity.DefaultPolicy()
	pol.OTPPerIPPerHour = 7
	forEachPolicy(t, pol, func(t *testing.T, e *Env) {
		s := e.Service
		Person(t, s, &PersonOpts{Phone: Ptr("13900005555")})
		c := client("10.0.2.5")
		if err := s.SendLoginCode(ctx, "13900005555", c); err != nil {
			t.Fatal(err)
		}
		err := wantErr(t, "within the interval", s.SendLoginCode(ctx, "13900005555", c), errs.TooManyRequests, "otp.too_soon")
		if !strings.Contains(err.Msg, "60秒") {
			t.Errorf("message %q does not say when to retry", err.Msg)
		}
		for i := 2; i <= pol.OTPPerHour; i++ {
			e.Clock.Advance(pol.OTPInterval)
			if err := s.SendLoginCode(ctx, "13900005555", client(fmt.Sprintf("10.0.3.%d", i))); err != nil {
				t.Fatalf("code %d of %d this hour: %v", i, pol.OTPPerHour, err)
			}
		}
		e.Clock.Advance(pol.OTPInterval)
		wantErr(t, "over the hourly limit per phone", s.SendLoginCode(ctx, "13900005555", client("10.0.4.1")),
			errs.TooManyRequests, "otp.phone_throttled")
		if n := e.CodesSent(t, "13900005555"); n != pol.OTPPerHour {
			t.Errorf("%d codes sent, want %d", n, pol.OTPPerHour)
		}
		e.Clock.Advance(time.Hour)
		if err := s.SendLoginCode(ctx, "13900005555", client("10.0.4.1")); err != nil {
			t.Errorf("after an hour: %v", err)
		}
		// Per client address: one address asking for many phones (its
		// earlier requests are more than an hour old): 7 pass, the 8th is
		// refused.
		for i := range pol.OTPPerIPPerHour {
			if err := s.SendLoginCode(ctx, fmt.Sprintf("1370000000%d", i), c); err != nil {
				t.Fatalf("request %d from one address: %v", i, err)
			}
		}
		wantErr(t, "over the hourly limit per address", s.SendLoginCode(ctx, "13700000009", c), errs.TooManyRequests, "otp.ip_throttled")
	})
}

func TestLoginCodeWhileLocked(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *Env) {
		s, pol := e.Service, e.Service.Policy()
		a := Person(t, s, &PersonOpts{Phone: Ptr("13900006666")})
		for range pol.MaxFailures {
			_, _, _, _ = s.Login(ctx, a.IDNumber, "Wrong-1234", client("10.0.2.6"))
		}
		if err := s.SendLoginCode(ctx, a.Phone, client("10.0.2.6")); err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := s.LoginWithCode(ctx, a.Phone, e.LastCode(t, a.Phone), client("10.0.2.6")); err != nil {
			t.Errorf("code login while the password is locked: %v, want success (the code proves the phone)", err)
		}
	})
}
