package identitytest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// StoreSuite is the contract every identity.Store must pass. newStore must
// return a new, empty store in which departments DeptA and DeptB exist.
func StoreSuite(t *testing.T, newStore func(t *testing.T) identity.Store) {
	t.Run("accounts", func(t *testing.T) { t.Parallel(); testAccounts(t, newStore(t)) })
	t.Run("account conflicts", func(t *testing.T) { t.Parallel(); testConflicts(t, newStore(t)) })
	t.Run("find accounts", func(t *testing.T) { t.Parallel(); testFindAccounts(t, newStore(t)) })
	t.Run("update account", func(t *testing.T) { t.Parallel(); testUpdateAccount(t, newStore(t)) })
	t.Run("passwords and lockout", func(t *testing.T) { t.Parallel(); testPasswords(t, newStore(t)) })
	t.Run("sessions", func(t *testing.T) { t.Parallel(); testSessions(t, newStore(t)) })
	t.Run("events", func(t *testing.T) { t.Parallel(); testEvents(t, newStore(t)) })
	t.Run("counters", func(t *testing.T) { t.Parallel(); testCounters(t, newStore(t)) })
	t.Run("one-time codes", func(t *testing.T) { t.Parallel(); testOTP(t, newStore(t)) })
}

// t0 is the suite's reference time, whole seconds so every database keeps
// it exactly.
var t0 = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)

func person(id, idNumber, phone string) *identity.Account {
	return &identity.Account{ID: id, Kind: identity.Person, Username: idNumber, DisplayName: "市民 " + id,
		IDNumber: idNumber, IDVerified: true, Phone: phone, Email: "p@example.cn", Lang: "zh", CreatedAt: t0, UpdatedAt: t0}
}

func staffAccount(id, username, dept string, roles ...identity.Role) *identity.Account {
	return &identity.Account{ID: id, Kind: identity.Staff, Username: username, DisplayName: "Staff " + username,
		Department: dept, Roles: roles, Lang: "en", CreatedAt: t0, UpdatedAt: t0}
}

func mustCreate(t *testing.T, s identity.Store, a *identity.Account, hash string) {
	t.Helper()
	if err := s.CreateAccount(context.Background(), a, hash); err != nil {
		t.Fatalf("CreateAccount(%s): %v", a.Username, err)
	}
}

func wantKind(t *testing.T, what string, err error, kind errs.Kind) {
	t.Helper()
	if got := errs.KindOf(err); err == nil || got != kind {
		t.Errorf("%s: got error %v (kind %v), want kind %v", what, err, got, kind)
	}
}

func testAccounts(t *testing.T, s identity.Store) {
	ctx := context.Background()
	nums := SampleIDNumbers()
	p := person(ids0(), nums[0], "13900000001")
	mustCreate(t, s, p, "")
	ent := &identity.Account{ID: ids0(), Kind: identity.Enterprise, Username: USCC("440306", 1), DisplayName: "企业",
		USCC: USCC("440306", 1), Lang: "zh", CreatedAt: t0, UpdatedAt: t0}
	mustCreate(t, s, ent, "hash")
	st := staffAccount(ids0(), "clerk", DeptA, identity.Dispatcher, identity.Caseworker)
	mustCreate(t, s, st, "hash")
	// A staff username equal to someone's phone must win a login lookup.
	odd := staffAccount(ids0(), "13900000009", DeptB, identity.GridWorker)
	mustCreate(t, s, odd, "")
	mustCreate(t, s, person(ids0(), nums[1], "13900000009"), "")

	want := *st
	want.Roles = []identity.Role{identity.Caseworker, identity.Dispatcher} // display order
	want.PasswordSet = true
	got, err := s.FindAccountByID(ctx, st.ID)
	if err != nil {
		t.Fatalf("FindAccountByID: %v", err)
	}
	if d := cmp.Diff(&want, got); d != "" {
		t.Errorf("FindAccountByID (-want +got):\n%s", d)
	}
	for _, tc := range []struct{ login, wantID string }{
		{nums[0], p.ID}, {"13900000001", p.ID}, {ent.USCC, ent.ID}, {"clerk", st.ID}, {"13900000009", odd.ID},
	} {
		got, err := s.FindAccountByLogin(ctx, tc.login)
		if err != nil || got.ID != tc.wantID {
			t.Errorf("FindAccountByLogin(%q) = %v, %v; want account %s", tc.login, got, err, tc.wantID)
		}
	}
	if got, err := s.FindAccountByIDNumber(ctx, nums[0]); err != nil || got.ID != p.ID || got.PasswordSet {
		t.Errorf("FindAccountByIDNumber = %+v, %v; want %s without password", got, err, p.ID)
	}
	_, err = s.FindAccountByID(ctx, "no-such-id")
	wantKind(t, "FindAccountByID(unknown)", err, errs.NotFound)
	_, err = s.FindAccountByLogin(ctx, "nobody")
	wantKind(t, "FindAccountByLogin(unknown)", err, errs.NotFound)
	_, err = s.FindAccountByIDNumber(ctx, nums[5])
	wantKind(t, "FindAccountByIDNumber(unknown)", err, errs.NotFound)
	if n, err := s.CountAccounts(ctx); err != nil || n != 5 {
		t.Errorf("CountAccounts = %d, %v; want 5", n, err)
	}
}

// ids0 returns a fresh account id.
func ids0() string { return ids.New() }

