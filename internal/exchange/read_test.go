package exchange_test

import (
	"context"
	"slices"
	"strings"
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

// readFixture is a population with one person, policies of SZRS and
// SZGA, and an education record.
type readFixture struct {
	env    *exchangetest.Env
	wang   string
	policy *exchange.Policy
}

func newReadFixture(t *testing.T, d *db.DB) *readFixture {
	t.Helper()
	env := exchangetest.NewEnv(t, d)
	s := env.Service
	wang := "420106200203153452"
	exchangetest.Import(t, s, exchange.Population, exchangetest.Population(&exchangetest.PersonOpts{IDNumber: &wang, Name: ptr("王磊")}))
	exchangetest.Import(t, s, exchange.Education, exchangetest.Education(wang, &exchangetest.EducationOpts{CertificateNo: ptr("199021202650002603")}),
		exchangetest.Education(wang, &exchangetest.EducationOpts{CertificateNo: ptr("199021202250002212"), Graduation: ptr("2022-06-30")}))
	f := &readFixture{env: env, wang: wang}
	f.policy = exchangetest.Policy(t, s, &exchangetest.PolicyOpts{Fields: &[]string{"id_number", "name", "hukou_division", "status"}})
	exchangetest.Policy(t, s, &exchangetest.PolicyOpts{Dataset: ptr(exchange.Education)})
	exchangetest.Policy(t, s, &exchangetest.PolicyOpts{Purpose: ptr("已过期的用途"), ValidUntil: exchangetest.Ptr(identitytest.Start.Add(-time.Hour))})
	exchangetest.Policy(t, s, &exchangetest.PolicyOpts{Purpose: ptr("尚未生效的用途"), ValidFrom: exchangetest.Ptr(identitytest.Start.AddDate(0, 1, 0))})
	revoked := exchangetest.Policy(t, s, &exchangetest.PolicyOpts{Purpose: ptr("已撤销的用途")})
	if _, err := s.RevokePolicy(context.Background(), platformAdmin(t, env), revoked.ID); err != nil {
		t.Fatal(err)
	}
	exchangetest.Policy(t, s, &exchangetest.PolicyOpts{Department: ptr("SZGA"), Purpose: ptr("户籍办理")})
	return f
}

func platformAdmin(t *testing.T, env *exchangetest.Env) *identity.Account {
	t.Helper()
	return identitytest.Staff(t, env.Identity.Service, &identitytest.StaffOpts{Department: ptr("SZRS"),
		Roles: &[]identity.Role{identity.PlatformAdmin}})
}

// TestPolicyEnforcement reads as several departments with several
// purposes: only what a policy in force allows gets through, with only
// its fields, and every refusal names what is missing.
func TestPolicyEnforcement(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		t.Parallel()
		f := newReadFixture(t, d)
		read := func(mod func(*exchange.Request)) exchange.Request {
			r := exchangetest.Read("SZRS", exchange.Population, f.wang)
			if mod != nil {
				mod(&r)
			}
			return r
		}
		for _, tc := range []struct {
			name   string
			req    exchange.Request
			kind   errs.Kind // 0 (Internal) means allowed
			code   string
			says   string   // the Chinese message contains this
			fields []string // the fields returned when allowed
		}{
			{name: "allowed, every policy field", req: read(nil), fields: []string{"id_number", "name", "hukou_division", "status"}},
			{name: "allowed, fewer fields", req: read(func(r *exchange.Request) { r.Fields = []string{"status", "name"} }),
				fields: []string{"name", "status"}},
			{name: "field outside the policy", req: read(func(r *exchange.Request) { r.Fields = []string{"name", "hukou_address"} }),
				kind: errs.Forbidden, code: "exchange.fields", says: "hukou_address（户籍地址）"},
			{name: "department without a policy", req: read(func(r *exchange.Request) { r.Actor = exchangetest.Rule("SZMZ") }),
				kind: errs.Forbidden, code: "exchange.no_policy", says: "部门 SZMZ 没有读取数据集「人口基础信息」"},
			{name: "dataset without a policy", req: read(func(r *exchange.Request) { r.Dataset = exchange.Enterprise; r.Subject = "91440300MA5F0X1Y2K" }),
				kind: errs.Forbidden, code: "exchange.no_policy", says: "商事主体登记信息"},
			{name: "another purpose", req: read(func(r *exchange.Request) { r.Purpose = "好奇" }),
				kind: errs.Forbidden, code: "exchange.purpose", says: "不包括用途「好奇」"},
			{name: "another legal basis", req: read(func(r *exchange.Request) { r.LegalBasis = "《别的条例》" }),
				kind: errs.Forbidden, code: "exchange.legal_basis", says: "与请求的依据「《别的条例》」不符"},
			{name: "expired policy", req: read(func(r *exchange.Request) { r.Purpose = "已过期的用途" }),
				kind: errs.Forbidden, code: "exchange.policy_expired", says: "已于 2026-03-02 到期"},
			{name: "policy not yet in force", req: read(func(r *exchange.Request) { r.Purpose = "尚未生效的用途" }),
				kind: errs.Forbidden, code: "exchange.policy_not_yet", says: "起生效"},
			{name: "revoked policy", req: read(func(r *exchange.Request) { r.Purpose = "已撤销的用途" }),
				kind: errs.Forbidden, code: "exchange.policy_revoked", says: "撤销"},
			{name: "no purpose", req: read(func(r *exchange.Request) { r.Purpose = " " }),
				kind: errs.Invalid, code: "exchange.purpose_missing", says: "用途"},
			{name: "no legal basis", req: read(func(r *exchange.Request) { r.LegalBasis = "" }),
				kind: errs.Invalid, code: "exchange.legal_basis_missing", says: "法律依据"},
			{name: "malformed subject", req: read(func(r *exchange.Request) { r.Subject = "420106200203153453" }),
				kind: errs.Invalid, code: "idnumber.checksum", says: "校验位"},
			{name: "unknown field", req: read(func(r *exchange.Request) { r.Fields = []string{"salary"} }),
				kind: errs.Invalid, code: "exchange.field_unknown", says: "salary"},
			{name: "unknown dataset", req: read(func(r *exchange.Request) { r.Dataset = "tax" }),
				kind: errs.NotFound, code: "exchange.dataset_unknown", says: "tax"},
		} {
			res, err := f.env.Service.Read(context.Background(), tc.req)
			if tc.kind == errs.Internal {
				if err != nil {
					t.Errorf("%s: %v, want allowed", tc.name, err)
					continue
				}
				if len(res.Records) != 1 || !slices.Equal(res.Fields, tc.fields) || len(res.Records[0].Fields) != len(tc.fields) {
					t.Errorf("%s: %d records with fields %v, want 1 with %v", tc.name, len(res.Records), res.Records, tc.fields)
				}
				if res.PolicyID != f.policy.ID || res.LogSeq == 0 {
					t.Errorf("%s: policy %s, log entry %d; want %s and an entry", tc.name, res.PolicyID, res.LogSeq, f.policy.ID)
				}
				continue
			}
			e := errs.As(err)
			if e == nil || e.Kind != tc.kind || e.Code != tc.code || !strings.Contains(e.Msg, tc.says) || e.MsgEN == "" {
				t.Errorf("%s: error %v (%v), want %v %s saying %q", tc.name, err, e, tc.kind, tc.code, tc.says)
			}
		}
		// Refused reads are not logged; the two allowed ones are.
		if _, n, _ := f.env.Store.FindEntries(context.Background(), exchange.EntryFilter{}); n != 2 {
			t.Errorf("log holds %d entries, want the 2 allowed reads", n)
		}
	})
}

