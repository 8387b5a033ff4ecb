package appointments_test

import (
	"context"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/appointments"
	"github.com/pengcheng-gov/pengcheng/internal/appointments/appointmentssql"
	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/catalog/catalogsql"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
)

// TestDemoHallsServeCatalogueItems seeds the demo halls next to the
// shipped catalogue: every item a demo group serves is in the catalogue
// and belongs to the group's department, and a person can book one.
func TestDemoHallsServeCatalogueItems(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := dbtest.Open(t, "sqlite")
	cat := catalog.NewService(catalogsql.New(d), nil, nil)
	if _, err := cat.Import(ctx, catalog.Shipped(), nil); err != nil {
		t.Fatalf("import the shipped catalogue: %v", err)
	}
	ie := identitytest.NewEnv(t, d)
	svc := appointments.NewService(appointmentssql.New(d), ie.Notify, cat, appointments.Policy{}, ie.Clock.Now, nil)
	if n, err := appointments.SeedDemo(ctx, svc); err != nil || n != 2 {
		t.Fatalf("SeedDemo: %d, %v", n, err)
	}
	for _, h := range appointments.DemoHalls() {
		for _, g := range h.Groups {
			for _, code := range g.Items {
				it, err := cat.Item(ctx, code)
				if err != nil {
					t.Errorf("hall %s group %s: item %s: %v", h.Code, g.Code, code, err)
					continue
				}
				if it.Department != g.Department {
					t.Errorf("hall %s group %s (%s) serves %s of department %s", h.Code, g.Code, g.Department, code, it.Department)
				}
			}
		}
	}
	person := identitytest.Person(t, ie.Service, &identitytest.PersonOpts{Password: identitytest.Ptr("")})
	start := appointments.Day("2026-03-03").At(10 * 60)
	b, err := svc.Book(ctx, person, appointments.NewBooking{Hall: appointments.DemoMunicipalHall, Item: "4403-SZGA-010", Start: start})
	if err != nil || b.GroupCode != "A" {
		t.Fatalf("book a passport appointment at the Civic Centre: %+v, %v", b, err)
	}
	if got := svc.ItemName(ctx, b.ItemCode); got != "普通护照签发" {
		t.Errorf("item name = %q, want 普通护照签发", got)
	}
}
