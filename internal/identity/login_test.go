package identity_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	. "github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
)

func TestLoginByEveryIdentifier(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *Env) {
		p := Person(t, e.Service, &PersonOpts{IDNumber: Ptr(SampleIDNumbers()[0])}) // ends in X
		ent := Enterprise(t, e.Service, &EnterpriseOpts{Phone: Ptr("13700000001")})
		st := Staff(t, e.Service, &StaffOpts{Username: Ptr("clerk.one")})
		tests := []struct {
			name, login string
			want        *identity.Account
		}{
			{"identity number", p.IDNumber, p},
			{"identity number with lower-case x", strings.ToLower(p.IDNumber), p},
			{"phone with country code", "+86 " + p.Phone, p},
			{"credit code, lower case", strings.ToLower(ent.USCC), ent},
			{"enterprise phone", "13700000001", ent},
			{"username, any case, spaces", "  Clerk.One ", st},
		}
		for _, tc := range tests {
			a, sess, token, err := e.Service.Login(ctx, tc.login, Password, client("10.0.0.1"))
			if err != nil {
				t.Errorf("%s: Login(%q): %v", tc.name, tc.login, err)
				continue
			}
			if a.ID != tc.want.ID || sess.AccountID != a.ID || sess.Method != "pwd" || token == "" || sess.CSRFToken == "" ||
				!sess.ExpiresAt.Equal(Start.Add(e.Service.Policy().SessionTTL)) || sess.IP != "10.0.0.1" {
				t.Errorf("%s: got account %s session %+v; want account %s with a fresh pwd session", tc.name, a.ID, sess, tc.want.ID)
			}
			if got, _, err := e.Service.Authenticate(ctx, token); err != nil || got.ID != a.ID {
				t.Errorf("%s: Authenticate(token) = %v, %v", tc.name, got, err)
			}
		}
		logins := events(t, e, identity.EventFilter{Kind: identity.EventLogin})
		if len(logins) != len(tests) || logins[0].AccountID != st.ID || logins[0].Department != DeptA ||
			logins[0].Login != "Clerk.One" || logins[0].IP != "10.0.0.1" || logins[0].UserAgent != "Mozilla/5.0 test" {
			t.Errorf("login events: %d, newest %+v", len(logins), logins[0])
		}
	})
}

func TestLoginFailures(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *Env) {
		a := Person(t, e.Service, nil)
		noPw := Person(t, e.Service, &PersonOpts{Password: Ptr("")})
		var msgs []string
		for _, tc := range []struct{ name, login, pw string }{
			{"wrong password", a.IDNumber, "Wrong-passw0rd"},
			{"unknown account", "nobody", Password},
			{"unknown identity number", SampleIDNumbers()[9], Password},
			{"account without password", noPw.IDNumber, Password},
		} {
			_, _, _, err := e.Service.Login(ctx, tc.login, tc.pw, client("10.0.0.2"))
			msgs = append(msgs, wantErr(t, tc.name, err, errs.Unauthenticated, "login.failed").Msg)
		}
		for _, m := range msgs {
			if m != "账号或密码错误" {
				t.Errorf("failure message %q; every failure must say 账号或密码错误 so accounts cannot be probed", m)
			}
		}
		failed := events(t, e, identity.EventFilter{Kind: identity.EventLoginFailed})
		if len(failed) != 4 || failed[2].AccountID != "" || failed[2].Login != "nobody" || failed[3].AccountID != a.ID {
			t.Errorf("login_failed events: %+v", failed)
		}
		wantErr(t, "empty login", errOnly(e.Service.Login(ctx, " ", Password, client("10.0.0.2"))), errs.Invalid, "login.empty")
		wantErr(t, "empty password", errOnly(e.Service.Login(ctx, "x", "", client("10.0.0.2"))), errs.Invalid, "login.password_empty")
	})
}

func errOnly(_ *identity.Account, _ *identity.Session, _ string, err error) error { return err }

