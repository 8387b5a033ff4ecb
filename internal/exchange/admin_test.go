package exchange_test

import (
	"context"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/exchange"
	"github.com/pengcheng-gov/pengcheng/internal/exchange/exchangetest"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
)

// TestPolicyAdministration checks who may create, change, revoke and list
// policies, and what a policy must state.
func TestPolicyAdministration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := exchangetest.NewEnv(t, dbtest.Open(t, db.SQLite))
	s, ids := env.Service, env.Identity.Service
	roles := func(r ...identity.Role) *[]identity.Role { return &r }
	platform := identitytest.Staff(t, ids, &identitytest.StaffOpts{Department: ptr("SZRS"), Roles: roles(identity.PlatformAdmin)})
	gaAdmin := identitytest.Staff(t, ids, &identitytest.StaffOpts{Department: ptr("SZGA"), Roles: roles(identity.DeptAdmin)})
	rsAdmin := identitytest.Staff(t, ids, &identitytest.StaffOpts{Department: ptr("SZRS"), Roles: roles(identity.DeptAdmin)})
	rsClerk := identitytest.Staff(t, ids, &identitytest.StaffOpts{Department: ptr("SZRS")})
	citizen := identitytest.Person(t, ids, nil)
	in := exchange.PolicyInput{Department: "szrs", Dataset: exchange.Population, Fields: []string{"status", "name", "status"},
		Purpose: " 人才引进审核 ", LegalBasis: "《测试条例》", ValidFrom: exchangetest.Since}

	for _, tc := range []struct {
		name  string
		actor *identity.Account
		kind  errs.Kind
	}{
		{"department admin of another department", rsAdmin, errs.Forbidden},
		{"caseworker", rsClerk, errs.Forbidden},
		{"citizen", citizen, errs.Forbidden},
	} {
		if _, err := s.CreatePolicy(ctx, tc.actor, in); !errs.Is(err, tc.kind) {
			t.Errorf("%s creates a population policy: error = %v, want %v", tc.name, err, tc.kind)
		}
	}
	p, err := s.CreatePolicy(ctx, gaAdmin, in)
	if err != nil {
		t.Fatalf("the owner's admin creates a policy: %v", err)
	}
	if p.Department != "SZRS" || p.Purpose != "人才引进审核" || len(p.Fields) != 2 || p.Fields[0] != "name" || p.CreatedBy != gaAdmin.ID {
		t.Errorf("created policy = %+v, want normalised department, purpose and fields in schema order", p)
	}
	if _, err := s.CreatePolicy(ctx, platform, in); !errs.Is(err, errs.Conflict) {
		t.Errorf("the same purpose again: error = %v, want Conflict", err)
	}

	change := in
	change.Fields = []string{"id_number", "name"}
	change.Department = "SZMZ" // ignored: a policy keeps its department
	if _, err := s.UpdatePolicy(ctx, rsAdmin, p.ID, p.Version, change); !errs.Is(err, errs.Forbidden) {
		t.Errorf("another department's admin changes it: error = %v, want Forbidden", err)
	}
	p2, err := s.UpdatePolicy(ctx, gaAdmin, p.ID, p.Version, change)
	if err != nil || p2.Version != 2 || p2.Department != "SZRS" || len(p2.Fields) != 2 || p2.Fields[0] != "id_number" {
		t.Fatalf("UpdatePolicy = %+v, %v; want version 2 with the new fields, same department", p2, err)
	}
	if _, err := s.UpdatePolicy(ctx, gaAdmin, p.ID, 1, change); !errs.Is(err, errs.Conflict) {
		t.Errorf("update from a stale version: error = %v, want Conflict", err)
	}
	if _, err := s.RevokePolicy(ctx, rsClerk, p.ID); !errs.Is(err, errs.Forbidden) {
		t.Errorf("a caseworker revokes: error = %v, want Forbidden", err)
	}
	p3, err := s.RevokePolicy(ctx, platform, p.ID)
	if err != nil || !p3.Revoked() {
		t.Fatalf("RevokePolicy = %+v, %v", p3, err)
	}
	if _, err := s.UpdatePolicy(ctx, platform, p.ID, p3.Version, change); !errs.Is(err, errs.Conflict) {
		t.Errorf("changing a revoked policy: error = %v, want Conflict", err)
	}
	if _, err := s.RevokePolicy(ctx, platform, "not-an-id"); !errs.Is(err, errs.NotFound) {
		t.Errorf("revoking an unknown policy: error = %v, want NotFound", err)
	}

	exchangetest.Policy(t, s, &exchangetest.PolicyOpts{Department: ptr("SZGA"), Dataset: ptr(exchange.Education)})
	exchangetest.Policy(t, s, &exchangetest.PolicyOpts{Department: ptr("SZRS"), Dataset: ptr(exchange.Enterprise)})
	for _, tc := range []struct {
		name  string
		actor *identity.Account
		f     exchange.PolicyFilter
		want  int
	}{
		{"platform admin, all in force", platform, exchange.PolicyFilter{}, 2},
		{"platform admin, revoked too", platform, exchange.PolicyFilter{Revoked: true}, 3},
		{"SZGA admin: policies on population (the revoked one)", gaAdmin, exchange.PolicyFilter{Revoked: true}, 1},
		{"SZGA admin: policies granted to SZGA", gaAdmin, exchange.PolicyFilter{Department: "SZGA"}, 1},
		{"SZRS admin: policies on hr_agency", rsAdmin, exchange.PolicyFilter{}, 0},
		{"SZRS caseworker: SZRS's own", rsClerk, exchange.PolicyFilter{Department: "SZGA"}, 1},
	} {
		ps, err := s.Policies(ctx, tc.actor, tc.f)
		if err != nil || len(ps) != tc.want {
			t.Errorf("%s: %d policies, %v; want %d", tc.name, len(ps), err, tc.want)
		}
	}
	if _, err := s.Policies(ctx, citizen, exchange.PolicyFilter{}); !errs.Is(err, errs.Forbidden) {
		t.Errorf("a citizen lists policies: error = %v, want Forbidden", err)
	}
}

