package identity_test

import (
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	. "github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
)

// cast is the set of accounts of the authorisation tests.
type cast struct {
	admin, deptAdminA, deptAdminB, clerkA, clerkB, adminInA, citizen, citizen2, company *identity.Account
}

func newCast(t *testing.T, s *identity.Service) cast {
	roles := func(r ...identity.Role) *[]identity.Role { return &r }
	return cast{
		admin:      Staff(t, s, &StaffOpts{Username: Ptr("p-admin"), Department: Ptr(DeptB), Roles: roles(identity.PlatformAdmin)}),
		deptAdminA: Staff(t, s, &StaffOpts{Username: Ptr("a-admin"), Roles: roles(identity.DeptAdmin)}),
		deptAdminB: Staff(t, s, &StaffOpts{Username: Ptr("b-admin"), Department: Ptr(DeptB), Roles: roles(identity.DeptAdmin)}),
		clerkA:     Staff(t, s, &StaffOpts{Username: Ptr("a-clerk")}),
		clerkB:     Staff(t, s, &StaffOpts{Username: Ptr("b-clerk"), Department: Ptr(DeptB)}),
		adminInA:   Staff(t, s, &StaffOpts{Username: Ptr("a-padmin"), Roles: roles(identity.PlatformAdmin, identity.Caseworker)}),
		citizen:    Person(t, s, nil),
		citizen2:   Person(t, s, nil),
		company:    Enterprise(t, s, nil),
	}
}

func TestAccountVisibility(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *Env) {
		c := newCast(t, e.Service)
		all := []*identity.Account{c.admin, c.deptAdminA, c.deptAdminB, c.clerkA, c.clerkB, c.adminInA, c.citizen, c.citizen2, c.company}
		tests := []struct {
			name    string
			actor   *identity.Account
			visible []*identity.Account
		}{
			{"platform admin", c.admin, all},
			{"dept admin A", c.deptAdminA, []*identity.Account{c.deptAdminA, c.clerkA, c.adminInA}},
			{"dept admin B", c.deptAdminB, []*identity.Account{c.admin, c.deptAdminB, c.clerkB}},
			{"caseworker", c.clerkA, []*identity.Account{c.clerkA}},
			{"citizen", c.citizen, []*identity.Account{c.citizen}},
			{"enterprise", c.company, []*identity.Account{c.company}},
		}
		for _, tc := range tests {
			for _, target := range all {
				want := contains(tc.visible, target)
				got, err := e.Service.Account(ctx, tc.actor, target.ID)
				switch {
				case want && (err != nil || got.ID != target.ID):
					t.Errorf("%s sees %s: got %v, %v; want the account", tc.name, target.Username, got, err)
				case !want && !errs.Is(err, errs.NotFound):
					t.Errorf("%s sees %s: got %v, %v; want not found (not forbidden: existence is not revealed)", tc.name, target.Username, got, err)
				}
			}
		}
		wantErr(t, "anonymous", errOnlyA(e.Service.Account(ctx, nil, c.citizen.ID)), errs.Unauthenticated, "")
		wantErr(t, "unknown id", errOnlyA(e.Service.Account(ctx, c.admin, "no-such-id")), errs.NotFound, "")
	})
}

func errOnlyA(_ *identity.Account, err error) error { return err }

func contains(list []*identity.Account, a *identity.Account) bool {
	for _, x := range list {
		if x.ID == a.ID {
			return true
		}
	}
	return false
}

func usernames(list []*identity.Account) []string {
	var out []string
	for _, a := range list {
		out = append(out, a.Username)
	}
	sort.Strings(out)
	return out
}

func TestAccountsList(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *Env) {
		c := newCast(t, e.Service)
		list, total, err := e.Service.Accounts(ctx, c.admin, identity.AccountFilter{})
		if err != nil || total != 9 || len(list) != 9 {
			t.Errorf("platform admin: %d of %d, %v; want all 9", len(list), total, err)
		}
		// A department admin asking for another department or for persons
		// still gets only their own department's staff.
		list, total, err = e.Service.Accounts(ctx, c.deptAdminA, identity.AccountFilter{Department: DeptB, Kind: identity.Person})
		if d := cmp.Diff([]string{"a-admin", "a-clerk", "a-padmin"}, usernames(list)); err != nil || d != "" || total != 3 {
			t.Errorf("dept admin A: %v total %d, %v; want department A's staff", usernames(list), total, err)
		}
		if list, _, _ := e.Service.Accounts(ctx, nil, identity.AccountFilter{Kind: identity.Person}); len(list) != 2 {
			t.Errorf("system: %d persons, want 2", len(list))
		}
		for _, actor := range []*identity.Account{c.clerkA, c.citizen, c.company} {
			_, _, err := e.Service.Accounts(ctx, actor, identity.AccountFilter{})
			wantErr(t, actor.Username+" lists accounts", err, errs.Forbidden, "")
		}
	})
}