func TestLockout(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *Env) {
		s, pol := e.Service, e.Service.Policy()
		a := Staff(t, s, nil)
		c := client("10.0.0.3")
		for i := 1; i < pol.MaxFailures; i++ {
			wantErr(t, "wrong password", errOnly(s.Login(ctx, a.Username, "Wrong-1234", c)), errs.Unauthenticated, "login.failed")
		}
		// The failure that reaches MaxFailures locks the account.
		err := wantErr(t, "locking failure", errOnly(s.Login(ctx, a.Username, "Wrong-1234", c)), errs.TooManyRequests, "login.locked")
		if err.Msg != "账户已锁定，请于 09:15 后再试" {
			t.Errorf("lock message %q, want 账户已锁定，请于 09:15 后再试 (15 minutes after 09:00 China time)", err.Msg)
		}
		if lock := events(t, e, identity.EventFilter{Kind: identity.EventLockout}); len(lock) != 1 || lock[0].AccountID != a.ID {
			t.Errorf("lockout events: %+v", lock)
		}
		e.Clock.Advance(14 * time.Minute)
		wantErr(t, "right password while locked", errOnly(s.Login(ctx, a.Username, Password, c)), errs.TooManyRequests, "login.locked")
		e.Clock.Advance(time.Minute)
		if _, _, _, err := s.Login(ctx, a.Username, Password, c); err != nil {
			t.Fatalf("login when the lock has run out: %v", err)
		}
		got, _ := s.AccountByID(ctx, a.ID)
		if got.FailedLogins != 0 || !got.LockedUntil.IsZero() {
			t.Errorf("after a successful login: %d failures, locked until %v; want 0 and unlocked", got.FailedLogins, got.LockedUntil)
		}
		// A fresh count: MaxFailures-1 failures, a success, MaxFailures-1
		// failures again do not lock.
		for round := 0; round < 2; round++ {
			for i := 1; i < pol.MaxFailures; i++ {
				wantErr(t, "wrong password", errOnly(s.Login(ctx, a.Username, "Wrong-1234", c)), errs.Unauthenticated, "login.failed")
			}
			if _, _, _, err := s.Login(ctx, a.Username, Password, c); err != nil {
				t.Fatalf("round %d: login after %d failures: %v", round, pol.MaxFailures-1, err)
			}
		}
	})
}

func TestLockoutExpiryGivesAFreshCount(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *Env) {
		s, pol := e.Service, e.Service.Policy()
		a := Staff(t, s, nil)
		c := client("10.0.0.4")
		for range pol.MaxFailures {
			_, _, _, _ = s.Login(ctx, a.Username, "Wrong-1234", c)
		}
		e.Clock.Advance(pol.LockoutFor)
		// One wrong password after the lock ran out must not lock again.
		wantErr(t, "first failure after the lock", errOnly(s.Login(ctx, a.Username, "Wrong-1234", c)), errs.Unauthenticated, "login.failed")
		if _, _, _, err := s.Login(ctx, a.Username, Password, c); err != nil {
			t.Errorf("login after one failure past the lock: %v", err)
		}
	})
}

func TestIPThrottle(t *testing.T) {
	t.Parallel()
	pol := identity.DefaultPolicy()
	pol.IPMaxFailures = 3
	forEachPolicy(t, pol, func(t *testing.T, e *Env) {
		s := e.Service
		a, b := Staff(t, s, nil), Staff(t, s, nil)
		attacker, other := client("203.0.113.9"), client("198.51.100.7")
		for _, login := range []string{a.Username, b.Username, "ghost"} { // spread over accounts, known and unknown
			wantErr(t, "failure", errOnly(s.Login(ctx, login, "Wrong-1234", attacker)), errs.Unauthenticated, "")
		}
		err := wantErr(t, "throttled address, right password", errOnly(s.Login(ctx, a.Username, Password, attacker)),
			errs.TooManyRequests, "login.ip_throttled")
		if !strings.Contains(err.Msg, "15分钟") {
			t.Errorf("throttle message %q does not say when to retry", err.Msg)
		}
		if _, _, _, err := s.Login(ctx, a.Username, Password, other); err != nil {
			t.Errorf("another address is not throttled: %v", err)
		}
		e.Clock.Advance(pol.IPWindow)
		if _, _, _, err := s.Login(ctx, a.Username, Password, attacker); err != nil {
			t.Errorf("after the window: %v", err)
		}
		// Throttled attempts reach neither the account's failure count nor
		// its lock.
		got, _ := s.AccountByID(ctx, b.ID)
		if got.FailedLogins != 1 {
			t.Errorf("b has %d failures, want 1", got.FailedLogins)
		}
	})
}

