package identitytest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

func testUpdateAccount(t *testing.T, s identity.Store) {
	ctx := context.Background()
	nums := SampleIDNumbers()
	p := person(ids0(), nums[0], "13900000001")
	mustCreate(t, s, p, "")
	mustCreate(t, s, person(ids0(), nums[1], "13900000002"), "")
	st := staffAccount(ids0(), "clerk", DeptA, identity.Caseworker)
	mustCreate(t, s, st, "")
	t1 := t0.Add(time.Hour)

	got, err := s.UpdateAccount(ctx, st.ID, identity.AccountUpdate{
		DisplayName: Ptr("新名字"), Phone: Ptr("13900000003"), Email: Ptr("c@example.cn"), Department: Ptr(DeptB),
		Roles: Ptr([]identity.Role{identity.Dispatcher, identity.DeptAdmin}), Disabled: Ptr(true), Lang: Ptr("zh"),
	}, t1)
	if err != nil {
		t.Fatalf("UpdateAccount: %v", err)
	}
	want := *st
	want.DisplayName, want.Phone, want.Email, want.Department = "新名字", "13900000003", "c@example.cn", DeptB
	want.Roles, want.Disabled, want.Lang, want.UpdatedAt = []identity.Role{identity.DeptAdmin, identity.Dispatcher}, true, "zh", t1
	if d := cmp.Diff(&want, got); d != "" {
		t.Errorf("UpdateAccount result (-want +got):\n%s", d)
	}
	if again, err := s.FindAccountByID(ctx, st.ID); err != nil || !cmp.Equal(again, got) {
		t.Errorf("after UpdateAccount, FindAccountByID = %+v, %v; want %+v", again, err, got)
	}
	// Nil fields stay; an empty phone clears it (and frees it for others).
	got, err = s.UpdateAccount(ctx, p.ID, identity.AccountUpdate{Phone: Ptr(""), IDVerified: Ptr(false)}, t1)
	if err != nil || got.Phone != "" || got.IDVerified || got.DisplayName != p.DisplayName || got.Email != p.Email {
		t.Errorf("clear phone: got %+v, %v", got, err)
	}
	if _, err := s.UpdateAccount(ctx, st.ID, identity.AccountUpdate{Phone: Ptr("13900000001")}, t1); err != nil {
		t.Errorf("take a freed phone: %v", err)
	}
	if got, err := s.UpdateAccount(ctx, st.ID, identity.AccountUpdate{Roles: Ptr([]identity.Role{})}, t1); err != nil || len(got.Roles) != 0 {
		t.Errorf("clear roles: got %v, %v", got, err)
	}
	_, err = s.UpdateAccount(ctx, p.ID, identity.AccountUpdate{Phone: Ptr("13900000002")}, t1)
	if e := errs.As(err); e == nil || e.Kind != errs.Conflict || e.Field != "phone" {
		t.Errorf("taken phone: got %v, want a conflict on phone", err)
	}
	_, err = s.UpdateAccount(ctx, st.ID, identity.AccountUpdate{Department: Ptr("NO-SUCH")}, t1)
	if e := errs.As(err); e == nil || e.Kind != errs.Invalid || e.Field != "department" {
		t.Errorf("unknown department: got %v, want invalid department", err)
	}
	if got, _ := s.FindAccountByID(ctx, st.ID); got.Department != DeptB {
		t.Errorf("a refused update changed the department to %q", got.Department)
	}
	_, err = s.UpdateAccount(ctx, "no-such-id", identity.AccountUpdate{Lang: Ptr("en")}, t1)
	wantKind(t, "UpdateAccount(unknown)", err, errs.NotFound)
}

