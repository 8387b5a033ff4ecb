package identity_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	. "github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
)

var ctx = context.Background()

// forEach runs fn on a fresh Env per database dialect, in parallel.
func forEach(t *testing.T, fn func(t *testing.T, e *Env)) {
	t.Helper()
	forEachPolicy(t, identity.DefaultPolicy(), fn)
}

func forEachPolicy(t *testing.T, p identity.Policy, fn func(t *testing.T, e *Env)) {
	t.Helper()
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			fn(t, NewEnvPolicy(t, dbtest.Open(t, dialect), p))
		})
	}
}

// client returns a distinct client for a test.
func client(ip string) identity.Client { return identity.Client{IP: ip, UserAgent: "Mozilla/5.0 test"} }

// wantErr checks err's kind and, when code is set, its code.
func wantErr(t *testing.T, what string, err error, kind errs.Kind, code string) *errs.Error {
	t.Helper()
	e := errs.As(err)
	if e == nil || e.Kind != kind || code != "" && e.Code != code {
		t.Fatalf("%s: got error %v, want kind %v code %q", what, err, kind, code)
	}
	return e
}

// events returns the audit events of kind, newest first, read as the
// system sees them.
func events(t *testing.T, e *Env, f identity.EventFilter) []*identity.AuthEvent {
	t.Helper()
	f.Limit = 500
	list, _, err := e.Store.FindEvents(ctx, f)
	if err != nil {
		t.Fatalf("FindEvents: %v", err)
	}
	return list
}