// TestRead checks what a read returns and logs: allowed fields only,
// versions and hashes, several records, a narrowed read by key, a
// subject without records, and ReadMany with a refusal among its
// requests.
func TestRead(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		t.Parallel()
		ctx := context.Background()
		f := newReadFixture(t, d)
		s := f.env.Service
		res, err := s.Read(ctx, exchangetest.Read("SZRS", exchange.Population, "420106200203153452"))
		if err != nil {
			t.Fatal(err)
		}
		rec := res.Records[0]
		if _, has := rec.Fields["hukou_address"]; has || rec.Fields["name"] != "王磊" || rec.Version != 1 || len(rec.Hash) != 64 {
			t.Errorf("record = %+v, want name, no address, version 1, a hash", rec)
		}
		edu := exchangetest.Read("SZRS", exchange.Education, f.wang)
		edu.Reference = "SN-2026-000001"
		res, err = s.Read(ctx, edu)
		if err != nil || len(res.Records) != 2 {
			t.Fatalf("two diplomas: %v, %v", res, err)
		}
		edu.Key = "199021202650002603"
		if res, err = s.Read(ctx, edu); err != nil || len(res.Records) != 1 || res.Records[0].Fields["certificate_no"] != edu.Key {
			t.Errorf("read by certificate: %+v, %v; want that one diploma", res, err)
		}
		other := exchangetest.RandomIDNumber("440306")
		edu.Subject = other
		if res, err = s.Read(ctx, edu); err != nil || res.Found() {
			t.Errorf("a certificate of someone else: %+v, %v; want nothing found", res, err)
		}
		answers, err := s.ReadMany(ctx, []exchange.Request{
			exchangetest.Read("SZRS", exchange.Population, f.wang),
			exchangetest.Read("SZRS", exchange.Enterprise, "91440300MA5F0X1Y2K"),
			exchangetest.Read("SZRS", exchange.Population, other),
		})
		if err != nil {
			t.Fatal(err)
		}
		if !answers[0].Result.Found() || !errs.Is(answers[1].Err, errs.Forbidden) || answers[2].Result.Found() {
			t.Errorf("ReadMany = %+v, want found, refused, not found", answers)
		}
		if answers[2].Result.LogSeq != answers[0].Result.LogSeq+1 {
			t.Errorf("ReadMany logged entries %d and %d, want consecutive", answers[0].Result.LogSeq, answers[2].Result.LogSeq)
		}

		entries, n, err := f.env.Store.FindEntries(ctx, exchange.EntryFilter{Subject: f.wang})
		if err != nil || n != 4 {
			t.Fatalf("entries about the person = %d, %v; want 4", n, err)
		}
		e := entries[len(entries)-2] // the read of both diplomas
		if e.Dataset != exchange.Education || len(e.Records) != 2 || e.Reference != "SN-2026-000001" ||
			e.ActorKind != exchange.ActorRule || e.Department != "SZRS" || e.Purpose != exchangetest.Purpose ||
			e.LegalBasis != exchangetest.LegalBasis || !e.At.Equal(identitytest.Start) || len(e.Fields) != 9 {
			t.Errorf("log entry = %+v, want the diploma read with its records, reference and purpose", e)
		}
		if _, n, _ := f.env.Store.FindEntries(ctx, exchange.EntryFilter{Subject: other}); n != 2 {
			t.Errorf("reads that found nothing logged %d times, want 2", n)
		}
	})
}