func testPasswords(t *testing.T, s identity.Store) {
	ctx := context.Background()
	a := staffAccount(ids0(), "clerk", DeptA, identity.Caseworker)
	mustCreate(t, s, a, "")
	if h, err := s.PasswordHash(ctx, a.ID); err != nil || h != "" {
		t.Errorf("PasswordHash of a new account without password = %q, %v; want empty", h, err)
	}
	if err := s.SetPasswordHash(ctx, a.ID, "$argon2id$x", t0); err != nil {
		t.Fatalf("SetPasswordHash: %v", err)
	}
	if h, err := s.PasswordHash(ctx, a.ID); err != nil || h != "$argon2id$x" {
		t.Errorf("PasswordHash = %q, %v; want the hash set", h, err)
	}
	if got, _ := s.FindAccountByID(ctx, a.ID); !got.PasswordSet {
		t.Errorf("PasswordSet = false after SetPasswordHash")
	}
	wantKind(t, "SetPasswordHash(unknown)", s.SetPasswordHash(ctx, "nope", "h", t0), errs.NotFound)
	_, err := s.PasswordHash(ctx, "nope")
	wantKind(t, "PasswordHash(unknown)", err, errs.NotFound)

	lock := t0.Add(15 * time.Minute)
	for i := 1; i <= 4; i++ {
		n, until, err := s.RecordLoginFailure(ctx, a.ID, 3, lock)
		wantUntil := time.Time{}
		if i >= 3 {
			wantUntil = lock
		}
		if err != nil || n != i || !until.Equal(wantUntil) {
			t.Errorf("failure %d: got %d, %v, %v; want %d, %v", i, n, until, err, i, wantUntil)
		}
	}
	got, _ := s.FindAccountByID(ctx, a.ID)
	if got.FailedLogins != 4 || !got.LockedUntil.Equal(lock) {
		t.Errorf("after failures: FailedLogins %d, LockedUntil %v; want 4, %v", got.FailedLogins, got.LockedUntil, lock)
	}
	if err := s.ResetLoginFailures(ctx, a.ID); err != nil {
		t.Fatalf("ResetLoginFailures: %v", err)
	}
	got, _ = s.FindAccountByID(ctx, a.ID)
	if got.FailedLogins != 0 || !got.LockedUntil.IsZero() {
		t.Errorf("after reset: FailedLogins %d, LockedUntil %v; want 0 and no lock", got.FailedLogins, got.LockedUntil)
	}
	_, _, err = s.RecordLoginFailure(ctx, "nope", 3, lock)
	wantKind(t, "RecordLoginFailure(unknown)", err, errs.NotFound)
	wantKind(t, "ResetLoginFailures(unknown)", s.ResetLoginFailures(ctx, "nope"), errs.NotFound)
}

func testSessions(t *testing.T, s identity.Store) {
	ctx := context.Background()
	a := staffAccount(ids0(), "clerk", DeptA, identity.Caseworker)
	b := staffAccount(ids0(), "other", DeptA, identity.Caseworker)
	mustCreate(t, s, a, "")
	mustCreate(t, s, b, "")
	newSession := func(acc *identity.Account, hash string, expires time.Time) *identity.Session {
		ss := &identity.Session{ID: ids0(), AccountID: acc.ID, CSRFToken: "csrf-" + hash, Method: "pwd", IP: "10.0.0.1",
			UserAgent: "test", CreatedAt: t0, LastSeenAt: t0, ExpiresAt: expires}
		if err := s.CreateSession(ctx, ss, hash); err != nil {
			t.Fatalf("CreateSession: %v", err)
		}
		return ss
	}
	s1 := newSession(a, "h1", t0.Add(time.Hour))
	s2 := newSession(a, "h2", t0.Add(2*time.Hour))
	s3 := newSession(b, "h3", t0.Add(30*time.Minute))

	got, err := s.FindSession(ctx, "h1", t0.Add(time.Minute))
	if err != nil || !cmp.Equal(got, s1) {
		t.Errorf("FindSession = %+v, %v; want %+v", got, err, s1)
	}
	_, err = s.FindSession(ctx, "h1", t0.Add(time.Hour)) // expires_at == now: expired
	wantKind(t, "FindSession at expiry", err, errs.NotFound)
	_, err = s.FindSession(ctx, "nope", t0)
	wantKind(t, "FindSession(unknown)", err, errs.NotFound)

	if err := s.TouchSession(ctx, s1.ID, t0.Add(50*time.Minute), t0.Add(3*time.Hour)); err != nil {
		t.Fatalf("TouchSession: %v", err)
	}
	got, err = s.FindSession(ctx, "h1", t0.Add(2*time.Hour))
	if err != nil || !got.LastSeenAt.Equal(t0.Add(50*time.Minute)) || !got.ExpiresAt.Equal(t0.Add(3*time.Hour)) {
		t.Errorf("after TouchSession: %+v, %v", got, err)
	}
	wantKind(t, "TouchSession(unknown)", s.TouchSession(ctx, "nope", t0, t0), errs.NotFound)

	n, err := s.DeleteExpiredSessions(ctx, t0.Add(time.Hour)) // only s3 has expired
	if err != nil || n != 1 {
		t.Errorf("DeleteExpiredSessions = %d, %v; want 1", n, err)
	}
	if _, err := s.FindSession(ctx, "h3", t0); !errs.Is(err, errs.NotFound) {
		t.Errorf("expired session %s survived DeleteExpiredSessions: %v", s3.ID, err)
	}
	if err := s.DeleteSession(ctx, s2.ID); err != nil {
		t.Fatalf("DeleteSession: %v", err)
	}
	wantKind(t, "DeleteSession twice", s.DeleteSession(ctx, s2.ID), errs.NotFound)
	s4 := newSession(b, "h4", t0.Add(time.Hour))
	if err := s.DeleteAccountSessions(ctx, a.ID); err != nil {
		t.Fatalf("DeleteAccountSessions: %v", err)
	}
	if _, err := s.FindSession(ctx, "h1", t0); !errs.Is(err, errs.NotFound) {
		t.Errorf("session of a survived DeleteAccountSessions: %v", err)
	}
	if got, err := s.FindSession(ctx, "h4", t0); err != nil || got.ID != s4.ID {
		t.Errorf("another account's session was deleted: %v", err)
	}
}

