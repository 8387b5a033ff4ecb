package catalogtest

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// SuiteEnv is what [StoreSuite] needs for each test: an empty store on a
// fresh database, and the ID of an existing account to record as the
// actor of changes.
type SuiteEnv struct {
	Store     catalog.Store
	AccountID string
}

// StoreSuite runs the contract every catalog.Store must honour. newEnv is
// called once per subtest.
func StoreSuite(t *testing.T, newEnv func(t *testing.T) SuiteEnv) {
	tests := []struct {
		name string
		run  func(t *testing.T, e SuiteEnv)
	}{
		{"departments", testDepartments},
		{"themes", testThemes},
		{"item round trip", testItemRoundTrip},
		{"item conflicts and references", testItemConflicts},
		{"item update and versions", testItemUpdate},
		{"find items", testFindItems},
		{"changes", testChanges},
		{"revision and transactions", testRevisionTx},
		{"count items", testCountItems},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, newEnv(t))
		})
	}
}

func testDepartments(t *testing.T, e SuiteEnv) {
	ctx, s := context.Background(), e.Store
	rs := &catalog.Department{Code: "SZRS", Name: "深圳市人力资源和社会保障局", ShortName: "市人力资源保障局", Division: "440300", CreatedAt: Now}
	ga := &catalog.Department{Code: "SZGA", Name: "深圳市公安局", ShortName: "市公安局", Division: "440300", CreatedAt: Now}
	for _, d := range []*catalog.Department{rs, ga} {
		if err := s.UpsertDepartment(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	rs.ShortName = "市人社局"
	if err := s.UpsertDepartment(ctx, rs); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindDepartment(ctx, "SZRS")
	if err != nil || got.ShortName != "市人社局" || !got.CreatedAt.Equal(Now) {
		t.Fatalf("got %+v, %v; want short name 市人社局 created at %v", got, err, Now)
	}
	all, err := s.FindDepartments(ctx)
	var codes []string
	for _, d := range all {
		if d.Code == "SZGA" || d.Code == "SZRS" {
			codes = append(codes, d.Code)
		}
	}
	if err != nil || !cmp.Equal(codes, []string{"SZGA", "SZRS"}) || !slices.IsSortedFunc(all, func(a, b *catalog.Department) int {
		return strings.Compare(a.Code, b.Code)
	}) {
		t.Fatalf("departments = %v, %v; want SZGA, SZRS among them, by code", codes, err)
	}
	if _, err := s.FindDepartment(ctx, "NOPE"); !errs.Is(err, errs.NotFound) {
		t.Fatalf("unknown: err = %v, want NotFound", err)
	}
	dup := &catalog.Department{Code: "SZXX", Name: "深圳市公安局", ShortName: "x", Division: "440300", CreatedAt: Now}
	if err := s.UpsertDepartment(ctx, dup); !errs.Is(err, errs.Conflict) {
		t.Fatalf("duplicate name: err = %v, want Conflict", err)
	}
}

func testThemes(t *testing.T, e SuiteEnv) {
	ctx, s := context.Background(), e.Store
	ent := Theme("START")
	ent.Audience = catalog.ApplicantEnterprise
	for _, th := range []*catalog.Theme{Theme("ZED"), ent, Theme("BIRTH")} {
		if err := s.UpsertTheme(ctx, th); err != nil {
			t.Fatal(err)
		}
	}
	later := Now.Add(time.Hour)
	upd := &catalog.Theme{Code: "BIRTH", Name: "生育", Description: "生孩子", Audience: catalog.ApplicantPerson, CreatedAt: later, UpdatedAt: later}
	if err := s.UpsertTheme(ctx, upd); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindTheme(ctx, "BIRTH")
	if err != nil {
		t.Fatal(err)
	}
	want := &catalog.Theme{Code: "BIRTH", Name: "生育", Description: "生孩子", Audience: catalog.ApplicantPerson, CreatedAt: Now, UpdatedAt: later}
	if diff := cmp.Diff(want, got, cmpTime); diff != "" {
		t.Errorf("theme after update (-want +got):\n%s", diff)
	}
	all, err := s.FindThemes(ctx)
	var codes []string
	for _, th := range all {
		codes = append(codes, th.Code)
	}
	if err != nil || !cmp.Equal(codes, []string{"BIRTH", "ZED", "START"}) {
		t.Errorf("themes = %v, %v; want BIRTH ZED START (persons first)", codes, err)
	}
	if _, err := s.FindTheme(ctx, "NOPE"); !errs.Is(err, errs.NotFound) {
		t.Errorf("unknown theme: err = %v, want NotFound", err)
	}
	clash := Theme("OTHER")
	clash.Name = "生育"
	if err := s.UpsertTheme(ctx, clash); !errs.Is(err, errs.Conflict) {
		t.Errorf("duplicate theme name: err = %v, want Conflict", err)
	}
}

// cmpTime compares times by instant.
var cmpTime = cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })

func testItemRoundTrip(t *testing.T, e SuiteEnv) {
	ctx, s := context.Background(), e.Store
	it := Item(Code("TESTA", 1), &ItemOpts{Themes: Ptr([]string{"T_TWO", "T_ONE"}), Keywords: Ptr([]string{"办证", "港澳"}),
		Applicants: Ptr([]catalog.ApplicantKind{catalog.ApplicantPerson, catalog.ApplicantEnterprise})})
	it.MaxTrips, it.OnlineFullProcess, it.NoMeetingBatch1, it.FeeFen = 1, false, false, 1250
	it.Materials = append(it.Materials, catalog.Material{Name: "学历证明", Required: false, Source: catalog.SourceExchange})
	it.FormFields = append(it.FormFields, catalog.FormField{Name: "grade", LabelZH: "年级", LabelEN: "Grade", Type: catalog.FieldSelect,
		Required: true, Options: []catalog.FieldOption{{Value: "1", LabelZH: "一年级", LabelEN: "Year 1"}}})
	Create(t, s, it)
	got, err := s.FindItem(ctx, it.Code)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(it, got, cmpTime); diff != "" {
		t.Errorf("stored item (-want +got):\n%s", diff)
	}
	if _, err := s.FindItem(ctx, "4403-NOPE-001"); !errs.Is(err, errs.NotFound) {
		t.Errorf("unknown item: err = %v, want NotFound", err)
	}
}

func testItemConflicts(t *testing.T, e SuiteEnv) {
	ctx, s := context.Background(), e.Store
	Create(t, s, Item(Code("TESTA", 1), nil))
	tests := []struct {
		name string
		it   *catalog.Item
		want errs.Kind
	}{
		{"same code", Item(Code("TESTA", 1), &ItemOpts{Name: Ptr("另一个名称")}), errs.Conflict},
		{"same name", Item(Code("TESTA", 2), &ItemOpts{Name: Ptr("测试事项 " + Code("TESTA", 1))}), errs.Conflict},
		{"unknown department", Item(Code("NOPE", 1), &ItemOpts{Department: Ptr("NOPE")}), errs.Invalid},
		{"unknown theme", Item(Code("TESTA", 3), &ItemOpts{Themes: Ptr([]string{"NOPE"})}), errs.Invalid},
	}
	for _, tc := range tests {
		if err := s.CreateItem(ctx, tc.it); errs.KindOf(err) != tc.want {
			t.Errorf("%s: err = %v, want kind %v", tc.name, err, tc.want)
		}
	}
	if _, err := s.FindItem(ctx, Code("TESTA", 3)); !errs.Is(err, errs.NotFound) {
		t.Errorf("an item with an unknown theme was half created: err = %v", err)
	}
}