// TestReadVersion reads an old version of a record, as the replay of a
// decision does.
func TestReadVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newReadFixture(t, dbtest.Open(t, db.SQLite))
	s := f.env.Service
	first, err := s.Read(ctx, exchangetest.Read("SZRS", exchange.Population, f.wang))
	if err != nil {
		t.Fatal(err)
	}
	exchangetest.Import(t, s, exchange.Population, exchangetest.Population(&exchangetest.PersonOpts{IDNumber: &f.wang, Name: ptr("王磊"), Hukou: ptr("440306")}))
	ref := first.Records[0].Ref()
	req := exchange.VersionRequest{Actor: exchangetest.Rule("SZRS"), Dataset: exchange.Population, RecordID: ref.ID, Version: ref.Version,
		Purpose: exchangetest.Purpose, LegalBasis: exchangetest.LegalBasis}
	res, err := s.ReadVersion(ctx, req)
	if err != nil || res.Records[0].Ref() != ref || res.Records[0].Fields["hukou_division"] != "420106" {
		t.Errorf("ReadVersion(v1) = %+v, %v; want the old hukou 420106 with the same hash", res, err)
	}
	req.Version = 2
	if res, err := s.ReadVersion(ctx, req); err != nil || res.Records[0].Fields["hukou_division"] != "440306" {
		t.Errorf("ReadVersion(v2) = %+v, %v; want the new hukou", res, err)
	}
	req.Version = 3
	if _, err := s.ReadVersion(ctx, req); !errs.Is(err, errs.NotFound) {
		t.Errorf("ReadVersion(v3) error = %v, want NotFound", err)
	}
	req.Actor = exchangetest.Rule("SZMZ")
	if _, err := s.ReadVersion(ctx, req); !errs.Is(err, errs.Forbidden) {
		t.Errorf("ReadVersion without a policy: error = %v, want Forbidden", err)
	}
}

// TestStaffAndClientActors checks who counts as a reader.
func TestStaffAndClientActors(t *testing.T) {
	t.Parallel()
	env := exchangetest.NewEnv(t, dbtest.Open(t, db.SQLite))
	svc := env.Identity.Service
	clerk := identitytest.Staff(t, svc, &identitytest.StaffOpts{Department: ptr("SZRS")})
	grid := identitytest.Staff(t, svc, &identitytest.StaffOpts{Department: ptr("SZRS"), Roles: &[]identity.Role{identity.GridWorker}})
	citizen := identitytest.Person(t, svc, nil)
	if a, err := exchange.StaffActor(clerk); err != nil || a.Department != "SZRS" || a.Kind != exchange.ActorStaff || a.ID != clerk.ID {
		t.Errorf("StaffActor(caseworker) = %+v, %v", a, err)
	}
	for _, a := range []*identity.Account{grid, citizen} {
		if _, err := exchange.StaffActor(a); !errs.Is(err, errs.Forbidden) {
			t.Errorf("StaffActor(%s) error = %v, want Forbidden", a.DisplayName, err)
		}
	}
	if _, err := exchange.StaffActor(nil); !errs.Is(err, errs.Unauthenticated) {
		t.Errorf("StaffActor(nil) error = %v, want Unauthenticated", err)
	}
	if _, err := exchange.ClientActor("hr-system", "人社系统", ""); !errs.Is(err, errs.Forbidden) {
		t.Errorf("ClientActor without a department: error = %v, want Forbidden", err)
	}
	if _, err := env.Service.Read(context.Background(), exchange.Request{Dataset: exchange.Population, Subject: "420106200203153452",
		Purpose: "x", LegalBasis: "y"}); err == nil || errs.KindOf(err) != errs.Internal {
		t.Errorf("a read without an actor: error = %v, want an internal error", err)
	}
}
