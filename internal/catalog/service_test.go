package catalog_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/catalog/catalogtest"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
)

// cast is the accounts of the authorisation tests, on the shipped
// catalogue.
type cast struct {
	svc                                                 *catalog.Service
	platform, rsAdmin, gaAdmin, rsWorker, citizen, gone *identity.Account
}

func newCast(t *testing.T, d *db.DB) *cast {
	t.Helper()
	svc := newService(t, d)
	mustImport(t, svc, catalog.Shipped())
	env := identitytest.NewEnv(t, d)
	ptr := identitytest.Ptr[string]
	roles := func(r ...identity.Role) *[]identity.Role { return &r }
	c := &cast{svc: svc,
		platform: identitytest.Staff(t, env.Service, &identitytest.StaffOpts{Name: ptr("平台管理员"), Roles: roles(identity.PlatformAdmin)}),
		rsAdmin: identitytest.Staff(t, env.Service, &identitytest.StaffOpts{Name: ptr("人社管理员"), Department: ptr("SZRS"),
			Roles: roles(identity.DeptAdmin)}),
		gaAdmin: identitytest.Staff(t, env.Service, &identitytest.StaffOpts{Name: ptr("公安管理员"), Department: ptr("SZGA"),
			Roles: roles(identity.DeptAdmin)}),
		rsWorker: identitytest.Staff(t, env.Service, &identitytest.StaffOpts{Department: ptr("SZRS")}),
		citizen:  identitytest.Person(t, env.Service, nil),
		gone: identitytest.Staff(t, env.Service, &identitytest.StaffOpts{Department: ptr("SZRS"),
			Roles: roles(identity.DeptAdmin)}),
	}
	c.gone.Disabled = true
	return c
}

func TestEditAuthorisation(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		c := newCast(t, d)
		ctx := context.Background()
		tests := []struct {
			name  string
			actor *identity.Account
			item  string
			want  errs.Kind // Internal (the zero kind) for success
		}{
			{"department admin edits own item", c.rsAdmin, "4403-SZRS-001", 0},
			{"department admin cannot edit another department's item", c.rsAdmin, "4403-SZGA-004", errs.Forbidden},
			{"public security admin edits theirs", c.gaAdmin, "4403-SZGA-004", 0},
			{"platform admin edits any", c.platform, "4403-SZJJ-010", 0},
			{"caseworker cannot edit", c.rsWorker, "4403-SZRS-001", errs.Forbidden},
			{"citizen cannot edit", c.citizen, "4403-SZRS-001", errs.Forbidden},
			{"anonymous cannot edit", nil, "4403-SZRS-001", errs.Forbidden},
			{"disabled admin cannot edit", c.gone, "4403-SZRS-001", errs.Forbidden},
			{"unknown item", c.platform, "4403-SZRS-999", errs.NotFound},
		}
		for i, tc := range tests {
			before, _ := c.svc.Item(ctx, tc.item)
			kw := []string{fmt.Sprintf("关键词%d", i)}
			_, err := c.svc.UpdateItem(ctx, tc.actor, tc.item, catalog.ItemUpdate{Keywords: &kw})
			after, _ := c.svc.Item(ctx, tc.item)
			if tc.want == 0 {
				if err != nil || after.Keywords[0] != kw[0] || after.Version != before.Version+1 {
					t.Errorf("%s: err = %v, keywords %v version %d; want the edit saved", tc.name, err, after.Keywords, after.Version)
				}
				continue
			}
			if errs.KindOf(err) != tc.want {
				t.Errorf("%s: err = %v, want kind %v", tc.name, err, tc.want)
			}
			if before != nil && (after.Version != before.Version || after.Keywords[0] == kw[0]) {
				t.Errorf("%s: a refused edit changed the item", tc.name)
			}
		}
		if _, err := c.svc.History(ctx, c.gaAdmin, "4403-SZRS-001"); !errs.Is(err, errs.Forbidden) {
			t.Errorf("history of another department's item: %v, want Forbidden", err)
		}
		list, total, err := c.svc.EditableItems(ctx, c.rsAdmin, catalog.ItemFilter{Department: "SZGA"})
		if err != nil || total != 23 || list[0].Department != "SZRS" {
			t.Errorf("editable items of the SZRS admin asking for SZGA = %d, %v; want SZRS's 23", total, err)
		}
		if _, _, err := c.svc.EditableItems(ctx, c.citizen, catalog.ItemFilter{}); !errs.Is(err, errs.Forbidden) {
			t.Errorf("editable items of a citizen: %v, want Forbidden", err)
		}
	})
}