func TestUpdateAccountAuthorization(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *Env) {
		c := newCast(t, e.Service)
		u := func(f func(*identity.AccountUpdate)) identity.AccountUpdate {
			var x identity.AccountUpdate
			f(&x)
			return x
		}
		tests := []struct {
			name   string
			actor  *identity.Account
			target *identity.Account
			u      identity.AccountUpdate
			want   errs.Kind // Internal means success
		}{
			{"citizen changes own phone", c.citizen, c.citizen, u(func(x *identity.AccountUpdate) { x.Phone = Ptr("13600000001") }), errs.Internal},
			{"citizen changes own language", c.citizen, c.citizen, u(func(x *identity.AccountUpdate) { x.Lang = Ptr("en") }), errs.Internal},
			{"citizen changes own name", c.citizen, c.citizen, u(func(x *identity.AccountUpdate) { x.DisplayName = Ptr("别名") }), errs.Forbidden},
			{"citizen verifies self", c.citizen, c.citizen, u(func(x *identity.AccountUpdate) { x.IDVerified = Ptr(true) }), errs.Forbidden},
			{"citizen changes another citizen", c.citizen, c.citizen2, u(func(x *identity.AccountUpdate) { x.Lang = Ptr("en") }), errs.NotFound},
			{"caseworker gives self a role", c.clerkA, c.clerkA, u(func(x *identity.AccountUpdate) { x.Roles = Ptr([]identity.Role{identity.DeptAdmin}) }), errs.Forbidden},
			{"dept admin renames own staff", c.deptAdminA, c.clerkA, u(func(x *identity.AccountUpdate) { x.DisplayName = Ptr("新名") }), errs.Internal},
			{"dept admin gives a role", c.deptAdminA, c.clerkA, u(func(x *identity.AccountUpdate) {
				x.Roles = Ptr([]identity.Role{identity.Caseworker, identity.Dispatcher})
			}), errs.Internal},
			{"dept admin grants platform admin", c.deptAdminA, c.clerkA, u(func(x *identity.AccountUpdate) { x.Roles = Ptr([]identity.Role{identity.PlatformAdmin}) }), errs.Forbidden},
			{"dept admin moves staff away", c.deptAdminA, c.clerkA, u(func(x *identity.AccountUpdate) { x.Department = Ptr(DeptB) }), errs.Forbidden},
			{"dept admin changes other department", c.deptAdminA, c.clerkB, u(func(x *identity.AccountUpdate) { x.Disabled = Ptr(true) }), errs.NotFound},
			{"dept admin disables a platform admin of the department", c.deptAdminA, c.adminInA, u(func(x *identity.AccountUpdate) { x.Disabled = Ptr(true) }), errs.Forbidden},
			{"dept admin changes a citizen", c.deptAdminA, c.citizen, u(func(x *identity.AccountUpdate) { x.Lang = Ptr("en") }), errs.NotFound},
			{"dept admin disables self", c.deptAdminA, c.deptAdminA, u(func(x *identity.AccountUpdate) { x.Disabled = Ptr(true) }), errs.Forbidden},
			{"platform admin moves staff", c.admin, c.clerkA, u(func(x *identity.AccountUpdate) { x.Department = Ptr(DeptB) }), errs.Internal},
			{"platform admin grants platform admin", c.admin, c.clerkB, u(func(x *identity.AccountUpdate) { x.Roles = Ptr([]identity.Role{identity.PlatformAdmin}) }), errs.Internal},
			{"platform admin verifies a citizen", c.admin, c.citizen2, u(func(x *identity.AccountUpdate) { x.IDVerified = Ptr(true) }), errs.Internal},
			{"platform admin drops own role", c.admin, c.admin, u(func(x *identity.AccountUpdate) { x.Roles = Ptr([]identity.Role{identity.Caseworker}) }), errs.Forbidden},
			{"roles for a citizen", c.admin, c.citizen, u(func(x *identity.AccountUpdate) { x.Roles = Ptr([]identity.Role{identity.Caseworker}) }), errs.Invalid},
			{"no roles for staff", c.admin, c.clerkB, u(func(x *identity.AccountUpdate) { x.Roles = Ptr([]identity.Role{}) }), errs.Invalid},
			{"bad phone", c.admin, c.citizen, u(func(x *identity.AccountUpdate) { x.Phone = Ptr("12") }), errs.Invalid},
			{"taken phone", c.admin, c.citizen2, u(func(x *identity.AccountUpdate) { x.Phone = Ptr("13600000001") }), errs.Conflict},
			{"system disables a citizen", nil, c.citizen2, u(func(x *identity.AccountUpdate) { x.Disabled = Ptr(true) }), errs.Internal},
		}
		for _, tc := range tests {
			got, err := e.Service.UpdateAccount(ctx, tc.actor, tc.target.ID, tc.u, client("10.0.3.1"))
			if tc.want == errs.Internal {
				if err != nil {
					t.Errorf("%s: %v", tc.name, err)
				} else if got.ID != tc.target.ID {
					t.Errorf("%s: returned account %s", tc.name, got.ID)
				}
				continue
			}
			if !errs.Is(err, tc.want) {
				t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
			}
		}
		changed := events(t, e, identity.EventFilter{Kind: identity.EventAccountChanged})
		if len(changed) != 8 || changed[0].AccountID != c.citizen2.ID || changed[0].Detail != "changed disabled; by system" {
			t.Errorf("account_changed events: %d, newest %+v; want 8, the last by the system", len(changed), changed[0])
		}
		a, _ := e.Service.AccountByID(ctx, c.clerkA.ID)
		if a.DisplayName != "新名" || a.Department != DeptB || !cmp.Equal(a.Roles, []identity.Role{identity.Caseworker, identity.Dispatcher}) {
			t.Errorf("clerk A after the changes: %+v", a)
		}
	})
}