func TestDisabledAccount(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *Env) {
		s := e.Service
		admin := Staff(t, s, &StaffOpts{Roles: Ptr([]identity.Role{identity.PlatformAdmin})})
		a := Person(t, s, nil)
		_, _, token, err := s.Login(ctx, a.IDNumber, Password, client("10.0.0.5"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateAccount(ctx, admin, a.ID, identity.AccountUpdate{Disabled: Ptr(true)}, client("10.0.0.6")); err != nil {
			t.Fatalf("disable: %v", err)
		}
		wantErr(t, "session of a disabled account", errOnly2(s.Authenticate(ctx, token)), errs.Unauthenticated, "")
		de := wantErr(t, "right password", errOnly(s.Login(ctx, a.IDNumber, Password, client("10.0.0.5"))), errs.Forbidden, "login.disabled")
		if !strings.Contains(de.Msg, "停用") {
			t.Errorf("message %q does not say the account is disabled", de.Msg)
		}
		wantErr(t, "wrong password", errOnly(s.Login(ctx, a.IDNumber, "Wrong-1234", client("10.0.0.5"))), errs.Unauthenticated, "login.failed")
		wantErr(t, "federated login", errOnly3(s.StartSession(ctx, a, "fed:test", client("10.0.0.5"))), errs.Forbidden, "login.disabled")
		if _, err := s.UpdateAccount(ctx, admin, a.ID, identity.AccountUpdate{Disabled: Ptr(false)}, client("10.0.0.6")); err != nil {
			t.Fatalf("enable: %v", err)
		}
		wantErr(t, "old session after re-enabling", errOnly2(s.Authenticate(ctx, token)), errs.Unauthenticated, "")
		if _, _, _, err := s.Login(ctx, a.IDNumber, Password, client("10.0.0.5")); err != nil {
			t.Errorf("login after re-enabling: %v", err)
		}
	})
}

func errOnly2(_ *identity.Account, _ *identity.Session, err error) error { return err }
func errOnly3(_ *identity.Session, _ string, err error) error            { return err }

func TestRehashOnLogin(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *Env) {
		a := Staff(t, e.Service, nil)
		// A hash of Password made with weaker, older parameters.
		const weak = "$argon2id$v=19$m=4096,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$"
		key := weakKey(Password)
		if err := e.Store.SetPasswordHash(ctx, a.ID, weak+key, Start); err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := e.Service.Login(ctx, a.Username, Password, client("10.0.0.7")); err != nil {
			t.Fatalf("login with an old hash: %v", err)
		}
		h, _ := e.Store.PasswordHash(ctx, a.ID)
		if identity.NeedsRehash(h) || !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
			t.Errorf("hash after login %q, want it upgraded to the current parameters", h)
		}
		if _, _, _, err := e.Service.Login(ctx, a.Username, Password, client("10.0.0.7")); err != nil {
			t.Errorf("login with the upgraded hash: %v", err)
		}
	})
}

func TestLoginRefusesOversizedInput(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *Env) {
		a := Person(t, e.Service, nil)
		_, _, _, err := e.Service.Login(ctx, strings.Repeat("4", 65), Password, client("10.9.9.9"))
		if ee := errs.As(err); ee == nil || ee.Code != "login.too_long" {
			t.Fatalf("65-character login: err = %v, want login.too_long", err)
		}
		_, _, _, err = e.Service.Login(ctx, a.Username, strings.Repeat("x", 1025), client("10.9.9.9"))
		if !errs.Is(err, errs.Unauthenticated) {
			t.Fatalf("1025-byte password: err = %v, want Unauthenticated", err)
		}
		if _, _, _, err := e.Service.Login(ctx, a.Username, Password, client("10.9.9.9")); err != nil {
			t.Fatalf("the right password still works: %v", err)
		}
	})
}