// TestMyAccessLog checks that people and enterprises see the reads of
// their own data, and only those.
func TestMyAccessLog(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		t.Parallel()
		ctx := context.Background()
		env := exchangetest.NewEnv(t, d)
		s, ids := env.Service, env.Identity.Service
		wangID, liID := "420106200203153452", "440304199508202346"
		wang := identitytest.Person(t, ids, &identitytest.PersonOpts{IDNumber: &wangID})
		li := identitytest.Person(t, ids, &identitytest.PersonOpts{IDNumber: &liID})
		unverified := identitytest.Person(t, ids, &identitytest.PersonOpts{Verified: exchangetest.Ptr(false)})
		company := identitytest.Enterprise(t, ids, &identitytest.EnterpriseOpts{USCC: ptr("91440300MA5F0X1Y2K")})
		clerk := identitytest.Staff(t, ids, &identitytest.StaffOpts{Department: ptr("SZRS")})
		exchangetest.Import(t, s, exchange.Population, exchangetest.Population(&exchangetest.PersonOpts{IDNumber: &wangID}),
			exchangetest.Population(&exchangetest.PersonOpts{IDNumber: &liID}))
		exchangetest.Import(t, s, exchange.Enterprise, exchangetest.EnterpriseRecord("91440300MA5F0X1Y2K", ""))
		exchangetest.Policy(t, s, nil)
		exchangetest.Policy(t, s, &exchangetest.PolicyOpts{Dataset: ptr(exchange.Enterprise)})
		for _, r := range []exchange.Request{
			exchangetest.Read("SZRS", exchange.Population, wangID), exchangetest.Read("SZRS", exchange.Population, wangID),
			exchangetest.Read("SZRS", exchange.Population, liID), exchangetest.Read("SZRS", exchange.Enterprise, "91440300MA5F0X1Y2K"),
		} {
			if _, err := s.Read(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		for _, tc := range []struct {
			name    string
			who     *identity.Account
			want    int
			subject string
			kind    errs.Kind
		}{
			{"王磊", wang, 2, wangID, 0},
			{"李芳", li, 1, liID, 0},
			{"the enterprise", company, 1, "91440300MA5F0X1Y2K", 0},
			{"an unverified person", unverified, 0, "", errs.Forbidden},
			{"staff", clerk, 0, "", errs.Forbidden},
			{"nobody", nil, 0, "", errs.Unauthenticated},
		} {
			list, n, err := s.MyAccessLog(ctx, tc.who, 0, 10)
			if tc.kind != 0 {
				if !errs.Is(err, tc.kind) {
					t.Errorf("%s: error = %v, want %v", tc.name, err, tc.kind)
				}
				continue
			}
			if err != nil || n != tc.want || len(list) != tc.want {
				t.Errorf("%s: %d of %d entries, %v; want %d", tc.name, len(list), n, err, tc.want)
			}
			for _, e := range list {
				if e.Subject != tc.subject || e.DepartmentName != "深圳市人力资源和社会保障局" {
					t.Errorf("%s sees an entry about %s by %q", tc.name, e.Subject, e.DepartmentName)
				}
			}
		}
		if list, n, _ := s.MyAccessLog(ctx, wang, 1, 1); n != 2 || len(list) != 1 || list[0].Seq != 1 {
			t.Errorf("second page of one = %v of %d, want the oldest entry", list, n)
		}
	})
}