func TestResetPassword(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *Env) {
		s, pol := e.Service, e.Service.Policy()
		c := newCast(t, s)
		_, _, token, err := s.Login(ctx, c.clerkA.Username, Password, client("10.0.4.1"))
		if err != nil {
			t.Fatal(err)
		}
		for range pol.MaxFailures {
			_, _, _, _ = s.Login(ctx, c.clerkA.Username, "Wrong-1234", client("10.0.4.1"))
		}
		tests := []struct {
			name   string
			actor  *identity.Account
			target *identity.Account
			pw     string
			want   errs.Kind
		}{
			{"caseworker resets a colleague", c.clerkB, c.clerkA, "Reset-2026a", errs.NotFound},
			{"citizen resets self", c.citizen, c.citizen, "Reset-2026a", errs.Forbidden},
			{"dept admin B resets department A", c.deptAdminB, c.clerkA, "Reset-2026a", errs.NotFound},
			{"dept admin A resets a platform admin", c.deptAdminA, c.adminInA, "Reset-2026a", errs.Forbidden},
			{"weak password", c.deptAdminA, c.clerkA, "short1", errs.Invalid},
			{"dept admin A resets own staff", c.deptAdminA, c.clerkA, "Reset-2026a", errs.Internal},
			{"system resets a citizen", nil, c.citizen, "Reset-2026b", errs.Internal},
		}
		for _, tc := range tests {
			err := s.ResetPassword(ctx, tc.actor, tc.target.ID, tc.pw, client("10.0.4.2"))
			if tc.want == errs.Internal && err != nil || tc.want != errs.Internal && !errs.Is(err, tc.want) {
				t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
			}
		}
		wantErr(t, "session after reset", errOnly2(s.Authenticate(ctx, token)), errs.Unauthenticated, "")
		if _, _, _, err := s.Login(ctx, c.clerkA.Username, "Reset-2026a", client("10.0.4.1")); err != nil {
			t.Errorf("login with the reset password (the lock is lifted): %v", err)
		}
		if _, _, _, err := s.Login(ctx, c.citizen.IDNumber, "Reset-2026b", client("10.0.4.1")); err != nil {
			t.Errorf("login with the password the system set: %v", err)
		}
		ev := events(t, e, identity.EventFilter{Kind: identity.EventPasswordReset})
		if len(ev) != 2 || ev[1].AccountID != c.clerkA.ID || ev[1].Detail != "by a-admin" || ev[1].IP != "10.0.4.2" {
			t.Errorf("password_reset events %+v", ev)
		}
	})
}

