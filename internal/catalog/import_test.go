package catalog_test

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/catalog/catalogsql"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
)

// newService returns a catalogue service on a fresh database of dialect.
func newService(t testing.TB, d *db.DB) *catalog.Service {
	t.Helper()
	clock := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	return catalog.NewService(catalogsql.New(d), func() time.Time { return clock }, slog.New(slog.DiscardHandler))
}

func mustImport(t testing.TB, svc *catalog.Service, fsys fs.FS) *catalog.ImportReport {
	t.Helper()
	rep, err := svc.Import(context.Background(), fsys, nil)
	if err != nil {
		for _, p := range rep.Problems {
			t.Log(p.Message("en"))
		}
		t.Fatalf("import: %v", err)
	}
	return rep
}

func TestImportShippedCatalogue(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc := newService(t, d)
		changes := 0
		svc.OnChange(func() { changes++ })
		var calls, lastDone, lastTotal int
		rep, err := svc.Import(ctx, catalog.Shipped(), func(done, total int) { calls, lastDone, lastTotal = calls+1, done, total })
		if err != nil {
			t.Fatalf("import: %v (%d problems, first %v)", err, len(rep.Problems), rep.Problems)
		}
		want := catalog.ImportReport{Departments: catalog.ImportCounts{Created: 37}, Themes: catalog.ImportCounts{Created: 22},
			Items: catalog.ImportCounts{Created: 515}}
		if fmt.Sprint(*rep) != fmt.Sprint(want) {
			t.Errorf("first import = %+v, want %+v", *rep, want)
		}
		if calls != 574 || lastDone != 574 || lastTotal != 574 || changes != 1 {
			t.Errorf("progress calls %d, last %d/%d, change notices %d; want 574, 574/574, 1", calls, lastDone, lastTotal, changes)
		}
		sh, err := svc.Shares(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		if sh.Items != 515 || sh.ZeroTrip != 293 || sh.AtMostOneTrip != 501 || sh.OnlineFullProcess != 489 || sh.NoMeetingBatch1 != 100 {
			t.Errorf("shares = %+v; want 515 items, 293 zero-trip, 501 at most one, 489 online, 100 batch 1", sh)
		}
		if got := fmt.Sprintf("%.2f%% %.2f%% %.2f%%", 100*sh.Share(sh.ZeroTrip), 100*sh.Share(sh.AtMostOneTrip), 100*sh.Share(sh.OnlineFullProcess)); got != "56.89% 97.28% 94.95%" {
			t.Errorf("shares = %s, want 56.89%% 97.28%% 94.95%% (data/README.md)", got)
		}
		if ga, err := svc.Shares(ctx, "SZGA"); err != nil || ga.Items != 50 || ga.ZeroTrip != 24 || ga.OnlineFullProcess != 40 || ga.NoMeetingBatch1 != 8 {
			t.Errorf("SZGA shares = %+v, %v; want 50 items, 24 zero-trip, 40 online, 8 batch 1", ga, err)
		}
		if _, err := svc.Shares(ctx, "NOPE"); !errs.Is(err, errs.NotFound) {
			t.Errorf("shares of an unknown department: %v, want NotFound", err)
		}
		checkFlagship(t, svc)
		rev, _ := svc.Revision(ctx)

		again := mustImport(t, svc, catalog.Shipped())
		want = catalog.ImportReport{Departments: catalog.ImportCounts{Unchanged: 37}, Themes: catalog.ImportCounts{Unchanged: 22},
			Items: catalog.ImportCounts{Unchanged: 515}}
		if fmt.Sprint(*again) != fmt.Sprint(want) || again.Changed() {
			t.Errorf("second import = %+v, want %+v", *again, want)
		}
		if rev2, _ := svc.Revision(ctx); rev2 != rev || changes != 1 {
			t.Errorf("an unchanged import moved the revision %d → %d or notified (%d)", rev, rev2, changes)
		}
		if _, total, _ := svc.Items(ctx, catalog.ItemFilter{}); total != 515 {
			t.Errorf("items after re-import = %d, want 515", total)
		}
	})
}