func testItemUpdate(t *testing.T, e SuiteEnv) {
	ctx, s := context.Background(), e.Store
	Create(t, s, Item(Code("TESTA", 1), &ItemOpts{Themes: Ptr([]string{"T_ONE"})}), Item(Code("TESTA", 2), nil))
	it, err := s.FindItem(ctx, Code("TESTA", 1))
	if err != nil {
		t.Fatal(err)
	}
	it.Name, it.Themes, it.Keywords, it.Version = "改过的名称", []string{"T_TWO"}, []string{"新关键词"}, 2
	it.UpdatedAt = Now.Add(time.Minute)
	if err := s.UpdateItem(ctx, it); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindItem(ctx, it.Code)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(it, got, cmpTime); diff != "" {
		t.Errorf("updated item (-want +got):\n%s", diff)
	}
	stale := got.Clone() // version 2 is stored; writing version 2 again is stale
	stale.Name = "过时的修改"
	if err := s.UpdateItem(ctx, stale); !errs.Is(err, errs.Conflict) {
		t.Errorf("stale version: err = %v, want Conflict", err)
	}
	clash := got.Clone()
	clash.Version, clash.Name = 3, "测试事项 "+Code("TESTA", 2)
	if err := s.UpdateItem(ctx, clash); !errs.Is(err, errs.Conflict) {
		t.Errorf("name of another item: err = %v, want Conflict", err)
	}
	missing := Item(Code("TESTA", 9), nil)
	missing.Version = 2
	if err := s.UpdateItem(ctx, missing); !errs.Is(err, errs.NotFound) {
		t.Errorf("unknown item: err = %v, want NotFound", err)
	}
	if got, _ := s.FindItem(ctx, it.Code); got == nil || got.Name != "改过的名称" {
		t.Errorf("failed updates changed the item: %+v", got)
	}
}