func TestChangePassword(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *Env) {
		s, pol := e.Service, e.Service.Policy()
		a := Person(t, s, nil)
		c := client("10.0.5.1")
		wantErr(t, "wrong old password", s.ChangePassword(ctx, a, "Wrong-1234", "New-passw0rd", c), errs.Invalid, "password.old_wrong")
		wantErr(t, "weak new password", s.ChangePassword(ctx, a, Password, "password", c), errs.Invalid, "password.letter_digit")
		wantErr(t, "new password with the phone", s.ChangePassword(ctx, a, Password, "x"+a.Phone, c), errs.Invalid, "password.related")
		if err := s.ChangePassword(ctx, a, Password, "New-passw0rd", c); err != nil {
			t.Fatalf("ChangePassword: %v", err)
		}
		wantErr(t, "old password after the change", errOnly(s.Login(ctx, a.IDNumber, Password, c)), errs.Unauthenticated, "")
		if _, _, _, err := s.Login(ctx, a.IDNumber, "New-passw0rd", c); err != nil {
			t.Errorf("login with the new password: %v", err)
		}
		// Guessing the current password through this form is throttled.
		for range pol.MaxFailures {
			_ = s.ChangePassword(ctx, a, "Wrong-1234", "Other-passw0rd", c)
		}
		wantErr(t, "throttled", s.ChangePassword(ctx, a, "New-passw0rd", "Other-passw0rd", c), errs.TooManyRequests, "password.throttled")
		e.Clock.Advance(pol.LockoutFor)
		if err := s.ChangePassword(ctx, a, "New-passw0rd", "Other-passw0rd", c); err != nil {
			t.Errorf("after the window: %v", err)
		}
		// An account without a password sets its first one.
		otp := Person(t, s, &PersonOpts{Password: Ptr("")})
		if err := s.ChangePassword(ctx, otp, "", "First-passw0rd", c); err != nil {
			t.Errorf("first password: %v", err)
		}
		if got, _ := s.AccountByID(ctx, otp.ID); !got.PasswordSet {
			t.Errorf("PasswordSet false after setting the first password")
		}
		ev := events(t, e, identity.EventFilter{Kind: identity.EventPasswordChange, AccountID: a.ID})
		// Two changes and 1+MaxFailures refusals for a wrong current password.
		if len(ev) != 3+pol.MaxFailures || ev[0].Detail != "" || ev[1].Detail == "" {
			t.Errorf("password_change events of a: %d (%+v)", len(ev), ev[0])
		}
		wantErr(t, "anonymous", s.ChangePassword(ctx, nil, "", "First-passw0rd", c), errs.Unauthenticated, "")
	})
}

func TestEventsVisibility(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *Env) {
		s := e.Service
		c := newCast(t, s)
		for _, a := range []*identity.Account{c.clerkA, c.clerkB, c.citizen, c.citizen2} {
			login := a.Username
			if _, _, _, err := s.Login(ctx, login, Password, client("10.0.6.1")); err != nil {
				t.Fatalf("login %s: %v", login, err)
			}
		}
		_, _, _, _ = s.Login(ctx, "ghost", "Wrong-1234", client("10.0.6.2"))
		all, total, err := s.Events(ctx, c.admin, identity.EventFilter{})
		if err != nil || total != 9+4+1 || len(all) != total {
			t.Errorf("platform admin: %d of %d, %v; want 9 creations, 4 logins, 1 failure", len(all), total, err)
		}
		tests := []struct {
			name  string
			actor *identity.Account
			f     identity.EventFilter
			check func(*identity.AuthEvent) bool
			want  int
		}{
			{"dept admin A: own department only", c.deptAdminA, identity.EventFilter{Department: DeptB},
				func(ev *identity.AuthEvent) bool { return ev.Department == DeptA }, 3 + 1},
			{"dept admin A: logins", c.deptAdminA, identity.EventFilter{Kind: identity.EventLogin},
				func(ev *identity.AuthEvent) bool { return ev.AccountID == c.clerkA.ID }, 1},
			{"citizen: own only", c.citizen, identity.EventFilter{AccountID: c.citizen2.ID},
				func(ev *identity.AuthEvent) bool { return ev.AccountID == c.citizen.ID }, 2},
			{"caseworker: own only", c.clerkB, identity.EventFilter{},
				func(ev *identity.AuthEvent) bool { return ev.AccountID == c.clerkB.ID }, 2},
			{"platform admin filters by kind", c.admin, identity.EventFilter{Kind: identity.EventLoginFailed},
				func(ev *identity.AuthEvent) bool { return ev.Login == "ghost" && ev.AccountID == "" }, 1},
			{"platform admin filters by time", c.admin, identity.EventFilter{Since: Start.Add(time.Second)},
				func(*identity.AuthEvent) bool { return false }, 0},
		}
		for _, tc := range tests {
			list, total, err := s.Events(ctx, tc.actor, tc.f)
			if err != nil || total != tc.want || len(list) != tc.want {
				t.Errorf("%s: %d of %d, %v; want %d", tc.name, len(list), total, err, tc.want)
			}
			for _, ev := range list {
				if !tc.check(ev) {
					t.Errorf("%s: event not allowed: %+v", tc.name, ev)
				}
			}
		}
		_, _, err = s.Events(ctx, nil, identity.EventFilter{})
		wantErr(t, "anonymous", err, errs.Unauthenticated, "")
	})
}