func testEvents(t *testing.T, s identity.Store) {
	ctx := context.Background()
	ev := func(at time.Duration, kind identity.EventKind, account, dept string) *identity.AuthEvent {
		e := &identity.AuthEvent{ID: ids0(), At: t0.Add(at), Kind: kind, AccountID: account, Department: dept,
			Login: "login", IP: "10.0.0.1", UserAgent: "ua", ClientID: "client", Detail: "detail"}
		if err := s.AppendEvent(ctx, e); err != nil {
			t.Fatalf("AppendEvent: %v", err)
		}
		return e
	}
	e1 := ev(1*time.Minute, identity.EventLogin, "acc-a", DeptA)
	e2 := ev(2*time.Minute, identity.EventLoginFailed, "", "")
	e3 := ev(3*time.Minute, identity.EventLogin, "acc-b", DeptB)
	e4 := ev(4*time.Minute, identity.EventLogout, "acc-a", DeptA)
	for _, tc := range []struct {
		name      string
		f         identity.EventFilter
		want      []*identity.AuthEvent
		wantTotal int
	}{
		{"all, newest first", identity.EventFilter{}, []*identity.AuthEvent{e4, e3, e2, e1}, 4},
		{"kind", identity.EventFilter{Kind: identity.EventLogin}, []*identity.AuthEvent{e3, e1}, 2},
		{"account", identity.EventFilter{AccountID: "acc-a"}, []*identity.AuthEvent{e4, e1}, 2},
		{"department", identity.EventFilter{Department: DeptB}, []*identity.AuthEvent{e3}, 1},
		{"since inclusive, until exclusive", identity.EventFilter{Since: t0.Add(2 * time.Minute), Until: t0.Add(4 * time.Minute)},
			[]*identity.AuthEvent{e3, e2}, 2},
		{"page", identity.EventFilter{Offset: 1, Limit: 2}, []*identity.AuthEvent{e3, e2}, 4},
	} {
		got, total, err := s.FindEvents(ctx, tc.f)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if d := cmp.Diff(tc.want, got); d != "" || total != tc.wantTotal {
			t.Errorf("%s: total %d, want %d; events (-want +got):\n%s", tc.name, total, tc.wantTotal, d)
		}
	}
}

