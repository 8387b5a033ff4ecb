// Package approvaltest helps test code that uses instant approval (秒批):
// an approval service on a test database with the real applications,
// exchange and identity services, the real catalogue items of the
// graduate-settlement flow, the demo city's registries and the flagship
// rule set published ([NewEnv]).
package approvaltest

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/pengcheng-gov/pengcheng/internal/approval"
	"github.com/pengcheng-gov/pengcheng/internal/approval/approvalsql"
	"github.com/pengcheng-gov/pengcheng/internal/cases/casestest"
	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/exchange"
	"github.com/pengcheng-gov/pengcheng/internal/exchange/exchangesql"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
)

// The items and departments of the graduate-settlement flow.
const (
	// ItemGraduate is 高校应届毕业生引进入户 of SZRS, decided by the
	// flagship rule set.
	ItemGraduate = "4403-SZRS-001"
	// ItemHukou is the SZGA item an approved graduate's application is
	// handed over to.
	ItemHukou = approval.HandoverItemCode
	DeptSZRS  = "SZRS"
	DeptSZGA  = "SZGA"
)

// The demo people and enterprise of the registries (see
// internal/exchange/testdata/README.md).
const (
	// WangLeiID is 王磊, who passes every rule of the flagship.
	WangLeiID   = "420106200203153452"
	WangLeiName = "王磊"
	// EmployerUSCC is an enterprise registered as 存续.
	EmployerUSCC = "91440300MA5F0X1Y2K"
)

// Env is an approval service on a test database: the applications
// environment (identity, clock, catalogue, files, cases) with the real
// items ItemGraduate and ItemHukou imported from the shipped catalogue
// (every department and theme too), the exchange service with the demo
// registries and policies, the approval store and service with the
// flagship rules published as version 1, and accounts.
type Env struct {
	// Env gives Cases (the applications service), Catalog, Clock, Files
	// and the identity environment (Env.Env).
	*casestest.Env
	// Identity is the identity service (accounts).
	Identity *identity.Service
	Exchange *exchange.Service
	Store    *approvalsql.Store
	Service  *approval.Service

	// SZRSAdmin is a department administrator of SZRS; SZRSCaseworker a
	// caseworker of SZRS; SZGACaseworker a caseworker and SZGAAdmin a
	// department administrator of SZGA; PlatformAdmin a platform
	// administrator.
	SZRSAdmin, SZRSCaseworker, SZGACaseworker, SZGAAdmin, PlatformAdmin *identity.Account
	// WangLei is the citizen 王磊 (WangLeiID); Enterprise the demo
	// enterprise EmployerUSCC.
	WangLei, Enterprise *identity.Account
}

// NewEnv builds an Env on d (migrated, e.g. from dbtest).
func NewEnv(t testing.TB, d *db.DB) *Env {
	t.Helper()
	ctx := context.Background()
	e := &Env{Env: casestest.NewEnv(t, d)}
	e.Identity = e.Env.Env.Service
	log := slog.New(slog.DiscardHandler)
	fsys, err := Catalogue(ItemGraduate)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := catalog.NewService(e.Catalog, e.Clock.Now, log).Import(ctx, fsys, nil); err != nil {
		t.Fatalf("import the catalogue: %v", err)
	}
	e.Exchange = exchange.NewService(exchangesql.New(d), e.Clock.Now, log)
	if _, err := exchange.SeedDemo(ctx, e.Exchange); err != nil {
		t.Fatalf("seed the registries: %v", err)
	}
	e.Store = approvalsql.New(d)
	e.Service, err = approval.NewService(approval.Deps{Store: e.Store, Registries: e.Exchange, Catalog: e.Catalog,
		Accounts: e.Identity, Cases: e.Cases, Now: e.Clock.Now, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := approval.SeedDemo(ctx, e.Service, e.Catalog); err != nil {
		t.Fatalf("publish the flagship rules: %v", err)
	}
	e.accounts(t)
	return e
}

// accounts creates the Env's accounts.
func (e *Env) accounts(t testing.TB) {
	t.Helper()
	ids := e.Identity
	staff := func(name, dept string, roles ...identity.Role) *identity.Account {
		return identitytest.Staff(t, ids, &identitytest.StaffOpts{Name: &name, Department: &dept, Roles: &roles})
	}
	e.SZRSAdmin = staff("人社局规则管理员", DeptSZRS, identity.DeptAdmin)
	e.SZRSCaseworker = staff("人社局审批员", DeptSZRS, identity.Caseworker)
	e.SZGACaseworker = staff("公安局户政员", DeptSZGA, identity.Caseworker)
	e.SZGAAdmin = staff("公安局管理员", DeptSZGA, identity.DeptAdmin)
	e.PlatformAdmin = staff("平台管理员", DeptSZRS, identity.PlatformAdmin)
	e.WangLei = identitytest.Person(t, ids, &identitytest.PersonOpts{Name: identitytest.Ptr(WangLeiName),
		IDNumber: identitytest.Ptr(WangLeiID)})
	e.Enterprise = identitytest.Enterprise(t, ids, &identitytest.EnterpriseOpts{
		Name: identitytest.Ptr("深圳市鹏城示范科技有限公司（演示）"), USCC: identitytest.Ptr(EmployerUSCC)})
}

// Catalogue returns the shipped catalogue's departments and themes with
// only the items of codes, as import files (importing 500 items for every
// test would be slow).
func Catalogue(codes ...string) (fs.FS, error) {
	src := catalog.Shipped()
	out := fstest.MapFS{}
	for _, name := range []string{"departments.json", "themes.json"} {
		b, err := fs.ReadFile(src, name)
		if err != nil {
			return nil, fmt.Errorf("shipped catalogue: %w", err)
		}
		out[name] = &fstest.MapFile{Data: b}
	}
	b, err := fs.ReadFile(src, "items.json")
	if err != nil {
		return nil, fmt.Errorf("shipped catalogue: %w", err)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(b, &items); err != nil {
		return nil, fmt.Errorf("shipped items: %w", err)
	}
	var keep []json.RawMessage
	for _, raw := range items {
		var head struct {
			Code string `json:"code"`
		}
		if err := json.Unmarshal(raw, &head); err != nil {
			return nil, fmt.Errorf("shipped items: %w", err)
		}
		if slices.Contains(codes, head.Code) {
			keep = append(keep, raw)
		}
	}
	if len(keep) != len(codes) {
		return nil, fmt.Errorf("shipped items: found %d of %v", len(keep), codes)
	}
	data, err := json.Marshal(keep)
	if err != nil {
		return nil, fmt.Errorf("shipped items: %w", err)
	}
	out["items.json"] = &fstest.MapFile{Data: data}
	return out, nil
}

// Input returns a dry-run input for ItemGraduate by 王磊 through the
// individual channel, applied on 2026-07-15 with every material: one
// the flagship approves.
func Input() approval.Input {
	return approval.Input{Channel: approval.ChannelIndividual, AppliedOn: "2026-07-15",
		Applicant: approval.Applicant{IDNumber: WangLeiID, Name: WangLeiName, Phone: "13800000003"},
		Education: approval.Education{CertificateNo: "199021202650002603", DegreeCertificateNo: "1990242026002603",
			VerificationCode: "A1B2C3D4E5F6G7"},
		Materials: []string{"id_card", "graduation_certificate", "degree_certificate", "verification_report"}}
}
