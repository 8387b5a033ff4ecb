// Package catalogtest helps test code that uses the catalogue: factories
// for valid departments, themes and items with pointer overrides, and the
// contract suite every catalog.Store must pass ([StoreSuite]).
package catalogtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
)

// Now is the time the factories stamp on what they make.
var Now = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)

// Department returns a valid department with code.
func Department(code string) *catalog.Department {
	return &catalog.Department{Code: code, Name: "测试部门" + code, ShortName: "测" + code, Division: "440300", CreatedAt: Now}
}

// Theme returns a valid person theme with code.
func Theme(code string) *catalog.Theme {
	return &catalog.Theme{Code: code, Name: "主题" + code, Description: "测试主题 " + code,
		Audience: catalog.ApplicantPerson, CreatedAt: Now, UpdatedAt: Now}
}

// ItemOpts overrides the defaults of Item; nil fields keep them.
type ItemOpts struct {
	Name       *string
	Department *string
	MaxTrips   *int
	Online     *bool
	Themes     *[]string
	Keywords   *[]string
	Applicants *[]catalog.ApplicantKind
}

// Item returns a valid item with code: a person's item of department
// TESTA with zero trips, fully online, two materials and the default form,
// version 1.
func Item(code string, o *ItemOpts) *catalog.Item {
	if o == nil {
		o = &ItemOpts{}
	}
	it := &catalog.Item{
		Code: code, Name: or(o.Name, "测试事项 "+code), Department: or(o.Department, "TESTA"), Category: "行政许可",
		Applicants: or(o.Applicants, []catalog.ApplicantKind{catalog.ApplicantPerson}),
		MaxTrips:   or(o.MaxTrips, 0), OnlineFullProcess: or(o.Online, true),
		LegalDays: 20, PromisedDays: 5, FeeFen: 0,
		Materials: []catalog.Material{
			{Name: "居民身份证", Required: true, Source: catalog.SourceLicence},
			{Name: "申请表", Required: true, Source: catalog.SourceUpload},
		},
		Themes:      or(o.Themes, []string{}),
		Keywords:    or(o.Keywords, []string{"测试"}),
		Description: "用于测试的事项。",
		Version:     1, CreatedAt: Now, UpdatedAt: Now,
	}
	it.FormFields = catalog.DefaultForm(it.Applicants)
	return it
}

func or[T any](p *T, def T) T {
	if p != nil {
		return *p
	}
	return def
}

// Ptr returns a pointer to v, for the pointer fields of options and
// catalog.ItemUpdate.
func Ptr[T any](v T) *T { return &v }

// Create stores departments TESTA and TESTB, themes T_ONE and T_TWO and
// the items through s, failing the test on error.
func Create(t testing.TB, s catalog.Store, items ...*catalog.Item) {
	t.Helper()
	ctx := context.Background()
	for _, code := range []string{"TESTA", "TESTB"} {
		if err := s.UpsertDepartment(ctx, Department(code)); err != nil {
			t.Fatalf("create department %s: %v", code, err)
		}
	}
	for _, code := range []string{"T_ONE", "T_TWO"} {
		if err := s.UpsertTheme(ctx, Theme(code)); err != nil {
			t.Fatalf("create theme %s: %v", code, err)
		}
	}
	for _, it := range items {
		if err := s.CreateItem(ctx, it); err != nil {
			t.Fatalf("create item %s: %v", it.Code, err)
		}
	}
}

// Code returns the item code of department dept numbered n.
func Code(dept string, n int) string { return fmt.Sprintf("4403-%s-%03d", dept, n) }