func testFindItems(t *testing.T, e SuiteEnv) {
	ctx, s := context.Background(), e.Store
	Create(t, s,
		Item(Code("TESTB", 1), &ItemOpts{Department: Ptr("TESTB"), Themes: Ptr([]string{"T_ONE"})}),
		Item(Code("TESTA", 2), &ItemOpts{Themes: Ptr([]string{"T_ONE", "T_TWO"})}),
		Item(Code("TESTA", 1), nil),
		Item(Code("TESTA", 3), &ItemOpts{Themes: Ptr([]string{"T_TWO"})}),
	)
	tests := []struct {
		f     catalog.ItemFilter
		codes []string
		total int
	}{
		{catalog.ItemFilter{}, []string{Code("TESTA", 1), Code("TESTA", 2), Code("TESTA", 3), Code("TESTB", 1)}, 4},
		{catalog.ItemFilter{Department: "TESTA", Limit: 2}, []string{Code("TESTA", 1), Code("TESTA", 2)}, 3},
		{catalog.ItemFilter{Department: "TESTA", Offset: 2, Limit: 2}, []string{Code("TESTA", 3)}, 3},
		{catalog.ItemFilter{Offset: 3}, []string{Code("TESTB", 1)}, 4},
		{catalog.ItemFilter{Theme: "T_ONE"}, []string{Code("TESTA", 2), Code("TESTB", 1)}, 2},
		{catalog.ItemFilter{Theme: "T_TWO", Department: "TESTA"}, []string{Code("TESTA", 2), Code("TESTA", 3)}, 2},
		{catalog.ItemFilter{Department: "NOPE"}, nil, 0},
	}
	for _, tc := range tests {
		list, total, err := s.FindItems(ctx, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, it := range list {
			codes = append(codes, it.Code)
		}
		if !cmp.Equal(codes, tc.codes) || total != tc.total {
			t.Errorf("FindItems(%+v) = %v, %d; want %v, %d", tc.f, codes, total, tc.codes, tc.total)
		}
	}
	list, _, err := s.FindItems(ctx, catalog.ItemFilter{Theme: "T_ONE"})
	if err != nil || len(list) == 0 || !cmp.Equal(list[0].Themes, []string{"T_ONE", "T_TWO"}) {
		t.Errorf("listed items lack their themes: %v, %v", list, err)
	}
}

func testChanges(t *testing.T, e SuiteEnv) {
	ctx, s := context.Background(), e.Store
	Create(t, s, Item(Code("TESTA", 1), nil))
	first := &catalog.Change{ID: "0190a0c0-0000-7000-8000-000000000001", ItemCode: Code("TESTA", 1), Version: 1, At: Now,
		ActorName: "系统导入", Source: catalog.ChangeImport,
		Fields: []catalog.FieldChange{{Field: "name", After: json.RawMessage(`"测试事项"`)}}}
	second := &catalog.Change{ID: "0190a0c0-0000-7000-8000-000000000002", ItemCode: Code("TESTA", 1), Version: 2, At: Now.Add(time.Hour),
		ActorID: e.AccountID, ActorName: "部门管理员", Source: catalog.ChangeEdit,
		Fields: []catalog.FieldChange{{Field: "max_trips", Before: json.RawMessage(`0`), After: json.RawMessage(`1`)}}}
	for _, c := range []*catalog.Change{first, second} {
		if err := s.AddChange(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.FindChanges(ctx, Code("TESTA", 1))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]*catalog.Change{second, first}, got, cmpTime); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	again := *second
	again.ID = "0190a0c0-0000-7000-8000-000000000003"
	if err := s.AddChange(ctx, &again); err == nil {
		t.Errorf("two changes with the same version were recorded")
	}
	if got, err := s.FindChanges(ctx, "4403-NOPE-001"); err != nil || len(got) != 0 {
		t.Errorf("changes of an unknown item = %v, %v; want none", got, err)
	}
}

func testRevisionTx(t *testing.T, e SuiteEnv) {
	ctx, s := context.Background(), e.Store
	Create(t, s)
	r0, err := s.Revision(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r1, err := s.BumpRevision(ctx); err != nil || r1 != r0+1 {
		t.Fatalf("bump = %d, %v; want %d", r1, err, r0+1)
	}
	boom := errors.New("boom")
	err = s.InTx(ctx, func(tx catalog.Store) error {
		if _, err := tx.BumpRevision(ctx); err != nil {
			return err
		}
		if err := tx.CreateItem(ctx, Item(Code("TESTA", 1), nil)); err != nil {
			return err
		}
		if _, err := tx.FindItem(ctx, Code("TESTA", 1)); err != nil {
			return err // a transaction reads its own writes
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx = %v, want the function's error", err)
	}
	if _, err := s.FindItem(ctx, Code("TESTA", 1)); !errs.Is(err, errs.NotFound) {
		t.Errorf("rolled-back item exists: err = %v", err)
	}
	if r, _ := s.Revision(ctx); r != r0+1 {
		t.Errorf("revision after rollback = %d, want %d", r, r0+1)
	}
	err = s.InTx(ctx, func(tx catalog.Store) error {
		return tx.InTx(ctx, func(inner catalog.Store) error { return inner.CreateItem(ctx, Item(Code("TESTA", 2), nil)) })
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindItem(ctx, Code("TESTA", 2)); err != nil {
		t.Errorf("item of a nested transaction: %v", err)
	}
}

func testCountItems(t *testing.T, e SuiteEnv) {
	ctx, s := context.Background(), e.Store
	one, two := Item(Code("TESTA", 2), &ItemOpts{MaxTrips: Ptr(1)}), Item(Code("TESTB", 1), &ItemOpts{Department: Ptr("TESTB"), MaxTrips: Ptr(2), Online: Ptr(false)})
	batch := Item(Code("TESTA", 1), nil)
	batch.NoMeetingBatch1 = true
	Create(t, s, batch, one, two)
	tests := []struct {
		dept string
		want catalog.Shares
	}{
		{"", catalog.Shares{Items: 3, ZeroTrip: 1, AtMostOneTrip: 2, OnlineFullProcess: 2, NoMeetingBatch1: 1}},
		{"TESTA", catalog.Shares{Items: 2, ZeroTrip: 1, AtMostOneTrip: 2, OnlineFullProcess: 2, NoMeetingBatch1: 1}},
		{"NOPE", catalog.Shares{}},
	}
	for _, tc := range tests {
		got, err := s.CountItems(ctx, tc.dept)
		if err != nil || got != tc.want {
			t.Errorf("CountItems(%q) = %+v, %v; want %+v", tc.dept, got, err, tc.want)
		}
	}
}