func testCounters(t *testing.T, s identity.Store) {
	ctx := context.Background()
	w := 10 * time.Minute
	steps := []struct {
		name      string
		op        string // "hit", "count" or "reset"
		key       string
		at        time.Duration
		wantCount int
	}{
		{"first hit", "hit", "k", 0, 1},
		{"second hit", "hit", "k", time.Minute, 2},
		{"another key is separate", "hit", "other", time.Minute, 1},
		{"count within window", "count", "k", 9 * time.Minute, 2},
		{"third hit, still the first window", "hit", "k", 9*time.Minute + 59*time.Second, 3},
		{"count at the window's end", "count", "k", w, 0},
		{"hit at the window's end starts anew", "hit", "k", w, 1},
		{"the new window runs from its first hit", "hit", "k", w + 9*time.Minute, 2},
		{"count in the new window", "count", "k", w + 9*time.Minute, 2},
		{"reset", "reset", "k", w + 9*time.Minute, 0},
		{"count after reset", "count", "k", w + 9*time.Minute, 0},
		{"hit after reset", "hit", "k", w + 9*time.Minute, 1},
		{"count of unknown key", "count", "never", 0, 0},
		{"reset of unknown key", "reset", "never", 0, 0},
		{"other key untouched", "count", "other", 2 * time.Minute, 1},
		{"sweep: only windows started before the cut", "sweep", "", time.Minute + time.Second, 1},
		{"swept key is gone", "count", "other", 2 * time.Minute, 0},
		{"the newer key stays", "count", "k", w + 9*time.Minute, 1},
	}
	for _, st := range steps {
		var n int
		var err error
		switch st.op {
		case "hit":
			n, err = s.Hit(ctx, st.key, w, t0.Add(st.at))
		case "count":
			n, err = s.Count(ctx, st.key, w, t0.Add(st.at))
		case "reset":
			err = s.ResetCounter(ctx, st.key)
		case "sweep":
			n, err = s.DeleteStaleCounters(ctx, t0.Add(st.at))
		}
		if err != nil || n != st.wantCount {
			t.Errorf("%s: got %d, %v; want %d", st.name, n, err, st.wantCount)
		}
	}
}

func testOTP(t *testing.T, s identity.Store) {
	ctx := context.Background()
	const phone, other = "13900000001", "13900000002"
	create := func(phone, hash string, at, ttl time.Duration) {
		if err := s.CreateOTP(ctx, ids0(), phone, hash, t0.Add(at), t0.Add(at+ttl)); err != nil {
			t.Fatalf("CreateOTP: %v", err)
		}
	}
	consume := func(phone, hash string, at time.Duration) bool {
		ok, err := s.ConsumeOTP(ctx, phone, hash, t0.Add(at), 3)
		if err != nil {
			t.Fatalf("ConsumeOTP: %v", err)
		}
		return ok
	}
	create(phone, "code1", 0, 5*time.Minute)
	create(other, "code-other", 0, 5*time.Minute)
	steps := []struct {
		name  string
		phone string
		hash  string
		at    time.Duration
		want  bool
	}{
		{"another phone's code does not match", phone, "code-other", time.Minute, false},
		{"right code", phone, "code1", time.Minute, true},
		{"used code", phone, "code1", time.Minute, false},
		{"other phone unaffected", other, "code-other", time.Minute, true},
	}
	for _, st := range steps {
		if got := consume(st.phone, st.hash, st.at); got != st.want {
			t.Errorf("%s: got %v, want %v", st.name, got, st.want)
		}
	}

	// Attempts: two wrong guesses leave the code usable, three burn it.
	create(phone, "code2", 10*time.Minute, 5*time.Minute)
	for i := range 2 {
		if consume(phone, "wrong", 11*time.Minute) {
			t.Fatalf("wrong guess %d matched", i+1)
		}
	}
	if !consume(phone, "code2", 11*time.Minute) {
		t.Errorf("the code failed after 2 of 3 allowed wrong guesses")
	}
	create(phone, "code3", 20*time.Minute, 5*time.Minute)
	for range 3 {
		consume(phone, "wrong", 21*time.Minute)
	}
	if consume(phone, "code3", 21*time.Minute) {
		t.Errorf("the code matched after 3 wrong guesses (max 3)")
	}

	// Expiry: valid until just before expires_at.
	create(phone, "code4", 30*time.Minute, 5*time.Minute)
	if consume(phone, "code4", 35*time.Minute) {
		t.Errorf("the code matched at its expiry time")
	}
	create(phone, "code5", 40*time.Minute, 5*time.Minute)
	if !consume(phone, "code5", 44*time.Minute+59*time.Second) {
		t.Errorf("the code failed a second before its expiry")
	}

	// Only the newest code counts.
	create(phone, "old", 50*time.Minute, 5*time.Minute)
	create(phone, "new", 51*time.Minute, 5*time.Minute)
	if consume(phone, "old", 52*time.Minute) {
		t.Errorf("an older code matched while a newer one was outstanding")
	}
	if !consume(phone, "new", 52*time.Minute) {
		t.Errorf("the newest code failed")
	}

	// Clean-up: of the 7 codes of phone and 1 of other, those that expired
	// by 55 min go: all but "new", which expires at 56.
	n, err := s.DeleteExpiredOTPs(ctx, t0.Add(55*time.Minute))
	if err != nil || n != 7 {
		t.Errorf("DeleteExpiredOTPs = %d, %v; want 7", n, err)
	}
}