func TestCreateAccount(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *Env) {
		s := e.Service
		nums := SampleIDNumbers()
		lower := strings.ToLower(nums[0])
		p, err := s.CreateAccount(ctx, nil, identity.NewAccount{Kind: identity.Person, IDNumber: lower, DisplayName: " 张三 ",
			Phone: "+86 139 0000 0001", IDVerified: true, Password: "Secret-2026"}, client("10.0.0.1"))
		if err != nil {
			t.Fatalf("create person: %v", err)
		}
		if p.Username != nums[0] || p.IDNumber != nums[0] || p.DisplayName != "张三" || p.Phone != "13900000001" ||
			!p.IDVerified || !p.PasswordSet || p.Lang != "zh" {
			t.Errorf("created person %+v: want normalised number as username, trimmed name, 11-digit phone, verified", p)
		}
		ent, err := s.CreateAccount(ctx, nil, identity.NewAccount{Kind: identity.Enterprise, USCC: strings.ToLower(USCC("440306", 5)),
			DisplayName: "鹏城公司"}, client("10.0.0.1"))
		if err != nil || ent.Username != USCC("440306", 5) || ent.PasswordSet {
			t.Errorf("create enterprise: %+v, %v; want the credit code as username, no password", ent, err)
		}
		st, err := s.CreateAccount(ctx, nil, identity.NewAccount{Kind: identity.Staff, Username: "Clerk.One", DisplayName: "窗口",
			Department: DeptA, Roles: []identity.Role{identity.GridWorker, identity.Caseworker}, Lang: "en"}, client("10.0.0.1"))
		if err != nil || st.Username != "clerk.one" || len(st.Roles) != 2 || st.Roles[0] != identity.Caseworker || st.Lang != "en" {
			t.Errorf("create staff: %+v, %v", st, err)
		}
		created := events(t, e, identity.EventFilter{Kind: identity.EventAccountCreated})
		if len(created) != 3 || created[0].AccountID != st.ID || created[0].Department != DeptA || created[0].IP != "10.0.0.1" ||
			created[0].UserAgent == "" {
			t.Errorf("account_created events: %+v", created)
		}

		tests := []struct {
			name      string
			n         identity.NewAccount
			kind      errs.Kind
			field     string
			msgSubstr string
		}{
			{"bad identity number", identity.NewAccount{Kind: identity.Person, IDNumber: nums[1][:17] + "0", DisplayName: "李四"},
				errs.Invalid, "id_number", "校验位错误"},
			{"no identity number", identity.NewAccount{Kind: identity.Person, DisplayName: "李四"}, errs.Invalid, "id_number", "请填写"},
			{"no name", identity.NewAccount{Kind: identity.Person, IDNumber: nums[1]}, errs.Invalid, "display_name", ""},
			{"person with roles", identity.NewAccount{Kind: identity.Person, IDNumber: nums[1], DisplayName: "李四",
				Roles: []identity.Role{identity.Caseworker}}, errs.Invalid, "kind", ""},
			{"bad credit code", identity.NewAccount{Kind: identity.Enterprise, USCC: "91350100M000100Y44", DisplayName: "X"},
				errs.Invalid, "uscc", "应为 3"},
			{"staff without department", identity.NewAccount{Kind: identity.Staff, Username: "nodept", DisplayName: "X",
				Roles: []identity.Role{identity.Caseworker}}, errs.Invalid, "department", ""},
			{"staff without roles", identity.NewAccount{Kind: identity.Staff, Username: "noroles", DisplayName: "X",
				Department: DeptA}, errs.Invalid, "roles", ""},
			{"unknown role", identity.NewAccount{Kind: identity.Staff, Username: "badrole", DisplayName: "X", Department: DeptA,
				Roles: []identity.Role{"superuser"}}, errs.Invalid, "roles", "superuser"},
			{"unknown department", identity.NewAccount{Kind: identity.Staff, Username: "baddept", DisplayName: "X",
				Department: "NOPE", Roles: []identity.Role{identity.Caseworker}}, errs.Invalid, "department", "部门不存在"},
			{"weak password", identity.NewAccount{Kind: identity.Person, IDNumber: nums[1], DisplayName: "李四", Password: "12345678"},
				errs.Invalid, "password", ""},
			{"password containing the identity number", identity.NewAccount{Kind: identity.Person, IDNumber: nums[1],
				DisplayName: "李四", Password: "x" + nums[1]}, errs.Invalid, "password", ""},
			{"bad phone", identity.NewAccount{Kind: identity.Person, IDNumber: nums[1], DisplayName: "李四", Phone: "12345"},
				errs.Invalid, "phone", ""},
			{"bad kind", identity.NewAccount{Kind: "robot", DisplayName: "X"}, errs.Invalid, "kind", ""},
			{"bad language", identity.NewAccount{Kind: identity.Person, IDNumber: nums[1], DisplayName: "李四", Lang: "fr"},
				errs.Invalid, "lang", ""},
			{"identity number taken", identity.NewAccount{Kind: identity.Person, IDNumber: nums[0], DisplayName: "冒名",
				Username: "impostor"}, errs.Conflict, "id_number", "该身份证号码已注册"},
			{"username taken", identity.NewAccount{Kind: identity.Staff, Username: "clerk.one", DisplayName: "X",
				Department: DeptA, Roles: []identity.Role{identity.Caseworker}}, errs.Conflict, "username", "用户名"},
			{"phone taken", identity.NewAccount{Kind: identity.Person, IDNumber: nums[1], DisplayName: "李四", Phone: "13900000001"},
				errs.Conflict, "phone", "手机号码"},
			{"credit code taken", identity.NewAccount{Kind: identity.Enterprise, USCC: USCC("440306", 5), DisplayName: "X",
				Username: "other-ent"}, errs.Conflict, "uscc", "统一社会信用代码已注册"},
		}
		for _, tc := range tests {
			_, err := s.CreateAccount(ctx, nil, tc.n, client("10.0.0.1"))
			e := errs.As(err)
			if e == nil || e.Kind != tc.kind || e.Field != tc.field || !strings.Contains(e.Msg, tc.msgSubstr) {
				t.Errorf("%s: got %v, want %v on field %s saying %q", tc.name, err, tc.kind, tc.field, tc.msgSubstr)
			}
		}
		if n, err := s.CountAccounts(ctx); err != nil || n != 3 {
			t.Errorf("CountAccounts = %d, %v; want 3 (refused input changes nothing)", n, err)
		}
	})
}