func TestUpdateItemRecordsHistory(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		c := newCast(t, d)
		ctx := context.Background()
		notices := 0
		c.svc.OnChange(func() { notices++ })
		code := "4403-SZRS-002"
		it, err := c.svc.Item(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		mats := append(it.Materials[:1:1], catalog.Material{Name: "劳动合同", Required: true, Source: catalog.SourceUpload})
		u := catalog.ItemUpdate{Version: it.Version, Name: catalogtest.Ptr("在职人才引进入户（核准类）"), Materials: &mats,
			MaxTrips: catalogtest.Ptr(0), OnlineFullProcess: catalogtest.Ptr(true), PromisedDays: catalogtest.Ptr(1)}
		got, err := c.svc.UpdateItem(ctx, c.rsAdmin, code, u)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != it.Version+1 || got.Name != "在职人才引进入户（核准类）" || len(got.Materials) != 2 || notices != 1 {
			t.Errorf("updated = %+v, notices %d", got, notices)
		}
		hist, err := c.svc.History(ctx, c.rsAdmin, code)
		if err != nil || len(hist) != 2 {
			t.Fatalf("history = %v, %v; want the edit and the import", hist, err)
		}
		h := hist[0]
		var fields []string
		for _, f := range h.Fields {
			fields = append(fields, f.Field)
		}
		if h.ActorID != c.rsAdmin.ID || h.ActorName != "人社管理员" || h.Source != catalog.ChangeEdit || h.Version != got.Version ||
			fmt.Sprint(fields) != fmt.Sprint(changedFields(it, got)) || hist[1].Source != catalog.ChangeImport || !hist[1].Created() {
			t.Errorf("latest change = %+v fields %v; want the admin's edit of %v", h, fields, changedFields(it, got))
		}
		if string(h.Fields[0].Before) != `"在职人才引进入户"` || string(h.Fields[0].After) != `"在职人才引进入户（核准类）"` {
			t.Errorf("name change recorded as %s → %s", h.Fields[0].Before, h.Fields[0].After)
		}

		// The same form sent again (same version) is stale.
		if _, err := c.svc.UpdateItem(ctx, c.rsAdmin, code, u); !errs.Is(err, errs.Conflict) {
			t.Errorf("stale update: %v, want Conflict", err)
		}
		// Invalid values are refused with the field named, and nothing changes.
		_, err = c.svc.UpdateItem(ctx, c.rsAdmin, code, catalog.ItemUpdate{PromisedDays: catalogtest.Ptr(got.LegalDays + 1)})
		if e := errs.As(err); e == nil || e.Kind != errs.Invalid || e.Field != "promised_days" {
			t.Errorf("promised beyond legal: %v, want Invalid on promised_days", err)
		}
		_, err = c.svc.UpdateItem(ctx, c.rsAdmin, code, catalog.ItemUpdate{MaxTrips: catalogtest.Ptr(0), OnlineFullProcess: catalogtest.Ptr(false)})
		if e := errs.As(err); e == nil || e.Field != "online_full_process" {
			t.Errorf("zero trips offline: %v, want Invalid on online_full_process", err)
		}
		// An update that changes nothing records nothing.
		same, err := c.svc.UpdateItem(ctx, c.rsAdmin, code, catalog.ItemUpdate{Name: &got.Name})
		if err != nil || same.Version != got.Version {
			t.Errorf("no-op update = %v, %v; want version %d", same, err, got.Version)
		}
		if hist, _ := c.svc.History(ctx, c.platform, code); len(hist) != 2 || notices != 1 {
			t.Errorf("after refused and empty updates: %d changes, %d notices; want 2, 1", len(hist), notices)
		}
	})
}

// changedFields lists the fields that differ between two versions, in
// history order.
func changedFields(a, b *catalog.Item) []string {
	var out []string
	if a.Name != b.Name {
		out = append(out, "name")
	}
	if a.MaxTrips != b.MaxTrips {
		out = append(out, "max_trips")
	}
	if a.OnlineFullProcess != b.OnlineFullProcess {
		out = append(out, "online_full_process")
	}
	if a.PromisedDays != b.PromisedDays {
		out = append(out, "promised_days")
	}
	if fmt.Sprint(a.Materials) != fmt.Sprint(b.Materials) {
		out = append(out, "materials")
	}
	return out
}