// checkFlagship checks the flagship item against data/README.md.
func checkFlagship(t *testing.T, svc *catalog.Service) {
	t.Helper()
	it, err := svc.Item(context.Background(), "4403-SZRS-001")
	if err != nil {
		t.Fatal(err)
	}
	if it.Name != "高校应届毕业生引进入户" || it.Department != "SZRS" || it.MaxTrips != 0 || !it.OnlineFullProcess ||
		!it.NoMeetingBatch1 || it.PromisedDays != 0 || !it.ForApplicant(catalog.ApplicantPerson) || !it.ForApplicant(catalog.ApplicantEnterprise) {
		t.Errorf("flagship item = %+v", it)
	}
	if len(it.Materials) != 7 || it.Materials[2].Source != catalog.SourceExchange || it.Materials[3].Source != catalog.SourceLicence {
		t.Errorf("flagship materials = %+v", it.Materials)
	}
	if len(it.Themes) == 0 || it.Themes[0] != "GRAD_HUKOU" || it.Version != 1 {
		t.Errorf("flagship themes %v version %d; want GRAD_HUKOU first, version 1", it.Themes, it.Version)
	}
	// The shipped form asks for what instant approval reads (the input
	// of internal/approval): the channel, the graduate and the diplomas.
	var names []string
	for _, f := range it.FormFields {
		names = append(names, f.Name)
	}
	if got := strings.Join(names, ","); got != "channel,name,id_number,phone,certificate_no,degree_certificate_no,verification_code,employer_uscc,employer_phone" {
		t.Errorf("flagship form fields = %s", got)
	}
}

func TestImportUpdatesChangedItemsOnly(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc := newService(t, d)
		mustImport(t, svc, smallCatalogue(nil))
		rep := mustImport(t, svc, smallCatalogue(map[int]map[string]string{
			1: {"max_trips": "1", "online_full_process": "false", "keywords": `["新关键词"]`},
		}))
		if rep.Items != (catalog.ImportCounts{Updated: 1, Unchanged: 1}) || rep.Themes.Unchanged != 1 || rep.Departments.Unchanged != 2 {
			t.Errorf("report = %+v; want 1 item updated, 1 unchanged", *rep)
		}
		it, err := svc.Item(ctx, "4403-TESTB-001")
		if err != nil || it.MaxTrips != 1 || it.OnlineFullProcess || it.Version != 2 {
			t.Fatalf("updated item = %+v, %v", it, err)
		}
		changes, err := catalogsql.New(d).FindChanges(ctx, it.Code)
		if err != nil || len(changes) != 2 {
			t.Fatalf("changes = %v, %v; want creation and update", changes, err)
		}
		var fields []string
		for _, f := range changes[0].Fields {
			fields = append(fields, fmt.Sprintf("%s:%s→%s", f.Field, f.Before, f.After))
		}
		want := `max_trips:0→1 online_full_process:true→false keywords:["测试二"]→["新关键词"]`
		if strings.Join(fields, " ") != want || changes[0].Source != catalog.ChangeImport || changes[0].ActorID != "" {
			t.Errorf("recorded change %v by %q/%s; want %s by the system import", fields, changes[0].ActorID, changes[0].Source, want)
		}
	})
}

func TestImportKeepsEditedFormAndItemsNotInFile(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t, db.SQLite)
	ctx := context.Background()
	svc := newService(t, d)
	mustImport(t, svc, smallCatalogue(nil))
	form := []catalog.FormField{{Name: "school", LabelZH: "学校", Type: catalog.FieldText, Required: true}}
	if _, err := svc.UpdateItem(ctx, platformAdmin(t, d), "4403-TESTA-001", catalog.ItemUpdate{FormFields: &form}); err != nil {
		t.Fatal(err)
	}
	files := smallCatalogue(nil)
	files["items.json"].Data = []byte(strings.Replace(string(files["items.json"].Data), `"code": "4403-TESTB-001"`, `"code": "4403-TESTB-002"`, 1))
	files["items.json"].Data = []byte(strings.Replace(string(files["items.json"].Data), `"name": "测试事项二"`, `"name": "测试事项三"`, 1))
	rep := mustImport(t, svc, files)
	if rep.Items != (catalog.ImportCounts{Created: 1, Unchanged: 1}) || rep.Kept != 1 {
		t.Errorf("report = %+v; want 1 created, 1 unchanged, 1 kept", *rep)
	}
	it, err := svc.Item(ctx, "4403-TESTA-001")
	if err != nil || len(it.FormFields) != 1 || it.FormFields[0].Name != "school" {
		t.Errorf("the edited form was replaced: %+v, %v", it, err)
	}
	if _, err := svc.Item(ctx, "4403-TESTB-001"); err != nil {
		t.Errorf("an item missing from the file was removed: %v", err)
	}
}

// platformAdmin creates an enabled platform admin.
func platformAdmin(t *testing.T, d *db.DB) *identity.Account {
	t.Helper()
	env := identitytest.NewEnv(t, d)
	return identitytest.Staff(t, env.Service, &identitytest.StaffOpts{Roles: &[]identity.Role{identity.PlatformAdmin}})
}