func testConflicts(t *testing.T, s identity.Store) {
	ctx := context.Background()
	nums := SampleIDNumbers()
	mustCreate(t, s, person(ids0(), nums[0], "13900000001"), "")
	mustCreate(t, s, &identity.Account{ID: ids0(), Kind: identity.Enterprise, Username: USCC("440306", 7),
		DisplayName: "企业", USCC: USCC("440306", 7), Lang: "zh", CreatedAt: t0, UpdatedAt: t0}, "")
	mustCreate(t, s, staffAccount(ids0(), "taken", DeptA, identity.Caseworker), "")
	dupUsername := staffAccount(ids0(), "taken", DeptA)
	dupIDNumber := person(ids0(), nums[0], "")
	dupIDNumber.Username = "someone-else"
	dupUSCC := &identity.Account{ID: ids0(), Kind: identity.Enterprise, Username: "other-ent", DisplayName: "企业",
		USCC: USCC("440306", 7), Lang: "zh", CreatedAt: t0, UpdatedAt: t0}
	dupPhone := person(ids0(), nums[1], "13900000001")
	badDept := staffAccount(ids0(), "nodept", "NO-SUCH-DEPT")
	for _, tc := range []struct {
		name      string
		a         *identity.Account
		kind      errs.Kind
		wantField string
	}{
		{"username", dupUsername, errs.Conflict, "username"},
		{"identity number", dupIDNumber, errs.Conflict, "id_number"},
		{"credit code", dupUSCC, errs.Conflict, "uscc"},
		{"phone", dupPhone, errs.Conflict, "phone"},
		{"unknown department", badDept, errs.Invalid, "department"},
	} {
		err := s.CreateAccount(ctx, tc.a, "")
		e := errs.As(err)
		if e == nil || e.Kind != tc.kind || e.Field != tc.wantField || e.Msg == "" {
			t.Errorf("%s: got %v, want %v error on field %s with a message", tc.name, err, tc.kind, tc.wantField)
		}
		if _, err := s.FindAccountByID(ctx, tc.a.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("%s: the refused account was stored (%v)", tc.name, err)
		}
	}
	// Several accounts without phone, number or code do not clash.
	mustCreate(t, s, staffAccount(ids0(), "nophone1", DeptA), "")
	mustCreate(t, s, staffAccount(ids0(), "nophone2", DeptA), "")
}

func testFindAccounts(t *testing.T, s identity.Store) {
	ctx := context.Background()
	nums := SampleIDNumbers()
	p1 := person(ids0(), nums[0], "13900000001")
	p1.DisplayName = "张三"
	p2 := person(ids0(), nums[1], "13900000002")
	p2.DisplayName = "李四_100%"
	mustCreate(t, s, p1, "")
	mustCreate(t, s, p2, "")
	a1 := staffAccount(ids0(), "alice", DeptA, identity.DeptAdmin)
	a2 := staffAccount(ids0(), "bob", DeptA, identity.Caseworker)
	b1 := staffAccount(ids0(), "carol", DeptB, identity.Caseworker, identity.GridWorker)
	for _, a := range []*identity.Account{a1, a2, b1} {
		mustCreate(t, s, a, "")
	}
	names := func(list []*identity.Account) []string {
		var out []string
		for _, a := range list {
			out = append(out, a.Username)
		}
		return out
	}
	for _, tc := range []struct {
		name      string
		f         identity.AccountFilter
		want      []string
		wantTotal int
	}{
		{"all, by username", identity.AccountFilter{}, []string{nums[1], nums[0], "alice", "bob", "carol"}, 5},
		{"kind", identity.AccountFilter{Kind: identity.Staff}, []string{"alice", "bob", "carol"}, 3},
		{"department", identity.AccountFilter{Department: DeptA}, []string{"alice", "bob"}, 2},
		{"role", identity.AccountFilter{Role: identity.Caseworker}, []string{"bob", "carol"}, 2},
		{"role and department", identity.AccountFilter{Role: identity.Caseworker, Department: DeptB}, []string{"carol"}, 1},
		{"query name", identity.AccountFilter{Query: "张"}, []string{nums[0]}, 1},
		{"query username, any case", identity.AccountFilter{Query: "ALI"}, []string{"alice"}, 1},
		{"query phone", identity.AccountFilter{Query: "0000002"}, []string{nums[1]}, 1},
		{"query wildcards are literal", identity.AccountFilter{Query: "_100%"}, []string{nums[1]}, 1},
		{"query percent alone", identity.AccountFilter{Query: "%"}, []string{nums[1]}, 1},
		{"page", identity.AccountFilter{Kind: identity.Staff, Offset: 1, Limit: 1}, []string{"bob"}, 3},
		{"past the end", identity.AccountFilter{Offset: 10}, nil, 5},
	} {
		list, total, err := s.FindAccounts(ctx, tc.f)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if d := cmp.Diff(tc.want, names(list)); d != "" || total != tc.wantTotal {
			t.Errorf("%s: got %v total %d, want %v total %d", tc.name, names(list), total, tc.want, tc.wantTotal)
		}
	}
	list, _, err := s.FindAccounts(ctx, identity.AccountFilter{Query: "carol"})
	if err != nil || len(list) != 1 || !cmp.Equal(list[0].Roles, []identity.Role{identity.Caseworker, identity.GridWorker}) {
		t.Errorf("roles in list: got %v, %v; want carol with caseworker, grid_worker", list, err)
	}
}