func TestCreateAccountAuthorization(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *Env) {
		s := e.Service
		admin := Staff(t, s, &StaffOpts{Roles: Ptr([]identity.Role{identity.PlatformAdmin})})
		deptA := Staff(t, s, &StaffOpts{Roles: Ptr([]identity.Role{identity.DeptAdmin})})
		clerk := Staff(t, s, nil)
		citizen := Person(t, s, nil)
		staff := func(username, dept string, roles ...identity.Role) identity.NewAccount {
			return identity.NewAccount{Kind: identity.Staff, Username: username, DisplayName: "X", Department: dept, Roles: roles}
		}
		tests := []struct {
			name  string
			actor *identity.Account
			n     identity.NewAccount
			want  errs.Kind // Internal means success
		}{
			{"platform admin creates a platform admin", admin, staff("new-a1", DeptB, identity.PlatformAdmin), errs.Internal},
			{"platform admin creates a person", admin, identity.NewAccount{Kind: identity.Person, IDNumber: SampleIDNumbers()[3],
				DisplayName: "市民"}, errs.Internal},
			{"dept admin creates staff of their department", deptA, staff("new-a2", DeptA, identity.Caseworker), errs.Internal},
			{"dept admin's staff default to their department", deptA, staff("new-a3", "", identity.GridWorker), errs.Internal},
			{"dept admin creates staff elsewhere", deptA, staff("new-a4", DeptB, identity.Caseworker), errs.Forbidden},
			{"dept admin grants platform admin", deptA, staff("new-a5", DeptA, identity.PlatformAdmin), errs.Forbidden},
			{"dept admin creates a person", deptA, identity.NewAccount{Kind: identity.Person, IDNumber: SampleIDNumbers()[4],
				DisplayName: "市民"}, errs.Forbidden},
			{"caseworker creates staff", clerk, staff("new-a6", DeptA, identity.Caseworker), errs.Forbidden},
			{"citizen creates staff", citizen, staff("new-a7", DeptA, identity.Caseworker), errs.Forbidden},
		}
		for _, tc := range tests {
			a, err := s.CreateAccount(ctx, tc.actor, tc.n, client("10.0.0.2"))
			if tc.want == errs.Internal {
				if err != nil {
					t.Errorf("%s: %v", tc.name, err)
				} else if tc.actor == deptA && a.Department != DeptA {
					t.Errorf("%s: department %q, want %q", tc.name, a.Department, DeptA)
				}
				continue
			}
			if !errs.Is(err, tc.want) {
				t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
			}
		}
		created := events(t, e, identity.EventFilter{Kind: identity.EventAccountCreated})
		if !strings.Contains(created[0].Detail, "by "+deptA.Username) {
			t.Errorf("account_created detail %q does not name the creator %s", created[0].Detail, deptA.Username)
		}
	})
}

func TestAccountByIDNumber(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *Env) {
		nums := SampleIDNumbers()
		v := Person(t, e.Service, &PersonOpts{IDNumber: Ptr(nums[0])})
		Person(t, e.Service, &PersonOpts{IDNumber: Ptr(nums[1]), Verified: Ptr(false)})
		if got, err := e.Service.AccountByIDNumber(ctx, strings.ToLower(nums[0])); err != nil || got.ID != v.ID {
			t.Errorf("AccountByIDNumber(verified) = %v, %v; want %s", got, err, v.ID)
		}
		for _, n := range []string{nums[1], nums[2]} {
			if _, err := e.Service.AccountByIDNumber(ctx, n); !errs.Is(err, errs.NotFound) {
				t.Errorf("AccountByIDNumber(%s) = %v, want not found (unverified or unknown)", n, err)
			}
		}
		if got, err := e.Service.AccountByID(ctx, v.ID); err != nil || got.ID != v.ID {
			t.Errorf("AccountByID = %v, %v", got, err)
		}
	})
}

func TestRecord(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *Env) {
		a := Person(t, e.Service, nil)
		err := e.Service.Record(ctx, identity.AuthEvent{Kind: identity.EventTokenIssued, AccountID: a.ID, ClientID: "rs-portal",
			IP: "10.1.1.1", Detail: "authorization_code"})
		if err != nil {
			t.Fatalf("Record: %v", err)
		}
		got := events(t, e, identity.EventFilter{Kind: identity.EventTokenIssued})
		if len(got) != 1 || got[0].ClientID != "rs-portal" || got[0].ID == "" || !got[0].At.Equal(Start) {
			t.Errorf("recorded events %+v", got)
		}
		wantErr(t, "Record without kind", e.Service.Record(ctx, identity.AuthEvent{}), errs.Invalid, "")
	})
}

// Keep the clock helper honest: services see the clock's time.
func TestEnvClock(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *Env) {
		e.Clock.Advance(90 * time.Minute)
		a := Person(t, e.Service, nil)
		if !a.CreatedAt.Equal(Start.Add(90 * time.Minute)) {
			t.Errorf("CreatedAt = %v, want the clock's %v", a.CreatedAt, Start.Add(90*time.Minute))
		}
	})
}