// TestAccessLogForAdmins checks who sees the whole log.
func TestAccessLogForAdmins(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := logWith(t, dbtest.Open(t, db.SQLite), 3)
	ids := env.Identity.Service
	roles := func(r ...identity.Role) *[]identity.Role { return &r }
	platform := identitytest.Staff(t, ids, &identitytest.StaffOpts{Department: ptr("SZGA"), Roles: roles(identity.PlatformAdmin)})
	gaAdmin := identitytest.Staff(t, ids, &identitytest.StaffOpts{Department: ptr("SZGA"), Roles: roles(identity.DeptAdmin)})
	rsAdmin := identitytest.Staff(t, ids, &identitytest.StaffOpts{Department: ptr("SZRS"), Roles: roles(identity.DeptAdmin)})
	clerk := identitytest.Staff(t, ids, &identitytest.StaffOpts{Department: ptr("SZRS")})
	for _, tc := range []struct {
		name string
		who  *identity.Account
		want int
		kind errs.Kind
	}{
		{"platform admin", platform, 3, 0},
		{"SZRS admin sees SZRS's reads", rsAdmin, 3, 0},
		{"SZGA admin sees none of SZRS's reads", gaAdmin, 0, 0},
		{"caseworker", clerk, 0, errs.Forbidden},
	} {
		_, n, err := env.Service.AccessLog(ctx, tc.who, exchange.EntryFilter{})
		if (tc.kind == 0 && (err != nil || n != tc.want)) || (tc.kind != 0 && !errs.Is(err, tc.kind)) {
			t.Errorf("%s: %d entries, %v; want %d (%v)", tc.name, n, err, tc.want, tc.kind)
		}
	}
	if rep, err := env.Service.VerifyLogFor(ctx, platform); err != nil || !rep.OK {
		t.Errorf("VerifyLogFor(platform admin) = %+v, %v", rep, err)
	}
	if _, err := env.Service.VerifyLogFor(ctx, rsAdmin); !errs.Is(err, errs.Forbidden) {
		t.Errorf("VerifyLogFor(department admin) error = %v, want Forbidden", err)
	}
}

// TestPolicyValidation checks what a policy must state: each missing or
// malformed part is refused on its field.
func TestPolicyValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := exchangetest.NewEnv(t, dbtest.Open(t, db.SQLite))
	s := env.Service
	platform := identitytest.Staff(t, env.Identity.Service, &identitytest.StaffOpts{Department: ptr("SZRS"),
		Roles: &[]identity.Role{identity.PlatformAdmin}})
	in := exchange.PolicyInput{Department: "SZRS", Dataset: exchange.Population, Fields: []string{"name"},
		Purpose: "人才引进审核", LegalBasis: "《测试条例》", ValidFrom: exchangetest.Since}
	for _, tc := range []struct {
		name  string
		mod   func(*exchange.PolicyInput)
		field string
	}{
		{"no department", func(in *exchange.PolicyInput) { in.Department = "" }, "department"},
		{"unknown department", func(in *exchange.PolicyInput) { in.Department = "NOSUCH"; in.Purpose = "别的" }, "department"},
		{"unknown dataset", func(in *exchange.PolicyInput) { in.Dataset = "tax" }, "dataset"},
		{"no fields", func(in *exchange.PolicyInput) { in.Fields = nil }, "fields"},
		{"unknown field", func(in *exchange.PolicyInput) { in.Fields = []string{"salary"} }, "salary"},
		{"one-character purpose", func(in *exchange.PolicyInput) { in.Purpose = "查" }, "purpose"},
		{"purpose on two lines", func(in *exchange.PolicyInput) { in.Purpose = "第一行\n第二行" }, "purpose"},
		{"no legal basis", func(in *exchange.PolicyInput) { in.LegalBasis = "" }, "legal_basis"},
		{"no start", func(in *exchange.PolicyInput) { in.ValidFrom = time.Time{} }, "valid_from"},
		{"end before start", func(in *exchange.PolicyInput) { in.ValidUntil = in.ValidFrom.Add(-time.Hour) }, "valid_until"},
	} {
		bad := in
		tc.mod(&bad)
		_, err := s.CreatePolicy(ctx, platform, bad)
		if e := errs.As(err); e == nil || e.Kind != errs.Invalid || e.Field != tc.field {
			t.Errorf("%s: error = %v, want Invalid on %s", tc.name, err, tc.field)
		}
	}

}
